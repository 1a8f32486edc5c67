"""Who is looking: login against the local users file (or OpenID Connect via st.login when
configured), and the demo exception.

Rules: a warehouse holding demo data and no accounts shows the whole dashboard without ceremony
(as admin: there is nothing real to protect). Anything else needs a login; with no accounts yet,
the page says how to create one. Nothing real is ever served to an anonymous visitor.
"""

from __future__ import annotations

import streamlit as st

from labels import t
from pages.components import data
from warehouse import audit
from warehouse.access import Access
from warehouse.users import User, has_users, verify

SESSION_KEY = "auth_user"
DEMO_USER = User("demo", "admin")


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_user() -> User | None:
    """Map a signed-in OpenID Connect identity to an account of the users file (by e-mail)."""
    if not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email", ""))
    from warehouse.users import list_users

    match = next((u for u in list_users() if u.name == email), None)
    return match or User(email, "public")


def login_page() -> None:
    """The only page an anonymous visitor of a real warehouse gets."""
    lang = st.session_state.get("lang", "zh")
    st.title(t("login_title", lang))
    if _oidc_configured() and st.button(t("login_sso", lang), icon=":material/login:"):
        st.login()
    if not has_users():
        st.info(t("login_no_users", lang))
        return
    with st.form("login"):
        name = st.text_input(t("login_name", lang))
        password = st.text_input(t("login_password", lang), type="password")
        submitted = st.form_submit_button(t("login_submit", lang))
        if submitted:
            user = verify(name, password)
            if user is None:
                audit.record("login_failed", name, None)
                st.error(t("login_failed", lang))
            else:
                audit.record("login", user.name, user.role)
                st.session_state[SESSION_KEY] = user
                st.rerun()


def current_access() -> Access | None:
    """The visitor's access; None means "show the login page". Kept in the session for the pages."""
    user: User | None = st.session_state.get(SESSION_KEY)
    if user is None and _oidc_configured():
        user = _oidc_user()
    if user is None and not has_users():
        stamp = data.warehouse_stamp()
        try:
            demo = stamp is None or data.is_demo(stamp)
        except Exception:  # unreadable: nothing can be served from it; the page header explains the fault
            demo = True
        if demo:
            user = DEMO_USER
    if user is None:
        st.session_state.pop("access", None)
        return None
    st.session_state["access"] = Access(user)
    return st.session_state["access"]


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
    if st.sidebar.button(t("logout", lang), icon=":material/logout:"):
        audit.record("logout", access.user.name, access.role)
        st.session_state.pop(SESSION_KEY, None)
        if getattr(st.user, "is_logged_in", False):
            st.logout()
        st.rerun()
