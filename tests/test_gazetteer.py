"""The gazetteer (data/lexicons/places.toml) and the province geometry (data/geo/).

Every place the map can show must resolve to one of the 25 provincial-level units, and
those units must be the ones the geometry draws, under the same ISO 3166-2:KH codes.
The loader enforces the codes; these tests pin down the shipped files and the loader's
messages for the mistakes an editor is likely to make.
"""

from __future__ import annotations

import csv
import json

import pytest
from lexicon_support import PLACES, write

from feeds.config import PROJECT_ROOT
from feeds.lexicon import (
    PLACES_IN_A_PROVINCE,
    LexiconError,
    load_lexicons,
    province_codes,
)
from feeds.score import score_article

GEO = PROJECT_ROOT / "data" / "geo"
ATTRIBUTION = (
    "Province boundaries © OpenStreetMap contributors, via geoBoundaries "
    "(KHM ADM1; Runfola et al. 2020), ODbL 1.0"
)
# ISO 3166-2:KH, as published: the numbers are the national province codes.
ISO = {
    "KH-1": "Banteay Meanchey", "KH-2": "Battambang", "KH-3": "Kampong Cham",
    "KH-4": "Kampong Chhnang", "KH-5": "Kampong Speu", "KH-6": "Kampong Thom",
    "KH-7": "Kampot", "KH-8": "Kandal", "KH-9": "Koh Kong", "KH-10": "Kratie",
    "KH-11": "Mondulkiri", "KH-12": "Phnom Penh", "KH-13": "Preah Vihear",
    "KH-14": "Prey Veng", "KH-15": "Pursat", "KH-16": "Ratanakiri", "KH-17": "Siem Reap",
    "KH-18": "Preah Sihanouk", "KH-19": "Stung Treng", "KH-20": "Svay Rieng",
    "KH-21": "Takeo", "KH-22": "Oddar Meanchey", "KH-23": "Kep", "KH-24": "Pailin",
    "KH-25": "Tbong Khmum",
}


def _error(tmp_path, places: str) -> str:
    with pytest.raises(LexiconError) as info:
        load_lexicons(write(tmp_path, places=places))
    return str(info.value)


# --- the shipped gazetteer ------------------------------------------------------------


def test_the_25_units_carry_their_iso_codes(lex):
    units = {p.iso: p.name for p in lex.places if p.kind in ("province", "capital")}
    assert units == ISO
    assert all(p.km for p in lex.places if p.iso), "every province has its Khmer name"
    assert all(p.iso is None for p in lex.places if p.kind not in ("province", "capital"))


def test_every_place_on_the_map_resolves_to_a_province(lex):
    codes = province_codes(lex.places)
    for place in lex.places:
        if place.kind in PLACES_IN_A_PROVINCE or place.kind == "town":
            assert codes.get(place.name) in ISO, place.name
    assert codes["Poipet"] == "KH-1"
    assert codes["Ta Moan Thom"] == "KH-22"
    assert codes["Preah Vihear Temple"] == "KH-13"
    assert codes["Manhattan SEZ"] == "KH-20"
    assert codes["Jinbei"] == "KH-18"
    assert codes["Tuol Kouk"] == "KH-12"
    # Spanning several provinces, or none: no province, so no point on the map.
    for name in ("Cambodia", "Tonle Sap", "Funan Techo Canal", "National Assembly"):
        assert name not in codes


def test_the_gazetteer_covers_towns_crossings_sites_zones_and_compounds(lex):
    by_kind: dict[str, set[str]] = {}
    for place in lex.places:
        by_kind.setdefault(place.kind, set()).add(place.name)
    assert len(by_kind["district_town"]) >= 150
    assert len(by_kind["district"]) == 14  # Phnom Penh's khans
    assert {"Poipet", "Bavet", "Cham Yeam", "O'Smach", "Prek Chak", "Trapeang Kriel",
            "Oyadav", "Trapeang Phlong"} <= by_kind["border_crossing"]
    assert {"Preah Vihear Temple", "Ta Moan Thom", "Ta Moan Toch", "Ta Krabey", "Mom Bei",
            "Emerald Triangle"} <= by_kind["border_site"]
    assert {"Angkor Wat", "Koh Ker", "Sambor Prei Kuk"} <= by_kind["temple"]
    assert {"Sihanoukville SEZ", "Manhattan SEZ"} <= by_kind["sez"]
    assert {"Jinbei", "O'Smach Resort", "Bavet casino strip"} <= by_kind["compound"]
    # Every province has at least one place below it, so articles can land anywhere.
    codes = province_codes(lex.places)
    assert {codes[p.name] for p in lex.places if p.province} == set(ISO)


def _verdict(lex, text: str) -> tuple[bool, list[str]]:
    result = score_article("", text, lexicons=lex)
    return result.relevant, result.relevance_terms


def test_ambiguous_names_need_support(lex):
    # Thai names of disputed sites, common words and tri-border labels decide nothing.
    for text in (
        "Thai soldiers patrolled near Chong Bok on Monday.",
        "Tourists crowded the Emerald Triangle viewpoint.",
        "The Baray reservoir in the story is in another country.",
        "Pilgrims visited Ta Kwai last weekend.",
    ):
        assert _verdict(lex, text) == (False, []), text
    relevant, terms = _verdict(lex, "Shelling was reported near Ta Moan Thom at dawn.")
    assert relevant and terms == ["Ta Moan Thom"]
    relevant, terms = _verdict(lex, "Troops moved toward Chong Bok and the Emerald Triangle.")
    assert relevant and terms == ["Chong Bok", "Emerald Triangle"]


def test_longest_place_name_wins(lex):
    _relevant, terms = _verdict(lex, "Workers at the Manhattan SEZ near Bavet walked out.")
    assert terms == ["Manhattan SEZ", "Bavet"]
    _relevant, terms = _verdict(lex, "Police raided the Jinbei compound in Sihanoukville.")
    assert terms == ["Jinbei", "Sihanoukville"]


# --- loader checks --------------------------------------------------------------------


def test_small_gazetteer_with_all_25_codes_loads(tmp_path):
    lex = load_lexicons(write(tmp_path))
    assert sorted(p.iso for p in lex.places if p.iso) == sorted(ISO)


def test_province_without_iso_is_refused(tmp_path):
    msg = _error(tmp_path, PLACES.replace('iso = "KH-12"\n', ""))
    assert msg == (
        "places.toml: place 'Phnom Penh': field 'iso': missing: a province needs its "
        "ISO 3166-2:KH code (KH-1 to KH-25)"
    )


@pytest.mark.parametrize("bad", ["KH-26", "KH-0", "KH-012", "kh-12", "12", "KH12"])
def test_malformed_iso_is_refused(tmp_path, bad):
    msg = _error(tmp_path, PLACES.replace('iso = "KH-12"', f'iso = "{bad}"'))
    assert msg.startswith("places.toml: place 'Phnom Penh': field 'iso': ")
    assert "is not an ISO 3166-2:KH code" in msg


def test_duplicate_and_missing_codes_are_refused(tmp_path):
    msg = _error(tmp_path, PLACES.replace('iso = "KH-12"', 'iso = "KH-1"'))
    assert msg == (
        "places.toml: place 'Banteay Meanchey': field 'iso': 'KH-1' is already the code "
        "of 'Phnom Penh'"
    )
    dropped = PLACES.replace('\n[[place]]\nname = "Kep"\nkind = "province"\niso = "KH-23"\n', "")
    assert dropped != PLACES
    msg = _error(tmp_path, dropped)
    assert msg == (
        "places.toml: the 25 provinces and the capital are incomplete: no place has iso KH-23"
    )


def test_iso_on_a_town_is_refused(tmp_path):
    places = PLACES.replace('province = "Battambang"', 'province = "Battambang"\niso = "KH-2"')
    msg = _error(tmp_path, places)
    assert msg == (
        "places.toml: place 'Poipet': field 'iso': only a province or the capital has one, "
        "not a border_crossing"
    )


@pytest.mark.parametrize("kind", PLACES_IN_A_PROVINCE)
def test_places_on_the_map_need_a_province(tmp_path, kind):
    places = PLACES + f'\n[[place]]\nname = "Somewhere"\nkind = "{kind}"\n'
    msg = _error(tmp_path, places)
    assert msg == (
        f"places.toml: place 'Somewhere': field 'province': missing: a place of kind "
        f"{kind!r} needs its province"
    )


# --- geometry -------------------------------------------------------------------------


def test_geometry_has_the_gazetteers_25_provinces(lex):
    collection = json.loads((GEO / "cambodia-provinces.geojson").read_text(encoding="utf-8"))
    features = collection["features"]
    assert len(features) == 25
    shapes = {f["properties"]["iso"]: f["properties"]["name"] for f in features}
    assert {f["id"] for f in features} == set(shapes)
    gazetteer = {p.iso: p.name for p in lex.places if p.iso}
    assert shapes == gazetteer
    for f in features:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon"), f["id"]


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def test_outer_rings_are_clockwise_for_altair():
    collection = json.loads((GEO / "cambodia-provinces.geojson").read_text(encoding="utf-8"))
    for f in collection["features"]:
        geometry = f["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            assert _signed_area(polygon[0]) < 0, f"{f['id']}: outer ring is counter-clockwise"


def test_label_points_and_licence_travel_with_the_geometry(lex):
    with (GEO / "cambodia-province-centroids.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["iso"]: r["name"] for r in rows} == {p.iso: p.name for p in lex.places if p.iso}
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    licence = (GEO / "LICENSE").read_text(encoding="utf-8")
    assert "ODbL" in readme.split("\n\n")[1]  # said up front, not only at the end
    assert ATTRIBUTION in readme and ATTRIBUTION in licence


def _inside(point: tuple[float, float], geometry: dict) -> bool:
    """Even-odd ray casting over every ring of a (Multi)Polygon."""
    x, y = point
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    inside = False
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def test_every_map_point_lies_in_its_province(lex):
    # The hand-entered points checked against the shapes (simplified to about 550 m, so a
    # point on the border sits a few hundred metres inside it).
    shapes = {f["id"]: f["geometry"]
              for f in json.loads((GEO / "cambodia-provinces.geojson").read_text())["features"]}
    codes = province_codes(lex.places)
    placed = [p for p in lex.places if p.at is not None]
    assert len(placed) >= 20
    outside = [(p.name, p.at, codes[p.name]) for p in placed
               if not _inside(p.at, shapes[codes[p.name]])]
    assert not outside, outside


def test_a_point_outside_cambodia_is_refused(tmp_path):
    swapped = 'province = "Battambang"\nat = [13.6, 102.5]'  # latitude first: wrong
    places = PLACES.replace('province = "Battambang"', swapped)
    assert "field 'at': [13.6, 102.5] is not in Cambodia" in _error(tmp_path, places)
