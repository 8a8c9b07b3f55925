"""Sentences: how an article is cut, which fixes the meaning of every stored offset.

The dashboard calls :func:`sentences` again on a stored article to highlight evidence, so
a change to the splitting rules changes the meaning of stored offsets: bump the lexicon
files (and rescore) when you touch it.

---------
* The title, cleaned and with its whitespace collapsed, is sentence 0 when non-empty.
* The text is cleaned (NFC, control characters to spaces, zero-width characters and
  soft hyphens removed, lone surrogates to U+FFFD), then cut into paragraphs at line
  breaks. A line that starts with a lower-case letter continues the previous line (hard
  wrapped prose), any other line break ends a paragraph.
* A paragraph is cut after ``.``, ``!``, ``?`` or ``…`` (plus closing quotes or brackets)
  when whitespace and then something other than a lower-case letter follow, unless the
  full stop ends a known abbreviation (``Mr.``, ``Gen.``, ``Jan.``) or a one-letter
  initial (``U.S.``, ``H.E.``). It is always cut after the Khmer signs ``។`` and ``៕``,
  and after ``?`` or ``!`` directly followed by Khmer script.
* A sentence longer than :data:`MAX_SENTENCE` characters is cut at its last space before
  the limit (or at the limit), so hostile input cannot make one sentence enormous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from feeds.text import collapse, normalise

MAX_SENTENCE = 800

_SOFT_WRAP = re.compile(r"\n(?=[ \t]*[a-z])")
_LATIN_ENDS = ".!?\u2026"
_KHMER_ENDS = "\u17d4\u17d5"
_ENDS = frozenset(_LATIN_ENDS + _KHMER_ENDS)
_CLOSERS = frozenset("\"'\u201d\u2019\u00bb)]")
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt adm gov sen rep st jr sr vs etc inc
    ltd co corp dept est approx jan feb mar apr jun jul aug sep sept oct nov dec no nos
    mt ft hon rev""".split()
)


def _cap(sentence: str) -> Iterable[str]:
    while len(sentence) > MAX_SENTENCE:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE)
        if cut <= 0:
            cut = MAX_SENTENCE
        head, sentence = sentence[:cut].strip(), sentence[cut:].strip()
        if head:
            yield head
    if sentence:
        yield sentence


_WORD_BEFORE = re.compile("[A-Za-z]+$")


def _is_end(para: str, first: int, after_marks: int, end: int) -> bool:
    """Whether the marks ``para[first:after_marks]`` (closers up to ``end``) end a sentence."""
    marks = para[first:after_marks]
    if not marks.isascii() and any(c in _KHMER_ENDS for c in marks):
        return True
    n = len(para)
    if end >= n:
        return True
    nxt = para[end]
    if not nxt.isspace():
        # "?" or "!" glued to Khmer script ends a sentence; anything else ("3.5") does not
        return marks[-1] in "!?" and "\u1780" <= nxt <= "\u17ff"
    k = end + 1
    while k < n and para[k].isspace():
        k += 1
    if k < n and para[k].islower():
        return False  # "... at 3 p.m. and", "Really? he asked"
    if marks == ".":
        # the letters just before the full stop (a window: abbreviations are short)
        before = _WORD_BEFORE.search(para, max(0, first - 12), first)
        if before:
            word = before.group()
            if len(word) == 1:
                return False  # an initial: "U.S. Embassy", "H.E. Hun Manet"
            low = word.lower()
            if low in ABBREVIATIONS and (low not in ("no", "nos") or (k < n and para[k].isdigit())):
                return False
    return True


def _split_paragraph(para: str) -> list[str]:
    """Sentences of one collapsed paragraph (any script)."""
    # Find the sentence marks with str.find (fast) rather than a regex scan.
    positions = []
    for mark in _LATIN_ENDS + _KHMER_ENDS:
        i = para.find(mark)
        while i >= 0:
            positions.append(i)
            i = para.find(mark, i + 1)
    if not positions:
        return [para]
    positions.sort()
    out = []
    n = len(para)
    start = 0
    done = -1
    for p in positions:
        if p < done:
            continue  # inside a run of marks already looked at
        e = p
        while e < n and para[e] in _ENDS:
            e += 1
        done = e
        after_marks = e
        while e < n and para[e] in _CLOSERS:
            e += 1
        if _is_end(para, p, after_marks, e):
            piece = para[start:e].strip()
            if piece:
                out.append(piece)
            start = e
    tail = para[start:].strip()
    if tail:
        out.append(tail)
    return out


# The same rules for an ASCII paragraph with single spaces, in fewer steps (a test checks
# that both give the same sentences). str.find is much faster than a regex scan here.
_ASCII_CLOSERS = "\"')]"


def _split_ascii(para: str) -> list[str]:
    positions = []
    for mark in ".!?":
        i = para.find(mark)
        while i >= 0:
            positions.append(i)
            i = para.find(mark, i + 1)
    if not positions:
        return [para]
    if len(positions) > 1:
        positions.sort()
    out = []
    n = len(para)
    start = 0
    done = -1
    for first in positions:
        if first < done:
            continue  # inside a run of marks already looked at
        end = first + 1
        while end < n and para[end] in ".!?":
            end += 1
        done = end
        after_marks = end
        while end < n and para[end] in _ASCII_CLOSERS:
            end += 1
        # an end needs one space and then anything but a lower-case letter
        if end + 1 >= n or para[end] != " " or "a" <= para[end + 1] <= "z":
            continue
        if after_marks == first + 1 and para[first] == ".":
            before = _WORD_BEFORE.search(para, max(0, first - 12), first)
            if before:
                word = before.group()
                if len(word) == 1:
                    continue  # an initial: "U.S. Embassy", "H.E. Hun Manet"
                low = word.lower()
                if low in ABBREVIATIONS and (
                    low not in ("no", "nos") or "0" <= para[end + 1] <= "9"
                ):
                    continue
        out.append(para[start:end])
        start = end + 1  # the one space after it
    if start < n:
        out.append(para[start:])
    return out


def _paragraph(line: str) -> str:
    """Whitespace collapsed, skipping the work when it is already single-spaced."""
    if (
        line.isascii()
        and "  " not in line
        and "\t" not in line
        and line[:1] != " "
        and line[-1:] != " "
    ):
        return line
    return collapse(line)


def sentences(title: str, text: str) -> list[str]:
    """Title as sentence 0 (if non-empty), then the text's sentences; see module doc."""
    out: list[str] = []
    head = collapse(normalise(title))
    if head:
        out.extend(_cap(head))
    body = normalise(text)
    if body:
        if "\n" in body:
            body = _SOFT_WRAP.sub(" ", body)
        for line in body.split("\n"):
            line = _paragraph(line)
            if not line:
                continue
            pieces = _split_ascii(line) if line.isascii() else _split_paragraph(line)
            for piece in pieces:
                if len(piece) > MAX_SENTENCE:
                    out.extend(_cap(piece))
                else:
                    out.append(piece)
    return out
