"""Storage: the schema, its migrations, the database URLs and engines, and every write.

This package is the contract the dashboard reads: ``feeds.store.schema`` for the tables,
``feeds.store.export`` for the export records, and the names below for reaching a
database. Only the refresh job, ``backfill``, ``rescore`` and ``demo`` write. Importing
it loads SQLAlchemy and nothing of the scorer (a test holds it to that).

* ``engine``: URLs (checked), engines, ``utcnow``, and the two URL errors
* ``locks``: the one-refresh (and one-backfill) lock, watched on PostgreSQL, and the
  write turn
* ``faults``: whose fault a database error is (an entry's data, or the database's)
* ``storable``: the text rule at the store boundary, and the size limits
* ``backfill``: a backfill's progress (finished windows, state per feed and method)
* ``migrate``: Alembic, run in code on a connection we hand it
* ``rows``: a score as table rows, and an article's search text (one statement each)
* ``writes``: inserts and updates inside the caller's transaction
"""

from feeds.store import schema
from feeds.store.engine import (
    BadDatabaseUrl,
    DatabaseUnavailable,
    make_engine,
    normalise_url,
    parse_url,
    require_file,
    safe_url,
    sqlite_path,
    utcnow,
)
from feeds.store.faults import DatabaseFault, database_fault, is_entry_fault
from feeds.store.locks import LockBusy, LockLost, RunLock, refresh_lock, write_turn
from feeds.store.migrate import current_revision, head_revision, migrate
from feeds.store.rows import ScoreRows, score_rows, search_text
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
    "BadDatabaseUrl",
    "DatabaseFault",
    "DatabaseUnavailable",
    "LockBusy",
    "LockLost",
    "NewArticle",
    "RunLock",
    "ScoreRows",
    "bulk_insert",
    "carried_by",
    "current_revision",
    "database_fault",
    "existing_guids",
    "existing_urls",
    "fingerprint_candidates",
    "finish_run",
    "head_revision",
    "insert_articles",
    "is_entry_fault",
    "link_feeds",
    "make_engine",
    "migrate",
    "normalise_url",
    "parse_url",
    "refresh_lock",
    "require_file",
    "safe_url",
    "save_scores",
    "schema",
    "score_rows",
    "search_text",
    "sqlite_path",
    "start_run",
    "sync_feeds",
    "update_feed",
    "utcnow",
    "write_turn",
]
