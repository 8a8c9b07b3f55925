"""The ``alerts`` and ``brief`` commands, and the alerts step at the end of a refresh.

Kept apart from ``feeds/cli.py`` so the main command stays small; ``cli.py`` registers
these. Every message printed here about a destination has passed through its mask.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from feeds.cli import EXIT_FATAL, EXIT_USAGE, _safe_url, db_option, fail
from feeds.config import DEFAULT_ALERTS, ENV_ALERTS, ENV_PUBLIC_URL

alerts_option = click.option(
    "--alerts", "alerts_path", envvar=ENV_ALERTS, default=str(DEFAULT_ALERTS),
    show_default=True, type=click.Path(dir_okay=False, path_type=Path),
    help=f"Alert rules, TOML (env {ENV_ALERTS}).",
)


def load_rules_or_exit(path: Path, *, missing_ok: bool = False):
    """The rule set, or exit 2 with the one-line reason. A missing default file is no rules."""
    from feeds.alerts import AlertRulesError, RuleSet, load_rules

    if missing_ok and not Path(path).exists():
        return RuleSet()
    try:
        return load_rules(path)
    except AlertRulesError as exc:
        fail(str(exc), EXIT_USAGE)


def _engine(db_url: str):
    from feeds import store

    engine = store.make_engine(db_url)
    store.migrate(engine)
    return engine


def run_after_refresh(db_url: str, rules) -> None:
    """Evaluate and deliver after a refresh; report on stderr, never raise.

    The refresh's exit code belongs to the refresh: an alert that cannot be sent now is
    retried by the next run, and a broken rule shows up here without failing the job.
    """
    if not rules.rules:
        return
    from feeds.alerts import Destinations, run_alerts

    destinations = Destinations()
    try:
        engine = _engine(db_url)
        try:
            report = run_alerts(engine, rules, public_url=os.environ.get(ENV_PUBLIC_URL),
                                destinations=destinations)
        finally:
            engine.dispose()
    except Exception as exc:  # noqa: BLE001 - the refresh itself succeeded
        click.echo(f"cambodia-risk: alerts not evaluated: "
                   f"{destinations.mask(type(exc).__name__ + ': ' + str(exc))}", err=True)
        return
    if report.fired or report.sent or report.failed or report.expired or report.errors:
        click.echo(report.line(), err=True)  # a quiet run stays quiet in the cron log
    for error in report.errors:
        click.echo(f"  {error}", err=True)


@click.group()
def alerts():
    """Alert rules: evaluate and deliver them, or send a test message."""


@alerts.command("run")
@db_option
@alerts_option
@click.option("--dry-run", is_flag=True,
              help="Say what would fire, with the messages; record and send nothing.")
def alerts_run(db_url, alerts_path, dry_run):
    """Evaluate the alert rules now and deliver what fires, plus any retries due."""
    from feeds.alerts import Destinations, run_alerts
    from feeds.alerts.message import build

    rules = load_rules_or_exit(alerts_path)
    destinations = Destinations()
    try:
        engine = _engine(db_url)
        report = run_alerts(engine, rules, public_url=os.environ.get(ENV_PUBLIC_URL),
                            destinations=destinations, dry_run=dry_run)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
    if dry_run:
        for firing in report.fired:
            event = {"rule": firing.rule.name, "kind": firing.rule.kind,
                     "subject": firing.subject, "title": firing.title,
                     "reason": firing.reason, "fired_at": datetime.now(),
                     "window_start": firing.window_start, "window_end": firing.window_end,
                     "evidence": firing.evidence(), "link": firing.link}
            click.echo(f"--- {firing.rule.name} → {', '.join(firing.rule.destinations)}")
            click.echo(build(event).body)
    click.echo(report.line())
    for error in report.errors:
        click.echo(f"  {error}", err=True)


@alerts.command("test")
@db_option
@alerts_option
@click.option("--rule", "rule_name", required=True, help="The rule whose destinations to try.")
def alerts_test(db_url, alerts_path, rule_name):
    """Send a sample message to one rule's destinations, to check they are connected."""
    from feeds.alerts import DestinationError, Destinations
    from feeds.alerts.deliver import DeliveryError, send
    from feeds.alerts.message import build

    rules = load_rules_or_exit(alerts_path)
    rule = rules.by_name(rule_name)
    if rule is None:
        known = ", ".join(r.name for r in rules.rules) or "none"
        fail(f"no rule named {rule_name!r} in {alerts_path} (rules: {known})", EXIT_USAGE)
    now = datetime.now()
    public = os.environ.get(ENV_PUBLIC_URL)
    event = {"rule": rule.name, "kind": rule.kind, "subject": "test",
             "title": f"Test message for rule {rule.name}",
             "reason": "sent by `cambodia-risk alerts test`; nothing has fired",
             "fired_at": now, "window_start": now, "window_end": now,
             "evidence": {"figures": {}, "articles": []},
             "link": public.rstrip("/") + "/" if public else None}
    destinations = Destinations()
    failed = 0
    for name in rule.destinations:
        try:
            send(destinations.get(name), build(event), destinations.mask)
            click.echo(f"sent a test message to {name!r}")
        except (DeliveryError, DestinationError) as exc:
            failed += 1
            click.echo(f"cambodia-risk: {name!r}: {destinations.mask(exc)}", err=True)
    if failed:
        sys.exit(EXIT_FATAL)


def _week(value: str) -> tuple[date, date]:
    try:
        year, week = value.upper().split("-W")
        start = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO week like 2025-W31") from None
    return start, start + timedelta(days=6)


@click.command()
@db_option
@click.option("--week", help="An ISO week, 2025-W31 (default: the last full week).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (with --until).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf"]), default="html",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (default: brief-<period>.<format> in this folder).")
def brief(db_url, week, since, until, fmt, out):
    """Write the weekly brief: headline changes, charts, top stories, actors, coverage."""
    from feeds.brief import BriefError, last_full_week, write_brief

    if week and (since or until):
        fail("give --week or --since/--until, not both", EXIT_USAGE)
    if bool(since) != bool(until):
        fail("--since and --until go together", EXIT_USAGE)
    if week:
        try:
            start, end = _week(week)
        except click.BadParameter as exc:
            fail(exc.message, EXIT_USAGE)
    elif since:
        start, end = since.date(), until.date()
        if start > end:
            fail("--since is after --until", EXIT_USAGE)
    else:
        start, end = last_full_week(date.today())
    out = out or Path(f"brief-{start.isoformat()}-{end.isoformat()}.{fmt}")
    try:
        engine = _engine(db_url)
        write_brief(engine, start, end, fmt, out,
                    public_url=os.environ.get(ENV_PUBLIC_URL))
    except BriefError as exc:
        fail(str(exc), EXIT_USAGE)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
    click.echo(f"wrote {out}")
