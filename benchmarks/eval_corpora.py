"""Reading the labelled items' texts back out of ../shared/corpora.

The development set (tests/eval/labels.jsonl) keeps labels only; the texts stay in the
shared corpora, which must never be copied into the repository. Each label names its
``source`` (a file path relative to the corpora directory) and a ``locator`` (the
record's own id inside that file), so the text is found again without guessing. The
URL is the label's key and is checked against the record.

What gets scored is defined once, here (:func:`scored_text`): the record's title and
the first :data:`TEXT_CHARS` characters of its body. tests/eval/GUIDE.md says the same
to the people labelling, so the labels judge exactly the text the scorer sees.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Characters of body text scored and labelled (after the title).
TEXT_CHARS = 2500

# Where the corpora live unless --corpora or this variable says otherwise.
CORPORA_ENV = "CAMBODIA_RISK_CORPORA"


def default_corpora() -> Path:
    """``$CAMBODIA_RISK_CORPORA``, else ``../shared/corpora`` beside the checkout."""
    env = os.environ.get(CORPORA_ENV)
    return Path(env) if env else ROOT.parent / "shared" / "corpora"


@dataclass(frozen=True)
class Record:
    """One article as the corpus holds it."""

    source: str  # file path relative to the corpora directory
    locator: str  # the record's id within that file
    url: str
    title: str
    body: str
    # When the article appeared, as near as the corpus tells: its own date field, else a
    # date in its URL, else the day it was collected (no later than publication). The
    # refresh job passes a feed entry's date the same way, and the scorer needs it to
    # tell a past year from a recent one. None: nothing known (the scorer uses today).
    published: date | None = None


_ISO_DAY = re.compile(r"(?<!\d)(19|20)(\d\d)-(\d\d)-(\d\d)")
# The Remy2404 scrape ran on 6-8 December 2025 (its README); undated records are older.
_REMY_COLLECTED = date(2025, 12, 6)
# VOA's Jekyll posts before this date carry placeholder dates, not publication dates.
_VOA_REAL_DATES = date(2017, 8, 1)


def _day(text: str | None) -> date | None:
    """The first YYYY-MM-DD in ``text`` (a date field or a URL), if it is a real day."""
    m = _ISO_DAY.search(text or "")
    if not m:
        return None
    try:
        return date(int(m[1] + m[2]), int(m[3]), int(m[4]))
    except ValueError:
        return None


def scored_text(record: Record) -> tuple[str, str]:
    """(title, text) exactly as the benchmark scores and the guide asks to label."""
    return record.title.strip(), record.body[:TEXT_CHARS]


# --- one reader per file format ---------------------------------------------------------


def _remy(path: Path, source: str) -> Iterator[Record]:
    for a in json.loads(path.read_text(encoding="utf-8"))["articles"]:
        published = _day(a.get("published_at")) or _day(a["url"]) or _REMY_COLLECTED
        yield Record(source, a["_id"]["$oid"], a["url"], a.get("title") or "",
                     a.get("content") or a.get("summary") or "", published)


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _pisethdy(path: Path, source: str) -> Iterator[Record]:
    for r in _jsonl(path):
        yield Record(source, r["id"], r["url"], r.get("title") or "", r.get("text") or "",
                     _day(r["url"]))


def _voa(path: Path, source: str) -> Iterator[Record]:
    for r in _jsonl(path):
        raw = r["raw"]
        # The Jekyll front matter sits between the first two "---" lines.
        parts = raw.split("\n---", 1) if raw.startswith("---") else ["", raw]
        body = parts[1].lstrip("-").strip() if len(parts) == 2 else raw
        url = "https://github.com/VOANews/cambodia-election/blob/master/" + r["path"]
        day = _day(r.get("date"))
        published = day if day and day >= _VOA_REAL_DATES else None
        yield Record(source, r["path"], url, r.get("title") or "", body, published)


def _khmertimes_bot(path: Path, source: str) -> Iterator[Record]:
    for r in _jsonl(path):
        yield Record(source, str(r["id"]), r["link"], r.get("title_ru") or "",
                     r.get("content_en") or "", _day(r.get("date")))


def _phylypo(path: Path, source: str) -> Iterator[Record]:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        meta = next(n for n in names if n.endswith("meta.txt"))
        folder = meta.rsplit("/", 1)[0]
        lines = z.read(meta).decode("utf-8").splitlines()
        for line in lines[1:]:
            cells = line.split(",", 5)
            if len(cells) < 6:
                continue
            doc, url = cells[1], cells[5].strip()
            name = f"{folder}/{doc}_orig.txt"
            if name not in names:
                continue
            text = z.read(name).decode("utf-8", errors="replace")
            title, _, body = text.partition("\n")
            # no date field: the URL's, else the archive entry's (the day of the crawl)
            published = _day(url) or date(*z.getinfo(name).date_time[:3])
            yield Record(source, doc, url, title, body, published)


def _feed(path: Path, source: str) -> Iterator[Record]:
    """A saved RSS/Atom file: one record per entry, located by its position."""
    import feedparser
    from eval_score import plain_text

    parsed = feedparser.parse(path.read_bytes())
    for i, e in enumerate(parsed.entries):
        # as feeds.parse does: the longest content block, else the summary
        blocks = [b.get("value") or "" for b in e.get("content") or []]
        markup = max(blocks, key=len) if any(blocks) else e.get("summary", "")
        when = e.get("published_parsed") or e.get("updated_parsed")
        yield Record(source, str(i), (e.get("link") or "").strip(), e.get("title") or "",
                     plain_text(markup), date(*when[:3]) if when else None)


_READERS = {
    "cambodia-news/Remy2404_cambodia-news-scraper_ui_db.json": _remy,
    "cambodia-news/pisethdy_khmerwebscraper_khmer_dataset.jsonl": _pisethdy,
    "cambodia-news/VOANews_cambodia-election_posts.jsonl": _voa,
    "cambodia-news/webcamerajob_kh-news-tg-bot_articles.jsonl": _khmertimes_bot,
    "cambodia-news/phylypo_segmentation-crf-khmer_kh_data_1000.zip": _phylypo,
    "cambodia-news/phylypo_segmentation-crf-khmer_kh_data_1000_200b.zip": _phylypo,
}


def reader_for(source: str):
    """The reader for a corpus file, or None if the benchmark cannot read it."""
    if source in _READERS:
        return _READERS[source]
    if source.startswith("real-feeds/") and source.rsplit(".", 1)[-1] in ("rss", "xml", "atom"):
        return _feed
    return None


def records(corpora: Path, source: str) -> Iterator[Record]:
    """Every record in one corpus file."""
    read = reader_for(source)
    if read is None:
        raise ValueError(f"no reader for corpus file {source!r}")
    yield from read(corpora / source, source)


def find(corpora: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Record]:
    """The records named by (source, locator) pairs; missing ones are simply absent."""
    found: dict[tuple[str, str], Record] = {}
    for source in sorted({s for s, _ in wanted}):
        if reader_for(source) is None or not (corpora / source).is_file():
            continue
        for r in records(corpora, source):
            if (source, r.locator) in wanted:
                found[(source, r.locator)] = r
    return found
