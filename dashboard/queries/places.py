"""Where the news is about: per-province and per-place reads for the map and /places.

An article is in a province when ``article_places`` has a row for it there (a dateline
or a place it reports about; see ``feeds.score.places``). One article naming two places
in one province counts once for that province, so the per-province reads first reduce
the join to distinct (article, province) pairs.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, func, select

from dashboard.filters import Filters
from dashboard.queries.common import AA, AC, AP, A, conditions

PROVINCE_COLUMNS = ["iso", "articles", "mean_risk", "top_category", "top_actor"]
PLACE_COLUMNS = ["place", "kind", "iso", "articles", "mean_risk"]


def _pairs(f: Filters):
    """Distinct (article, province) pairs of the matching articles, with risk and day."""
    return (
        select(A.c.id.label("article_id"), AP.c.province.label("iso"),
               A.c.risk_score.label("risk"), A.c.published_day.label("day"))
        .select_from(A.join(AP, AP.c.article_id == A.c.id))
        .where(*conditions(f))
        .group_by(A.c.id, AP.c.province, A.c.risk_score, A.c.published_day)
        .subquery("pairs")
    )


def _top(conn: Connection, pairs, table, column) -> dict[str, str]:
    """Per province, the value of ``column`` (category, actor) in most of its articles."""
    n = func.count().label("n")
    rows = conn.execute(
        select(pairs.c.iso, column.label("value"), n)
        .select_from(pairs.join(table, table.c.article_id == pairs.c.article_id))
        .group_by(pairs.c.iso, column)
    ).all()
    best: dict[str, tuple[int, str]] = {}  # the most articles; ties: the first by name
    for iso, value, count in rows:
        key = (-int(count), value)
        if iso not in best or key < best[iso]:
            best[iso] = key
    return {iso: value for iso, (_n, value) in best.items()}


def province_stats(conn: Connection, f: Filters) -> pd.DataFrame:
    """Per province with articles: articles, mean risk, top category, top actor."""
    pairs = _pairs(f)
    rows = conn.execute(
        select(pairs.c.iso, func.count().label("articles"), func.avg(pairs.c.risk))
        .group_by(pairs.c.iso)
    ).all()
    df = pd.DataFrame(rows, columns=PROVINCE_COLUMNS[:3])
    if df.empty:
        return pd.DataFrame(columns=PROVINCE_COLUMNS)
    cats = _top(conn, pairs, AC, AC.c.category)
    actors = _top(conn, pairs, AA, AA.c.actor)
    df["articles"] = df["articles"].astype(int)
    df["mean_risk"] = pd.to_numeric(df["mean_risk"]).astype(float).round(1)
    df["top_category"] = [cats.get(iso) for iso in df["iso"]]
    df["top_actor"] = [actors.get(iso) for iso in df["iso"]]
    return df.sort_values(["articles", "iso"], ascending=[False, True]).reset_index(drop=True)


def place_stats(conn: Connection, f: Filters, limit: int = 100) -> pd.DataFrame:
    """Specific places (not the provinces themselves) by matching articles about them."""
    rows = conn.execute(
        select(AP.c.place, AP.c.kind, AP.c.province, func.count().label("articles"),
               func.avg(A.c.risk_score))
        .select_from(A.join(AP, AP.c.article_id == A.c.id))
        .where(*conditions(f), AP.c.kind.not_in(("province", "capital")))
        .group_by(AP.c.place, AP.c.kind, AP.c.province)
        .order_by(func.count().desc(), AP.c.place)
        .limit(limit)
    ).all()
    df = pd.DataFrame(rows, columns=PLACE_COLUMNS)
    df["articles"] = df["articles"].astype(int)
    df["mean_risk"] = pd.to_numeric(df["mean_risk"]).astype(float).round(1)
    return df


def province_daily(conn: Connection, f: Filters, iso: str) -> pd.DataFrame:
    """One province per day in the window: day, articles, mean_risk."""
    pairs = _pairs(f)
    rows = conn.execute(
        select(pairs.c.day, func.count(), func.avg(pairs.c.risk))
        .where(pairs.c.iso == iso)
        .group_by(pairs.c.day)
        .order_by(pairs.c.day)
    ).all()
    return _daily(rows)


def place_daily(conn: Connection, f: Filters, place: str) -> pd.DataFrame:
    """One place per day in the window: day, articles, mean_risk."""
    rows = conn.execute(
        select(A.c.published_day, func.count(), func.avg(A.c.risk_score))
        .select_from(A.join(AP, AP.c.article_id == A.c.id))
        .where(*conditions(f), AP.c.place == place)
        .group_by(A.c.published_day)
        .order_by(A.c.published_day)
    ).all()
    return _daily(rows)


def place_articles(conn: Connection, f: Filters, kind: str, key: str,
                   limit: int = 20) -> pd.DataFrame:
    """The newest matching articles about a province (``kind`` "province", ``key`` its
    ISO code) or a place: id, published, title, source, risk_score."""
    column = AP.c.province if kind == "province" else AP.c.place
    about = select(AP.c.article_id).where(column == key)
    rows = conn.execute(
        select(A.c.id, A.c.published_at, A.c.title, A.c.source, A.c.risk_score)
        .where(*conditions(f), A.c.id.in_(about))
        .order_by(A.c.published_day.desc(), A.c.published_at.desc(), A.c.id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(rows, columns=["id", "published", "title", "source", "risk_score"])


def _daily(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["day", "articles", "mean_risk"])
    df["day"] = pd.to_datetime(df["day"])
    df["articles"] = df["articles"].astype(int)
    df["mean_risk"] = pd.to_numeric(df["mean_risk"]).astype(float)
    return df
