"""Ingest benchmarks: concurrency, the 304 pass, CPU per entry, and peak memory.

Run from the project root:  .venv/bin/python benchmarks/bench_refresh.py

1. Concurrency: 200 feeds of 20 items on loopback, each answering after 250 ms, spread
   over 50 local servers (ports) the way real feeds spread over hosts, so the per-host
   politeness limit applies as it would in production. The servers run in a separate
   process, as real feed hosts would be other machines. The serial floor is
   200 x 0.25 s = 50 s; goal: first refresh <= 5 s. Then an unchanged second refresh
   (every answer a 304): goal <= 2 s and no article written.
2. CPU: parse, clean and store on summaries, in entries per second, beside bare
   feedparser parsing the same bytes in the same run. Goal: >= 0.6x the bare figure.
3. Memory: peak RSS of the 200-feed refresh, run as the real CLI in a child process.
   Goal: <= 300 MB.

Figures are printed; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402
from feedserver import FeedServer  # noqa: E402
from gen_db import reset_database  # noqa: E402
from rss_support import item, rss  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from feeds import store  # noqa: E402
from feeds.config import FeedConfig, Settings  # noqa: E402
from feeds.ingest.dedup import store_entries  # noqa: E402
from feeds.ingest.parse import parse_feed  # noqa: E402
from feeds.ingest.refresh import run_refresh  # noqa: E402
from feeds.ingest.workers import articles_from  # noqa: E402
from feeds.store import schema  # noqa: E402

FEEDS, ITEMS, DELAY, SERVERS = 200, 20, 0.25, 50

SENTENCES = [
    "Cambodian troops were deployed along the northern border with Thailand on {d}.",
    "The National Election Commission said voter registration would close next month.",
    "Garment workers in Phnom Penh protested over unpaid wages and factory closures.",
    "Officials from the European Union discussed trade preferences with ministers.",
    "Police arrested three activists from a land rights group in Koh Kong province.",
    "Prime Minister Hun Manet opened a new road linking Siem Reap and Oddar Meanchey.",
]


def feed_bytes(feed: int) -> bytes:
    base = datetime(2024, 1, 1)
    entries = []
    for i in range(ITEMS):
        n = feed * 1000 + i
        text = " ".join(s.format(d=f"day {n}") for s in SENTENCES[i % 3: i % 3 + 4])
        entries.append(item(
            f"Outlet {feed} report {i}: border and labour news {n}",
            f"https://outlet{feed}.example.org/news/{n}?utm_source=rss",
            guid=f"o{feed}-{i}", published=base + timedelta(hours=n % 5000),
            description=f"<p>{text}</p><p>Report number {n}.</p>"))
    return rss(entries, title=f"Outlet {feed}")


def write_config(urls: list[str], path: Path) -> list[FeedConfig]:
    feeds, lines = [], []
    for f, url in enumerate(urls):
        feeds.append(FeedConfig(f"Outlet {f}", url))
        lines += ["[[feeds]]", f'name = "Outlet {f}"', f'url = "{url}"', ""]
    path.write_text("\n".join(lines))
    return feeds


def _serve(pipe) -> None:
    """Child process: the 50 loopback hosts, so their threads do not share the
    benchmark's interpreter (and its GIL) with the refresh being measured."""
    servers = [FeedServer().start() for _ in range(SERVERS)]
    urls = []
    for f in range(FEEDS):
        server = servers[f % SERVERS]
        server.add(f"/feed{f}.xml", feed_bytes(f), delay=DELAY, etag=f'"v{f}"')
        urls.append(server.url(f"/feed{f}.xml"))
    pipe.send(urls)
    pipe.recv()  # until the benchmark is done
    for server in servers:
        server.stop()


def article_count(url: str) -> int:
    engine = store.make_engine(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
    engine.dispose()
    return n


def bench_concurrency(feeds, url: str, label: str) -> None:
    settings = Settings(db_url=url)
    started = time.perf_counter()
    first = run_refresh(settings, feeds)
    t_first = time.perf_counter() - started
    before = article_count(url)
    started = time.perf_counter()
    second = run_refresh(settings, feeds)
    t_second = time.perf_counter() - started
    after = article_count(url)
    floor = FEEDS * DELAY
    print(f"1. Concurrency (200 feeds x 20 items, 250 ms each, 50 hosts), {label}")
    print(f"   first refresh : {t_first:6.2f} s  = {t_first / floor:5.1%} of the {floor:.0f} s "
          f"serial floor (goal <= 10%, 5 s); {first.count('ok')} ok, "
          f"{first.new_articles} new articles")
    print(f"   304 refresh   : {t_second:6.2f} s  (goal <= 2 s); "
          f"{second.count('unchanged')} unchanged, articles {before} -> {after} "
          f"({'no article written' if before == after else 'ARTICLES WRITTEN'})")


def bench_cpu(bodies: list[bytes], workdir: Path, repeat: int) -> None:
    entries = len(bodies) * ITEMS
    started = time.perf_counter()
    for _ in range(repeat):
        for body in bodies:
            feedparser.parse(io.BytesIO(body), response_headers={
                "content-type": "application/rss+xml; charset=utf-8"})
    bare = entries * repeat / (time.perf_counter() - started)

    total = 0.0
    for r in range(repeat):
        url = f"sqlite:///{workdir / f'cpu{r}.db'}"
        engine = store.make_engine(url)
        store.migrate(engine)
        settings = Settings(db_url=url)
        configs = [FeedConfig(f"Outlet {f}", f"https://outlet{f}.example.org/rss")
                   for f in range(len(bodies))]
        with engine.begin() as conn:
            rows = store.sync_feeds(conn, configs)
        now = store.utcnow()
        started = time.perf_counter()
        for cfg, body in zip(configs, bodies, strict=True):
            parsed = parse_feed(body, {"content-type": "application/rss+xml; charset=utf-8"},
                                now)
            articles = articles_from(parsed, rows[cfg.name]["id"], cfg.language)
            with engine.begin() as conn:
                store_entries(conn, settings, cfg, rows[cfg.name], articles, now, None)
        total += time.perf_counter() - started
        engine.dispose()
    ours = entries * repeat / total
    print("2. CPU: parse + clean + dedup + store (summaries, SQLite file), no scoring")
    print(f"   bare feedparser : {bare:8.0f} entries/s")
    print(f"   our pipeline    : {ours:8.0f} entries/s  = {ours / bare:.2f}x bare (goal >= 0.6x)")


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, IndexError, ProcessLookupError):
            continue
    return total / 1024


def bench_memory(config: Path, workdir: Path) -> None:
    url = f"sqlite:///{workdir / 'memory.db'}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "feeds.cli", "refresh", "--config", str(config), "--db", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak_tree = 0.0
    while proc.poll() is None:
        peak_tree = max(peak_tree, _tree_rss_mb(proc.pid))
        time.sleep(0.05)
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - started
    peak_one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("3. Memory: the 200-feed refresh as the real CLI, scoring included")
    print(f"   peak RSS, whole process tree (parent + workers): {peak_tree:6.1f} MB "
          f"(goal <= 300 MB)")
    print(f"   peak RSS, largest single process              : {peak_one:6.1f} MB")
    print(f"   {elapsed:.2f} s; exit {proc.returncode}: {out.strip()[:120]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="CPU benchmark repetitions")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run the concurrency figure on this PostgreSQL database "
                             "(its public schema is emptied first), e.g. "
                             "postgresql://postgres@127.0.0.1:5432/cr_bench")
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    host = multiprocessing.get_context("spawn").Process(target=_serve, args=(theirs,),
                                                        daemon=True)
    host.start()
    urls = ours.recv()
    bodies = [feed_bytes(f) for f in range(FEEDS)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            feeds = write_config(urls, workdir / "feeds.toml")
            bench_memory(workdir / "feeds.toml", workdir)
            bench_concurrency(feeds, f"sqlite:///{workdir / 'concurrency.db'}", "SQLite")
            if args.postgres:
                reset_database(args.postgres)
                bench_concurrency(feeds, args.postgres, "PostgreSQL")
            bench_cpu(bodies, workdir, args.repeat)
    finally:
        ours.send("stop")
        host.join(10)


if __name__ == "__main__":
    main()
