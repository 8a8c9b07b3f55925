"""English phrase lookup: every lexicon phrase in one word trie, and overlap rules.

English lexicon entries are matched on words, not on characters: the article (its
sentences joined by line breaks) is cut into words once (``feeds.text.Tokens``), and each
word that can start an entry walks a word trie holding every entry (terms, actors, places
and exclusions together). The cost depends on the text, not on how many entries the
lexicons hold.
"""

from __future__ import annotations

from itertools import compress, count

from feeds.text import Tokens, is_acronym, joins, phrase_variants, phrase_words


class PhraseIndex:
    """All English phrases of the lexicons in one word trie, looked up word by word.

    ``add`` registers a payload under a phrase key (folded words joined by spaces); a
    payload is a ``(kind, ref, exact)`` tuple where ``exact``, when not None, is the
    tuple of words as written that the text must show (acronyms are case-sensitive).
    ``scan`` returns ``(first_word, end_word, payloads)`` for every phrase found,
    overlapping ones included, with the text's :class:`Tokens`; callers resolve
    overlaps. Each word costs one dict lookup, plus one per further word of a phrase
    that is actually under way, whatever the number of phrases.
    """

    def __init__(self) -> None:
        self.phrases: dict[str, list[tuple]] = {}
        # node = [payloads or None, {next word: node} or None]
        self.root: dict[str, list] = {}

    def add_phrase(self, phrase: str, kind: str, ref: int) -> None:
        """Register a lexicon phrase and its closed form; acronyms only in capitals."""
        acronym = is_acronym(phrase)
        for variant in phrase_variants(phrase):
            folded, written = phrase_words(variant)
            self.add(" ".join(folded), (kind, ref, tuple(written) if acronym else None))

    def add(self, key: str, payload: tuple) -> None:
        words = key.split(" ")
        node = self.root.setdefault(words[0], [None, None])
        for word in words[1:]:
            if node[1] is None:
                node[1] = {}
            node = node[1].setdefault(word, [None, None])
        if node[0] is None:
            node[0] = self.phrases.setdefault(key, [])
        node[0].append(payload)

    def scan(self, text: str) -> tuple[list[tuple[int, int, list[tuple]]], Tokens]:
        """Every phrase in ``text`` as (first slot, last slot + 1, payloads)."""
        toks = Tokens(text)
        low = toks.low
        root = self.root
        hits: list[tuple[int, int, list[tuple]]] = []
        # slots whose word can start a phrase, found without a Python loop over every slot
        starts = list(compress(count(), map(root.__contains__, low)))
        if not starts:
            return hits, toks
        n = len(low)
        ascii_text = toks.is_ascii
        cum: list[int] = []
        for i in starts:
            node = root[low[i]]
            if node[0]:
                hits.append((i, i + 1, node[0]))
            last = i
            children = node[1]
            while children is not None:
                j = last + 1
                if j >= n:
                    break
                word = low[j]
                if word:
                    node = children.get(word)
                    if node is None:
                        break  # the usual way out: no phrase goes on with this word
                    if ascii_text:
                        # neighbouring ASCII slots: exactly one character between them
                        if not cum:
                            cum = toks.cum
                        c = text[cum[last] + last]
                        if not (
                            c == " " or c == "-" or c == "'" or (c == "." and len(low[last]) == 1)
                        ):
                            break
                    elif not joins(toks.between(last, j), low[last]):
                        break
                else:  # several characters between the words
                    j = toks.next_word(last)
                    if j >= n:
                        break
                    node = children.get(low[j])
                    if node is None or not joins(toks.between(last, j), low[last]):
                        break
                last = j
                if node[0]:
                    hits.append((i, j + 1, node[0]))
                children = node[1]
        return hits, toks


# --- overlap helpers ------------------------------------------------------------------


def select_longest(candidates: list[tuple]) -> list[tuple]:
    """Non-overlapping ``(start, end, ...)`` candidates, longest first, in text order."""
    if len(candidates) < 2:
        return list(candidates)
    chosen: list[tuple] = []
    for c in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if all(c[1] <= d[0] or d[1] <= c[0] for d in chosen):
            chosen.append(c)
    chosen.sort()
    return chosen


def drop_excluded(candidates: list[tuple], exclusions: list[tuple]) -> list[tuple]:
    """Drop ``(start, end, ref, ...)`` candidates overlapped by an exclusion of ``ref``."""
    if not exclusions:
        return candidates
    return [
        c
        for c in candidates
        if not any(x[2] == c[2] and x[0] < c[1] and c[0] < x[1] for x in exclusions)
    ]
