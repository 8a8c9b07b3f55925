"""`cambodia-risk feeds check` against loopback sites."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from history_site import HistorySite

from feeds import store
from feeds.cli import cli
from feeds.config import BackfillPolicy, FeedConfig, Settings
from feeds.ingest.backfill.check import check_feeds, table


def recent_site(**kw) -> HistorySite:
    now = store.utcnow()
    return HistorySite(posts=30, first=now - timedelta(days=30), last=now - timedelta(hours=3),
                       **kw)


def test_feeds_check_reports_status_items_age_and_methods(feed_server):
    feed_server.add_behaviour("/gone.xml", "status", code=404)
    with recent_site() as open_site, recent_site(rest="forbidden") as closed:
        feeds = [FeedConfig("Open", open_site.base + "feed/"),
                 FeedConfig("Closed", closed.base + "feed/", backfill="sitemap"),
                 FeedConfig("Gone", feed_server.url("/gone.xml"), enabled=False)]
        settings = Settings(backfill=BackfillPolicy(
            gdelt_api=open_site.base + "api/v2/doc/doc", gdelt_interval=0))
        checks = {c.name: c for c in check_feeds(settings, feeds, delay=0)}
        text = table(list(checks.values()))

    assert (checks["Open"].status, checks["Open"].items) == ("200", 10)
    assert 26 < checks["Open"].newest_age_hours < 28  # the newest post: 1 day + 3 h
    assert checks["Open"].methods == ["wordpress", "feed-pages", "sitemap", "gdelt"]
    assert checks["Closed"].refused == ["wordpress"]
    assert checks["Closed"].methods == ["feed-pages", "sitemap", "gdelt"]
    assert (checks["Gone"].status, checks["Gone"].items) == ("404", None)
    assert checks["Gone"].error == "HTTP 404 Not Found"
    # (every loopback site is domain:127.0.0.1 to the GDELT-like API, so it answers)
    assert checks["Gone"].methods == ["gdelt"]

    lines = text.splitlines()
    assert lines[0].split()[:5] == ["feed", "on", "status", "items", "newest"]
    assert lines[1].split()[:6] == ["Open", "yes", "200", "10", "27h", "auto"]
    assert lines[3].split()[:4] == ["Gone", "no", "404", "-"]


def test_feeds_check_command(tmp_path, feed_server):
    feed_server.add_behaviour("/gone.xml", "status", code=404)
    with recent_site() as gdelt:
        config = tmp_path / "feeds.toml"
        config.write_text(f'[[feeds]]\nname = "Gone"\nurl = "{feed_server.url("/gone.xml")}"\n',
                          encoding="utf-8")
        env = {"CAMBODIA_RISK_GDELT_API": gdelt.base + "api/v2/doc/doc"}
        runner = CliRunner()
        result = runner.invoke(cli, ["feeds", "check", "--config", str(config), "--delay", "0"],
                               env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[1].split()[:3] == ["Gone", "yes", "404"]
        result = runner.invoke(cli, ["feeds", "check", "--config", str(config), "--delay", "0",
                                     "--json"], env=env, catch_exceptions=False)
        assert json.loads(result.output)[0]["status"] == "404"


def test_feeds_check_bad_config_exits_2(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nname = "A"\nurl = "https://a.org/"\nbackfill = "x"\n')
    result = CliRunner().invoke(cli, ["feeds", "check", "--config", str(config)])
    assert result.exit_code == 2
    assert "feed #1 ('A'): field 'backfill' must be one of" in result.output
