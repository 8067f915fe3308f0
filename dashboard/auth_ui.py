"""Sign-in through the company's identity provider, and who the current user is.

Streamlit's own OpenID Connect support does the protocol (`st.login`,
`st.user`, `st.logout`; the provider is configured in `.streamlit/secrets.toml`
under `[auth]`, see the README). Its identity cookie is signed with the
`cookie_secret`: a cookie that was tampered with, or is older than Streamlit
accepts, reads as signed out. On top of that a sign-in lasts
`MARKET_TRENDS_SESSION_HOURS` (12 by default) from the moment the provider
issued it; after that the user is signed out and signs in again.

With no `[auth]` section the app runs open, as it did before sign-in existed,
and the sidebar says so in one line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.safe_text import md
from data.access import OPEN_USER, User, signed_in

SESSION_HOURS_ENV = "MARKET_TRENDS_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12.0
OPEN_MODE_LINE = ("Open mode: no sign-in is configured, so everyone who can reach this server sees and changes "
                  "every dataset.")


def provider_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section with a redirect URI and a cookie secret."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001  no secrets file, or one that does not parse: Streamlit says which
        return False
    return isinstance(auth, Mapping) and bool(auth.get("redirect_uri")) and bool(auth.get("cookie_secret"))


def _claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001  outside a script run there is nobody
        return {}


def session_hours() -> float:
    try:
        hours = float(os.environ.get(SESSION_HOURS_ENV, DEFAULT_SESSION_HOURS))
    except ValueError:
        return DEFAULT_SESSION_HOURS
    return hours if hours > 0 else DEFAULT_SESSION_HOURS


def expired(claims: Mapping[str, Any], now: float | None = None) -> bool:
    """A sign-in older than the session length (from the identity token's `iat`, issued-at) is over.

    A token without a usable `iat` counts as expired: we cannot tell how old it is.
    """
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, (int, float)):
        return True
    return (time.time() if now is None else now) - issued > session_hours() * 3600


def current_user() -> User | None:
    """The open-mode user, the signed-in user, or None (sign-in is configured and nobody is signed in)."""
    if not provider_configured():
        return OPEN_USER
    claims = _claims()
    if not claims.get("is_logged_in") or expired(claims):
        return None
    # An address the provider says it has not verified proves nothing: no grant can match it.
    email = claims.get("email") if claims.get("email_verified") is not False else None
    return signed_in(email, claims.get("name") or claims.get("preferred_username"))


def sign_in_gate() -> User:
    """Call once per run before anything shows data: the user, or a stopped run showing only sign-in."""
    if not provider_configured():
        with st.sidebar:
            st.caption(OPEN_MODE_LINE)
        return OPEN_USER
    claims = _claims()
    if claims.get("is_logged_in") and expired(claims):
        st.logout()  # clears the identity cookie and starts a new, signed-out session
        st.stop()
    user = current_user()
    if user is None:
        st.title("Market Trends Dashboard")
        st.info("Sign in with your company account to see the market data.", icon=":material/lock:")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, key="sign_in")
        st.stop()
    with st.sidebar:
        who = md(user.name) if user.email is None or user.name == user.email else f"{md(user.name)} ({md(user.email)})"
        st.caption(f"Signed in as {who}")
        st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign_out")
    return user
