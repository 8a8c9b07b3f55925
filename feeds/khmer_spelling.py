"""Khmer spelling normalisation: one fold for lexicon entries and for article text.

The same Khmer word reaches us spelt in several ways that look alike on screen, so a
lexicon form only matches if both sides are folded the same way. ``fold`` is that one
function; ``feeds.text.khmer_key`` (lexicon side) and the Khmer index's scan in
``feeds.score.khmer`` (text side) both call it. What it does:

* drops whitespace and invisible joiners: Khmer does not separate words with spaces,
  and writers put them in names or leave them out (សម រង្ស៊ី, សមរង្ស៊ី);
* writes subscript DA as subscript TA (្ដ/្ត, which look the same);
* writes MUUSIKATOAN as TRIISAP (៉/៊, the two register shifters, often confused:
  រង្ស៉ី/រង្ស៊ី);
* writes the split vowels typed as two signs as the single character (េ + ា = ោ,
  េ + ី = ើ);
* puts the marks of each cluster in one order (subscripts, then register shifters,
  then vowels, then other signs), so that a vowel typed before a subscript, or ំ before
  ុ, still matches.

``fold`` also returns where each folded character came from, so a match can be mapped
back to its place in the text.
"""

from __future__ import annotations

COENG = "\u17d2"
_SUBSCRIPT_DA = "\u178a"
_SUBSCRIPT_TA = "\u178f"
_SHIFTERS = {"\u17c9": "\u17ca"}  # MUUSIKATOAN -> TRIISAP
_SPLIT_VOWELS = {"\u17b6": "\u17c4", "\u17b8": "\u17be"}  # after េ (U+17C1)
_E = "\u17c1"
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5")
_DEPENDENT = frozenset(chr(c) for c in range(0x17B6, 0x17D4)) | {"\u17dd"}


def _rank(mark: str) -> int:
    """Order of a mark within its cluster (a subscript pair counts as one mark)."""
    if mark[0] == COENG:
        return 1 if mark[1:] != "\u179a" else 2  # subscript RO after the others
    if mark in ("\u17c9", "\u17ca", "\u17cb", "\u17cc"):  # shifters, bantoc, robat
        return 3 if mark != "\u17cc" else 0
    if "\u17b6" <= mark <= "\u17c5":
        return 4  # vowel signs
    return 5  # nikahit, reahmuk, and the rest


def fold(text: str) -> tuple[str, list[int]]:
    """(folded text, position in ``text`` of each folded character)."""
    chars: list[str] = []
    where: list[int] = []
    marks: list[tuple[str, list[int]]] = []  # the current cluster's marks and positions
    pending_coeng = -1

    def flush() -> None:
        if len(marks) > 1:
            ranked = sorted(marks, key=lambda m: _rank(m[0]))  # stable
            out: list[str] = []
            for mark, _p in ranked:
                if out and out[-1] == _E and mark in _SPLIT_VOWELS:
                    out[-1] = _SPLIT_VOWELS[mark]
                else:
                    out.append(mark)
            folded = "".join(out)
            positions = sorted(p for _m, spots in marks for p in spots)
            chars.append(folded)
            # monotonic, and the last character maps to the cluster's last position
            where.extend(positions[: len(folded) - 1])
            where.append(positions[-1])
        elif marks:
            mark, spots = marks[0]
            chars.append(mark)
            where.extend(spots)
        marks.clear()

    for i, ch in enumerate(text):
        if ch.isspace() or ch in _INVISIBLE:
            continue
        if pending_coeng >= 0:
            if ch == _SUBSCRIPT_DA:
                ch = _SUBSCRIPT_TA
            marks.append((COENG + ch, [pending_coeng, i]))
            pending_coeng = -1
            continue
        if ch == COENG:
            pending_coeng = i
            continue
        if ch in _DEPENDENT:
            marks.append((_SHIFTERS.get(ch, ch), [i]))
            continue
        flush()
        chars.append(ch)
        where.append(i)
    if pending_coeng >= 0:
        marks.append((COENG, [pending_coeng]))
    flush()
    return "".join(chars), where


def key(text: str) -> str:
    """The folded form alone (for lexicon entries)."""
    return fold(text)[0]
