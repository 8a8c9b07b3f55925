"""Feed bytes to entries: feedparser, publication dates, encodings.

Parsing knows feedparser and nothing about HTTP: it takes the bytes and headers a fetch
returned. feedparser reads the encoding from the headers, the XML declaration and the
bytes themselves; a feed that is malformed ("bozo") but still yields entries keeps them.

Every entry leaves here with a publication time: feedparser's own, else our second
parser (``parse_date``) for the forms it misses, else the fetch time flagged as estimated.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import feedparser
from dateutil import parser as dateutil_parser

from feeds.ingest.clean import html_to_text

# A publication date more than this far ahead of the fetch is a feed bug, not news.
MAX_FUTURE = timedelta(days=2)
EARLIEST = datetime(1990, 1, 1)


@dataclass
class Entry:
    link: str | None
    guid: str | None
    title: str  # plain text
    summary: str  # raw, as the feed sent it (may hold markup; untrusted)
    content: str  # raw full content (content:encoded / atom content) if any
    published_at: datetime  # naive UTC
    published_estimated: bool
    language: str | None


@dataclass
class ParsedFeed:
    entries: list[Entry] = field(default_factory=list)
    title: str = ""
    language: str | None = None
    error: str | None = None  # set when the document is not a usable feed
    warning: str | None = None  # bozo feeds that still gave entries


def parse_feed(body: bytes, headers: dict[str, str] | None, fetched_at: datetime) -> ParsedFeed:
    """Parse feed bytes; never raises for bad input, sets ``error`` instead."""
    if not body or not body.strip():
        return ParsedFeed(error="empty response: the server sent no content")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    # The body is already decompressed by the fetcher; stop feedparser trying again.
    headers.pop("content-encoding", None)
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is robust, but this is untrusted input
        return ParsedFeed(error=f"could not parse the feed: {type(exc).__name__}: {exc}")

    feed_info = result.get("feed", {})
    language = _language(feed_info.get("language"))
    parsed = ParsedFeed(title=_plain(feed_info.get("title", "")), language=language)
    for raw in result.get("entries", []):
        entry = _entry(raw, fetched_at, language)
        if entry is not None:
            parsed.entries.append(entry)

    problem = _bozo_text(result) if result.get("bozo") else None
    if not parsed.entries:
        if problem or not result.get("version"):
            parsed.error = _not_a_feed(body, headers, problem)
    elif problem:
        parsed.warning = f"malformed feed, entries kept: {problem}"
    return parsed


def _entry(raw, fetched_at: datetime, feed_language: str | None) -> Entry | None:
    link = _clean_link(raw.get("link")) or _first_alternate(raw)
    guid = (raw.get("id") or "").strip() or None
    if not link and guid and re.match(r"^https?://", guid):
        link = guid
    if not link and not guid:
        return None  # nothing to identify it by; the feed's count reports it
    published, estimated = entry_date(raw, fetched_at)
    content = ""
    for block in raw.get("content") or []:
        value = block.get("value") or ""
        if len(value) > len(content):
            content = value
    return Entry(
        link=link,
        guid=guid[:2000] if guid else None,
        title=_plain(raw.get("title", "")),
        summary=raw.get("summary", "") or "",
        content=content,
        published_at=published,
        published_estimated=estimated,
        language=_language(raw.get("language")) or feed_language,
    )


def entry_date(raw, fetched_at: datetime) -> tuple[datetime, bool]:
    """(published UTC, estimated?) for a feedparser entry."""
    latest = fetched_at + MAX_FUTURE
    # dict.get skips feedparser's deprecated updated->published key aliasing.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(raw, key)
        if value:
            try:
                moment = datetime(*value[:6])
            except (TypeError, ValueError):
                continue
            if EARLIEST <= moment <= latest:
                return moment, False
    for key in ("published", "updated", "created", "date", "dc_date", "pubdate"):
        value = dict.get(raw, key)
        if isinstance(value, str) and value.strip():
            moment = parse_date(value)
            if moment is not None and EARLIEST <= moment <= latest:
                return moment, False
    return fetched_at, True


# Month names feedparser does not know, mapped to English. No abbreviation here means
# two different months in two languages, so one table serves them all.
_MONTHS = {
    # Portuguese
    "jan": "Jan", "fev": "Feb", "mar": "Mar", "abr": "Apr", "mai": "May", "jun": "Jun",
    "jul": "Jul", "ago": "Aug", "set": "Sep", "out": "Oct", "nov": "Nov", "dez": "Dec",
    "janeiro": "Jan", "fevereiro": "Feb", "março": "Mar", "abril": "Apr", "maio": "May",
    "junho": "Jun", "julho": "Jul", "agosto": "Aug", "setembro": "Sep", "outubro": "Oct",
    "novembro": "Nov", "dezembro": "Dec",
    # Spanish
    "ene": "Jan", "enero": "Jan", "febrero": "Feb", "marzo": "Mar", "mayo": "May",
    "junio": "Jun", "julio": "Jul", "septiembre": "Sep", "sept": "Sep", "octubre": "Oct",
    "noviembre": "Nov", "dic": "Dec", "diciembre": "Dec",
    # French
    "janv": "Jan", "févr": "Feb", "fevr": "Feb", "mars": "Mar", "avr": "Apr", "juin": "Jun",
    "juil": "Jul", "août": "Aug", "aout": "Aug", "déc": "Dec",
    # German and Indonesian
    "mär": "Mar", "mrz": "Mar", "okt": "Oct", "mei": "May", "agu": "Aug", "agt": "Aug",
    "des": "Dec",
}
_OFFSET_RE = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b", re.I)
_WORD_RE = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_TZINFOS = {"KST": 9 * 3600, "JST": 9 * 3600, "ICT": 7 * 3600, "WIB": 7 * 3600,
            "SGT": 8 * 3600, "HKT": 8 * 3600, "CST": -6 * 3600, "IST": 19800,
            "BRT": -3 * 3600, "CET": 3600, "CEST": 7200, "MSK": 3 * 3600}


def parse_date(value: str) -> datetime | None:
    """Second chance for dates feedparser cannot read; naive UTC or None.

    Handles offsets written ``GMT+9`` (dateutil would read them POSIX-style, reversed),
    unpadded times, and Portuguese, Spanish, French, German and Indonesian month names.
    A string without a four-digit year is refused: guessing the year is worse than
    flagging the date as estimated.
    """
    text = value.strip()[:200]
    if not re.search(r"\b(19|20)\d{2}\b", text):
        return None
    text = _OFFSET_RE.sub(
        lambda m: f" {m.group(1)}{int(m.group(2)):02d}{m.group(3) or '00'}", text
    )

    def month(match: re.Match) -> str:
        word = match.group(0).rstrip(".").lower()
        return _MONTHS.get(word, match.group(0))

    text = _WORD_RE.sub(month, text)
    try:
        moment = dateutil_parser.parse(text, fuzzy=True, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def struct_to_datetime(value) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(value), UTC).replace(tzinfo=None)


def _plain(value: str) -> str:
    """Titles are plain text: unescape entities and drop tags a feed put inside."""
    return html_to_text(value or "").replace("\n", " ").strip()


def _clean_link(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    if re.match(r"^https?://\S+$", value, re.I):
        return value[:2000]
    return None


def _first_alternate(raw) -> str | None:
    for link in raw.get("links") or []:
        href = _clean_link(link.get("href"))
        if href and link.get("rel", "alternate") == "alternate":
            return href
    return None


def _language(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _bozo_text(result) -> str:
    exc = result.get("bozo_exception")
    if exc is None:
        return "malformed feed"
    name = type(exc).__name__
    message = str(exc).strip() or name
    return f"{message} ({name})" if name not in message else message


def _not_a_feed(body: bytes, headers: dict[str, str], problem: str | None) -> str:
    head = body[:512].lstrip().lower()
    ctype = headers.get("content-type", "")
    if head.startswith((b"<!doctype html", b"<html")) or "text/html" in ctype:
        return "not a feed: the server sent an HTML page"
    if problem:
        return f"not a feed: {problem}"
    return "not a feed: no RSS or Atom content found"
