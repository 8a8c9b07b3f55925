"""Backfill killed with SIGKILL, and run beside a refresh: every article stored once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

from history_site import HistorySite
from sqlalchemy import func, select

from feeds import store
from feeds.config import FeedConfig, FetchLimits, Settings
from feeds.ingest.refresh import run_refresh
from feeds.store import schema


def write_config(tmp_path: Path, site: HistorySite) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(f'[[feeds]]\nname = "Site"\nurl = "{site.base}feed/"\n'
                    'backfill = "wordpress"\n', encoding="utf-8")
    return path


def command(config: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "feeds.cli", "backfill", "--config", str(config), "--db",
            url, "--since", "2026-01-01", "--until", "2026-05-01", "--delay", "0"]


def start_backfill(config: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen(command(config, url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def scalar(url, stmt):
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).scalar()
    except Exception:
        return None  # not migrated yet
    finally:
        engine.dispose()


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def windows_asked(site: HistorySite, since: float = 0.0) -> set[str]:
    return {parse_qs(h.query)["after"][0] for h in site.hits("/wp-json")
            if h.start >= since}


def test_kill_9_then_rerun_refetches_at_most_one_window(tmp_path, db_url):
    with HistorySite(posts=1500, delay=0.03) as site:
        config = write_config(tmp_path, site)
        proc = start_backfill(config, db_url)
        windows = schema.backfill_windows
        wait_for(lambda: (scalar(db_url, select(func.count()).select_from(windows)) or 0) >= 3)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        done_before = scalar(db_url, select(func.count()).select_from(windows))
        assert 3 <= done_before < 18
        asked_before = windows_asked(site)
        rerun_started = time.monotonic()

        rerun = subprocess.run(command(config, db_url), capture_output=True, text=True,
                               timeout=300)
        assert rerun.returncode == 0, rerun.stderr
        asked_again = windows_asked(site, rerun_started) & asked_before
        assert len(asked_again) <= 1  # only the window in flight at the kill
        a = schema.articles
        assert scalar(db_url, select(func.count()).select_from(a)) == 1500
        assert scalar(db_url, select(func.count(a.c.url.distinct()))) == 1500


def test_refresh_beside_a_running_backfill(tmp_path, db_url):
    with HistorySite(posts=600, delay=0.02) as site:
        config = write_config(tmp_path, site)
        proc = start_backfill(config, db_url)
        settings = Settings(db_url=db_url, fetch=FetchLimits(total_timeout=10), workers=1)
        wait_for(lambda: scalar(db_url, select(func.count()).select_from(schema.articles)))
        outcomes = []
        while proc.poll() is None and len(outcomes) < 5:
            summary = run_refresh(settings, [FeedConfig("Site", site.base + "feed/")],
                                  force=True)
            outcomes += [o.status for o in summary.outcomes]
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert outcomes and set(outcomes) <= {"ok", "unchanged"}
        a = schema.articles
        assert scalar(db_url, select(func.count()).select_from(a)) == 600
        assert scalar(db_url, select(func.count(a.c.url.distinct()))) == 600

