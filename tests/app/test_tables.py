"""No un-audited download (issue 12, item 3): every table goes through one function that turns off
Streamlit's own "Download as CSV", and a lazy download is audited as the user who drew its button."""

from __future__ import annotations

import ast
import threading
import tomllib
from pathlib import Path

import pytest
import streamlit as st

from pages.components.grid import EXPORT_OPTION
from tests.app.pages import open_page
from warehouse import audit
from warehouse.users import User

ROOT = Path(__file__).resolve().parents[2]


def _dataframe_calls(path: Path) -> list[int]:
    """Lines of ``<anything>.dataframe(...)`` and ``data_editor`` calls in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("dataframe", "data_editor")
    ]


def test_every_table_is_drawn_by_the_one_shared_function() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]
    calls = {str(f.relative_to(ROOT)): _dataframe_calls(f) for f in files}
    drawing = {f: len(lines) for f, lines in calls.items() if lines}
    assert drawing == {"pages/components/grid.py": 1}


def test_the_server_config_turns_the_toolbar_export_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.fixture
def export_allowed():
    """A deployment whose config leaves the toolbar export on."""
    before = st.get_option(EXPORT_OPTION)
    st.set_option(EXPORT_OPTION, False)
    yield
    st.set_option(EXPORT_OPTION, before)


def test_the_first_table_turns_it_off_when_the_config_did_not(app_env: Path, export_allowed: None) -> None:
    at = open_page("pages/rankings.py")
    assert not at.exception
    assert st.get_option(EXPORT_OPTION) is True
    assert at.dataframe  # the page was drawn again, in full, after switching it off


def test_a_lazy_download_is_audited_as_the_user_who_drew_it(app_env: Path, tmp_path, monkeypatch) -> None:
    """Streamlit makes a lazy download's file on a server thread, outside any script run: there the
    session is not known (the evidence pack and the quarantine CSV were logged as anonymous/public)."""
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    made: list = []
    from pages.components import auth

    original = auth.audited

    def keep(file_name, make):
        made.append(original(file_name, make))
        return made[-1]

    monkeypatch.setattr(auth, "audited", keep)
    monkeypatch.setattr("pages.components.data_sections.audited", keep)
    at = open_page("pages/data.py", User("ana", "analyst"))  # the quarantine's CSV and Excel
    assert not at.exception and len(made) == 2
    out: list = []
    worker = threading.Thread(target=lambda: out.append(made[0]()))  # as the server's thread calls it
    worker.start()
    worker.join()
    assert out and out[0]
    event = audit.read_events()[0]
    assert (event["event"], event["user"], event["role"]) == ("export", "ana", "analyst")
