"""Overview: KPIs against the previous window, the province map, risk index,
categories, sentiment, alerts and top actors."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, geo, map_view, present, queries, series, sidebar
from dashboard.evidence import escape_markdown
from dashboard.filters import to_params

AUTO_WEEKLY_AFTER_DAYS = 120

ctx = sidebar.context()
f, url, version = ctx.filters, ctx.url, ctx.version

st.title("Overview")
prev_start, prev_end = f.previous_window()
st.caption(f"{ctx.caption()} · compared with {prev_start:%Y-%m-%d} to {prev_end:%Y-%m-%d}")

found = data.overview_data(url, version, f, tuple(sorted(ctx.known.categories)))
daily = found["daily"]
k = series.kpis(daily, f)
cur, prev = k["current"], k["previous"]
risk = series.risk_series(daily, f.start, f.end)
compare = f"vs previous {f.days} days"

c1, c2, c3, c4 = st.columns(4)
c1.metric(
    "Articles",
    f"{cur['articles']:,}",
    delta=series.delta(cur["articles"], prev["articles"]),
    delta_color="off",
    delta_description=compare,
    chart_data=list(risk["articles"]),
    border=True,
    help="Relevant articles matching the filters.",
)
d_risk = series.delta(cur["mean_risk"], prev["mean_risk"])
c2.metric(
    "Mean risk",
    present.fmt_num(cur["mean_risk"]),
    delta=None if d_risk is None else round(d_risk, 1),
    delta_color="inverse",
    delta_description=compare,
    border=True,
    chart_data=list(risk["smoothed"].fillna(0)),
    help="Mean risk score (0–100) of the matching articles.",
)
d_neg = series.delta(cur["share_negative"], prev["share_negative"])
c3.metric(
    "Share negative",
    present.fmt_pct(cur["share_negative"]),
    delta=None if d_neg is None else f"{d_neg * 100:+.1f} pp",
    delta_color="inverse",
    delta_description=compare,
    border=True,
    chart_data=list(series.sentiment_series(daily, f.start, f.end)["share_negative"].fillna(0)),
    help=f"Share of sentiment-scored articles with sentiment ≤ {queries.NEGATIVE} "
    "(sparkline: 7-day rolling).",
)
c4.metric(
    "High-risk articles",
    f"{cur['high_risk']:,}",
    delta=series.delta(cur["high_risk"], prev["high_risk"]),
    delta_color="inverse",
    delta_description=compare,
    chart_data=list(risk["high"]),
    border=True,
    help=f"Articles with risk score ≥ {queries.HIGH_RISK:.0f}.",
)

note = present.coverage_note(found["coverage"])
if note:
    st.caption(escape_markdown(note))

if cur["articles"] == 0:
    st.info(
        "No articles match these filters in this window. Widen the date range or "
        "remove a filter in the sidebar.",
        icon=":material/search_off:",
    )
    st.stop()

# --- the map: where the news is about (the province filter itself is left out, so the
# chosen province shows among the others) -------------------------------------------------
st.subheader("Where the news is about")
map_found = data.places_data(url, version, f.with_(provinces=()))
map_view.draw(ctx, map_found["provinces"], ctx.labels, map_found["places"])

# --- resolution (URL: res=daily|weekly; default: daily up to 120 days, then weekly) --------
auto_res = "daily" if f.days <= AUTO_WEEKLY_AFTER_DAYS else "weekly"
res = st.query_params.get("res") or auto_res
if res not in ("daily", "weekly"):
    st.caption(f"Ignored res={escape_markdown(res[:20])}: use daily or weekly.")
    sidebar.set_page_param("res", None)
    res = auto_res
st.session_state["ov_res"] = res  # the URL decides; the control only writes it


def _on_res() -> None:
    chosen = st.session_state.get("ov_res") or auto_res
    sidebar.set_page_param("res", None if chosen == auto_res else chosen)


st.segmented_control(
    "Resolution", ["daily", "weekly"], key="ov_res", on_change=_on_res, format_func=str.title
)

x_domain = (
    (f.start, f.end) if res == "daily" else (series.week_start(f.start), series.week_start(f.end))
)
if res == "weekly":
    risk_df = series.weekly(daily, f.start, f.end)
    sent_df = risk_df
else:
    risk_df = risk
    sent_df = series.sentiment_series(daily, f.start, f.end)

left, right = st.columns(2)
with left:
    st.markdown("**Risk index**")
    present.chart(
        charts.risk_index_chart,
        risk_df,
        high_risk=queries.HIGH_RISK,
        granularity=res,
        x_domain=x_domain,
        smooth_days=series.SMOOTH_DAYS,
    )
    st.caption(
        "Thin line: mean risk per day. Bold: 7-day rolling mean weighted by "
        "article counts. Dashed: high-risk threshold."
        if res == "daily"
        else "Mean risk per week (weeks start on Monday; the first may be partial)."
    )
with right:
    st.markdown("**Sentiment**")
    present.chart(charts.sentiment_chart, sent_df, granularity=res, x_domain=x_domain)
    st.caption(
        ("7-day rolling " if res == "daily" else "Weekly ")
        + "mean article sentiment (−1 to 1) and share of scored articles that are "
        "negative. Articles in languages the scorer cannot rate are left out."
    )

cat_daily = found["categories"]
cat_df = series.category_weekly(cat_daily) if res == "weekly" else cat_daily
st.markdown("**Volume by risk category**")
if not cat_df.empty:
    cat_df = cat_df.assign(label=[ctx.label(c) for c in cat_df["category"]])
    present.chart(charts.category_volume_chart, cat_df, granularity=res, x_domain=x_domain)
else:
    st.caption("No risk-category matches in this window.")

# --- alerts -------------------------------------------------------------------------------
a_start, a_end = series.alert_window(f)
st.subheader("Alerts")
st.caption(
    f"Categories, actors and provinces with at least {series.ALERT_MIN_COUNT} articles in "
    f"{a_start:%d %b} – {a_end:%d %b} and at least {series.ALERT_MIN_RATIO:g}× their "
    f"weekly mean over the {series.ALERT_BASELINE_WEEKS} weeks before."
)
alert_df = found["alerts"]
if alert_df.empty:
    st.success("No unusual jumps in the last 7 days of the window.", icon=":material/check_circle:")
else:
    for row in alert_df.head(12).itertuples():
        name = {"category": ctx.label, "province": lambda k: geo.province_names().get(k, k)}.get(
            row.kind, str
        )(row.key)
        ratio = "new" if row.ratio == float("inf") else f"×{row.ratio:.1f}"
        text = (
            f"{row.kind.title()} {name}: {row.recent} articles in the last 7 days vs "
            f"{row.baseline:.2f}/week before ({ratio})"
        )
        dimension = {"category": "categories", "actor": "actors", "province": "provinces"}
        link_filters = f.with_(start=a_start, end=a_end, **{dimension[row.kind]: (row.key,)})
        st.page_link(
            "app_pages/articles.py",
            label=escape_markdown(text),
            icon=":material/warning:",
            query_params=to_params(link_filters),
        )

st.page_link(
    "app_pages/alerts.py",
    label="Alerts sent to the team, their evidence and delivery",
    icon=":material/notifications:",
    query_params=to_params(f),
)

# --- top actors -------------------------------------------------------------------------
st.subheader("Top actors")
actors_df = found["actors"]
if actors_df.empty:
    st.caption("No listed actor is mentioned in this window.")
else:
    present.chart(charts.top_actors_chart, actors_df)
    st.page_link(
        "app_pages/actors.py",
        label="All actors, timelines and co-mentions",
        icon=":material/groups:",
        query_params=to_params(f),
    )
