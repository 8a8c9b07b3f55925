"""The scheduled brief as a message: the summary and top stories in the body, the whole
self-contained HTML brief attached (e-mail, Slack and most apprise services take files;
the JSON webhook gets the figures and the link)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from feeds.alerts.message import Message
from feeds.brief import build
from feeds.brief.render import safe_link
from feeds.text import md_escape


def _day(value) -> date:
    return (value if isinstance(value, datetime) else datetime.fromisoformat(str(value))).date()


def brief_message(engine: Engine, event: dict, message: Message, folder: Path,
                  public_url: str | None = None) -> tuple[Message, list[Path]]:
    """The brief for the event's week: (message, [the HTML file to attach])."""
    start, end = _day(event["window_start"]), _day(event["window_end"])
    if end > start:
        end = end.fromordinal(end.toordinal() - 1)  # the week ends the day before it is due
    brief = build(engine, start, end)
    path = folder / f"cambodia-risk-brief-{start.isoformat()}.html"
    path.write_text(brief.html(public_url or None), encoding="utf-8")
    lines = [f"**Cambodia risk brief, {start:%d %b} to {end:%d %b %Y}**", "",
             md_escape(brief.summary), "", "Top stories:"]
    for story in brief.figures.stories[:5]:
        link = safe_link(story["link"]) or ""
        lines.append(f"- {md_escape(story['title'])} — {md_escape(story['source'])}, "
                     f"risk {story['risk']:.0f} {link}".rstrip())
    if event.get("link"):
        lines += ["", f"Dashboard: {event['link']}"]
    lines += ["", "The full brief, with charts, is attached."]
    payload = dict(message.payload, summary=brief.summary,
                   headline={"now": brief.figures.now, "before": brief.figures.before})
    title = f"[Cambodia Risk] Weekly brief {start:%d %b} – {end:%d %b %Y}"
    return Message(title, "\n".join(lines), payload), [path]
