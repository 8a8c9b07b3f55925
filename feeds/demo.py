"""The demo corpus: feed files in data/demo, loaded through the real pipeline.

The same parse, dedup and scoring as live feeds run on the files, so the demo shows
exactly what the tool does, offline. Loading twice adds nothing the second time.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select

from feeds import store
from feeds.config import DEMO_DIR, Settings, load_feeds
from feeds.ingest.dedup import store_entries
from feeds.ingest.parse import parse_feed
from feeds.ingest.refresh import FeedOutcome, RunSummary
from feeds.ingest.workers import articles_from
from feeds.lexicon import load_lexicons
from feeds.store import schema

DEMO_CONFIG = "demo.toml"


def demo_file(url: str, directory: Path = DEMO_DIR) -> Path:
    """The file a demo feed's URL stands for: its last path segment, in data/demo."""
    return directory / url.rstrip("/").rsplit("/", 1)[-1]


def load_demo(settings: Settings, directory: Path = DEMO_DIR) -> RunSummary:
    feeds = load_feeds(directory / DEMO_CONFIG)
    engine = store.make_engine(settings.db_url)
    try:
        store.migrate(engine)
        with store.refresh_lock(engine):
            lexicons = load_lexicons(settings.lexicon_dir)
            summary = RunSummary(store.start_run(engine, kind="demo"), "demo", store.utcnow())
            with engine.begin() as conn:
                rows = store.sync_feeds(conn, feeds)
            for cfg in feeds:
                now = store.utcnow()
                body = demo_file(cfg.url, directory).read_bytes()
                parsed = parse_feed(body, {"content-type": "application/rss+xml"}, now)
                row = rows[cfg.name]
                articles = articles_from(parsed, row["id"], cfg.language)
                with engine.begin() as conn:
                    new = store_entries(conn, settings, cfg, row, articles, now, lexicons)
                    store.update_feed(
                        conn, row["id"], status="ok" if not parsed.error else "failed",
                        last_attempt_at=now, last_success_at=now, last_error=parsed.error,
                        consecutive_failures=0, latency_ms=0, item_count=len(parsed.entries),
                    )
                summary.outcomes.append(FeedOutcome(
                    cfg.name, "failed" if parsed.error else "ok", new_articles=new,
                    items=len(parsed.entries), error=parsed.error, latency_ms=0,
                ))
            summary.finished_at = store.utcnow()
            store.finish_run(
                engine, summary.run_id, feeds_ok=summary.count("ok"),
                feeds_failed=summary.count("failed"), new_articles=summary.new_articles,
            )
            return summary
    finally:
        engine.dispose()


def database_is_empty(db_url: str) -> bool:
    """True when the database has no articles (or no tables yet)."""
    engine = store.make_engine(db_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("articles"):
                return True
            return not conn.execute(select(func.count()).select_from(schema.articles)).scalar()
    finally:
        engine.dispose()
