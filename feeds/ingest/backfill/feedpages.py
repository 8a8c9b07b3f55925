"""History from a paged feed: ``<feed>?paged=N``, which WordPress serves even where its
REST API is closed (about 10 items a page).

Pages run from new to old, so there are no date windows: the checkpoint is the next
page to ask for, written with each page's articles. Posts published since shift items
to later pages, so a resumed run may see a few again (deduplicated), never skip any.
The walk stops at a 404, an empty page, a page with nothing the run has not seen
(servers that ignore ``paged`` repeat page 1), or a page older than ``--since``.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from feeds.ingest.backfill import jobs, pages
from feeds.ingest.backfill.context import Failed, FeedRun, Refused, Unsupported, judge
from feeds.ingest.backfill.polite import PoliteFetcher
from feeds.store import backfill as progress

NAME = "feed-pages"


def page_url(feed_url: str, page: int) -> str:
    parts = urlsplit(feed_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paged"]
    if page > 1:
        query.append(("paged", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def walk(feed: FeedRun) -> bool:
    """Walk pages from the checkpoint on; True when the archive (or --since) is reached."""
    run, cfg, row = feed.run, feed.cfg, feed.row
    with run.engine.connect() as conn:
        state = progress.states(conn, row["id"]).get(NAME) or {}
    if state.get("state") == "done" and state.get("reached") and state["reached"] <= run.since:
        feed.report.windows_skipped += 1
        return True
    page = state.get("cursor") or 1
    seen: set[str] = set()
    while page <= run.settings.backfill.max_pages:
        if run.stopping:
            return False
        result = await run.polite.get(page_url(row["url"], page))
        if result.status in (404, 410) and page > 1:
            return True
        _judge(result, page)
        prepared, error = await run.pool.run(
            jobs.feed_page, result.body, result.headers, run.started, row["id"],
            cfg.language, cfg.always_relevant)
        if error:
            raise Failed(f"page {page}: {error}")
        articles, ready = prepared
        fresh = [a for a in articles if a.url not in seen]
        if not fresh:
            return True
        seen.update(a.url for a in articles)
        if cfg.full_text:
            articles, ready = await pages.fill_text(feed, articles, ready, NAME)
        oldest = min(a.published_at for a in articles)
        run.windows_total += 1
        feed.report.windows += 1
        await feed.store(NAME, articles, ready,
                         partial(progress.record_page, row["id"], NAME, page + 1, oldest),
                         f"page {page}")
        if oldest < run.since:
            return True
        page += 1
    return True


def _judge(result, page: int) -> None:
    judge(result, f"page {page}")


async def probe(polite: PoliteFetcher, feed_url: str) -> Exception | None:
    """None when page 2 of the feed is a feed whose items differ from page 1's."""
    from feeds.ingest.parse import parse_feed
    from feeds.store import utcnow

    links = []
    for page in (1, 2):
        result = await polite.get(page_url(feed_url, page))
        try:
            _judge(result, page)
        except (Refused, Failed) as exc:
            return exc if page == 1 or isinstance(exc, Refused) else Unsupported(str(exc))
        parsed = parse_feed(result.body, result.headers, utcnow())
        if parsed.error or not parsed.entries:
            return Unsupported(f"page {page} is not a feed with items")
        links.append({e.link for e in parsed.entries})
    if links[0] == links[1]:
        return Unsupported("the feed ignores ?paged= (page 2 repeats page 1)")
    return None
