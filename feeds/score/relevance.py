"""Is the article about Cambodia?

Evidence, collected over every sentence including the title:

* a place from ``places.toml`` (country names and adjectives, the capital, the 25
  provincial-level units, towns, border crossings, landmarks, national institutions),
  English or Khmer script;
* a mention of a Cambodian actor from ``actors.toml`` (affiliation "Cambodia" or an
  actor that is, such as the CPP);
* any Khmer letter at all ("khmer-script").

A *decisive* name settles it alone. Generic names marked ``decisive = false`` ("Senate",
"Supreme Court", "Ministry of Interior") and acronyms ("CPP", "NEC", "RCAF": the
Philippines and Canada have their own) are supporting evidence: two different ones are
needed (the same words matched as an actor and as a place count once).
``relevance_terms`` lists the canonical names of the evidence in order of first
appearance, then "khmer-script"; it is empty for an irrelevant article. A feed marked
``always_relevant`` skips all this: ``["feed:always_relevant"]``.
"""

from __future__ import annotations

from feeds.lexicon import Place
from feeds.score.khmer import KhmerIndex
from feeds.score.phrases import PhraseIndex, drop_excluded, select_longest
from feeds.text import khmer_key

PLACE = "place"
PLACE_EXCLUSION = "place-x"
ALWAYS = "feed:always_relevant"
KHMER_SCRIPT = "khmer-script"


def register(index: PhraseIndex, khmer: KhmerIndex, places: list[Place]) -> None:
    for ref, place in enumerate(places):
        for alias in (place.name, *place.aliases):
            index.add_phrase(alias, PLACE, ref)
        for phrase in place.exclude:
            index.add_phrase(phrase, PLACE_EXCLUSION, ref)
        for alias in place.km:
            khmer.add(khmer_key(alias), (PLACE, ref, None))


def places_in(candidates: dict[str, list[tuple]]) -> list[tuple]:
    """Resolved place matches of one sentence: (start, end, ref, word, acronym)."""
    found = candidates.get(PLACE)
    if not found:
        return []
    return select_longest(drop_excluded(found, candidates.get(PLACE_EXCLUSION, [])))


class Evidence:
    """What was seen so far: per matched text, a canonical name and whether it decides.

    Keyed by the matched text, so "Senate" found both as an actor and as a place is one
    piece of evidence, not two.
    """

    def __init__(self) -> None:
        self.seen: dict[str, list] = {}  # matched text, lower-cased -> [name, decisive]

    def add(self, key: str, name: str, decisive: bool) -> None:
        entry = self.seen.get(key)
        if entry is None:
            self.seen[key] = [name, decisive]
        elif decisive:
            entry[1] = True

    def decide(self, khmer_script: bool) -> tuple[bool, list[str]]:
        decisive = any(d for _n, d in self.seen.values())
        supporting = sum(1 for _n, d in self.seen.values() if not d)
        relevant = khmer_script or decisive or supporting >= 2
        if not relevant:
            return False, []
        terms = list(dict.fromkeys(n for n, _d in self.seen.values()))
        if khmer_script:
            terms.append(KHMER_SCRIPT)
        return True, terms
