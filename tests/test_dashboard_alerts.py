"""The Alerts page and its queries: fired alerts with evidence and delivery state, the
rules as loaded, URL filters; the brief download; the Overview's link to the page."""

from __future__ import annotations

from datetime import datetime

import pytest
from alert_support import Webhook
from dashboard_fixtures import HOSTILE_TITLE, build_dataset
from db_support import pg_url, sqlite_url
from streamlit.testing.v1 import AppTest
from test_dashboard_app import APP, all_text, assert_no_raw_markup, run, unescape

from dashboard import queries as q
from dashboard.filters import Filters
from feeds import store
from feeds.alerts import Destinations, parse_rules, run_alerts

NOW = datetime(2024, 6, 30, 23, 0)
SECRET = "page-secret-abcdef0123"
RULES_TOML = """
[[rules]]
name = "hot"
kind = "high_risk"
threshold = 50
window = "7d"
destinations = ["hook"]

[[rules]]
name = "unrouted"
kind = "high_risk"
threshold = 50
window = "7d"
destinations = ["nowhere"]
"""


def fire(url: str) -> None:
    """Run two rules on the fixture: one delivered to a loopback webhook, one pending."""
    engine = store.make_engine(url)
    rules = parse_rules(__import__("tomllib").loads(RULES_TOML))
    with Webhook(SECRET) as hook:
        env = {"CAMBODIA_RISK_DEST_HOOK": "webhook+" + hook.url,
               "CAMBODIA_RISK_DEST_HOOK_SECRET": SECRET}
        report = run_alerts(engine, rules, now=NOW, destinations=Destinations(env, file=None),
                            public_url="https://risk.example.org")
    assert report.sent == 1 and report.failed == 1
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fired_db(request, tmp_path):
    url = sqlite_url(tmp_path) if request.param == "sqlite" else pg_url("cr_test_dash_alerts")
    build_dataset(url)
    fire(url)
    return url


def test_fired_alerts_filters_and_detail(fired_db):
    engine = store.make_engine(fired_db)
    window = Filters(start=NOW.date(), end=NOW.date())
    with engine.connect() as conn:
        table = q.fired_alerts(conn, window)
        assert sorted(table["rule"]) == ["hot", "unrouted"]
        assert dict(zip(table["rule"], table["state"], strict=True)) == {
            "hot": "sent", "unrouted": "pending"}
        assert list(q.fired_alerts(conn, window, state="pending")["rule"]) == ["unrouted"]
        assert list(q.fired_alerts(conn, window, rules=("hot",))["rule"]) == ["hot"]
        assert q.fired_alerts(conn, window, kinds=("surge",)).empty
        before = Filters(start=datetime(2024, 6, 1).date(), end=datetime(2024, 6, 29).date())
        assert q.fired_alerts(conn, before).empty
        hot = int(table[table["rule"] == "hot"]["id"].iloc[0])
        detail = q.alert_detail(conn, hot)
        assert detail["evidence"]["articles"] and "new article" in detail["reason"]
        assert list(detail["deliveries"]["status"]) == ["sent"]
        assert q.alert_choices(conn) == {"rules": ["hot", "unrouted"], "kinds": ["high_risk"]}
    engine.dispose()


@pytest.fixture(scope="module")
def page_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('alerts_page') / 'fixture.db'}"
    build_dataset(url)
    fire(url)
    return url


@pytest.fixture()
def app(page_db, monkeypatch, tmp_path):
    rules = tmp_path / "alerts.toml"
    rules.write_text(RULES_TOML, encoding="utf-8")
    monkeypatch.setenv("CAMBODIA_RISK_DB", page_db)
    monkeypatch.setenv("CAMBODIA_RISK_ALERTS", str(rules))
    return AppTest.from_file(str(APP), default_timeout=60)


def _ids(page_db) -> dict[str, int]:
    engine = store.make_engine(page_db)
    with engine.connect() as conn:
        table = q.fired_alerts(conn, Filters(start=NOW.date(), end=NOW.date()))
    engine.dispose()
    return dict(zip(table["rule"], table["id"], strict=True))


def test_alerts_page_lists_evidence_delivery_and_rules(app, page_db):
    at = run(app, "app_pages/alerts.py")
    assert at.title[0].value == "Alerts"
    listing = at.dataframe[0].value
    assert sorted(listing["rule"]) == ["hot", "unrouted"]
    rules = at.dataframe[-1].value
    assert list(rules["name"]) == ["hot", "unrouted"]
    assert "risk ≥ 50" in rules["fires when"].iloc[0]
    assert_no_raw_markup(at)

    ids = _ids(page_db)
    at = run(app, "app_pages/alerts.py", alert=str(ids["unrouted"]))
    texts = " ".join(all_text(at))
    assert "Rule **unrouted** (high_risk)" in texts
    deliveries = at.dataframe[-2].value
    assert list(deliveries["status"]) == ["pending"]
    assert "CAMBODIA_RISK_DEST_NOWHERE" in deliveries["last_error"].iloc[0]
    articles = at.dataframe[-3].value
    assert len(articles) <= 5 and articles["title"].notna().all()
    page_dump = repr([d.value for d in at.dataframe]) + texts
    assert SECRET not in page_dump and "tokenpath" not in page_dump
    assert_no_raw_markup(at)


def test_alerts_page_url_filters(app):
    at = run(app, "app_pages/alerts.py", rule="hot", state="sent")
    assert list(at.dataframe[0].value["rule"]) == ["hot"]
    fresh = AppTest.from_file(str(APP), default_timeout=60)
    at = run(fresh, "app_pages/alerts.py", state="pending", kind="nonsense")
    assert list(at.dataframe[0].value["rule"]) == ["unrouted"]
    assert any("Ignored unknown kind" in c.value for c in at.caption)


def test_bad_rules_file_is_one_line_on_the_page(app, monkeypatch, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "x"\nkind = "surge"\nwindow = "soon"\n'
                   'destinations = ["t"]\n', encoding="utf-8")
    monkeypatch.setenv("CAMBODIA_RISK_ALERTS", str(bad))
    at = run(app, "app_pages/alerts.py")
    assert "rule #1 ('x'): field 'window'" in unescape(at.error[0].value)


def test_overview_links_to_alerts_and_brief_downloads(app, page_db):
    at = run(app)
    links = [p for p in at.get("page_link") if "Alerts sent to the team" in p.proto.label]
    assert links and links[0].proto.page.endswith("alerts")
    from dashboard import data

    f = Filters(start=datetime(2024, 6, 1).date(), end=NOW.date(), explicit_start=True)
    page = data.brief_builder(page_db, f)().decode("utf-8")
    assert "data:image/png;base64," in page and "Top stories" in page
    assert HOSTILE_TITLE not in page  # titles are escaped in the brief too
