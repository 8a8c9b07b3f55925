"""Places: where the news is about. The provinces and the specific places (towns, border
crossings, temples, compounds) ranked by matching articles, one of them over time (URL
``focus=KH-12`` for a province, ``focus=<place name>`` for a place) and its newest
articles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, geo, present, sidebar
from dashboard.evidence import escape_markdown
from dashboard.filters import to_params

TABLE_ROWS = 14

ctx = sidebar.context()
f, url, version = ctx.filters, ctx.url, ctx.version
names = geo.province_names()

st.title("Places")
st.caption(ctx.caption())
st.caption(
    "Counts are of articles that report from a place (a dateline) or about it, not of "
    "events there: a place named only in a publisher's address or in a passing list "
    "does not count."
)

found = data.places_data(url, version, f)
provinces, places = found["provinces"], found["places"]
if provinces.empty:
    st.info("No article matching these filters reports from or about a province.",
            icon=":material/location_off:")
    st.stop()

provinces = provinces.assign(
    province=[names.get(c, c) for c in provinces["iso"]],
    top_category=[ctx.label(c) if isinstance(c, str) else None
                  for c in provinces["top_category"]],
)
places = places.assign(province=[names.get(c, c) for c in places["iso"]])
left, right = st.columns(2)
with left:
    st.markdown(f"**Provinces** ({len(provinces)} of 25 with articles)")
    st.dataframe(
        provinces, hide_index=True, width="stretch", placeholder=present.PLACEHOLDER,
        height=present.table_height(len(provinces), TABLE_ROWS),
        column_order=["province", "articles", "mean_risk", "top_category", "top_actor"],
        column_config={
            "province": st.column_config.TextColumn("Province"),
            "articles": st.column_config.NumberColumn("Articles"),
            "mean_risk": st.column_config.NumberColumn("Mean risk", format="%.1f"),
            "top_category": st.column_config.TextColumn("Top category"),
            "top_actor": st.column_config.TextColumn("Top actor"),
        },
    )
with right:
    st.markdown(f"**Places** ({len(places)} towns, crossings, sites…)")
    st.dataframe(
        places, hide_index=True, width="stretch", placeholder=present.PLACEHOLDER,
        height=present.table_height(len(places), TABLE_ROWS),
        column_order=["place", "kind", "province", "articles", "mean_risk"],
        column_config={
            "place": st.column_config.TextColumn("Place"),
            "kind": st.column_config.TextColumn("Kind"),
            "province": st.column_config.TextColumn("Province"),
            "articles": st.column_config.NumberColumn("Articles"),
            "mean_risk": st.column_config.NumberColumn("Mean risk", format="%.1f"),
        },
    )

# --- one province or place over time (URL: focus) -------------------------------------------
choices = list(provinces["iso"]) + list(places["place"])
focus = st.query_params.get("focus") or choices[0]
if focus not in choices:
    st.caption(f"Ignored focus={escape_markdown(focus[:40])}: no articles about it here.")
    sidebar.set_page_param("focus", None)
    focus = choices[0]
st.session_state["pl_focus"] = focus  # the URL decides; the control only writes it


def _on_focus() -> None:
    sidebar.set_page_param("focus", st.session_state.get("pl_focus"))


st.subheader("Over time")
st.selectbox(
    "Province or place", choices, key="pl_focus", on_change=_on_focus,
    format_func=lambda k: names.get(k, k),
)
kind = "province" if focus in names else "place"
detail = data.place_focus(url, version, f, kind, focus)
present.chart(charts.place_timeline_chart, detail["daily"], x_domain=(f.start, f.end))
st.caption("Articles per day about it, coloured by their mean risk.")

if kind == "province":
    st.page_link(
        "app_pages/articles.py",
        label=escape_markdown(f"All matching articles about {names[focus]}"),
        icon=":material/article:",
        query_params=to_params(f.with_(provinces=(focus,))),
    )
st.markdown("**Newest articles about it**")
for row in detail["articles"].itertuples():
    when = pd.Timestamp(row.published).strftime("%Y-%m-%d")
    st.page_link(
        "app_pages/articles.py",
        label=escape_markdown(f"{when} · {row.source} · {row.title or '(untitled)'}"),
        icon=":material/open_in_new:",
        query_params={**to_params(f), "article": str(row.id)},
    )
