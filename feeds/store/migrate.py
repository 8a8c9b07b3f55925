"""Schema migrations: bring a database to the newest revision, safely on every run.

Alembic is imported inside the functions that use it: the refresh workers and the
dashboard never migrate, and it is the heaviest import of the store.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config(connection: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest). Safe to call every run."""
    from alembic import command

    with engine.begin() as conn:
        if current_revision(conn) == head_revision() and revision == "head":
            return
        command.upgrade(_alembic_config(conn), revision)


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head()
