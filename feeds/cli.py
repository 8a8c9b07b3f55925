"""The ``cambodia-risk`` command. Each subcommand's docstring is its help text.

Exit codes, for schedulers: 0 the run completed (some feeds may have failed; see the
summary), 1 fatal (the database cannot be reached), 2 bad usage, config or lexicon,
3 another refresh holds this database's lock.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from feeds import __version__
from feeds.config import (
    DEFAULT_CONFIG,
    DEFAULT_DB_URL,
    ENV_CONFIG,
    ENV_DB,
    LEXICON_DIR,
    PROJECT_ROOT,
    ConfigError,
    Settings,
    load_feeds,
)

EXIT_FATAL, EXIT_USAGE, EXIT_LOCKED = 1, 2, 3

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
    "--lexicons", "lexicon_dir", envvar="CAMBODIA_RISK_LEXICONS", default=str(LEXICON_DIR),
    show_default=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder of lexicon files (terms, actors, places, sentiment).",
)


def fail(message: str, code: int) -> None:
    click.echo(f"cambodia-risk: {message}", err=True)
    sys.exit(code)


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
    try:
        return load_feeds(config_path)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)


@cli.command()
@config_option
@db_option
@lexicon_option
@click.option("--force", is_flag=True, help="Try every feed, even those backing off.")
@click.option("--every", type=Duration(), default=None,
              help="Keep running: refresh, then wait this long (30m, 2h). For hosts without cron.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--alerts", "alerts_path", envvar="CAMBODIA_RISK_ALERTS", type=Path,
              default=None, help="Alert rules evaluated after each run "
              "(env CAMBODIA_RISK_ALERTS; default data/alerts.toml when present).")
def refresh(config_path, db_url, lexicon_dir, force, every, as_json, alerts_path):
    """Fetch the feeds once and store new articles, scored; then evaluate the alert rules."""
    from feeds.cli_alerts import load_rules_or_exit, run_after_refresh
    from feeds.config import DEFAULT_ALERTS
    from feeds.lexicon import LexiconError
    from feeds.refresh import run_refresh
    from feeds.store import LockBusy

    feeds = _load_feeds_or_exit(config_path)
    rules = load_rules_or_exit(alerts_path or DEFAULT_ALERTS, missing_ok=alerts_path is None)
    settings = _settings(db_url, lexicon_dir)
    while True:
        enabled = sum(1 for f in feeds if f.enabled)
        show_bar = sys.stderr.isatty() and not as_json
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
                fail(f"{exc}; not starting a second run", EXIT_LOCKED)
            click.echo(f"cambodia-risk: {exc}; skipping this round", err=True)
        except LexiconError as exc:
            fail(f"lexicon error: {exc}", EXIT_USAGE)
        except (OperationalError, DBAPIError) as exc:
            fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
        else:
            click.echo(summary.to_json() if as_json else summary.line())
            run_after_refresh(db_url, rules)
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
    from feeds import export as exporter
    from feeds import store

    if since and until and since > until:
        fail("--since is after --until", EXIT_USAGE)
    if until is not None and until.time() == until.min.time():
        until = until.date()  # a bare date means the whole day
    engine = store.make_engine(db_url)
    try:
        store.migrate(engine)
        with engine.connect() as conn:
            rows = exporter.records(conn, since=since, until=until,
                                    relevant_only=not include_all, with_text=with_text)
            if fmt == "csv":
                exporter.write_csv(rows, out, with_text=with_text)
            else:
                exporter.write_jsonl(rows, out)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
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
    from feeds.config import DEMO_DIR
    from feeds.demo import DEMO_CONFIG
    from feeds.lexicon import LexiconError, load_lexicons
    from feeds.rescore import article_count
    from feeds.rescore import rescore as run_rescore
    from feeds.store import LockBusy

    always = set()
    for path in (config_path, DEMO_DIR / DEMO_CONFIG):
        if Path(path).exists():
            always |= {f.name for f in _load_feeds_or_exit(Path(path)) if f.always_relevant}
    settings = _settings(db_url, lexicon_dir)
    started = time.monotonic()
    try:
        load_lexicons(lexicon_dir)  # a bad edit stops here, before any work
        total = article_count(db_url) if not db_url.endswith(":memory:") else 0
        with click.progressbar(length=total, label="Rescoring", file=sys.stderr,
                               show_pos=True) as bar:
            done = run_rescore(settings, always, workers=workers, on_batch=bar.update)
    except LockBusy as exc:
        fail(f"{exc}; try again when it finishes", EXIT_LOCKED)
    except LexiconError as exc:
        fail(f"lexicon error: {exc}", EXIT_USAGE)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
    click.echo(f"rescored {done} articles in {time.monotonic() - started:.1f}s")


@cli.command()
@db_option
@lexicon_option
def demo(db_url, lexicon_dir):
    """Load the bundled demo corpus through the real pipeline (offline, idempotent)."""
    from feeds.demo import load_demo
    from feeds.lexicon import LexiconError
    from feeds.store import LockBusy

    try:
        summary = load_demo(_settings(db_url, lexicon_dir))
    except LockBusy as exc:
        fail(str(exc), EXIT_LOCKED)
    except LexiconError as exc:
        fail(f"lexicon error: {exc}", EXIT_USAGE)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
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

    try:
        if not no_demo and database_is_empty(db_url):
            click.echo("Empty database: loading the demo corpus first "
                       "(use --no-demo to skip).", err=True)
            click.echo(load_demo(_settings(db_url)).line(), err=True)
    except (OperationalError, DBAPIError) as exc:
        fail(f"cannot use the database {_safe_url(db_url)}: {exc.orig or exc}", EXIT_FATAL)
    app = PROJECT_ROOT / "dashboard" / "app.py"
    args = [sys.executable, "-m", "streamlit", "run", str(app),
            "--server.port", str(port), "--server.address", host,
            "--browser.gatherUsageStats", "false"]
    if base_url_path:
        args += ["--server.baseUrlPath", base_url_path.strip("/")]
    env = dict(os.environ, **{ENV_DB: db_url})
    os.chdir(PROJECT_ROOT)  # Streamlit reads .streamlit/config.toml from here
    os.execve(sys.executable, args, env)


def _safe_url(url: str) -> str:
    """The URL without its password, for error messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _register() -> None:
    from feeds.cli_alerts import alerts, brief

    cli.add_command(alerts)
    cli.add_command(brief)


if __name__ == "__main__":
    # `python -m feeds.cli`: run the imported module's group, which has every subcommand
    # (registering from this copy would import feeds.cli a second time, in a cycle).
    from feeds.cli import cli as main

    main()
elif __name__ == "feeds.cli":  # not in a worker re-running the script as __mp_main__
    _register()
