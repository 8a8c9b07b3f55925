"""The optional sign-in gate: with an ``[auth]`` section in Streamlit's secrets, the
dashboard shows nothing until the viewer signs in (``st.login``, OpenID Connect)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from dashboard.evidence import escape_markdown


def login_providers(auth: Mapping) -> list[str | None]:
    """Which ``st.login`` calls the ``[auth]`` secrets allow: ``[None]`` for a single
    provider configured in ``[auth]`` itself, else the names of its ``[auth.<name>]``
    tables."""
    named = [str(k) for k, v in auth.items() if isinstance(v, Mapping)]
    if "client_id" in auth or not named:
        return [None]
    return named


def auth_gate() -> bool:
    """With an ``[auth]`` section in secrets, require sign-in. Never fails without one."""
    try:
        auth = st.secrets["auth"] if "auth" in st.secrets else None
    except Exception:  # no secrets file at all, or an unreadable one
        return True
    if auth is None:
        return True
    try:
        logged_in = bool(getattr(st.user, "is_logged_in", False))
    except Exception:
        logged_in = False
    if logged_in:
        with st.sidebar:
            name = st.user.get("name") or st.user.get("email") or "signed in"
            st.caption(f"Signed in as {escape_markdown(str(name))}")
            if st.button("Sign out", type="tertiary", icon=":material/logout:"):
                st.logout()
        return True
    st.title("Cambodia Risk Monitor")
    st.write("This dashboard requires signing in.")
    try:
        providers = login_providers(auth)
    except Exception:
        providers = [None]
    for provider in providers:
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        if st.button(label, type="primary", icon=":material/login:", key=f"login_{provider}"):
            if provider is None:
                st.login()
            else:
                st.login(provider)
    return False
