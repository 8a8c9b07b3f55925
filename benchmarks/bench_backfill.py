"""Backfill benchmark: throughput, memory and resume, against a loopback WordPress site.

Run from the project root:  .venv/bin/python benchmarks/bench_backfill.py

The site (tests/history_site.py) holds 20,000 posts over 200 days and answers every
request after 100 ms, 100 posts a page. The backfill runs as the real CLI in a child
process with ``--delay 0`` (one request at a time to the host still holds).

1. Throughput: new articles stored per second over the whole run, scoring included.
   Goal: >= 200 articles/s on 2 cores.
2. Memory: peak RSS of the backfill's whole process tree (CLI, fork server, workers),
   sampled every 50 ms. Goal: <= 300 MB.
3. Resume: a second database, the run killed with SIGKILL at a random moment, then
   rerun. Goal: the rerun asks again for at most one date window.

Figures are printed beside the goals; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_refresh import _tree_rss_mb  # noqa: E402
from history_site import HistorySite  # noqa: E402

# The site is on loopback, which the fetcher's private-network policy refuses unless
# this names it (children inherit it).
os.environ.setdefault("CAMBODIA_RISK_ALLOW_PRIVATE", "127.0.0.0/8")

POSTS, FIRST, LAST = 20_000, datetime(2025, 6, 2), datetime(2025, 12, 19)
SINCE, UNTIL = "2025-06-01", "2025-12-20"
GOAL_RATE, GOAL_RSS, GOAL_WINDOWS = 200.0, 300.0, 1


def command(config: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "feeds.cli", "backfill", "--config", str(config),
            "--db", f"sqlite:///{db}", "--since", SINCE, "--until", UNTIL, "--delay", "0"]


def start(config: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(command(config, db), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                            start_new_session=True)


def windows_asked(site: HistorySite, since: float = 0.0, until: float = float("inf")
                  ) -> set[str]:
    return {parse_qs(h.query)["after"][0] for h in site.hits("/wp-json")
            if since <= h.start < until}


def bench_run(site: HistorySite, config: Path, workdir: Path) -> float:
    started = time.perf_counter()
    proc = start(config, workdir / "full.db")
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.05)
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - started
    new = _new_articles(out)
    rate = new / elapsed
    print(f"1. Throughput: {new} new articles in {elapsed:.1f} s, "
          f"{len(site.hits('/wp-json'))} REST requests")
    print(f"   articles/s                        : {rate:7.1f}   (goal >= {GOAL_RATE:.0f})")
    print(f"2. Peak RSS, whole process tree      : {peak:7.1f} MB (goal <= {GOAL_RSS:.0f} MB)")
    print(f"   exit {proc.returncode}; {out.strip().splitlines()[-1][:110]}")
    return elapsed


def bench_resume(site: HistorySite, config: Path, workdir: Path, full_run: float,
                 seed: int) -> None:
    db = workdir / "resume.db"
    moment = random.Random(seed).uniform(0.1, 0.9) * full_run
    before = time.monotonic()
    proc = start(config, db)
    time.sleep(moment)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed = time.monotonic()
    asked_before = windows_asked(site, before, killed)
    rerun = subprocess.run(command(config, db), capture_output=True, text=True, cwd=ROOT)
    asked_after = windows_asked(site, killed)
    again = asked_before & asked_after
    print(f"3. Resume: killed after {moment:.1f} s; windows asked before the kill "
          f"{len(asked_before)}, by the rerun {len(asked_after)}")
    print(f"   windows asked again by the rerun  : {len(again):7d}   "
          f"(goal <= {GOAL_WINDOWS}); rerun exit {rerun.returncode}: "
          f"{_new_articles(rerun.stdout)} new articles")


def _new_articles(out: str) -> int:
    for line in reversed(out.strip().splitlines()):
        if " new articles" in line:
            return int(line.split(": ", 1)[1].split()[0])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the kill moment (default: random)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    with HistorySite(posts=POSTS, first=FIRST, last=LAST, delay=0.1) as site, \
            tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        config = workdir / "feeds.toml"
        config.write_text(f'[[feeds]]\nname = "Site"\nurl = "{site.base}feed/"\n'
                          'backfill = "wordpress"\n', encoding="utf-8")
        print(f"Backfill of {POSTS:,} posts from a loopback WordPress-like site "
              f"(100 per page, 100 ms per answer, delay 0); {os.cpu_count()} cores")
        full_run = bench_run(site, config, workdir)
        print(f"   (resume seed {seed})")
        bench_resume(site, config, workdir, full_run, seed)


if __name__ == "__main__":
    main()
