"""History from the GDELT DOC 2.0 API, for outlets with no history of their own.

GDELT lists articles it has seen (URL, title, time seen) for a query over a time range,
at most 250 per request, over a rolling window of about three months; older windows are
left out. The query is the feed's own when the feed is a GDELT search, otherwise
``domain:<the feed's site>``. Requests are paced to one per ``gdelt_interval`` seconds
(5, as GDELT asks), and a 429 slows the pace down instead of failing the run.
Titles come from GDELT; the text comes from each article page when the feed has
``full_text = true`` (otherwise the title alone is stored and scored).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from feeds.ingest.backfill import jobs, pages, windows
from feeds.ingest.backfill.checkpoints import Window
from feeds.ingest.backfill.context import Failed, FeedRun, judge
from feeds.ingest.backfill.jobs import Prepared
from feeds.ingest.backfill.polite import PoliteFetcher

NAME = "gdelt"
API = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250


def query_for(feed_url: str, api: str = API) -> tuple[str, str]:
    """The API address and the query for a feed."""
    parts = urlsplit(feed_url)
    if parts.path.endswith("/api/v2/doc/doc"):
        query = parse_qs(parts.query).get("query", [""])[0]
        if query:
            return f"{parts.scheme}://{parts.netloc}{parts.path}", query
    host = (parts.hostname or "").removeprefix("www.")
    return api, f"domain:{host}"


def request_url(api: str, query: str, start: datetime, end: datetime,
                records: int = MAX_RECORDS) -> str:
    return api + "?" + urlencode({
        "query": query, "mode": "artlist", "format": "json", "maxrecords": records,
        "startdatetime": start.strftime("%Y%m%d%H%M%S"),
        "enddatetime": end.strftime("%Y%m%d%H%M%S"), "sort": "datedesc"})


async def walk(feed: FeedRun) -> bool:
    run = feed.run
    api, _query = query_for(feed.cfg.backfill_site or feed.row["url"],
                            run.settings.backfill.gdelt_api)
    run.polite.slow_host(api, run.settings.backfill.gdelt_interval)
    since = max(run.since, run.started - timedelta(days=run.settings.backfill.gdelt_reach_days))
    if since > run.since:
        feed.report.detail = f"GDELT reaches back about 3 months only (to {since:%Y-%m-%d})"
    return await windows.walk(feed, NAME, run.settings.backfill.gdelt_window_days,
                              _fetch_window, since=since)


async def _fetch_window(feed: FeedRun, window: Window) -> Prepared:
    run = feed.run
    api, query = query_for(feed.cfg.backfill_site or feed.row["url"],
                           run.settings.backfill.gdelt_api)
    result = await run.polite.get(request_url(api, query, window.start, window.end),
                                  accept="application/json, */*;q=0.1")
    judge(result, "GDELT")
    links = parse_articles(result.body)
    if links is None:
        shown = result.body[:120].decode("utf-8", "replace").strip()
        raise Failed(f"GDELT answered something that is not its JSON: {shown!r}")
    if len(links) >= MAX_RECORDS:
        feed.report.detail = (f"GDELT's 250-record cap was reached on {window.label}; "
                              "some articles of that day are missing")
    if feed.cfg.full_text:
        return await pages.fetch_articles(feed, links, NAME)
    return await run.pool.run(
        jobs.article_pages, [(link, None, title, when) for link, title, when in links],
        feed.cfg.language, NAME, feed.cfg.always_relevant, run.started)


def parse_articles(body: bytes) -> list[pages.Link] | None:
    """(url, title, time seen) of each article in an artlist answer; None if the body
    is not one (GDELT answers errors as plain text with status 200)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    links = []
    for item in data.get("articles") or []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            links.append((item["url"], str(item.get("title") or ""),
                          _seen(item.get("seendate"))))
    return links


def _seen(value: object) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None


async def probe(polite: PoliteFetcher, feed_url: str, api: str = API) -> Exception | None:
    """None when GDELT answers the feed's query with at least one article this week."""
    from feeds.store import utcnow

    api, query = query_for(feed_url, api)
    end = utcnow()
    result = await polite.get(request_url(api, query, end - timedelta(days=7), end, 5),
                              accept="application/json, */*;q=0.1")
    if not result.ok or result.body is None:
        return Failed(f"GDELT: {result.error}")
    links = parse_articles(result.body)
    if not links:
        return Failed("GDELT knows no article of this site from the last week")
    return None
