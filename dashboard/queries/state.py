"""The database's state: whether there is anything to show, a cheap version token that
keys the caches, how fresh the data is, and the values the URL is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, func, inspect, select, true

from dashboard.filters import Filters, KnownValues
from dashboard.queries.common import AA, AC, REQUIRED_TABLES, RR, A, F
from dashboard.series import RESCORE


@dataclass(frozen=True)
class DbStatus:
    tables: bool  # the schema exists
    articles: int  # any articles at all (0 or 1: existence only, it is cheap)
    relevant: int  # any relevant articles (0 or 1)


def db_status(conn: Connection) -> DbStatus:
    """Whether there is anything to show, without counting a million rows."""
    names = set(inspect(conn).get_table_names())
    if not all(t in names for t in REQUIRED_TABLES):
        return DbStatus(False, 0, 0)
    any_article = conn.execute(select(A.c.id).limit(1)).first() is not None
    any_relevant = (
        conn.execute(select(A.c.id).where(A.c.relevant == true()).limit(1)).first() is not None
    )
    return DbStatus(True, int(any_article), int(any_relevant))


def data_version(conn: Connection) -> tuple:
    """A cheap token that changes whenever a refresh run starts or finishes or articles
    arrive; every cached query takes it as an argument so new data invalidates them."""
    runs = conn.execute(select(func.max(RR.c.id), func.max(RR.c.finished_at), func.count())).one()
    newest = conn.execute(select(func.max(A.c.id))).scalar()
    finished = runs[1].isoformat() if isinstance(runs[1], datetime) else runs[1]
    return (runs[0], finished, runs[2], newest)


def freshness(conn: Connection) -> dict:
    """The newest finished run of any kind (refresh, demo or rescore: its time is "data
    as of"), the kind of the newest finished run that loaded articles (``data_kind``:
    refresh or demo; a rescore only recomputes scores, so demo data stays demo data after
    one), and whether a run is in progress (``running``, ``running_kind``)."""
    last = conn.execute(
        select(RR.c.id, RR.c.finished_at, RR.c.kind)
        .where(RR.c.finished_at.is_not(None))
        .order_by(RR.c.finished_at.desc(), RR.c.id.desc())
        .limit(1)
    ).first()
    loaded = conn.execute(
        select(RR.c.kind)
        .where(RR.c.finished_at.is_not(None), RR.c.kind != RESCORE)
        .order_by(RR.c.finished_at.desc(), RR.c.id.desc())
        .limit(1)
    ).first()
    latest = conn.execute(
        select(RR.c.id, RR.c.started_at, RR.c.finished_at, RR.c.kind)
        .order_by(RR.c.id.desc())
        .limit(1)
    ).first()
    running = bool(latest and latest.finished_at is None)
    return {
        "finished_at": last.finished_at if last else None,
        "kind": last.kind if last else None,
        "data_kind": loaded.kind if loaded else None,
        "latest_kind": latest.kind if latest else None,
        "running": running,
        "running_kind": latest.kind if running else None,
        "running_since": latest.started_at if running else None,
    }


def _distinct_loose(conn: Connection, column) -> list[str]:
    """Distinct values of an indexed column by index seeks (a "loose index scan").

    ``SELECT DISTINCT`` would read every row of a million-row table; this walks the
    index once per distinct value, on SQLite and PostgreSQL alike.
    """
    seed = select(func.min(column).label("v")).cte("walk", recursive=True)
    step = select(select(func.min(column)).where(column > seed.c.v).scalar_subquery()).where(
        seed.c.v.is_not(None)
    )
    walk = seed.union_all(step)
    return [v for (v,) in conn.execute(select(walk.c.v).where(walk.c.v.is_not(None)))]


def known_values(conn: Connection, extra_categories=()) -> KnownValues:
    """Sources, categories, actors and the relevant articles' first and last day."""
    sources = [n for (n,) in conn.execute(select(F.c.name).order_by(F.c.name))]
    categories = set(_distinct_loose(conn, AC.c.category)) | set(extra_categories)
    actors = _distinct_loose(conn, AA.c.actor)
    # Two statements: each is a single index seek, while min and max together make
    # SQLite walk the whole index.
    first = conn.execute(select(func.min(A.c.published_day)).where(A.c.relevant == true())).scalar()
    last = conn.execute(select(func.max(A.c.published_day)).where(A.c.relevant == true())).scalar()
    return KnownValues.of(
        sources=sources,
        categories=categories,
        actors=actors,
        min_day=_as_date(first),
        max_day=_as_date(last),
    )


def window_languages(conn: Connection, f: Filters) -> pd.DataFrame:
    """Languages of the window's relevant articles (language, articles)."""
    conds = [
        A.c.relevant == true(),
        A.c.published_day >= f.start,
        A.c.published_day <= f.end,
        A.c.language.is_not(None),
    ]
    rows = conn.execute(
        select(A.c.language, func.count().label("articles"))
        .where(*conds)
        .group_by(A.c.language)
        .order_by(func.count().desc())
    ).all()
    return pd.DataFrame(rows, columns=["language", "articles"])


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])
