"""The two locks a run takes: one refresh per database, one writer at a time within it.

A file lock beside a SQLite file, an advisory lock on PostgreSQL; both die with the
process that holds them, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, select, text

from feeds.store.engine import sqlite_path

PG_LOCK_KEY = 0x43414D424F444941 & 0x7FFFFFFFFFFFFFFF  # "CAMBODIA", as a bigint
PG_TURN_KEY = PG_LOCK_KEY - 1  # the write turn's transaction-level lock



class LockBusy(RuntimeError):
    """Another refresh holds this database's lock."""


@contextlib.contextmanager
def refresh_lock(engine: Engine) -> Iterator[None]:
    """Hold the one-writer lock: a file lock beside a SQLite file, an advisory lock on PG.

    Both locks die with the process, so a refresh killed with SIGKILL never leaves a
    stale lock behind.
    """
    path = sqlite_path(str(engine.url))
    if engine.dialect.name == "sqlite":
        if path is None:
            yield
            return
        lock_path = path.with_name(path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LockBusy(
                    f"another refresh is running on {path} (lock file {lock_path})"
                ) from None
            yield
        finally:
            os.close(fd)
        return
    with engine.connect() as conn:
        got = conn.execute(select(text(f"pg_try_advisory_lock({PG_LOCK_KEY})"))).scalar()
        conn.commit()
        if not got:
            raise LockBusy("another refresh is running on this PostgreSQL database")
        try:
            yield
        finally:
            conn.execute(select(text(f"pg_advisory_unlock({PG_LOCK_KEY})")))
            conn.commit()


@contextlib.contextmanager
def write_turn(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write turn from its first statement to its end.

    A run's workers write through this one at a time, so a plan made from what is
    stored stays true until it commits (two feeds carrying one story cannot both decide
    it is new), and SQLite's single writer is handed over at once instead of through its
    busy handler's sleeps. On SQLite the turn is an flock on ``<database>.turn``; on
    PostgreSQL a transaction-level advisory lock. The kernel or the server releases
    either when its holder dies, so a worker killed mid-write leaves no one waiting.
    """
    path = sqlite_path(str(engine.url))
    if engine.dialect.name == "sqlite" and path is not None:
        fd = os.open(path.with_name(path.name + ".turn"), os.O_RDWR | os.O_CREAT, 0o644)
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
        yield conn
