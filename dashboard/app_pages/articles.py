"""Articles: the newest matching articles, a CSV export, and one article's evidence
(URL ``article=<id>``): every sentence with its risk terms and actors highlighted, and
the score breakdown. Feed text is shown escaped, never as HTML."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import charts, data, geo, present, queries, sidebar
from dashboard.evidence import (
    build_evidence,
    escape_markdown,
    legend_markdown,
    safe_url,
    split_sentences,
    term_note,
    vetoed_notes,
)

MAX_ID = 2**31 - 1  # articles.id is an INTEGER column
# How an article first came in (articles.arrival), in words: a backfilled article was
# published in the past and fetched later, which matters when reading its timing.
ARRIVALS = {
    "feed": "arrived with a feed refresh",
    "wordpress": "arrived by backfill (the site's WordPress archive)",
    "feed-pages": "arrived by backfill (the feed's older pages)",
    "sitemap": "arrived by backfill (the site's sitemap)",
    "gdelt": "arrived by backfill (a GDELT search)",
}


def arrival_words(arrival) -> str:
    if not arrival:
        return ARRIVALS["feed"]
    return ARRIVALS.get(str(arrival), f"arrived by {arrival}")


ctx = sidebar.context()
f, url, version = ctx.filters, ctx.url, ctx.version

st.title("Articles")
st.caption(ctx.caption())

found = data.articles_data(url, version, f, queries.ARTICLE_LIMIT)
total, table = found["total"], found["table"]

if total > len(table):
    st.markdown(
        f"Showing the newest **{len(table):,}** of **{total:,}** matching articles. "
        "Narrow the filters to see older ones, or download them all (sidebar)."
    )
else:
    st.markdown(f"**{total:,}** matching articles, newest first.")

# --- the table -----------------------------------------------------------------------------
ids = [int(i) for i in table["id"]] if not table.empty else []
st.session_state["_articles_ids"] = ids

article_id = sidebar.id_param("article", "article", MAX_ID)


# One table widget per filter set: a new filter set starts with a fresh selection rather
# than a stale row index from the previous table.
filter_key = repr(sidebar.current_filter_key(f)).encode()
table_key = "articles_" + hashlib.sha1(filter_key).hexdigest()[:12]


def _on_select() -> None:
    state = st.session_state.get(table_key)
    rows = list(getattr(getattr(state, "selection", None), "rows", None) or [])
    known = st.session_state.get("_articles_ids") or []
    if rows and 0 <= rows[0] < len(known):
        sidebar.set_page_param("article", str(known[rows[0]]))
    else:
        sidebar.set_page_param("article", None)


if table.empty:
    st.info(
        "No articles match these filters. Widen the date range or remove a filter.",
        icon=":material/search_off:",
    )
else:
    names = geo.province_names()
    view = pd.DataFrame(
        {
            "published": table["published"],
            "estimated": ["estimated" if e else "" for e in table["estimated"]],
            "title": [present.cell_text(t) for t in table["title"]],
            "link": [safe_url(u) for u in table["url"]],
            "source": [present.cell_text(t) for t in table["source"]],
            "risk_score": table["risk_score"],
            "sentiment": table["sentiment"],
            "categories": [[ctx.label(c) for c in cats] for cats in table["categories"]],
            "actors": table["actors"],
            "provinces": [[names.get(c, c) for c in codes] for codes in table["provinces"]],
            "language": table["language"],
        }
    )
    default = None
    if article_id is not None and article_id in ids:
        default = {"selection": {"rows": [ids.index(article_id)]}}
    st.dataframe(
        view,
        key=table_key,
        on_select=_on_select,
        selection_mode="single-row",
        selection_default=default,
        hide_index=True,
        width="stretch",
        height=460 if len(view) > 12 else "auto",
        placeholder=present.PLACEHOLDER,
        column_config={
            "published": st.column_config.DatetimeColumn(
                "Published (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "estimated": st.column_config.TextColumn(
                "Date",
                width="small",
                help="'estimated': the feed gave no date, so the fetch time stands in; "
                "such articles are left out of trends and alerts.",
            ),
            "title": st.column_config.TextColumn("Title", width="large"),
            "link": st.column_config.LinkColumn(
                "Link",
                display_text=":material/open_in_new:",
                help="The original article (http/https only)",
            ),
            "source": st.column_config.TextColumn("Source"),
            "risk_score": st.column_config.ProgressColumn(
                "Risk", min_value=0, max_value=100, format="%.0f"
            ),
            "sentiment": st.column_config.NumberColumn("Sentiment", format="%.2f"),
            "categories": st.column_config.ListColumn("Risk categories"),
            "actors": st.column_config.ListColumn("Actors"),
            "provinces": st.column_config.ListColumn(
                "Provinces", help="Where the article reports from or about"
            ),
            "language": st.column_config.TextColumn("Lang", width="small"),
        },
    )
    st.caption("Select a row to see why it scored as it did.")

# --- evidence --------------------------------------------------------------------------------
if article_id is None:
    st.stop()

detail = data.article_detail(url, version, article_id)
if detail is None:
    st.warning(
        f"Article {article_id} does not exist or is not a relevant article.", icon=":material/help:"
    )
    st.stop()

st.divider()
st.subheader("Evidence")
st.markdown("#### " + escape_markdown(detail["title"] or "(untitled)"))
meta = [detail["source"], f"{detail['published_at']:%Y-%m-%d %H:%M} UTC"]
if detail.get("published_estimated"):
    meta.append("publication time estimated")
if detail.get("language"):
    meta.append(f"language {detail['language']}")
meta.append(f"text from {detail.get('text_source') or 'summary'}")
meta.append(arrival_words(detail.get("arrival")))
st.caption(escape_markdown(" · ".join(str(m) for m in meta)))
link = safe_url(detail.get("url")) or safe_url(detail.get("link"))
if link:
    st.link_button("Open the original", link, icon=":material/open_in_new:")
else:
    st.caption("The stored link is not an http(s) address, so it is not linked.")

m1, m2, m3, m4 = st.columns(4)
m1.metric("Risk score", present.fmt_num(detail["risk_score"]))
m2.metric("Sentiment", present.fmt_num(detail["sentiment"], 3))
m3.metric("Negative sentences", present.fmt_pct(detail.get("sentiment_neg")))
m4.metric("Sentences", detail.get("sentence_count") or "–")

cats = detail["categories"]
left, right = st.columns([3, 2])
with left:
    st.markdown("**Score breakdown**")
    if cats.empty:
        st.caption("No risk terms matched: the risk score comes from nothing else.")
    else:
        breakdown = cats.assign(label=[ctx.label(c) for c in cats["category"]])
        lex = data.lexicons()
        if lex is not None:
            breakdown["severity"] = [
                lex.categories[c].severity if c in lex.categories else None
                for c in cats["category"]
            ]
        present.chart(charts.score_breakdown_chart, breakdown)
        st.caption(
            "Category points: each distinct term once, at its heaviest match (half weight "
            "below the title and first three sentences), added with diminishing returns "
            "and multiplied by the category's severity. The risk score "
            f"({present.fmt_num(detail['risk_score'])}) adds the categories largest first "
            "(full, half, a third ...), raises the sum by negative tone and scales it to "
            "0–100; docs/scoring.md works an example."
        )
with right:
    st.markdown("**Why it counts as relevant**")
    terms = detail.get("relevance_terms") or []
    st.markdown(escape_markdown(", ".join(terms)) or "–")
    if not detail["actors"].empty:
        st.markdown("**Actors**")
        st.dataframe(
            detail["actors"],
            hide_index=True,
            width="stretch",
            placeholder=present.PLACEHOLDER,
            column_config={
                "actor": st.column_config.TextColumn("Actor"),
                "mentions": st.column_config.NumberColumn("Mentions"),
                "sentiment": st.column_config.NumberColumn(
                    "Sentiment", format="%.2f", help="Mean of the sentences that mention the actor"
                ),
            },
        )

sentences, from_scorer = split_sentences(detail["title"], detail["text"])
rules, vetoed = data.context_rules(detail)
terms = detail["terms"]
if rules and not terms.empty:
    terms = terms.assign(
        rule=[
            rules.get((int(r.sentence_index), int(r.start), int(r.end), r.term), "")
            for r in terms.itertuples()
        ]
    )
evidence, unplaced = build_evidence(
    detail["title"],
    detail["text"],
    terms,
    detail["mentions"],
    places=detail["places"],
    sentences=sentences,
    sentence_sentiment=data.sentence_sentiment_fn(detail.get("language")),
)
st.markdown("**Sentences**  " + legend_markdown())
st.caption(
    "Sentence sentiment: stored with the scorer's actor mentions, or recomputed here with "
    "the scorer's current VADER settings (English only)."
)
if not from_scorer:
    st.caption(
        "The scorer's sentence splitter is not available; sentences are split "
        "approximately and offsets are re-checked against the text."
    )
for item in evidence:
    if not item.text.strip():
        continue
    with st.container(border=item.highlights != []):
        tag = "Title" if item.is_title else f"Sentence {item.index}"
        if item.sentiment is not None:
            how = "" if item.sentiment_source == "stored" else " (recomputed)"
            tag += f" · sentiment {item.sentiment:+.2f}{how}"
        st.caption(tag)
        st.markdown(item.markdown)
        if item.highlights:
            found = []
            for h in item.highlights:
                if h.kind == "term":
                    found.append(term_note(h, ctx.label(h.label)))
                elif h.kind == "place":
                    found.append(f"place {h.label} ({h.detail})")
                else:
                    found.append(f"actor {h.label}")
            st.caption(escape_markdown("; ".join(found)))
if unplaced:
    st.warning(
        escape_markdown(
            f"{len(unplaced)} stored match(es) could not be placed in the current text "
            "(the text or the sentence splitter changed since scoring): "
            + "; ".join(f"{h.label}: {h.text}" for h in unplaced[:10])
        ),
        icon=":material/location_off:",
    )

if vetoed:
    with st.expander(f"Terms not counted ({len(vetoed)}): a context rule stopped them"):
        st.caption(escape_markdown(" · ".join(vetoed_notes(vetoed, ctx.label))))

with st.expander("All term matches"):
    st.dataframe(detail["terms"], hide_index=True, placeholder=present.PLACEHOLDER, width="stretch")
