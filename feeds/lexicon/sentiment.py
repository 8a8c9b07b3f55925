"""Reads ``sentiment.toml``: changes to VADER's word list, and how sentence scores make the
article's tone. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

::

    [words]
    troops = -0.8       # one lower-case word -> valence in [-4, 4]; 0 removes the word

    [article]           # optional; without it the article's tone is the plain mean
    title_weight = 3    # the headline counts as this many sentences (1 to 10)
    negative_weight = 1.5   # a sentence with a negative compound counts this many times (1 to 5)

VADER reads single words only, so multi-word keys are refused. On VADER's scale "good" is
1.9 and "killed" -3.5.

Why ``[article]`` exists: the headline is the story as its editor frames it, while the
body piles up quotes, background and courtesies, so a plain mean lets a long body drown
a clear headline. And English, like every language measured, uses more positive than
negative words (the "Pollyanna" bias: Boucher & Osgood 1969, Dodds et al. 2015), most of
all in official statements (thanks, pledges, "strengthening cooperation"), so a plain
mean drifts positive on news that reports losses; weighing negative sentences more
corrects that drift. The scorer computes the weighted mean in
``feeds.score.sentiment.summarise``.
"""

from __future__ import annotations

from feeds.lexicon import _fields as f
from feeds.lexicon.model import LexiconError, ToneRules

VADER_RANGE = 4.0
_ARTICLE_LIMITS = {"title_weight": (1.0, 10.0), "negative_weight": (1.0, 5.0)}


def parse_sentiment(raw: dict) -> tuple[dict[str, float], ToneRules]:
    """(word -> valence overrides, the article's tone rules)."""
    file = "sentiment.toml"
    extra = sorted(set(raw) - {"words", "article"})
    if extra:
        raise LexiconError(
            f"{file}: unknown top-level key {extra[0]!r} (expected [words] and [article])"
        )
    words = raw.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError(f"{file}: [words] must be a table of word = valence")
    out: dict[str, float] = {}
    for word, value in words.items():
        where = f.Where(file, f"word {word!r}")
        if not word or word != word.lower() or any(c.isspace() for c in word):
            raise where.error(None, "must be one lower-case word (VADER reads single words)")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.error(None, f"valence must be a number, got {value!r}")
        if not -VADER_RANGE <= value <= VADER_RANGE:
            raise where.error(None, f"valence must be within [-4, 4], got {value!r}")
        out[word] = float(value)
    return out, _tone_rules(raw.get("article", {}), file)


def _tone_rules(table: object, file: str) -> ToneRules:
    where = f.Where(file, "[article]")
    f.check_fields(where, table, set(_ARTICLE_LIMITS), ())
    assert isinstance(table, dict)
    values = {}
    for name, (low, high) in _ARTICLE_LIMITS.items():
        value = table.get(name, 1.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.error(name, f"must be a number, got {value!r}")
        if not low <= value <= high:
            raise where.error(name, f"must be within [{low:g}, {high:g}], got {value!r}")
        values[name] = float(value)
    return ToneRules(**values)
