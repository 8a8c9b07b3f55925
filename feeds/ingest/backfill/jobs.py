"""The CPU side of a backfill, run in the refresh's worker processes (``CpuPool``).

Each job is one trip to a worker: a page of posts or a batch of article pages goes in,
scored article candidates come out, while the parent goes on fetching. The window's
store job then writes them, with the window's checkpoint, in one transaction holding the
write turn, exactly like a refresh stores a feed (``feeds.workers.store_scored``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest import workers
from feeds.ingest.canonical import canonical_url, title_fingerprint
from feeds.ingest.clean import html_to_text
from feeds.ingest.parse import parse_date
from feeds.score.results import ArticleScore
from feeds.store import NewArticle

Prepared = tuple[list[NewArticle], dict[str, ArticleScore]]


def wordpress_posts(body: bytes, language: str | None, always_relevant: bool,
                    fallback: datetime) -> tuple[Prepared | None, str | None]:
    """One page of ``/wp-json/wp/v2/posts``: article candidates, scored where new.

    ``content.rendered`` is the full text, so no page is fetched. Returns an error in
    plain words (and no articles) when the body is not a list of posts.
    """
    try:
        posts = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, "the REST API answered something that is not JSON"
    if not isinstance(posts, list):
        return None, "the REST API answered JSON that is not a list of posts"
    articles = []
    for post in posts:
        if not isinstance(post, dict) or not isinstance(post.get("link"), str):
            continue
        link = post["link"]
        published = _wp_date(post.get("date_gmt"))
        articles.append(candidate(
            link, _rendered(post.get("title")), html_to_text(_rendered(post.get("content"))),
            published or fallback, published is None, language, "wordpress",
            summary=_rendered(post.get("excerpt")), text_source="full_text"))
    return (articles, score_new(articles, always_relevant)), None


def article_pages(pages: list[tuple[str, bytes | None, str, datetime | None]],
                  language: str | None, arrival: str, always_relevant: bool,
                  fallback: datetime) -> Prepared:
    """Article pages found by a sitemap or GDELT: (link, page body or None, title hint,
    date hint) each. The page gives the text, and the title and date when it has them;
    otherwise the hints stand in (a hinted date is marked estimated)."""
    from feeds.ingest.extract import extract_article

    articles = []
    for link, body, title_hint, date_hint in pages:
        text = title = date = None
        if body:
            text, title, date = extract_article(body, link)
        published = parse_date(date) if date else None
        estimated = published is None
        published = published or date_hint or fallback
        title = title_hint or title or ""
        if not (text or title):
            continue
        articles.append(candidate(link, title, text or "", published, estimated, language,
                                  arrival, text_source="full_text" if text else "summary"))
    return articles, score_new(articles, always_relevant)


def feed_page(body: bytes, headers: dict[str, str], fetched_at: datetime, feed_id: int,
              language: str | None, always_relevant: bool
              ) -> tuple[Prepared | None, str | None]:
    """One page of a paged feed (``?paged=N``), parsed as the refresh parses feeds."""
    parsed, articles, _skipped = workers.parse_articles(body, headers, fetched_at, feed_id,
                                                        language)
    if parsed.error:
        return None, parsed.error
    for article in articles:
        article.arrival = "feed-pages"
    return (articles, score_new(articles, always_relevant)), None


def candidate(link: str, title: str, text: str, published: datetime, estimated: bool,
              language: str | None, arrival: str, *, summary: str = "",
              text_source: str = "summary") -> NewArticle:
    title = " ".join(html_to_text(title).split())[: workers.MAX_TITLE_CHARS]
    url = canonical_url(link)
    return NewArticle(
        url=url, link=link, guid=None, fingerprint=title_fingerprint(title or url),
        title=title, published_at=published, published_estimated=estimated,
        language=language, summary=summary[: workers.MAX_TEXT_CHARS],
        text=text[: workers.MAX_TEXT_CHARS], text_source=text_source, arrival=arrival)


def score_new(articles: list[NewArticle], always_relevant: bool) -> dict[str, ArticleScore]:
    """Scores of the candidates not stored yet (a resumed window skips the rest)."""
    with workers.worker_engine().connect() as conn:
        known = store.existing_urls(conn, (a.url for a in articles))
    fresh = list({a.url: a for a in articles if a.url not in known}.values())
    scores = workers.score_many([(a.title, a.text, a.language, always_relevant,
                                  None if a.published_estimated else a.published_at)
                                 for a in fresh])
    return {a.url: s for a, s in zip(fresh, scores, strict=True)}


def store_window(settings: Settings, cfg: FeedConfig, row: dict, articles: list[NewArticle],
                 ready: dict[str, ArticleScore], fetched_at: datetime,
                 checkpoint: Callable[[Connection, int], None]) -> int:
    """Store a window's articles and, in the same transaction, ``checkpoint(conn, new)``;
    return how many articles were new. Entries the database refuses are left out (the
    window is still done: a rerun would be refused the same way)."""
    return workers.store_scored(settings, cfg, row, articles, fetched_at,
                                lambda conn, new, _refused: checkpoint(conn, new),
                                ready=ready)


def _rendered(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _wp_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def with_page_text(articles: list[NewArticle], bodies: dict[str, bytes],
                   always_relevant: bool) -> Prepared:
    """The articles whose page gave a text, with it in place of the summary, rescored."""
    from dataclasses import replace

    from feeds.ingest.extract import extract_text

    done = []
    for article in articles:
        text = extract_text(bodies[article.link], article.link)
        if text:
            done.append(replace(article, text=text[: workers.MAX_TEXT_CHARS],
                                text_source="full_text"))
    return done, score_new(done, always_relevant)
