"""The ``cambodia-risk`` command. Each subcommand's docstring is its help text.

Exit codes, for schedulers: 0 the run completed (some feeds may have failed; see the
summary), 1 fatal (the database cannot be reached), 2 bad usage, config or lexicon,
3 another refresh holds this database's lock.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from feeds import __version__, store
from feeds.config import (
    DEFAULT_ALERTS,
    DEFAULT_CONFIG,
    DEFAULT_DB_URL,
    DEMO_DIR,
    ENV_ALERTS,
    ENV_CONFIG,
    ENV_DB,
    ENV_LEXICONS,
    ENV_PUBLIC_URL,
    LEXICON_DIR,
    PROJECT_ROOT,
    ConfigError,
    Settings,
    load_feeds,
)
from feeds.lexicon import LexiconError, load_lexicons
from feeds.store import LockBusy, safe_url

EXIT_FATAL, EXIT_USAGE, EXIT_LOCKED = 1, 2, 3
# Each command imports its own machinery (ingest, scoring, Streamlit) when it runs, so
# `--help` and a mistyped option answer at once; that is the only reason for the imports
# inside the commands below.

db_option = click.option(
    "--db", "db_url", envvar=ENV_DB, default=DEFAULT_DB_URL, show_default=True,
    help=f"Database URL: sqlite:///path.db or postgresql://user@host/db (env {ENV_DB}).",
)
config_option = click.option(
    "--config", "config_path", envvar=ENV_CONFIG, default=str(DEFAULT_CONFIG),
    show_default=True, type=click.Path(dir_okay=False, path_type=Path),
    help=f"Feeds list, TOML (env {ENV_CONFIG}).",
)
lexicon_option = click.option(
    "--lexicons", "lexicon_dir", envvar=ENV_LEXICONS, default=str(LEXICON_DIR),
    show_default=True, type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder of lexicon files: terms, actors, places, sentiment (env {ENV_LEXICONS}).",
)


def fail(message: str, code: int) -> None:
    click.echo(f"cambodia-risk: {message}", err=True)
    sys.exit(code)


@contextlib.contextmanager
def exit_codes(db_url: str, locked: str = "{}") -> Iterator[None]:
    """The one mapping from what can go wrong to a one-line message and an exit code.

    ``locked`` words the lock message for the command (``{}`` is the lock's own text).
    """
    try:
        yield
    except LockBusy as exc:
        fail(locked.format(exc), EXIT_LOCKED)
    except (ConfigError, LexiconError) as exc:
        prefix = "lexicon error: " if isinstance(exc, LexiconError) else ""
        fail(f"{prefix}{exc}", EXIT_USAGE)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)


class Duration(click.ParamType):
    """30s, 15m, 2h or 1d."""

    name = "duration"
    _units = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return float(value)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", str(value))
        if not match or float(match.group(1)) <= 0:
            self.fail(f"{value!r} is not a duration like 30m, 2h or 90s", param, ctx)
        return float(match.group(1)) * self._units[match.group(2)]


@click.group()
@click.version_option(__version__, prog_name="cambodia-risk")
def cli():
    """Cambodia Risk Monitor: collect Cambodia news, score its political risk, show why."""


def _settings(db_url: str, lexicon_dir: Path | None = None) -> Settings:
    settings = Settings(db_url=db_url)
    if lexicon_dir is not None:
        settings.lexicon_dir = lexicon_dir
    return settings


def _load_feeds_or_exit(config_path: Path):
    with exit_codes(""):
        return load_feeds(config_path)


@cli.command()
@config_option
@db_option
@lexicon_option
@click.option("--force", is_flag=True, help="Try every feed, even those backing off.")
@click.option("--every", type=Duration(), default=None,
              help="Keep running: refresh, then wait this long (30m, 2h). For hosts without cron.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--alerts", "alerts_path", envvar=ENV_ALERTS, type=Path,
              default=None, help="Alert rules evaluated after each run "
              f"(env {ENV_ALERTS}; default data/alerts.toml when present).")
def refresh(config_path, db_url, lexicon_dir, force, every, as_json, alerts_path):
    """Fetch the feeds once and store new articles, scored; then evaluate the alert rules."""
    from feeds.alerts.commands import after_refresh, rules_from
    from feeds.ingest.refresh import run_refresh

    feeds = _load_feeds_or_exit(config_path)
    with exit_codes(db_url):  # a broken rule stops here, before any fetching
        rules = rules_from(alerts_path or DEFAULT_ALERTS, missing_ok=alerts_path is None)
    settings = _settings(db_url, lexicon_dir)
    while True:
        enabled = sum(1 for f in feeds if f.enabled)
        show_bar = sys.stderr.isatty() and not as_json
        with exit_codes(db_url, locked="{}; not starting a second run"):
            try:
                if show_bar:
                    with click.progressbar(length=enabled, label="Refreshing feeds",
                                           file=sys.stderr, show_pos=True) as bar:
                        summary = run_refresh(settings, feeds, force=force,
                                              on_feed_done=lambda _o: bar.update(1))
                else:
                    summary = run_refresh(settings, feeds, force=force)
            except LockBusy as exc:
                if every is None:
                    raise
                click.echo(f"cambodia-risk: {exc}; skipping this round", err=True)
            else:
                click.echo(summary.to_json() if as_json else summary.line())
                for line in after_refresh(db_url, rules):
                    click.echo(f"cambodia-risk: {line}" if line.startswith("alerts not")
                               else line, err=True)
        if every is None:
            return
        try:
            time.sleep(every)
        except KeyboardInterrupt:
            return


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Published on or after this date (UTC).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Published on or before this date (UTC); a bare date includes the day.")
@click.option("--with-text", is_flag=True, help="Include each article's clean text.")
@click.option("--all", "include_all", is_flag=True,
              help="Include articles judged not about Cambodia.")
@click.option("--out", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Write here instead of standard output.")
def export(db_url, fmt, since, until, with_text, include_all, out):
    """Write articles with their scores as CSV or JSON Lines."""
    from feeds.store import export as exporter

    if since and until and since > until:
        fail("--since is after --until", EXIT_USAGE)
    if until is not None and until.time() == until.min.time():
        until = until.date()  # a bare date means the whole day
    engine = store.make_engine(db_url)
    try:
        with exit_codes(db_url):
            store.migrate(engine)
            with engine.connect() as conn:
                rows = exporter.records(conn, since=since, until=until,
                                        relevant_only=not include_all, with_text=with_text)
                if fmt == "csv":
                    exporter.write_csv(rows, out, with_text=with_text)
                else:
                    exporter.write_jsonl(rows, out)
    finally:
        engine.dispose()


@cli.command()
@db_option
@config_option
@lexicon_option
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Scoring processes (default: one per CPU core).")
def rescore(db_url, config_path, lexicon_dir, workers):
    """Re-apply the lexicon files to every stored article (no refetch)."""
    from feeds.demo import DEMO_CONFIG
    from feeds.rescore import article_count
    from feeds.rescore import rescore as run_rescore

    always = set()
    for path in (config_path, DEMO_DIR / DEMO_CONFIG):
        if Path(path).exists():
            always |= {f.name for f in _load_feeds_or_exit(Path(path)) if f.always_relevant}
    settings = _settings(db_url, lexicon_dir)
    started = time.monotonic()
    with exit_codes(db_url, locked="{}; try again when it finishes"):
        load_lexicons(lexicon_dir)  # a bad edit stops here, before any work
        total = article_count(db_url) if not db_url.endswith(":memory:") else 0
        with click.progressbar(length=total, label="Rescoring", file=sys.stderr,
                               show_pos=True) as bar:
            done = run_rescore(settings, always, workers=workers, on_batch=bar.update)
    click.echo(f"rescored {done} articles in {time.monotonic() - started:.1f}s")


@cli.command()
@db_option
@lexicon_option
def demo(db_url, lexicon_dir):
    """Load the bundled demo corpus through the real pipeline (offline, idempotent)."""
    from feeds.demo import load_demo

    with exit_codes(db_url):
        summary = load_demo(_settings(db_url, lexicon_dir))
    click.echo(summary.line())


@cli.command()
@db_option
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; 0.0.0.0 serves the whole network.")
@click.option("--base-url-path", default="", help="Path prefix when behind a reverse proxy.")
@click.option("--no-demo", is_flag=True, help="Do not load the demo into an empty database.")
def dashboard(db_url, port, host, base_url_path, no_demo):
    """Start the dashboard (loads the demo first when the database is empty)."""
    from feeds.demo import database_is_empty, load_demo

    with exit_codes(db_url):
        if not no_demo and database_is_empty(db_url):
            click.echo("Empty database: loading the demo corpus first "
                       "(use --no-demo to skip).", err=True)
            click.echo(load_demo(_settings(db_url)).line(), err=True)
    app = PROJECT_ROOT / "dashboard" / "app.py"
    args = [sys.executable, "-m", "streamlit", "run", str(app),
            "--server.port", str(port), "--server.address", host,
            "--browser.gatherUsageStats", "false"]
    if base_url_path:
        args += ["--server.baseUrlPath", base_url_path.strip("/")]
    env = dict(os.environ, **{ENV_DB: db_url})
    os.chdir(PROJECT_ROOT)  # Streamlit reads .streamlit/config.toml from here
    os.execve(sys.executable, args, env)


alerts_option = click.option(
    "--alerts", "alerts_path", envvar=ENV_ALERTS, default=str(DEFAULT_ALERTS),
    show_default=True, type=click.Path(dir_okay=False, path_type=Path),
    help=f"Alert rules, TOML (env {ENV_ALERTS}).",
)


@cli.group()
def alerts():
    """Alert rules: evaluate and deliver them, or send a test message."""


@alerts.command("run")
@db_option
@alerts_option
@click.option("--dry-run", is_flag=True,
              help="Say what would fire, with the messages; record and send nothing.")
def alerts_run(db_url, alerts_path, dry_run):
    """Evaluate the alert rules now and deliver what fires, plus any retries due."""
    from feeds.alerts.commands import rules_from, run_now

    with exit_codes(db_url):
        report, lines = run_now(db_url, rules_from(alerts_path), dry_run=dry_run)
    for line in lines:
        click.echo(line)
    click.echo(report.line())
    for error in report.errors:
        click.echo(f"  {error}", err=True)


@alerts.command("test")
@db_option
@alerts_option
@click.option("--rule", "rule_name", required=True, help="The rule whose destinations to try.")
def alerts_test(db_url, alerts_path, rule_name):
    """Send a sample message to one rule's destinations, to check they are connected
    (for a brief rule: last week's brief from the database)."""
    from feeds.alerts.commands import rules_from, send_sample

    with exit_codes(""):
        rules = rules_from(alerts_path)
    rule = rules.by_name(rule_name)
    if rule is None:
        known = ", ".join(r.name for r in rules.rules) or "none"
        fail(f"no rule named {rule_name!r} in {alerts_path} (rules: {known})", EXIT_USAGE)
    with exit_codes(db_url):
        sent, errors = send_sample(rule, db_url)
    for line in sent:
        click.echo(line)
    for line in errors:
        click.echo(f"cambodia-risk: {line}", err=True)
    if errors:
        sys.exit(EXIT_FATAL)


@cli.command()
@db_option
@click.option("--week", help="An ISO week, 2025-W31 (default: the last full week).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (with --until).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf"]), default="html",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (default: brief-<first day>-<last day>.<format>).")
def brief(db_url, week, since, until, fmt, out):
    """Write the weekly brief: headline changes, charts, top stories, actors, coverage."""
    from datetime import date

    from feeds.brief import BriefError, iso_week, last_full_week, write_brief

    try:
        if week and (since or until):
            raise BriefError("give --week or --since/--until, not both")
        if bool(since) != bool(until):
            raise BriefError("--since and --until go together")
        start, end = (iso_week(week) if week else (since.date(), until.date()) if since
                      else last_full_week(date.today()))
        out = out or Path(f"brief-{start.isoformat()}-{end.isoformat()}.{fmt}")
        with exit_codes(db_url):
            engine = store.make_engine(db_url)
            store.migrate(engine)
            write_brief(engine, start, end, fmt, out,
                        public_url=os.environ.get(ENV_PUBLIC_URL))
    except BriefError as exc:
        fail(str(exc), EXIT_USAGE)
    click.echo(f"wrote {out}")


if __name__ == "__main__":
    cli()
