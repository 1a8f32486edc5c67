"""Every AppTest runs the app once per run, as a real server does after its first visit (see
pages.components.routing.folder_mode_off): no rerun, so a button click is not lost."""

from __future__ import annotations

import pytest

from pages.components.routing import folder_mode_off


@pytest.fixture(autouse=True)
def _one_run_per_run():
    with folder_mode_off():
        yield


@pytest.fixture(autouse=True)
def _own_users_file(tmp_path_factory, monkeypatch):
    """Accounts a test creates (tests.app.pages.signed_in) go to a users file of its own, never beside the
    session's shared demo warehouse: there they would make every later test's demo ask for a login."""
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path_factory.mktemp("users") / "users.json"))
