"""Terms in context: the rules of ``terms.toml`` applied to one English match.

The rules are data (documented in ``feeds.lexicon.terms``); this module only applies
them, and names the rule that decided in every verdict so the evidence view can show
why a term counted, counted elsewhere, weighed less, or did not count:

* proper names: a lower-case term written with a capital next to another capitalised
  word (Ban Dan, Strike Group) is part of a name, unless the sentence is in Title Case;
* ``veto``, ``requires`` and ``instead``: words near the match, within the sentence;
* the past: a sentence naming a past era or an old year weighs less (``discount``);
* pairs: a match of one category near certain words also scores another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import repeat

from feeds.lexicon import Term
from feeds.lexicon.model import FileRules, Pair
from feeds.text import has_khmer

TITLE_CASE_SHARE = 0.8  # of a sentence's longer words capitalised: a headline in Title Case
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# a year as a date: "in 1979", "during 1975-79", "of 2008", "in early 2010", "May 2012"
_YEAR = re.compile(
    rf"\b(?:in|during|of|from|between|(?:{_MONTHS})(?:\s+\d{{1,2}},?)?)\s+"
    r"(?:(?:early|late|mid)[- ])?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# a cheap test before the two below; Khmer digits too, or a Khmer year never gets past it
_ANY_YEAR = re.compile(r"(?:19|20|១៩|២០)\d\d")
# "ឆ្នាំ១៩៧៩" / "ឆ្នាំ 1979": the year, in Khmer or Latin digits (int() reads both)
_KHMER_YEAR = re.compile(r"ឆ្នាំ\s*(\d{4})(?!\d)")


class Words:
    """A word list ready for lookup: whole words in a set, prefixes (``"protest*"``) as
    a tuple for ``str.startswith``, phrases with spaces and Khmer words as substrings.

    Looking words up in a set, per word of the sentence, is several times faster than
    one regular expression with a hundred alternatives.
    """

    __slots__ = ("exact", "prefixes", "phrases", "khmer")

    def __init__(self, words: tuple[str, ...]) -> None:
        khmer = [w for w in words if has_khmer(w)]
        latin = [w for w in words if not has_khmer(w)]
        self.khmer = tuple(khmer)
        # (phrase, its first word): a phrase is looked for only if its first word is there
        self.phrases = tuple((w, _TOKEN.findall(w)[0]) for w in latin if " " in w)
        single = [w for w in latin if " " not in w]
        self.prefixes = tuple(w[:-1] for w in single if w.endswith("*"))
        self.exact = frozenset(w for w in single if not w.endswith("*"))

    def _word(self, word: str) -> bool:
        return word in self.exact or (bool(self.prefixes) and word.startswith(self.prefixes))

    def _any(self, found: frozenset[str]) -> bool:
        """Whether any of the sentence's distinct words is one of these (C-speed tests)."""
        if not self.exact.isdisjoint(found):
            return True
        return bool(self.prefixes) and any(map(str.startswith, found, repeat(self.prefixes)))

    def find(self, low: str, start: int = -1, end: int = -1,
             near: int | None = None) -> str | None:
        """The first of the Latin-script words in the lower-cased sentence ``low``,
        outside ``low[start:end]`` and, when ``near`` is given, within that many words."""
        if self._any(_words(low)):
            toks = _positions(low)
            first = last = 0
            if near is not None:
                first = next((k for k, t in enumerate(toks) if t[1] > start), len(toks))
                last = next((k for k, t in enumerate(toks) if t[1] >= end), len(toks) - 1)
            for k, (s, _e, word) in enumerate(toks):
                if start <= s < end or not self._word(word):
                    continue
                if near is not None and (first - k - 1 if k < first else k - last - 1) > near:
                    continue
                return word
        if not self.phrases:
            return None
        found = _words(low)
        for phrase, head in self.phrases:
            if head not in found:
                continue
            prefix = phrase.endswith("*")
            phrase = phrase.rstrip("*")
            for i in _occurrences(low, phrase):
                after = low[i + len(phrase) : i + len(phrase) + 1]
                if (i and low[i - 1].isalnum()) or (after.isalnum() and not prefix):
                    continue
                if start <= i < end:
                    continue
                gap = low[i + len(phrase) : start] if i < start else low[end:i]
                if near is None or len(gap.split()) <= near:
                    return phrase
        return None

    def find_khmer(self, low: str, start: int = -1, end: int = -1) -> str | None:
        """The first Khmer word anywhere in the sentence outside ``low[start:end]``."""
        for phrase in self.khmer:
            for i in _occurrences(low, phrase):
                if not start <= i < end:
                    return phrase
        return None

    def find_any(self, low: str) -> str | None:
        return self.find(low) or self.find_khmer(low)


def _occurrences(text: str, part: str):
    i = text.find(part)
    while i >= 0:
        yield i
        i = text.find(part, i + 1)


_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_last_words: tuple[str, frozenset[str]] = ("", frozenset())


def _words(low: str) -> frozenset[str]:
    """The sentence's distinct words; the last sentence's are kept, since every rule of
    a sentence asks for the same."""
    global _last_words
    cached = _last_words
    if cached[0] is low or cached[0] == low:
        return cached[1]
    found = frozenset(_TOKEN.findall(low))
    _last_words = (low, found)
    return found


def _positions(low: str) -> list[tuple[int, int, str]]:
    """The sentence's words with their offsets (only needed once a word was found)."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(low)]


_compiled: dict[int, tuple[tuple[str, ...], Words]] = {}


def words(items: tuple[str, ...]) -> Words:
    """The compiled form of a word list, built once per list (keyed by the tuple)."""
    entry = _compiled.get(id(items))
    if entry is None or entry[0] is not items:
        entry = _compiled[id(items)] = (items, Words(items))
    return entry[1]


def _near(sentence_low: str, start: int, end: int, items: tuple[str, ...],
          near: int | None, khmer: bool) -> str | None:
    """The first context word near ``sentence[start:end]`` (not inside it), or None.
    A Khmer match is judged by the list's Khmer words only, an English one by the rest;
    ``near`` counts words, so it does not apply to Khmer (the whole sentence counts)."""
    w = words(items)
    if khmer:
        return w.find_khmer(sentence_low, start, end)
    return w.find(sentence_low, start, end, near)


def _has(items: tuple[str, ...], khmer: bool) -> bool:
    """Whether a list has words for a match in this script."""
    w = words(items)
    return bool(w.khmer) if khmer else bool(w.exact or w.prefixes or w.phrases)


def in_proper_name(sentence: str, start: int, end: int, term: Term) -> bool:
    """Whether a lower-case lexicon term is written here as part of a capitalised name."""
    if term.in_names or not sentence[start:end][:1].isupper() or any(
        c.isupper() for c in term.term
    ):
        return False
    before = _WORD.findall(sentence[:start])
    after = _WORD.match(sentence[end:].lstrip(" -"))
    # the word before counts unless it starts the sentence ("A Crackdown followed")
    neighbour = (
        len(before) > 1
        and before[-1][:1].isupper()
        and sentence[:start].rstrip()[-1:].isalpha()
    ) or (
        after is not None and after.group()[:1].isupper() and sentence[end : end + 1] in " -"
    )
    if not neighbour:
        return False
    longer = [w for w in _WORD.findall(sentence) if len(w) > 3]
    title_case = longer and sum(w[:1].isupper() for w in longer) >= TITLE_CASE_SHARE * len(longer)
    return not title_case


@dataclass(frozen=True)
class Verdict:
    category: str | None  # None: the match does not count
    rule: str  # which rule decided ("" = the plain lexicon term)


def judge(term: Term, sentence: str, sentence_low: str, start: int, end: int,
          khmer: bool = False) -> Verdict:
    """How one match of ``term`` counts in its sentence. A Khmer match is judged by the
    Khmer words of the term's lists only; a rule with none does not apply to it."""
    if not khmer and in_proper_name(sentence, start, end, term):
        return Verdict(None, "proper name")
    near = term.near
    if term.veto:
        word = _near(sentence_low, start, end, term.veto, near, khmer)
        if word:
            return Verdict(None, f"veto: {word}")
    if not term.requires or not _has(term.requires, khmer):
        return Verdict(term.category, "")
    word = _near(sentence_low, start, end, term.requires, near, khmer)
    if word:
        return Verdict(term.category, f"requires: {word}")
    for alt in term.instead:
        word = _near(sentence_low, start, end, alt.near, near, khmer)
        if word:
            return Verdict(alt.category, f"instead: {alt.category} near {word}")
    return Verdict(None, "requires: none of its context words nearby")


def past_reference(sentence_low: str, rules: FileRules, today: date) -> str | None:
    """Why the sentence is about the past (a marker, or an old year), or None."""
    if rules.past_markers:
        marker = words(rules.past_markers).find_any(sentence_low)
        if marker:
            return marker
    if not _ANY_YEAR.search(sentence_low):
        return None
    for pattern in (_YEAR, _KHMER_YEAR):
        for m in pattern.finditer(sentence_low):
            if int(m.group(1)) < today.year - rules.past_years:
                return m.group(1)
    return None


def pair_fires(pair: Pair, sentence_low: str) -> str | None:
    """The word that makes ``pair`` fire in this sentence, or None."""
    return words(pair.near).find_any(sentence_low) if pair.near else None
