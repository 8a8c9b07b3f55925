"""`cambodia-risk backfill` through click: options, output, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from history_site import HistorySite

from feeds import store
from feeds.cli import cli


@pytest.fixture
def site():
    with HistorySite(posts=30) as running:
        yield running


@pytest.fixture
def config(tmp_path, site):
    path = tmp_path / "feeds.toml"
    path.write_text(f'[[feeds]]\nname = "Site"\nurl = "{site.base}feed/"\n'
                    'backfill = "wordpress"\n'
                    f'[[feeds]]\nname = "Off"\nurl = "{site.base}feed/"\nenabled = false\n'
                    'backfill = "feed-pages"\n', encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(cli, ["backfill", *args], catch_exceptions=False)


def base(config, db):
    return ["--config", str(config), "--db", db, "--since", "2026-01-01", "--until",
            "2026-05-01", "--delay", "0"]


def test_lines_per_window_then_summary(config, sqlite_db):
    result = run(*base(config, sqlite_db))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    window_lines = [line for line in lines if line.startswith("Site: wordpress 20")]
    assert len(window_lines) == 18  # one per weekly window, on stderr (mixed here)
    assert "(1/18 windows," in window_lines[0]
    assert lines[-2].startswith("Site: wordpress done, 30 new")
    assert lines[-1].startswith("backfill 2026-01-01..2026-05-01: 30 new articles")


def test_json_dry_run_and_named_disabled_feed(config, sqlite_db, site):
    plan = json.loads(run(*base(config, sqlite_db), "--dry-run", "--json").output)
    assert [p["feed"] for p in plan] == ["Site"]  # disabled feeds only when named
    assert plan[0]["to_fetch"] == 18 and not site.log
    result = run(*base(config, sqlite_db), "--feed", "Off", "--json")
    summary = json.loads(result.output.splitlines()[-1])
    assert summary["new_articles"] == 30
    assert summary["feeds"][0]["method"] == "feed-pages"


@pytest.mark.parametrize(("extra", "message"), [
    (["--feed", "Nope"], "no feed named 'Nope'"),
    (["--since", "2026-06-01"], "--since is not before --until"),
])
def test_bad_usage_exits_2(config, sqlite_db, extra, message):
    result = CliRunner().invoke(cli, ["backfill", *base(config, sqlite_db), *extra])
    assert result.exit_code == 2 and message in result.output


def test_second_backfill_exits_3(config, sqlite_db):
    engine = store.make_engine(sqlite_db)
    try:
        store.migrate(engine)
        with store.refresh_lock(engine, "backfill"):
            result = CliRunner().invoke(cli, ["backfill", *base(config, sqlite_db)])
    finally:
        engine.dispose()
    assert result.exit_code == 3
    assert "another backfill is running" in result.output
