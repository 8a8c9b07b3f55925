"""A loopback news site with a history: the server the backfill tests and benchmark use.

One ``HistorySite`` plays a WordPress-like outlet with ``posts`` articles spread evenly
over [first, last), and serves every door a backfill may use:

``/wp-json/wp/v2/posts``  REST: after/before/page/per_page, ``X-WP-TotalPages`` (unless
                          ``paging_headers`` is False), 400 past the last page;
                          ``rest = "forbidden"`` answers 403 instead.
``/feed/``                RSS, 10 items a page, newest first, ``?paged=N``; 404 past the end.
``/sitemap_index.xml``    an index of monthly sitemaps ``/sitemap-YYYY-MM.xml`` (lastmod).
``/article/post-N``       the article pages (title, date meta, distinct paragraphs).
``/api/v2/doc/doc``       a GDELT-like artlist API over the same articles (JSON).
``/robots.txt``           ``robots`` (text; empty: 404; "broken": 500).

``slow_down = N`` answers the first N requests of REST/GDELT with 429 and
``Retry-After: 1``. ``delay`` is slept before every answer. ``log`` holds every request
(path, query, start, end, monotonic times); ``max_in_flight`` the most handled at once.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

_WORDS = ("rice border election court union garment land river temple market teacher "
          "monk farmer bridge factory minister protest flood casino loan").split()


@dataclass
class Hit:
    path: str
    query: str
    start: float
    end: float = 0.0


@dataclass
class HistorySite:
    posts: int = 50
    first: datetime = datetime(2026, 1, 5)
    last: datetime = datetime(2026, 4, 5)
    rest: str = "open"  # open | forbidden | missing
    robots: str = ""
    delay: float = 0.0
    slow_down: int = 0
    per_feed_page: int = 10
    paging_headers: bool = True  # False: no X-WP-Total(Pages), as behind some proxies
    log: list[Hit] = field(default_factory=list)
    max_in_flight: int = 0
    _in_flight: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> HistorySite:
        site = self

        class Handler(_Handler):
            owner = site

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.handle_error = lambda *args: None  # clients may hang up early
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> HistorySite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    # --- the archive ---------------------------------------------------------------

    def date(self, n: int) -> datetime:
        step = (self.last - self.first) / self.posts
        return self.first + step * n

    def link(self, n: int) -> str:
        return f"{self.base}article/post-{n}"

    def title(self, n: int) -> str:
        words = [_WORDS[(n * k + k) % len(_WORDS)] for k in (1, 3, 7)]
        return f"Cambodia {words[0]} {words[1]} report {n} on {words[2]}"

    def body_text(self, n: int) -> list[str]:
        return [f"In Phnom Penh, paragraph {p} of story {n} tells of the "
                f"{_WORDS[(n + p) % len(_WORDS)]} and the {_WORDS[(n * p + 3) % len(_WORDS)]} "
                f"in Cambodia, where officials met {p + n % 7} groups on day {n}."
                for p in range(6)]

    def hits(self, prefix: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if h.path.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    owner: HistorySite
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        site = self.owner
        parts = urlsplit(self.path)
        hit = Hit(parts.path, parts.query, time.monotonic())
        with site._lock:
            site.log.append(hit)
            site._in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site._in_flight)
        try:
            if site.delay:
                time.sleep(site.delay)
            self._route(site, parts.path, parse_qs(parts.query))
        finally:
            with site._lock:
                site._in_flight -= 1
                hit.end = time.monotonic()

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _slowed(self, site: HistorySite) -> bool:
        with site._lock:
            if site.slow_down <= 0:
                return False
            site.slow_down -= 1
        self._send(429, b"slow down", headers={"Retry-After": "1"})
        return True

    def _route(self, site: HistorySite, path: str, q: dict[str, list[str]]) -> None:
        if path == "/robots.txt":
            if site.robots == "broken":
                self._send(500, b"oops")
            elif site.robots:
                self._send(200, site.robots.encode(), "text/plain")
            else:
                self._send(404, b"none")
        elif path == "/wp-json/wp/v2/posts":
            self._rest(site, q)
        elif path in ("/feed/", "/feed"):
            self._feed(site, q)
        elif path == "/sitemap_index.xml":
            self._index(site)
        elif path.startswith("/sitemap-") and path.endswith(".xml"):
            self._sitemap(site, path[len("/sitemap-"):-4])
        elif path.startswith("/article/post-"):
            self._article(site, path)
        elif path == "/api/v2/doc/doc":
            self._gdelt(site, q)
        else:
            self._send(404, b"not found")

    def _in_range(self, site: HistorySite, after: datetime | None, before: datetime | None
                  ) -> list[int]:
        return [n for n in range(site.posts)
                if (after is None or site.date(n) > after)
                and (before is None or site.date(n) < before)]

    def _rest(self, site: HistorySite, q: dict[str, list[str]]) -> None:
        if site.rest == "forbidden":
            self._send(403, b'{"code":"rest_forbidden"}', "application/json")
            return
        if site.rest == "missing":
            self._send(404, b"not found")
            return
        if self._slowed(site):
            return
        after = _iso(q.get("after"))
        before = _iso(q.get("before"))
        per_page = int(q.get("per_page", ["10"])[0])
        page = int(q.get("page", ["1"])[0])
        found = self._in_range(site, after, before)
        pages = max(1, -(-len(found) // per_page))
        if page > pages:
            self._send(400, b'{"code":"rest_post_invalid_page_number"}', "application/json")
            return
        chunk = found[(page - 1) * per_page: page * per_page]
        posts = [{"id": n, "date_gmt": site.date(n).strftime("%Y-%m-%dT%H:%M:%S"),
                  "link": site.link(n), "title": {"rendered": site.title(n)},
                  "excerpt": {"rendered": f"<p>{site.body_text(n)[0]}</p>"},
                  "content": {"rendered": "".join(f"<p>{p}</p>" for p in site.body_text(n))}}
                 for n in chunk]
        headers = {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
        self._send(200, json.dumps(posts).encode(), "application/json",
                   headers if site.paging_headers else {})

    def _feed(self, site: HistorySite, q: dict[str, list[str]]) -> None:
        page = int(q.get("paged", ["1"])[0])
        newest_first = list(range(site.posts))[::-1]
        chunk = newest_first[(page - 1) * site.per_feed_page: page * site.per_feed_page]
        if not chunk:
            self._send(404, b"not found")
            return
        items = "".join(
            f"<item><title>{escape(site.title(n))}</title><link>{site.link(n)}</link>"
            f"<guid>{site.base}?p={n}</guid>"
            f"<pubDate>{format_datetime(site.date(n), usegmt=False)}</pubDate>"
            f"<description>{escape(site.body_text(n)[0])}</description></item>"
            for n in chunk)
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Site</title>'
                f"<link>{site.base}</link>{items}</channel></rss>").encode()
        self._send(200, body, "application/rss+xml")

    def _months(self, site: HistorySite) -> list[str]:
        return sorted({site.date(n).strftime("%Y-%m") for n in range(site.posts)})

    def _index(self, site: HistorySite) -> None:
        entries = "".join(f"<sitemap><loc>{site.base}sitemap-{m}.xml</loc></sitemap>"
                          for m in self._months(site))
        self._send(200, ('<?xml version="1.0"?><sitemapindex xmlns='
                         '"http://www.sitemaps.org/schemas/sitemap/0.9">'
                         f"{entries}</sitemapindex>").encode(), "application/xml")

    def _sitemap(self, site: HistorySite, month: str) -> None:
        urls = "".join(
            f"<url><loc>{site.link(n)}</loc><lastmod>{site.date(n):%Y-%m-%dT%H:%M:%S}+00:00"
            f"</lastmod></url>"
            for n in range(site.posts) if site.date(n).strftime("%Y-%m") == month)
        self._send(200, ('<?xml version="1.0"?><urlset xmlns='
                         '"http://www.sitemaps.org/schemas/sitemap/0.9">'
                         f"{urls}</urlset>").encode(), "application/xml")

    def _article(self, site: HistorySite, path: str) -> None:
        try:
            n = int(path.rsplit("-", 1)[1])
        except ValueError:
            n = -1
        if not 0 <= n < site.posts:
            self._send(404, b"not found")
            return
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in site.body_text(n))
        body = (f"<html><head><title>{escape(site.title(n))}</title>"
                f'<meta property="article:published_time" '
                f'content="{site.date(n):%Y-%m-%dT%H:%M:%S}+00:00"></head>'
                f"<body><nav>Home News</nav><article><h1>{escape(site.title(n))}</h1>"
                f"{paragraphs}</article></body></html>")
        self._send(200, body.encode())

    def _gdelt(self, site: HistorySite, q: dict[str, list[str]]) -> None:
        if self._slowed(site):
            return
        start = datetime.strptime(q["startdatetime"][0], "%Y%m%d%H%M%S")
        end = datetime.strptime(q["enddatetime"][0], "%Y%m%d%H%M%S")
        found = [n for n in range(site.posts) if start <= site.date(n) < end]
        records = int(q.get("maxrecords", ["250"])[0])
        arts = [{"url": site.link(n), "title": site.title(n),
                 "seendate": site.date(n).strftime("%Y%m%dT%H%M%SZ"), "domain": "127.0.0.1"}
                for n in found[::-1][:records]]
        self._send(200, json.dumps({"articles": arts} if arts else {}).encode(),
                   "application/json")


def _iso(values: list[str] | None) -> datetime | None:
    if not values:
        return None
    return datetime.fromisoformat(values[0].replace("Z", "")) - timedelta(0)
