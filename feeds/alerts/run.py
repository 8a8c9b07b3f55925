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

from sqlalchemy import Connection, Engine, and_, insert, select, update

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


def claim(conn: Connection, rule: str, subjects: list[str], now: datetime,
          until: datetime) -> set[str]:
    """Take the cool-downs for (rule, subject) that are free; return the subjects won.

    New subjects are inserted (a conflict means another run has it); expired ones are
    taken over with a conditional update. RETURNING says which rows this caller wrote:
    psycopg reports no rowcount for ON CONFLICT statements.
    """
    rows = [{"rule": rule, "subject": s, "fired_at": now, "until": until} for s in subjects]
    won = set(conn.execute(_dialect_insert(conn)(C).values(rows).on_conflict_do_nothing()
                           .returning(C.c.subject)).scalars())
    rest = [s for s in subjects if s not in won]
    if rest:
        won |= set(conn.execute(
            update(C).where(C.c.rule == rule, C.c.subject.in_(rest), C.c.until <= now)
            .values(fired_at=now, until=until).returning(C.c.subject)).scalars())
    return won


def cooling_reader(conn: Connection, now: datetime):
    def cooling(rule: str, subjects: list[str]) -> set[str]:
        if not subjects:
            return set()
        rows = conn.execute(select(C.c.subject).where(
            C.c.rule == rule, C.c.subject.in_(subjects), C.c.until > now)).scalars()
        return set(rows)
    return cooling


def record(conn: Connection, firing: Firing, now: datetime) -> int | None:
    """Claim and record one firing with its deliveries; None when another run had it."""
    until = now + (firing.cooldown or firing.rule.effective_cooldown)
    if not claim(conn, firing.rule.name, list(firing.claims or (firing.subject,)), now, until):
        return None
    event_id = conn.execute(insert(E).values(
        rule=firing.rule.name, kind=firing.rule.kind, subject=firing.subject, fired_at=now,
        window_start=firing.window_start, window_end=firing.window_end, title=firing.title,
        reason=firing.reason, evidence=json.dumps(firing.evidence(), ensure_ascii=False),
        link=firing.link,
    ).returning(E.c.id)).scalar_one()
    conn.execute(insert(D), [
        {"event_id": event_id, "destination": name, "status": "pending", "attempts": 0,
         "created_at": now, "next_attempt_at": now}
        for name in firing.rule.destinations
    ])
    return event_id


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
    # Expired deliveries and destinations nobody has configured are settled together in
    # one transaction; a burst of alerts before Slack is connected costs one commit.
    sendable = []
    with engine.begin() as conn:
        for row in due:
            mine = _unchanged(row)
            if row["created_at"] + settings.expire_after < now:
                report.expired += conn.execute(update(D).where(mine).values(
                    status="expired")).rowcount
                continue
            try:
                sendable.append((row, destinations.get(row["destination"])))
            except DestinationError as exc:
                _failed(conn, row, mine, destinations.mask(exc), settings, now, report)
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


def _failed(conn, row, where, error: str, settings: Settings, now: datetime,
            report: RunReport) -> None:
    attempts = row["attempts"] + 1
    if not conn.execute(update(D).where(where).values(
            attempts=attempts, last_error=error,
            next_attempt_at=now + backoff(settings, attempts))).rowcount:
        return
    report.failed += 1
    report.errors.append(f"{row['rule']} → {row['destination']}: {error}")
    log.info("alert delivery failed: %s → %s: %s", row["rule"], row["destination"], error)


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
        report.fired = [f for f in firings if record(conn, f, now) is not None]
    deliver_due(engine, rules.settings, destinations, now, report, public_url)
    return report
