"""Cambodia Risk Monitor: the Streamlit entry script.

Run with ``cambodia-risk dashboard``, or directly::

    CAMBODIA_RISK_DB=sqlite:///data/cambodia-risk.db streamlit run dashboard/app.py

Every script run starts here, whatever the page: page config, the optional sign-in
(``dashboard.signin``), navigation, then the set-up every page shares (the engine, the
lexicons, the filters resolved from the URL and the sidebar: ``dashboard.sidebar``),
once. Only then does the page script run. The pages live in ``app_pages/``, a folder
Streamlit does not discover by itself, so no page ever runs without this script.

Pages: ``/`` Overview, ``/actors``, ``/places``, ``/articles``, ``/sources``, ``/alerts``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from a checkout
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import sidebar, signin  # noqa: E402
from dashboard.filters import to_params  # noqa: E402

st.set_page_config(page_title="Cambodia Risk Monitor", page_icon=":material/radar:", layout="wide")
if not signin.auth_gate():
    st.stop()

# Paths are relative to this file.
PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/actors.py", title="Actors", icon=":material/groups:", url_path="actors"),
    st.Page("app_pages/places.py", title="Places", icon=":material/map:", url_path="places"),
    st.Page(
        "app_pages/articles.py", title="Articles", icon=":material/article:", url_path="articles"
    ),
    st.Page(
        "app_pages/sources.py", title="Sources", icon=":material/rss_feed:", url_path="sources"
    ),
    st.Page(
        "app_pages/alerts.py", title="Alerts", icon=":material/notifications:", url_path="alerts"
    ),
]
page = st.navigation(PAGES, position="hidden")
menu = st.sidebar.container()  # drawn above the filters, filled once they are known
ctx = sidebar.prepare()
sidebar.nav_links(menu, PAGES, to_params(ctx.filters) if ctx else {})
if ctx is None:  # the empty or error state is drawn
    st.stop()
page.run()
