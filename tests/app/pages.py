"""Helpers for the page AppTests: start the app on a page, read Plotly specs, find a dataframe."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from warehouse.users import User

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page: str | None = None, user: User | None = None) -> AppTest:
    """The app, run once (signed in as ``user`` when given), then switched to ``page`` (e.g.
    'pages/rankings.py') and run again."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.session_state["auth_user"] = user
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def plotly_specs(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page as its JSON spec (AppTest has no typed accessor for charts)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
