"""The Actors page's reads: ranking, one actor per day, co-mentions, unlisted names."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Float, and_, case, cast, func, select

from dashboard.filters import Filters
from dashboard.queries.common import AA, NEGATIVE, UN, A, conditions


def top_actors(conn: Connection, f: Filters, limit: int = 15) -> pd.DataFrame:
    """Actors by number of matching articles that mention them.

    Columns: actor, articles, mentions, sentiment (mean sentence sentiment, weighted by
    mentions), negative_articles.
    """
    weighted = func.sum(AA.c.sentiment * AA.c.mentions)
    weight = func.sum(case((AA.c.sentiment.is_not(None), AA.c.mentions), else_=0))
    rows = conn.execute(
        select(
            AA.c.actor,
            func.count().label("articles"),
            func.sum(AA.c.mentions).label("mentions"),
            (cast(weighted, Float) / func.nullif(weight, 0)).label("sentiment"),
            func.sum(case((AA.c.sentiment <= NEGATIVE, 1), else_=0)).label("negative"),
        )
        .select_from(A.join(AA, AA.c.article_id == A.c.id))
        .where(*conditions(f))
        .group_by(AA.c.actor)
        .order_by(func.count().desc(), func.sum(AA.c.mentions).desc(), AA.c.actor)
        .limit(limit)
    ).all()
    df = pd.DataFrame(
        rows, columns=["actor", "articles", "mentions", "sentiment", "negative_articles"]
    )
    df["articles"] = df["articles"].astype(int)
    df["mentions"] = pd.to_numeric(df["mentions"]).astype(int)
    df["sentiment"] = pd.to_numeric(df["sentiment"]).astype(float).round(3)
    df["negative_articles"] = pd.to_numeric(df["negative_articles"]).astype(int)
    return df


def actor_timeline(conn: Connection, f: Filters, actor: str) -> pd.DataFrame:
    """One actor per day in the window: day, articles, mentions, sentiment, mean_risk."""
    weighted = func.sum(AA.c.sentiment * AA.c.mentions)
    weight = func.sum(case((AA.c.sentiment.is_not(None), AA.c.mentions), else_=0))
    rows = conn.execute(
        select(
            A.c.published_day.label("day"),
            func.count().label("articles"),
            func.sum(AA.c.mentions).label("mentions"),
            (cast(weighted, Float) / func.nullif(weight, 0)).label("sentiment"),
            func.avg(A.c.risk_score).label("mean_risk"),
        )
        .select_from(A.join(AA, AA.c.article_id == A.c.id))
        .where(*conditions(f), AA.c.actor == actor)
        .group_by(A.c.published_day)
        .order_by(A.c.published_day)
    ).all()
    df = pd.DataFrame(rows, columns=["day", "articles", "mentions", "sentiment", "mean_risk"])
    df["day"] = pd.to_datetime(df["day"])
    df["articles"] = df["articles"].astype(int)
    df["mentions"] = pd.to_numeric(df["mentions"]).astype(int)
    df["sentiment"] = pd.to_numeric(df["sentiment"]).astype(float).round(3)
    df["mean_risk"] = pd.to_numeric(df["mean_risk"]).astype(float).round(2)
    return df


def comentions(conn: Connection, f: Filters, actors: list[str]) -> pd.DataFrame:
    """How many matching articles mention each pair of ``actors`` together.

    A self-join of ``article_actors`` on the article. Returns both orders of every pair
    that occurs (actor_a, actor_b, articles), ready for a symmetric heatmap. The diagonal
    (an actor with itself) is not included: the heatmap leaves it as a grey cell, and an
    actor's own article count is in ``top_actors``. Pairs never mentioned together have
    no row.
    """
    cols = ["actor_a", "actor_b", "articles"]
    if not actors:
        return pd.DataFrame(columns=cols)
    x1 = AA.alias("x1")
    x2 = AA.alias("x2")
    rows = conn.execute(
        select(x1.c.actor, x2.c.actor, func.count())
        .select_from(
            A.join(x1, x1.c.article_id == A.c.id).join(
                x2, and_(x2.c.article_id == A.c.id, x1.c.actor < x2.c.actor)
            )
        )
        .where(*conditions(f), x1.c.actor.in_(actors), x2.c.actor.in_(actors))
        .group_by(x1.c.actor, x2.c.actor)
    ).all()
    pairs = pd.DataFrame(rows, columns=cols)
    pairs["articles"] = pairs["articles"].astype(int)
    mirrored = pairs.rename(columns={"actor_a": "actor_b", "actor_b": "actor_a"})
    return pd.concat([pairs, mirrored[cols]], ignore_index=True)


def candidates(conn: Connection, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Capitalised names not in the actor list: name, mentions, articles, example."""
    rows = conn.execute(
        select(
            UN.c.name,
            func.sum(UN.c.mentions).label("mentions"),
            func.count().label("articles"),
            func.max(UN.c.example).label("example"),
        )
        .select_from(A.join(UN, UN.c.article_id == A.c.id))
        .where(*conditions(f))
        .group_by(UN.c.name)
        .order_by(func.count().desc(), func.sum(UN.c.mentions).desc(), UN.c.name)
        .limit(limit)
    ).all()
    df = pd.DataFrame(rows, columns=["name", "mentions", "articles", "example"])
    df["mentions"] = pd.to_numeric(df["mentions"]).astype(int)
    df["articles"] = df["articles"].astype(int)
    return df
