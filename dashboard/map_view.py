"""The province map block the Overview draws (Streamlit glue around dashboard.map_chart).

It draws the measure toggle, the choropleth, the
statement that the map shows mentions, and the attribution line the shapes' licence
asks for. A click on a province writes ``province=KH-n`` to the URL, which filters
every page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, geo, map_chart, present, sidebar
from dashboard.filters import to_params

MAP_KEY = "ov_map"
MEASURE_KEY = "map_measure"


def _on_click() -> None:
    state = st.session_state.get(MAP_KEY) or {}
    picked = (state.get("selection") or {}).get(map_chart.SELECTION) or []
    codes = tuple(p["id"] for p in picked if isinstance(p, dict) and p.get("id"))
    f = sidebar.context().filters
    if codes and set(codes) <= set(geo.province_names()):
        sidebar.set_params(to_params(f.with_(provinces=codes[:1])))


def place_points(places: pd.DataFrame) -> pd.DataFrame:
    """The window's specific places that the gazetteer puts on the map (its ``at``), with
    lon and lat; places without a point are left to the Places page."""
    lex = data.lexicons()
    coords = {p.name: p.at for p in lex.places if p.at} if lex is not None else {}
    shown = places[places["place"].isin(list(coords))].copy()
    shown["lon"] = [coords[name][0] for name in shown["place"]]
    shown["lat"] = [coords[name][1] for name in shown["place"]]
    return shown.reset_index(drop=True)


def draw(ctx: sidebar.Context, stats, labels: dict[str, str],
         places: pd.DataFrame | None = None) -> None:
    """The map of the window's provinces (``stats`` from ``queries.province_stats``) and
    of its specific places (``queries.place_stats``) that have a point."""
    measure = st.segmented_control(
        "Colour provinces by", list(map_chart.MEASURES), key=MEASURE_KEY,
        default="mean_risk", format_func=lambda m: map_chart.MEASURES[m],
    ) or "mean_risk"
    spec = present.chart_spec(
        map_chart.province_map_spec, stats, measure=measure,
        labels=tuple(sorted(labels.items())), selected=ctx.filters.provinces,
        places=place_points(places) if places is not None and not places.empty else None,
    )
    st.vega_lite_chart(spec=spec, key=MAP_KEY, on_select=_on_click, width="stretch")
    st.caption(
        "Where the news is about: each province is coloured by the articles that report "
        "from it (a dateline) or about a place in it. These are mentions, not territory "
        "or the place of events; grey provinces have no such article in the window. "
        "Dots: towns, border crossings and sites the window's articles are about, sized by "
        "their articles. Click a province to filter every page to it."
    )
    st.caption(geo.ATTRIBUTION)
