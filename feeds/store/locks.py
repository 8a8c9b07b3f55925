"""The locks a run takes: one refresh (and one backfill) per database, and one writer at
a time across them.

A file lock beside a SQLite file, an advisory lock on PostgreSQL; both die with the
process that holds them, so a killed run never leaves a stale lock.

On PostgreSQL the run lock belongs to a database session, and a session can end under
a live run (an administrator's ``pg_terminate_backend``, a restarted server, a dropped
connection). The server then releases the lock, and a second run may start while the
first still writes. So the lock is held on a connection of its own, outside every pool
(nothing else ever uses it, and the pool's health checks cannot swap it for a fresh
session), and it is watched: a heartbeat thread asks the server every few seconds
whether this session still holds it, and every write turn checks the same thing in its
own transaction before writing. A lost lock sets :attr:`RunLock.lost`; the run then stops
starting work, and a write turn that finds it lost raises :class:`LockLost`, rolling
its transaction back.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from feeds.config import LOCK_HEARTBEAT_SECONDS
from feeds.store.engine import sqlite_path
from feeds.store.faults import DatabaseFault

PG_LOCK_KEY = 0x43414D424F444941 & 0x7FFFFFFFFFFFFFFF  # "CAMBODIA", as a bigint
PG_TURN_KEY = PG_LOCK_KEY - 1  # the write turn's transaction-level lock
PG_BACKFILL_KEY = PG_LOCK_KEY - 2  # one backfill at a time

# Whether the session with backend pid :pid holds the run lock. A bigint advisory key
# shows in pg_locks as its high and low 32 bits, with objsubid 1.
_HELD_BY = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = :pid AND objsubid = 1 AND ((classid::bigint = :h1 AND objid::bigint = :l1)"
    " OR (classid::bigint = :h2 AND objid::bigint = :l2)))"
).bindparams(h1=PG_LOCK_KEY >> 32, l1=PG_LOCK_KEY & 0xFFFFFFFF,
             h2=PG_BACKFILL_KEY >> 32, l2=PG_BACKFILL_KEY & 0xFFFFFFFF)
# The lock's own connection notices a dead peer within about a minute, even mid-query.
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 20, "keepalives_interval": 5,
               "keepalives_count": 4}


class LockBusy(RuntimeError):
    """Another run of the same kind (refresh, or backfill) holds this database's lock."""


class LockLost(RuntimeError):
    """The run no longer holds its lock, so it must not write."""


class RunLock:
    """A held run lock. ``holder`` identifies it to write turns in other processes
    (the PostgreSQL backend pid of its session; None where it cannot be lost)."""

    def __init__(self, holder: int | None = None) -> None:
        self.holder = holder
        self.lost = threading.Event()

    def check(self) -> None:
        """Raise LockLost once the lock is known to be lost."""
        if self.lost.is_set():
            raise LockLost(lost_message())


def lost_message() -> str:
    return ("the run lost its database lock (its session ended), so it stopped; "
            "another run may now hold it")


@contextlib.contextmanager
def refresh_lock(engine: Engine, kind: str = "refresh",
                 heartbeat: float = LOCK_HEARTBEAT_SECONDS) -> Iterator[RunLock]:
    """Hold the one-run lock: a file lock beside a SQLite file, an advisory lock on PG.

    ``kind`` "backfill" takes a lock of its own (``<database>.backfill.lock``): a
    backfill runs for hours, so it must not keep refreshes out; the two share the
    database through the write turn instead, and only a second backfill is refused.
    Both locks die with the process, so a run killed with SIGKILL never leaves a stale
    lock behind.
    """
    path = sqlite_path(str(engine.url))
    if engine.dialect.name == "sqlite":
        if path is None:
            yield RunLock()
            return
        suffix = ".lock" if kind == "refresh" else f".{kind}.lock"
        lock_path = path.with_name(path.name + suffix)
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseFault(f"cannot open the lock file {lock_path}: "
                                f"{exc.strerror or exc}") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LockBusy(
                    f"another {kind} is running on {path} (lock file {lock_path})"
                ) from None
            yield RunLock()  # an flock lasts as long as this process
        finally:
            os.close(fd)
        return
    yield from _pg_lock(engine, kind, heartbeat)


def _pg_lock(engine: Engine, kind: str, heartbeat: float) -> Iterator[RunLock]:
    key = PG_LOCK_KEY if kind == "refresh" else PG_BACKFILL_KEY
    own = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                        connect_args=_KEEPALIVES)
    conn = own.connect()
    stop = threading.Event()
    beat: threading.Thread | None = None
    try:
        got = conn.execute(select(text(f"pg_try_advisory_lock({key})"))).scalar()
        if not got:
            raise LockBusy(f"another {kind} is running on this PostgreSQL database")
        lock = RunLock(conn.execute(select(text("pg_backend_pid()"))).scalar())
        beat = threading.Thread(target=_heartbeat, args=(conn, lock, heartbeat, stop),
                                name="run-lock-heartbeat", daemon=True)
        beat.start()
        yield lock
    finally:
        stop.set()
        if beat is not None:
            beat.join()
        # On a dead session this fails, which is fine: the server released the lock
        # when the session ended.
        with contextlib.suppress(SQLAlchemyError):
            conn.execute(select(text(f"pg_advisory_unlock({key})")))
        with contextlib.suppress(SQLAlchemyError):
            conn.close()
        own.dispose()


def _heartbeat(conn: Connection, lock: RunLock, interval: float,
               stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            held = conn.execute(_HELD_BY, {"pid": lock.holder}).scalar()
        except SQLAlchemyError:
            held = False
        if not held:
            lock.lost.set()
            return


def still_holds(conn: Connection, holder: int | None) -> bool:
    """Whether the run lock's session ``holder`` still holds it (PostgreSQL)."""
    return holder is None or bool(conn.execute(_HELD_BY, {"pid": holder}).scalar())


@contextlib.contextmanager
def write_turn(engine: Engine, holder: int | None = None) -> Iterator[Connection]:
    """A transaction that holds the write turn from its first statement to its end.

    A run's workers write through this one at a time, so a plan made from what is
    stored stays true until it commits (two feeds carrying one story cannot both decide
    it is new), and SQLite's single writer is handed over at once instead of through its
    busy handler's sleeps. On SQLite the turn is an flock on ``<database>.turn``; on
    PostgreSQL a transaction-level advisory lock. The kernel or the server releases
    either when its holder dies, so a worker killed mid-write leaves no one waiting.

    ``holder`` is the run lock's :attr:`RunLock.holder`: on PostgreSQL the turn first
    checks, inside its transaction, that the run still holds its lock, and raises
    LockLost (writing nothing) when it does not.
    """
    path = sqlite_path(str(engine.url))
    if engine.dialect.name == "sqlite" and path is not None:
        turn_path = path.with_name(path.name + ".turn")
        try:
            fd = os.open(turn_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseFault(f"cannot open the write-turn file {turn_path}: "
                                f"{exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with engine.begin() as conn:
                yield conn
        finally:
            os.close(fd)  # which releases the flock
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(select(text(f"pg_advisory_xact_lock({PG_TURN_KEY})")))
            if not still_holds(conn, holder):
                raise LockLost(lost_message())
        yield conn
