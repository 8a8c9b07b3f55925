"""Risk-term matching.

Every English form of every term (generated inflections, variants, explicit forms, and
the closed form of hyphenated entries) goes into the shared phrase index once, so one
pass over a sentence's words finds them all whatever the size of ``terms.toml``. Khmer
forms go into the Khmer substring index. Per sentence: drop matches that an exclusion of
the same term overlaps ("cardiac arrest"), then keep the longest of overlapping matches
("house arrest" rather than "arrest"; "trade war" rather than "war").
"""

from __future__ import annotations

from feeds.lexicon import Term
from feeds.score.khmer import KhmerIndex
from feeds.score.phrases import PhraseIndex, drop_excluded, select_longest
from feeds.score.results import TermMatch
from feeds.text import khmer_key

TERM = "term"
TERM_EXCLUSION = "term-x"


def register(index: PhraseIndex, khmer: KhmerIndex, terms: list[Term]) -> None:
    for ref, term in enumerate(terms):
        for form in term.surface:
            index.add_phrase(form, TERM, ref)
        for key in term.exclusions:
            index.add(key, (TERM_EXCLUSION, ref, None))
        for form in term.km:
            khmer.add(khmer_key(form), (TERM, ref, None))
        for form in term.km_exclude:
            khmer.add(khmer_key(form), (TERM_EXCLUSION, ref, None))


def resolve(
    candidates: dict[str, list[tuple]],
    terms: list[Term],
    text: str,
    base: int,
    sentence_index: int,
) -> list[TermMatch]:
    """Term matches of one sentence; candidate offsets are in ``text``, the sentence
    starts at ``base``, and the matches get offsets within the sentence."""
    found = candidates.get(TERM)
    if not found:
        return []
    kept = select_longest(drop_excluded(found, candidates.get(TERM_EXCLUSION, [])))
    out = []
    for start, end, ref, *_ in kept:
        t = terms[ref]
        out.append(
            TermMatch(
                t.category,
                t.term,
                text[start:end],
                t.weight,
                sentence_index,
                start - base,
                end - base,
            )
        )
    return out
