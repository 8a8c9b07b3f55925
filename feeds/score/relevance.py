"""Is the article about Cambodia?

Evidence, collected over every sentence including the title:

* a place from ``places.toml`` (country names and adjectives, the capital, the 25
  provincial-level units, towns, border crossings, landmarks, national institutions),
  English or Khmer script;
* a mention of a Cambodian actor from ``actors.toml`` (affiliation "Cambodia" or an
  actor that is, such as the CPP);
* names in other languages and scripts (``world_names.toml``).

Evidence is weighed, not counted: a decisive name in the title or the lead settles it,
further down two mentions are needed (one passing mention is not enough), and a name in
a list of names ("rice from Thailand, Vietnam, Cambodia and India") counts for little.
Generic names marked ``decisive = false`` ("Senate", "Supreme Court", "Ministry of
Interior") and acronyms ("CPP", "NEC", "RCAF": the Philippines and Canada have their
own) are supporting evidence: two different ones are needed (the same words matched as
an actor and as a place count once). Khmer script alone is not evidence, and neither are
media outlets' names (who published, not what about), bylines and addresses (page
furniture, never read). The points are the constants below.
``relevance_terms`` lists the canonical names of the evidence in order of first
appearance, then "khmer-script" for Khmer text; it is empty for an irrelevant article. A feed marked
``always_relevant`` skips all this: ``["feed:always_relevant"]``.
"""

from __future__ import annotations

import re

from feeds.lexicon import Place
from feeds.score.khmer import KhmerIndex
from feeds.score.phrases import PhraseIndex, drop_excluded, select_longest
from feeds.score.scripts import ScriptIndex
from feeds.text import khmer_key

PLACE = "place"
PLACE_EXCLUSION = "place-x"
ALWAYS = "feed:always_relevant"
KHMER_SCRIPT = "khmer-script"


def register(
    index: PhraseIndex, khmer: KhmerIndex, places: list[Place], scripts: ScriptIndex
) -> None:
    for ref, place in enumerate(places):
        for name in place.scripts:
            scripts.add(name, (PLACE, ref, None))
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


# Points a mention earns; an article is about Cambodia at RELEVANT points.
TITLE_POINTS = 3.0  # a decisive name in the title
LEAD_POINTS = 2.0  # in the first LEAD sentences of the body
BODY_POINTS = 1.0  # further down: one passing mention is not enough, two are
LISTED_POINTS = 0.5  # at most, for a name in a list of names ("Thailand, Cambodia and Laos")
SUPPORT_POINTS = 1.0  # a generic name or acronym, once per distinct name
RELEVANT = 2.0
LEAD = 3
# a name with another capitalised name beside it across a comma, "and", "or" or "/"
_LIST_BEFORE = re.compile(r"[A-Z][\w.'’-]*(?:,| and| or| &|/) ?$")
_LIST_AFTER = re.compile(r"^(?:'s)?(?:,| and| or| &|/) ?(?:the )?[A-Z]")


class Evidence:
    """What was seen so far, and the points it earns.

    Keyed by the matched text, so "Senate" found both as an actor and as a place is one
    piece of evidence, not two. Decisive names earn points per mention by where they
    stand: the title, the lead, further down, or inside a list of names; generic names
    (not decisive, or acronyms) earn :data:`SUPPORT_POINTS` once each. Khmer script
    alone earns nothing: Khmer outlets cover Thai rice and US politics too.
    """

    def __init__(self, text: str = "", starts: list[int] | None = None,
                 first_body: int = 0) -> None:
        self.seen: dict[str, list] = {}  # matched text, lower-cased -> [name, decisive, points]
        self.text = text
        self.starts = starts or [0]
        self.first_body = first_body

    def _points(self, si: int, start: int, end: int) -> float:
        if si < self.first_body:
            points = TITLE_POINTS
        elif si < self.first_body + LEAD:
            points = LEAD_POINTS
        else:
            points = BODY_POINTS
        if end > start and self.text:
            base = self.starts[si]
            line_end = self.text.find("\n", end)
            before = self.text[max(base, start - 40) : start]
            after = self.text[end : line_end if line_end >= 0 else len(self.text)][:40]
            if _LIST_BEFORE.search(before) or _LIST_AFTER.match(after):
                points = min(points, LISTED_POINTS)
        return points

    def add(self, key: str, name: str, decisive: bool, si: int = 0,
            start: int = 0, end: int = 0) -> None:
        entry = self.seen.get(key)
        if entry is None:
            entry = self.seen[key] = [name, False, 0.0]
        if decisive:
            if not entry[1]:
                entry[1], entry[2] = True, 0.0  # generic support gives way to a decisive name
            entry[2] += self._points(si, start, end)
        elif not entry[1]:
            entry[2] = SUPPORT_POINTS

    def points(self) -> float:
        return sum(e[2] for e in self.seen.values())

    def decide(self, khmer_script: bool) -> tuple[bool, list[str]]:
        if self.points() < RELEVANT:
            return False, []
        terms = list(dict.fromkeys(n for n, _d, _p in self.seen.values()))
        if khmer_script:
            terms.append(KHMER_SCRIPT)
        return True, terms
