"""Storage: the schema, its migrations, the database URLs and engines, and every write.

This package is the contract the dashboard reads: ``feeds.store.schema`` for the tables,
``feeds.store.export`` for the export records, and the names below for reaching a
database. Only the refresh job, ``rescore`` and ``demo`` write. Importing it loads
SQLAlchemy and nothing of the scorer (a test holds it to that).

* ``engine``: URLs, engines, ``utcnow``
* ``locks``: the one-refresh lock and the write turn
* ``migrate``: Alembic, run in code on a connection we hand it
* ``rows``: a score as table rows (the one statement of that rule)
* ``writes``: inserts and updates inside the caller's transaction
"""

from feeds.store import schema
from feeds.store.engine import make_engine, normalise_url, safe_url, sqlite_path, utcnow
from feeds.store.locks import LockBusy, refresh_lock, write_turn
from feeds.store.migrate import current_revision, head_revision, migrate
from feeds.store.rows import ScoreRows, score_rows
from feeds.store.writes import (
    NewArticle,
    bulk_insert,
    carried_by,
    existing_guids,
    existing_urls,
    fingerprint_candidates,
    finish_run,
    insert_articles,
    link_feeds,
    save_scores,
    start_run,
    sync_feeds,
    update_feed,
)

__all__ = [
    "LockBusy",
    "NewArticle",
    "ScoreRows",
    "bulk_insert",
    "carried_by",
    "current_revision",
    "existing_guids",
    "existing_urls",
    "fingerprint_candidates",
    "finish_run",
    "head_revision",
    "insert_articles",
    "link_feeds",
    "make_engine",
    "migrate",
    "normalise_url",
    "refresh_lock",
    "safe_url",
    "save_scores",
    "schema",
    "score_rows",
    "sqlite_path",
    "start_run",
    "sync_feeds",
    "update_feed",
    "utcnow",
    "write_turn",
]
