"""Sentence sentiment with VADER, adjusted for political news.

VADER is built for short social-media texts and saturates on long ones (its compound
score tends to +1 or -1 as words pile up), so it is only ever run on single sentences.
The article's sentiment is a mean of its sentence compounds, which stays readable for a
60-sentence article, weighted as ``sentiment.toml``'s ``[article]`` table says (the title
and negative sentences count more; why: ``feeds.lexicon.sentiment``); the shares of
positive (compound >= 0.05), negative (<= -0.05) and neutral sentences come with it.

``sentiment.toml`` changes VADER's word list once per :class:`~feeds.lexicon.Lexicons`:
words it misreads in politics ("party", "united" in "United Nations", "justice" in
"Ministry of Justice") are neutralised, and words it does not know ("crackdown",
"sanctions", "coup") get a negative valence. Only English is scored; every sentiment of
an article in another or an unknown language is None ("not scored"), never 0.

Speed
-----
:class:`QuickVader` is VADER 3.3.2's ``polarity_scores`` rewritten to do the same
arithmetic with less bookkeeping: the sentence is split and lower-cased once (stock
VADER lower-cases the whole sentence again for every preceding-word check), only words
in the lexicon are visited, negation words are a set instead of a list scan, and the
idiom strings are only built when one of the nearby words can start an idiom. It
returns exactly what the stock analyzer with the same ``lexicon`` returns, float for
float; ``tests/test_score_vader_equivalence.py`` checks that on arbitrary text and on
thousands of news sentences. It reads ``lexicon`` and ``emojis`` on every call, so
changes to them take effect as they do in VADER; VADER's module-level word lists
(boosters, negations, idioms) are assumed not to change while the program runs.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from itertools import compress

from vaderSentiment import vaderSentiment as _vader
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from feeds.lexicon.model import ToneRules

POSITIVE = 0.05
NEGATIVE = -0.05

_PUNCTUATION = string.punctuation
_BOOSTERS = _vader.BOOSTER_DICT
_IDIOMS = _vader.SPECIAL_CASES
_NEGATIONS = frozenset(_vader.NEGATE)
_N_SCALAR = _vader.N_SCALAR
_C_INCR = _vader.C_INCR
# the first word of every idiom and booster of more than one word: a space-joined run of
# words can only be one of those keys if its first word is in here
_LEADS = frozenset(key.split(" ")[0] for key in (*_IDIOMS, *_BOOSTERS) if " " in key)
_SO_THIS = ("so", "this")
_EMPTY = (("neg", 0.0), ("neu", 0.0), ("pos", 0.0), ("compound", 0.0))


def _with_emoji_descriptions(text: str, emojis: Mapping[str, str]) -> str:
    """VADER's emoji step: each emoji character becomes its description, spaced off."""
    out = []
    after_space = True
    for ch in text:
        description = emojis.get(ch)
        if description is None:
            out.append(ch)
            after_space = ch == " "
        else:
            if not after_space:
                out.append(" ")
            out.append(description)
            after_space = False
    return "".join(out)


def _booster(word: str, low: str, valence: float, cap_diff: bool) -> float:
    """VADER's ``scalar_inc_dec``: what a preceding booster or dampener adds."""
    scalar = _BOOSTERS.get(low)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar *= -1
    if cap_diff and word.isupper():
        if valence > 0:
            scalar += _C_INCR
        else:
            scalar -= _C_INCR
    return scalar


def _negating(low: str) -> bool:
    """VADER's ``negated`` for one (already lower-case) word."""
    return low in _NEGATIONS or "n't" in low


def _idioms(valence: float, lows: list[str], i: int) -> float:
    """VADER's ``_special_idioms_check`` for the word at ``i`` (``i >= 3``)."""
    w0, w1, w2, w3 = lows[i], lows[i - 1], lows[i - 2], lows[i - 3]
    n = len(lows)
    w4 = lows[i + 1] if n - 1 > i else None
    if not (w0 in _LEADS or w1 in _LEADS or w2 in _LEADS or w3 in _LEADS):
        return valence  # no run of these words can be an idiom or a booster phrase
    one_zero = f"{w1} {w0}"
    two_one_zero = f"{w2} {w1} {w0}"
    two_one = f"{w2} {w1}"
    three_two_one = f"{w3} {w2} {w1}"
    three_two = f"{w3} {w2}"
    for seq in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if seq in _IDIOMS:
            valence = _IDIOMS[seq]
            break
    if w4 is not None:
        zero_one = f"{w0} {w4}"
        if zero_one in _IDIOMS:
            valence = _IDIOMS[zero_one]
        if n - 1 > i + 1:
            zero_one_two = f"{w0} {w4} {lows[i + 2]}"
            if zero_one_two in _IDIOMS:
                valence = _IDIOMS[zero_one_two]
    for n_gram in (three_two_one, three_two, two_one):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


class QuickVader(SentimentIntensityAnalyzer):
    """A VADER analyzer whose ``polarity_scores`` is faster and returns the same."""

    def polarity_scores(self, text):
        if type(text) is not str:
            return super().polarity_scores(text)
        emojis = self.emojis
        if not text.isascii() and not emojis.keys().isdisjoint(text):
            text = _with_emoji_descriptions(text, emojis)
        text = text.strip()
        # SentiText: split on whitespace, strip punctuation unless that leaves <= 2 chars
        words = [s if len(s := w.strip(_PUNCTUATION)) > 2 else w for w in text.split()]
        n = len(words)
        if not n:
            return dict(_EMPTY)
        lows = list(map(str.lower, words))
        n_upper = sum(map(str.isupper, words))
        cap_diff = 0 < n - n_upper < n
        lex = self.lexicon
        sentiments: list[float] = [0] * n  # VADER appends an int 0 for plain words
        last = n - 1
        for i in compress(range(n), map(lex.__contains__, lows)):
            low = lows[i]
            if low in _BOOSTERS or (low == "kind" and i < last and lows[i + 1] == "of"):
                continue
            valence = lex[low]
            if low == "no" and i != last and lows[i + 1] in lex:
                valence = 0.0
            if (
                (i > 0 and lows[i - 1] == "no")
                or (i > 1 and lows[i - 2] == "no")
                or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor"))
            ):
                valence = lex[low] * _N_SCALAR
            if cap_diff and words[i].isupper():
                if valence > 0:
                    valence += _C_INCR
                else:
                    valence -= _C_INCR
            if i > 0:
                w1 = lows[i - 1]
                if w1 not in lex:
                    valence = valence + _booster(words[i - 1], w1, valence, cap_diff)
                    if _negating(w1):
                        valence = valence * _N_SCALAR
                if i > 1:
                    w2 = lows[i - 2]
                    if w2 not in lex:
                        s = _booster(words[i - 2], w2, valence, cap_diff)
                        if s != 0:
                            s = s * 0.95
                        valence = valence + s
                        if w2 == "never" and w1 in _SO_THIS:
                            valence = valence * 1.25
                        elif w2 == "without" and w1 == "doubt":
                            pass
                        elif _negating(w2):
                            valence = valence * _N_SCALAR
                    if i > 2:
                        w3 = lows[i - 3]
                        if w3 not in lex:
                            s = _booster(words[i - 3], w3, valence, cap_diff)
                            if s != 0:
                                s = s * 0.9
                            valence = valence + s
                            if (w3 == "never" and w2 in _SO_THIS) or w1 in _SO_THIS:
                                valence = valence * 1.25
                            elif w3 == "without" and (w2 == "doubt" or w1 == "doubt"):
                                pass
                            elif _negating(w3):
                                valence = valence * _N_SCALAR
                            valence = _idioms(valence, lows, i)
                # "least" before the word negates it, except in "at least", "very least"
                if w1 == "least" and w1 not in lex:
                    if i == 1 or (lows[i - 2] != "at" and lows[i - 2] != "very"):
                        valence = valence * _N_SCALAR
            sentiments[i] = valence

        if "but" in lows:
            # VADER's _but_check, including finding each value by equality (list.index)
            bi = lows.index("but")
            for k in range(n):
                value = sentiments[k]
                si = sentiments.index(value)
                if si < bi:
                    sentiments[si] = value * 0.5
                elif si > bi:
                    sentiments[si] = value * 1.5

        return _score_valence(sentiments, text)


def _score_valence(sentiments: list[float], text: str) -> dict[str, float]:
    """VADER's ``score_valence`` for a non-empty list of word valences."""
    sum_s = float(sum(sentiments))
    exclamations = text.count("!")
    if exclamations > 4:
        exclamations = 4
    amplifier = exclamations * 0.292
    questions = text.count("?")
    if questions > 1:
        amplifier += questions * 0.18 if questions <= 3 else 0.96
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0

    pos_sum = 0.0
    neg_sum = 0.0
    nonzero = [v for v in sentiments if v]
    for v in nonzero:
        if v > 0:
            pos_sum += float(v) + 1
        else:
            neg_sum += float(v) - 1
    neu_count = len(sentiments) - len(nonzero)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": round(compound, 4),
    }


def make_analyzer(
    overrides: Mapping[str, float], cls: type[SentimentIntensityAnalyzer] = QuickVader
) -> SentimentIntensityAnalyzer:
    """One VADER analyzer with the overrides applied (0 removes a word).

    ``cls`` is :class:`QuickVader` unless the stock analyzer is wanted (to compare).
    """
    analyzer = cls()
    for word, valence in overrides.items():
        if valence == 0:
            analyzer.lexicon.pop(word, None)
        else:
            analyzer.lexicon[word] = valence
    return analyzer


def summarise(
    compounds: Sequence[float], rules: ToneRules | None = None, *, has_title: bool = False
) -> tuple[float, float, float, float] | None:
    """(article sentiment, positive share, negative share, neutral share), None if empty.

    The sentiment is the mean of the compounds weighted by ``rules``: the title (the first
    compound, when ``has_title``) counts ``title_weight`` times and every negative
    sentence ``negative_weight`` times; both weights multiply. Without rules it is the
    plain mean. The shares are plain counts of sentences either way.
    """
    n = len(compounds)
    if not n:
        return None
    pos = sum(1 for c in compounds if c >= POSITIVE)
    neg = sum(1 for c in compounds if c <= NEGATIVE)
    if rules is None or (rules.title_weight == 1 and rules.negative_weight == 1):
        mean = sum(compounds) / n
    else:
        mean = _weighted_mean(compounds, rules, has_title)
    mean = max(-1.0, min(1.0, mean))
    return (round(mean, 4), round(pos / n, 4), round(neg / n, 4), round((n - pos - neg) / n, 4))


def _weighted_mean(compounds: Sequence[float], rules: ToneRules, has_title: bool) -> float:
    neg_w = rules.negative_weight
    total = weights = 0.0
    for c in compounds:
        w = neg_w if c < 0 else 1.0
        total += w * c
        weights += w
    if has_title:  # the title's extra weight on top of the one it already has
        c = compounds[0]
        extra = (rules.title_weight - 1) * (neg_w if c < 0 else 1.0)
        total += extra * c
        weights += extra
    return total / weights
