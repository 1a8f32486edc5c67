"""Who is looking: a session from the login form or the login cookie (warehouse.sessions), OpenID
Connect via st.login when configured, and the demo exception.

Rules: a warehouse holding only demo data and no accounts shows the whole dashboard without
ceremony (as admin: there is nothing real to protect). Anything else needs a login; with no accounts
yet, the page says how to create one. Nothing real is ever served to an anonymous visitor. The
account is re-read on every page run, so a removed, re-roled or signed-out account loses an open tab
at once. Every page starts with ``require_access`` (through layout.page_header), which is the same
check app.py makes, so no page can run ahead of it.
"""

from __future__ import annotations

import streamlit as st

from labels import t
from pages.components import data
from pages.components.login import SESSION_KEY, forget_cookie, keep_cookie, oidc_configured, resume_from_cookie
from pages.components.routing import route_through_app
from warehouse import audit
from warehouse.access import Access
from warehouse.sessions import still_valid
from warehouse.users import User, UsersFileError, end_sessions, has_users

DEMO_USER = User("demo", "admin")


def _oidc_user() -> User | None:
    """Map a signed-in OpenID Connect identity to an account of the users file (by e-mail)."""
    if not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email", ""))
    from warehouse.users import list_users

    match = next((u for u in list_users() if u.name == email), None)
    return match or User(email, "public")


def _session_user() -> User | None:
    """The signed-in account as the users file holds it now, or None (and the session ended)."""
    session = st.session_state.get(SESSION_KEY)
    if session is None:
        session = resume_from_cookie()
    if session is None:
        return None
    account = still_valid(session)
    if account is None:
        audit.record("session_ended", session.name, None, reason="account changed, removed or signed out")
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["login_notice"] = "login_session_ended"
        forget_cookie()
        return None
    return account.user


def _demo_without_accounts() -> bool:
    stamp = data.warehouse_stamp()
    try:
        return stamp is None or data.is_demo(stamp)
    except Exception:  # unreadable: nothing can be served from it; the page header explains the fault
        return True


def current_access() -> Access | None:
    """The visitor's access; None means "show the login page". Kept in the session for the pages."""
    try:
        user = _session_user()
        if user is None and oidc_configured():
            user = _oidc_user()
        if user is None and not has_users() and _demo_without_accounts():
            user = DEMO_USER
    except UsersFileError:  # the login page says so, without the path or a traceback
        st.session_state["login_notice"] = "login_users_file_broken"
        user = None
    if user is None:
        st.session_state.pop("access", None)
        return None
    st.session_state["access"] = Access(user)
    return st.session_state["access"]


def require_access(page: str) -> Access:
    """The first thing every page does: go through app.py if Streamlit ran the page alone, then the
    same access check as app.py. A visitor who may not open ``page`` gets nothing from it."""
    route_through_app()
    access = current_access()
    if access is None or not access.may_open(page):
        st.stop()
    return access


def page_access() -> Access:
    """The access app.py established for this run (pages use it for masking and county scope)."""
    return st.session_state.get("access") or Access(User("anonymous", "public"))


def audit_export(file_name: str, access: Access | None = None) -> None:
    """Every download of figures or order lists is written to the audit log (who, what, when)."""
    access = access or page_access()
    audit.record("export", access.user.name, access.role, file=file_name)


def audited(file_name: str, make):
    """Wrap a lazy download's data function so producing the file is audited.

    Streamlit makes a lazy download's file when the browser asks for it, on a server thread outside
    any script run, where the session (and so ``page_access``) is not there: it was logged as
    anonymous/public. Who is downloading is taken here, when the button is drawn."""
    access = page_access()

    def produce():
        audit_export(file_name, access)
        return make()

    return produce


def logout_button(access: Access, lang: str) -> None:
    if access.user is DEMO_USER:
        st.sidebar.caption(t("demo_no_login", lang))
        return
    st.sidebar.caption(f"{access.user.name} · {t('role_' + access.role, lang)}")
    keep_cookie()
    if st.sidebar.button(t("logout", lang), icon=":material/logout:"):
        audit.record("logout", access.user.name, access.role)
        if st.session_state.pop(SESSION_KEY, None) is not None:
            end_sessions(access.user.name)  # every cookie and open tab of this account ends too
        forget_cookie()
        if getattr(st.user, "is_logged_in", False):
            st.logout()
        st.rerun()
