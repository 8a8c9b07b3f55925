"""Re-apply the current lexicons to every stored article, without refetching.

Scoring is CPU work and pure, and writing its evidence rows is Python-heavy too, so
each worker process takes a range of article ids, reads them, scores them and writes
the scores in one transaction of its own; the parent only hands out ranges and holds
the refresh lock for all of them. A rescore killed midway leaves every article with
either its old or its new scores.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from feeds import store
from feeds.config import Settings
from feeds.ingest.workers import init_worker, score_many, worker_engine
from feeds.lexicon import load_lexicons
from feeds.store import schema

BATCH = 200


def _rescore_range(first_id: int, last_id: int, always_relevant_sources: set[str],
                   lexicon_version: str) -> int:
    """Score articles first_id..last_id and store the scores; return how many."""
    engine = worker_engine()
    a = schema.articles
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.c.id, a.c.title, a.c.text, a.c.language, a.c.source)
            .where(a.c.id.between(first_id, last_id)).order_by(a.c.id)
        ).all()
    # Score outside any transaction: SQLite has one writer at a time, and the other
    # workers should not wait while this one computes.
    scores = score_many([(r.title, r.text, r.language, r.source in always_relevant_sources)
                         for r in rows])
    with store.write_turn(engine) as conn:
        store.save_scores(conn, [(r.id, score) for r, score in zip(rows, scores, strict=True)],
                          lexicon_version)
    return len(rows)


def rescore(settings: Settings, always_relevant_sources: set[str] | None = None, *,
            workers: int | None = None,
            on_batch: Callable[[int], None] | None = None) -> int:
    """Rescore every article; return how many. ``on_batch`` gets each batch's size."""
    always_relevant_sources = always_relevant_sources or set()
    workers = workers or os.cpu_count() or 1
    lexicons = load_lexicons(settings.lexicon_dir)  # fail here, clearly, on a bad edit
    engine = store.make_engine(settings.db_url)
    a = schema.articles
    done = 0
    try:
        store.migrate(engine)
        context = multiprocessing.get_context("fork")
        # The pool starts before the lock is taken: a forked worker must not inherit it.
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker,
            initargs=(str(Path(settings.lexicon_dir)), settings.db_url),
        ) as pool, store.refresh_lock(engine):
            for future in [pool.submit(os.getpid) for _ in range(workers)]:
                future.result()
            # A run row tells the dashboard that scores changed, so its caches refresh.
            run_id = store.start_run(engine, kind="rescore")
            with engine.connect() as conn:
                ids = conn.execute(select(a.c.id).order_by(a.c.id)).scalars().all()
            in_flight: deque[Future] = deque()
            for start in range(0, len(ids), BATCH):
                chunk = ids[start:start + BATCH]
                in_flight.append(pool.submit(_rescore_range, chunk[0], chunk[-1],
                                             always_relevant_sources, lexicons.version))
                # Keep every worker busy without queueing the whole table at once.
                while len(in_flight) > workers * 2:
                    done += _collect(in_flight.popleft(), on_batch)
            while in_flight:
                done += _collect(in_flight.popleft(), on_batch)
            store.finish_run(engine, run_id)
    finally:
        engine.dispose()
    return done


def _collect(future: Future, on_batch: Callable[[int], None] | None) -> int:
    count = future.result()
    if on_batch:
        on_batch(count)
    return count


def article_count(db_url: str) -> int:
    engine = store.make_engine(db_url)
    try:
        store.migrate(engine)
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(schema.articles)).scalar()
    finally:
        engine.dispose()
