"""Alerts: what fired in the window, why, and whether it reached the team; the rules.

URL parameters beside the shared filters (whose dates pick when alerts fired):
``rule`` (repeatable), ``kind``, ``state`` (sent, pending, expired) and ``alert=<id>``
for one alert's evidence: its figures against the baseline, its articles, and each
delivery with its attempts and last error. Errors were masked before they were stored,
so no destination URL or secret can reach this page. Feed text is shown escaped.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import data, present, sidebar
from dashboard.evidence import escape_markdown, safe_url

MAX_ID = 2**31 - 1
STATES = ("sent", "pending", "expired")

ctx = sidebar.context()
f, url, version = ctx.filters, ctx.url, ctx.version

st.title("Alerts")
st.caption(f"Alerts fired {escape_markdown(f'{f.start:%Y-%m-%d} to {f.end:%Y-%m-%d}')} · "
           "rules are evaluated after every refresh and by `cambodia-risk alerts run`")


def _many(key: str, known: list[str]) -> tuple[str, ...]:
    values = [v for v in st.query_params.get_all(key) if v]
    unknown = [v for v in values if v not in known]
    if unknown:
        st.caption(f"Ignored unknown {key}: {escape_markdown(', '.join(unknown)[:80])}.")
    return tuple(v for v in values if v in known)


def _set_list(key: str) -> None:
    values = st.session_state.get(f"alerts_{key}") or []
    if isinstance(values, str):
        values = [values]
    st.query_params[key] = list(values)
    if not values:
        del st.query_params[key]


choices = data.alerts_data(url, version, f, (), (), None)["choices"]
rules_sel = _many("rule", choices["rules"])
kinds_sel = _many("kind", choices["kinds"])
state = st.query_params.get("state")
if state and state not in STATES:
    st.caption(f"Ignored state={escape_markdown(state[:30])}: use sent, pending or expired.")
    state = None

c1, c2, c3 = st.columns([3, 2, 2])
st.session_state["alerts_rule"] = list(rules_sel)
st.session_state["alerts_kind"] = list(kinds_sel)
st.session_state["alerts_state"] = state or ""
c1.multiselect("Rule", choices["rules"], key="alerts_rule", on_change=_set_list,
               args=("rule",), placeholder="Any rule")
c2.multiselect("Kind", choices["kinds"], key="alerts_kind", on_change=_set_list,
               args=("kind",), placeholder="Any kind")
c3.selectbox("Delivery", ["", *STATES], key="alerts_state",
             format_func=lambda s: s.title() if s else "Any state",
             on_change=lambda: sidebar.set_page_param("state", st.session_state["alerts_state"]))

table = data.alerts_data(url, version, f, rules_sel, kinds_sel, state)["table"]
ids = [int(i) for i in table["id"]]
st.session_state["_alerts_ids"] = ids
alert_id = sidebar.id_param("alert", "alert", MAX_ID)

table_key = "alerts_" + hashlib.sha1(
    repr((sidebar.current_filter_key(f), rules_sel, kinds_sel, state)).encode()).hexdigest()[:12]


def _on_select() -> None:
    rows = list(getattr(getattr(st.session_state.get(table_key), "selection", None),
                        "rows", None) or [])
    known = st.session_state.get("_alerts_ids") or []
    sidebar.set_page_param("alert", str(known[rows[0]]) if rows and rows[0] < len(known)
                           else None)


if table.empty:
    st.info("No alerts fired in this window with these filters.",
            icon=":material/notifications_off:")
else:
    default = ({"selection": {"rows": [ids.index(alert_id)]}}
               if alert_id is not None and alert_id in ids else None)
    st.dataframe(
        table.drop(columns=["id", "sent", "pending", "expired"]), key=table_key,
        on_select=_on_select,
        selection_mode="single-row", selection_default=default, hide_index=True,
        width="stretch", placeholder=present.PLACEHOLDER,
        column_config={
            "fired_at": st.column_config.DatetimeColumn("Fired (UTC)",
                                                        format="YYYY-MM-DD HH:mm"),
            "rule": st.column_config.TextColumn("Rule"),
            "kind": st.column_config.TextColumn("Kind"),
            "title": st.column_config.TextColumn("Alert", width="medium"),
            "reason": st.column_config.TextColumn("Why", width="large"),
            "state": st.column_config.TextColumn("Delivery"),
        },
    )
    st.caption("Select a row to see its evidence and deliveries.")

# --- one alert -------------------------------------------------------------------------------
if alert_id is not None:
    detail = data.alert_detail(url, version, alert_id)
    if detail is None:
        st.caption(f"Alert {alert_id} is not in this database.")
    else:
        st.subheader(escape_markdown(detail["title"]))
        st.markdown(f"Rule **{escape_markdown(detail['rule'])}** ({detail['kind']}) fired "
                    f"{detail['fired_at']:%Y-%m-%d %H:%M} UTC: "
                    f"{escape_markdown(detail['reason'])}.")
        figures = detail["evidence"].get("figures") or {}
        if figures:
            st.dataframe(pd.DataFrame([figures]), hide_index=True,
                         placeholder=present.PLACEHOLDER)
        articles = detail["evidence"].get("articles") or []
        if articles:
            st.markdown("**Articles**")
            st.dataframe(
                pd.DataFrame({"title": [a.get("title") for a in articles],
                              "source": [a.get("source") for a in articles],
                              "risk": [a.get("risk") for a in articles],
                              "published": [a.get("published") for a in articles],
                              "link": [safe_url(a.get("link")) for a in articles]}),
                hide_index=True, width="stretch", placeholder=present.PLACEHOLDER,
                column_config={"link": st.column_config.LinkColumn("Link",
                                                                   display_text="open")})
        link = safe_url(detail.get("link"))
        if link:
            st.markdown(f"[The dashboard view that reproduces it]({link})")
        st.markdown("**Deliveries**")
        st.dataframe(detail["deliveries"], hide_index=True, width="stretch",
                     placeholder=present.PLACEHOLDER, column_config={
                         "destination": "Destination", "status": "Status",
                         "attempts": "Attempts",
                         "created_at": st.column_config.DatetimeColumn(
                             "Queued (UTC)", format="YYYY-MM-DD HH:mm"),
                         "sent_at": st.column_config.DatetimeColumn(
                             "Sent (UTC)", format="YYYY-MM-DD HH:mm"),
                         "next_attempt_at": st.column_config.DatetimeColumn(
                             "Next attempt (UTC)", format="YYYY-MM-DD HH:mm"),
                         "last_error": st.column_config.TextColumn("Last error", width="large"),
                     })

# --- the rules ------------------------------------------------------------------------------
st.subheader("Rules")
ruleset, error = data.alert_rules()
if error:
    st.error(escape_markdown(error), icon=":material/error:")
elif ruleset is not None:
    st.caption(f"As loaded from {escape_markdown(ruleset.source)}. Destinations are names; "
               "their addresses stay in the environment.")
    st.dataframe(pd.DataFrame([
        {"name": r.name, "kind": r.kind, "enabled": r.enabled, "fires when": r.describe(),
         "destinations": ", ".join(r.destinations)}
        for r in ruleset.rules
    ]), hide_index=True, width="stretch", placeholder=present.PLACEHOLDER)
