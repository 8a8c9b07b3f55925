"""Alerts through the command line: after a refresh, `alerts run`, `alerts test`.

A loopback feed server supplies the news and a loopback webhook receives the alerts;
the destination's URL and secret must never appear in anything the command prints.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alert_support import Webhook
from click.testing import CliRunner
from db_support import sqlite_db  # noqa: F401  (fixture)
from rss_support import item, rss, story

from feeds.cli import cli

SECRET = "cli-secret-9876543210"


def write_files(tmp_path, server, rules: str):
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feeds]]\nname = "A"\nurl = "{server.url("/a.xml")}"\n',
                     encoding="utf-8")
    alerts = tmp_path / "alerts.toml"
    alerts.write_text(rules, encoding="utf-8")
    return str(feeds), str(alerts)


WATCH = """
[settings]
retry_first = "1s"

[[rules]]
name = "poipet"
kind = "watch"
terms = ["Poipet"]
window = "2d"
destinations = ["hook"]
"""


def fresh_story(n: int) -> dict:
    now = datetime.now(UTC).replace(tzinfo=None)
    return item(f"Story {n}: troops deployed near Poipet as talks stall",
                f"https://news.example.org/now/story-{n}", guid=f"now-{n}",
                published=now - timedelta(hours=n),
                description=f"Report {n}. Cambodian troops were deployed near Poipet, "
                            "officials in Phnom Penh said.")


def invoke(args, env):
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_refresh_fires_alert_keeps_exit_code_and_never_prints_secrets(
        tmp_path, feed_server, sqlite_db):  # noqa: F811
    feed_server.add("/a.xml", rss([fresh_story(1), fresh_story(2)]))
    feeds, alerts = write_files(tmp_path, feed_server, WATCH)
    with Webhook(SECRET) as hook:
        env = {"CAMBODIA_RISK_DEST_HOOK": "webhook+" + hook.url,
               "CAMBODIA_RISK_DEST_HOOK_SECRET": SECRET,
               "CAMBODIA_RISK_DESTINATIONS": str(tmp_path / "none.toml"),
               "CAMBODIA_RISK_PUBLIC_URL": "https://risk.example.org"}
        hook.fail_next = 1
        result = invoke(["refresh", "--config", feeds, "--db", sqlite_db, "--alerts", alerts],
                        env)
        assert result.exit_code == 0, result.output
        assert "alerts: fired 1, sent 0, failed 1 (will retry)" in result.stderr
        assert "HTTP 503" in result.stderr
        assert hook.received == []
        # The next run, past the first backoff (a second), delivers it, once.
        time.sleep(1.1)
        later = invoke(["alerts", "run", "--db", sqlite_db, "--alerts", alerts], env)
        assert later.exit_code == 0
        assert "fired 0, sent 1" in later.output
        assert len(hook.received) == 1
        assert {a["title"] for a in hook.received[0]["articles"]} == {
            "Story 1: troops deployed near Poipet as talks stall",
            "Story 2: troops deployed near Poipet as talks stall"}
        again = invoke(["refresh", "--config", feeds, "--db", sqlite_db, "--alerts", alerts],
                       env)
        assert again.exit_code == 0 and "alerts:" not in again.stderr
        assert len(hook.received) == 1
        sample = invoke(["alerts", "test", "--rule", "poipet", "--alerts", alerts], env)
        assert sample.exit_code == 0 and "sent a test message to 'hook'" in sample.output
        assert hook.received[-1]["title"] == "Test message for rule poipet"
        for text in (result.output, result.stderr, later.output, again.stderr,
                     sample.output):
            assert SECRET not in text and "tokenpath" not in text
            assert str(hook.server.server_port) not in text


def test_refresh_of_old_news_fires_nothing(tmp_path, feed_server, sqlite_db):  # noqa: F811
    feed_server.add("/a.xml", rss([story(1), story(2), story(3)]))  # published in 2024
    feeds, alerts = write_files(tmp_path, feed_server, WATCH)
    result = invoke(["refresh", "--config", feeds, "--db", sqlite_db, "--alerts", alerts], {})
    assert result.exit_code == 0
    assert "3 new articles" in result.output
    assert "alerts:" not in result.stderr


def test_alert_rule_mistakes_are_one_line_errors(tmp_path, feed_server, sqlite_db):  # noqa: F811
    feeds, alerts = write_files(tmp_path, feed_server, WATCH.replace('"2d"', '"two days"'))
    result = invoke(["refresh", "--config", feeds, "--db", sqlite_db, "--alerts", alerts], {})
    assert result.exit_code == 2
    assert "rule #1 ('poipet'): field 'window': 'two days' is not a duration" in result.stderr
    assert feed_server.hits("/a.xml") == 0  # stopped before any work
    _, good = write_files(tmp_path, feed_server, WATCH)
    unknown = invoke(["alerts", "test", "--rule", "nope", "--alerts", good], {})
    assert unknown.exit_code == 2 and "no rule named 'nope'" in unknown.stderr
    unset = invoke(["alerts", "test", "--rule", "poipet", "--alerts", good],
                   {"CAMBODIA_RISK_DESTINATIONS": str(tmp_path / "none.toml")})
    assert unset.exit_code == 1
    assert "set CAMBODIA_RISK_DEST_HOOK" in unset.stderr


def test_alerts_test_on_a_brief_rule_sends_last_weeks_brief(tmp_path, sqlite_db):  # noqa: F811
    from alert_support import add_article, migrated

    from feeds.brief import last_full_week

    start, _ = last_full_week(datetime.now(UTC).date())
    engine = migrated(sqlite_db)
    with engine.begin() as conn:
        for i in range(3):
            add_article(conn, title=f"Border talks {i}", categories=["security_military"],
                        published=datetime.combine(start, datetime.min.time())
                        + timedelta(days=i, hours=9), risk=70)
    engine.dispose()
    alerts = tmp_path / "alerts.toml"
    alerts.write_text('[[rules]]\nname = "monday"\nkind = "brief"\n'
                      'schedule = "every Monday 07:00 Asia/Phnom_Penh"\n'
                      'destinations = ["hook"]\n', encoding="utf-8")
    with Webhook(SECRET) as hook:
        env = {"CAMBODIA_RISK_DEST_HOOK": "webhook+" + hook.url,
               "CAMBODIA_RISK_DEST_HOOK_SECRET": SECRET}
        result = invoke(["alerts", "test", "--rule", "monday", "--db", sqlite_db,
                         "--alerts", str(alerts)], env)
        assert result.exit_code == 0, result.output
        [payload] = hook.received
    assert payload["summary"].startswith(f"From {start:%d %b}")
    assert "stored 3 relevant articles" in payload["summary"]
    assert payload["headline"]["now"]["articles"] == 3


def _wait_for(condition, what: str, proc, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the refresh loop ended while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_refresh_every_reads_edited_rules_and_survives_a_broken_file(
        tmp_path, feed_server, sqlite_db):  # noqa: F811
    """An analyst edits the rules while `refresh --every` runs: the next cycle uses them.
    A file that becomes invalid is reported, the last good rules stay in use, and the
    loop goes on."""
    import os
    import subprocess
    import sys

    feed_server.add("/a.xml", rss([fresh_story(1)]))
    feeds, alerts = write_files(tmp_path, feed_server, WATCH.replace("Poipet", "Kampot"))
    env = {**os.environ, "CAMBODIA_RISK_DEST_HOOK_SECRET": SECRET,
           "CAMBODIA_RISK_DESTINATIONS": str(tmp_path / "none.toml")}
    with Webhook(SECRET) as hook:
        env["CAMBODIA_RISK_DEST_HOOK"] = "webhook+" + hook.url
        proc = subprocess.Popen(
            [sys.executable, "-m", "feeds.cli", "refresh", "--config", feeds, "--db",
             sqlite_db, "--alerts", alerts, "--every", "1s"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            # The first cycle's rules watch another place: the story fires nothing.
            _wait_for(lambda: feed_server.hits("/a.xml") >= 2, "a second cycle", proc)
            assert hook.received == []
            # The analyst now watches Poipet: a later cycle fires for the stored story.
            Path(alerts).write_text(WATCH, encoding="utf-8")
            _wait_for(lambda: len(hook.received) == 1, "the edited rule to fire", proc)
            # A typo: the loop goes on with the Poipet rule, which fires for a new story.
            Path(alerts).write_text(WATCH.replace('"2d"', '"two days"'), encoding="utf-8")
            feed_server.add("/a.xml", rss([fresh_story(1), fresh_story(2)]))
            _wait_for(lambda: len(hook.received) == 2, "the kept rule to fire", proc)
            seen = feed_server.hits("/a.xml")
            _wait_for(lambda: feed_server.hits("/a.xml") >= seen + 2, "more cycles", proc)
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=20)
    assert [[a["title"] for a in message["articles"]] for message in hook.received] == [
        ["Story 1: troops deployed near Poipet as talks stall"],
        ["Story 2: troops deployed near Poipet as talks stall"]]
    broken = [line for line in err.splitlines() if "alerts not reloaded" in line]
    assert broken and broken[0] == (
        f"cambodia-risk: alerts not reloaded: {alerts}: rule #1 ('poipet'): field 'window': "
        "'two days' is not a duration like 30m, 24h, 7d or 2w; this run used the 1 rule(s) "
        "last read without error")
    assert "Traceback" not in err and SECRET not in err
