"""The dashboard's guards against odd input: dates far outside any news archive, bad
database settings, messages that copy exactly as shown, and the warning when
``cambodia-risk dashboard`` serves beyond this machine without sign-in."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from dashboard_fixtures import build_dataset
from streamlit.testing.v1 import AppTest

from dashboard.filters import FIRST_DAY, KnownValues, parse_params
from feeds import store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
EXE = str(Path(sys.executable).with_name("cambodia-risk"))
INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
PAGES = ["app_pages/overview.py", "app_pages/actors.py", "app_pages/articles.py",
         "app_pages/sources.py"]


# --- dates ------------------------------------------------------------------------------


TODAY = date(2025, 6, 1)
KNOWN = KnownValues.of(min_day=date(2024, 1, 1), max_day=date(2025, 5, 30))


@pytest.mark.parametrize("params, start, end, words", [
    ({"start": "0001-01-01"}, FIRST_DAY, date(2025, 5, 30), "Moved start=0001-01-01 to 1990-01-01"),
    ({"end": "9999-12-31"}, date(2025, 6, 2) - timedelta(days=89), date(2025, 6, 2),
     "Moved end=9999-12-31 to 2025-06-02"),
    ({"start": "0001-01-01", "end": "0001-01-02"}, FIRST_DAY, FIRST_DAY, "Moved end=0001-01-02"),
    ({"start": "9999-01-01"}, date(2025, 6, 2), date(2025, 6, 2), "Moved start=9999-01-01"),
])
def test_url_dates_are_clamped_with_a_notice(params, start, end, words):
    f, notices = parse_params({k: [v] for k, v in params.items()}, KNOWN, today=TODAY)
    assert (f.start, f.end) == (start, end)
    assert any(words in n for n in notices), notices
    prev_start, _ = f.previous_window()  # computable: no OverflowError
    assert prev_start.year > 1900


def test_dates_inside_the_range_are_untouched():
    f, notices = parse_params({"start": ["1990-01-01"], "end": ["2025-06-02"]}, KNOWN,
                              today=TODAY)
    assert (f.start, f.end, notices) == (FIRST_DAY, date(2025, 6, 2), [])


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('guards') / 'fixture.db'}"
    build_dataset(url, n_articles=40)
    return url


def app(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("CAMBODIA_RISK_DB", url)
    return AppTest.from_file(APP, default_timeout=60)


@pytest.mark.parametrize("page", PAGES)
def test_year_one_in_the_url_shows_a_notice_not_an_overflow(db_url, monkeypatch, page):
    at = app(db_url, monkeypatch)
    if page != PAGES[0]:
        at.run()  # switch_page needs the pages registered by a first run
        at.switch_page(page)
    at.query_params["start"] = "0001-01-01"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "Moved start\\=0001\\-01\\-01 to 1990\\-01\\-01" in notices
    assert at.query_params["start"] == "1990-01-01"  # the address bar says what is shown


# --- messages ---------------------------------------------------------------------------


def test_database_error_message_copies_as_a_working_url(monkeypatch):
    at = app("postgresql://nobody:secret@127.0.0.1:1/none", monkeypatch).run()
    assert not at.exception
    message = at.error[0].value
    assert "`postgresql://nobody:***@127.0.0.1:1/none`" in message
    assert "`CAMBODIA_RISK_DB`" in message
    assert not INVISIBLE.search(message) and "secret" not in message


@pytest.mark.parametrize("url, words", [
    ("notaurl", "\\'notaurl\\' is not a database URL"),
    ("mysql://risk@db/risk", "mysql databases are not supported"),
])
def test_bad_database_url_is_a_message(monkeypatch, url, words):
    at = app(url, monkeypatch).run()
    assert not at.exception, [e.value for e in at.exception]
    assert words in at.error[0].value
    assert not INVISIBLE.search(at.error[0].value)


def test_empty_state_shows_the_url_verbatim(monkeypatch, tmp_path):
    path = tmp_path / "none_yet.db"
    at = app(f"sqlite:///{path}", monkeypatch).run()
    text = " ".join(m.value for m in at.markdown)
    assert f"`sqlite:///{path}`" in text  # no backslashes inside the code span
    assert not INVISIBLE.search(text)


# --- serving beyond this machine ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(tmp_path: Path, host: str, home: Path) -> tuple[str, str]:
    """Start ``cambodia-risk dashboard --host HOST`` and stop it once Streamlit answers
    (or has died); return its stderr and stdout."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = store.make_engine(url)
    store.migrate(engine)
    engine.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMBODIA_RISK_")}
    env["HOME"] = str(home)
    proc = subprocess.Popen(
        [EXE, "dashboard", "--db", url, "--host", host, "--port", str(port), "--no-demo"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    return err, out


def test_serving_the_network_without_sign_in_warns(tmp_path):
    err, _ = _start(tmp_path, "0.0.0.0", home=tmp_path)
    first = err.splitlines()[0]
    assert first.startswith("cambodia-risk: warning: --host 0.0.0.0 serves the dashboard")
    assert "no sign-in is configured" in first and "anyone" in first
    assert '"Sign-in with st.login" in README.md' in first
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "### Sign-in with st.login" in readme  # the section the warning names


def test_no_warning_on_loopback_or_with_sign_in(tmp_path):
    err, _ = _start(tmp_path, "127.0.0.1", home=tmp_path)
    assert "warning" not in err
    secrets = tmp_path / "home" / ".streamlit"
    secrets.mkdir(parents=True)
    (secrets / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "http://localhost/oauth2callback"\ncookie_secret = "x"\n'
        'client_id = "a"\nclient_secret = "b"\n'
        'server_metadata_url = "https://login.example.org/.well-known/openid-configuration"\n')
    err, _ = _start(tmp_path, "0.0.0.0", home=tmp_path / "home")
    assert "warning" not in err
