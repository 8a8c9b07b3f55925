"""Risk-term matching.

Every English form of every term (generated inflections, variants, explicit forms, and
the closed form of hyphenated entries) goes into the shared phrase index once, so one
pass over a sentence's words finds them all whatever the size of ``terms.toml``. Khmer
forms go into the Khmer substring index. Per sentence: drop matches that an exclusion of
the same term overlaps ("cardiac arrest"), then keep the longest of overlapping matches
("house arrest" rather than "arrest"; "trade war" rather than "war").
"""

from __future__ import annotations

from datetime import date

from feeds.lexicon import Term
from feeds.lexicon.model import FileRules
from feeds.score.context import judge, pair_fires, past_reference, words
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
    found: list[tuple],
    exclusions: list[tuple] | None,
    terms: list[Term],
    text: str,
    base: int,
    sentence_index: int,
    rules: FileRules,
    today: date,
) -> tuple[list[TermMatch], list[TermMatch]]:
    """(counted, vetoed) term matches of one sentence, context rules applied.

    Candidate offsets are in ``text``, the sentence starts at ``base``, and the matches
    get offsets within the sentence. English matches (word index >= 0) go through
    ``feeds.score.context``, Khmer ones too when the term's lists hold Khmer words.
    Vetoed matches keep their category and get weight 0 and the rule that stopped them.
    """
    kept = select_longest(drop_excluded(found, exclusions or []))
    stop = text.find("\n", base)
    sentence = text[base : stop if stop >= 0 else len(text)]
    low = sentence.lower()
    past = past_reference(low, rules, today) if rules.past_factor < 1 else None
    counted: list[TermMatch] = []
    vetoed: list[TermMatch] = []
    for start, end, ref, word, *_ in kept:
        t = terms[ref]
        s, e = start - base, end - base
        category, rule = t.category, ""
        if t.requires or t.veto or word >= 0:
            verdict = judge(t, sentence, low, s, e, khmer=word < 0)
            if verdict.category is None:
                vetoed.append(TermMatch(t.category, t.term, text[start:end], 0.0,
                                        sentence_index, s, e, verdict.rule))
                continue
            category, rule = verdict.category, verdict.rule
        weight = t.weight
        if past:
            weight = round(weight * rules.past_factor, 4)
            rule = f"{rule}; past: {past}" if rule else f"past: {past}"
        counted.append(TermMatch(category, t.term, text[start:end], weight,
                                 sentence_index, s, e, rule))
    for pair in rules.pairs:
        trigger = next((m for m in counted if m.category in pair.when), None)
        if trigger is None or any(m.category == pair.category for m in counted):
            continue
        word = pair_fires(pair, low)
        if word and not (pair.veto and words(pair.veto).find_any(low)):
            weight = pair.weight * (rules.past_factor if past else 1.0)
            counted.append(TermMatch(pair.category, trigger.term, trigger.matched,
                                     round(weight, 4), sentence_index, trigger.start,
                                     trigger.end, f"pair: {pair.label} ({word})"))
    return counted, vetoed
