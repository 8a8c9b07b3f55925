"""The ``feeds`` and ``refresh_runs`` tables: ~30 feeds of skewed volume, a few failing,
and a few dozen runs every three hours."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from gen.vocab import FEEDS
from gen.writer import ts


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:60]


def feed_rows(rng: random.Random, now: datetime) -> list[tuple]:
    rows = []
    for i, (name, host, _vol, _lang, status) in enumerate(FEEDS, start=1):
        failed = status in ("failed", "waiting")
        last_ok = (
            now - timedelta(hours=rng.uniform(0.2, 2))
            if not failed
            else (now - timedelta(days=rng.uniform(2, 20)))
        )
        rows.append(
            (
                i,
                name,
                f"https://{host}/feed/{slug(name)}.xml",
                f'W/"{rng.getrandbits(48):x}"' if rng.random() < 0.6 else None,
                (now - timedelta(hours=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
                if rng.random() < 0.5
                else None,
                ts(now - timedelta(minutes=rng.uniform(5, 60))),
                ts(last_ok),
                status,
                (
                    "HTTP 503 Service Unavailable"
                    if status == "failed"
                    else "timed out after 20 s"
                    if status == "waiting"
                    else None
                ),
                rng.randint(3, 9) if failed else 0,
                ts(now + timedelta(hours=2)) if status == "waiting" else None,
                rng.randint(80, 2500),
                rng.randint(10, 100),
            )
        )
    return rows


def run_rows(rng: random.Random, now: datetime, n_runs: int = 40) -> list[tuple]:
    rows = []
    for i in range(n_runs):
        started = now - timedelta(hours=(n_runs - i) * 3 + rng.uniform(0, 0.5))
        finished = started + timedelta(seconds=rng.uniform(20, 240))
        bad = rng.randint(0, 4)
        unchanged = rng.randint(0, 12)
        rows.append(
            (
                i + 1,
                ts(started),
                ts(finished) if i != n_runs - 5 else None,
                len(FEEDS) - bad - unchanged,
                bad,
                unchanged,
                rng.randint(0, 2),
                rng.randint(0, 400),
                "demo" if i == 0 else "refresh",
            )
        )
    return rows
