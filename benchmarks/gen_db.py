"""Build a big database of synthetic, already-scored Cambodia news articles.

    python benchmarks/gen_db.py --db sqlite:///benchmarks/out/bench-200k.db --articles 200000
    python benchmarks/gen_db.py --db postgresql://postgres@127.0.0.1:5432/cr_bench \\
        --articles 200000 --replace

The schema comes from the project's own migrations (``feeds.store.make_engine`` +
``feeds.store.migrate``); the rows are written in bulk by ``gen/writer.py``. One module
per group of tables: ``gen/sources.py`` (feeds, refresh runs), ``gen/articles.py``
(articles, carriers and evidence); ``gen/vocab.py`` holds the prose and reads the
scoring vocabulary from data/lexicons.

What the data looks like
------------------------
* ~30 feeds with skewed volumes (a few big outlets, a long tail), some failing.
* Articles spread over the last three years up to now, volume slowly rising, with a
  handful of "event" weeks where both volume and risk jump (so charts have shape).
* ~85% relevant, ~13% irrelevant, ~2% not yet scored (``relevant`` NULL).
* Risk scores skewed towards low values; sentiment leans negative as risk rises.
* 0-3 risk categories per article and 0-4 actors (Zipf-like popularity), both read from
  data/lexicons with their terms, forms and weights; evidence rows come from the
  store's own rule (``feeds.store.score_rows``), so ``matches`` equal the number of
  ``term_matches`` rows and actor sentiment is averaged as a refresh would. Every
  evidence row points at a real sentence: the text is built sentence by sentence.
* ~6% Khmer-language articles (not sentiment-scored), unlisted names for ~20% of the
  articles, 1-2 ``article_feeds`` rows per article, a few dozen ``refresh_runs``.

Sentence numbering follows ``feeds.score.sentences(title, text)``: the title is
sentence 0 and the text's sentences follow. If that function is importable, the
generator checks a sample of articles against it and warns on any mismatch.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gen import vocab  # noqa: E402
from gen.articles import ArticleMaker  # noqa: E402
from gen.sources import feed_rows, run_rows  # noqa: E402
from gen.writer import Writer, assert_empty, reset_database  # noqa: E402

from feeds import store  # noqa: E402
from feeds.store import schema  # noqa: E402

__all__ = ["generate", "main", "reset_database"]


def generate(
    url: str,
    n_articles: int,
    seed: int = 1,
    batch: int = 20_000,
    analyze: bool | None = None,
    now: datetime | None = None,
    log=print,
) -> dict[str, int]:
    """Fill an empty (or new) database at ``url``; return the row count per table."""
    t0 = time.perf_counter()
    engine = store.make_engine(url)
    store.migrate(engine)
    assert_empty(engine)
    rng = random.Random(seed)
    now = (now or datetime.now(UTC).replace(tzinfo=None)).replace(microsecond=0)
    if analyze is None:
        analyze = engine.dialect.name != "sqlite"  # PG's autovacuum would analyze anyway
    w = Writer(engine)
    w.prepare()
    counts = {t.name: 0 for t in schema.metadata.sorted_tables}

    def put(name: str, rows: list) -> None:
        w.insert(schema.metadata.tables[name], rows)
        counts[name] += len(rows)

    put("feeds", feed_rows(rng, now))
    put("refresh_runs", run_rows(rng, now))
    w.commit()

    maker = ArticleMaker(rng, vocab.from_lexicons(), n_articles, now)
    last_report = time.perf_counter()
    for rows in maker.batches(batch):
        for name, table_rows in rows.items():
            put(name, table_rows)
        w.commit()
        if time.perf_counter() - last_report > 10:
            last_report = time.perf_counter()
            log(f"  {counts['articles']:,} / {n_articles:,} articles "
                f"({time.perf_counter() - t0:.0f} s)")
    log(f"  rows written in {time.perf_counter() - t0:.1f} s; rebuilding indexes...")
    w.finish(analyze)
    engine.dispose()
    _check_offsets(maker.sample, log)
    log(
        f"  done in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{k}={v:,}" for k, v in counts.items())
    )
    return counts


def _check_offsets(sample, log) -> None:
    """Compare evidence offsets with ``feeds.score.sentences`` when that exists."""
    try:
        from feeds.score import sentences  # type: ignore[attr-defined]
    except ImportError:
        log("  (feeds.score.sentences not importable: evidence offsets not cross-checked)")
        return
    bad = 0
    for title, text, evidence in sample:
        split = list(sentences(title, text))
        for si, start, end, expected in evidence:
            if si >= len(split) or split[si][start:end] != expected:
                bad += 1
    if bad:
        log(
            f"  WARNING: {bad} evidence offsets in a sample of {len(sample)} articles do not "
            "match feeds.score.sentences(title, text)"
        )
    else:
        log(f"  evidence offsets match feeds.score.sentences on {len(sample)} sample articles")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--db", required=True, help="SQLAlchemy URL (sqlite:///... or postgresql://...)"
    )
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=20_000, help="articles per transaction")
    ap.add_argument(
        "--replace",
        action="store_true",
        help="delete the SQLite file / empty the PostgreSQL schema first",
    )
    ap.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run ANALYZE afterwards (default: on PostgreSQL only)",
    )
    args = ap.parse_args(argv)
    if args.replace:
        reset_database(args.db)
    print(f"generating {args.articles:,} articles into {args.db}", flush=True)
    generate(
        args.db,
        args.articles,
        seed=args.seed,
        batch=args.batch,
        analyze=args.analyze,
        log=lambda m: print(m, flush=True),
    )


if __name__ == "__main__":
    main()
