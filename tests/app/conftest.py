"""Every AppTest runs the app once per run, as a real server does after its first visit (see
pages.components.routing.folder_mode_off): no rerun, so a button click is not lost."""

from __future__ import annotations

import pytest
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from pages.components.routing import folder_mode_off


@pytest.fixture(scope="session", autouse=True)
def _components_found_once():
    """Each AppTest scans every installed package's metadata for custom components on its first run
    (0.25 s, most of a small page's run here); the installed packages do not change during a test
    session, so every AppTest gets the one manager found at the start, as a server has one."""
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    original = AppTest.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        assert hasattr(self, "_bidi_component_manager"), "AppTest no longer keeps its component manager here"
        self._bidi_component_manager = manager

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AppTest, "__init__", init)
        yield


@pytest.fixture(autouse=True)
def _one_run_per_run():
    with folder_mode_off():
        yield


@pytest.fixture(autouse=True)
def _own_users_file(tmp_path_factory, monkeypatch):
    """Accounts a test creates (tests.app.pages.signed_in) go to a users file of its own, never beside the
    session's shared demo warehouse: there they would make every later test's demo ask for a login."""
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path_factory.mktemp("users") / "users.json"))
