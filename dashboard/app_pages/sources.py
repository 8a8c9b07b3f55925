"""Sources: feed health, recent runs, risk and sentiment by source, and coverage (how
far back each source goes, its backfill, and its weekly volume with the gaps)."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, present, series, sidebar

ctx = sidebar.context()
f, url, version = ctx.filters, ctx.url, ctx.version

st.title("Sources")
st.caption(ctx.caption())

# Plain words, coloured by a Styler: emoji would need an emoji font (Debian's Chromium
# has none and draws empty boxes), and grid cells cannot show Streamlit's icons.
STATUS_LABELS = {
    "ok": "OK",
    "unchanged": "OK (unchanged)",
    "new": "Not fetched yet",
    "waiting": "Backing off",
    "failed": "Failed",
}
STATUS_COLOURS = {
    "OK": "#15803d",
    "OK (unchanged)": "#15803d",
    "Not fetched yet": "#6b7280",
    "Backing off": "#b45309",
    "Failed": "#b91c1c",
}


def _status_colour(value) -> str:
    colour = STATUS_COLOURS.get(value)
    return f"color: {colour}; font-weight: 600" if colour else ""


# --- feed health ---------------------------------------------------------------------------
st.subheader("Feed health")
found = data.sources_data(url, version, f, 30)
health = found["health"]
if health.empty:
    st.caption("No feeds are configured in this database.")
else:
    failing = int((health["consecutive_failures"] > 0).sum())
    c1, c2, c3 = st.columns(3)
    c1.metric("Feeds", len(health))
    c2.metric("Failing", failing, border=False)
    c3.metric("Articles in window", f"{int(health['articles'].sum()):,}")
    view = health.assign(status=[STATUS_LABELS.get(s, s) for s in health["status"]])
    st.dataframe(
        view.style.map(_status_colour, subset=["status"]),
        hide_index=True,
        placeholder=present.PLACEHOLDER,
        width="stretch",
        column_order=[
            "name",
            "status",
            "last_success_at",
            "consecutive_failures",
            "last_error",
            "latency_ms",
            "item_count",
            "articles",
            "next_attempt_at",
            "last_attempt_at",
            "url",
        ],
        column_config={
            "name": st.column_config.TextColumn("Feed"),
            "status": st.column_config.TextColumn("Status"),
            "last_success_at": st.column_config.DatetimeColumn(
                "Last success (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "consecutive_failures": st.column_config.NumberColumn("Failures in a row", format="%d"),
            "last_error": st.column_config.TextColumn("Last error", width="medium"),
            "latency_ms": st.column_config.NumberColumn("Latency", format="%d ms"),
            "item_count": st.column_config.NumberColumn(
                "Items", format="%d", help="Entries in the last successful fetch"
            ),
            "articles": st.column_config.NumberColumn(
                "Articles",
                format="%d",
                help="Matching relevant articles in the window first carried by this feed",
            ),
            "next_attempt_at": st.column_config.DatetimeColumn(
                "Next attempt (UTC)",
                format="YYYY-MM-DD HH:mm",
                help="Set while a failing feed backs off",
            ),
            "last_attempt_at": st.column_config.DatetimeColumn(
                "Last attempt (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "url": st.column_config.TextColumn("Feed URL"),
        },
    )

# --- refresh runs ------------------------------------------------------------------------
st.subheader("Recent runs")
runs = found["runs"]
if runs.empty:
    st.caption("No refresh, demo load or rescore has run yet.")
else:
    interrupted = int((runs["state"] == "interrupted").sum())
    if interrupted:
        st.caption(
            f"{interrupted} run(s) never finished and were followed by newer runs: "
            "they were interrupted (killed or crashed)."
        )
    stopped = int(runs["state"].str.startswith(series.STOPPED).sum())
    if stopped:
        st.caption(
            f"{stopped} run(s) stopped before the end, as their State says: a run that "
            "lost the refresh lock (another run may have taken over) or met a database "
            "error wrote nothing more after that point."
        )
    st.dataframe(
        series.runs_for_display(runs),
        hide_index=True,
        placeholder=present.PLACEHOLDER,
        width="stretch",
        column_config={
            "id": st.column_config.NumberColumn("Run"),
            "kind": st.column_config.TextColumn(
                "Kind",
                help="Refresh: feeds fetched. Backfill: past articles fetched from the "
                "sites. Demo load: the bundled demo corpus. "
                "Rescore: stored articles scored again (nothing fetched).",
            ),
            "state": st.column_config.TextColumn(
                "State",
                help="Finished; running; interrupted (killed or crashed); or stopped "
                "early, with the reason: lost the refresh lock, database error.",
            ),
            "started_at": st.column_config.DatetimeColumn(
                "Started (UTC)", format="YYYY-MM-DD HH:mm:ss"
            ),
            "finished_at": st.column_config.DatetimeColumn(
                "Finished (UTC)", format="YYYY-MM-DD HH:mm:ss"
            ),
            "duration_s": st.column_config.NumberColumn("Seconds", format="%.0f"),
            "feeds_ok": st.column_config.NumberColumn("OK"),
            "feeds_failed": st.column_config.NumberColumn("Failed"),
            "feeds_unchanged": st.column_config.NumberColumn("Unchanged"),
            "feeds_skipped": st.column_config.NumberColumn("Skipped"),
            "new_articles": st.column_config.NumberColumn("New articles"),
        },
    )

# --- by source -------------------------------------------------------------------------------
st.subheader("Risk and sentiment by source")
stats = found["stats"]
if stats.empty:
    st.caption("No matching articles in this window.")
else:
    present.chart(charts.source_comparison_chart, stats)
    st.dataframe(
        stats,
        hide_index=True,
        placeholder=present.PLACEHOLDER,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("Source"),
            "articles": st.column_config.NumberColumn("Articles"),
            "mean_risk": st.column_config.NumberColumn("Mean risk", format="%.1f"),
            "share_high": st.column_config.NumberColumn("High-risk share", format="percent"),
            "mean_sentiment": st.column_config.NumberColumn("Mean sentiment", format="%.2f"),
            "share_negative": st.column_config.NumberColumn("Negative share", format="percent"),
        },
    )
    st.caption("A source's articles are those it carried first; syndicated copies count once.")

# --- coverage ------------------------------------------------------------------------------
st.subheader("Coverage")
coverage = found["coverage"]
if not coverage.empty:
    present.chart(
        charts.coverage_chart,
        series.weekly_volume(found["volume"], sorted(coverage["source"]), f.start, f.end),
        x_domain=(series.week_start(f.start).isoformat(), series.week_start(f.end).isoformat()),
    )
    st.caption(
        "Articles stored per source and week, relevant or not. A pale cell is a week "
        "with none: a feed that stopped, or history not yet filled in "
        "(`cambodia-risk backfill`). Quiet news would not empty a whole week."
    )
    st.dataframe(
        coverage,
        hide_index=True,
        placeholder=present.PLACEHOLDER,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("Source"),
            "earliest": st.column_config.DatetimeColumn("Earliest article", format="YYYY-MM-DD"),
            "latest": st.column_config.DatetimeColumn("Latest article", format="YYYY-MM-DD"),
            "articles": st.column_config.NumberColumn("Articles", format="%d",
                                                      help="All stored, relevant or not"),
            "backfill": st.column_config.TextColumn(
                "Backfill",
                help="Done; in progress (rerun to go on); refused by the site (REST "
                "closed, robots.txt); not supported (no history the tool can read); "
                "failed (see the note); not run",
            ),
            "method": st.column_config.TextColumn("Method"),
            "backfilled": st.column_config.NumberColumn(
                "From backfill", format="%d", help="Articles the backfill brought in"
            ),
            "reached": st.column_config.DatetimeColumn(
                "Reached back to", format="YYYY-MM-DD"
            ),
            "detail": st.column_config.TextColumn("Note", width="medium"),
        },
    )
