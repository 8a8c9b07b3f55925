"""The Alerts page's reads: fired alerts in the window with their delivery state, and
one alert's evidence and deliveries.

The window filters when alerts fired (``fired_at`` by day); ``rules``, ``kinds`` and
``state`` narrow the list. Tables that a database migrated before alerts existed lacks
read as empty, not as an error (the dashboard never migrates).
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, case, func, inspect, select

from dashboard.filters import Filters
from feeds.store import schema

E = schema.alert_events
D = schema.alert_deliveries
ALERT_LIMIT = 500
EVENT_COLUMNS = ["id", "fired_at", "rule", "kind", "title", "reason", "state", "sent",
                 "pending", "expired"]
STATES = ("sent", "pending", "expired")  # an alert's state: its worst delivery's


def has_alerts(conn: Connection) -> bool:
    return "alert_events" in set(inspect(conn).get_table_names())


def alert_choices(conn: Connection) -> dict:
    """The rules and kinds that have fired, for the page's filters."""
    if not has_alerts(conn):
        return {"rules": [], "kinds": []}
    rules = conn.execute(select(E.c.rule).distinct().order_by(E.c.rule)).scalars().all()
    kinds = conn.execute(select(E.c.kind).distinct().order_by(E.c.kind)).scalars().all()
    return {"rules": list(rules), "kinds": list(kinds)}


def fired_alerts(conn: Connection, f: Filters, rules: tuple[str, ...] = (),
                 kinds: tuple[str, ...] = (), state: str | None = None,
                 limit: int = ALERT_LIMIT) -> pd.DataFrame:
    """Alerts fired in the window, newest first, with counts of their deliveries by state.

    ``state``: ``pending`` (any delivery still to go), ``expired`` (any given up),
    ``sent`` (every delivery sent).
    """
    if not has_alerts(conn):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    counts = (select(D.c.event_id,
                     *[func.sum(case((D.c.status == s, 1), else_=0)).label(s) for s in STATES])
              .group_by(D.c.event_id).subquery())
    query = (select(E.c.id, E.c.fired_at, E.c.rule, E.c.kind, E.c.title, E.c.reason,
                    *[func.coalesce(counts.c[s], 0).label(s) for s in STATES])
             .select_from(E.outerjoin(counts, counts.c.event_id == E.c.id))
             .where(E.c.fired_at >= datetime.combine(f.start, time.min),
                    E.c.fired_at < datetime.combine(f.end + timedelta(days=1), time.min)))
    if rules:
        query = query.where(E.c.rule.in_(rules))
    if kinds:
        query = query.where(E.c.kind.in_(kinds))
    if state == "pending":
        query = query.where(func.coalesce(counts.c.pending, 0) > 0)
    elif state == "expired":
        query = query.where(func.coalesce(counts.c.expired, 0) > 0)
    elif state == "sent":
        query = query.where(func.coalesce(counts.c.pending, 0) == 0,
                            func.coalesce(counts.c.expired, 0) == 0)
    rows = conn.execute(query.order_by(E.c.fired_at.desc(), E.c.id.desc()).limit(limit)).all()
    df = pd.DataFrame(rows, columns=["id", "fired_at", "rule", "kind", "title", "reason",
                                     *STATES])
    df["state"] = ["expired" if r.expired else "pending" if r.pending else "sent"
                   for r in df.itertuples()]
    return df[EVENT_COLUMNS]


def alert_detail(conn: Connection, event_id: int) -> dict | None:
    """One alert: its row, its evidence (figures, articles) and its deliveries."""
    if not has_alerts(conn):
        return None
    row = conn.execute(select(E).where(E.c.id == event_id)).mappings().first()
    if row is None:
        return None
    deliveries = pd.DataFrame(conn.execute(
        select(D.c.destination, D.c.status, D.c.attempts, D.c.created_at, D.c.sent_at,
               D.c.next_attempt_at, D.c.last_error)
        .where(D.c.event_id == event_id).order_by(D.c.id)).mappings().all(),
        columns=["destination", "status", "attempts", "created_at", "sent_at",
                 "next_attempt_at", "last_error"])
    try:
        evidence = json.loads(row["evidence"])
    except (TypeError, ValueError):
        evidence = {}
    return {**dict(row), "evidence": evidence, "deliveries": deliveries}
