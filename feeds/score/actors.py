"""Actor mentions.

* Full aliases (the canonical name, ``aliases``, Khmer ``km``) match on their own.
* ``context_aliases`` ("Manet", "Sokha") match only after a full alias of the same actor
  earlier in the article; when several actors share one ("Sokha": Kem Sokha, Sar Sokha)
  it goes to the one most recently named in full. Alone they never match.
* An honorific just before an alias ("Samdech Techo", "H.E.", "Mr.", "Lok Chumteav",
  "ឯកឧត្តម") becomes part of the mention.
* An acronym alias (capitals, at most four letters) matches only in capitals and not
  before a dollar sign: "US$2,000" is a currency, not the United States.
* Exclusions of the actor drop its matches inside them ("Hun Sen Boulevard"), and of
  overlapping mentions the longest wins ("Sam Rainsy Party" is the party only).
* A mention carries its sentence's VADER compound, or None when not scored.
"""

from __future__ import annotations

import re

from feeds.lexicon import Actor
from feeds.score.khmer import KhmerIndex
from feeds.score.phrases import PhraseIndex, drop_excluded, select_longest
from feeds.score.results import ActorMention
from feeds.text import COENG, Tokens, joins, khmer_key, phrase_key

ACTOR = "actor"
ACTOR_CONTEXT = "actor-ctx"
ACTOR_EXCLUSION = "actor-x"


def register(index: PhraseIndex, khmer: KhmerIndex, actors: list[Actor]) -> None:
    for ref, actor in enumerate(actors):
        for alias in (actor.name, *actor.aliases):
            index.add_phrase(alias, ACTOR, ref)
        for alias in actor.context_aliases:
            index.add_phrase(alias, ACTOR_CONTEXT, ref)
        for phrase in actor.exclude:
            index.add_phrase(phrase, ACTOR_EXCLUSION, ref)
        for alias in actor.km:
            khmer.add(khmer_key(alias), (ACTOR, ref, None))


class Honorifics:
    """Honorifics that may precede an alias, English by words and Khmer by regex."""

    def __init__(self, english: tuple[str, ...], khmer: tuple[str, ...]) -> None:
        self.keys = {phrase_key(h) for h in english}
        self.last_words = {k.rsplit(" ", 1)[-1] for k in self.keys}
        self.longest = max((len(k.split(" ")) for k in self.keys), default=0)
        forms = sorted({khmer_key(h) for h in khmer}, key=len, reverse=True)
        self.khmer = None
        if forms:
            alternatives = []
            for form in forms:
                pieces = []
                for n, c in enumerate(form):
                    if c == "\u178f" and n and form[n - 1] == COENG:
                        pieces.append("[\u178a\u178f]")  # subscript TA or DA
                    else:
                        pieces.append(re.escape(c))
                alternatives.append(r"\s*".join(pieces))
            self.khmer = re.compile("(?:" + "|".join(alternatives) + r")\s*$")

    def extend(self, start: int, word_index: int, toks: Tokens, text: str, base: int) -> int:
        """Start of the mention including any honorific before it (not before ``base``)."""
        if word_index < 0:  # a Khmer match: look at the text just before it
            if self.khmer is None:
                return start
            m = self.khmer.search(text, max(base, start - 60), start)
            return m.start() if m else start
        low = toks.low
        previous = toks.previous_word(word_index)
        if previous < 0 or low[previous] not in self.last_words:
            return start  # the usual case: no honorific
        best = start
        later = word_index
        words_back: list[str] = []
        for _ in range(self.longest):
            first = toks.previous_word(later)
            if first < 0:
                break
            # the gap after each honorific word must keep the phrase together; an
            # abbreviation's full stop may end it ("Mr. Sok Eysan", "Dr. Kem Ley")
            gap = toks.between(first, later)
            if not (joins(gap, low[first]) or (later == word_index and gap == ". ")):
                break
            words_back.insert(0, low[first])
            if " ".join(words_back) in self.keys:
                best = toks.start(first)
            later = first
        return best


class ActorResolver:
    """Resolves one article's actor candidates sentence by sentence (keeps context).

    Candidates carry offsets in the article's joined sentences (``text``); mentions are
    returned with offsets in their own sentence, which starts at ``base``.
    """

    def __init__(self, actors: list[Actor], honorifics: Honorifics) -> None:
        self.actors = actors
        self.honorifics = honorifics
        self.last_full: dict[int, int] = {}  # actor ref -> start of its latest full mention

    def sentence(
        self,
        candidates: dict[str, list[tuple]],
        text: str,
        base: int,
        index: int,
        toks: Tokens,
        compound: float | None,
    ) -> list[tuple[ActorMention, int, bool]]:
        """(mention, actor ref, by acronym) for one sentence, in text order."""
        full = candidates.get(ACTOR, [])
        context = candidates.get(ACTOR_CONTEXT, [])
        if not full and not context:
            return []
        exclusions = candidates.get(ACTOR_EXCLUSION, [])
        extend = self.honorifics.extend
        chosen = select_longest(
            [
                (extend(start, i, toks, text, base), end, ref, i, acronym)
                for start, end, ref, i, acronym in drop_excluded(full, exclusions)
            ]
        )
        resolved = chosen
        if context:
            spots: dict[tuple[int, int, int], list[int]] = {}
            for start, end, ref, i, _ in drop_excluded(context, exclusions):
                spots.setdefault((start, end, i), []).append(ref)
            extra = []
            for (start, end, i), refs in spots.items():
                if any(start < d[1] and d[0] < end for d in chosen):
                    continue
                best: tuple[int, int] | None = None  # (position of full mention, ref)
                for ref in refs:
                    before = [d[0] for d in chosen if d[2] == ref and d[0] < start]
                    if ref in self.last_full:
                        before.append(self.last_full[ref])
                    if before and (best is None or max(before) > best[0]):
                        best = (max(before), ref)
                if best is not None:
                    extra.append((extend(start, i, toks, text, base), end, best[1], i, False))
            if extra:
                resolved = select_longest(chosen + extra)
        for start, _end, ref, *_ in chosen:
            self.last_full[ref] = start
        return [
            (
                ActorMention(
                    actor=self.actors[ref].name,
                    alias=text[start:end],
                    sentence_index=index,
                    start=start - base,
                    end=end - base,
                    sentiment=compound,
                ),
                ref,
                acronym,
            )
            for start, end, ref, _i, acronym in resolved
        ]
