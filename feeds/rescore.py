"""Re-apply the current lexicons to every stored article, without refetching.

Scoring is CPU work and pure, so it runs in worker processes (one per core by default);
the parent reads articles in batches and writes each batch's scores in one transaction.
A rescore killed midway leaves every article with either its old or its new scores.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from sqlalchemy import func, select

from feeds import schema, store
from feeds.config import Settings
from feeds.lexicon import load_lexicons
from feeds.workers import init_worker, score_many

BATCH = 200


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
        # The pool starts before the lock is taken: a forked worker must not inherit it.
        with ProcessPoolExecutor(
            max_workers=workers, initializer=init_worker,
            initargs=(str(settings.lexicon_dir),),
        ) as pool, store.refresh_lock(engine), engine.connect() as reader:
            for future in [pool.submit(os.getpid) for _ in range(workers)]:
                future.result()
            # A run row tells the dashboard that scores changed, so its caches refresh.
            run_id = store.start_run(engine, kind="rescore")
            in_flight: deque[tuple[list[int], Future]] = deque()
            last_id = 0
            while True:
                rows = reader.execute(
                    select(a.c.id, a.c.title, a.c.text, a.c.language, a.c.source)
                    .where(a.c.id > last_id).order_by(a.c.id).limit(BATCH)
                ).all()
                reader.rollback()  # do not hold a read snapshot across writes
                if rows:
                    last_id = rows[-1].id
                    ids = [r.id for r in rows]
                    in_flight.append((ids, pool.submit(score_many, [
                        (r.title, r.text, r.language, r.source in always_relevant_sources)
                        for r in rows
                    ])))
                # Keep every worker busy, but never hold more than a few batches in memory.
                while in_flight and (len(in_flight) > workers * 2 or not rows):
                    ids, future = in_flight.popleft()
                    with engine.begin() as conn:
                        store.save_scores(conn, list(zip(ids, future.result(), strict=True)),
                                          lexicons.version)
                    done += len(ids)
                    if on_batch:
                        on_batch(len(ids))
                if not rows:
                    break
            store.finish_run(engine, run_id)
    finally:
        engine.dispose()
    return done


def article_count(db_url: str) -> int:
    engine = store.make_engine(db_url)
    try:
        store.migrate(engine)
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(schema.articles)).scalar()
    finally:
        engine.dispose()
