"""A refresh killed with SIGKILL, and two refreshes at once, on SQLite and PostgreSQL."""

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from rss_support import rss, story
from sqlalchemy import func, select

from feeds import store
from feeds.store import schema

FEEDS, ITEMS = 30, 20


def start_refresh(config, url, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "feeds.cli", "refresh", "--config", str(config), "--db", url,
         "--force", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def serve_feeds(server, tmp_path, delay):
    lines = []
    for f in range(FEEDS):
        stories = [story(f * 100 + i, host=f"https://outlet{f}.example.org") for i in range(ITEMS)]
        server.add(f"/f{f}.xml", rss(stories), delay=delay * (1 + f % 5))
        lines += ["[[feeds]]", f'name = "Feed {f}"', f'url = "{server.url(f"/f{f}.xml")}"', ""]
    config = tmp_path / "feeds.toml"
    config.write_text("\n".join(lines))
    return config


def descendants(pid):
    """The processes started by ``pid``, and theirs (the refresh's fork server and workers)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                stack += children
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def running(pid):
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def kill_run(proc):
    """SIGKILL a refresh and wait until its workers, which die with it, are gone too."""
    helpers = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in helpers):
        assert time.monotonic() < deadline, "a worker outlived its killed refresh"
        time.sleep(0.01)


def check_consistent(url):
    """Whatever was committed is whole: every article carried, scored, and its feed's
    whole batch present."""
    engine = store.make_engine(url)
    try:
        options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name != "sqlite" \
            else {}  # one snapshot for every query below
        with engine.connect().execution_options(**options) as conn:
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            a, af = schema.articles, schema.article_feeds
            orphans = conn.execute(select(func.count()).select_from(a).where(
                ~a.c.id.in_(select(af.c.article_id)))).scalar()
            assert orphans == 0
            unscored = conn.execute(select(func.count()).select_from(a)
                                    .where(a.c.scored_at.is_(None))).scalar()
            assert unscored == 0
            per_feed = conn.execute(select(a.c.source, func.count()).group_by(a.c.source)).all()
            assert all(n == ITEMS for _, n in per_feed), per_feed  # a feed commits whole
            ok_feeds = conn.execute(select(schema.feeds.c.name).where(
                schema.feeds.c.status == "ok")).scalars().all()
            assert set(ok_feeds) <= {s for s, _ in per_feed}
            return sum(n for _, n in per_feed)
    finally:
        engine.dispose()


def test_sigkill_at_any_moment_leaves_a_consistent_database(feed_server, tmp_path,
                                                             db_url):
    config = serve_feeds(feed_server, tmp_path, delay=0.05)
    engine = store.make_engine(db_url)
    store.migrate(engine)  # so an early kill still leaves tables to check
    engine.dispose()
    rng = random.Random(7)
    for _ in range(4):
        proc = start_refresh(config, db_url)
        time.sleep(rng.uniform(0.3, 2.0))
        kill_run(proc)
        check_consistent(db_url)
    final = start_refresh(config, db_url)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert check_consistent(db_url) == FEEDS * ITEMS
    engine = store.make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.article_feeds)
                            ).scalar() == FEEDS * ITEMS
        runs = conn.execute(select(schema.refresh_runs.c.finished_at)
                            .order_by(schema.refresh_runs.c.id)).scalars().all()
    engine.dispose()
    assert runs[-1] is not None  # killed runs stay open; the last one closed


def test_second_refresh_exits_3_promptly(feed_server, tmp_path, db_url):
    config = serve_feeds(feed_server, tmp_path, delay=2.0)
    first = start_refresh(config, db_url)
    try:
        deadline = time.monotonic() + 30
        while feed_server.hits("/f0.xml") == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert feed_server.hits("/f0.xml") == 1, "first refresh never started fetching"
        started = time.monotonic()
        second = start_refresh(config, db_url)
        out, err = second.communicate(timeout=30)
        assert second.returncode == 3, (out, err)
        assert time.monotonic() - started < 10
        assert "another refresh is running" in err
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(30)
