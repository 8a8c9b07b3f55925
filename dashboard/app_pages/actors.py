"""Actors: ranking, one actor's timeline (URL ``focus``), co-mentions, and candidate
names that are not in the actor list yet."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, present, series, sidebar
from dashboard.evidence import escape_markdown
from dashboard.filters import to_params

ctx = sidebar.context()
f, url, version = ctx.filters, ctx.url, ctx.version

st.title("Actors")
st.caption(ctx.caption())

found = data.actors_data(url, version, f)
ranking = found["ranking"]
if ranking.empty:
    st.info(
        "No listed actor is mentioned by the articles matching these filters.",
        icon=":material/person_off:",
    )
    st.stop()

# --- ranking ----------------------------------------------------------------------------
CHART_ACTORS = 20  # bars in the ranking chart
TABLE_ROWS = 18  # rows the ranking table shows before it scrolls (about the chart's height)

left, right = st.columns([1, 1])
with left:
    st.markdown("**Actors by articles** (colour: mean sentence sentiment)")
    present.chart(charts.top_actors_chart, ranking.head(CHART_ACTORS))
with right:
    st.markdown(f"**Ranking** ({len(ranking):,} actors)")
    # Pixel widths that add up to the half-page column, so every column is in view;
    # the height fits the rows exactly (no empty rows below a short table).
    st.dataframe(
        ranking,
        hide_index=True,
        placeholder=present.PLACEHOLDER,
        width="stretch",
        height=present.table_height(len(ranking), TABLE_ROWS),
        column_order=["actor", "articles", "sentiment", "negative_articles", "mentions"],
        column_config={
            "actor": st.column_config.TextColumn("Actor", width=150),
            "articles": st.column_config.NumberColumn(
                "Articles", width=66, help="Matching articles that mention the actor."
            ),
            "sentiment": st.column_config.NumberColumn(
                "Sentiment",
                width=80,
                format="%.2f",
                help="Mean compound sentiment of the sentences that mention the actor.",
            ),
            "negative_articles": st.column_config.NumberColumn(
                "Negative",
                width=76,
                help="Articles where the sentences mentioning the actor are negative.",
            ),
            "mentions": st.column_config.NumberColumn(
                "Mentions", width=76, help="Mentions in the matching articles."
            ),
        },
    )

# --- one actor over time (URL: focus=<actor>) ---------------------------------------------
options = list(ranking["actor"])
focus = st.query_params.get("focus")
if focus and focus not in options:
    if focus in ctx.known.actors:
        options.append(focus)
    else:
        st.caption(f"Ignored focus={escape_markdown(focus[:60])}: not a known actor.")
        sidebar.set_page_param("focus", None)
        focus = None
st.session_state["actor_focus"] = focus or options[0]


def _on_focus() -> None:
    sidebar.set_page_param("focus", st.session_state.get("actor_focus"))


st.subheader("Timeline")
chosen = st.selectbox("Actor", options, key="actor_focus", on_change=_on_focus)
timeline = data.actor_timeline(url, version, f, chosen)
if timeline.empty:
    st.caption("No matching articles mention this actor in the window.")
else:
    weekly = f.days > 120
    period = "week" if weekly else "day"
    st.markdown(
        f"**{escape_markdown(chosen)}**: articles per {period}, coloured by the "
        "mean sentiment of the sentences that mention them"
    )
    if weekly:
        present.chart(
            charts.actor_timeline_chart,
            series.timeline_weekly(timeline),
            granularity="weekly",
            x_domain=(series.week_start(f.start), series.week_start(f.end)),
        )
    else:
        present.chart(charts.actor_timeline_chart, timeline, x_domain=(f.start, f.end))
st.page_link(
    "app_pages/articles.py",
    label=escape_markdown(f"Articles mentioning {chosen}"),
    icon=":material/article:",
    query_params=to_params(f.with_(actors=(chosen,))),
)

# --- co-mentions ----------------------------------------------------------------------------
st.subheader("Co-mentions")
top_n = st.slider("Actors in the matrix", 3, 25, min(12, len(ranking)), key="actor_top_n")
top = tuple(ranking.head(top_n)["actor"])
pairs = data.comentions(url, version, f, top)
if pairs.empty:
    st.caption("These actors are never mentioned in the same article in this window.")
else:
    present.chart(charts.comention_heatmap, pairs, order=list(top))
    st.caption(
        "Each cell: matching articles that mention both actors. The grey diagonal pairs "
        "an actor with itself (its own article count is in the ranking above)."
    )

# --- candidates -------------------------------------------------------------------------
st.subheader("Candidate actors")
st.caption(
    "Capitalised names the scorer found that are not in the actor list. Add the "
    "ones that matter to the actor file and run `cambodia-risk rescore`."
)
cands = found["candidates"]
if cands.empty:
    st.caption("No unlisted names in this window.")
else:
    st.dataframe(
        cands,
        hide_index=True,
        placeholder=present.PLACEHOLDER,
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Name"),
            "mentions": st.column_config.NumberColumn("Mentions"),
            "articles": st.column_config.NumberColumn("Articles"),
            "example": st.column_config.TextColumn("Example sentence", width="large"),
        },
    )
