"""Unlisted names: capitalised names that are neither actors nor places.

Candidates for ``actors.toml``. In each sentence, runs of capitalised words (with "of"
or "for" allowed inside: "Ministry of Land Management") are cut wherever a known
actor, place or term was matched. Then, from each run:

* possessive ``'s`` is dropped, and leading honorifics, job titles (``titles`` in
  actors.toml: "Deputy Prime Minister") and common words ("The", "On", "Monday") are
  stripped from the front;
* a sentence-initial word that also appears in lower case in the article ("Police",
  "Authorities") is dropped;
* what is left must have 2 to 4 capitalised words, not all of them generic, and no word
  that marks a place ("Province", "District", "Street").

A title in Title Case is skipped (every word is capitalised there). Each name is counted
once per occurrence, with the first sentence using it as the example; at most
:data:`MAX_NAMES`, most frequent first.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from feeds.score.results import UnlistedName
from feeds.text import fold

MAX_NAMES = 30

_CAP_WORD = "[A-Z\u00c0-\u00d6\u00d8-\u00de][0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]*"
# Capitalised words joined by a space, a hyphen, an apostrophe, " of " or " for ". A regex
# that starts with a character class is scanned in C, so this is cheap per sentence.
_RUN = re.compile(f"{_CAP_WORD}(?:(?: |-|'|\u2019| of | for ){_CAP_WORD})+")
_ASCII_CAP_WORD = "[A-Z][0-9A-Za-z]*"
_ASCII_RUN = re.compile(f"{_ASCII_CAP_WORD}(?:(?: |-|'| of | for ){_ASCII_CAP_WORD})+")
_KEY_PARTS = re.compile("[ '\u2019-]+")
_CONNECTORS = frozenset({"of", "for"})
COMMON = frozenset(
    """a an the this that these those it its he she they we you i his her their our my
    in on at by for from with without to of and or but if as after before since during
    while when where what who why how there here than then also not no yes all some any
    according however meanwhile but so yet nor both either neither each every many more
    most other such same new mr mrs ms dr sir madam monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december today yesterday tomorrow photo photos update breaking read
    related editor note source sources news report reports video live government
    national international royal general senior deputy former acting vice first second
    third chief director head president minister ministry spokesman spokeswoman
    spokesperson official officials secretary state his excellency lok chumteav samdech
    oknha excellency majesty highness prince princess king queen lieutenant colonel
    major captain police court party""".split()
)
PLACE_WORDS = frozenset(
    """province provincial district commune village city town street road boulevard
    bridge market pagoda lake river island mountain airport port hotel school hospital
    university temple avenue sangkat khan krong srok park stadium""".split()
)


_LETTERS = re.compile("[A-Za-z]+")


def _title_case(sentence: str) -> bool:
    words = [w for w in _LETTERS.findall(sentence) if len(w) >= 4]
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)


def _merge(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, disjoint (starts, ends) covering the given spans."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(spans):
        if ends and a < ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def unlisted_names(
    text: str,
    sentence_starts: list[int],
    known_spans: list[tuple[int, int]],
    known_keys: set[str],
    strip_words: set[str],
    written_somewhere,
    has_title: bool = True,
) -> list[UnlistedName]:
    """Unlisted names of an article.

    ``text`` is the article's sentences joined by line breaks (title first),
    ``sentence_starts`` where each sentence begins in it, ``known_spans`` the character
    spans of matched actors, places and terms (never part of a name), and
    ``written_somewhere(word)`` tells whether a word appears exactly so in the text (to
    tell common words that also appear in lower case). ``has_title``: sentence 0 is a
    title (skipped when in Title Case).
    """
    pattern = _ASCII_RUN if text.isascii() else _RUN  # the ASCII one scans much faster
    runs = [
        m for m in pattern.finditer(text) if not (m.start() and text[m.start() - 1].isalnum())
    ]  # not "iPhone X"
    if not runs:
        return []
    known_starts, known_ends = _merge(known_spans)
    if has_title:
        title_end = sentence_starts[1] if len(sentence_starts) > 1 else len(text) + 1
    else:
        title_end = -1
    skip_title: bool | None = None  # decided when a name starts in the title
    counts: dict[str, int] = {}  # key -> mentions, in order of first use
    names: dict[str, str] = {}  # key -> the name as first written
    examples: dict[str, str] = {}  # key -> the first sentence using it

    def take(piece: list[tuple[str, int, int]]) -> None:
        nonlocal skip_title
        if not piece:
            return
        if piece[0][1] < title_end:
            if skip_title is None:
                skip_title = _title_case(text[:title_end])
            if skip_title:
                return
        si = bisect_right(sentence_starts, piece[0][1]) - 1
        base = sentence_starts[si]
        initial = not text[base : piece[0][1]].strip(" \"'\u201c\u2018(")
        while piece and (piece[0][0].lower() in strip_words or piece[0][0] in _CONNECTORS):
            piece = piece[1:]
            initial = False
        if initial and piece and written_somewhere(piece[0][0].lower()):
            piece = piece[1:]  # "Police said", "Authorities in ...": a common word
        while piece and piece[-1][0] in _CONNECTORS:
            piece = piece[:-1]
        capitals = [w.lower() for w, _a, _b in piece if w not in _CONNECTORS]
        if not 2 <= len(capitals) <= 4:
            return
        if all(w in COMMON for w in capitals) or any(w in PLACE_WORDS for w in capitals):
            return
        a, b = piece[0][1], piece[-1][2]
        name = text[a:b]
        key = " ".join(fold(w) for w in _KEY_PARTS.split(name) if w)
        if key in known_keys:
            return
        if key not in counts:
            stop = sentence_starts[si + 1] - 1 if si + 1 < len(sentence_starts) else len(text)
            counts[key] = 0
            names[key] = name
            examples[key] = text[base:stop]
        counts[key] += 1

    n_known = len(known_starts)
    for run in runs:
        pos, stop = run.span()
        k = bisect_left(known_ends, pos + 1)  # first known span ending after the run starts
        if k < n_known and known_starts[k] <= pos and known_ends[k] >= stop:
            continue  # the whole run is a known actor or place: the usual case
        piece: list[tuple[str, int, int]] = []
        for word in run.group().split(" "):
            a, b = pos, pos + len(word)
            pos = b + 1
            k = bisect_left(known_ends, a + 1)  # first known span ending after a
            if k < n_known and known_starts[k] < b:
                take(piece)  # a known actor, place or term cuts the run
                piece = []
            else:
                piece.append((word, a, b))
        take(piece)

    order = sorted(counts, key=lambda k: -counts[k])  # stable: ties stay in text order
    return [
        UnlistedName(name=names[k], mentions=counts[k], example=examples[k])
        for k in order[:MAX_NAMES]
    ]
