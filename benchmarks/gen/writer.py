"""Bulk writes for the generator, straight through the DB-API driver.

``executemany`` on SQLite and ``COPY`` on PostgreSQL, with the secondary indexes dropped
during the load and rebuilt afterwards: that is what makes a million articles take
minutes rather than hours.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from feeds import store
from feeds.store import schema


def ts(d: datetime) -> str:
    """The text SQLAlchemy's SQLite dialect stores for a DateTime."""
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")


class Writer:
    """Bulk writes through the DB-API connection of one backend."""

    def __init__(self, engine):
        self.engine = engine
        self.backend = engine.dialect.name
        self.raw = engine.raw_connection()
        self.dbapi = self.raw.driver_connection
        self.dropped: list[str] = []

    def prepare(self) -> None:
        cur = self.dbapi.cursor()
        if self.backend == "sqlite":
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-262144")  # 256 MB page cache during the load
            cur.execute("PRAGMA temp_store=MEMORY")
            rows = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
            ).fetchall()
            for name, sql in rows:
                cur.execute(f'DROP INDEX "{name}"')
                self.dropped.append(sql)
        else:
            cur.execute("""
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = current_schema() AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """)
            for name, sql in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                self.dropped.append(sql)
            try:  # skip per-row foreign-key triggers during COPY (superuser only)
                cur.execute("SET session_replication_role = replica")
            except Exception:
                self.dbapi.rollback()
            self.dbapi.commit()
        cur.close()

    def insert(self, table, rows: list[tuple] | list[dict]) -> None:
        """Rows as tuples in the table's column order, or as dicts of one shape."""
        if not rows:
            return
        if isinstance(rows[0], dict):
            cols = list(rows[0])
            rows = [tuple(row.values()) for row in rows]
        else:
            cols = [c.name for c in table.columns][: len(rows[0])]
        quoted = ", ".join(f'"{c}"' for c in cols)
        if self.backend == "sqlite":
            marks = ", ".join("?" * len(cols))
            self.dbapi.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', rows)
        else:
            with self.dbapi.cursor() as cur:
                with cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)

    def commit(self) -> None:
        self.dbapi.commit()

    def finish(self, analyze: bool) -> None:
        cur = self.dbapi.cursor()
        for sql in self.dropped:
            cur.execute(sql)
        if self.backend == "sqlite":
            self.dbapi.commit()
            if analyze:
                cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table in schema.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 1))'
                    )
            cur.execute("SET session_replication_role = DEFAULT")
            self.dbapi.commit()
            if analyze:
                self.dbapi.autocommit = True
                cur.execute("VACUUM ANALYZE")
                self.dbapi.autocommit = False
        self.dbapi.commit()
        cur.close()
        self.raw.close()


def assert_empty(engine) -> None:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
        f = conn.execute(select(func.count()).select_from(schema.feeds)).scalar()
    if n or f:
        raise SystemExit(
            f"the database already holds {n} articles and {f} feeds; pass --replace to start "
            "from an empty database"
        )


def reset_database(url: str) -> None:
    """Delete a SQLite file, or empty a PostgreSQL database's schema."""
    path = store.sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.unlink()
        return
    engine = store.make_engine(url)
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
