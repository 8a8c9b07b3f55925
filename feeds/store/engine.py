"""Database URLs and engines: the one place that knows how a URL becomes a connection.

Every command, the benchmarks and the tests reach the database through these helpers, so
a ``postgresql://`` URL, a SQLite file's location and a password kept out of messages
are each decided once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from feeds.store import storable

BACKENDS = ("sqlite", "postgresql")
URL_FORMS = "sqlite:///path/to/file.db or postgresql://user@host/database"


class BadDatabaseUrl(ValueError):
    """A database URL this tool cannot use: malformed, another kind of database, or
    a SQLite file that a read-only command will not create. The user's to fix."""


class DatabaseUnavailable(RuntimeError):
    """A well-formed database URL whose database cannot be reached or created (say,
    a SQLite file in a folder that cannot be made)."""


def utcnow() -> datetime:
    """Naive UTC, the form every stored time takes."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def parse_url(url: str) -> URL:
    """``url`` parsed, or :class:`BadDatabaseUrl` saying in one line what is wrong.

    Only SQLite and PostgreSQL are accepted: the schema, the locks and the bulk writes
    are written for those two, and SQLAlchemy would otherwise fail later, deep inside a
    command, with a missing-driver traceback (``mysql://``).
    """
    try:
        parsed = make_url(normalise_url(url))
    except (ArgumentError, ValueError):
        raise BadDatabaseUrl(
            f"{safe_url(url)!r} is not a database URL; use {URL_FORMS}") from None
    if parsed.get_backend_name() not in BACKENDS:
        raise BadDatabaseUrl(
            f"{parsed.get_backend_name()} databases are not supported; use {URL_FORMS}")
    return parsed


def sqlite_path(url: str) -> Path | None:
    """The database file for a SQLite URL, or None for in-memory and other databases."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def make_engine(url: str) -> Engine:
    """An engine with the settings this project relies on.

    SQLite gets WAL (the dashboard reads while a refresh writes), a busy timeout (a
    reader never fails because the writer holds the lock for a moment) and enforced
    foreign keys.
    """
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the folder {path.parent} for the database: "
                f"{exc.strerror or exc}") from None
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
    else:
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except ImportError as exc:  # postgresql+<a driver that is not installed>
            raise BadDatabaseUrl(
                f"the database driver for {safe_url(url)} is not installed ({exc.name}); "
                f"use {URL_FORMS}") from None
    storable.install(engine)  # text the database cannot hold is cleaned on the way in
    return engine


def require_file(url: str, *, unless: Path | None = None) -> None:
    """Refuse a SQLite URL whose file does not exist (``unless`` it is that path).

    For commands that only read (export, the dashboard): there a missing file is a
    mistyped path, and creating an empty database would hide the mistake.
    """
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    if unless is not None and path.resolve() == Path(unless).resolve():
        return
    raise BadDatabaseUrl(
        f"there is no database at {path}; check the path, or create it with "
        "`cambodia-risk refresh` or `cambodia-risk demo`")
