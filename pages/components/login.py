"""The login form (with back-off and lockout) and the login cookie that survives a reload.

Streamlit can read the cookies of the page's first request (``st.context.cookies``) but has no call
to set one, so the signed token (warehouse.sessions) is written by a two-line script in an
``st.html(..., unsafe_allow_javascript=True)`` element — Streamlit's supported way to run a script
in the page (not iframed, so it writes the page's own cookie). The script holds nothing but our
own token, never text from a visitor or the data. The cookie is ``SameSite=Strict`` (``Secure``
under https) and lasts ``session_hours``; the server checks the token on every page run anyway.
"""

from __future__ import annotations

import json
import math
import time

import streamlit as st

from labels import t
from warehouse import audit, logins
from warehouse.passwords import MAX_PASSWORD
from warehouse.security import Security, load_security
from warehouse.sessions import COOKIE, Session, issue, read_token, still_valid
from warehouse.users import MAX_NAME, get_account, has_users, verify

SESSION_KEY = "auth_session"


def _cookie_script(token: str, max_age: int) -> str:
    cookie = json.dumps(f"{COOKIE}={token}; Max-Age={max_age}; Path=/; SameSite=Strict")  # token: base64url and "."
    return f'<script>document.cookie = {cookie} + (location.protocol === "https:" ? "; Secure" : "");</script>'


def _text(value: object) -> str | None:
    """A value of st.context as text, or None (AppTest's stand-in runtime hands out mocks)."""
    return value if isinstance(value, str) and value else None


def _page_cookie() -> str | None:
    """The login cookie the page was opened with (st.context holds the first request's cookies only)."""
    return _text(st.context.cookies.get(COOKIE))


def keep_cookie() -> None:
    """Write the signed-in session's token into the browser unless the page was opened with it."""
    session: Session | None = st.session_state.get(SESSION_KEY)
    if session is not None and _page_cookie() != session.token:
        max_age = max(0, int(session.expires - time.time()))
        st.sidebar.html(_cookie_script(session.token, max_age), unsafe_allow_javascript=True)


def forget_cookie() -> None:
    """The browser's login cookie is to be cleared (sign-out, ended session, refused token)."""
    st.session_state["forget_cookie"] = True


def resume_from_cookie() -> Session | None:
    """A new tab, reload or bookmark: the session the page's cookie stands for, tried once per token."""
    token = _page_cookie()
    if not token or st.session_state.get("cookie_tried") == token:
        return None
    st.session_state["cookie_tried"] = token
    session = read_token(token)
    account = still_valid(session) if session else None
    if session is None or account is None:
        forget_cookie()
        return None
    st.session_state[SESSION_KEY] = session
    audit.record("login", account.user.name, account.user.role, via="cookie")
    return session


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def client_address(security: Security) -> str:
    """The visitor's address for counting attempts; behind a trusted proxy, the first forwarded one."""
    if security.trust_proxy_headers:
        first = (_text(st.context.headers.get("X-Forwarded-For")) or "").split(",")[0].strip()
        if first:
            return first[:64]
    return _text(st.context.ip_address) or "localhost"


def login_page() -> None:
    """The only page an anonymous visitor of a real warehouse gets."""
    lang = st.session_state.get("lang", "zh")
    st.title(t("login_title", lang))
    if st.session_state.get("forget_cookie") or _page_cookie():
        st.html(_cookie_script("", 0), unsafe_allow_javascript=True)
    if st.session_state.get("login_notice") == "login_users_file_broken":
        st.error(t("login_users_file_broken", lang), icon=":material/error:")
        return
    if notice := st.session_state.pop("login_notice", None):
        st.info(t(notice, lang), icon=":material/logout:")
    if oidc_configured() and st.button(t("login_sso", lang), icon=":material/login:"):
        st.login()
    if not has_users():
        st.info(t("login_no_users", lang))
        return
    security = load_security()
    with st.form("login"):
        name = st.text_input(t("login_name", lang), max_chars=MAX_NAME)
        password = st.text_input(t("login_password", lang), type="password", max_chars=MAX_PASSWORD)
        submitted = st.form_submit_button(t("login_submit", lang))
    st.caption(t("login_remember", lang).format(hours=f"{security.session_hours:g}"))
    if submitted:
        _attempt(name.strip(), password, security, lang)


def _attempt(name: str, password: str, security: Security, lang: str) -> None:
    """Refused while backing off or locked (before the password is even checked); else checked."""
    address = client_address(security)
    decision = logins.check(name, address, security)
    if not decision.allowed:
        audit.record("login_refused", name, None, address=address, by=decision.by, locked=decision.locked)
        st.error(_refusal(decision, security, lang), icon=":material/lock_clock:")
        return
    user = verify(name, password)
    account = get_account(user.name) if user else None
    if account is None:
        locked = logins.failed(name, address, security)
        audit.record("login_failed", name, None, address=address)
        for by in locked:
            rule = security.per_user if by == "user" else security.per_address
            audit.record("login_locked", name, None, address=address, by=by, minutes=rule.lockout_minutes)
        st.error(t("login_failed", lang), icon=":material/error:")
        if locked:
            st.error(_refusal(logins.Decision(False, locked=True, by=locked[0]), security, lang))
        return
    logins.succeeded(name)
    st.session_state[SESSION_KEY] = issue(account, security.session_hours)
    st.session_state.pop("forget_cookie", None)
    audit.record("login", account.user.name, account.user.role, address=address, via="password")
    st.rerun()


def _refusal(decision: logins.Decision, security: Security, lang: str) -> str:
    who = t("login_by_user" if decision.by == "user" else "login_by_address", lang)
    if decision.locked:
        rule = security.per_user if decision.by == "user" else security.per_address
        return t("login_locked", lang).format(who=who, minutes=f"{rule.lockout_minutes:g}")
    return t("login_wait", lang).format(who=who, seconds=math.ceil(decision.wait_seconds))
