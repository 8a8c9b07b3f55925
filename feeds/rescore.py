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
from pathlib import Path

from sqlalchemy import func, select

from feeds import schema, store
from feeds.config import Settings
from feeds.lexicon import Lexicons, load_lexicons
from feeds.score import score_article

BATCH = 200

_worker_lexicons: Lexicons | None = None


def _init_worker(lexicon_dir: str) -> None:
    global _worker_lexicons
    _worker_lexicons = load_lexicons(Path(lexicon_dir))


def _score_batch(rows: list[tuple[int, str, str, str | None, bool]]):
    assert _worker_lexicons is not None
    return [
        (article_id, score_article(title, text, _worker_lexicons, language=language,
                                   always_relevant=always))
        for article_id, title, text, language, always in rows
    ]


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
        with store.refresh_lock(engine), ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker,
            initargs=(str(settings.lexicon_dir),),
        ) as pool, engine.connect() as reader:
            in_flight: deque[Future] = deque()
            last_id = 0
            while True:
                rows = reader.execute(
                    select(a.c.id, a.c.title, a.c.text, a.c.language, a.c.source)
                    .where(a.c.id > last_id).order_by(a.c.id).limit(BATCH)
                ).all()
                reader.rollback()  # do not hold a read snapshot across writes
                if rows:
                    last_id = rows[-1].id
                    in_flight.append(pool.submit(_score_batch, [
                        (r.id, r.title, r.text, r.language, r.source in always_relevant_sources)
                        for r in rows
                    ]))
                # Keep every worker busy, but never hold more than a few batches in memory.
                while in_flight and (len(in_flight) > workers * 2 or not rows):
                    results = in_flight.popleft().result()
                    scored_at = store.utcnow()
                    with engine.begin() as conn:
                        for article_id, score in results:
                            store.save_scores(conn, article_id, score, lexicons.version,
                                              scored_at)
                    done += len(results)
                    if on_batch:
                        on_batch(len(results))
                if not rows:
                    break
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
