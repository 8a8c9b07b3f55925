"""The tables, the thresholds and the filters as SQL: what every query shares.

Only relevant articles are shown; every window filter goes through the
``(relevant, published_day)`` index; category and actor filters are correlated
``EXISTS`` probes on the score tables' primary keys (a province filter probes
``article_places``); source filters go through
``feed_id``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select, true
from sqlalchemy.sql.elements import ColumnElement

from dashboard.filters import Filters
from feeds.config import HIGH_RISK as HIGH_RISK  # re-exported: the queries read it here
from feeds.store import schema
from feeds.text import search_key

A = schema.articles
F = schema.feeds
AC = schema.article_categories
AA = schema.article_actors
TM = schema.term_matches
AM = schema.actor_mentions
UN = schema.unlisted_names
AP = schema.article_places
PM = schema.place_mentions
RR = schema.refresh_runs


NEGATIVE = -0.05  # sentiment at or below which a scored article counts as negative
ARTICLE_LIMIT = 500  # rows the Articles table shows (newest first)
REQUIRED_TABLES = ("articles", "feeds", "refresh_runs", "article_categories", "article_actors")


def _like_pattern(text: str) -> str:
    """``text`` folded as ``articles.search`` is (``search_key``), LIKE wildcards escaped."""
    folded = search_key(text)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(
    f: Filters, *, start: date | None = None, end: date | None = None, dates: bool = True
) -> list[ColumnElement]:
    """WHERE terms for relevant articles matching ``f``.

    ``start``/``end`` override the filter's window (previous window, alert baseline);
    ``dates=False`` leaves the window out.
    """
    conds: list[ColumnElement] = [A.c.relevant == true()]
    if dates:
        conds.append(A.c.published_day >= (start or f.start))
        conds.append(A.c.published_day <= (end or f.end))
    if f.sources:
        conds.append(A.c.feed_id.in_(select(F.c.id).where(F.c.name.in_(f.sources))))
    # Aliases, so a query that also joins the score table is not correlated away.
    if f.categories:
        fc = AC.alias("filter_category")
        conds.append(
            exists().where(fc.c.article_id == A.c.id, fc.c.category.in_(f.categories)).correlate(A)
        )
    if f.actors:
        fa = AA.alias("filter_actor")
        conds.append(
            exists().where(fa.c.article_id == A.c.id, fa.c.actor.in_(f.actors)).correlate(A)
        )
    if f.provinces:
        fp = AP.alias("filter_province")
        conds.append(
            exists().where(fp.c.article_id == A.c.id, fp.c.province.in_(f.provinces)).correlate(A)
        )
    if f.lang:
        conds.append(A.c.language == f.lang)
    if f.q:
        # Both sides folded the same way in Python: case-insensitive beyond ASCII on
        # SQLite as on PostgreSQL, and one column to read instead of two lower() calls.
        conds.append(A.c.search.like(_like_pattern(f.q), escape="\\"))
    return conds


def filtered_ids(f: Filters):
    """A Select of the ids of matching articles (what ``feeds.store.export.records`` takes)."""
    return select(A.c.id).where(*conditions(f))
