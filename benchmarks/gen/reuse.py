"""Benchmark databases that outlive a run: made once by the generator, then reused,
and what a benchmark picks from them (the whole date range, a typical article).

A database that already holds the requested number of articles is kept (generating
200,000 articles takes a minute); it is brought to the newest schema first, so a
revision that adds and backfills a column is measured once, on real volume.
"""

from __future__ import annotations

import time


def article_count(url: str) -> int | None:
    from sqlalchemy import func, select

    from feeds import store
    from feeds.store import schema

    path = store.sqlite_path(url)
    if path is not None and not path.exists():
        return None
    try:
        engine = store.make_engine(url)
        with engine.connect() as conn:
            n = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
        engine.dispose()
        return n
    except Exception:
        return None


def ensure_pg_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import psycopg
    from sqlalchemy.engine import make_url

    from feeds.store import normalise_url

    u = make_url(normalise_url(url))
    admin = dict(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username,
        password=u.password,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (u.database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{u.database}"')


def ensure_db(url: str, n: int, skip_generate: bool, seed: int) -> float | None:
    """Make sure ``url`` holds ``n`` generated articles; return generation seconds."""
    import gen_db

    have = article_count(url)
    if skip_generate:
        if not have:
            raise SystemExit(f"--skip-generate, but {url} holds no articles")
        print(f"  using {url} as it is ({have:,} articles)", flush=True)
        return None
    if have == n:
        print(f"  reusing {url} ({have:,} articles)", flush=True)
        _migrate(url)
        return None
    print(f"  generating {n:,} articles into {url}", flush=True)
    gen_db.reset_database(url)
    t0 = time.perf_counter()
    gen_db.generate(url, n, seed=seed, log=lambda m: print(m, flush=True))
    return time.perf_counter() - t0


def _migrate(url: str) -> None:
    """Bring a reused database to the newest schema (a new revision may backfill)."""
    from feeds import store

    engine = store.make_engine(url)
    with engine.connect() as conn:
        before = store.current_revision(conn)
    t0 = time.perf_counter()
    store.migrate(engine)
    engine.dispose()
    if before != store.head_revision():
        print(f"  migrated {before} -> {store.head_revision()} in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)


def full_range(url: str) -> dict | None:
    """start/end query parameters covering every relevant article."""
    from sqlalchemy import func, select

    from feeds import store
    from feeds.store import schema

    a = schema.articles
    engine = store.make_engine(url)
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(a.c.published_day), func.max(a.c.published_day)).where(
                a.c.relevant.is_(True)
            )
        ).one()
    engine.dispose()
    if first is None:
        return None
    return {"start": str(first)[:10], "end": str(last)[:10]}


def some_article_id(url: str, offset_from_newest: int = 10) -> int | None:
    """A recent relevant article with evidence, as a user would pick."""
    from sqlalchemy import select

    from feeds import store
    from feeds.store import schema

    a = schema.articles
    engine = store.make_engine(url)
    with engine.connect() as conn:
        aid = conn.execute(
            select(a.c.id)
            .where(a.c.relevant.is_(True), a.c.risk_score > 40)
            .order_by(a.c.published_at.desc())
            .offset(offset_from_newest)
            .limit(1)
        ).scalar()
    engine.dispose()
    return aid
