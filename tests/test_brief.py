"""The weekly brief: figures from both databases, the generated summary, escaping, the
command line, and the HTML opened in Chromium with its images present and no network."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from alert_support import add_article, add_feed, migrated
from click.testing import CliRunner
from db_support import pg_url, sqlite_url

from feeds.brief import build, last_full_week, write_brief
from feeds.cli import cli

WEEK = (date(2025, 7, 28), date(2025, 8, 3))  # 2025-W31


def fill(conn):
    """W30: 2 arrests stories; W31: 5 border stories, 1 arrest, an unsafe title."""
    for i in range(2):
        add_article(conn, title=f"Arrest {i}", published=datetime(2025, 7, 22 + i, 9),
                    categories=["arrests_legal"], actors=["Sam Rainsy"], risk=40)
    for i in range(5):
        add_article(conn, title=f"Troops at the border {i}", risk=60 + i * 5,
                    published=datetime(2025, 7, 29, 9) + timedelta(days=i), source="Border Monitor",
                    categories=["security_military"], actors=["Hun Manet"])
    add_article(conn, title="<script>alert(1)</script> & co", risk=99,
                published=datetime(2025, 8, 3, 12), categories=["arrests_legal"])
    add_feed(conn, "Dead Feed", status="failed", last_error="HTTP 500",
             consecutive_failures=4)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    url = sqlite_url(tmp_path) if request.param == "sqlite" else pg_url("cr_test_brief")
    engine = migrated(url)
    with engine.begin() as conn:
        fill(conn)
    yield engine
    engine.dispose()


def test_figures_and_summary(engine):
    brief = build(engine, *WEEK)
    fig = brief.figures
    assert fig.now["articles"] == 6 and fig.before["articles"] == 2
    assert fig.now["high_risk"] == 6 and fig.before["high_risk"] == 0
    cats = fig.categories.set_index("key")
    assert cats.loc["security_military", "now"] == 5
    assert cats.loc["arrests_legal", "before"] == 2
    assert cats.loc["security_military", "label"] == "Security & military"
    assert fig.stories[0]["title"].startswith("<script>")
    assert [g["feed"] for g in fig.gaps] == ["Dead Feed"]
    assert fig.places is not None and fig.places.empty  # no place rows yet: the brief says so
    assert "No place data in this database yet." in brief.html()
    assert brief.summary.startswith("From 28 Jul to 03 Aug 2025 the monitor stored 6 relevant "
                                    "articles, up 200% on the period before (2).")
    assert "The largest rise was in Security & military (5 articles, +5)." in brief.summary
    assert "Hun Manet was the fastest-rising actor" in brief.summary
    assert brief.images["risk"][:8] == b"\x89PNG\r\n\x1a\n"


def test_html_is_escaped_and_self_contained(engine, tmp_path):
    out = write_brief(engine, *WEEK, "html", tmp_path / "brief.html",
                      public_url="https://risk.example.org")
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "src=\"http" not in page and "<link" not in page  # nothing to fetch
    assert "https://risk.example.org/?start=2025-07-28&amp;end=2025-08-03" in page


def test_cli_formats_and_errors(tmp_path):
    url = sqlite_url(tmp_path)
    engine = migrated(url)
    with engine.begin() as conn:
        fill(conn)
    engine.dispose()
    run = CliRunner()
    md = run.invoke(cli, ["brief", "--db", url, "--week", "2025-W31", "--format", "md",
                          "--out", str(tmp_path / "w31.md")])
    assert md.exit_code == 0, md.output
    text = (tmp_path / "w31.md").read_text(encoding="utf-8")
    assert "![Daily mean risk and its 7-day mean](w31_files/risk.png)" in text
    assert (tmp_path / "w31_files" / "risk.png").stat().st_size > 1000
    assert "\\<script\\>" in text
    bad = run.invoke(cli, ["brief", "--db", url, "--week", "2025-31"])
    assert bad.exit_code == 2 and "not an ISO week like 2025-W31" in bad.stderr
    both = run.invoke(cli, ["brief", "--db", url, "--week", "2025-W31", "--since",
                            "2025-07-01", "--until", "2025-07-02"])
    assert both.exit_code == 2 and "not both" in both.stderr
    nowhere = run.invoke(cli, ["brief", "--db", url, "--out", str(tmp_path / "no" / "b.html")])
    assert nowhere.exit_code == 2 and "no such folder" in nowhere.stderr
    assert last_full_week(date(2025, 8, 6)) == (date(2025, 7, 28), date(2025, 8, 3))


@pytest.mark.browser
def test_pdf_and_html_in_chromium(tmp_path):
    from pathlib import Path

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    url = sqlite_url(tmp_path)
    engine = migrated(url)
    with engine.begin() as conn:
        fill(conn)
    html = write_brief(engine, *WEEK, "html", tmp_path / "brief.html")
    pdf = write_brief(engine, *WEEK, "pdf", tmp_path / "brief.pdf")
    engine.dispose()
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri())
        sizes = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.alt])")
        assert sizes and all(done and width > 600 for done, width, _ in sizes)
        assert sizes[0][2] == "Daily mean risk and its 7-day mean"
        assert page.locator("h2", has_text="Top stories").count() == 1
        assert "<script>alert(1)</script> & co" in page.inner_text("table")
        page.emulate_media(media="print")
        assert page.pdf()[:5] == b"%PDF-"  # prints cleanly from the browser too
        browser.close()
    assert all(not u.startswith("http") for u in requests)  # opens offline


def test_week_boundaries_follow_iso_weeks():
    assert date.fromisocalendar(2025, 31, 1) == WEEK[0]
    assert WEEK[1] - WEEK[0] == timedelta(days=6)


def test_provinces_appear_when_place_data_exists(engine, tmp_path):
    from alert_support import place_rows
    from sqlalchemy import insert, select

    from feeds.store import schema

    with engine.begin() as conn:
        ids = conn.execute(select(schema.articles.c.id)).scalars().all()
        conn.execute(insert(schema.article_places),
                     place_rows([(a, p) for a in ids for p in ("Stung Treng", "Siem Pang")],
                                "KH-19"))
    brief = build(engine, *WEEK)
    prov = brief.figures.places.set_index("key")
    assert prov.loc["KH-19", "now"] == 6 and prov.loc["KH-19", "before"] == 2
    assert brief.images["places"][:4] == b"\x89PNG"
    page = brief.html()
    assert "Articles by province" in page and "No place data" not in page
