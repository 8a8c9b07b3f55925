"""The Sources page's coverage: how far back each source goes, how its history came,
and its articles week by week, so a gap (a dead feed, a backfill not yet run) shows.

Coverage is about what was collected, not what is relevant: these counts take every
stored article of a source, relevant or not, in the filter's date window.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, func, inspect, select

from dashboard.filters import Filters
from dashboard.queries.common import A, F
from feeds.store import schema

BS = schema.backfill_state
COVERAGE_COLUMNS = ["source", "earliest", "latest", "articles", "backfill", "method",
                    "backfilled", "reached", "detail"]
# How the page names a backfill state (feeds.store.backfill.STATES), in plain words.
BACKFILL_LABELS = {
    "done": "Done",
    "in_progress": "In progress",
    "refused": "Refused by the site",
    "unsupported": "Not supported",
    "failed": "Failed",
}
NOT_RUN = "Not run"


def source_coverage(conn: Connection) -> pd.DataFrame:
    """Per feed: earliest and latest article, articles stored, and the backfill's state
    (the method tried last, its state, the articles it brought and how far back it got)."""
    rows = conn.execute(
        select(F.c.id, F.c.name, func.min(A.c.published_at), func.max(A.c.published_at),
               func.count(A.c.id))
        .select_from(F.outerjoin(A, A.c.feed_id == F.c.id))
        .group_by(F.c.id, F.c.name)
        .order_by(F.c.name)
    ).all()
    states: dict[int, dict] = {}
    if BS.name in inspect(conn).get_table_names():  # a database not yet at revision 0005
        for row in conn.execute(select(BS).order_by(BS.c.updated_at)):
            states[row.feed_id] = dict(row._mapping)  # the latest row wins
        totals = dict(conn.execute(
            select(BS.c.feed_id, func.sum(BS.c.articles)).group_by(BS.c.feed_id)).all())
    else:
        totals = {}
    out = []
    for feed_id, name, earliest, latest, articles in rows:
        state = states.get(feed_id, {})
        out.append({
            "source": name, "earliest": earliest, "latest": latest, "articles": int(articles),
            "backfill": BACKFILL_LABELS.get(state.get("state"), NOT_RUN),
            "method": state.get("method"), "backfilled": int(totals.get(feed_id) or 0),
            "reached": state.get("reached"), "detail": state.get("detail"),
        })
    return pd.DataFrame(out, columns=COVERAGE_COLUMNS)


def daily_volume(conn: Connection, f: Filters) -> pd.DataFrame:
    """Articles per source and day in the window (all stored articles): source, day,
    articles. The source filter applies; relevance and the other filters do not."""
    conds = [A.c.published_day >= f.start, A.c.published_day <= f.end]
    if f.sources:
        conds.append(F.c.name.in_(f.sources))
    rows = conn.execute(
        select(F.c.name, A.c.published_day, func.count())
        .select_from(A.join(F, F.c.id == A.c.feed_id))
        .where(*conds)
        .group_by(F.c.name, A.c.published_day)
    ).all()
    return pd.DataFrame(rows, columns=["source", "day", "articles"])
