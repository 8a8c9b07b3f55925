"""Khmer phrase lookup: substrings of the squeezed sentence, indexed by first letter.

Khmer has no spaces between words, so Khmer entries are matched as substrings of the
sentence with its whitespace removed and the two interchangeable subscript forms of
DA/TA unified (``feeds.text.khmer_key``). A match must start on a base letter (not a
subscript) and must not end in the middle of a cluster (the next character may not be
a vowel sign, diacritic or COENG).
"""

from __future__ import annotations

from feeds.text import COENG, has_khmer

_KHMER_DEPENDENT = frozenset(chr(c) for c in range(0x17B4, 0x17D4)) | {"\u17dd"}
_KHMER_BASE = frozenset(chr(c) for c in range(0x1780, 0x17B4))

def _squeeze(sentence: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    where: list[int] = []
    previous = ""
    for i, ch in enumerate(sentence):
        if ch.isspace():
            continue
        if ch == "\u178a" and previous == COENG:
            ch = "\u178f"
        chars.append(ch)
        where.append(i)
        previous = ch
    return "".join(chars), where


class KhmerIndex:
    """Khmer forms looked up by first letter and length: cost does not grow with size."""

    def __init__(self) -> None:
        self.table: dict[str, list[tuple]] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}

    def add(self, key: str, payload: tuple) -> None:
        self.table.setdefault(key, []).append(payload)
        lengths = set(self.lengths.get(key[0], ()))
        lengths.add(len(key))
        self.lengths[key[0]] = tuple(sorted(lengths, reverse=True))

    def scan(self, sentence: str) -> list[tuple[int, int, list[tuple]]]:
        """(start, end, payloads) with offsets in ``sentence``, every match (overlaps too)."""
        if sentence.isascii() or not self.table or not has_khmer(sentence):
            return []
        text, where = _squeeze(sentence)
        n = len(text)
        lengths = self.lengths
        table = self.table
        hits: list[tuple[int, int, list[tuple]]] = []
        for i, ch in enumerate(text):
            options = lengths.get(ch)
            if not options or ch not in _KHMER_BASE or (i and text[i - 1] == COENG):
                continue
            for size in options:
                end = i + size
                if end > n:
                    continue
                found = table.get(text[i:end])
                if found is None:
                    continue
                if end < n and text[end] in _KHMER_DEPENDENT:
                    continue  # would cut a cluster in two
                hits.append((where[i], where[end - 1] + 1, found))
        return hits
