"""The per-feed work of the ingest that runs in worker processes.

Parsing, article extraction and scoring are pure Python and CPU-bound, and so is most of
storing a feed (planning what is new, building evidence rows). Run on the event loop they
would stall every fetch in flight (long enough for healthy feeds to hit their timeouts)
and use one core. ``CpuPool`` runs them in worker processes, each holding its own compiled
lexicons and database engine, or inline when ``workers`` is 0 (small runs, debugging,
in-memory databases).

Workers write one at a time: a feed's plan-and-store transaction holds the database's
write turn (``store.write_turn``), so two feeds carrying the same story cannot both
decide it is new.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.util
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.canonical import canonical_url, title_fingerprint
from feeds.ingest.clean import html_to_text
from feeds.ingest.dedup import store_entries
from feeds.ingest.extract import extract_text
from feeds.ingest.parse import ParsedFeed, parse_feed
from feeds.lexicon import Lexicons, load_lexicons
from feeds.score import compiled, score_article
from feeds.score.results import ArticleScore
from feeds.store import NewArticle

# Longest stored text and title, in characters: a feed cannot fill the database
# through one entry.
MAX_TEXT_CHARS = 200_000
MAX_TITLE_CHARS = 1_000

_lexicons: Lexicons | None = None
_db_url: str | None = None
_engine: Engine | None = None


def init_worker(lexicon_dir: str, db_url: str | None = None) -> None:
    global _lexicons, _db_url, _engine
    die_with_parent()
    _lexicons = load_lexicons(Path(lexicon_dir))
    compiled(_lexicons)  # build the matcher and VADER now, not on the first article
    _db_url, _engine = db_url, None


def worker_engine() -> Engine:
    """This process's engine, made on first use (a parse-only worker never connects)."""
    global _engine
    if _engine is None:
        assert _db_url is not None, "worker has no database"
        _engine = store.make_engine(_db_url)
        multiprocessing.util.Finalize(None, _engine.dispose, exitpriority=10)
    return _engine


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, even by SIGKILL.

    Otherwise a worker of a killed refresh or rescore could live on, writing after the
    run is gone, and a forked one (rescore forks) would keep copies of the parent's
    descriptors, the lock among them.
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the line above took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass  # not Linux: workers still exit when the pool's queue closes


def articles_from(parsed: ParsedFeed, feed_id: int, language: str | None
                  ) -> list[NewArticle]:
    """Each usable entry as an article candidate: canonical URL, title fingerprint and
    plain text (the content, else the summary, reduced from markup)."""
    articles = []
    for entry in parsed.entries:
        title = entry.title[:MAX_TITLE_CHARS]
        url = canonical_url(entry.link) if entry.link else f"urn:feed:{feed_id}:{entry.guid}"
        articles.append(NewArticle(
            url=url, link=entry.link or entry.guid, guid=entry.guid,
            fingerprint=title_fingerprint(title or url), title=title,
            published_at=entry.published_at, published_estimated=entry.published_estimated,
            language=language or entry.language, summary=entry.summary[:MAX_TEXT_CHARS],
            text=html_to_text(entry.content or entry.summary)[:MAX_TEXT_CHARS],
        ))
    return articles


def parse_articles(body: bytes, headers: dict[str, str], fetched_at: datetime, feed_id: int,
                   language: str | None) -> tuple[ParsedFeed, list[NewArticle]]:
    """Parse a feed into article candidates. The returned ParsedFeed keeps its error and
    warning but not its entries, which need not travel back to the parent."""
    parsed = parse_feed(body, headers, fetched_at)
    articles = articles_from(parsed, feed_id, language)
    parsed.entries = []
    return parsed, articles


def score_many(items: list[tuple[str, str, str | None, bool]]) -> list[ArticleScore]:
    """Score (title, text, language, always_relevant) tuples with this process's lexicons."""
    assert _lexicons is not None, "worker not initialised"
    return [score_article(title, text, _lexicons, language=language, always_relevant=always)
            for title, text, language, always in items]


def extract(page: bytes, url: str) -> str | None:
    text = extract_text(page, url)
    return text[:MAX_TEXT_CHARS] if text else None


@dataclass
class Stored:
    """What a worker reports about one feed it parsed and stored."""

    items: int = 0  # entries the feed held
    new_articles: int = 0
    warning: str | None = None  # the parser's complaint about a feed it could still read
    error: str | None = None  # the feed could not be read at all; nothing was written


def parse_and_store(settings: Settings, cfg: FeedConfig, row: dict, body: bytes,
                    headers: dict[str, str], fetched_at: datetime, health: dict) -> Stored:
    """The whole write side of one fetched feed, in one job: one trip to a worker."""
    parsed, articles = parse_articles(body, headers, fetched_at, row["id"], cfg.language)
    if parsed.error:
        return Stored(error=parsed.error)
    return store_feed(settings, cfg, row, articles, fetched_at, health, parsed.warning)


def store_feed(settings: Settings, cfg: FeedConfig, row: dict, articles: list[NewArticle],
               fetched_at: datetime, health: dict, warning: str | None = None) -> Stored:
    """Score what looks new, then plan, write and record the feed's health in one
    transaction, holding the write turn.

    What looks new is decided by URL alone before the turn is taken, so no other worker
    waits while this one scores; a copy the plan then catches by GUID or fingerprint
    only costs a wasted score. ``health`` holds the feed row's new values.
    """
    engine = worker_engine()
    with engine.connect() as conn:
        known = store.existing_urls(conn, (a.url for a in articles))
    fresh = list({a.url: a for a in reversed(articles) if a.url not in known}.values())
    scores = score_many([(a.title, a.text, a.language, cfg.always_relevant) for a in fresh])
    ready = {a.url: score for a, score in zip(fresh, scores, strict=True)}
    with store.write_turn(engine) as conn:
        new = store_entries(conn, settings, cfg, row, articles, fetched_at, _lexicons,
                            ready=ready)
        store.update_feed(conn, row["id"], **health, last_error=warning,
                          item_count=len(articles))
    return Stored(items=len(articles), new_articles=new, warning=warning)


class WorkerDied(RuntimeError):
    """A job's worker process died (killed, out of memory, crashed) twice running it."""


class CpuPool:
    """Worker processes for the jobs above; ``workers=0`` runs them inline.

    The workers come from a fork server: a fresh interpreter, started only when the
    first job arrives (a run in which every feed answers 304 starts none), that
    inherits none of the parent's descriptors. So a worker never holds the refresh lock
    (the lock file, or the PostgreSQL session holding the advisory lock). The fork server
    and the workers die with the run (``feeds.ingest._forkserver``). Plain spawning would
    re-run the parent's ``__main__`` in every worker, which breaks when the refresh is
    called from a host such as a test runner or a notebook.

    Each worker opens its own connection to ``settings.db_url``; an in-memory SQLite
    database exists in this process alone, so it is always served inline, through
    ``engine``.

    A worker that dies takes the whole pool down, failing every job queued on it. So
    that a feed which kills its worker (or runs it out of memory) does not take the rest
    of the run with it, the pool is then replaced, and each job it failed runs once more
    in a process of its own: only a job that kills that process too fails, as
    ``WorkerDied``.
    """

    def __init__(self, settings: Settings, lexicons: Lexicons, engine: Engine) -> None:
        in_memory = engine.dialect.name == "sqlite" and store.sqlite_path(settings.db_url) is None
        self.workers = 0 if in_memory else settings.workers
        self._settings = settings
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["feeds.ingest._forkserver"])
        self._executor: ProcessPoolExecutor | None = None
        self._alone = asyncio.Semaphore(max(1, self.workers))
        if self.workers == 0:
            global _lexicons, _engine
            _lexicons, _engine = lexicons, engine

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=self._context, initializer=init_worker,
            initargs=(str(self._settings.lexicon_dir), self._settings.db_url))

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = self._new_executor(self.workers)
        return self._executor

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.workers == 0:
            return fn(*args)
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            return await loop.run_in_executor(pool, fn, *args)
        except BrokenProcessPool:
            self._discard(pool)
        async with self._alone:
            alone = self._new_executor(1)
            try:
                return await loop.run_in_executor(alone, fn, *args)
            except BrokenProcessPool:
                raise WorkerDied(
                    "the worker process died while handling this feed, twice "
                    "(killed, out of memory or crashed)") from None
            finally:
                alone.shutdown(wait=False, cancel_futures=True)

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Drop a broken pool; the next job starts a new one."""
        if self._executor is pool:
            self._executor = None
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        global _engine
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self.workers == 0:
            _engine = None  # the caller disposes of it

    def __enter__(self) -> CpuPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
