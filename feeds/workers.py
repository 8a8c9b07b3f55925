"""CPU-bound steps of the ingest, run in worker processes.

Parsing, article extraction and scoring are pure Python and CPU-bound. Run on the event
loop they would stall every fetch in flight (long enough for healthy feeds to hit their
timeouts) and use one core. ``CpuPool`` runs them in worker processes, each holding its
own compiled lexicons, or inline when ``workers`` is 0 (small runs, tests, debugging).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from feeds.canonical import canonical_url, title_fingerprint
from feeds.clean import html_to_text
from feeds.extract import extract_text
from feeds.lexicon import Lexicons, load_lexicons
from feeds.parse import ParsedFeed, parse_feed
from feeds.score import score_article
from feeds.score.results import ArticleScore
from feeds.store import NewArticle

# Longest stored text and title, in characters: a feed cannot fill the database
# through one entry.
MAX_TEXT_CHARS = 200_000
MAX_TITLE_CHARS = 1_000

_lexicons: Lexicons | None = None


def init_worker(lexicon_dir: str) -> None:
    global _lexicons
    _die_with_parent()
    _lexicons = load_lexicons(Path(lexicon_dir))


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, even by SIGKILL.

    Otherwise a worker of a killed refresh or rescore could live on, and a forked one
    (rescore forks) would keep copies of the parent's descriptors, the lock among them.
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


class CpuPool:
    """Worker processes for the steps above; ``workers=0`` runs them inline.

    The workers come from a fork server: a fresh interpreter, started only when the
    first job arrives, that inherits none of the parent's descriptors. So a worker never
    holds the refresh lock (the lock file, or the PostgreSQL session holding the
    advisory lock), and a run in which every feed answers 304 starts no worker at all.
    """

    def __init__(self, workers: int, lexicon_dir: Path, lexicons: Lexicons) -> None:
        self.workers = workers
        self._lexicon_dir = lexicon_dir
        self._executor: ProcessPoolExecutor | None = None
        if workers == 0:
            global _lexicons
            _lexicons = lexicons

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["feeds.workers"])
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=init_worker,
                initargs=(str(self._lexicon_dir),))
        return self._executor

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.workers == 0:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self._pool(), fn, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> CpuPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
