"""What a delivered alert says, built from the stored event so a retry sends the same words.

Every message answers "what fired and why": the rule, the figures against the
baseline, up to five articles with their titles and sources, and the dashboard link
that reproduces the view. Feed text is untrusted: it goes out as plain text inside
markdown, with the characters that would make links or emphasis escaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from feeds.text import md_escape


@dataclass(frozen=True)
class Message:
    title: str
    body: str  # markdown
    payload: dict  # the JSON webhook's body


def evidence(event: dict) -> dict:
    raw = event.get("evidence") or "{}"
    return json.loads(raw) if isinstance(raw, str) else raw


def build(event: dict) -> Message:
    """The message for an ``alert_events`` row (a mapping of its columns)."""
    ev = evidence(event)
    articles = ev.get("articles", [])
    title = f"[Cambodia Risk] {event['title']}"
    lines = [f"**{md_escape(event['title'])}** (rule {md_escape(event['rule'])})", "",
             f"Why: {md_escape(event['reason'])}."]
    if articles:
        lines += ["", "Articles:"]
        for art in articles:
            risk = "" if art.get("risk") is None else f", risk {art['risk']:g}"
            lines.append(f"- {md_escape(art['title'] or '(untitled)')} — "
                         f"{md_escape(art['source'])}{risk}: {art['link']}")
    if event.get("link"):
        lines += ["", f"Dashboard: {event['link']}"]
    payload = {
        "rule": event["rule"], "kind": event["kind"], "subject": event["subject"],
        "title": event["title"], "reason": event["reason"],
        "fired_at": _iso(event["fired_at"]), "window_start": _iso(event["window_start"]),
        "window_end": _iso(event["window_end"]), "figures": ev.get("figures", {}),
        "articles": articles, "link": event.get("link"),
    }
    return Message(title, "\n".join(lines), payload)


def _iso(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
