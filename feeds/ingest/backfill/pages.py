"""Article pages for the methods that find links without text (sitemap, GDELT, and
paged feeds of teaser-only outlets).

Pages already stored are not fetched again, so a resumed window costs only the pages it
had not stored. Pages of different hosts are fetched side by side; each host still
gets one request at a time (``PoliteFetcher``). A page robots.txt forbids is skipped, and
so is a link to a private address from a public site (the refresh's rule).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from feeds import store
from feeds.ingest.backfill import jobs
from feeds.ingest.backfill.context import FeedRun
from feeds.ingest.backfill.jobs import Prepared
from feeds.ingest.fetch import PAGE_ACCEPT
from feeds.store import NewArticle

# Hosts fetched side by side for one feed, and pages handed to a worker at once.
_HOSTS_AT_ONCE = 8
_BATCH = 20

Link = tuple[str, str, datetime | None]  # link, title hint, date hint


async def fetch_articles(feed: FeedRun, links: list[Link], arrival: str) -> Prepared:
    """Fetch and extract the pages of ``links`` not stored yet."""
    from feeds.ingest.canonical import canonical_url

    run = feed.run
    with run.engine.connect() as conn:
        known = store.existing_urls(conn, (canonical_url(link) for link, _t, _d in links))
    todo = [item for item in dict((item[0], item) for item in links).values()
            if canonical_url(item[0]) not in known]  # private addresses: the fetcher's policy
    todo = _within_budget(feed, todo)
    bodies = await _bodies(feed, [link for link, _t, _d in todo])
    pages = [(link, bodies.get(link), title, when) for link, title, when in todo]
    parts = [feed.prepare(jobs.article_pages, pages[i:i + _BATCH], feed.cfg.language,
                          arrival, feed.cfg.always_relevant, run.started)
             for i in range(0, len(pages), _BATCH)]
    results = await asyncio.gather(*parts)
    articles, ready = [], {}
    for part_articles, part_ready in results:
        articles += part_articles
        ready.update(part_ready)
    return articles, ready


async def fill_text(feed: FeedRun, articles: list[NewArticle], ready: dict, arrival: str
                    ) -> Prepared:
    """Swap in the page text of the new ones among ``articles`` (teaser-only feeds); a
    page that fails keeps the entry's summary."""
    new = [a for a in articles if a.url in ready]
    bodies = await _bodies(feed, [a.link for a in _within_budget(feed, new)])
    if not bodies:
        return articles, ready
    with_text, scores = await feed.run.pool.run(
        jobs.with_page_text, [a for a in new if a.link in bodies], bodies,
        feed.cfg.always_relevant)
    swapped = {a.url: a for a in with_text}
    ready = {**ready, **scores}
    return [swapped.get(a.url, a) for a in articles], ready


def _within_budget(feed: FeedRun, items: list) -> list:
    left = feed.run.settings.backfill.page_fetches - feed.page_fetches
    if len(items) > left:
        items = items[:max(left, 0)]
        feed.report.detail = "page budget of this run spent; rerun for the rest"
    feed.page_fetches += len(items)
    return items


async def _bodies(feed: FeedRun, links: list[str]) -> dict[str, bytes]:
    gate = asyncio.Semaphore(_HOSTS_AT_ONCE)
    found: dict[str, bytes] = {}

    async def one(link: str) -> None:
        async with gate:
            result = await feed.run.polite.get(link, accept=PAGE_ACCEPT)
        if result.ok and result.body:
            found[link] = result.body

    await asyncio.gather(*(one(link) for link in links))
    return found
