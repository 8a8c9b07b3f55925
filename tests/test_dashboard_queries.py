"""Dashboard queries against the fixture dataset, on SQLite and on PostgreSQL.

Every expectation is recomputed here from the raw rows in plain Python, so the SQL
aggregates are checked against an independent calculation.

PostgreSQL tests use their own database (``cr_test_dashboard``, created on the server of
``CAMBODIA_RISK_TEST_PG``, default ``postgresql://postgres@127.0.0.1:5432/test``) and
reset its schema first. They skip when the server is unreachable, unless ``CI`` is set.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from dashboard_fixtures import (
    END_DAY,
    FAILING_FEED,
    FEEDS,
    HOSTILE_TITLE,
    HOSTILE_URL,
    IRRELEVANT_TITLE,
    KHMER_TITLE,
    NEW_FEED,
    SPIKE_ACTOR,
    SPIKE_CATEGORY,
    UNSCORED_TITLE,
    build_dataset,
)
from db_support import pg_url
from sqlalchemy import insert, select

from dashboard import queries as q
from dashboard import series
from dashboard.filters import Filters, KnownValues, parse_params
from dashboard.queries.state import _distinct_loose as distinct_loose
from feeds import store
from feeds.store import export, schema

PG_DB = "cr_test_dashboard"


def postgres_url() -> str:
    """A freshly emptied ``cr_test_dashboard`` database on the test server."""
    return pg_url(PG_DB)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def engine(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'fixture.db'}"
    else:
        url = postgres_url()
    build_dataset(url)
    eng = store.make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def raw(engine):
    """Every row of the small dataset, for independent expectations."""
    with engine.connect() as conn:
        arts = pd.DataFrame(conn.execute(select(schema.articles)).mappings().all())
        cats = pd.DataFrame(conn.execute(select(schema.article_categories)).mappings().all())
        acts = pd.DataFrame(conn.execute(select(schema.article_actors)).mappings().all())
        feeds = pd.DataFrame(conn.execute(select(schema.feeds)).mappings().all())
        places = pd.DataFrame(conn.execute(select(schema.article_places)).mappings().all())
    arts["published_day"] = pd.to_datetime(arts["published_day"]).dt.date
    return {"articles": arts, "categories": cats, "actors": acts, "feeds": feeds,
            "places": places}


@pytest.fixture(scope="module")
def known(engine):
    with engine.connect() as conn:
        return replace(q.known_values(conn), provinces=frozenset(f"KH-{n}" for n in range(1, 26)))


@pytest.fixture()
def conn(engine):
    with engine.connect() as c:
        yield c


def default_filters(known: KnownValues, **params) -> Filters:
    f, notices = parse_params(
        {k: v if isinstance(v, list) else [v] for k, v in params.items()}, known
    )
    assert notices == []
    return f


def expected_ids(raw, f: Filters) -> set[int]:
    a = raw["articles"]
    rel = a[
        a["relevant"].eq(True) & (a["published_day"] >= f.start) & (a["published_day"] <= f.end)
    ]
    ids = set(rel["id"])
    if f.sources:
        ids &= set(rel[rel["source"].isin(f.sources)]["id"])
    if f.categories:
        c = raw["categories"]
        ids &= set(c[c["category"].isin(f.categories)]["article_id"])
    if f.actors:
        x = raw["actors"]
        ids &= set(x[x["actor"].isin(f.actors)]["article_id"])
    if f.provinces:
        p = raw["places"]
        ids &= set(p[p["province"].isin(f.provinces)]["article_id"])
    if f.lang:
        ids &= set(rel[rel["language"] == f.lang]["id"])
    if f.q:
        needle = f.q.lower()
        ids &= {
            r.id for r in rel.itertuples() if needle in r.title.lower() or needle in r.text.lower()
        }
    return ids


# --- state ------------------------------------------------------------------------------------


def test_status_of_missing_and_empty_databases(tmp_path):
    eng = store.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with eng.connect() as c:
        assert q.db_status(c) == q.DbStatus(False, 0, 0)
    store.migrate(eng)
    with eng.connect() as c:
        assert q.db_status(c) == q.DbStatus(True, 0, 0)
        assert q.data_version(c) == (None, None, 0, None)
        assert q.freshness(c)["finished_at"] is None
    eng.dispose()


def test_status_and_freshness(conn):
    assert q.db_status(conn) == q.DbStatus(True, 1, 1)
    info = q.freshness(conn)
    assert info["finished_at"] == datetime(2024, 6, 30, 6, 0, 37)
    assert info["kind"] == "refresh" and not info["running"]
    assert info["data_kind"] == "refresh"


def test_known_values(known, raw):
    assert known.sources == frozenset(FEEDS)
    assert known.categories == frozenset(raw["categories"]["category"])
    assert known.actors == frozenset(raw["actors"]["actor"])
    assert known.max_day == END_DAY
    a = raw["articles"]
    assert known.min_day == min(a[a["relevant"].eq(True)]["published_day"])


def test_loose_index_scan_equals_distinct(conn):
    for col in (
        schema.article_categories.c.category,
        schema.article_actors.c.actor,
        schema.unlisted_names.c.name,
    ):
        assert distinct_loose(conn, col) == sorted(
            v for (v,) in conn.execute(select(col).distinct())
        )


def test_window_languages(conn, known):
    f = default_filters(known)
    langs = q.window_languages(conn, f)
    assert set(langs["language"]) == {"en", "km"}
    assert int(langs.loc[langs["language"] == "km", "articles"].iloc[0]) == 1


# --- overview -----------------------------------------------------------------------------------


def test_daily_stats_match_python(conn, known, raw):
    f = default_filters(known)
    prev_start, _ = f.previous_window()
    daily = q.daily_stats(conn, f, prev_start, f.end)
    a = raw["articles"]
    rel = a[
        a["relevant"].eq(True) & (a["published_day"] >= prev_start) & (a["published_day"] <= f.end)
    ]
    by_day = rel.groupby("published_day")
    assert len(daily) == by_day.ngroups
    for row in daily.itertuples():
        rows = rel[rel["published_day"] == row.day.date()]
        assert row.articles == len(rows)
        assert row.risk_sum == pytest.approx(rows["risk_score"].sum())
        assert row.high == (rows["risk_score"] >= q.HIGH_RISK).sum()
        scored = rows["sentiment"].dropna()
        assert row.sent_n == len(scored)
        assert row.negative == (scored <= q.NEGATIVE).sum()


def test_kpis_against_previous_window(conn, known, raw):
    f = default_filters(known)
    prev_start, prev_end = f.previous_window()
    k = series.kpis(q.daily_stats(conn, f, prev_start, f.end), f)
    a = raw["articles"]
    rel = a[a["relevant"].eq(True)]
    for key, (s, e) in (("current", (f.start, f.end)), ("previous", (prev_start, prev_end))):
        rows = rel[(rel["published_day"] >= s) & (rel["published_day"] <= e)]
        scored = rows["sentiment"].dropna()
        got = k[key]
        assert got["articles"] == len(rows)
        assert got["mean_risk"] == pytest.approx(rows["risk_score"].mean())
        assert got["share_negative"] == pytest.approx((scored <= q.NEGATIVE).mean())
        assert got["high_risk"] == (rows["risk_score"] >= q.HIGH_RISK).sum()
    assert k["current"]["articles"] > 0 and k["previous"]["articles"] > 0


def test_kpis_of_an_empty_window(conn, known):
    f = default_filters(known, start="2010-01-01", end="2010-01-31")
    k = series.kpis(q.daily_stats(conn, f, *f.previous_window()[:1], f.end), f)
    assert k["current"] == {
        "articles": 0,
        "mean_risk": None,
        "share_negative": None,
        "high_risk": 0,
        "mean_sentiment": None,
    }
    assert series.delta(k["current"]["mean_risk"], 3.0) is None


@pytest.mark.parametrize(
    "params",
    [
        {"category": "unrest_protest"},
        {"category": ["arrests_legal", "political_crisis"]},
        {"actor": SPIKE_ACTOR},
        {"actor": ["Hun Sen", "Kem Sokha"]},
        {"source": "Phnom Penh Post"},
        {"lang": "km"},
        {"q": "RIOT police"},
        {"q": "100%"},
        {"q": "a_b"},
        {"q": "<script>"},
        {"category": "land_labour", "actor": "Hun Manet", "source": "Khmer Times"},
        {"start": "2024-06-01", "end": "2024-06-15", "category": "security_military"},
        {"province": "KH-17"},
        {"province": ["KH-12", "KH-2"], "category": "unrest_protest"},
    ],
)
def test_filters_match_python(conn, known, raw, params):
    f = default_filters(known, **params)
    want = expected_ids(raw, f)
    assert q.article_count(conn, f) == len(want)
    listed = q.article_list(conn, f, limit=10_000)
    assert set(listed["id"]) == want
    daily = q.daily_stats(conn, f)
    assert daily["articles"].sum() == len(want)


def test_filters_that_must_match_something(conn, known):
    for params in (
        {"category": SPIKE_CATEGORY},
        {"actor": SPIKE_ACTOR},
        {"lang": "km"},
        {"q": "riot police"},
        {"q": "<script>"},
        {"province": "KH-12"},
    ):
        assert q.article_count(conn, default_filters(known, **params)) > 0, params


def test_province_stats_count_each_article_once_per_province(conn, known, raw):
    f = default_filters(known)
    ids = expected_ids(raw, f)
    p = raw["places"]
    pairs = p[p["article_id"].isin(ids)][["article_id", "province"]].drop_duplicates()
    stats = q.province_stats(conn, f).set_index("iso")
    assert stats["articles"].to_dict() == pairs["province"].value_counts().to_dict()
    a = raw["articles"].set_index("id")
    for iso, group in pairs.groupby("province"):
        mean = a.loc[group["article_id"], "risk_score"].mean()
        assert stats.loc[iso, "mean_risk"] == pytest.approx(mean, abs=0.051)
    assert stats["top_actor"].notna().any() and stats["top_category"].notna().any()
    listed = q.article_list(conn, f.with_(provinces=("KH-17",)), limit=10_000)
    assert all("KH-17" in codes for codes in listed["provinces"])


def test_irrelevant_and_unscored_articles_never_show(conn, known):
    for title in (IRRELEVANT_TITLE, UNSCORED_TITLE):
        f = default_filters(known, q=title[:20])
        assert q.article_count(conn, f) == 0
        assert q.article_list(conn, f).empty
    ids = {
        r.id
        for r in conn.execute(
            select(schema.articles.c.id).where(
                schema.articles.c.title.in_([IRRELEVANT_TITLE, UNSCORED_TITLE])
            )
        )
    }
    for article_id in ids:
        assert q.article_detail(conn, article_id) is None


def test_series_from_daily(conn, known):
    f = default_filters(known)
    daily = q.daily_stats(conn, f, f.start - timedelta(days=6), f.end)
    risk = series.risk_series(daily, f.start, f.end)
    assert len(risk) == f.days
    assert risk["articles"].sum() == daily[daily["day"] >= pd.Timestamp(f.start)]["articles"].sum()
    weekly = series.weekly(daily, f.start, f.end)
    assert weekly["articles"].sum() == risk["articles"].sum()
    assert (weekly["day"].dt.day_of_week == 0).all()
    sent = series.sentiment_series(daily, f.start, f.end)
    assert sent["mean_sentiment"].dropna().between(-1, 1).all()
    assert sent["share_negative"].dropna().between(0, 1).all()


def test_category_volume(conn, known, raw):
    f = default_filters(known)
    cd = q.category_daily(conn, f, known.categories)
    ids = expected_ids(raw, f)
    c = raw["categories"]
    want = Counter(c[c["article_id"].isin(ids)]["category"])
    assert dict(cd.groupby("category")["articles"].sum()) == dict(want)
    wk = series.category_weekly(cd)
    assert wk["articles"].sum() == cd["articles"].sum()
    assert q.category_daily(conn, f, []).empty
    # A category filter narrows the articles; their other categories still count.
    only = q.category_daily(conn, default_filters(known, category="land_labour"), known.categories)
    assert set(only["category"]) > {"land_labour"}


def test_alerts_find_the_spike(conn, known, raw):
    f = default_filters(known)
    alerts = q.alerts(conn, f)
    cats = alerts[alerts["kind"] == "category"].set_index("key")
    acts = alerts[alerts["kind"] == "actor"].set_index("key")
    assert SPIKE_CATEGORY in cats.index and SPIKE_ACTOR in acts.index
    # Recount the spike category by hand.
    a, c = raw["articles"], raw["categories"]
    rel = a[a["relevant"].eq(True)]
    in_cat = set(c[c["category"] == SPIKE_CATEGORY]["article_id"])
    recent_from = END_DAY - timedelta(days=6)
    base_from = recent_from - timedelta(days=28)
    days = rel[rel["id"].isin(in_cat)]["published_day"]
    recent = int((days >= recent_from).sum())
    baseline = int(((days >= base_from) & (days < recent_from)).sum()) / 4
    assert cats.loc[SPIKE_CATEGORY, "recent"] == recent
    assert cats.loc[SPIKE_CATEGORY, "baseline"] == pytest.approx(baseline, abs=0.01)
    assert (alerts["recent"] >= series.ALERT_MIN_COUNT).all()
    assert (alerts["ratio"] >= series.ALERT_MIN_RATIO).all()


def test_province_alert_counts_each_article_once(conn, known, raw):
    from dashboard.queries.overview import _alert_counts

    f = default_filters(known)
    counts = _alert_counts(conn, f, "province").set_index("key")
    a, p = raw["articles"], raw["places"]
    rel = a[a["relevant"].eq(True)].set_index("id")
    recent_from = END_DAY - timedelta(days=6)
    base_from = recent_from - timedelta(days=28)
    pairs = p[p["article_id"].isin(rel.index)][["article_id", "province"]].drop_duplicates()
    pairs = pairs.assign(day=[rel.loc[i, "published_day"] for i in pairs["article_id"]])
    pairs = pairs[(pairs["day"] >= base_from) & (pairs["day"] <= END_DAY)]
    assert set(counts.index) == set(pairs["province"])
    for iso, group in pairs.groupby("province"):
        assert counts.loc[iso, "recent"] == (group["day"] >= recent_from).sum()
        assert counts.loc[iso, "baseline_total"] == (group["day"] < recent_from).sum()


# --- actors --------------------------------------------------------------------------------------


def test_top_actors_match_python(conn, known, raw):
    f = default_filters(known)
    top = q.top_actors(conn, f, limit=100)
    ids = expected_ids(raw, f)
    x = raw["actors"]
    x = x[x["article_id"].isin(ids)]
    assert dict(zip(top["actor"], top["articles"], strict=True)) == dict(Counter(x["actor"]))
    assert list(top["articles"]) == sorted(top["articles"], reverse=True)
    for row in top.itertuples():
        rows = x[(x["actor"] == row.actor) & x["sentiment"].notna()]
        weighted = (rows["sentiment"] * rows["mentions"]).sum() / rows["mentions"].sum()
        assert row.sentiment == pytest.approx(weighted, abs=1e-3)
    assert len(q.top_actors(conn, f, limit=3)) == 3


def test_actor_timeline(conn, known, raw):
    f = default_filters(known)
    tl = q.actor_timeline(conn, f, SPIKE_ACTOR)
    ids = expected_ids(raw, f)
    x = raw["actors"]
    assert tl["articles"].sum() == ((x["actor"] == SPIKE_ACTOR) & x["article_id"].isin(ids)).sum()
    assert q.actor_timeline(conn, f, "Nobody").empty


def test_comentions_are_symmetric_and_correct(conn, known, raw):
    f = default_filters(known)
    top = list(q.top_actors(conn, f, limit=6)["actor"])
    pairs = q.comentions(conn, f, top)
    ids = expected_ids(raw, f)
    x = raw["actors"]
    x = x[x["article_id"].isin(ids) & x["actor"].isin(top)]
    want: Counter = Counter()
    for _, group in x.groupby("article_id"):
        names = sorted(group["actor"])
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                want[(a, b)] += 1
                want[(b, a)] += 1
    got = {(r.actor_a, r.actor_b): r.articles for r in pairs.itertuples()}
    assert got == dict(want)
    assert q.comentions(conn, f, []).empty


def test_candidates(conn, known):
    cands = q.candidates(conn, default_filters(known)).set_index("name")
    assert {"Sok Chea", "Chan Dara"} <= set(cands.index)
    assert "Sok Chea" in cands.loc["Sok Chea", "example"]
    assert (cands["articles"] <= cands["mentions"]).all()


# --- articles ------------------------------------------------------------------------------------


def test_article_list_newest_first_with_lists(conn, known):
    f = default_filters(known)
    listed = q.article_list(conn, f, limit=20)
    assert len(listed) == 20
    assert list(listed["published"]) == sorted(listed["published"], reverse=True)
    assert all(isinstance(v, list) for v in listed["categories"])
    assert all(isinstance(v, list) for v in listed["actors"])
    assert list(listed.columns) == q.ARTICLE_COLUMNS


def test_article_detail_of_the_hostile_article(conn, known):
    f = default_filters(known, q="onerror")
    listed = q.article_list(conn, f)
    assert list(listed["title"]) == [HOSTILE_TITLE]
    detail = q.article_detail(conn, int(listed["id"].iloc[0]))
    assert detail["title"] == HOSTILE_TITLE and detail["url"] == HOSTILE_URL
    assert set(detail["categories"]["category"]) == {
        "security_military",
        "unrest_protest",
        "arrests_legal",
    }
    assert list(detail["mentions"]["actor"]) == ["Hun Manet"]
    assert detail["relevance_terms"] == ["Cambodia", "Phnom Penh"]
    assert len(detail["terms"]) == 3
    assert q.article_detail(conn, 10**9) is None


def test_export_csv_has_the_export_fields(conn, known):
    f = default_filters(known, category=SPIKE_CATEGORY)
    body = q.export_csv(conn, f)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0].keys()) == export.fields()
    assert len(rows) == q.article_count(conn, f)
    titles = {r["title"] for r in rows}
    assert titles == set(q.article_list(conn, f, limit=10_000)["title"])


# --- sources ------------------------------------------------------------------------------------


def test_feed_health(conn, known, raw):
    f = default_filters(known)
    health = q.feed_health(conn, f).set_index("name")
    assert set(health.index) == set(FEEDS)
    assert health.loc[FAILING_FEED, "consecutive_failures"] == 3
    assert "503" in health.loc[FAILING_FEED, "last_error"]
    assert health.loc[NEW_FEED, "articles"] == 0
    assert health["articles"].sum() == len(expected_ids(raw, f))


def test_refresh_runs_states(conn):
    runs = q.refresh_runs(conn).set_index("id")
    assert list(runs.index) == [4, 3, 2, 1]
    assert runs.loc[2, "state"] == "interrupted"
    assert (runs.drop(index=2)["state"] == "finished").all()
    assert runs.loc[4, "duration_s"] == pytest.approx(37)


def test_freshness_after_a_rescore(tmp_path):
    """`cambodia-risk rescore` records a run of kind 'rescore': the data is as of its
    end, and demo data stays demo data (a rescore loads nothing)."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    build_dataset(url, n_articles=12, hostile_title=False, run_kind="demo")
    eng = store.make_engine(url)
    with eng.connect() as c:
        before = q.data_version(c)
        assert q.freshness(c)["data_kind"] == "demo"
    run_id = store.start_run(eng, kind="rescore")
    with eng.connect() as c:
        info = q.freshness(c)
        assert info["running"] and info["running_kind"] == "rescore"
        assert info["finished_at"] == datetime(2024, 6, 30, 6, 0, 37)
    store.finish_run(eng, run_id)
    with eng.connect() as c:
        info = q.freshness(c)
        after = q.data_version(c)
        runs = q.refresh_runs(c)
    assert after != before
    assert info["kind"] == "rescore" and info["data_kind"] == "demo"
    assert info["finished_at"] > datetime(2024, 6, 30, 6, 0, 37)
    assert not info["running"] and info["running_kind"] is None
    assert runs.iloc[0]["kind"] == "rescore" and runs.iloc[0]["state"] == "finished"
    eng.dispose()


def test_source_stats(conn, known, raw):
    f = default_filters(known)
    stats = q.source_stats(conn, f).set_index("source")
    ids = expected_ids(raw, f)
    a = raw["articles"]
    a = a[a["id"].isin(ids)]
    for source, rows in a.groupby("source"):
        assert stats.loc[source, "articles"] == len(rows)
        assert stats.loc[source, "mean_risk"] == pytest.approx(rows["risk_score"].mean(), abs=0.01)


# --- cache token --------------------------------------------------------------------------------


def test_data_version_changes_when_a_run_lands(tmp_path):
    url = f"sqlite:///{tmp_path / 'v.db'}"
    build_dataset(url, n_articles=12, hostile_title=False)
    eng = store.make_engine(url)
    with eng.connect() as c:
        before = q.data_version(c)
    run_id = store.start_run(eng)
    with eng.connect() as c:
        started = q.data_version(c)
        assert q.freshness(c)["running"]
    store.finish_run(eng, run_id, new_articles=0)
    with eng.connect() as c:
        finished = q.data_version(c)
    assert len({before, started, finished}) == 3
    with eng.begin() as c:
        c.execute(insert(schema.refresh_runs).values(started_at=datetime(2030, 1, 1), kind="demo"))
    with eng.connect() as c:
        assert q.refresh_runs(c)["state"].iloc[0] == "running"
    eng.dispose()


def test_khmer_article_is_counted_but_not_in_sentiment(conn, known):
    f = default_filters(known, lang="km")
    listed = q.article_list(conn, f)
    assert list(listed["title"]) == [KHMER_TITLE]
    k = series.kpis(q.daily_stats(conn, f), f)
    assert k["current"]["articles"] == 1 and k["current"]["share_negative"] is None


def test_fixture_is_deterministic(tmp_path):
    urls = [f"sqlite:///{tmp_path / f'd{i}.db'}" for i in range(2)]
    dumps = []
    for url in urls:
        build_dataset(url, n_articles=30)
        eng = store.make_engine(url)
        with eng.connect() as c:
            dumps.append(
                [
                    tuple(r)
                    for r in c.execute(
                        select(
                            schema.articles.c.id,
                            schema.articles.c.title,
                            schema.articles.c.published_at,
                            schema.articles.c.risk_score,
                        ).order_by(schema.articles.c.id)
                    )
                ]
            )
        eng.dispose()
    assert dumps[0] == dumps[1]
    with pytest.raises(ValueError):
        build_dataset(urls[0])


def test_filters_are_plain_values():
    # Cached wrappers hash Filters; it must be a frozen, comparable value.
    a = Filters(start=date(2024, 1, 1), end=date(2024, 1, 2), categories=("x",))
    b = Filters(start=date(2024, 1, 1), end=date(2024, 1, 2), categories=("x",))
    assert a == b and hash(a) == hash(b)
    assert defaultdict(int, {a: 1})[b] == 1


# --- undated and unscored articles (issue #9) -------------------------------------------


@pytest.fixture
def edited(tmp_path):
    """A fresh small dataset where one article's date is estimated and another is in a
    language without term lists (risk and sentiment not scored)."""
    url = f"sqlite:///{tmp_path / 'edited.db'}"
    build_dataset(url, n_articles=40, hostile_title=False)
    eng = store.make_engine(url)
    a = schema.articles
    with eng.begin() as conn:
        ids = [r.id for r in conn.execute(
            select(a.c.id).where(a.c.relevant.is_(True)).order_by(a.c.id.desc()).limit(2)
        )]
        conn.execute(a.update().where(a.c.id == ids[0]).values(published_estimated=True))
        conn.execute(a.update().where(a.c.id == ids[1]).values(
            language="fr", risk_score=None, sentiment=None))
    yield eng, ids
    eng.dispose()


def test_trends_and_alerts_leave_estimated_dates_out(edited):
    eng, (undated, _french) = edited
    with eng.connect() as conn:
        k = q.known_values(conn)
        f = default_filters(k)
        total = q.article_count(conn, f)
        daily = q.daily_stats(conn, f)
        day = conn.execute(select(schema.articles.c.published_day)
                           .where(schema.articles.c.id == undated)).scalar()
        listed = q.article_list(conn, f, limit=10_000)
    assert daily["articles"].sum() == total - 1  # counted in the table, not in the trend
    assert listed.set_index("id").loc[undated, "estimated"]
    assert listed["estimated"].sum() == 1
    assert day is not None


def test_coverage_counts_unscored_and_undated(edited):
    eng, _ids = edited
    with eng.connect() as conn:
        cov = q.coverage(conn, default_filters(q.known_values(conn)))
    assert cov == {"undated": 1, "unscored": {"fr": 1}}
    from dashboard.present import coverage_note

    note = coverage_note(cov)
    assert "1 relevant article could not be scored" in note and "(fr 1)" in note
    assert "1 article has no publication date (its fetch time stands in): it is left" in note
    assert coverage_note({"undated": 0, "unscored": {}}) is None
