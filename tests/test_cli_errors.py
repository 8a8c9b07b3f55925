"""A user's mistakes through the real command: one line, the documented exit code, no
traceback, and nothing created or half-written on the way.

Most cases go through click's CliRunner with ``catch_exceptions=False`` (an uncaught
exception fails the test instead of becoming exit code 1); the dashboard and the
default-database cases run the installed ``cambodia-risk`` script in a subprocess,
because the dashboard command replaces its process with Streamlit's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rss_support import rss, story
from sqlalchemy import text

from feeds import store
from feeds.cli import cli

EXE = str(Path(sys.executable).with_name("cambodia-risk"))
COMMANDS = ["refresh", "export", "rescore", "demo", "dashboard"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def one_line_error(result) -> str:
    """The single stderr line of a failed command (CliRunner mixes stderr in)."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert lines[0].startswith("cambodia-risk: ")
    return lines[0]


def script(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CAMBODIA_RISK_")}
    full_env.update(env or {})
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=timeout)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "dashboard"])
@pytest.mark.parametrize("url, words", [
    ("notaurl", "'notaurl' is not a database URL"),
    ("mysql://risk@db.example.org/risk", "mysql databases are not supported"),
    ("postgresql://risk:hunter2@db:notaport/risk", "is not a database URL"),
])
def test_bad_database_url_is_one_line_exit_2(command, url, words, tmp_path):
    result = run(command, "--db", url)
    line = one_line_error(result)
    assert result.exit_code == 2
    assert words in line and "sqlite:///" in line and "postgresql://" in line
    assert "hunter2" not in line  # the password stays out of messages


def test_dashboard_bad_database_url_is_one_line_exit_2(tmp_path):
    result = script("dashboard", "--db", "mysql://risk@db/risk", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "cambodia-risk: mysql databases are not supported; use sqlite:///path/to/file.db "
        "or postgresql://user@host/database")


@pytest.mark.parametrize("command", ["refresh", "demo"])
def test_uncreatable_sqlite_folder_exits_1(command, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'sub' / 'risk.db'}"
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nname = "A"\nurl = "http://127.0.0.1:9/a.xml"\n')
    args = [command, "--db", url] + (["--config", str(config)] if command == "refresh" else [])
    result = run(*args)
    line = one_line_error(result)
    assert result.exit_code == 1
    assert f"cannot create the folder {blocker / 'sub'} for the database" in line


@pytest.mark.parametrize("command", ["export", "rescore"])
def test_missing_sqlite_file_is_refused_and_not_created(command, tmp_path):
    missing = tmp_path / "typo.db"
    result = run(command, "--db", f"sqlite:///{missing}")
    line = one_line_error(result)
    assert result.exit_code == 2
    assert f"there is no database at {missing}" in line
    assert list(tmp_path.iterdir()) == []


def test_dashboard_refuses_a_missing_sqlite_file(tmp_path):
    missing = tmp_path / "typo.db"
    result = script("dashboard", "--db", f"sqlite:///{missing}", "--port", "9",
                    cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"cambodia-risk: there is no database at {missing};")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not missing.exists()


def test_export_creates_only_the_default_database(tmp_path):
    """With no --db the default database may be created (first run); it is empty."""
    data = tmp_path / "data"
    result = script("export", "--format", "jsonl", cwd=tmp_path,
                    env={"CAMBODIA_RISK_DATA": str(data)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (data / "cambodia-risk.db").exists()


@pytest.mark.parametrize("option, value, words", [
    ("--until", "9999-12-31", "--until 9999-12-31: out of range"),
    ("--since", "0001-01-01", "--since 0001-01-01: out of range"),
    ("--until", "3000-01-01T00:00:00", "--until 3000-01-01T00:00:00: out of range"),
])
def test_out_of_range_export_date_exits_2_and_writes_nothing(option, value, words, tmp_path):
    db = tmp_path / "risk.db"
    store.migrate(store.make_engine(f"sqlite:///{db}"))
    out = tmp_path / "out.csv"
    result = run("export", "--db", f"sqlite:///{db}", option, value, "--out", str(out))
    line = one_line_error(result)
    assert result.exit_code == 2 and words in line and "1900-01-01 to 2999-12-31" in line
    assert not out.exists()


def test_last_exportable_day_works(tmp_path):
    db = tmp_path / "risk.db"
    store.migrate(store.make_engine(f"sqlite:///{db}"))
    result = run("export", "--db", f"sqlite:///{db}", "--until", "2999-12-31")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("url,title,source,published")


def test_out_of_range_interval_exits_2(tmp_path):
    result = run("refresh", "--every", "99999999999999999999d", "--db",
                 f"sqlite:///{tmp_path / 'r.db'}")
    line = one_line_error(result)
    assert result.exit_code == 2
    assert line == ("cambodia-risk: --every 99999999999999999999d: longer than the longest "
                    "interval, 30d")


def test_export_to_a_missing_folder_is_one_line(tmp_path):
    db = tmp_path / "risk.db"
    store.migrate(store.make_engine(f"sqlite:///{db}"))
    out = tmp_path / "no-such-folder" / "x.csv"
    result = run("export", "--db", f"sqlite:///{db}", "--out", str(out))
    line = one_line_error(result)
    assert result.exit_code == 2
    assert line == f"cambodia-risk: cannot write {out}: No such file or directory"


@pytest.fixture
def filled(tmp_path, feed_server, db_url):
    feed_server.add("/a.xml", rss([story(i) for i in range(1, 6)]))
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feeds]]\nname = "A"\nurl = "{feed_server.url("/a.xml")}"\n')
    assert run("refresh", "--config", str(config), "--db", db_url).exit_code == 0
    return db_url


def test_export_failing_midway_leaves_the_old_file_whole(filled, tmp_path):
    """The articles are read, then a table the export needs is gone: the command fails
    after writing the header and rows into its temporary file. The previous export
    stays as it was and no temporary file is left behind."""
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "articles.csv"
    assert run("export", "--db", filled, "--out", str(out)).exit_code == 0
    good = out.read_text(encoding="utf-8")
    assert good.count("\n") == 6  # the header and five articles
    engine = store.make_engine(filled)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE article_actors"))
    engine.dispose()
    result = run("export", "--db", filled, "--out", str(out))
    line = one_line_error(result)
    assert result.exit_code == 1 and "cannot use the database" in line
    assert "article_actors" in line
    assert out.read_text(encoding="utf-8") == good
    assert sorted(p.name for p in folder.iterdir()) == ["articles.csv"]
    fresh = folder / "new.csv"
    assert run("export", "--db", filled, "--out", str(fresh)).exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == ["articles.csv"]


def test_export_file_gets_ordinary_permissions(filled, tmp_path):
    out = tmp_path / "perm.csv"
    assert run("export", "--db", filled, "--out", str(out)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
