"""Helpers for the alert and brief tests: a migrated database, articles written straight
into it with chosen times, and loopback receivers (an HTTP webhook and an SMTP server)."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import insert, select

from feeds import store
from feeds.alerts.deliver import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from feeds.store import schema

NOW = datetime(2025, 8, 4, 3, 0)  # a Monday, 10:00 in Phnom Penh


def migrated(url: str):
    engine = store.make_engine(url)
    store.migrate(engine)
    return engine


def add_feed(conn, name: str = "Phnom Penh Wire", **extra) -> int:
    existing = conn.execute(select(schema.feeds.c.id).where(schema.feeds.c.name == name)
                            ).scalar()
    if existing:
        return existing
    return conn.execute(insert(schema.feeds).values(
        name=name, url=f"https://{abs(hash(name)) % 1000}.example/feed", **extra
    ).returning(schema.feeds.c.id)).scalar_one()


def add_article(conn, *, title: str, published: datetime, fetched: datetime | None = None,
                risk: float = 30.0, categories=(), actors=(), source="Phnom Penh Wire",
                text: str = "", relevant: bool = True) -> int:
    """One scored article with its category and actor rows."""
    feed_id = add_feed(conn, source)
    fetched = fetched or published
    url = "https://news.example/" + hashlib.sha1(f"{title}{published}".encode()).hexdigest()
    article_id = conn.execute(insert(schema.articles).values(
        url=url, link=url, fingerprint=url[-16:], title=title, feed_id=feed_id, source=source,
        published_at=published, published_day=published.date(), fetched_at=fetched,
        language="en", text=text or title, relevant=relevant, risk_score=risk, sentiment=-0.3,
    ).returning(schema.articles.c.id)).scalar_one()
    conn.execute(insert(schema.article_feeds).values(
        article_id=article_id, feed_id=feed_id, link=url, first_seen_at=fetched))
    for cat in categories:
        conn.execute(insert(schema.article_categories).values(
            article_id=article_id, category=cat, matches=1, points=3.0))
    for actor in actors:
        conn.execute(insert(schema.article_actors).values(
            article_id=article_id, actor=actor, mentions=1, sentiment=-0.2))
    return article_id


def baseline_and_surge(conn, now: datetime = NOW, category: str = "arrests_legal",
                       recent: int = 6) -> None:
    """Four weeks with one article every four days, then ``recent`` in the last day."""
    for day in range(2, 29, 4):
        when = now - timedelta(days=day)
        add_article(conn, title=f"Court hearing {day}", published=when,
                    categories=[category], actors=["Hun Manet"], risk=35)
    for i in range(recent):
        when = now - timedelta(hours=2 + i)
        add_article(conn, title=f"Activist <b>arrested</b> #{i}", published=when,
                    categories=[category], actors=["Hun Manet"], risk=70 + i)


def place_rows(pairs, province: str) -> list[dict]:
    """``article_places`` rows, as the place matching writes them, for (article, place)
    pairs all in ``province``."""
    return [{"article_id": a, "place": p, "kind": "town", "province": province, "mentions": 1}
            for a, p in pairs]


class Webhook:
    """A loopback HTTP server that checks each POST's signature and can be told to fail."""

    def __init__(self, secret: str):
        self.secret = secret
        self.received: list[dict] = []
        self.bad_signatures = 0
        self.fail_next = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_next:
                    outer.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                stamp = self.headers[TIMESTAMP_HEADER]
                if self.headers[SIGNATURE_HEADER] != sign(outer.secret, stamp, body):
                    outer.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                outer.received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook/{secret[:4]}tokenpath"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
