"""What Chromium shows of feed text that tries to change its own display: a
right-to-left override inside a title, and ":name:" runs that Streamlit would turn into
an emoji, its logo or an icon. The page must show, and copy, the stored characters in
their stored order, with no invisible characters added."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

import pytest

pytestmark = pytest.mark.browser


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


import browser_support as bs  # noqa: E402

if not bs.chromium_available():
    _unavailable(f"{bs.CHROMIUM} not found (apt-get install -y chromium)")
try:
    from playwright.sync_api import sync_playwright
except ImportError as exc:  # pragma: no cover - the test extra installs it
    _unavailable(f"playwright not importable: {exc}")

from dashboard_fixtures import END_DAY, build_dataset  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from feeds import store  # noqa: E402
from feeds.store import schema  # noqa: E402

SPOOF = "Invoice for Phnom Penh office \u202egnp.exe"
CLEAN = "Invoice for Phnom Penh office gnp.exe"
CODES = "Markets :smile: :streamlit: :material_home: open at 10:30 in Phnom Penh"
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
GRID = '[data-testid="stDataFrame"] table[role="grid"]'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-text') / 'text.db'}"
    build_dataset(url, n_articles=30, hostile_title=False)
    engine = store.make_engine(url)
    a = schema.articles
    ids = {}
    with engine.begin() as conn:
        first, second = conn.execute(select(a.c.id).where(a.c.relevant.is_(True))
                                     .order_by(a.c.id).limit(2)).scalars()
        newest = datetime.combine(END_DAY, datetime.min.time()) + timedelta(hours=23)
        for article_id, title in ((first, SPOOF), (second, CODES)):
            body = conn.execute(select(a.c.text).where(a.c.id == article_id)).scalar_one()
            conn.execute(update(a).where(a.c.id == article_id).values(
                title=title, search=store.search_text(title, body), published_at=newest,
                published_day=END_DAY))
            ids[title] = article_id
    engine.dispose()
    with bs.DashboardServer(url) as server, sync_playwright() as pw:
        browser = bs.launch_chromium(pw)
        try:
            yield server, browser, ids
        finally:
            browser.close()


@pytest.fixture
def page(site):
    _server, browser, _ids = site
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def test_table_shows_the_title_in_stored_order(site, page):
    server, _browser, _ids = site
    bs.open_page(page, server.url, "/articles", {"q": "invoice"})
    cells = page.evaluate(
        """sel => [...document.querySelectorAll(sel + ' tbody td')].map(td => td.textContent)""",
        GRID,
    )
    assert CLEAN in cells, cells
    assert not any(INVISIBLE.search(c) for c in cells)


def test_evidence_heading_reads_in_stored_order(site, page):
    server, _browser, ids = site
    bs.open_page(page, server.url, "/articles", {"article": str(ids[SPOOF])})
    heading = page.locator('[data-testid="stMain"] h4').first.inner_text()
    assert heading == CLEAN
    assert not INVISIBLE.search(page.inner_text('[data-testid="stApp"]'))


def test_shortcodes_show_and_copy_as_typed(site, page):
    server, _browser, ids = site
    bs.open_page(page, server.url, "/articles", {"article": str(ids[CODES])})
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h4").first.inner_text() == CODES
    assert main.locator('img[alt="Streamlit logo"]').count() == 0
    assert main.locator('span[role="img"]').filter(has_text="home").count() == 0
    assert "😄" not in main.inner_text()
    assert not INVISIBLE.search(page.inner_text('[data-testid="stApp"]'))
