"""Alert runs end to end on SQLite and PostgreSQL, delivered over loopback.

Real parts: the database, an HTTP server that verifies each webhook's HMAC signature,
and an SMTP server (aiosmtpd) that receives apprise's email.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from alert_support import NOW, Webhook, add_article, add_feed, baseline_and_surge, migrated
from db_support import pg_url, sqlite_url
from sqlalchemy import select

from feeds.alerts import Destinations, parse_rules, run_alerts
from feeds.store import schema

SECRET = "hmac-secret-0123456789"
PUBLIC = "https://risk.example.org/dash"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    url = sqlite_url(tmp_path) if request.param == "sqlite" else pg_url("cr_test_alerts")
    engine = migrated(url)
    yield engine
    engine.dispose()


def rules(*tables, **settings):
    return parse_rules({"rules": list(tables), "settings": settings}, source="test")


SURGE = {"name": "arrests", "kind": "surge", "by": "category", "window": "24h",
         "baseline": "28d", "min_count": 3, "destinations": ["hook"]}


def hook_env(hook: Webhook) -> dict:
    return {"CAMBODIA_RISK_DEST_HOOK": "webhook+" + hook.url,
            "CAMBODIA_RISK_DEST_HOOK_SECRET": SECRET}


def deliveries(engine):
    with engine.connect() as conn:
        return conn.execute(select(schema.alert_deliveries)).mappings().all()


def test_surge_fires_once_with_evidence_and_signed_webhook(engine):
    with engine.begin() as conn:
        baseline_and_surge(conn)
    with Webhook(SECRET) as hook:
        dests = Destinations(hook_env(hook), file=None)
        report = run_alerts(engine, rules(SURGE), now=NOW, public_url=PUBLIC,
                            destinations=dests)
        assert [f.subject for f in report.fired] == ["category:arrests_legal"]
        assert report.sent == 1 and hook.bad_signatures == 0
        payload = hook.received[0]
        assert payload["figures"]["recent"] == 6
        assert payload["figures"]["baseline"] == pytest.approx(7 / 28, abs=1e-3)
        assert "6 articles in the last day vs a baseline of 0.25" in payload["reason"]
        assert len(payload["articles"]) == 5
        assert payload["articles"][0]["title"] == "Activist <b>arrested</b> #5"
        assert payload["articles"][0]["source"] == "Phnom Penh Wire"
        assert payload["link"] == (f"{PUBLIC}/articles?start=2025-08-03&end=2025-08-04"
                                   "&category=arrests_legal")
        # A rerun, and a second scheduler an hour later: nothing new is sent.
        again = run_alerts(engine, rules(SURGE), now=NOW, public_url=PUBLIC,
                           destinations=dests)
        later = run_alerts(engine, rules(SURGE), now=NOW + timedelta(hours=1),
                           destinations=dests)
        assert again.fired == [] and later.fired == []
        assert len(hook.received) == 1
        # After the cool-down (the window) a surge still going on fires again.
        with engine.begin() as conn:
            for i in range(4):
                add_article(conn, title=f"More arrests {i}", categories=["arrests_legal"],
                            published=NOW + timedelta(hours=20 + i))
        next_day = run_alerts(engine, rules(SURGE), now=NOW + timedelta(hours=25),
                              destinations=dests)
        assert len(next_day.fired) == 1 and len(hook.received) == 2


def test_backfill_of_old_articles_fires_nothing(engine):
    """Old news stored today (a backfill) is neither a surge nor a new article."""
    with engine.begin() as conn:
        for i in range(40):
            add_article(conn, title=f"Archive story {i}", categories=["arrests_legal"],
                        actors=["Hun Manet"], risk=95, fetched=NOW - timedelta(minutes=5),
                        published=NOW - timedelta(days=200, hours=i))
        # Published "now" but first stored a week ago: not new either.
        add_article(conn, title="Old copy", risk=99, published=NOW - timedelta(hours=1),
                    fetched=NOW - timedelta(days=7))
    ruleset = rules(SURGE, {"name": "hot", "kind": "high_risk", "threshold": 50,
                            "destinations": ["hook"]},
                    {"name": "manet", "kind": "watch", "actors": ["Hun Manet"],
                     "destinations": ["hook"]})
    report = run_alerts(engine, ruleset, now=NOW, destinations=Destinations({}, file=None))
    assert report.fired == []
    assert deliveries(engine) == []


def test_failing_destination_retries_with_backoff_then_recovers(engine, caplog):
    with engine.begin() as conn:
        add_article(conn, title="Troops massed at border", risk=90,
                    published=NOW - timedelta(hours=1))
    rule = {"name": "hot", "kind": "high_risk", "threshold": 80, "destinations": ["hook"]}
    ruleset = rules(rule, retry_first="10m", retry_max="1h", expire_after="1d")
    caplog.set_level(logging.INFO)
    with Webhook(SECRET) as hook:
        dests = Destinations(hook_env(hook), file=None)
        hook.fail_next = 2
        first = run_alerts(engine, ruleset, now=NOW, destinations=dests)
        assert len(first.fired) == 1 and first.failed == 1 and first.sent == 0
        [row] = deliveries(engine)
        assert row["status"] == "pending" and row["attempts"] == 1
        assert "HTTP 503" in row["last_error"]
        assert row["next_attempt_at"] == NOW + timedelta(minutes=10)
        # Before the backoff ends, nothing is tried.
        early = run_alerts(engine, ruleset, now=NOW + timedelta(minutes=5), destinations=dests)
        assert early.failed == early.sent == 0
        second = run_alerts(engine, ruleset, now=NOW + timedelta(minutes=11),
                            destinations=dests)
        assert second.failed == 1
        [row] = deliveries(engine)
        assert row["next_attempt_at"] == NOW + timedelta(minutes=11 + 20)  # doubled
        third = run_alerts(engine, ruleset, now=NOW + timedelta(minutes=40), destinations=dests)
        assert third.sent == 1 and third.fired == []
        assert [p["title"] for p in hook.received] == ["High risk: hot"]
        [row] = deliveries(engine)
        assert row["status"] == "sent" and row["attempts"] == 3
    assert "HTTP 503" in caplog.text
    for text in [caplog.text, *(r["last_error"] or "" for r in deliveries(engine))]:
        assert SECRET not in text and "tokenpath" not in text


def test_undelivered_alert_expires(engine):
    with engine.begin() as conn:
        add_article(conn, title="Troops massed at border", risk=90,
                    published=NOW - timedelta(hours=1))
    rule = {"name": "hot", "kind": "high_risk", "threshold": 80, "destinations": ["nowhere"]}
    ruleset = rules(rule, retry_first="1h", expire_after="2h")
    dests = Destinations({}, file=None)
    first = run_alerts(engine, ruleset, now=NOW, destinations=dests)
    assert first.failed == 1 and "CAMBODIA_RISK_DEST_NOWHERE" in first.errors[0]
    run_alerts(engine, ruleset, now=NOW + timedelta(hours=3), destinations=dests)
    [row] = deliveries(engine)
    assert row["status"] == "expired" and row["attempts"] == 1


def test_watch_and_silence(engine):
    with engine.begin() as conn:
        add_article(conn, title="Minister visits Preah Vihear temple", risk=20,
                    published=NOW - timedelta(hours=3))
        add_article(conn, title="Hun Manet meets investors", actors=["Hun Manet"], risk=5,
                    published=NOW - timedelta(hours=2))
        add_article(conn, title="Unrelated football", risk=1, published=NOW - timedelta(hours=1))
        add_feed(conn, "Dead Feed", status="failed", last_error="HTTP 500",
                 last_attempt_at=NOW - timedelta(minutes=10),
                 last_success_at=NOW - timedelta(days=2))
    ruleset = rules(
        {"name": "watch", "kind": "watch", "terms": ["preah vihear"], "actors": ["Hun Manet"],
         "destinations": ["x"]},
        {"name": "quiet", "kind": "silence", "after": "12h", "feeds": ["Dead Feed"],
         "destinations": ["x"]},
    )
    report = run_alerts(engine, ruleset, now=NOW, dry_run=True,
                        destinations=Destinations({}, file=None))
    by_rule = {f.rule.name: f for f in report.fired}
    assert sorted(a["title"] for a in by_rule["watch"].articles) == [
        "Hun Manet meets investors", "Minister visits Preah Vihear temple"]
    assert by_rule["quiet"].subject == "feed:Dead Feed"
    assert "HTTP 500" in by_rule["quiet"].reason
    assert deliveries(engine) == []  # a dry run writes nothing


@pytest.fixture
def smtp_server():
    """aiosmtpd on a free loopback port; yields (port, received envelopes)."""
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox.messages
    finally:
        controller.stop()


def test_email_through_apprise_reaches_a_real_smtp_server(engine, smtp_server):
    import email
    from email.policy import default

    port, inbox = smtp_server
    with engine.begin() as conn:
        baseline_and_surge(conn)
    env = {"CAMBODIA_RISK_DEST_DESK": f"mailto://127.0.0.1:{port}?to=desk@example.org"
                                      "&from=alerts@example.org&mode=insecure"}
    rule = dict(SURGE, destinations=["desk"])
    report = run_alerts(engine, rules(rule), now=NOW, public_url=PUBLIC,
                        destinations=Destinations(env, file=None))
    assert report.sent == 1, report.errors
    [envelope] = inbox
    assert envelope.rcpt_tos == ["desk@example.org"]
    msg = email.message_from_bytes(envelope.content, policy=default)
    assert msg["Subject"] == "[Cambodia Risk] Surge: category arrests_legal"
    text = msg.get_body(("plain",)).get_content()
    assert "6 articles in the last day" in text
    assert "Activist <b>arrested</b> #5" in text  # feed text as text, not markup
    assert "Phnom Penh Wire" in text
    assert f"{PUBLIC}/articles?start=2025-08-03" in text
    html = msg.get_body(("html",)).get_content()
    assert "<b>arrested</b>" not in html and "&lt;b&gt;arrested" in html


def test_scheduled_brief_is_mailed_once_with_the_html_attached(engine, smtp_server):
    import email
    from email.policy import default

    port, inbox = smtp_server
    with engine.begin() as conn:
        baseline_and_surge(conn, now=NOW - timedelta(days=1))
    env = {"CAMBODIA_RISK_DEST_DESK": f"mailto://127.0.0.1:{port}?to=desk@example.org"
                                      "&from=alerts@example.org&mode=insecure"}
    rule = {"name": "monday", "kind": "brief", "destinations": ["desk"],
            "schedule": "every Monday 07:00 Asia/Phnom_Penh"}
    dests = Destinations(env, file=None)
    # Sunday evening: not due yet.
    assert run_alerts(engine, rules(rule), now=NOW - timedelta(hours=5),
                      destinations=dests).fired == []
    report = run_alerts(engine, rules(rule), now=NOW, destinations=dests, public_url=PUBLIC)
    assert report.sent == 1, report.errors
    assert run_alerts(engine, rules(rule), now=NOW + timedelta(hours=1),
                      destinations=dests).fired == []  # once per occurrence
    [envelope] = inbox
    msg = email.message_from_bytes(envelope.content, policy=default)
    assert msg["Subject"] == "[Cambodia Risk] Weekly brief 28 Jul – 03 Aug 2025"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "cambodia-risk-brief-2025-07-28.html"
    page = attachment.get_content()
    page = page.decode() if isinstance(page, bytes) else page
    assert "data:image/png;base64," in page and "Top stories" in page
    body = msg.get_body(("plain",)).get_content()
    assert "stored 8 relevant articles" in body
    assert f"{PUBLIC}/articles?start=2025-07-28&end=2025-08-03" in body


def test_two_schedulers_at_once_send_each_alert_once(engine):
    import threading

    with engine.begin() as conn:
        baseline_and_surge(conn)
    ruleset = rules(SURGE, {"name": "hot", "kind": "high_risk", "threshold": 70,
                            "destinations": ["hook"]})
    with Webhook(SECRET) as hook:
        dests = Destinations(hook_env(hook), file=None)
        start = threading.Barrier(3)
        reports, errors = [], []

        def scheduler():
            start.wait()
            try:
                reports.append(run_alerts(engine, ruleset, now=NOW, destinations=dests))
            except Exception as exc:  # noqa: BLE001 - the assertion below shows it
                errors.append(exc)

        threads = [threading.Thread(target=scheduler) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sorted(len(r.fired) for r in reports) == [0, 0, 2]
        assert sorted(p["rule"] for p in hook.received) == ["arrests", "hot"]


def test_watch_terms_are_text_not_patterns(engine):
    with engine.begin() as conn:
        add_article(conn, title="Turnout reached 100 percent", published=NOW - timedelta(hours=1))
        add_article(conn, title="Tariff of 50% on garments", published=NOW - timedelta(hours=2))
    ruleset = rules({"name": "pct", "kind": "watch", "terms": ["0%"], "destinations": ["x"]},
                    {"name": "under", "kind": "watch", "terms": ["_"], "destinations": ["x"]})
    report = run_alerts(engine, ruleset, now=NOW, dry_run=True,
                        destinations=Destinations({}, file=None), public_url=PUBLIC)
    assert [(f.rule.name, [a["title"] for a in f.articles]) for f in report.fired] == [
        ("pct", ["Tariff of 50% on garments"])]
    assert report.fired[0].link.endswith("&q=0%25")


def test_province_surge_through_the_place_data_hook(engine):
    """With place data in article_places, provinces surge like categories, each article
    counted once per province however many places it names."""
    from alert_support import place_rows
    from sqlalchemy import insert

    places = schema.article_places
    with engine.begin() as conn:
        ids = [add_article(conn, title=f"Flood in Kampot {i}", risk=50,
                           published=NOW - timedelta(hours=1 + i)) for i in range(4)]
        old = add_article(conn, title="Kampot pepper fair", published=NOW - timedelta(days=9))
        rows = place_rows([(a, p) for a in [*ids, old] for p in ("Kampot", "Bokor")], "KH-7")
        conn.execute(insert(places), rows)
    rule = {"name": "prov", "kind": "surge", "by": "province", "min_count": 3,
            "destinations": ["x"]}
    report = run_alerts(engine, rules(rule), now=NOW, dry_run=True, public_url=PUBLIC,
                        destinations=Destinations({}, file=None))
    [firing] = report.fired
    assert firing.subject == "province:KH-7"
    assert firing.figures["recent"] == 4  # not 8: two places, one province
    assert firing.figures["baseline"] == pytest.approx(1 / 28, abs=1e-3)
    assert len(firing.articles) == 4
    assert firing.link.endswith("&province=KH-7")
