"""Sentence sentiment with VADER, adjusted for political news.

VADER is built for short social-media texts and saturates on long ones (its compound
score tends to +1 or -1 as words pile up), so it is only ever run on single sentences.
The article's sentiment is the mean of its sentence compounds, which stays readable for
a 60-sentence article; the shares of positive (compound >= 0.05), negative (<= -0.05)
and neutral sentences come with it.

``sentiment.toml`` changes VADER's word list once per :class:`~feeds.lexicon.Lexicons`:
words it misreads in politics ("party", "united" in "United Nations", "justice" in
"Ministry of Justice") are neutralised, and words it does not know ("crackdown",
"sanctions", "coup") get a negative valence. Only English is scored; every sentiment of
an article in another or an unknown language is None ("not scored"), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE = 0.05
NEGATIVE = -0.05


def make_analyzer(overrides: Mapping[str, float]) -> SentimentIntensityAnalyzer:
    """One VADER analyzer with the overrides applied (0 removes a word)."""
    analyzer = SentimentIntensityAnalyzer()
    for word, valence in overrides.items():
        if valence == 0:
            analyzer.lexicon.pop(word, None)
        else:
            analyzer.lexicon[word] = valence
    return analyzer


def summarise(compounds: Sequence[float]) -> tuple[float, float, float, float] | None:
    """(mean compound, positive share, negative share, neutral share), None if empty."""
    n = len(compounds)
    if not n:
        return None
    pos = sum(1 for c in compounds if c >= POSITIVE)
    neg = sum(1 for c in compounds if c <= NEGATIVE)
    mean = max(-1.0, min(1.0, sum(compounds) / n))
    return (round(mean, 4), round(pos / n, 4), round(neg / n, 4), round((n - pos - neg) / n, 4))
