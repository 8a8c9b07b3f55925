"""History from a site's XML sitemaps, for sites with neither REST nor paged feeds.

Sitemaps are found through robots.txt (``Sitemap:`` lines) or at the usual addresses.
Each document is fetched by our own fetcher, under the backfill's limits and politeness,
and only then parsed by ``ultimate-sitemap-parser`` (``usp.tree.sitemap_from_str``),
which never touches the network this way: it returns an index's children as
unfetched entries and we decide which to fetch. A child whose address names a month
(``post-2026-10.xml``, ``/2026/10/``) outside the range, or a month already finished,
is not fetched at all.

Pages are grouped into monthly windows by their ``lastmod`` (or Google News
publication date); each window's pages are fetched, extracted, stored and checkpointed.
"""

from __future__ import annotations

import logging
import re
import zlib
from datetime import UTC, datetime

from feeds.ingest.backfill import checkpoints, pages
from feeds.ingest.backfill.checkpoints import Window
from feeds.ingest.backfill.context import FeedRun, Refused, Unsupported
from feeds.ingest.backfill.polite import ROBOTS_REFUSAL, PoliteFetcher
from feeds.ingest.fetch import FEED_ACCEPT
from feeds.store import backfill as progress

NAME = "sitemap"
_WELL_KNOWN = ("sitemap.xml", "sitemap_index.xml", "wp-sitemap.xml")
_MONTH_IN_URL = re.compile(r"(20\d\d)[-/_]?(0[1-9]|1[0-2])(?![0-9])")
_MAX_DOCUMENTS = 500  # sitemap documents read per feed and run
_MAX_DEPTH = 3

logging.getLogger("usp").setLevel(logging.CRITICAL)  # it logs every odd sitemap


async def walk(feed: FeedRun) -> bool:
    run = feed.run
    windows = checkpoints.grid(run.since, run.until, run.settings.backfill.sitemap_window_days)
    with run.engine.connect() as conn:
        finished = progress.finished_windows(conn, feed.row["id"], NAME)
    todo = list(checkpoints.pending(windows, finished))
    feed.report.windows += len(windows)
    feed.report.windows_skipped += len(windows) - len(todo)
    if not todo:
        return True
    found = await _collect(feed, run.polite, todo)
    run.windows_total += len(todo)
    for window in todo:
        if run.stopping:
            return False
        articles, ready = await pages.fetch_articles(feed, found.get(window.start, []), NAME)
        await feed.store(NAME, articles, ready, feed.window_checkpoint(NAME, window),
                         window.label)
    return True


async def _collect(feed: FeedRun, polite: PoliteFetcher, todo: list[Window]
                   ) -> dict[datetime, list[pages.Link]]:
    """Page links with their dates, by the start of the window they fall in."""
    from usp.objects.sitemap import AbstractIndexSitemap, AbstractPagesSitemap

    roots = await polite.sitemaps(feed.site) or [feed.site + name for name in _WELL_KNOWN]
    queue = [(url, 0, True) for url in roots]
    seen: set[str] = set()
    found: dict[datetime, list[pages.Link]] = {}
    any_read = False
    while queue and len(seen) < _MAX_DOCUMENTS:
        url, depth, root = queue.pop(0)
        if url in seen or not _month_wanted(url, todo):
            continue
        seen.add(url)
        tree = await _read(feed, polite, url, root)
        if tree is None:
            continue
        any_read = True
        if isinstance(tree, AbstractIndexSitemap) and depth < _MAX_DEPTH:
            queue += [(child.url, depth + 1, False) for child in tree.sub_sitemaps]
        elif isinstance(tree, AbstractPagesSitemap):
            for page in tree.pages:
                when = _page_time(page)
                window = _window_of(when, todo) if when else None
                if window is not None:
                    title = page.news_story.title if page.news_story else ""
                    found.setdefault(window.start, []).append((page.url, title or "", None))
    if not any_read:
        raise Unsupported("no readable sitemap (robots.txt names none, and "
                          f"{', '.join(_WELL_KNOWN)} are missing)")
    return found


async def _read(feed: FeedRun, polite: PoliteFetcher, url: str, root: bool):
    from usp.objects.sitemap import InvalidSitemap
    from usp.tree import sitemap_from_str

    result = await polite.get(url, accept=FEED_ACCEPT)
    if result.error and result.error.startswith(ROBOTS_REFUSAL):
        if root:
            raise Refused(result.error)
        return None
    if not result.ok or not result.body:
        return None
    text = _gunzip(result.body, feed.run.settings.fetch.max_bytes)
    if text is None:
        return None
    tree = sitemap_from_str(text)
    return None if isinstance(tree, InvalidSitemap) else tree


def _gunzip(body: bytes, limit: int) -> str | None:
    """Sitemaps are often served as .xml.gz files (gzip as content, not as encoding)."""
    if body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(body, limit)
        except zlib.error:
            return None
        if inflater.unconsumed_tail:
            return None  # larger than the body limit once inflated
    return body.decode("utf-8", "replace")


def _page_time(page) -> datetime | None:
    when = page.news_story.publish_date if page.news_story else None
    when = when or page.last_modified
    if when is None:
        match = _MONTH_IN_URL.search(page.url)
        return datetime(int(match[1]), int(match[2]), 1) if match else None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _window_of(when: datetime, todo: list[Window]) -> Window | None:
    return next((w for w in todo if w.start <= when < w.end), None)


def _month_wanted(url: str, todo: list[Window]) -> bool:
    """False when the address names a month no pending window touches."""
    match = _MONTH_IN_URL.search(url)
    if not match:
        return True
    month = datetime(int(match[1]), int(match[2]), 1)
    return any(w.start <= month < w.end or month <= w.start < _next_month(month)
               for w in todo)


def _next_month(month: datetime) -> datetime:
    return datetime(month.year + month.month // 12, month.month % 12 + 1, 1)


async def probe(polite: PoliteFetcher, site: str) -> Exception | None:
    """None when a sitemap is found and readable."""
    from usp.objects.sitemap import InvalidSitemap
    from usp.tree import sitemap_from_str

    for url in await polite.sitemaps(site) or [site + name for name in _WELL_KNOWN]:
        result = await polite.get(url, accept=FEED_ACCEPT)
        if result.error and result.error.startswith(ROBOTS_REFUSAL):
            return Refused(result.error)
        if result.ok and result.body:
            text = _gunzip(result.body, polite.max_bytes)
            if text and not isinstance(sitemap_from_str(text), InvalidSitemap):
                return None
    return Unsupported("no readable sitemap")
