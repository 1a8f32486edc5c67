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


def open_page(page: str | None = None, user: User | None = None) -> AppTest:
    """The app, run once (signed in as ``user`` when given), then switched to ``page`` (e.g.
    'pages/rankings.py') and run again."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        signed_in(at, user)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def plotly_specs(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page as its JSON spec (AppTest has no typed accessor for charts)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
