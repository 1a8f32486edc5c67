"""Settings: SPEC §3 defaults in the committed file, and errors that name the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from warehouse.settings import DEFAULT_SETTINGS_PATH, PROJECT_ROOT, Settings, SettingsError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_committed_file_holds_the_spec_defaults() -> None:
    s = load_settings(DEFAULT_SETTINGS_PATH)
    assert s.response_limit_seconds("紧急") == 2 * 3600
    assert s.response_limit_seconds("一般") == 24 * 3600
    assert s.response_limit_seconds(None) == 24 * 3600  # empty urgency counts as 一般
    assert s.urgent_due_hours == 24
    assert [s.due_workdays(t) for t in ("咨询", "求助", "投诉", "举报", "建议", "其他", None)] == [3, 3, 7, 7, 7, 7, 7]
    assert s.partial_resolution_weight == 0.0
    assert s.basic_satisfaction_weight == 1.0
    w = s.composite_weights
    assert (w.response, w.on_time, w.resolution, w.satisfaction) == (0.2, 0.0, 0.4, 0.4)
    assert (s.min_sample, s.repeat_window_days, s.red_black_size) == (10, 30, 5)
    assert s.units_file == PROJECT_ROOT / "config" / "units.csv"
    assert s.as_of is None


def test_committed_file_equals_the_dataclass_defaults_except_paths() -> None:
    """The code defaults and the file must not drift: a missing file gives the same rules."""
    from_file = load_settings(DEFAULT_SETTINGS_PATH).to_dict()
    from_code = Settings().to_dict()
    # paths: the catalogue and the demo city's boundary files are none without a settings file
    for key in ("source", "units_file", "time_limits_file", "map"):
        from_file.pop(key), from_code.pop(key)
    assert from_file == from_code


def test_env_var_points_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_SETTINGS", str(write(tmp_path, "min_sample = 3\n")))
    partial = load_settings()
    assert partial.min_sample == 3
    # keys the file leaves out keep the SPEC defaults, also inside tables
    assert partial.response_limit_seconds("紧急") == 2 * 3600
    assert partial.due_workdays("咨询") == 3
    monkeypatch.setenv("HOTLINE_SETTINGS", str(tmp_path / "missing.toml"))
    with pytest.raises(SettingsError, match="not found"):
        load_settings()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("min_sample = 0\n", "min_sample"),
        ("min_sample = 2.5\n", "min_sample"),
        ("partial_resolution_weight = 1.5\n", "partial_resolution_weight"),
        ("basic_satisfaction_weight = -0.1\n", "basic_satisfaction_weight"),
        ("[composite_weights]\nresponse = -1\n", "composite_weights.response"),
        ("[composite_weights]\nresponse = 0\non_time = 0\nresolution = 0\nsatisfaction = 0\n", "composite_weights"),
        ('[response_limit_hours]\n"紧急" = 0\n', "response_limit_hours.紧急"),
        ('[response_limit_hours]\n"特急" = 1\n', "response_limit_hours.特急"),
        ("[due_derivation]\nurgent_hours = -2\n", "due_derivation.urgent_hours"),
        ('[due_derivation.workdays_by_type]\n"投诉" = 0\n', "due_derivation.workdays_by_type.投诉"),
        ("repeat_window_dayz = 30\n", "repeat_window_dayz"),
        ('as_of = "last tuesday"\n', "as_of"),
        ("red_black_size = true\n", "red_black_size"),
        ("min_sample = \n", "TOML"),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(write(tmp_path, text))
    assert key in str(err.value)
    assert "settings.toml" in str(err.value)


def test_overrides_and_as_of(tmp_path: Path) -> None:
    s = load_settings(
        write(
            tmp_path,
            'as_of = "2024-03-31"\npartial_resolution_weight = 0.5\nunits_file = "/x/units.csv"\n'
            '[response_limit_hours]\n"紧急" = 1.5\n"一般" = 12\n',
        )
    )
    assert s.as_of == dt.datetime(2024, 3, 31, 23, 59, 59)  # a bare date = end of that day
    assert s.response_limit_seconds("紧急") == 5400
    assert s.response_limit_seconds("一般") == 12 * 3600
    assert s.response_limit_seconds(None) == 12 * 3600
    assert s.partial_resolution_weight == 0.5
    assert s.units_file == Path("/x/units.csv")
    pinned = load_settings(write(tmp_path, 'as_of = "2024-03-31 12:00:00"\n'))
    assert pinned.as_of == dt.datetime(2024, 3, 31, 12)


def test_units_file_groups(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("department,group\n住建局,市直部门\n供水公司,公共企业\n城管局,\n", encoding="utf-8")
    s = Settings(units_file=units)
    assert s.unit_groups() == {"住建局": "市直部门", "供水公司": "公共企业", "城管局": "未分组"}
    assert Settings(units_file=tmp_path / "absent.csv").unit_groups() == {}
    units.write_text("unit,grp\nA,B\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="department"):
        s.unit_groups()


def test_fingerprint_follows_rules_not_location(tmp_path: Path) -> None:
    a = load_settings(write(tmp_path, "min_sample = 10\n"))
    assert a.fingerprint() == Settings(units_file=PROJECT_ROOT / "config" / "units.csv").fingerprint()
    assert a.fingerprint() != load_settings(write(tmp_path, "min_sample = 11\n")).fingerprint()
