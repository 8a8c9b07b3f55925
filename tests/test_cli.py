"""The cambodia-risk command through click's CliRunner: exit codes, output, export."""

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rss_support import item, rss, story
from sqlalchemy import func, select

from feeds import store
from feeds.cli import cli
from feeds.store import schema

ROOT = Path(__file__).resolve().parent.parent


def write_config(tmp_path, server, feeds):
    lines = []
    for name, path in feeds:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{server.url(path)}"', ""]
    path = tmp_path / "feeds.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def run(*args, **env):
    result = CliRunner().invoke(cli, list(args), env=env or None, catch_exceptions=False)
    return result


def test_help_lists_subcommands():
    result = run("--help")
    assert result.exit_code == 0
    for name in ("refresh", "export", "rescore", "demo", "dashboard"):
        assert name in result.output


def test_refresh_summary_and_env_options(tmp_path, feed_server, sqlite_db):
    feed_server.add("/a.xml", rss([story(1), story(2)]))
    config = write_config(tmp_path, feed_server, [("A", "/a.xml")])
    result = run("refresh", CAMBODIA_RISK_CONFIG=config, CAMBODIA_RISK_DB=sqlite_db)
    assert result.exit_code == 0, result.output
    assert "1 ok, 0 failed" in result.output and "2 new articles" in result.output
    result = run("refresh", "--json", "--config", config, "--db", sqlite_db)
    data = json.loads(result.output)
    assert data["feeds_unchanged"] + data["feeds_ok"] == 1 and data["new_articles"] == 0


def test_refresh_exit_zero_when_some_feeds_fail(tmp_path, feed_server, sqlite_db):
    feed_server.add("/a.xml", rss([story(1)]))
    feed_server.add_behaviour("/gone", "status", code=410)
    config = write_config(tmp_path, feed_server, [("A", "/a.xml"), ("Gone", "/gone")])
    result = run("refresh", "--config", config, "--db", sqlite_db)
    assert result.exit_code == 0
    assert "Gone: HTTP 410" in result.output


def test_bad_config_exits_2_naming_feed_and_field(tmp_path, sqlite_db):
    path = tmp_path / "bad.toml"
    path.write_text('[[feeds]]\nname = "Broken"\nurl = 42\n')
    result = run("refresh", "--config", str(path), "--db", sqlite_db)
    assert result.exit_code == 2
    assert "Broken" in result.output and "'url'" in result.output


def test_bad_usage_exits_2(sqlite_db):
    assert run("refresh", "--every", "soon", "--db", sqlite_db).exit_code == 2
    assert run("export", "--format", "xml", "--db", sqlite_db).exit_code == 2


def test_second_concurrent_run_exits_3(tmp_path, feed_server, sqlite_db):
    config = write_config(tmp_path, feed_server, [("A", "/a.xml")])
    engine = store.make_engine(sqlite_db)
    store.migrate(engine)
    with store.refresh_lock(engine):
        result = run("refresh", "--config", config, "--db", sqlite_db)
    assert result.exit_code == 3
    assert "another refresh is running" in result.output
    assert feed_server.hits("/a.xml") == 0


def test_unreachable_database_exits_1(tmp_path, feed_server):
    config = write_config(tmp_path, feed_server, [("A", "/a.xml")])
    result = run("refresh", "--config", config,
                 "--db", "postgresql://postgres@127.0.0.1:1/nowhere")
    assert result.exit_code == 1
    assert "cannot use the database" in result.output


@pytest.fixture
def filled_db(tmp_path, feed_server, db_url):
    entries = [story(1), story(2),
               item("Indonesia volcano erupts", "https://else.example.org/v", guid="v",
                    description="A volcano in Java erupted; villages were evacuated."),
               item("Later story about Hun Manet", "https://news.example.org/late", guid="l",
                    description="Prime Minister Hun Manet visited Siem Reap.",
                    published=__import__("datetime").datetime(2025, 1, 5, 9, 0))]
    feed_server.add("/a.xml", rss(entries))
    config = write_config(tmp_path, feed_server, [("A", "/a.xml")])
    assert run("refresh", "--config", config, "--db", db_url).exit_code == 0
    return db_url


def test_export_jsonl_fields(filled_db):
    result = run("export", "--db", filled_db, "--format", "jsonl")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 3  # the volcano story is not about Cambodia
    first = records[0]
    assert list(first) == ["url", "title", "source", "published", "language", "sentiment",
                           "risk_score", "risk_terms", "actors", "provinces", "places"]
    assert first["published"].endswith("Z") and first["source"] == "A"
    assert isinstance(first["risk_terms"], dict) and isinstance(first["actors"], list)
    assert any("security_military" in r["risk_terms"] for r in records)
    late = [r for r in records if r["url"].endswith("/late")][0]
    assert "Hun Manet" in late["actors"]
    assert late["provinces"] == ["KH-17"] and late["places"] == ["Siem Reap"]


def test_export_filters_and_text(filled_db, tmp_path):
    assert len(run("export", "--db", filled_db, "--format", "jsonl", "--all")
               .output.splitlines()) == 4
    out = tmp_path / "x.csv"
    result = run("export", "--db", filled_db, "--since", "2025-01-01", "--with-text",
                 "--out", str(out))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["url"] for r in rows] == ["https://news.example.org/late"]
    assert "Siem Reap" in rows[0]["text"] and json.loads(rows[0]["actors"])
    assert json.loads(rows[0]["provinces"]) == ["KH-17"]
    until = run("export", "--db", filled_db, "--format", "jsonl", "--until", "2024-05-02")
    assert [json.loads(x)["url"] for x in until.output.splitlines()] == [
        "https://news.example.org/2024/story-1"]
    assert run("export", "--db", filled_db, "--since", "2025-01-01",
               "--until", "2024-01-01").exit_code == 2


def test_demo_is_idempotent(db_url):
    first = run("demo", "--db", db_url)
    assert first.exit_code == 0, first.output
    engine = store.make_engine(db_url)

    def snapshot():
        with engine.connect() as conn:
            return conn.execute(select(schema.articles.c.url, schema.articles.c.risk_score)
                                .order_by(schema.articles.c.url)).all()

    before = snapshot()
    assert len(before) >= 200
    second = run("demo", "--db", db_url)
    assert second.exit_code == 0 and "0 new articles" in second.output
    assert snapshot() == before
    with engine.connect() as conn:
        relevant = conn.execute(select(func.count()).select_from(schema.articles)
                                .where(schema.articles.c.relevant.is_(True))).scalar()
        dup_carried = conn.execute(select(func.count()).select_from(
            select(schema.article_feeds.c.article_id).group_by(
                schema.article_feeds.c.article_id).having(func.count() > 1).subquery())).scalar()
    engine.dispose()
    assert relevant < len(before)  # the non-Cambodia items are flagged, not dropped
    assert dup_carried >= 5  # syndicated copies were recognised


def test_rescore_applies_edited_lexicon(tmp_path, filled_db):
    import shutil

    from feeds.config import LEXICON_DIR

    engine = store.make_engine(filled_db)

    def volcano_relevant():
        with engine.connect() as conn:
            return conn.execute(select(schema.articles.c.relevant)
                                .where(schema.articles.c.url.like("%/v"))).scalar()

    assert volcano_relevant() is False
    edited = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, edited)
    places = edited / "places.toml"
    # An analyst adds a place: the volcano story now counts as relevant.
    places.write_text(places.read_text(encoding="utf-8")
                      + '\n[[place]]\nname = "Java"\nkind = "town"\n', encoding="utf-8")
    result = run("rescore", "--db", filled_db, "--lexicons", str(edited), "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "rescored 4 articles" in result.output
    assert volcano_relevant() is True
    engine.dispose()


def test_rescore_bad_lexicon_exits_2(tmp_path, sqlite_db):
    bad = tmp_path / "lex"
    bad.mkdir()
    (bad / "terms.toml").write_text("not = [valid")
    result = run("rescore", "--db", sqlite_db, "--lexicons", str(bad))
    assert result.exit_code == 2 and "lexicon error" in result.output


def test_dashboard_command_loads_demo_and_serves(tmp_path):
    """The README's first command: no --db, so the default database, which does not
    exist yet, is created and the demo loaded first; then the server answers.

    CAMBODIA_RISK_DATA moves the data folder (and so the default database) into
    tmp_path; the demo corpus and the lexicons are linked from the real one."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp_path / "data"
    data.mkdir()
    for name in ("demo", "lexicons"):
        (data / name).symlink_to(ROOT / "data" / name)
    url = f"sqlite:///{data / 'cambodia-risk.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMBODIA_RISK_")}
    env["CAMBODIA_RISK_DATA"] = str(data)
    exe = str(Path(sys.executable).with_name("cambodia-risk"))  # the installed script
    proc = subprocess.Popen([exe, "dashboard", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, healthy = time.monotonic() + 90, False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as response:
                    healthy = response.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        assert healthy, proc.stdout.read() if proc.poll() is not None else "no answer"
        engine = store.make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema.articles)
                                ).scalar() >= 200
        engine.dispose()
    finally:
        proc.terminate()
        proc.wait(20)


def test_every_keeps_running(tmp_path, feed_server, sqlite_db):
    import subprocess
    import sys
    import time

    feed_server.add("/a.xml", rss([story(1)]), etag='"e1"')
    config = write_config(tmp_path, feed_server, [("A", "/a.xml")])
    proc = subprocess.Popen([sys.executable, "-m", "feeds.cli", "refresh", "--config", config,
                             "--db", sqlite_db, "--every", "1s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while feed_server.hits("/a.xml") < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert feed_server.hits("/a.xml") >= 3
    lines = [line for line in out.splitlines() if line.startswith("refresh run")]
    assert len(lines) >= 2 and "1 new articles" in lines[0] and "1 unchanged" in lines[1]


def test_rescore_records_a_run(filled_db):
    assert run("rescore", "--db", filled_db, "--workers", "1").exit_code == 0
    engine = store.make_engine(filled_db)
    with engine.connect() as conn:
        last = conn.execute(select(schema.refresh_runs).order_by(
            schema.refresh_runs.c.id.desc()).limit(1)).one()
    engine.dispose()
    assert last.kind == "rescore" and last.finished_at is not None
