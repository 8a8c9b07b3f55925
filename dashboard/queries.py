"""Every database read the dashboard makes: SQL in, small DataFrames out.

Rules that keep the dashboard fast at a million articles:

* Aggregate in SQL; no function here loads every article. Lists are capped.
* Only relevant articles (``relevant = true``) are shown, and every window filter goes
  through the ``(relevant, published_day)`` index; daily series group by
  ``published_day``.
* Category and actor filters are correlated ``EXISTS`` probes on the score tables'
  primary keys; source filters go through ``feed_id``.
* SQLAlchemy Core only, so the same code runs on SQLite and PostgreSQL.

Functions take a ``Connection`` and ``Filters``, return DataFrames (or small dicts) and
know nothing about Streamlit; the page scripts call them through the cached wrappers in
``dashboard.data``. Shaping that needs no database (KPIs, rolling series, weekly
roll-ups, alert tables) lives in ``dashboard.series``.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import (
    Connection,
    Float,
    and_,
    case,
    cast,
    exists,
    func,
    inspect,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from dashboard.filters import Filters, KnownValues
from dashboard.series import (
    ALERT_BASELINE_WEEKS,
    ALERT_RECENT_DAYS,
    DAILY_COLUMNS,
    RESCORE,
    alert_table,
    label_runs,
    summarise_sources,
)
from feeds import schema

A = schema.articles
F = schema.feeds
AC = schema.article_categories
AA = schema.article_actors
TM = schema.term_matches
AM = schema.actor_mentions
UN = schema.unlisted_names
RR = schema.refresh_runs

HIGH_RISK = 60.0  # risk_score at or above which an article counts as high-risk
NEGATIVE = -0.05  # sentiment at or below which a scored article counts as negative
ARTICLE_LIMIT = 500  # rows the Articles table shows (newest first)
REQUIRED_TABLES = ("articles", "feeds", "refresh_runs", "article_categories", "article_actors")


# --- filters as SQL --------------------------------------------------------------------


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
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
    if f.lang:
        conds.append(A.c.language == f.lang)
    if f.q:
        pattern = _like_pattern(f.q)
        conds.append(
            or_(
                func.lower(A.c.title).like(pattern, escape="\\"),
                func.lower(A.c.text).like(pattern, escape="\\"),
            )
        )
    return conds


def filtered_ids(f: Filters):
    """A Select of the ids of matching articles (what ``feeds.export.records`` takes)."""
    return select(A.c.id).where(*conditions(f))


# --- database state ----------------------------------------------------------------------


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


# --- overview ------------------------------------------------------------------------------


def daily_stats(
    conn: Connection, f: Filters, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Per-day sums over matching articles, one row per day that has articles.

    Sums rather than means, so any longer period (previous window, week, rolling
    window) gets exact means by adding rows up.
    """
    scored = A.c.sentiment.is_not(None)
    query = (
        select(
            A.c.published_day.label("day"),
            func.count().label("articles"),
            func.sum(A.c.risk_score).label("risk_sum"),
            func.count(A.c.risk_score).label("risk_n"),
            func.sum(case((A.c.risk_score >= HIGH_RISK, 1), else_=0)).label("high"),
            func.sum(A.c.sentiment).label("sent_sum"),
            func.count(A.c.sentiment).label("sent_n"),
            func.sum(case((and_(scored, A.c.sentiment <= NEGATIVE), 1), else_=0)).label("negative"),
        )
        .where(*conditions(f, start=start, end=end))
        .group_by(A.c.published_day)
        .order_by(A.c.published_day)
    )
    df = pd.DataFrame(conn.execute(query).all(), columns=DAILY_COLUMNS)
    df["day"] = pd.to_datetime(df["day"])
    for col in DAILY_COLUMNS[1:]:
        df[col] = pd.to_numeric(df[col]).fillna(0).astype(float)
    return df


def category_daily(conn: Connection, f: Filters, categories) -> pd.DataFrame:
    """Articles per day and risk category in the window (day, category, articles).

    One column per category (``SUM(CASE ...)``) grouped by day alone, so the grouping
    follows the ``(relevant, published_day)`` index and needs no sort; the result is
    then unpivoted. ``categories`` are the keys to count (the known categories).
    """
    cols = ["day", "category", "articles"]
    categories = sorted(set(categories))
    if not categories:
        return pd.DataFrame(columns=cols)
    day = A.c.published_day
    counts = [
        func.sum(case((AC.c.category == c, 1), else_=0)).label(f"c{i}")
        for i, c in enumerate(categories)
    ]
    rows = conn.execute(
        select(day.label("day"), *counts)
        .select_from(A.join(AC, AC.c.article_id == A.c.id))
        .where(*conditions(f))
        .group_by(day)
        .order_by(day)
    ).all()
    wide = pd.DataFrame(rows, columns=["day", *categories])
    long = wide.melt(id_vars="day", var_name="category", value_name="articles")
    long["articles"] = pd.to_numeric(long["articles"]).fillna(0).astype(int)
    long = long[long["articles"] > 0]
    long["day"] = pd.to_datetime(long["day"])
    return long.sort_values(["day", "category"]).reset_index(drop=True)[cols]


def _alert_counts(conn: Connection, f: Filters, key, join) -> pd.DataFrame:
    end = f.end
    recent_from = end - timedelta(days=ALERT_RECENT_DAYS - 1)
    base_from = recent_from - timedelta(days=7 * ALERT_BASELINE_WEEKS)
    is_recent = A.c.published_day >= recent_from
    rows = conn.execute(
        select(
            key.label("key"),
            func.sum(case((is_recent, 1), else_=0)).label("recent"),
            func.sum(case((is_recent, 0), else_=1)).label("baseline_total"),
        )
        .select_from(join)
        .where(*conditions(f, start=base_from, end=end))
        .group_by(key)
    ).all()
    return pd.DataFrame(rows, columns=["key", "recent", "baseline_total"])


def alerts(conn: Connection, f: Filters) -> pd.DataFrame:
    """Category and actor alerts for the last week of the window (see ``alert_table``)."""
    cats = _alert_counts(conn, f, AC.c.category, A.join(AC, AC.c.article_id == A.c.id))
    acts = _alert_counts(conn, f, AA.c.actor, A.join(AA, AA.c.article_id == A.c.id))
    parts = [alert_table(cats, "category"), alert_table(acts, "actor")]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["kind", "key", "recent", "baseline", "ratio"])
    return pd.concat(parts, ignore_index=True)


# --- actors --------------------------------------------------------------------------------


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


# --- articles ------------------------------------------------------------------------------


def article_count(conn: Connection, f: Filters) -> int:
    return int(
        conn.execute(select(func.count()).select_from(A).where(*conditions(f))).scalar() or 0
    )


ARTICLE_COLUMNS = [
    "id",
    "published",
    "title",
    "source",
    "risk_score",
    "sentiment",
    "categories",
    "actors",
    "language",
    "url",
]


def article_list(conn: Connection, f: Filters, limit: int = ARTICLE_LIMIT) -> pd.DataFrame:
    """The newest ``limit`` matching articles with their categories and actors.

    Columns: id, published, title, source, risk_score, sentiment, categories (list of
    keys, highest points first), actors (list, most mentioned first), language, url.
    """
    rows = conn.execute(
        select(
            A.c.id,
            A.c.published_at,
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
    df = pd.DataFrame(
        [
            {
                "id": r.id,
                "published": r.published_at,
                "title": r.title,
                "source": r.source,
                "risk_score": r.risk_score,
                "sentiment": r.sentiment,
                "categories": cats.get(r.id, []),
                "actors": acts.get(r.id, []),
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

    Keys: the article's columns, ``relevance_terms`` (list), ``categories`` (DataFrame:
    category, matches, points), ``terms`` (DataFrame of term matches), ``mentions``
    (DataFrame of actor mentions), ``actors`` (DataFrame of per-article actors).
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
    return out


def export_csv(conn: Connection, f: Filters) -> str:
    """The matching articles as ``cambodia-risk export`` CSV (same fields, same code)."""
    from feeds import export

    buf = io.StringIO()
    export.write_csv(export.records(conn, filtered_ids(f), relevant_only=True), buf)
    return buf.getvalue()


# --- sources -------------------------------------------------------------------------------


FEED_COLUMNS = [
    "name",
    "status",
    "last_success_at",
    "last_attempt_at",
    "consecutive_failures",
    "last_error",
    "latency_ms",
    "item_count",
    "next_attempt_at",
    "articles",
    "url",
]


def feed_stats(conn: Connection, f: Filters) -> pd.DataFrame:
    """Per feed (the article's first carrier) over the window's matching articles, in
    one pass: feed_id, articles, mean_risk, high, mean_sentiment, scored, negative."""
    rows = conn.execute(
        select(
            A.c.feed_id,
            func.count().label("articles"),
            func.avg(A.c.risk_score).label("mean_risk"),
            func.sum(case((A.c.risk_score >= HIGH_RISK, 1), else_=0)).label("high"),
            func.avg(A.c.sentiment).label("mean_sentiment"),
            func.count(A.c.sentiment).label("scored"),
            func.sum(case((A.c.sentiment <= NEGATIVE, 1), else_=0)).label("negative"),
        )
        .where(*conditions(f))
        .group_by(A.c.feed_id)
    ).all()
    df = pd.DataFrame(
        rows,
        columns=[
            "feed_id",
            "articles",
            "mean_risk",
            "high",
            "mean_sentiment",
            "scored",
            "negative",
        ],
    )
    for col in df.columns[1:]:
        df[col] = pd.to_numeric(df[col]).astype(float)
    return df


def _feeds(conn: Connection) -> pd.DataFrame:
    result = conn.execute(
        select(
            F.c.id,
            F.c.name,
            F.c.status,
            F.c.last_success_at,
            F.c.last_attempt_at,
            F.c.consecutive_failures,
            F.c.last_error,
            F.c.latency_ms,
            F.c.item_count,
            F.c.next_attempt_at,
            F.c.url,
        ).order_by(F.c.name)
    )
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def feed_health(conn: Connection, f: Filters, stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every feed's health plus its matching articles in the window."""
    stats = feed_stats(conn, f) if stats is None else stats
    feeds = _feeds(conn)
    counts = dict(zip(stats["feed_id"], stats["articles"], strict=True))
    feeds["articles"] = [int(counts.get(i, 0)) for i in feeds["id"]]
    return feeds[FEED_COLUMNS].reset_index(drop=True)


def source_stats(conn: Connection, f: Filters, stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per source over the window's matching articles: articles, mean risk, high-risk
    share, mean sentiment and share negative, most articles first."""
    stats = feed_stats(conn, f) if stats is None else stats
    names = dict(conn.execute(select(F.c.id, F.c.name)).all())
    return summarise_sources(stats, names)


def sources_page(conn: Connection, f: Filters) -> dict:
    """Everything the Sources page shows, with one pass over the window."""
    stats = feed_stats(conn, f)
    feeds = _feeds(conn)
    counts = dict(zip(stats["feed_id"], stats["articles"], strict=True))
    feeds["articles"] = [int(counts.get(i, 0)) for i in feeds["id"]]
    return {
        "health": feeds[FEED_COLUMNS].reset_index(drop=True),
        "stats": summarise_sources(stats, dict(zip(feeds["id"], feeds["name"], strict=True))),
    }


RUN_COLUMNS = [
    "id",
    "kind",
    "state",
    "started_at",
    "finished_at",
    "duration_s",
    "feeds_ok",
    "feeds_failed",
    "feeds_unchanged",
    "feeds_skipped",
    "new_articles",
]


def refresh_runs(conn: Connection, limit: int = 30) -> pd.DataFrame:
    """The newest refresh runs with their state and duration."""
    rows = conn.execute(
        select(
            RR.c.id,
            RR.c.kind,
            RR.c.started_at,
            RR.c.finished_at,
            RR.c.feeds_ok,
            RR.c.feeds_failed,
            RR.c.feeds_unchanged,
            RR.c.feeds_skipped,
            RR.c.new_articles,
        )
        .order_by(RR.c.id.desc())
        .limit(limit)
    ).all()
    df = pd.DataFrame(
        rows,
        columns=[
            "id",
            "kind",
            "started_at",
            "finished_at",
            "feeds_ok",
            "feeds_failed",
            "feeds_unchanged",
            "feeds_skipped",
            "new_articles",
        ],
    )
    latest = conn.execute(select(func.max(RR.c.id))).scalar()
    df = label_runs(df, latest)
    df["duration_s"] = [
        (fin - st).total_seconds()
        if isinstance(fin, datetime) and isinstance(st, datetime)
        else None
        for st, fin in zip(df["started_at"], df["finished_at"], strict=True)
    ]
    return df[RUN_COLUMNS]
