"""Article records for ``cambodia-risk export`` and the dashboard's CSV download.

One record per article, with the same fields in both places:

url, title, source, published (ISO 8601, UTC), language, sentiment, risk_score,
risk_terms (category -> list of matched terms), actors (canonical names), provinces (ISO
3166-2:KH codes of the provinces it reports from or about), places (the names that put
it there), and text when asked for. Records stream in batches so an export of a million
articles stays small in memory.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Select, select

from feeds.lexicon import iso_order
from feeds.store import schema

EXPORT_FIELDS = ["url", "title", "source", "published", "language", "sentiment",
                 "risk_score", "risk_terms", "actors", "provinces", "places"]
BATCH = 1000


def records(conn: Connection, article_ids: Select | None = None, *,
            since: date | datetime | None = None, until: date | datetime | None = None,
            relevant_only: bool = True, with_text: bool = False) -> Iterator[dict]:
    """Yield export records, oldest first.

    ``article_ids`` narrows the export to a Select of article ids (the dashboard passes
    its filtered query). ``until`` given as a date includes that whole day.
    """
    a = schema.articles
    cols = [a.c.id, a.c.url, a.c.title, a.c.source, a.c.published_at, a.c.language,
            a.c.sentiment, a.c.risk_score]
    if with_text:
        cols.append(a.c.text)
    query = select(*cols).order_by(a.c.published_at, a.c.id)
    if relevant_only:
        query = query.where(a.c.relevant.is_(True))
    if since is not None:
        query = query.where(a.c.published_at >= _as_datetime(since))
    if until is not None:
        if isinstance(until, datetime):
            query = query.where(a.c.published_at <= until)
        else:
            query = query.where(a.c.published_at < _as_datetime(until, end_of_day=True))
    if article_ids is not None:
        query = query.where(a.c.id.in_(article_ids.scalar_subquery()))

    result = conn.execute(query.execution_options(yield_per=BATCH))
    for batch in result.partitions(BATCH):
        ids = [row.id for row in batch]
        terms = _terms_by_article(conn, ids)
        actors = _actors_by_article(conn, ids)
        places = _places_by_article(conn, ids)
        for row in batch:
            record = {
                "url": row.url,
                "title": row.title,
                "source": row.source,
                "published": row.published_at.isoformat(timespec="seconds") + "Z",
                "language": row.language,
                "sentiment": row.sentiment,
                "risk_score": row.risk_score,
                "risk_terms": terms.get(row.id, {}),
                "actors": actors.get(row.id, []),
                "provinces": _province_codes(places.get(row.id, [])),
                "places": [place for place, _province in places.get(row.id, [])],
            }
            if with_text:
                record["text"] = row.text
            yield record


def _as_datetime(value: date | datetime, end_of_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    moment = datetime.combine(value, time.min)
    if end_of_day:
        moment += timedelta(days=1)
    return moment


def _terms_by_article(conn: Connection, ids: list[int]) -> dict[int, dict[str, list[str]]]:
    t = schema.term_matches
    out: dict[int, dict[str, list[str]]] = {}
    rows = conn.execute(
        select(t.c.article_id, t.c.category, t.c.term)
        .where(t.c.article_id.in_(ids))
        .order_by(t.c.article_id, t.c.category, t.c.id)
    )
    for article_id, category, term in rows:
        terms = out.setdefault(article_id, {}).setdefault(category, [])
        if term not in terms:
            terms.append(term)
    return out


def _actors_by_article(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    t = schema.article_actors
    out: dict[int, list[str]] = {}
    rows = conn.execute(
        select(t.c.article_id, t.c.actor)
        .where(t.c.article_id.in_(ids))
        .order_by(t.c.article_id, t.c.mentions.desc(), t.c.actor)
    )
    for article_id, actor in rows:
        out.setdefault(article_id, []).append(actor)
    return out


def _places_by_article(conn: Connection, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Per article, its counting places as (name, province), most mentioned first."""
    t = schema.article_places
    out: dict[int, list[tuple[str, str]]] = {}
    rows = conn.execute(
        select(t.c.article_id, t.c.place, t.c.province)
        .where(t.c.article_id.in_(ids))
        .order_by(t.c.article_id, t.c.mentions.desc(), t.c.place)
    )
    for article_id, place, province in rows:
        out.setdefault(article_id, []).append((place, province))
    return out


def _province_codes(places: list[tuple[str, str]]) -> list[str]:
    return sorted({province for _place, province in places}, key=iso_order)


def fields(with_text: bool = False) -> list[str]:
    return EXPORT_FIELDS + (["text"] if with_text else [])


def write_jsonl(rows: Iterable[dict], fp: IO[str]) -> int:
    count = 0
    for record in rows:
        fp.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Feed text starting like a formula gets a leading apostrophe, so a spreadsheet
    shows it instead of running it. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: Iterable[dict], fp: IO[str], with_text: bool = False) -> int:
    """CSV with nested fields as JSON, so a spreadsheet keeps one article per row."""
    writer = csv.DictWriter(fp, fieldnames=fields(with_text), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for record in rows:
        flat = {key: spreadsheet_safe(value) for key, value in record.items()}
        flat["risk_terms"] = json.dumps(record["risk_terms"], ensure_ascii=False)
        for key in ("actors", "provinces", "places"):
            flat[key] = json.dumps(record[key], ensure_ascii=False)
        writer.writerow(flat)
        count += 1
    return count


@contextlib.contextmanager
def replaced_whole(path: Path) -> Iterator[IO[str]]:
    """A text file to write that replaces ``path`` only when the block succeeds.

    The export goes to a temporary file in the same folder (so the final rename is
    atomic, never a copy across file systems); on any error the temporary file is
    removed and an existing ``path`` is left as it was. The new file gets the
    permissions an ordinary ``open`` would give it.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fp:
            yield fp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
