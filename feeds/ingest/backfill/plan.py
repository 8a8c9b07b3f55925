"""``--dry-run``: what a backfill would do, from the feeds list and the checkpoints alone
(no request is sent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.backfill import checkpoints
from feeds.store import backfill as progress


def plan_backfill(settings: Settings, feeds: list[FeedConfig], *, since: datetime,
                  until: datetime, delay: float | None = None) -> list[dict]:
    """Per feed: the method, windows in range, already finished, left to fetch, and the
    least time the requests for them take at the pause between requests."""
    policy = settings.backfill
    engine = store.make_engine(settings.db_url)
    try:
        store.migrate(engine)
        with engine.connect() as conn:
            ids = {name: fid for fid, name in conn.exec_driver_sql("SELECT id, name FROM feeds")}
            plans = []
            for cfg in feeds:
                known = progress.states(conn, ids[cfg.name]) if cfg.name in ids else {}
                method = cfg.backfill
                if method == "auto":
                    working = [m for m, r in known.items()
                               if r["state"] in ("in_progress", "done") and m != "auto"]
                    method = working[0] if working else "auto"
                pause = cfg.backfill_delay if cfg.backfill_delay is not None else (
                    policy.delay if delay is None else delay)
                plan = {"feed": cfg.name, "method": method, "windows": None,
                        "finished": None, "to_fetch": None, "least_seconds": None}
                days = {"wordpress": policy.wordpress_window_days,
                        "sitemap": policy.sitemap_window_days,
                        "gdelt": policy.gdelt_window_days}.get(method)
                if days:
                    reach = store.utcnow() - timedelta(days=policy.gdelt_reach_days)
                    start = max(since, reach) if method == "gdelt" else since
                    windows = checkpoints.grid(start, until, days)
                    done = progress.finished_windows(conn, ids[cfg.name], method) \
                        if cfg.name in ids else set()
                    todo = len(list(checkpoints.pending(windows, done)))
                    if method == "gdelt":
                        pause = max(pause, policy.gdelt_interval)
                    plan.update(windows=len(windows), finished=len(windows) - todo,
                                to_fetch=todo, least_seconds=round(todo * pause, 1))
                plans.append(plan)
            return plans
    finally:
        engine.dispose()
