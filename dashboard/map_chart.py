"""The province map: an Altair ``geoshape`` choropleth of where the news is about.

Pure, like ``dashboard.charts``: a DataFrame of per-province figures in, a chart out.
The shapes come from ``dashboard.geo`` (ODbL; the page shows the attribution line under
the map). Every one of the 25 provinces is drawn, those without articles in grey, so a
click can select any of them; the click is a point selection named ``province`` on the
features' ``id`` (the ISO code), which the page turns into the ``province=`` filter.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import geo

SELECTION = "province"
DATA_NAME = "provinces"
MEASURES = {"mean_risk": "Mean risk (0–100)", "articles": "Articles"}
NO_ARTICLES = "#e6e6e6"
HEIGHT = 430


def _features(stats: pd.DataFrame, labels: dict[str, str]) -> list[dict]:
    by_iso = stats.set_index("iso").to_dict("index") if not stats.empty else {}
    out = []
    for feature in geo.shapes()["features"]:
        iso = feature["id"]
        row = by_iso.get(iso, {})
        category, actor = row.get("top_category"), row.get("top_actor")
        risk = row.get("mean_risk")
        out.append({
            "type": "Feature",
            "id": iso,
            "geometry": feature["geometry"],
            "properties": {
                "name": feature["properties"]["name"],
                "articles": int(row.get("articles") or 0),
                # never null: Vega-Lite drops a shape whose colour field is null; the
                # grey of a province without articles comes from ``articles`` instead
                "mean_risk": 0.0 if risk is None or risk != risk else float(risk),
                "risk_shown": "—" if risk is None or risk != risk else f"{risk:.1f}",
                "top_category": labels.get(category, category)
                if isinstance(category, str) else "—",
                "top_actor": actor if isinstance(actor, str) else "—",
            },
        })
    return out


def province_map(stats: pd.DataFrame, *, measure: str = "mean_risk",
                 labels: tuple[tuple[str, str], ...] = (),
                 selected: tuple[str, ...] = (), places: pd.DataFrame | None = None):
    """The choropleth, coloured by ``measure``; ``selected`` provinces get a bold outline.

    ``places`` (place, iso, articles, lon, lat) adds sized points above the shapes.
    """
    data = alt.Data(name=DATA_NAME)  # the features go in by name: see province_map_spec
    field = f"properties.{measure}"
    scale = (alt.Scale(scheme="orangered", domain=[0, 100]) if measure == "mean_risk"
             else alt.Scale(scheme="blues", zero=True))
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    is_selected = " || ".join(f"datum.id === '{iso}'" for iso in selected) or "false"
    shapes = (
        alt.Chart(data)
        .mark_geoshape(stroke="white")
        .encode(
            color=alt.condition(
                "datum.properties.articles > 0",
                alt.Color(f"{field}:Q", scale=scale, title=MEASURES[measure],
                          legend=alt.Legend(orient="bottom-left")),
                alt.value(NO_ARTICLES),
            ),
            strokeWidth=alt.condition(is_selected, alt.value(3), alt.value(0.7)),
            stroke=alt.condition(is_selected, alt.value("#222"), alt.value("white")),
            tooltip=[
                alt.Tooltip("properties.name:N", title="Province"),
                alt.Tooltip("properties.articles:Q", title="Articles"),
                alt.Tooltip("properties.risk_shown:N", title="Mean risk"),
                alt.Tooltip("properties.top_category:N", title="Top category"),
                alt.Tooltip("properties.top_actor:N", title="Top actor"),
            ],
        )
        .add_params(pick)
    )
    layers = [shapes]
    if places is not None and not places.empty:
        layers.append(
            alt.Chart(places)
            .mark_circle(color="#1f1f1f", opacity=0.75, stroke="white", strokeWidth=0.8)
            .encode(
                longitude="lon:Q",
                latitude="lat:Q",
                size=alt.Size("articles:Q", title="Articles about a place",
                              scale=alt.Scale(range=[30, 500], zero=False),
                              legend=alt.Legend(orient="bottom-right")),
                tooltip=[alt.Tooltip("place:N", title="Place"),
                         alt.Tooltip("kind:N", title="Kind"),
                         alt.Tooltip("articles:Q", title="Articles"),
                         alt.Tooltip("mean_risk:Q", title="Mean risk", format=".1f")],
            )
        )
    chart = (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(height=HEIGHT, usermeta={"embedOptions": {"renderer": "svg"}})
        .configure_view(stroke=None)
    )
    return chart


def province_map_spec(stats: pd.DataFrame, **options) -> dict:
    """The Vega-Lite spec of :func:`province_map`, with the 25 features put in by name.

    Handing Altair the 110 KB of geometry as inline values made it copy, serialise and
    hash them on every build (a quarter of a second); the chart names its data instead
    and the features are put in place of the name in the finished spec, inline (not in
    ``datasets``, which Streamlit would turn into a flat table).
    """
    spec = province_map(stats, **options).to_dict(validate=False)
    inline = {"values": _features(stats, dict(options.get("labels", ())))}
    for view in (spec, *spec.get("layer", ())):
        if view.get("data") == {"name": DATA_NAME}:
            view["data"] = inline
    return spec
