"""The Articles page's reads: the newest matching articles, one article's evidence, and
the CSV export of every matching article.
"""

from __future__ import annotations

import io
import json

import pandas as pd
from sqlalchemy import Connection, func, select, true

from dashboard.filters import Filters
from dashboard.queries.common import (
    AA,
    AC,
    AM,
    AP,
    ARTICLE_LIMIT,
    PM,
    TM,
    A,
    conditions,
    filtered_ids,
)
from feeds.lexicon import iso_order


def article_count(conn: Connection, f: Filters) -> int:
    return int(
        conn.execute(select(func.count()).select_from(A).where(*conditions(f))).scalar() or 0
    )


ARTICLE_COLUMNS = [
    "id",
    "published",
    "estimated",
    "title",
    "source",
    "risk_score",
    "sentiment",
    "categories",
    "actors",
    "provinces",
    "language",
    "url",
]


def article_list(conn: Connection, f: Filters, limit: int = ARTICLE_LIMIT) -> pd.DataFrame:
    """The newest ``limit`` matching articles with their categories and actors.

    Columns: id, published, estimated (the date is the fetch time: the feed gave
    none), title, source, risk_score, sentiment, categories (list of keys, highest points
    first), actors (list, most mentioned first), provinces (ISO codes it reports from or
    about), language, url.
    """
    rows = conn.execute(
        select(
            A.c.id,
            A.c.published_at,
            A.c.published_estimated,
            A.c.title,
            A.c.source,
            A.c.risk_score,
            A.c.sentiment,
            A.c.language,
            A.c.url,
            A.c.link,
        )
        .where(*conditions(f))
        .order_by(A.c.published_day.desc(), A.c.published_at.desc(), A.c.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return pd.DataFrame(columns=ARTICLE_COLUMNS)
    ids = [r.id for r in rows]
    cats: dict[int, list[str]] = {}
    for article_id, category in conn.execute(
        select(AC.c.article_id, AC.c.category)
        .where(AC.c.article_id.in_(ids))
        .order_by(AC.c.article_id, AC.c.points.desc(), AC.c.category)
    ):
        cats.setdefault(article_id, []).append(category)
    acts: dict[int, list[str]] = {}
    for article_id, actor in conn.execute(
        select(AA.c.article_id, AA.c.actor)
        .where(AA.c.article_id.in_(ids))
        .order_by(AA.c.article_id, AA.c.mentions.desc(), AA.c.actor)
    ):
        acts.setdefault(article_id, []).append(actor)
    provs: dict[int, set[str]] = {}
    for article_id, province in conn.execute(
        select(AP.c.article_id, AP.c.province).where(AP.c.article_id.in_(ids))
    ):
        provs.setdefault(article_id, set()).add(province)
    df = pd.DataFrame(
        [
            {
                "id": r.id,
                "published": r.published_at,
                "estimated": bool(r.published_estimated),
                "title": r.title,
                "source": r.source,
                "risk_score": r.risk_score,
                "sentiment": r.sentiment,
                "categories": cats.get(r.id, []),
                "actors": acts.get(r.id, []),
                "provinces": sorted(provs.get(r.id, ()), key=iso_order),
                "language": r.language,
                "url": r.url or r.link,
            }
            for r in rows
        ],
        columns=ARTICLE_COLUMNS,
    )
    df["published"] = pd.to_datetime(df["published"])
    df["risk_score"] = pd.to_numeric(df["risk_score"]).astype(float).round(1)
    df["sentiment"] = pd.to_numeric(df["sentiment"]).astype(float).round(3)
    return df


def article_detail(conn: Connection, article_id: int) -> dict | None:
    """One relevant article with its evidence, or None when there is no such article.

    Keys: the article's columns (``arrival``: how it first came in, "feed" for a refresh
    or the backfill method), ``relevance_terms`` (list), ``categories`` (DataFrame:
    category, matches, points), ``terms`` (DataFrame of term matches), ``mentions``
    (DataFrame of actor mentions), ``actors`` (DataFrame of per-article actors),
    ``places`` (DataFrame of place mentions, with their province, role and whether they
    count).
    """
    row = conn.execute(
        select(
            A.c.id,
            A.c.title,
            A.c.text,
            A.c.url,
            A.c.link,
            A.c.source,
            A.c.published_at,
            A.c.published_estimated,
            A.c.language,
            A.c.text_source,
            A.c.arrival,
            A.c.relevance_terms,
            A.c.sentiment,
            A.c.sentiment_pos,
            A.c.sentiment_neg,
            A.c.sentiment_neu,
            A.c.sentence_count,
            A.c.risk_score,
            A.c.scored_at,
            A.c.lexicon_version,
        ).where(A.c.id == article_id, A.c.relevant == true())
    ).first()
    if row is None:
        return None
    out = dict(row._mapping)
    try:
        terms = json.loads(out.get("relevance_terms") or "[]")
        out["relevance_terms"] = [str(t) for t in terms] if isinstance(terms, list) else []
    except (TypeError, ValueError):
        out["relevance_terms"] = []
    out["categories"] = pd.DataFrame(
        conn.execute(
            select(AC.c.category, AC.c.matches, AC.c.points)
            .where(AC.c.article_id == article_id)
            .order_by(AC.c.points.desc(), AC.c.category)
        ).all(),
        columns=["category", "matches", "points"],
    )
    out["terms"] = pd.DataFrame(
        conn.execute(
            select(
                TM.c.category,
                TM.c.term,
                TM.c.matched,
                TM.c.weight,
                TM.c.sentence_index,
                TM.c.start,
                TM.c.end,
            )
            .where(TM.c.article_id == article_id)
            .order_by(TM.c.sentence_index, TM.c.start, TM.c.id)
        ).all(),
        columns=["category", "term", "matched", "weight", "sentence_index", "start", "end"],
    )
    out["mentions"] = pd.DataFrame(
        conn.execute(
            select(
                AM.c.actor, AM.c.alias, AM.c.sentence_index, AM.c.start, AM.c.end, AM.c.sentiment
            )
            .where(AM.c.article_id == article_id)
            .order_by(AM.c.sentence_index, AM.c.start, AM.c.id)
        ).all(),
        columns=["actor", "alias", "sentence_index", "start", "end", "sentiment"],
    )
    out["actors"] = pd.DataFrame(
        conn.execute(
            select(AA.c.actor, AA.c.mentions, AA.c.sentiment)
            .where(AA.c.article_id == article_id)
            .order_by(AA.c.mentions.desc(), AA.c.actor)
        ).all(),
        columns=["actor", "mentions", "sentiment"],
    )
    out["places"] = pd.DataFrame(
        conn.execute(
            select(PM.c.place, PM.c.matched, PM.c.kind, PM.c.province, PM.c.role, PM.c.counts,
                   PM.c.sentence_index, PM.c.start, PM.c.end)
            .where(PM.c.article_id == article_id)
            .order_by(PM.c.sentence_index, PM.c.start, PM.c.id)
        ).all(),
        columns=["place", "matched", "kind", "province", "role", "counts", "sentence_index",
                 "start", "end"],
    )
    return out


def export_csv(conn: Connection, f: Filters) -> str:
    """The matching articles as ``cambodia-risk export`` CSV (same fields, same code)."""
    from feeds.store import export

    buf = io.StringIO()
    export.write_csv(export.records(conn, filtered_ids(f), relevant_only=True), buf)
    return buf.getvalue()
