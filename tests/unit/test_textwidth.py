"""The one display-width rule (warehouse.textwidth): CJK and full-width characters take two columns."""

from __future__ import annotations

import pytest

from warehouse.textwidth import column_widths, display_width, pad


@pytest.mark.parametrize(
    ("value", "width"),
    [("市教育局", 8), ("abc", 3), ("青岚区 A1", 9), ("９５％", 6), ("—", 1), ("", 0), (None, 0), (12.5, 4)],
)
def test_display_width(value, width: int) -> None:
    assert display_width(value) == width


def test_pad_fills_to_the_display_width_on_either_side() -> None:
    assert pad("市局", 6) == "市局  "
    assert pad("9.5", 6, right=True) == "   9.5"
    assert pad("市教育局", 4) == "市教育局"  # never cut


def test_column_widths_take_the_widest_of_heading_and_cells() -> None:
    assert column_widths(["单位", "得分"], [["市住房和城乡建设局", "9"], ["区局", "100.00"]]) == [18, 6]
    assert column_widths(["单位"], []) == [4]
