"""The compiled matcher: lexicons turned into lookup indexes and a VADER analyzer.

Building it takes a noticeable moment (every phrase keyed, VADER's word list loaded and
overridden), so it is built once per lexicon version and kept in a small cache here, not
on the lexicons: loading lexicons stays a matter of reading and validating files.
Lexicons with the same ``version`` hold the same bytes, so they share one matcher.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from feeds.lexicon import Actor, Lexicons, Place, Term
from feeds.score import actors as _actors
from feeds.score import relevance as _relevance
from feeds.score import terms as _terms
from feeds.score.actor_screen import Screen
from feeds.score.furniture import Furniture
from feeds.score.khmer import KhmerIndex
from feeds.score.names import COMMON
from feeds.score.phrases import PhraseIndex
from feeds.score.scripts import ScriptIndex
from feeds.score.sentiment import make_analyzer
from feeds.text import phrase_key

CACHE_SIZE = 4  # lexicon versions kept: a rescore after an edit needs two at most


@dataclass
class Compiled:
    """Everything per-article scoring needs, built once per Lexicons."""

    index: PhraseIndex
    khmer: KhmerIndex
    scripts: ScriptIndex
    terms: list[Term]
    actors: list[Actor]
    places: list[Place]
    honorifics: _actors.Honorifics
    screen: Screen
    name_strip: set[str]
    known_names: set[str]
    analyzer: SentimentIntensityAnalyzer
    furniture: Furniture


def build(lexicons: Lexicons, analyzer: SentimentIntensityAnalyzer | None = None) -> Compiled:
    index = PhraseIndex()
    khmer = KhmerIndex()
    scripts = ScriptIndex()
    terms = list(lexicons.terms)
    actors = list(lexicons.actors)
    places = list(lexicons.places)
    _terms.register(index, khmer, terms)
    _actors.register(index, khmer, actors)
    _relevance.register(index, khmer, places, scripts)
    strip = set(COMMON)
    for phrase in (*lexicons.honorifics, *lexicons.titles):
        strip.update(phrase_key(phrase).split(" "))
    known = {
        k
        for k, payloads in index.phrases.items()
        if any(p[0] in (_actors.ACTOR, _actors.ACTOR_CONTEXT, _relevance.PLACE) for p in payloads)
    }
    return Compiled(
        index=index,
        khmer=khmer,
        scripts=scripts,
        terms=terms,
        actors=actors,
        places=places,
        honorifics=_actors.Honorifics(lexicons.honorifics, lexicons.km_honorifics),
        screen=Screen(
            actors,
            lexicons.place_words,
            lexicons.km_place_words,
            lexicons.credit_words,
            lexicons.km_credit_words,
            lexicons.km_honorifics,
            lexicons.credit_after_words,
            lexicons.km_credit_after_words,
        ),
        name_strip=strip,
        known_names=known,
        analyzer=analyzer or make_analyzer(lexicons.sentiment),
        furniture=Furniture(lexicons.rules.furniture),
    )


_cache: OrderedDict[str, Compiled] = OrderedDict()


def compiled(lexicons: Lexicons) -> Compiled:
    """The lexicons' matcher and VADER analyzer, built on first use per lexicon version."""
    key = lexicons.version
    c = _cache.get(key)
    if c is None:
        c = _cache[key] = build(lexicons)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return c
