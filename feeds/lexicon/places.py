"""Reads ``places.toml``: the gazetteer. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

::

    [[place]]
    name = "Poipet"                     # unique, also an alias
    kind = "border_crossing"            # one of PLACE_KINDS (described in places.toml)
    aliases = ["Paoy Paet"]
    km = ["ប៉ោយប៉ែត"]
    province = "Banteay Meanchey"       # the province (or capital) it lies in
    iso = "KH-1"                        # provinces and the capital only: ISO 3166-2:KH
    at = [102.56, 13.66]                # optional: longitude, latitude (WGS84), inside
                                        # Cambodia's box; the map draws the place there
    decisive = true                     # false: generic name ("Senate"); two different
                                        # non-decisive names are needed
    exclude = []

    [mentions]                          # optional: cues for which mentions count
    address = ["street", "tel"]         # with a digit in the same sentence, the places in
                                        # it are a postal address or contact line
    lists = ["such as", "including"]    # just before two or more places joined by commas
                                        # or "and": a passing list

The 25 provincial-level units (kind "province" or "capital") each carry a distinct ``iso``
code, KH-1 to KH-25, and all 25 must be present. Places of the kinds in
``PLACES_IN_A_PROVINCE`` must name their province; any other place may.
:func:`province_codes` gives every place's province as an ISO code.
"""

from __future__ import annotations

import re

from feeds.lexicon import _fields as f
from feeds.lexicon.model import LexiconError, Place, PlaceCues

PLACE_KINDS = (
    "country",
    "capital",
    "province",
    "town",
    "border_crossing",
    "institution",
    "landmark",
    "district_town",
    "district",
    "temple",
    "border_site",
    "sez",
    "compound",
)
# Kinds that are one spot on the map, so they must say which province they lie in.
PLACES_IN_A_PROVINCE = (
    "district_town", "district", "border_crossing", "temple", "border_site", "sez", "compound"
)
PROVINCIAL = ("province", "capital")
PROVINCE_COUNT = 25  # ISO 3166-2:KH: KH-1 ... KH-25
_ISO = re.compile(r"KH-([1-9][0-9]?)")

_PLACE_FIELDS = {"name", "kind", "aliases", "km", "province", "decisive", "exclude", "iso",
                 "at"}
# Cambodia's bounding box, a little widened: a point outside it is a typo (or lat/lon swapped)
_LON, _LAT = (102.0, 108.0), (10.0, 15.0)


def iso_order(code: str) -> int:
    """Sort key for ISO 3166-2:KH codes: KH-2 before KH-10, as the standard numbers them."""
    return int(code[3:])


def province_codes(places: tuple[Place, ...] | list[Place]) -> dict[str, str]:
    """Place name -> ISO code of its province; a province maps to its own code.

    Places with no province (the country, institutions, the Tonle Sap) are left out.
    """
    iso = {p.name: p.iso for p in places if p.iso}
    out = dict(iso)
    for p in places:
        if p.province is not None and p.province in iso:
            out[p.name] = iso[p.province]
    return out


def parse_places(raw: dict) -> tuple[Place, ...]:
    file = "places.toml"
    extra = sorted(set(raw) - {"place", "mentions"})
    if extra:
        raise LexiconError(
            f"{file}: unknown top-level key {extra[0]!r} (expected [[place]] tables "
            "and an optional [mentions] table)"
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
        elif kind in PLACES_IN_A_PROVINCE:
            raise where.error("province", f"missing: a place of kind {kind!r} needs its province")
        iso = _place_iso(where, table, kind)
        places.append(
            Place(
                name=name,
                kind=kind,
                aliases=aliases,
                km=km,
                province=province,
                decisive=f.boolean(where, table, "decisive", True),
                exclude=exclude,
                iso=iso,
                at=_place_at(where, table),
            )
        )
    _check_provinces(file, places)
    return tuple(places)


def parse_place_cues(raw: dict) -> PlaceCues:
    """The optional ``[mentions]`` table: cue words, each a non-empty English phrase."""
    table = raw.get("mentions", {})
    where = f.Where("places.toml", "[mentions]")
    f.check_fields(where, table, {"address", "lists"}, ())
    cues = {}
    for name in ("address", "lists"):
        values = f.strings(where, table, name)
        for value in values:
            f.english_keys(where, name, value)
        cues[name] = tuple(v.lower() for v in values)
    return PlaceCues(**cues)


def _place_at(where: f.Where, table: dict) -> tuple[float, float] | None:
    """The optional ``at`` field: [longitude, latitude] inside Cambodia's box."""
    if "at" not in table:
        return None
    value = table["at"]
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise where.error("at", f"must be [longitude, latitude], got {value!r}")
    lon, lat = float(value[0]), float(value[1])
    if not (_LON[0] <= lon <= _LON[1] and _LAT[0] <= lat <= _LAT[1]):
        raise where.error("at", f"{value!r} is not in Cambodia ([longitude, latitude], "
                                f"longitude {_LON[0]:g} to {_LON[1]:g}, latitude "
                                f"{_LAT[0]:g} to {_LAT[1]:g})")
    return lon, lat


def _place_iso(where: f.Where, table: dict, kind: str) -> str | None:
    """The ``iso`` field: required on provincial units, refused on anything else."""
    if kind not in PROVINCIAL:
        if "iso" in table:
            raise where.error("iso", f"only a province or the capital has one, not a {kind}")
        return None
    if "iso" not in table:
        raise where.error("iso", "missing: a province needs its ISO 3166-2:KH code (KH-1 to KH-25)")
    iso = f.string(where, table, "iso")
    m = _ISO.fullmatch(iso)
    if not m or not 1 <= int(m.group(1)) <= PROVINCE_COUNT:
        raise where.error("iso", f"{iso!r} is not an ISO 3166-2:KH code (KH-1 to KH-25)")
    return iso


def _check_provinces(file: str, places: list[Place]) -> None:
    """Unique ISO codes, all 25 of them, and every ``province`` naming one of the units."""
    codes: dict[str, str] = {}
    for p in places:
        if p.iso in codes:
            raise f.Where(file, f"place {p.name!r}").error(
                "iso", f"{p.iso!r} is already the code of {codes[p.iso]!r}"
            )
        if p.iso:
            codes[p.iso] = p.name
    missing = [f"KH-{n}" for n in range(1, PROVINCE_COUNT + 1) if f"KH-{n}" not in codes]
    if missing:
        raise LexiconError(
            f"{file}: the 25 provinces and the capital are incomplete: no place has "
            f"iso {', '.join(missing)}"
        )
    for p in places:
        if p.province is not None and p.province not in codes.values():
            raise f.Where(file, f"place {p.name!r}").error(
                "province", f"{p.province!r} is not a place of kind province or capital"
            )
