"""History from a WordPress site's REST API (``/wp-json/wp/v2/posts``).

The API gives a post's full text (``content.rendered``), so one request brings up to 100
articles with no page fetched. The walk goes by date windows (``after``/``before``)
rather than by page numbers over the whole archive: page numbers shift as new posts
appear, dates do not, so a resumed run picks up exactly where it stopped. Within a
window the pages are walked in date order; ``X-WP-TotalPages`` says how many there are,
and a page past the end answers 400 (which also ends a walk where a proxy dropped the
header). A 401 or 403 means the site keeps REST closed
(often a security plugin or Cloudflare): the method is refused, not failed.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlencode

from feeds.ingest.backfill import jobs, windows
from feeds.ingest.backfill.checkpoints import Window
from feeds.ingest.backfill.context import Failed, FeedRun, Refused, Unsupported, judge
from feeds.ingest.backfill.jobs import Prepared
from feeds.ingest.backfill.polite import PoliteFetcher

NAME = "wordpress"
ACCEPT = "application/json, */*;q=0.1"
_FIELDS = "id,date_gmt,link,title,excerpt,content"
# WordPress reads after/before in the site's time zone on some versions; asking a little
# wider on both sides costs a few repeated posts (deduplicated) and misses none.
_PAD = timedelta(hours=14)


def endpoint(site: str) -> str:
    return site + "wp-json/wp/v2/posts"


async def walk(feed: FeedRun) -> bool:
    return await windows.walk(feed, NAME, feed.run.settings.backfill.wordpress_window_days,
                              _fetch_window)


async def _fetch_window(feed: FeedRun, window: Window) -> Prepared:
    run, cfg = feed.run, feed.cfg
    parts: list[asyncio.Future] = []
    page = 1
    try:
        while page <= run.settings.backfill.max_pages:
            query = urlencode({
                "after": (window.start - _PAD).strftime("%Y-%m-%dT%H:%M:%S"),
                "before": (window.end + _PAD).strftime("%Y-%m-%dT%H:%M:%S"),
                "per_page": 100, "page": page, "orderby": "date", "order": "asc",
                "_fields": _FIELDS,
            })
            result = await run.polite.get(f"{endpoint(feed.site)}?{query}", accept=ACCEPT)
            if result.status == 400 and page > 1:
                break  # past the last page
            _judge(result)
            parts.append(feed.prepare(jobs.wordpress_posts, result.body, cfg.language,
                                      cfg.always_relevant, window.start))
            total = _int(result.headers.get("x-wp-totalpages"))
            if page >= (total or page + 1) or result.body.strip() == b"[]":
                break  # the last page; without the header, go on until a 400
            page += 1
        prepared = await asyncio.gather(*parts)
    finally:
        for part in parts:
            part.cancel()
    errors = [error for result, error in prepared if error]
    if errors:
        raise Failed(errors[0])
    return windows.merge([result for result, _error in prepared if result])


def _judge(result) -> None:
    judge(result, "the REST API", missing="no WordPress REST API")


async def probe(polite: PoliteFetcher, site: str) -> Exception | None:
    """None when the REST API answers with posts; otherwise why not, as the exception
    the walk would raise (Refused, Unsupported or Failed)."""
    result = await polite.get(f"{endpoint(site)}?per_page=1&_fields=id", accept=ACCEPT)
    try:
        _judge(result)
    except (Refused, Unsupported, Failed) as exc:
        return exc
    if result.body and result.body.lstrip()[:1] == b"[":
        return None
    return Unsupported("the REST API path answers, but not with a list of posts")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
