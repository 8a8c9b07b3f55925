"""The ``cambodia-risk`` command. Each subcommand's docstring is its help text.

Exit codes, for schedulers: 0 the run completed (some feeds may have failed; see the
summary), 1 fatal (the database cannot be reached or created, or failed during the run),
2 bad usage (including a bad database URL, a missing database file for a command that
only reads, an out-of-range date or interval), config or lexicon, 3 another refresh (or,
for ``backfill``, another backfill) holds this database's lock, 4 the run lost its lock
midway (PostgreSQL) and stopped. A user's mistake is one line on stderr, never a
traceback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from feeds import __version__, store
from feeds.config import (
    DEFAULT_ALERTS,
    DEFAULT_CONFIG,
    DEFAULT_DB_PATH,
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
    allow_private_from_env,
    load_feeds,
    load_feeds_file,
)
from feeds.lexicon import LexiconError, load_lexicons
from feeds.store import (
    BadDatabaseUrl,
    DatabaseFault,
    DatabaseUnavailable,
    LockBusy,
    LockLost,
    safe_url,
)
from feeds.store.faults import short_reason

EXIT_FATAL, EXIT_USAGE, EXIT_LOCKED, EXIT_LOST_LOCK, EXIT_INTERRUPTED = 1, 2, 3, 4, 130
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
    except LockLost as exc:
        fail(str(exc), EXIT_LOST_LOCK)
    except (ConfigError, LexiconError) as exc:
        prefix = "lexicon error: " if isinstance(exc, LexiconError) else ""
        fail(f"{prefix}{exc}", EXIT_USAGE)
    except BadDatabaseUrl as exc:
        fail(str(exc), EXIT_USAGE)
    except DatabaseUnavailable as exc:
        fail(str(exc), EXIT_FATAL)
    except DatabaseFault as exc:  # the run stopped; no feed was blamed for it
        fail(f"cannot use the database {safe_url(db_url)}: {exc}", EXIT_FATAL)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {safe_url(db_url)}: {short_reason(exc.orig or exc)}",
             EXIT_FATAL)


class OutOfRange(click.ClickException):
    """A well-formed value outside what the command accepts: one line and exit 2 (a
    ``click.BadParameter`` would add the usage text around it)."""

    exit_code = EXIT_USAGE

    def __init__(self, param, value, why: str):
        name = param.opts[0] if param is not None and param.opts else "value"
        super().__init__(f"{name} {value}: {why}")

    def show(self, file=None) -> None:
        click.echo(f"cambodia-risk: {self.format_message()}", err=True)


class Duration(click.ParamType):
    """30s, 15m, 2h or 1d; at most 30 days (longer would overflow the sleep, and a feed
    monitor refreshed less than monthly is not monitoring)."""

    name = "duration"
    _units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    longest = 30 * 86400

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return float(value)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", str(value))
        if not match or float(match.group(1)) <= 0:
            self.fail(f"{value!r} is not a duration like 30m, 2h or 90s", param, ctx)
        seconds = float(match.group(1)) * self._units[match.group(2)]
        if seconds > self.longest:
            raise OutOfRange(param, value, "longer than the longest interval, 30d")
        return seconds


class Day(click.DateTime):
    """A date (or date and time) between 1900-01-01 and 2999-12-31: wide enough for any
    news archive, narrow enough that "the day after" never overflows."""

    name = "date"
    first, last = datetime(1900, 1, 1), datetime(2999, 12, 31, 23, 59, 59)

    def __init__(self):
        super().__init__(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])

    def convert(self, value, param, ctx):
        moment = super().convert(value, param, ctx)
        if not self.first <= moment <= self.last:
            raise OutOfRange(param, value, "out of range; use a date from 1900-01-01 to "
                             "2999-12-31")
        return moment


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
              default=None, help="Alert rules evaluated after each run, read again "
              f"each time (env {ENV_ALERTS}; default data/alerts.toml when present).")
def refresh(config_path, db_url, lexicon_dir, force, every, as_json, alerts_path):
    """Fetch the feeds once and store new articles, scored; then evaluate the alert rules."""
    from feeds.alerts.commands import LiveRules, after_refresh
    from feeds.ingest.refresh import run_refresh

    with exit_codes(db_url):  # a broken feeds file or rule stops here, before any fetching
        feeds_file = load_feeds_file(config_path)
        allow = allow_private_from_env() + feeds_file.allow_private
        # Read again after each run (--every: each cycle), keeping the last good rules.
        rules = LiveRules(alerts_path or DEFAULT_ALERTS, missing_ok=alerts_path is None)
    feeds = feeds_file.feeds
    settings = _settings(db_url, lexicon_dir)
    settings.fetch = replace(settings.fetch, allow_private=allow)
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
                if summary.outcome == "lost-lock":
                    if every is None:
                        sys.exit(EXIT_LOST_LOCK)
                else:
                    problem = rules.reload()
                    if problem:
                        click.echo(f"cambodia-risk: {problem}", err=True)
                    for line in after_refresh(db_url, rules.rules):
                        click.echo(f"cambodia-risk: {line}" if line.startswith("alerts not")
                                   else line, err=True)
        if every is None:
            return
        try:
            time.sleep(every)
        except KeyboardInterrupt:
            return


_DATE = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])


@cli.command()
@config_option
@db_option
@lexicon_option
@click.option("--since", type=_DATE, default=None,
              help="Oldest publication date to fetch (UTC). Default: 365 days ago.")
@click.option("--until", type=_DATE, default=None,
              help="Fetch what was published before this date (UTC). Default: now.")
@click.option("--feed", "names", multiple=True, metavar="NAME",
              help="Only this feed (repeat for more). Disabled feeds can be named.")
@click.option("--max-articles", type=click.IntRange(1), default=None,
              help="Stop after the window that brings the total of new articles to N.")
@click.option("--delay", type=click.FloatRange(0, 3600), default=None,
              help="Seconds between two requests to one host [default: 2; a feed's "
                   "backfill_delay wins].")
@click.option("--dry-run", is_flag=True,
              help="Show each feed's method and windows left; send no request.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def backfill(config_path, db_url, lexicon_dir, since, until, names, max_articles, delay,
             dry_run, as_json):
    """Fill the database with past articles (default: the last 12 months).

    Each feed's `backfill` setting in the feeds list picks how: wordpress (REST API),
    feed-pages (?paged=N), sitemap, gdelt, auto (probe once, remember what worked) or
    none. Articles go through the same pipeline as refresh. Politeness: robots.txt, one
    request at a time per host, a pause between requests, Retry-After. Progress is
    saved per date window in the database: after Ctrl-C or a crash, run the same
    command again and it goes on where it stopped. A refresh may run meanwhile.
    """
    from feeds.alerts.commands import after_refresh, rules_from
    from feeds.ingest.backfill import plan_backfill, run_backfill
    from feeds.store import utcnow

    feeds = _load_feeds_or_exit(config_path)
    with exit_codes(db_url):  # a broken rule stops here, before any fetching
        rules = rules_from(DEFAULT_ALERTS, missing_ok=True)
    known = {f.name for f in feeds}
    unknown = [n for n in names if n not in known]
    if unknown:
        fail(f"no feed named {unknown[0]!r} in {config_path}", EXIT_USAGE)
    chosen = [f for f in feeds if f.name in names] if names else [f for f in feeds
                                                                  if f.enabled]
    until = until or utcnow()
    since = since or (until - timedelta(days=365))
    if since >= until:
        fail("--since is not before --until", EXIT_USAGE)
    settings = _settings(db_url, lexicon_dir)
    with exit_codes(db_url, locked="{}; not starting a second backfill"):
        if dry_run:
            plans = plan_backfill(settings, chosen, since=since, until=until, delay=delay)
            click.echo(json.dumps(plans, ensure_ascii=False) if as_json
                       else _plan_text(plans))
            return
        try:
            with _window_progress(as_json) as on_window:
                summary = run_backfill(settings, chosen, since=since, until=until,
                                       delay=delay, max_articles=max_articles,
                                       on_window=on_window)
        except KeyboardInterrupt:
            fail("interrupted; run the same command again to go on from the last finished "
                 "window", EXIT_INTERRUPTED)
    click.echo(summary.to_json() if as_json else "\n".join(summary.lines()))
    # Rules count only articles first seen AND published inside their window, so the
    # months a backfill brings in fire nothing; what is new since the last run still does.
    for line in after_refresh(db_url, rules):
        click.echo(f"cambodia-risk: {line}" if line.startswith("alerts not") else line,
                   err=True)


@contextlib.contextmanager
def _window_progress(quiet: bool):
    """A bar (articles, windows, ETA) on a terminal; one line per window otherwise."""
    if not sys.stderr.isatty():
        def line(event):
            if not quiet:
                click.echo(f"{event.feed}: {event.method} {event.label}: "
                           f"{event.new_articles} new ({event.windows_done}/"
                           f"{event.windows_total} windows, {event.articles_total} "
                           "articles)", err=True)
        yield line
        return
    with click.progressbar(length=1, label="Backfill", file=sys.stderr, show_pos=True,
                           show_eta=True) as bar:
        def advance(event):
            bar.length = max(event.windows_total, 1)
            bar.label = f"Backfill: {event.articles_total} articles, windows"
            bar.update(1)
        yield advance


def _plan_text(plans: list[dict]) -> str:
    lines = []
    for p in plans:
        if p["windows"] is None:
            lines.append(f"{p['feed']}: {p['method']}")
            continue
        lines.append(f"{p['feed']}: {p['method']}, {p['to_fetch']} of {p['windows']} "
                     f"windows to fetch (at least {p['least_seconds']:.0f}s)")
    return "\n".join(lines)


@cli.group("feeds")
def feeds_group():
    """Look after the feeds list."""


@feeds_group.command("check")
@config_option
@click.option("--delay", type=click.FloatRange(0, 60), default=1.0, show_default=True,
              help="Seconds between two requests to one host.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def feeds_check(config_path, delay, as_json):
    """Fetch each feed once and ask which history methods its site answers.

    Prints a table to paste into a bug report: HTTP status, items, the newest item's
    age, the configured backfill, the methods that answered and those refused. Run it
    first on a machine with internet. Exit code 0 even when feeds fail (see the table).
    """
    from dataclasses import asdict

    from feeds.ingest.backfill.check import check_feeds, table

    feeds_list = _load_feeds_or_exit(config_path)
    checks = check_feeds(Settings(), feeds_list, delay=delay)
    click.echo(json.dumps([asdict(c) for c in checks], ensure_ascii=False) if as_json
               else table(checks))


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--since", type=Day(), help="Published on or after this date (UTC).")
@click.option("--until", type=Day(),
              help="Published on or before this date (UTC); a bare date includes the day.")
@click.option("--with-text", is_flag=True, help="Include each article's clean text.")
@click.option("--all", "include_all", is_flag=True,
              help="Include articles judged not about Cambodia.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              default="-", help="Write here instead of standard output (replaced only "
              "when the export succeeds).")
def export(db_url, fmt, since, until, with_text, include_all, out):
    """Write articles with their scores as CSV or JSON Lines.

    Reads an existing database only: a SQLite path that does not exist is refused
    (except the default database).
    """
    from feeds.store import export as exporter

    if since and until and since > until:
        fail("--since is after --until", EXIT_USAGE)
    if until is not None and until.time() == until.min.time():
        until = until.date()  # a bare date means the whole day
    with exit_codes(db_url):
        store.require_file(db_url, unless=DEFAULT_DB_PATH)
        engine = store.make_engine(db_url)
        try:
            store.migrate(engine)
            with engine.connect() as conn, _output(out) as fp:
                rows = exporter.records(conn, since=since, until=until,
                                        relevant_only=not include_all, with_text=with_text)
                if fmt == "csv":
                    exporter.write_csv(rows, fp, with_text=with_text)
                else:
                    exporter.write_jsonl(rows, fp)
        finally:
            engine.dispose()


@contextlib.contextmanager
def _output(out: Path):
    """Standard output for ``-``; else a file that appears whole or not at all."""
    from feeds.store.export import replaced_whole

    if str(out) == "-":
        yield sys.stdout
        return
    try:
        with replaced_whole(out) as fp:
            yield fp
    except OSError as exc:  # no such folder, no permission, disk full
        fail(f"cannot write {out}: {exc.strerror or exc}", EXIT_USAGE)


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
        store.require_file(db_url, unless=DEFAULT_DB_PATH)  # nothing to rescore
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
    """Start the dashboard (loads the demo first when the database is empty).

    A SQLite path that does not exist is refused, except the default database. Binding
    to an address other than loopback without sign-in configured prints a warning.
    """
    from feeds.demo import database_is_empty, load_demo

    if not _loopback(host) and not _sign_in_configured():
        click.echo(f"cambodia-risk: warning: --host {host} serves the dashboard beyond this "
                   "machine and no sign-in is configured, so anyone who can reach port "
                   f"{port} can read it; see \"{SIGN_IN_SECTION}\" in README.md", err=True)
    with exit_codes(db_url):
        store.require_file(db_url, unless=DEFAULT_DB_PATH)
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


SIGN_IN_SECTION = "Sign-in with st.login"  # the README heading the warning names


def _loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def _sign_in_configured() -> bool:
    """Whether Streamlit will find an ``[auth]`` section in the secrets files it reads
    (the project's ``.streamlit/secrets.toml`` and the user's ``~/.streamlit/``)."""
    for folder in (PROJECT_ROOT, Path.home()):
        try:
            secrets = tomllib.loads((folder / ".streamlit" / "secrets.toml").read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(secrets.get("auth"), dict):
            return True
    return False


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
