"""Small builders for feed documents used across the ingest tests, and the shared corpora."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

# Real-world feeds and feedparser's samples, read in place (never copied here).
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def item(
    title: str,
    link: str | None,
    *,
    guid: str | None = None,
    published: datetime | None = None,
    description: str = "",
) -> dict:
    return dict(title=title, link=link, guid=guid, published=published, description=description)


def rss(items: list[dict], *, title: str = "Test feed", language: str = "en") -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><language>{language}</language>"
    ]
    for it in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(it['title'])}</title>")
        if it["link"]:
            parts.append(f"<link>{escape(it['link'])}</link>")
        if it["guid"]:
            parts.append(f'<guid isPermaLink="false">{escape(it["guid"])}</guid>')
        if it["published"]:
            moment = it["published"].replace(tzinfo=UTC)
            parts.append(f"<pubDate>{format_datetime(moment)}</pubDate>")
        parts.append(f"<description>{escape(it['description'])}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def story(n: int, host: str = "https://news.example.org") -> dict:
    """A distinct, Cambodia-relevant story number n."""
    return item(
        f"Story {n}: troops deployed near Poipet as talks stall",
        f"{host}/2024/story-{n}",
        guid=f"story-{n}",
        published=datetime(2024, 5, 1 + n % 27, 8, 0),
        description=(
            f"Report {n}. Cambodian troops were deployed near the Thai border at "
            f"Poipet on day {n}, officials in Phnom Penh said. Talks between the two "
            f"governments were expected to continue."
        ),
    )
