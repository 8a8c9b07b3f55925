"""Rescore scaling: the same rescore with 1 worker process and with 2.

Run from the project root:  .venv/bin/python benchmarks/bench_rescore.py [--copies 30]

Loads the demo corpus into a temporary SQLite file through the real pipeline, multiplies
its articles (each copy under its own URL, so every copy is scored), then times
``rescore`` with one worker and with two. Goal: 2 workers at least 1.6x faster than 1.
Figures are printed; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from feeds import store  # noqa: E402
from feeds.config import Settings  # noqa: E402
from feeds.demo import load_demo  # noqa: E402
from feeds.rescore import rescore  # noqa: E402
from feeds.store import schema  # noqa: E402

COLUMNS = ("link, fingerprint, title, feed_id, source, published_at, published_day, "
           "published_estimated, fetched_at, language, summary, text, text_source")


def build(url: str, copies: int) -> int:
    load_demo(Settings(db_url=url))
    engine = store.make_engine(url)
    with engine.begin() as conn:
        for n in range(1, copies):
            conn.execute(text(
                f"INSERT INTO articles (url, {COLUMNS}) "
                f"SELECT url || '#copy{n}', {COLUMNS} FROM articles WHERE url NOT LIKE '%#copy%'"
            ))
        total = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
    engine.dispose()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30, help="copies of the demo corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/rescore.db"
        total = build(url, args.copies)
        settings = Settings(db_url=url)
        times = {}
        for workers in (1, 2, 1, 2):  # alternate, keep the better of two runs each
            started = time.perf_counter()
            done = rescore(settings, workers=workers)
            elapsed = time.perf_counter() - started
            times[workers] = min(times.get(workers, elapsed), elapsed)
            assert done == total
    print(f"Rescore of {total} articles ({os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f})")
    print(f"   1 worker  : {times[1]:6.2f} s  ({total / times[1]:6.0f} articles/s)")
    print(f"   2 workers : {times[2]:6.2f} s  ({total / times[2]:6.0f} articles/s)")
    print(f"   speed-up  : {times[1] / times[2]:.2f}x (goal >= 1.6x)")


if __name__ == "__main__":
    main()
