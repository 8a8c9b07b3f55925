"""Reads ``world_names.toml``: Cambodian place names as other languages write them.

This docstring is the file's reference. The file is optional (a lexicon folder without
it simply recognises fewer languages). Each entry adds names to a place of
``places.toml``, so relevance in French, Vietnamese, Chinese or Arabic text is decided
by the same evidence rules as in English::

    [[names]]
    place = "Cambodia"                  # a place's name in places.toml
    latin = ["Cambodge", "Camboya"]     # Latin script: whole words, accents folded,
                                        # like any English alias
    other = ["柬埔寨", "กัมพูชา"]         # any other script: matched as a substring,
                                        # since Chinese, Thai, Lao and Burmese write no
                                        # spaces between words and Russian or Arabic
                                        # inflect the end of a name ("Камбодж" covers
                                        # Камбоджа, Камбоджи, Камбодже)

Names in Khmer script belong in ``places.toml`` (``km``), not here.
"""

from __future__ import annotations

import dataclasses

from feeds.lexicon import _fields as f
from feeds.lexicon.model import LexiconError, Place
from feeds.text import has_khmer

FILE = "world_names.toml"
_FIELDS = {"place", "latin", "other"}
MIN_OTHER = 2  # characters: one Chinese character is too common to be a name


def parse_world_names(raw: dict, places: tuple[Place, ...]) -> tuple[Place, ...]:
    """``places`` with the file's names added to their entries."""
    extra = sorted(set(raw) - {"names"})
    if extra:
        raise LexiconError(f"{FILE}: unknown top-level key {extra[0]!r} (expected [[names]])")
    by_name = {p.name: i for i, p in enumerate(places)}
    out = list(places)
    seen: set[str] = set()
    for n, table in enumerate(raw.get("names") or [], start=1):
        pname = table.get("place") if isinstance(table, dict) else None
        where = f.Where(FILE, f"names for {pname!r}" if isinstance(pname, str) else f"#{n}")
        f.check_fields(where, table, _FIELDS, ("place",))
        place = f.string(where, table, "place")
        if place not in by_name:
            raise where.error("place", f"{place!r} is not a place in places.toml")
        latin = f.strings(where, table, "latin")
        for name in latin:
            if any(c.isalpha() and c >= "\u0250" for c in name):
                raise where.error("latin", f"{name!r} is not written in Latin script")
            f.english_keys(where, "latin", name)
        other = f.strings(where, table, "other")
        for name in other:
            if any("a" <= c.lower() <= "z" for c in name) or has_khmer(name):
                raise where.error("other", f"{name!r}: Latin and Khmer names go elsewhere")
            if len(name.strip()) < MIN_OTHER:
                raise where.error("other", f"{name!r} is too short to be a name")
        for name in (*latin, *other):
            if name.lower() in seen:
                raise where.error("latin" if name in latin else "other",
                                  f"duplicate name {name!r}")
            seen.add(name.lower())
        i = by_name[place]
        p = out[i]
        out[i] = dataclasses.replace(
            p, aliases=p.aliases + tuple(a for a in latin if a not in p.aliases),
            scripts=p.scripts + other,
        )
    return tuple(out)
