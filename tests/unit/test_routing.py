"""The routing workaround (pages/components/routing.py) and the rule that no page runs ahead of the
access check. These fail loudly when a Streamlit upgrade changes what the workaround relies on."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from pages.components.routing import PAGES, ROOT, PageMissingError, check_page_files, folder_mode_off
from warehouse.access import PAGES_BY_ROLE


def test_streamlit_still_has_the_pages_folder_mode_the_workaround_switches_off(tmp_path: Path) -> None:
    """If this fails after an upgrade, Streamlit changed its old pages/ mode: re-check
    routing.route_through_app (maybe it can go) and the cold-server deep-link browser tests."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("")
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(tmp_path / "app.py"))
        assert PagesManager.uses_pages_directory is True, "Streamlit no longer detects a pages/ folder this way"
        with folder_mode_off():
            PagesManager.uses_pages_directory = None
            PagesManager(str(tmp_path / "app.py"))
            assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = saved
    source = inspect.getsource(script_runner)
    assert "if PagesManager.uses_pages_directory:" in source and "_mpa_v1(" in source, (
        "Streamlit's script runner no longer picks the old pages/ mode from PagesManager.uses_pages_directory"
    )


def test_a_missing_page_file_is_an_error(tmp_path: Path) -> None:
    """app.py used to skip a page whose file was missing: the page silently disappeared."""
    check_page_files()  # the repository has them all
    for path, *_ in PAGES[1:]:
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text("")
    with pytest.raises(PageMissingError, match=r"pages/overview\.py"):
        check_page_files(tmp_path)


def test_the_page_table_and_the_role_table_agree() -> None:
    urls = {url for _p, url, *_ in PAGES}
    assert set().union(*PAGES_BY_ROLE.values()) == urls
    assert {p.name for p in (ROOT / "pages").glob("*.py")} == {Path(p).name for p, *_ in PAGES}


def _first_call(tree: ast.Module) -> ast.stmt | None:
    """The first top-level statement that calls anything (imports, docstrings, definitions and
    literal constants do nothing before the access check)."""
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
            continue
        if any(isinstance(n, ast.Call) for n in ast.walk(node)):
            return node
    return None


@pytest.mark.parametrize("path", [p for p, *_ in PAGES], ids=[u for _p, u, *_ in PAGES])
def test_every_page_starts_with_the_access_check(path: str) -> None:
    """A page run alone by Streamlit (a first visit to /data on a cold server) loaded 120 rows as
    anonymous, because the page did its work before the frame that checks access."""
    node = _first_call(ast.parse((ROOT / path).read_text(encoding="utf-8")))
    assert node is not None
    call = node.value if isinstance(node, ast.Assign | ast.Expr) else None
    assert isinstance(call, ast.Call) and ast.unparse(call.func) == "page_header", (
        f"{path}: the first thing a page does must be page_header(...) (it runs auth.require_access); "
        f"found {ast.unparse(node)[:80]!r}"
    )
    url = next(u for p, u, *_ in PAGES if p == path)
    assert isinstance(call.args[0], ast.Constant) and call.args[0].value == f"page_{url}"  # checks the right page
