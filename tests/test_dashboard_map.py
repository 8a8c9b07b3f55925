"""The province map's chart (dashboard.map_chart): pure, checked through its spec."""

from __future__ import annotations

import pandas as pd

from dashboard import geo
from dashboard.map_chart import SELECTION, province_map, province_map_spec
from feeds.lexicon import iso_order

STATS = pd.DataFrame(
    [["KH-12", 10, 42.5, "arrests_legal", "Hun Manet"], ["KH-22", 3, 71.0, None, None]],
    columns=["iso", "articles", "mean_risk", "top_category", "top_actor"],
)


def _spec(**options) -> dict:
    labels = (("arrests_legal", "Arrests"),)
    province_map(STATS, labels=labels, **options).to_dict()  # valid Vega-Lite
    return province_map_spec(STATS, labels=labels, **options)


def _features(spec: dict) -> dict[str, dict]:
    datas = [spec.get("data")] + [layer.get("data") for layer in spec["layer"]]
    (values,) = [d["values"] for d in datas if d and "values" in d]
    return {f["id"]: f["properties"] for f in values}


def test_all_25_provinces_are_drawn_with_their_figures():
    spec = _spec()
    props = _features(spec)
    assert sorted(props, key=iso_order) == list(geo.province_names())
    assert props["KH-12"] == {"name": "Phnom Penh", "articles": 10, "mean_risk": 42.5,
                              "risk_shown": "42.5", "top_category": "Arrests",
                              "top_actor": "Hun Manet"}
    # no article: grey, but a number in the colour field so Vega-Lite keeps the shape
    assert props["KH-1"]["articles"] == 0 and props["KH-1"]["mean_risk"] == 0.0
    assert props["KH-1"]["risk_shown"] == "—" and props["KH-22"]["top_actor"] == "—"


def test_a_click_selects_a_province_by_its_code():
    spec = _spec(selected=("KH-22",))
    shapes = spec["layer"][0]
    (param,) = spec["params"]  # Altair lifts a layer's selection to the top level
    assert param["views"] == [shapes["name"]]
    assert param["name"] == SELECTION and param["select"]["fields"] == ["id"]
    assert "datum.id === 'KH-22'" in shapes["encoding"]["strokeWidth"]["condition"]["test"]
    assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}}


def test_places_become_sized_points_above_the_shapes():
    places = pd.DataFrame([["Poipet", "border_crossing", "KH-1", 4, 55.0, 102.56, 13.66]],
                          columns=["place", "kind", "iso", "articles", "mean_risk", "lon", "lat"])
    spec = _spec(places=places, measure="articles")
    assert len(spec["layer"]) == 2
    points = spec["layer"][1]
    assert points["mark"]["type"] == "circle"
    assert points["encoding"]["size"]["field"] == "articles"
    assert _spec()["layer"][0]["encoding"]["color"]["condition"]["field"] == "properties.mean_risk"
    assert len(_spec()["layer"]) == 1
