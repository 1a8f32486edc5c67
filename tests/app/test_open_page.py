"""The page tests open their page in one run (tests/app/pages.open_page, as a bookmark does): this
proves it lands on the page asked for, and that it says so loudly when it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.pages import open_page
from warehouse.users import User


def test_a_page_opens_in_one_run_on_that_page(app_env: Path) -> None:
    at = open_page("pages/trends.py")
    assert not at.exception
    assert at.title[0].value == "趋势"


def test_a_page_the_visitor_may_not_open_fails_loudly(app_env: Path) -> None:
    """The public has no admin page: Streamlit draws another page instead, which must not pass unseen."""
    with pytest.raises(AssertionError, match=r"not 'pages/admin\.py'"):
        open_page("pages/admin.py", User("gong", "public"))
