"""Reads ``sentiment.toml``: changes to VADER's word list. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

::

    [words]
    troops = -0.8       # one lower-case word -> valence in [-4, 4]; 0 removes the word

VADER reads single words only, so multi-word keys are refused. On VADER's scale "good" is
1.9 and "killed" -3.5.
"""

from __future__ import annotations

from feeds.lexicon import _fields as f
from feeds.lexicon.model import LexiconError

VADER_RANGE = 4.0


def parse_sentiment(raw: dict) -> dict[str, float]:
    file = "sentiment.toml"
    extra = sorted(set(raw) - {"words"})
    if extra:
        raise LexiconError(f"{file}: unknown top-level key {extra[0]!r} (expected [words])")
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
    return out
