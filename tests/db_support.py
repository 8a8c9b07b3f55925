"""Database fixtures: a temporary SQLite file, and a PostgreSQL database of our own.

PostgreSQL tests use the server at CAMBODIA_RISK_TEST_PG (default: the local server, user
postgres, trust auth). Each test module area gets its own database so parallel helpers
and suites never share tables. Where the server is unreachable the tests skip, except
under CI, where they fail: CI starts the server and must run them.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

PG_BASE = os.environ.get(
    "CAMBODIA_RISK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pg_url(database: str) -> str:
    """A clean PostgreSQL database named ``database`` (created if needed, emptied).

    CAMBODIA_RISK_TEST_DB_SUFFIX, when set, is appended to the name, so two test runs
    on one server (a developer's and a CI rehearsal) do not empty each other's tables.
    """
    database += os.environ.get("CAMBODIA_RISK_TEST_DB_SUFFIX", "")
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE}: {exc}")
    finally:
        admin.dispose()
    url = PG_BASE.rsplit("/", 1)[0] + "/" + database
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """Each test using this runs twice: on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return pg_url("cr_test_ingest")


@pytest.fixture
def sqlite_db(tmp_path):
    return sqlite_url(tmp_path)
