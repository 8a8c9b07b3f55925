"""How one article's score becomes table rows, and its text the searchable column: the
single statement of each rule.

The store's writes, the dashboard's test fixtures and the benchmark generator all turn
scores into rows through :func:`score_rows`, and fill ``articles.search`` through
:func:`search_text`, so a change to a rule here (say, how an actor's sentiment in an
article is averaged) reaches every database they build. Pure:
no connection, no scorer import (the score types are named for the type checker only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from feeds.text import search_key

if TYPE_CHECKING:  # the store reads scores; it never runs the scorer
    from feeds.score.results import ArticleScore

MAX_NAME = 200  # an unlisted name longer than this is cut: it is evidence, not a key


def search_text(title: str | None, text: str | None) -> str:
    """The ``articles.search`` value of an article: its title and text in the form the
    dashboard searches (``feeds.text.search_key``), on two lines so no match spans the
    two. Every writer of an article's title or text stores this beside them."""
    return f"{search_key(title)}\n{search_key(text)}"


@dataclass
class ScoreRows:
    """The rows one scored article owns: its ``articles`` columns and its evidence."""

    article: dict
    term_matches: list[dict] = field(default_factory=list)
    article_categories: list[dict] = field(default_factory=list)
    actor_mentions: list[dict] = field(default_factory=list)
    article_actors: list[dict] = field(default_factory=list)
    unlisted_names: list[dict] = field(default_factory=list)
    place_mentions: list[dict] = field(default_factory=list)
    article_places: list[dict] = field(default_factory=list)

    EVIDENCE = (
        "term_matches",
        "article_categories",
        "actor_mentions",
        "article_actors",
        "unlisted_names",
        "place_mentions",
        "article_places",
    )


def score_rows(article_id: int, score: ArticleScore, lexicon_version: str,
               scored_at: datetime) -> ScoreRows:
    """The ``articles`` column values and evidence rows for one (article, score).

    * ``article_categories``: one row per category matched, with its match count and
      the points the scorer gave it.
    * ``article_actors``: one row per actor, with its mention count and the mean
      sentiment of the sentences naming it; a sentence naming an actor twice counts once,
      and sentences without a sentiment (Khmer) are left out of the mean.
    * ``article_places``: one row per place with a mention that counts (see
      ``feeds.score.places``), with the number of such mentions.
    """
    out = ScoreRows(article=dict(
        relevant=score.relevant,
        relevance_terms=json.dumps(score.relevance_terms, ensure_ascii=False),
        language=score.language, sentiment=score.sentiment,
        sentiment_pos=score.sentiment_pos, sentiment_neg=score.sentiment_neg,
        sentiment_neu=score.sentiment_neu, sentence_count=score.sentence_count,
        risk_score=score.risk_score, scored_at=scored_at, lexicon_version=lexicon_version,
    ))
    counts: dict[str, int] = {}
    for m in score.term_matches:
        counts[m.category] = counts.get(m.category, 0) + 1
        out.term_matches.append(dict(
            article_id=article_id, category=m.category, term=m.term, matched=m.matched,
            weight=m.weight, sentence_index=m.sentence_index, start=m.start, end=m.end))
    out.article_categories = [  # the categories the article reports (see ArticleScore)
        dict(article_id=article_id, category=cat, matches=n,
             points=float(score.category_points[cat]))
        for cat, n in counts.items() if cat in score.category_points
    ]
    per_actor: dict[str, list] = {}
    for m in score.actor_mentions:
        per_actor.setdefault(m.actor, []).append(m)
        out.actor_mentions.append(dict(
            article_id=article_id, actor=m.actor, alias=m.alias,
            sentence_index=m.sentence_index, start=m.start, end=m.end,
            sentiment=m.sentiment))
    for actor, mentions in per_actor.items():
        by_sentence = {m.sentence_index: m.sentiment for m in mentions}
        known = [v for v in by_sentence.values() if v is not None]
        out.article_actors.append(dict(
            article_id=article_id, actor=actor, mentions=len(mentions),
            sentiment=sum(known) / len(known) if known else None))
    out.unlisted_names = [
        dict(article_id=article_id, name=n.name[:MAX_NAME], mentions=n.mentions,
             example=n.example)
        for n in score.unlisted_names
    ]
    per_place: dict[str, dict] = {}
    for m in score.place_mentions:
        out.place_mentions.append(dict(
            article_id=article_id, place=m.place, kind=m.kind, province=m.province,
            matched=m.matched, sentence_index=m.sentence_index, start=m.start, end=m.end,
            role=m.role, counts=m.counts))
        if m.counts:
            row = per_place.setdefault(m.place, dict(
                article_id=article_id, place=m.place, kind=m.kind, province=m.province,
                mentions=0))
            row["mentions"] += 1
    out.article_places = list(per_place.values())
    return out
