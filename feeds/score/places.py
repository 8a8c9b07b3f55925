"""Where an article reports from or about: its place mentions, and which of them count.

The article pass already finds every gazetteer name (the one phrase index serves
relevance and places alike); this module only judges the matches it hands over. Every
match becomes a :class:`PlaceMention` with a ``role``:

* ``dateline``: the first words of the body, a place followed by a dash or a colon
  ("SAMRAONG —", "Phnom Penh, 3 May –"): where the report comes from;
* ``address``: in a sentence that reads like a postal address or contact line (a cue
  from ``places.toml``'s ``[mentions]`` table and a digit): the publisher, not the news;
* ``list``: one of a passing list outside the title: three or more places joined by
  commas, "and" or "or", or two right after a list cue ("such as", "including");
* ``support``: a non-decisive name or an acronym whose province no counting mention names;
* ``place``: any other mention.

A mention *counts* (puts the article in its province) when its role is ``dateline`` or
``place`` and the place lies in a province. The article's provinces are those of its
counting mentions (``ArticleScore.provinces``).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from feeds.lexicon import Lexicons, PlaceCues, province_codes
from feeds.score.results import PlaceMention

COUNTING_ROLES = ("dateline", "place")
# after a dateline's place: an optional "(Agency)" and ", date", then a dash or a colon
_DATELINE_TAIL = re.compile(
    r"\s*(?:\([^()\n]{0,40}\))?\s*(?:,[^,\n—–:]{0,40})?\s*(?:[—–]|-{1,2}\s|:)"
)
_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*|/\s*)", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _Prepared:
    """Per lexicon version: each place's kind, province code and decisiveness; the cues."""

    kinds: list[str]
    codes: list[str | None]
    decisive: list[bool]
    address: re.Pattern | None
    list_cue: re.Pattern | None


def _cue_pattern(cues: tuple[str, ...], anchor_end: bool) -> re.Pattern | None:
    if not cues:
        return None
    alts = "|".join(r"\s+".join(map(re.escape, c.split())) for c in cues)
    word_end = r"(?!\w)" if anchor_end else ""
    body = rf"(?<!\w)(?:{alts}){word_end}"
    return re.compile(body + (r"\s*$" if anchor_end else ""), re.IGNORECASE)


_cache: OrderedDict[str, _Prepared] = OrderedDict()


def _prepared(lexicons: Lexicons) -> _Prepared:
    hit = _cache.get(lexicons.version)
    if hit is None:
        codes = province_codes(lexicons.places)
        cues: PlaceCues = lexicons.place_cues
        hit = _cache[lexicons.version] = _Prepared(
            kinds=[p.kind for p in lexicons.places],
            codes=[codes.get(p.name) for p in lexicons.places],
            decisive=[p.decisive for p in lexicons.places],
            address=_cue_pattern(cues.address, anchor_end=False),
            list_cue=_cue_pattern(cues.lists, anchor_end=True),
        )
        while len(_cache) > 4:
            _cache.popitem(last=False)
    return hit


def place_mentions(
    hits: list[tuple[int, int, int, int, bool]],
    text: str,
    starts: list[int],
    first_body: int,
    lexicons: Lexicons,
) -> list[PlaceMention]:
    """Judge the article pass's place matches: ``(sentence, start, end, ref, acronym)``.

    ``text`` is the article's sentences joined by line breaks, ``starts`` where each
    begins, offsets in ``hits`` are within ``text``; ``first_body`` is the index of the
    body's first sentence (1 after a title, else 0). Offsets in the result are within
    the sentence, like every other piece of evidence.
    """
    if not hits:
        return []
    prep = _prepared(lexicons)
    places = lexicons.places
    roles = _roles(hits, text, starts, first_body, prep)
    counted = {
        prep.codes[ref]
        for (_si, _s, _e, ref, acronym), role in zip(hits, roles, strict=True)
        if role in COUNTING_ROLES and (role == "dateline" or (prep.decisive[ref] and not acronym))
    }
    out = []
    for (si, start, end, ref, acronym), role in zip(hits, roles, strict=True):
        code = prep.codes[ref]
        if role == "place" and (acronym or not prep.decisive[ref]) and code not in counted:
            role = "support"
        base = starts[si]
        out.append(PlaceMention(
            places[ref].name, prep.kinds[ref], code, text[start:end], si,
            start - base, end - base, role, role in COUNTING_ROLES and code is not None,
        ))
    return out


def _roles(hits, text: str, starts: list[int], first_body: int, prep: _Prepared) -> list[str]:
    roles = ["place"] * len(hits)
    by_sentence: dict[int, list[int]] = {}
    for n, hit in enumerate(hits):
        by_sentence.setdefault(hit[0], []).append(n)
    ends = starts[1:] + [len(text) + 1]
    for si, members in by_sentence.items():
        base, stop = starts[si], ends[si] - 1
        if prep.address and _DIGIT.search(text, base, stop):
            if prep.address.search(text[base:stop]):
                for n in members:
                    roles[n] = "address"
                continue
        if si == first_body:
            first = hits[members[0]]
            if first[1] == base and _DATELINE_TAIL.match(text, first[2], stop):
                roles[members[0]] = "dateline"
        if len(members) > 1 and not (first_body == 1 and si == 0):  # a title's list counts
            _mark_lists(hits, members, text, base, roles, prep)
    return roles


def _mark_lists(hits, members: list[int], text: str, base: int, roles: list[str],
                prep: _Prepared) -> None:
    """Mark runs of places joined by commas or "and" that make a passing list."""
    ordered = sorted(members, key=lambda n: hits[n][1])
    run = [ordered[0]]
    for n in ordered[1:] + [None]:
        if n is not None:
            gap_start, gap_end = hits[run[-1]][2], hits[n][1]
            if gap_end >= gap_start and _JOINER.fullmatch(text, gap_start, gap_end):
                run.append(n)
                continue
        if len(run) >= 3 or (
            len(run) == 2 and prep.list_cue is not None
            and prep.list_cue.search(text, max(base, hits[run[0]][1] - 40), hits[run[0]][1])
        ):
            for m in run:
                if roles[m] == "place":
                    roles[m] = "list"
        if n is not None:
            run = [n]

