"""Reads ``places.toml``: the relevance gazetteer. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

::

    [[place]]
    name = "Poipet"                     # unique, also an alias
    kind = "border_crossing"            # country capital province town border_crossing
                                        # institution landmark
    aliases = ["Paoy Paet"]
    km = ["ប៉ោយប៉ែត"]
    province = "Banteay Meanchey"       # optional: the province (or capital) it lies in
    decisive = true                     # false: generic name ("Senate"); two different
                                        # non-decisive names are needed
    exclude = []
"""

from __future__ import annotations

from feeds.lexicon import _fields as f
from feeds.lexicon.model import LexiconError, Place

PLACE_KINDS = (
    "country",
    "capital",
    "province",
    "town",
    "border_crossing",
    "institution",
    "landmark",
)

_PLACE_FIELDS = {"name", "kind", "aliases", "km", "province", "decisive", "exclude"}


def parse_places(raw: dict) -> tuple[Place, ...]:
    file = "places.toml"
    extra = sorted(set(raw) - {"place"})
    if extra:
        raise LexiconError(
            f"{file}: unknown top-level key {extra[0]!r} (expected [[place]] tables)"
        )
    tables = raw.get("place")
    if not isinstance(tables, list) or not tables:
        raise LexiconError(f"{file}: no [[place]] tables")
    places: list[Place] = []
    seen: dict[str, str] = {}
    km_seen: dict[str, str] = {}
    for n, table in enumerate(tables, start=1):
        pname = table.get("name") if isinstance(table, dict) else None
        where = f.Where(file, f"place {pname!r}" if isinstance(pname, str) else f"place #{n}")
        f.check_fields(where, table, _PLACE_FIELDS, ("name", "kind"))
        name = f.string(where, table, "name")
        kind = f.string(where, table, "kind")
        if kind not in PLACE_KINDS:
            raise where.error("kind", f"must be one of {', '.join(PLACE_KINDS)}, got {kind!r}")
        aliases = f.strings(where, table, "aliases")
        keys: list[str] = []
        for fieldname, alias in [("name", name)] + [("aliases", a) for a in aliases]:
            for k in f.english_keys(where, fieldname, alias):
                owner = seen.get(k)
                if owner:
                    raise where.error(
                        fieldname,
                        f"duplicate name {alias!r}"
                        + ("" if owner == name else f": already used by place {owner!r}"),
                    )
                seen[k] = name
                keys.append(k)
        km = f.strings(where, table, "km")
        f.claim_khmer(where, km, km_seen, name, "name", "used by place")
        exclude = f.strings(where, table, "exclude")
        for phrase in exclude:
            f.expand_exclusion(where, "exclude", phrase, keys)
        province = table.get("province")
        if province is not None:
            province = f.string(where, table, "province")
        places.append(
            Place(
                name=name,
                kind=kind,
                aliases=aliases,
                km=km,
                province=province,
                decisive=f.boolean(where, table, "decisive", True),
                exclude=exclude,
            )
        )
    provinces = {p.name for p in places if p.kind in ("province", "capital")}
    for p in places:
        if p.province is not None and p.province not in provinces:
            raise f.Where(file, f"place {p.name!r}").error(
                "province", f"{p.province!r} is not a place of kind province or capital"
            )
    return tuple(places)
