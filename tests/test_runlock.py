"""The PostgreSQL run lock is held, or known lost: tested by killing its session.

The lock lives on a session of its own; ``pg_terminate_backend`` on that session (as an
administrator or a server restart would) releases it. The run must notice, stop
starting work, write nothing more, close its run row as ``lost-lock`` and exit 4, while
a second run may take the lock.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from db_support import pg_url
from rss_support import rss, story
from sqlalchemy import create_engine, func, select, text

from feeds import store
from feeds.store import schema
from feeds.store.locks import PG_LOCK_KEY

pytestmark = pytest.mark.postgres

HOLDER_SQL = text(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1"
).bindparams(high=PG_LOCK_KEY >> 32, low=PG_LOCK_KEY & 0xFFFFFFFF)


@pytest.fixture
def pg():
    url = pg_url("cr_test_runlock")
    engine = store.make_engine(url)
    store.migrate(engine)
    engine.dispose()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    yield url, admin
    admin.dispose()


def lock_holder(admin, wait: float = 30.0) -> int:
    """The backend pid holding the run lock, once someone holds it."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with admin.connect() as conn:
            pid = conn.execute(HOLDER_SQL).scalar()
        if pid:
            return pid
        time.sleep(0.05)
    raise AssertionError("nobody took the run lock")


def terminate(admin, pid: int) -> None:
    """End a session as an administrator would, and wait until it is gone."""
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        gone = text("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = :p)")
        deadline = time.monotonic() + 10
        while not conn.execute(gone, {"p": pid}).scalar():
            assert time.monotonic() < deadline, "the session outlived pg_terminate_backend"
            time.sleep(0.02)


def test_the_heartbeat_notices_a_terminated_session_and_release_is_quiet(pg):
    url, admin = pg
    engine = store.make_engine(url)
    with store.refresh_lock(engine, heartbeat=0.1) as lock:
        assert lock.holder == lock_holder(admin)
        assert not lock.lost.wait(0.3)  # held: the heartbeat stays quiet
        terminate(admin, lock.holder)
        assert lock.lost.wait(5)
        with pytest.raises(store.LockLost):
            lock.check()
    # Leaving the block unlocked a dead session without raising, and the lock is free.
    with store.refresh_lock(engine) as again:
        assert again.holder != lock.holder
    engine.dispose()


def test_a_write_turn_refuses_to_write_once_the_lock_is_gone(pg):
    url, admin = pg
    engine = store.make_engine(url)
    with store.refresh_lock(engine, heartbeat=3600) as lock:
        with store.write_turn(engine, lock.holder) as conn:  # held: writes go through
            store.start_run(engine)
            conn.execute(text("SELECT 1"))
        terminate(admin, lock.holder)
        with pytest.raises(store.LockLost), store.write_turn(engine, lock.holder) as conn:
            conn.execute(schema.refresh_runs.insert().values(started_at=store.utcnow()))
    with engine.connect() as conn:  # the insert after the loss was never written
        assert conn.execute(select(func.count()).select_from(schema.refresh_runs)).scalar() == 1
    engine.dispose()


def cli(config, url, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "feeds.cli", "refresh", "--config", str(config), "--db", url,
         "--json", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_that_loses_its_lock_stops_writing_and_exits_4(pg, tmp_path, feed_server):
    url, admin = pg
    slow = [f"/slow{n}.xml" for n in range(6)]
    for n, path in enumerate(slow):  # answers come after the lock is taken away
        feed_server.add(path, rss([story(10 * n + 1), story(10 * n + 2)]), delay=2.0)
    config = tmp_path / "feeds.toml"
    config.write_text("".join(f'[[feeds]]\nname = "Slow {n}"\nurl = "{feed_server.url(p)}"\n'
                              for n, p in enumerate(slow)))
    first = cli(config, url)
    try:
        holder = lock_holder(admin)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until its feeds are known and being fetched
            with admin.connect() as conn:
                if conn.execute(select(func.count()).select_from(schema.feeds)).scalar() == 6:
                    break
            time.sleep(0.05)
        terminate(admin, holder)
        second = cli(config, url)  # the lock is free: a second run may start at once
        out2, err2 = second.communicate(timeout=120)
        out1, err1 = first.communicate(timeout=120)
    finally:
        first.kill()
    assert second.returncode == 0, err2
    assert first.returncode == 4, err1
    lost = json.loads(out1)
    assert lost["outcome"] == "lost-lock"
    assert {o["status"] for o in lost["feeds"]} == {"skipped"}
    assert {o["error"] for o in lost["feeds"]} == {"not stored: the run lost its lock"}
    done = json.loads(out2)
    assert done["outcome"] == "completed" and done["new_articles"] == 12

    with admin.connect() as conn:
        runs = conn.execute(select(schema.refresh_runs.c.id, schema.refresh_runs.c.outcome,
                                   schema.refresh_runs.c.finished_at)
                            .order_by(schema.refresh_runs.c.id)).all()
        articles = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
        failed = conn.execute(select(func.count()).select_from(schema.feeds)
                              .where(schema.feeds.c.status == "failed")).scalar()
    assert [(r.outcome, r.finished_at is not None) for r in runs] == [
        ("lost-lock", True), ("completed", True)]
    assert articles == 12 and failed == 0  # each story once, by the run holding the lock
    # The Sources page says the first run stopped, and why, rather than "finished".
    from dashboard.queries import refresh_runs

    with admin.connect() as conn:
        states = list(refresh_runs(conn)["state"])
    assert states == ["finished", "stopped: lost the refresh lock"]
