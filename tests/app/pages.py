"""Helpers for the page AppTests: start the app on a page (signed in when asked), read Plotly specs."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages.components.login import SESSION_KEY
from warehouse.sessions import issue
from warehouse.users import User, add_user, get_account

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "a long enough password"


def signed_in(at: AppTest, user: User) -> AppTest:
    """``user`` as a real account of the users file ($HOTLINE_USERS) with a session, as after the login
    form: the app re-checks the account on every run, so a made-up user would be signed out."""
    account = get_account(user.name)
    if account is None or account.user != user:
        add_user(user.name, user.role, PASSWORD, county=user.county)
    at.session_state[SESSION_KEY] = issue(get_account(user.name), hours=1)
    return at


def open_page(
    page: str | None = None, user: User | None = None, timeout: float = 60, lang: str | None = None
) -> AppTest:
    """The app opened straight on ``page`` (e.g. 'pages/rankings.py'), as a bookmark opens it: one run,
    signed in as ``user`` when given, in ``lang`` when given. (Tests used to run the overview first and
    then switch, which drew two pages for one.)

    Before the first run AppTest addresses a page by its file name, which matches our st.Page url paths
    (routing.PAGES); if a Streamlit upgrade changes that, the run lands elsewhere and this says so."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if user is not None:
        signed_in(at, user)
    if lang is not None:
        at.session_state["lang"] = lang  # the sidebar's language choice, as the router keeps it
    if page:
        at.switch_page(page)
    at.run()
    if page:
        _assert_opened(at, page)
    return at


def _assert_opened(at: AppTest, page: str) -> None:
    """The run drew ``page`` (its file), or the login form under its address for a visitor not signed in."""
    ran = at._registered_pages.get(at._finished_page_script_hash, {})
    script = ran.get("script_path")
    opened = Path(str(script)).resolve() == (Path(APP).parent / page).resolve() if script else None
    assert opened or (script is None and ran.get("url_pathname") == Path(page).stem), (
        f"AppTest opened {ran.get('url_pathname')!r}, not {page!r}: Streamlit no longer addresses a page by "
        "its file name before the first run (see tests/app/pages.open_page)"
    )


def plotly_specs(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page as its JSON spec (AppTest has no typed accessor for charts)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
