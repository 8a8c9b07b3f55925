"""Exactly once: decide which of a feed's entries are new, and store them with their scores.

An entry repeats a stored article when its canonical URL matches, when the same feed
gave its GUID before, or when it is a syndicated copy: the same title fingerprint and
nearly the same text within the dedup window. Planning reads what is stored, so the
caller must hold the write turn (``store.write_turn``) from the plan to the commit;
otherwise two feeds carrying one story could both decide it is new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.canonical import normalise_title, text_similarity
from feeds.lexicon import Lexicons
from feeds.score import score_article
from feeds.score.results import ArticleScore


def plan_entries(conn: Connection, settings: Settings, row: dict,
                 entries: list[store.NewArticle]
                 ) -> tuple[list[store.NewArticle], list[tuple[int, str, str | None]]]:
    """Decide, entry by entry, what is new and what repeats a stored article.

    Returns the new articles (first occurrence wins within the feed) and the carrier rows
    (article id, link, guid) this feed adds to articles already stored.
    """
    if not entries:
        return [], []
    by_url = store.existing_urls(conn, (a.url for a in entries))
    by_guid = store.existing_guids(conn, row["id"], (a.guid for a in entries if a.guid))
    window = timedelta(days=settings.dedup.window_days)
    candidates = store.fingerprint_candidates(
        conn, (a.fingerprint for a in entries if a.title),
        min(a.published_at for a in entries) - window,
        max(a.published_at for a in entries) + window)

    new: list[store.NewArticle] = []
    new_urls: set[str] = set()
    new_by_fingerprint: dict[str, list[store.NewArticle]] = {}
    links: dict[int, tuple[int, str, str | None]] = {}
    for art in entries:
        existing = by_url.get(art.url)
        if existing is None and art.guid:
            existing = by_guid.get(art.guid)
        if existing is None and art.title:
            existing = _syndicated(settings, art, candidates.get(art.fingerprint, []))
        if existing is not None:
            links.setdefault(existing, (existing, art.link, art.guid))
            continue
        if art.url in new_urls or (art.title and any(
                _same_story(settings, art, other.published_at, other.title, other.text)
                for other in new_by_fingerprint.get(art.fingerprint, []))):
            continue  # repeated within this feed: the first copy stands for it
        new.append(art)
        new_urls.add(art.url)
        new_by_fingerprint.setdefault(art.fingerprint, []).append(art)
    carried = store.carried_by(conn, row["id"], links)
    return new, [link for article_id, link in links.items() if article_id not in carried]


def _same_story(settings: Settings, art: store.NewArticle, published: datetime, title: str,
                text: str) -> bool:
    """Within the window and nearly the same text; with no text on either side, only
    an identical title will do (a fingerprint ignores an outlet suffix)."""
    if abs(art.published_at - published) > timedelta(days=settings.dedup.window_days):
        return False
    if not art.text.strip() and not text.strip():
        return normalise_title(art.title) == normalise_title(title)
    return text_similarity(art.text, text) >= settings.dedup.min_text_similarity


def _syndicated(settings: Settings, art: store.NewArticle,
                candidates: list[tuple[int, datetime, str, str]]) -> int | None:
    for article_id, published, title, text in candidates:
        if _same_story(settings, art, published, title, text):
            return article_id
    return None


def store_entries(conn: Connection, settings: Settings, cfg: FeedConfig, row: dict,
                  articles: list[store.NewArticle], fetched_at: datetime,
                  lexicons: Lexicons | None, *,
                  ready: dict[str, ArticleScore] | None = None) -> int:
    """Store a feed's articles exactly once, scored; return how many are new.

    ``ready`` holds scores computed ahead (by canonical URL); anything else new is scored
    here. With ``lexicons`` None the articles are stored unscored (``rescore`` scores
    them); the ingest benchmark uses this to time parse, clean and store on their own.
    """
    new, links = plan_entries(conn, settings, row, articles)
    ids = store.insert_articles(conn, new, row, fetched_at)
    store.link_feeds(conn, [(article_id, row["id"], link, guid)
                            for article_id, link, guid in links], fetched_at)
    if lexicons is not None and new:
        ready = ready or {}
        scored = [
            (article_id, ready.get(art.url) or score_article(
                art.title, art.text, lexicons, language=art.language,
                always_relevant=cfg.always_relevant))
            for article_id, art in zip(ids, new, strict=True)
        ]
        store.save_scores(conn, scored, lexicons.version, fresh=True)
    return len(new)
