"""One alerts run: evaluate, claim cool-downs, record, then work the delivery outbox.

Two phases, so a slow or broken destination never holds a database transaction:

1. In one transaction: evaluate every rule, claim each firing's cool-down (a
   conditional write: of two schedulers racing, exactly one wins), record the event
   and one pending delivery per destination. It commits all together or not at all.
2. For every due delivery: claim it (a conditional update with a short lease), send
   it, and record success, or the masked error and the next attempt (the wait doubles
   from ``retry_first`` up to ``retry_max``). A delivery older than ``expire_after`` is
   marked expired instead of sent. Nothing here raises for a destination's failure.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, and_, insert, select, tuple_, update

from feeds.alerts.deliver import DeliveryError, send
from feeds.alerts.destinations import DestinationError, Destinations
from feeds.alerts.evaluate import Firing, evaluate
from feeds.alerts.message import build
from feeds.alerts.rules import RuleSet, Settings
from feeds.store import schema, utcnow, write_turn

log = logging.getLogger("feeds.alerts")

E = schema.alert_events
C = schema.alert_cooldowns
D = schema.alert_deliveries
LEASE = timedelta(minutes=10)  # a claimed delivery is left alone this long by others


@dataclass
class RunReport:
    fired: list[Firing] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)  # masked
    dry_run: bool = False

    def line(self) -> str:
        verb = "would fire" if self.dry_run else "fired"
        text = f"alerts: {verb} {len(self.fired)}"
        if not self.dry_run:
            text += f", sent {self.sent}, failed {self.failed} (will retry)"
            if self.expired:
                text += f", expired {self.expired}"
        return text


def _dialect_insert(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert


def claim(conn: Connection, wanted: list[tuple[str, str, datetime]],
          now: datetime) -> set[tuple[str, str]]:
    """Take the free cool-downs among ``wanted`` (rule, subject, until); return the
    (rule, subject) pairs won.

    New subjects are inserted (a conflict means another run has them); expired ones are
    taken over with a conditional update. RETURNING says which rows this caller wrote
    (psycopg reports no rowcount for ON CONFLICT), so the batch costs a few statements.
    """
    if not wanted:
        return set()
    rows = [{"rule": r, "subject": s, "fired_at": now, "until": u} for r, s, u in wanted]
    stmt = (_dialect_insert(conn)(C).on_conflict_do_nothing()
            .returning(C.c.rule, C.c.subject))
    won = {(r, s) for r, s in conn.execute(stmt, rows)}
    expired: dict[datetime, list[tuple[str, str]]] = {}
    for r, s, u in wanted:
        if (r, s) not in won:
            expired.setdefault(u, []).append((r, s))
    for until, pairs in expired.items():
        won |= {(r, s) for r, s in conn.execute(
            update(C).where(tuple_(C.c.rule, C.c.subject).in_(pairs), C.c.until <= now)
            .values(fired_at=now, until=until).returning(C.c.rule, C.c.subject))}
    return won


def cooling_reader(conn: Connection, now: datetime):
    def cooling(rule: str, subjects: list[str]) -> set[str]:
        if not subjects:
            return set()
        rows = conn.execute(select(C.c.subject).where(
            C.c.rule == rule, C.c.subject.in_(subjects), C.c.until > now)).scalars()
        return set(rows)
    return cooling


def record(conn: Connection, firings: list[Firing], now: datetime) -> list[Firing]:
    """Claim and record firings with their deliveries; those another run had are dropped."""
    def keys(f: Firing) -> tuple[str, ...]:
        return f.claims or (f.subject,)

    won = claim(conn, [(f.rule.name, s, now + (f.cooldown or f.rule.effective_cooldown))
                       for f in firings for s in keys(f)], now)
    kept = [f for f in firings if any((f.rule.name, s) in won for s in keys(f))]
    if not kept:
        return []
    ids = conn.execute(insert(E).returning(E.c.id, sort_by_parameter_order=True), [
        {"rule": f.rule.name, "kind": f.rule.kind, "subject": f.subject, "fired_at": now,
         "window_start": f.window_start, "window_end": f.window_end, "title": f.title,
         "reason": f.reason, "evidence": json.dumps(f.evidence(), ensure_ascii=False),
         "link": f.link}
        for f in kept
    ]).scalars().all()
    conn.execute(insert(D), [
        {"event_id": event_id, "destination": name, "status": "pending", "attempts": 0,
         "created_at": now, "next_attempt_at": now}
        for f, event_id in zip(kept, ids, strict=True) for name in f.rule.destinations
    ])
    return kept


def backoff(settings: Settings, attempts: int) -> timedelta:
    return min(settings.retry_first * (2 ** max(0, attempts - 1)), settings.retry_max)


def deliver_due(engine: Engine, settings: Settings, destinations: Destinations,
                now: datetime, report: RunReport, public_url: str | None = None) -> None:
    """Send every delivery whose time has come; record each outcome."""
    with engine.connect() as conn:
        due = conn.execute(
            select(D.c.id, D.c.destination, D.c.attempts, D.c.created_at,
                   *[c for c in E.c if c.name != "id"])
            .join(E, E.c.id == D.c.event_id)
            .where(D.c.status == "pending", D.c.next_attempt_at <= now)
            .order_by(D.c.id)
        ).mappings().all()
    # Expired deliveries and destinations nobody has configured are settled in one
    # transaction, a statement per group: a burst of alerts before Slack is connected
    # costs a few statements, not a few per alert.
    sendable, expired, unrouted = [], {}, {}
    for row in due:
        if row["created_at"] + settings.expire_after < now:
            expired.setdefault(row["attempts"], []).append(row)
            continue
        try:
            sendable.append((row, destinations.get(row["destination"])))
        except DestinationError as exc:
            unrouted.setdefault((row["attempts"], destinations.mask(exc)), []).append(row)
    with engine.begin() as conn:
        for attempts, rows in expired.items():
            report.expired += len(_settle(conn, rows, attempts, status="expired"))
        for (attempts, error), rows in unrouted.items():
            done = _settle(conn, rows, attempts, attempts=attempts + 1, last_error=error,
                           next_attempt_at=now + backoff(settings, attempts + 1))
            for row in rows:
                if row["id"] in done:
                    _count_failure(report, row, error)
    for row, dest in sendable:
        with engine.begin() as conn:
            if not conn.execute(update(D).where(_unchanged(row)).values(
                    attempts=row["attempts"] + 1, next_attempt_at=now + LEASE)).rowcount:
                continue  # another run took it
        error = _send_one(engine, row, dest, destinations, public_url)
        with engine.begin() as conn:
            if error is None:
                conn.execute(update(D).where(D.c.id == row["id"]).values(
                    status="sent", sent_at=utcnow(), last_error=None))
                report.sent += 1
            else:
                _failed(conn, row, D.c.id == row["id"], error, settings, now, report)


def _unchanged(row):
    """This delivery, as long as no other run has touched it since it was read."""
    return and_(D.c.id == row["id"], D.c.status == "pending", D.c.attempts == row["attempts"])


def _settle(conn, rows: list, seen_attempts: int, **values) -> set[int]:
    """Update these deliveries unless another run touched them since; the ids updated."""
    return set(conn.execute(
        update(D).where(D.c.id.in_([r["id"] for r in rows]), D.c.status == "pending",
                        D.c.attempts == seen_attempts).values(**values).returning(D.c.id)
    ).scalars())


def _failed(conn, row, where, error: str, settings: Settings, now: datetime,
            report: RunReport) -> None:
    attempts = row["attempts"] + 1
    if conn.execute(update(D).where(where).values(
            attempts=attempts, last_error=error,
            next_attempt_at=now + backoff(settings, attempts))).rowcount:
        _count_failure(report, row, error)


def _count_failure(report: RunReport, row, error: str) -> None:
    report.failed += 1
    line = f"{row['rule']} → {row['destination']}: {error}"
    if line not in report.errors:  # one line per rule and destination, not per alert
        report.errors.append(line)
        log.info("alert delivery failed: %s", line)


def _send_one(engine: Engine, event: dict, dest, destinations: Destinations,
              public_url: str | None) -> str | None:
    """Send one stored event to one destination; the masked error, or None when sent."""
    try:
        message = build(event)
        if event["kind"] == "brief":
            from feeds.alerts.brief_mail import brief_message

            with tempfile.TemporaryDirectory() as tmp:
                message, files = brief_message(engine, event, message, Path(tmp),
                                               public_url)
                send(dest, message, destinations.mask, files)
        else:
            send(dest, message, destinations.mask)
    except (DeliveryError, DestinationError) as exc:
        return destinations.mask(exc)
    except Exception as exc:  # never let one delivery stop the others
        return destinations.mask(f"{type(exc).__name__}: {exc}")
    return None


def run_alerts(engine: Engine, rules: RuleSet, *, now: datetime | None = None,
               public_url: str | None = None, destinations: Destinations | None = None,
               dry_run: bool = False) -> RunReport:
    """Evaluate ``rules`` and deliver; with ``dry_run``, only say what would fire."""
    now = now or utcnow()
    destinations = destinations or Destinations()
    report = RunReport(dry_run=dry_run)
    if dry_run:
        with engine.connect() as conn:
            report.fired = evaluate(conn, rules, now, public_url=public_url,
                                    cooling=cooling_reader(conn, now), errors=report.errors)
        return report
    # The write turn (feeds.store.write_turn) from the first read: two runs at once take
    # turns, so the second sees the first's cool-downs, and a SQLite reader never has to
    # upgrade to a writer after someone else committed.
    with write_turn(engine) as conn:
        firings = evaluate(conn, rules, now, public_url=public_url,
                           cooling=cooling_reader(conn, now), errors=report.errors)
        report.fired = record(conn, firings, now)
    deliver_due(engine, rules.settings, destinations, now, report, public_url)
    return report
