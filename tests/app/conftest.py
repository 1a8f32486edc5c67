"""Every AppTest runs the app once per run, as a real server does after its first visit (see
pages.components.routing.folder_mode_off): no rerun, so a button click is not lost."""

from __future__ import annotations

import pytest

from pages.components.routing import folder_mode_off


@pytest.fixture(autouse=True)
def _one_run_per_run():
    with folder_mode_off():
        yield
