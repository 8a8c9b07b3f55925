"""Article scoring: pure functions from text and lexicons to an :class:`ArticleScore`.

No network, no database. ``score_article`` splits the article into sentences (title
first), decides the language, runs VADER once per sentence (English only), scans each
sentence once for every lexicon phrase (terms, actors, places and their exclusions share
one index), and builds the relevance verdict, risk-term matches, actor mentions,
unlisted names and the risk score from that single pass. See ``docs/scoring.md``.

* ``article``: the pass itself; ``matcher``: the compiled indexes, cached per version
* ``segment`` (sentences), ``language``, ``sentiment`` (VADER, faster), ``phrases`` and
  ``khmer`` (lookup), ``terms``, ``actors``, ``relevance``, ``places``, ``names``,
  ``risk``
* ``results``: the score's data types, which the store reads
"""

from feeds.score.article import score_article
from feeds.score.language import detect_language
from feeds.score.matcher import compiled
from feeds.score.results import (
    ActorMention,
    ArticleScore,
    PlaceMention,
    TermMatch,
    UnlistedName,
)
from feeds.score.segment import sentences

__all__ = [
    "ActorMention",
    "ArticleScore",
    "TermMatch",
    "UnlistedName",
    "PlaceMention",
    "compiled",
    "detect_language",
    "score_article",
    "sentences",
]
