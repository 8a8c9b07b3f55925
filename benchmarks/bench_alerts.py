"""Alert evaluation and the weekly brief on a 200,000-article database, beside the goals.

    .venv/bin/python benchmarks/bench_alerts.py                   # SQLite (generated once)
    .venv/bin/python benchmarks/gen_db.py --db postgresql://postgres@127.0.0.1/cr_bench_alerts \
        --articles 200000 --replace     # a database of its own: this adds the alert tables
    .venv/bin/python benchmarks/bench_alerts.py --db postgresql://postgres@127.0.0.1/cr_bench_alerts

Figures on the build machine (2 shared cores), 279 / 431 alerts firing at once:

    SQLite      first run 0.19 s, rerun 0.10 s, dry run 0.10 s; brief 0.31 s, PDF 1.1 s
    PostgreSQL  first run 0.36 s, rerun 0.28 s, dry run 0.13 s; brief 0.34 s, PDF 1.5 s

Goals (issue 12): 50 rules evaluated at the end of a refresh in <= 0.5 s; the brief for
one week written in <= 5 s.

The SQLite database is ``benchmarks/out/bench-200k.db`` (made by ``gen_db.py`` when
missing), copied to ``bench-200k-alerts.db`` so the alert tables this adds never touch
the file other benchmarks reuse. "Now" is the newest article's fetch time, so the rules'
windows hold the generator's latest articles.

Measured, each as the median of several runs in one process (as at the end of a refresh):
* the first run: evaluate 50 rules, claim cool-downs, record what fired (no destination
  is configured, so each delivery fails at once and is left pending, as in production
  before anyone connects Slack);
* a rerun at the same moment: everything is in its cool-down, nothing is recorded;
* the brief for the last full week, as HTML (figures, chart images, summary), and PDF.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select  # noqa: E402

from feeds import store  # noqa: E402
from feeds.alerts import Destinations, parse_rules, run_alerts  # noqa: E402
from feeds.brief import last_full_week, write_brief  # noqa: E402
from feeds.store import schema  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
SOURCE_DB = OUT / "bench-200k.db"
GOAL_RULES_S = 0.5
GOAL_BRIEF_S = 5.0

CATEGORIES = ["security_military", "sanctions_trade", "arrests_legal", "unrest_protest",
              "political_crisis", "land_labour", "media_civil_society"]
ACTORS = ["Hun Manet", "Hun Sen", "Sam Rainsy", "Kem Sokha", "Sar Kheng"]


def fifty_rules():
    """20 surge, 15 watch, 10 high-risk and 5 silence rules, in the shapes teams write."""
    rules = []
    for i in range(20):
        rules.append({"name": f"surge-{i}", "kind": "surge",
                      "by": "category" if i % 2 == 0 else "actor",
                      "measure": "count" if i % 4 < 2 else "mean_risk",
                      "window": ["6h", "24h", "3d", "7d"][i % 4],
                      "baseline": ["14d", "28d"][i % 2], "min_ratio": 1.2 + (i % 5) / 10,
                      "min_count": 2, "destinations": ["team"]})
    for i in range(15):
        rules.append({"name": f"watch-{i}", "kind": "watch", "window": "24h",
                      "actors": ACTORS[i % 5:i % 5 + 2],
                      "terms": [["border", "arrest", "protest"][i % 3]],
                      "min_risk": float(i * 3), "destinations": ["team"]})
    for i in range(10):
        rules.append({"name": f"high-{i}", "kind": "high_risk", "window": "24h",
                      "threshold": 50.0 + i * 5, "destinations": ["team"]})
    for i in range(5):
        rules.append({"name": f"silence-{i}", "kind": "silence", "after": f"{6 + i * 6}h",
                      "destinations": ["team"]})
    return parse_rules({"rules": rules}, source="bench")


def sqlite_db() -> str:
    if not SOURCE_DB.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_db.py"), "--db",
                        f"sqlite:///{SOURCE_DB}", "--articles", "200000"], check=True)
    copy = OUT / "bench-200k-alerts.db"
    if not copy.exists() or copy.stat().st_mtime < SOURCE_DB.stat().st_mtime:
        shutil.copyfile(SOURCE_DB, copy)
    return f"sqlite:///{copy}"


def reset_alerts(engine) -> None:
    with engine.begin() as conn:
        for table in (schema.alert_deliveries, schema.alert_events, schema.alert_cooldowns):
            conn.execute(delete(table))


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def line(name: str, seconds: float, goal: float) -> None:
    verdict = "ok" if seconds <= goal else "OVER GOAL"
    print(f"{name:<44} {seconds:7.3f} s   goal <= {goal:g} s   {verdict}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="database URL (default: the generated 200k SQLite file)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    url = args.db or sqlite_db()
    engine = store.make_engine(url)
    store.migrate(engine)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
        now = conn.execute(select(func.max(schema.articles.c.fetched_at))).scalar()
    print(f"database: {store.normalise_url(url).split('@')[-1]}  ({count:,} articles; "
          f"now = {now:%Y-%m-%d %H:%M})")
    rules = fifty_rules()
    nowhere = Destinations({}, file=Path("/nonexistent"))

    def first():
        reset_alerts(engine)
        return run_alerts(engine, rules, now=now, destinations=nowhere)

    report = first()
    first_runs = timed(first, args.repeat)
    rerun = timed(lambda: run_alerts(engine, rules, now=now, destinations=nowhere),
                  args.repeat)
    dry = timed(lambda: run_alerts(engine, rules, now=now + timedelta(seconds=1),
                                   destinations=nowhere, dry_run=True), args.repeat)
    print(f"50 rules: {len(report.fired)} fired on the first run "
          f"({', '.join(sorted({f.rule.kind for f in report.fired}))})")
    line("50 rules, first run (evaluate + record)", statistics.median(first_runs), GOAL_RULES_S)
    line("50 rules, rerun (all cooling down)", statistics.median(rerun), GOAL_RULES_S)
    line("50 rules, dry run", statistics.median(dry), GOAL_RULES_S)

    start, end = last_full_week(now.date())
    with tempfile.TemporaryDirectory() as tmp:
        html = timed(lambda: write_brief(engine, start, end, "html", Path(tmp) / "b.html"),
                     max(2, args.repeat // 2))
        line(f"brief {start}..{end}, HTML (first in process)", html[0], GOAL_BRIEF_S)
        line(f"brief {start}..{end}, HTML (median)", statistics.median(html), GOAL_BRIEF_S)
        if shutil.which("chromium"):
            pdf = timed(lambda: write_brief(engine, start, end, "pdf", Path(tmp) / "b.pdf"), 1)
            line(f"brief {start}..{end}, PDF via Chromium", pdf[0], GOAL_BRIEF_S)
    reset_alerts(engine)
    engine.dispose()


if __name__ == "__main__":
    main()
