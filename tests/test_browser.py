"""The real dashboard in a real browser (Debian's Chromium through Playwright).

One ``streamlit run dashboard/app.py`` serves the fixture dataset from
``tests/dashboard_fixtures.py`` for the whole module. The tests check what only a browser
shows: charts drawn, no exception boxes, a shared URL reproducing a filtered view
(widgets and table), the CSV download holding exactly the filtered rows, and feed titles
carrying markup staying inert text. Screenshots of every page go to tests/screenshots/.

Without /usr/bin/chromium the module is skipped, except under CI (env CI set), where it
fails: CI installs Chromium and must run these tests.
"""

from __future__ import annotations

import csv
import os
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.browser

IN_CI = bool(os.environ.get("CI"))


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


import browser_support as bs  # noqa: E402

if not bs.chromium_available():
    _unavailable(f"{bs.CHROMIUM} not found (apt-get install -y chromium)")
try:
    from playwright.sync_api import sync_playwright
except ImportError as exc:  # pragma: no cover - the test extra installs it
    _unavailable(f"playwright not importable: {exc}")
try:
    import dashboard_fixtures as fx
except ImportError as exc:
    _unavailable(f"tests/dashboard_fixtures.py not importable: {exc}")
if not bs.APP.exists():
    _unavailable(f"{bs.APP} does not exist")

from sqlalchemy import text  # noqa: E402

from feeds import store  # noqa: E402

PAGES = {"overview": "/", "actors": "/actors", "places": "/places", "articles": "/articles",
         "sources": "/sources"}
# Vega-Lite charts each page draws at least, with the fixture data (the Articles page
# draws one only once an article is selected: see test_selected_article_shows_evidence).
MIN_CHARTS = {"overview": 4, "actors": 2, "places": 1, "articles": 0, "sources": 1}


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'dashboard.db'}"
    fx.build_dataset(url)
    return url


@pytest.fixture(scope="module")
def server(db_url):
    with bs.DashboardServer(db_url) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = bs.launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context; any JavaScript dialog fails the test."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not dialogs, f"a JavaScript dialog fired: {dialogs}"


# --- helpers -------------------------------------------------------------------------


def db_rows(
    db_url: str, start: date, end: date, source: str | None = None, category: str | None = None
) -> list[dict]:
    """Relevant articles matching the filters, straight from SQL (not the app's code)."""
    sql = """
        SELECT a.id, a.url, a.title, a.source
        FROM articles a JOIN feeds f ON f.id = a.feed_id
        WHERE a.relevant = :yes AND a.published_day BETWEEN :start AND :end
    """
    params: dict = {"yes": True, "start": start, "end": end}
    if source:
        sql += " AND f.name = :source"
        params["source"] = source
    if category:
        sql += """ AND EXISTS (SELECT 1 FROM article_categories c
                               WHERE c.article_id = a.id AND c.category = :category)"""
        params["category"] = category
    engine = store.make_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


# st.dataframe draws on a canvas; glide-data-grid keeps an accessible <table> inside it
# whose aria-rowcount is the row count (plus the header) and whose cells hold the text
# of the rows currently drawn.
GRID = '[data-testid="stDataFrame"] table[role="grid"]'


def grid_rows(page, index: int = 0) -> int:
    """Data rows of the index-th st.dataframe (its accessible grid's aria-rowcount)."""
    count = page.evaluate(
        """([sel, i]) => {
            const g = document.querySelectorAll(sel)[i];
            return g ? parseInt(g.getAttribute('aria-rowcount'), 10) : null;
        }""",
        [GRID, index],
    )
    assert count is not None, "no data grid on the page"
    return count - 1  # minus the header row


def grid_cells(page, index: int = 0) -> list[list[str]]:
    """Text of the rendered (visible) rows of the index-th st.dataframe."""
    return page.evaluate(
        """([sel, i]) => {
            const g = document.querySelectorAll(sel)[i];
            if (!g) return [];
            return [...g.querySelectorAll('tbody tr')].map(
                tr => [...tr.querySelectorAll('td')].map(td => td.textContent));
        }""",
        [GRID, index],
    )


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fp:
        return list(csv.DictReader(fp))


def body_text(page) -> str:
    """The app's visible text, exactly as a reader would copy it."""
    return page.inner_text('[data-testid="stApp"]')


def download_button(page):
    return page.locator('[data-testid="stDownloadButton"]').get_by_role(
        "button", name="Download CSV"
    )


def hostile_article_id(db_url: str) -> int:
    engine = store.make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT id FROM articles WHERE title = :t"), {"t": fx.HOSTILE_TITLE}
            ).scalar_one()
    finally:
        engine.dispose()


def sidebar_widget(page, testid: str, label: str):
    """The sidebar widget of type ``testid`` whose label is ``label``."""
    return page.locator(f'[data-testid="stSidebar"] [data-testid="{testid}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)
    )


def selected_tags(page, label: str) -> list[str]:
    """The chosen values of a sidebar multiselect, as displayed."""
    widget = sidebar_widget(page, "stMultiSelect", label)
    tags = widget.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    return [t.get_attribute("aria-label") or "" for t in tags.all()]


def category_display(key: str) -> str:
    """How the sidebar shows a category: the lexicon's label, else the key title-cased."""
    from dashboard import data
    from dashboard.filters import category_label

    return category_label(key, data.category_labels())


# --- tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_charts_without_exceptions(page, server, name):
    bs.open_page(page, server.url, PAGES[name])
    assert not bs.exceptions_on_page(page), bs.exceptions_on_page(page)
    drawn = bs.wait_for_charts(page, MIN_CHARTS[name]) if MIN_CHARTS[name] else 0
    assert drawn >= MIN_CHARTS[name]
    heading = page.locator("h1").first.inner_text()
    assert heading.strip().lower() == name, heading
    bs.screenshot(page, name)
    # Nothing went wrong while the charts drew either.
    assert not bs.exceptions_on_page(page)


def test_selected_article_shows_evidence(page, server, db_url):
    aid = hostile_article_id(db_url)
    bs.open_page(page, server.url, "/articles", {"article": str(aid)})
    assert not bs.exceptions_on_page(page), bs.exceptions_on_page(page)
    assert bs.wait_for_charts(page, 1) >= 1  # the score breakdown
    text = body_text(page)
    assert "Evidence" in text and "Score breakdown" in text
    bs.screenshot(page, "articles-selected")


def test_url_filters_reproduce_the_view(page, server, db_url):
    end = fx.END_DAY
    start = end - timedelta(days=59)
    source, category = fx.HEALTHY_FEEDS[0], fx.SPIKE_CATEGORY
    expected = db_rows(db_url, start, end, source, category)
    assert 0 < len(expected) < 500, "the fixture should give a non-trivial, uncapped view"
    everything = db_rows(db_url, start, end)
    assert len(everything) > len(expected)

    bs.open_page(
        page,
        server.url,
        "/articles",
        {
            "source": source,
            "category": category,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    assert not bs.exceptions_on_page(page), bs.exceptions_on_page(page)

    # The widgets show the URL's values.
    dates = (
        sidebar_widget(page, "stDateInput", "Date range")
        .locator("input")
        .evaluate_all("els => els.map(e => e.value)")
    )
    assert [start.isoformat(), end.isoformat()] == [d for d in dates if d], dates
    assert selected_tags(page, "Sources") == [source]
    assert selected_tags(page, "Risk categories") == [category_display(category)]
    assert selected_tags(page, "Actors") == []

    # The table holds exactly the matching rows.
    assert grid_rows(page) == len(expected)
    titles = {r["title"] for r in expected}
    shown = [cells for cells in grid_cells(page) if cells]
    assert shown, "no rows rendered in the table"
    for cells in shown:
        assert any(c in titles for c in cells), f"row not in the DB query: {cells}"
    assert f"{len(expected):,} matching articles" in body_text(page)

    # The URL still says the same after the app has run (it rewrites dropped values).
    for part in (f"start={start.isoformat()}", f"end={end.isoformat()}", f"category={category}"):
        assert part in page.url, page.url
    bs.screenshot(page, "articles-filtered")


def test_csv_download_holds_the_filtered_rows(page, server, db_url):
    end = fx.END_DAY
    start = end - timedelta(days=59)
    source, category = fx.HEALTHY_FEEDS[0], fx.SPIKE_CATEGORY
    expected = db_rows(db_url, start, end, source, category)
    bs.open_page(
        page,
        server.url,
        "/articles",
        {
            "source": source,
            "category": category,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    button = download_button(page)
    assert button.count() == 1
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = read_csv(download.path())
    assert len(rows) == len(expected)
    assert sorted(r["url"] for r in rows) == sorted(r["url"] for r in expected)
    assert {r["source"] for r in rows} == {source}
    for r in rows:
        assert category in r["risk_terms"], r
    assert not bs.exceptions_on_page(page)


def test_csv_download_without_filters_matches_default_window(page, server, db_url):
    """The default view: the 90 days up to the newest article, hostile title included."""
    end = fx.END_DAY
    start = end - timedelta(days=89)
    expected = db_rows(db_url, start, end)
    bs.open_page(page, server.url, "/articles")
    with page.expect_download(timeout=60_000) as info:
        download_button(page).click()
    rows = read_csv(info.value.path())
    assert sorted(r["url"] for r in rows) == sorted(r["url"] for r in expected)
    assert fx.HOSTILE_TITLE in {r["title"] for r in rows}  # stored text, verbatim


@pytest.mark.parametrize("where", ["list", "evidence", "overview", "actors", "sources"])
def test_hostile_title_stays_inert(page, server, db_url, where):
    aid = hostile_article_id(db_url)
    path, params = {
        "list": ("/articles", {"q": "Hostile"}),
        "evidence": ("/articles", {"article": str(aid)}),
        "overview": ("/", None),
        "actors": ("/actors", None),
        "sources": ("/sources", None),
    }[where]
    bs.open_page(page, server.url, path, params)
    if page.query_selector(bs.CHART):
        bs.wait_for_charts(page, 1)
    page.wait_for_timeout(500)  # time for any injected handler to fire
    assert not bs.exceptions_on_page(page)
    assert not page.dialogs  # also checked after the test by the fixture
    injected = page.evaluate("""() => ({
        imgs: [...document.querySelectorAll('img')].map(i => i.getAttribute('src'))
              .filter(s => s === 'x' || s === 'y'),
        handlers: [...document.querySelectorAll('[onerror], [onload], [onclick]')]
              .map(e => e.outerHTML.slice(0, 120)),
        scripts: [...document.querySelectorAll('script')]
              .filter(s => (s.textContent || '').includes('alert(')).length,
        jsLinks: [...document.querySelectorAll('a[href]')]
              .map(a => a.getAttribute('href'))
              .filter(h => h.trim().toLowerCase().startsWith('javascript:')),
    })""")
    assert injected == {"imgs": [], "handlers": [], "scripts": 0, "jsLinks": []}, injected
    if where == "evidence":
        shown = body_text(page)
        assert "<script>alert(1)</script>" in shown
        assert "<img src=x onerror=alert(2)>" in shown
        assert fx.HOSTILE_TITLE in shown
        # The body's Markdown and markup show as typed, too.
        assert "[click](javascript:alert(3))" in shown
        assert "<img src=y onerror=alert(4)>" in shown
        bs.screenshot(page, "articles-hostile")
    if where == "list":
        # The table keeps the title as data: the grid's text holds it literally.
        assert grid_rows(page) == 1
        cells = [c for row in grid_cells(page) for c in row]
        assert fx.HOSTILE_TITLE in cells, cells


def test_widget_change_writes_the_url(page, server, db_url):
    """The other direction: a filter typed in the sidebar lands in the address bar, and
    opening that address again gives the same view."""
    bs.open_page(page, server.url, "/articles")
    box = sidebar_widget(page, "stTextInput", "Text search").locator("input")
    box.fill("Hostile")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('q=Hostile')", timeout=30_000)
    bs.wait_for_app(page)
    assert grid_rows(page) == 1
    shared = page.url
    other = page.context.new_page()
    try:
        other.goto(shared, wait_until="domcontentloaded")
        bs.wait_for_app(other)
        assert grid_rows(other) == 1
        value = sidebar_widget(other, "stTextInput", "Text search").locator("input")
        assert value.input_value() == "Hostile"
    finally:
        other.close()


def test_selecting_a_row_opens_its_evidence(page, server, db_url):
    aid = hostile_article_id(db_url)
    bs.open_page(page, server.url, "/articles", {"q": "Hostile"})
    assert grid_rows(page) == 1
    canvas = page.locator('[data-testid="stDataFrame"] canvas').first
    box = canvas.bounding_box()
    assert box is not None
    # The selection checkbox sits in the first column of the first data row, one row
    # height (about 35 px) below the header.
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    page.wait_for_function(f"() => location.search.includes('article={aid}')", timeout=30_000)
    bs.wait_for_app(page)
    assert "Evidence" in body_text(page)
    assert not bs.exceptions_on_page(page)


# --- the province map ------------------------------------------------------------------

# Vega draws a geoshape mark as a group of <path> elements, one per province; each
# carries its tooltip text as aria-label.
MAP_SHAPES = '[data-testid="stVegaLiteChart"] svg g.mark-shape path'


def test_the_map_filters_every_page_by_the_province_clicked(page, server, db_url):
    bs.open_page(page, server.url, "/")
    page.wait_for_selector(MAP_SHAPES, state="attached")
    assert page.locator(MAP_SHAPES).count() == 25
    assert "© OpenStreetMap contributors, via geoBoundaries" in body_text(page)
    assert page.get_by_text("Province boundaries ©").first.is_visible()
    siem_reap = page.locator(MAP_SHAPES).and_(
        page.locator('path[aria-label*="Province: Siem Reap;"]'))
    assert siem_reap.count() == 1
    siem_reap.dispatch_event("click")
    page.wait_for_function("() => location.search.includes('province=KH-17')", timeout=30_000)
    bs.wait_for_app(page)
    # the filter lives in the URL, so the Articles page opened from the menu keeps it
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]', has_text="Articles"
                 ).first.click()
    page.wait_for_function(
        "() => location.pathname.endsWith('/articles') && location.search.includes('KH-17')",
        timeout=30_000,
    )
    bs.wait_for_app(page)
    start = fx.END_DAY - timedelta(days=89)
    assert grid_rows(page) == len(siem_reap_ids(db_url, start)) > 0
    assert selected_tags(page, "Provinces") == ["Siem Reap"]
    assert not bs.exceptions_on_page(page)


def siem_reap_ids(db_url: str, start: date) -> set[int]:
    """Relevant articles about Siem Reap (KH-17) from ``start`` on, straight from SQL."""
    engine = store.make_engine(db_url)
    sql = """SELECT DISTINCT a.id FROM articles a JOIN article_places p ON p.article_id = a.id
             WHERE p.province = 'KH-17' AND a.relevant = :yes
               AND a.published_day BETWEEN :start AND :end"""
    params = {"yes": True, "start": start, "end": fx.END_DAY}
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text(sql), params)}
    finally:
        engine.dispose()


# --- what the review found --------------------------------------------------------------

# Emoji and other pictographs: Debian's Chromium has no emoji font and draws boxes.
EMOJI = "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]"


def scroller_sizes(page, index: int = 0) -> dict:
    """The index-th st.dataframe's scroll area: content versus visible size."""
    sizes = page.evaluate(
        """(i) => {
            const d = document.querySelectorAll('[data-testid="stDataFrame"]')[i];
            const s = d && d.querySelector('.dvn-scroller');
            return s ? {sw: s.scrollWidth, cw: s.clientWidth,
                        sh: s.scrollHeight, ch: s.clientHeight} : null;
        }""",
        index,
    )
    assert sizes is not None, "no data grid scroller on the page"
    return sizes


@pytest.mark.parametrize(
    "path,params", [("/sources", None), ("/actors", None), ("/articles", {"q": "Hostile"})]
)
def test_tables_have_no_emoji_and_no_none(page, server, path, params):
    import re

    bs.open_page(page, server.url, path, params)
    page.wait_for_selector(GRID, state="attached")
    assert not re.search(EMOJI, body_text(page))
    grids = page.evaluate(f"() => document.querySelectorAll({GRID!r}).length")
    assert grids >= 1
    for i in range(grids):
        cells = [c for row in grid_cells(page, i) for c in row]
        assert cells and "None" not in cells, (path, i, cells)
        assert not any(re.search(EMOJI, c) for c in cells), (path, i)
    if path == "/sources":
        statuses = {row[1] for row in grid_cells(page, 0) if len(row) > 1}
        assert {"OK", "Backing off", "Not fetched yet"} <= statuses, statuses


def test_actor_ranking_table_shows_every_column_and_no_empty_rows(page, server):
    bs.open_page(page, server.url, "/actors")
    page.wait_for_selector(GRID, state="attached")
    rows = grid_rows(page, 0)
    sizes = scroller_sizes(page, 0)
    assert sizes["sw"] <= sizes["cw"], f"columns wider than the table: {sizes}"
    # Every row fits without scrolling, and no empty rows pad the table below them.
    assert sizes["sh"] <= sizes["ch"] + 1, sizes
    assert sizes["ch"] <= (rows + 1) * 35 + 4, (rows, sizes)
    header = page.evaluate(
        f"""() => [...document.querySelectorAll({GRID!r})[0].querySelectorAll('th')]
                     .map(th => th.textContent)"""
    )
    assert [h for h in header if h] == ["Actor", "Articles", "Sentiment", "Negative", "Mentions"]


def test_freshness_line_copies_as_shown(page, server):
    """The sidebar's own text carries no invisible joiners: a copied time is "06:00"."""
    bs.open_page(page, server.url, "/")
    captions = page.evaluate(
        """() => [...document.querySelectorAll(
                '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]')]
              .map(e => e.innerText)"""
    )
    assert "Data as of 2024-06-30 06:00 UTC" in captions, [repr(c) for c in captions]


def test_readme_overview_screenshot(page, server):
    out = bs.overview_screenshot(page, server.url, bs.SCREENSHOTS / "overview-readme.png")
    assert bs.png_size(out) == (page.viewport_size["width"], page.viewport_size["height"])
    assert out.stat().st_size > 20_000  # charts and text, not a blank page
