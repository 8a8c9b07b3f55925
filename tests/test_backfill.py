"""Backfill over real loopback HTTP (tests/history_site.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from db_support import query as rows
from history_site import HistorySite
from sqlalchemy import func, select

from feeds import store
from feeds.config import BackfillPolicy, FeedConfig, FetchLimits, Settings
from feeds.ingest.backfill import plan_backfill, run_backfill
from feeds.store import schema

FAST = FetchLimits(connect_timeout=2, read_timeout=5, total_timeout=10)
SINCE, UNTIL = datetime(2026, 1, 1), datetime(2026, 5, 1)
# The loopback servers run as threads of this process and stamp a request's end after
# writing its answer; the client can read that answer (and start its pause) before the
# server's thread gets the GIL back to take the stamp, up to a switch interval (5 ms)
# later, or a few under load. Gaps measured between stamps may look short by that much.
STAMP_SLACK = 0.02


@pytest.fixture
def site():
    with HistorySite(posts=40) as running:
        yield running


def settings_for(url: str, site: HistorySite, **policy) -> Settings:
    policy = {"delay": 0.0, "gdelt_interval": 0.0, "gdelt_reach_days": 100_000,
              "gdelt_api": site.base + "api/v2/doc/doc", **policy}
    return Settings(db_url=url, fetch=FAST, workers=1, backfill=BackfillPolicy(**policy))


def feed(site: HistorySite, method: str, **kw) -> FeedConfig:
    return FeedConfig("Site", site.base + "feed/", backfill=method, **kw)


def backfill(url, site, method, *, since=SINCE, until=UNTIL, policy=None, **kw):
    return run_backfill(settings_for(url, site, **(policy or {})), [feed(site, method, **kw)],
                        since=since, until=until)


def stored(url) -> tuple[int, int, set[str]]:
    a = schema.articles
    total, distinct = rows(url, select(func.count(), func.count(a.c.url.distinct())))[0]
    arrivals = {r[0] for r in rows(url, select(a.c.arrival).distinct())}
    return total, distinct, arrivals


def state(url, method):
    s = schema.backfill_state
    found = rows(url, select(s.c.state, s.c.detail).where(s.c.method == method))
    return found[0] if found else None


@pytest.mark.parametrize("method", ["wordpress", "feed-pages", "sitemap", "gdelt"])
def test_each_method_stores_the_archive_once(db_url, site, method):
    summary = backfill(db_url, site, method, full_text=True)
    assert [f.state for f in summary.feeds] == ["done"]
    total, distinct, arrivals = stored(db_url)
    assert total == distinct == site.posts
    assert arrivals == {method}
    texts = rows(db_url, select(schema.articles.c.text))
    assert all("paragraph 5 of story" in text for (text,) in texts)  # full text, not teasers
    assert state(db_url, method)[0] == "done"


def test_rerun_over_finished_windows_fetches_nothing(sqlite_db, site):
    backfill(sqlite_db, site, "wordpress")
    before = len(site.hits("/wp-json"))
    summary = backfill(sqlite_db, site, "wordpress")
    assert len(site.hits("/wp-json")) == before
    assert summary.new_articles == 0 and summary.feeds[0].windows_fetched == 0
    assert summary.feeds[0].windows_skipped == summary.feeds[0].windows


@pytest.mark.parametrize("headers", [True, False])
def test_wordpress_pages_through_date_windows(sqlite_db, site, headers):
    site.posts, site.paging_headers = 900, headers  # 10 a day: 4 pages a month
    backfill(sqlite_db, site, "wordpress", policy={"wordpress_window_days": 28})
    queries = [h.query for h in site.hits("/wp-json")]
    assert all("after=" in q and "before=" in q and "per_page=100" in q for q in queries)
    assert any("page=3" in q for q in queries)
    assert stored(sqlite_db)[:2] == (900, 900)
    past_the_end = [h for h in site.hits("/wp-json") if "page=5" in h.query]
    assert bool(past_the_end) is not headers  # without the header, a 400 ends a window


def test_rest_403_is_refused_and_auto_falls_back(sqlite_db, site):
    site.rest = "forbidden"
    summary = backfill(sqlite_db, site, "wordpress")
    assert summary.feeds[0].state == "refused"
    assert state(sqlite_db, "wordpress")[0] == "refused"

    summary = backfill(sqlite_db, site, "auto")
    assert (summary.feeds[0].method, summary.feeds[0].state) == ("feed-pages", "done")
    assert stored(sqlite_db)[:2] == (site.posts, site.posts)
    # auto remembers: the next run neither probes REST nor page 2 again.
    rest_hits = len(site.hits("/wp-json"))
    backfill(sqlite_db, site, "auto")
    assert len(site.hits("/wp-json")) == rest_hits


def test_429_with_retry_after_slows_down_and_goes_on(sqlite_db, site):
    site.slow_down = 2
    summary = backfill(sqlite_db, site, "wordpress", since=datetime(2026, 3, 9),
                       until=datetime(2026, 3, 23))
    assert summary.feeds[0].state == "done"
    assert stored(sqlite_db)[0] == summary.new_articles > 5
    first, second, third, fourth = site.hits("/wp-json")[:4]
    assert [h.start - h_before.end >= 0.95 for h_before, h in
            ((first, second), (second, third))] == [True, True]
    assert fourth.start - third.end >= 1.95  # the pause doubled for the rest of the run


def test_gdelt_is_paced_and_429_is_not_a_failure(sqlite_db, site):
    site.slow_down = 1
    summary = backfill(sqlite_db, site, "gdelt", since=datetime(2026, 3, 1),
                       until=datetime(2026, 3, 4), policy={"gdelt_interval": 0.3})
    assert summary.feeds[0].state == "done"
    hits = site.hits("/api/v2/doc/doc")
    assert len(hits) == 4  # three day windows, one of them asked twice
    assert all(b.start - a.end >= 0.3 for a, b in zip(hits, hits[1:], strict=False))


def test_robots_txt_forbidden_pages_are_not_fetched(sqlite_db, site):
    site.robots = "User-agent: *\nDisallow: /article/post-1\n"  # post-1, post-10..19
    backfill(sqlite_db, site, "sitemap")
    fetched = {h.path for h in site.hits("/article/")}
    assert fetched and not any(p.startswith("/article/post-1") for p in fetched)
    assert stored(sqlite_db)[0] == site.posts - 11


def test_unreadable_robots_txt_is_a_failure_not_a_refusal(sqlite_db, site):
    site.robots = "broken"
    summary = backfill(sqlite_db, site, "wordpress")
    assert summary.feeds[0].state == "failed"
    assert "robots.txt could not be read (HTTP 500" in summary.feeds[0].detail
    assert [h.path for h in site.log] == ["/robots.txt"]


def test_sitemap_reads_only_the_months_in_range(sqlite_db, site):
    backfill(sqlite_db, site, "sitemap", since=datetime(2026, 2, 1),
             until=datetime(2026, 3, 1))
    maps = {h.path for h in site.hits("/sitemap-")}
    assert maps == {"/sitemap-2026-02.xml"}
    published = rows(sqlite_db, select(schema.articles.c.published_at))
    assert published and all(p.month == 2 for (p,) in published)


def test_politeness_one_request_at_a_time_with_the_delay(sqlite_db, site):
    site.delay = 0.05
    backfill(sqlite_db, site, "sitemap", policy={"delay": 0.4}, since=datetime(2026, 3, 1),
             until=datetime(2026, 3, 10))
    log = sorted(site.log, key=lambda h: h.start)
    assert len(log) > 5 and site.max_in_flight == 1
    gaps = [b.start - a.end for a, b in zip(log, log[1:], strict=False)]
    assert min(gaps) >= 0.4 - STAMP_SLACK, gaps


def test_politeness_with_the_default_delay(sqlite_db, site):
    default = BackfillPolicy().delay
    assert default == 2.0
    backfill(sqlite_db, site, "wordpress", policy={"delay": default},
             since=datetime(2026, 3, 9), until=datetime(2026, 3, 23))
    log = sorted(site.log, key=lambda h: h.start)
    assert [h.path for h in log][:2] == ["/robots.txt", "/wp-json/wp/v2/posts"]
    assert len(log) >= 3 and site.max_in_flight == 1
    gaps = [b.start - a.end for a, b in zip(log, log[1:], strict=False)]
    assert min(gaps) >= default - STAMP_SLACK, gaps


def test_politeness_follows_redirects_to_another_host():
    """A redirect to another host (an old domain, a CDN) waits for that host's turn and
    pause, and obeys its robots.txt, as a request sent there directly would."""
    import asyncio

    from feedserver import FeedServer

    from feeds.ingest.backfill.polite import ROBOTS_REFUSAL, PoliteFetcher
    from feeds.ingest.fetch import Fetcher

    pause = 0.3
    with FeedServer() as old, FeedServer() as new:
        new.add("/robots.txt", b"User-agent: *\nDisallow: /private\n",
                content_type="text/plain")
        for n in range(3):
            new.add(f"/page{n}", b"<p>page</p>", content_type="text/html")
            new.add(f"/moved{n}", b"<p>moved</p>", content_type="text/html")
            old.add(f"/moved{n}", b"", status=301, headers={"Location": new.url(f"/moved{n}")})
        old.add("/secret", b"", status=302, headers={"Location": new.url("/private")})

        async def scenario():
            async with Fetcher(FAST) as fetcher:
                polite = PoliteFetcher(fetcher, BackfillPolicy(), 0.0)
                polite.set_pause(new.url("/"), pause)

                async def direct():
                    return [await polite.get(new.url(f"/page{n}")) for n in range(3)]

                async def redirected():
                    return [await polite.get(old.url(f"/moved{n}")) for n in range(3)]

                got = await asyncio.gather(direct(), redirected())
                return [r for results in got for r in results], await polite.get(
                    old.url("/secret"))

        results, secret = asyncio.run(scenario())
        assert all(r.ok for r in results), [r.error for r in results]
        log = sorted((r for r in new.log if r.path != "/private"), key=lambda r: r.started)
        assert len(log) == 7 and new.max_in_flight == 1  # robots.txt, 3 direct, 3 moved
        gaps = [b.started - a.finished for a, b in zip(log, log[1:], strict=False)]
        assert min(gaps) >= pause - STAMP_SLACK, gaps  # without the fix: about 0.005 s
        assert secret.error == ROBOTS_REFUSAL and new.hits("/private") == 0


def test_feed_backfill_delay_wins_for_its_host(sqlite_db, site):
    settings = settings_for(sqlite_db, site, delay=5.0)
    run_backfill(settings, [feed(site, "wordpress", backfill_delay=0.1)],
                 since=datetime(2026, 2, 1), until=datetime(2026, 3, 1))
    log = sorted(site.log, key=lambda h: h.start)
    gaps = [b.start - a.end for a, b in zip(log, log[1:], strict=False)]
    assert len(log) > 3 and 0.1 - STAMP_SLACK <= min(gaps) and max(gaps) < 2


def test_max_articles_stops_after_a_window(sqlite_db, site):
    summary = backfill(sqlite_db, site, "wordpress", policy={"wordpress_window_days": 7})
    total = summary.new_articles
    store.make_engine(sqlite_db).dispose()
    summary = run_backfill(settings_for(sqlite_db.replace("test.db", "two.db"), site),
                           [feed(site, "wordpress")], since=SINCE, until=UNTIL,
                           max_articles=5)
    assert 5 <= summary.new_articles < total
    assert summary.feeds[0].state == "in_progress"


def test_none_is_recorded_as_not_supported(sqlite_db, site):
    summary = backfill(sqlite_db, site, "none")
    assert summary.feeds[0].state == "unsupported" and not site.log


def test_dry_run_plan_sends_nothing(sqlite_db, site):
    backfill(sqlite_db, site, "wordpress", since=datetime(2026, 3, 2),
             until=datetime(2026, 3, 30))
    site.log.clear()
    plans = plan_backfill(settings_for(sqlite_db, site), [feed(site, "wordpress")],
                          since=datetime(2026, 2, 2), until=datetime(2026, 3, 30))
    assert not site.log
    assert plans[0]["windows"] == 8 and plans[0]["finished"] == 4
    assert plans[0]["to_fetch"] == 4


def test_second_backfill_is_refused(sqlite_db, site):
    engine = store.make_engine(sqlite_db)
    store.migrate(engine)
    try:
        with store.refresh_lock(engine, "backfill"), pytest.raises(store.LockBusy):
            backfill(sqlite_db, site, "wordpress")
        with store.refresh_lock(engine):  # a refresh's lock does not keep it out
            assert backfill(sqlite_db, site, "wordpress").new_articles == site.posts
    finally:
        engine.dispose()
