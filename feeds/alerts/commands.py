"""What the ``alerts`` commands and the refresh's alerts step do, apart from click.

``feeds/cli.py`` owns the options, the messages' prefix and the exit codes; this module
does the work and returns the lines to print, every one already through the mask.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from feeds.alerts.destinations import DestinationError, Destinations
from feeds.alerts.message import build
from feeds.alerts.rules import Rule, RuleSet, load_rules
from feeds.config import ENV_PUBLIC_URL, ConfigError
from feeds.store import make_engine, migrate

# feeds.alerts.run (evaluation, pandas) is imported when rules run, not when a command
# only checks its rules file.


def rules_from(path: Path, *, missing_ok: bool = False) -> RuleSet:
    """The rule set at ``path``; no rules when a default file is absent.
    Raises AlertRulesError (a ConfigError: exit code 2)."""
    if missing_ok and not Path(path).exists():
        return RuleSet()
    return load_rules(path)


class LiveRules:
    """The alert rules of a refresh, read again before each run's alerts step.

    ``refresh --every`` runs for weeks; an analyst who edits the rules file expects the
    next cycle to use it, without restarting the job. The first read happens here, when
    the command starts, and raises (exit code 2: nothing has been fetched yet). A later
    read that fails (a typo, a file half-saved by an editor, a file made unreadable)
    must not stop a monitor that was working: the last rules read without error stay
    in use (rather than none, so a typo does not silence the alerts), and
    :meth:`reload` says so in a line for stderr. Every cycle reads the file again, so
    the line repeats until the file is fixed, and the fix is used at once.
    """

    def __init__(self, path: Path, *, missing_ok: bool = False) -> None:
        self.path, self.missing_ok = Path(path), missing_ok
        self.rules = rules_from(self.path, missing_ok=missing_ok)

    def reload(self) -> str | None:
        """Read the file again; None when it worked, else the line saying why not."""
        try:
            self.rules = rules_from(self.path, missing_ok=self.missing_ok)
        except ConfigError as exc:
            why = str(exc)
        except OSError as exc:  # unreadable: permissions, a folder in its place
            why = f"{self.path}: cannot be read: {exc.strerror or exc}"
        else:
            return None
        kept = len(self.rules.rules)
        return (f"alerts not reloaded: {why}; this run used the {kept} rule(s) last read "
                "without error")


def run_now(db_url: str, rules: RuleSet, *, dry_run: bool = False,
            destinations: Destinations | None = None) -> tuple:
    """Run the rules against ``db_url``: (the RunReport, for a dry run the messages)."""
    from feeds.alerts.run import run_alerts

    engine = make_engine(db_url)
    try:
        migrate(engine)
        report = run_alerts(engine, rules, public_url=os.environ.get(ENV_PUBLIC_URL),
                            destinations=destinations or Destinations(), dry_run=dry_run)
    finally:
        engine.dispose()
    lines = []
    for firing in report.fired if dry_run else ():
        event = {"rule": firing.rule.name, "kind": firing.rule.kind,
                 "subject": firing.subject, "title": firing.title, "reason": firing.reason,
                 "fired_at": datetime.now(), "window_start": firing.window_start,
                 "window_end": firing.window_end, "evidence": firing.evidence(),
                 "link": firing.link}
        lines += [f"--- {firing.rule.name} → {', '.join(firing.rule.destinations)}",
                  build(event).body]
    return report, lines


def after_refresh(db_url: str, rules: RuleSet) -> list[str]:
    """The alerts step at the end of a refresh: the lines for stderr. Never raises.

    The refresh's exit code belongs to the refresh: an alert that cannot be sent now is
    retried by the next run, and a failure here is reported without failing the job.
    """
    if not rules.rules:
        return []
    destinations = Destinations()
    try:
        report, _ = run_now(db_url, rules, destinations=destinations)
    except Exception as exc:  # noqa: BLE001 - the refresh itself succeeded
        return [f"alerts not evaluated: {destinations.mask(f'{type(exc).__name__}: {exc}')}"]
    lines = []
    if report.fired or report.sent or report.failed or report.expired or report.errors:
        lines.append(report.line())  # a quiet run stays quiet in the cron log
    return lines + [f"  {error}" for error in report.errors]


def send_sample(rule: Rule, db_url: str | None = None) -> tuple[list[str], list[str]]:
    """A test message to each of the rule's destinations: (sent lines, error lines).

    For a brief rule with a database, the sample is the real brief of the last full week,
    attached as it will be on schedule.
    """
    import tempfile
    from datetime import timedelta

    from feeds.alerts.deliver import DeliveryError, send

    now = datetime.now()
    public = os.environ.get(ENV_PUBLIC_URL)
    event = {"rule": rule.name, "kind": rule.kind, "subject": "test",
             "title": f"Test message for rule {rule.name}",
             "reason": "sent by `cambodia-risk alerts test`; nothing has fired",
             "fired_at": now, "window_start": now, "window_end": now,
             "evidence": {"figures": {}, "articles": []},
             "link": public.rstrip("/") + "/" if public else None}
    destinations = Destinations()
    sent, errors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        message, files = build(event), []
        if rule.kind == "brief" and db_url:
            from feeds.alerts.brief_mail import brief_message
            from feeds.brief import last_full_week

            start, end = last_full_week(now.date())
            event.update(window_start=datetime.combine(start, datetime.min.time()),
                         window_end=datetime.combine(end + timedelta(days=1),
                                                     datetime.min.time()))
            engine = make_engine(db_url)
            try:
                migrate(engine)
                message, files = brief_message(engine, event, message, Path(tmp), public)
            finally:
                engine.dispose()
        for name in rule.destinations:
            try:
                send(destinations.get(name), message, destinations.mask, files)
                sent.append(f"sent a test message to {name!r}")
            except (DeliveryError, DestinationError) as exc:
                errors.append(f"{name!r}: {destinations.mask(exc)}")
    return sent, errors
