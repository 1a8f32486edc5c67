"""Profiles saved from the data page: beside the warehouse, private, checked before they are written,
audited, read back as the same mapping, and found by the command line's ``--profile NAME``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from etl.load import load_files, prepare_file
from etl.profile_draft import ProfileDraft, RuleDraft, draft_profile
from etl.profiles import (
    SHIPPED_PROFILES,
    ProfileError,
    load_profile,
    profile_names,
    resolve_profile_path,
    saved_profiles_dir,
)
from etl.saved_profiles import SaveRefused, read_saved, save_profile
from tests.conftest import boston_like_csv
from tests.e2e.browser import ROOT
from warehouse import audit
from warehouse.access import OrderAccessError, Viewer

ANALYST = Viewer("analyst", "ana")
DRAFT = ProfileDraft(
    fields={"order_id": ("case_enquiry_id",), "received_at": ("open_dt",), "closed_at": ("closed_dt",),
            "township": ("ward",), "channel": ("source",)},
    normalize={"township": RuleDraft(rewrite=((r"^(?:Ward )?0*(\d+)$", r"Ward \1"),))},
    synonyms={"channel": {"Constituent Call": "电话"}},
)  # fmt: skip


@pytest.fixture
def site(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("HOTLINE_PROFILES", raising=False)
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    return db


def test_a_saved_profile_is_private_audited_and_reads_back_as_the_same_mapping(site: Path, tmp_path: Path) -> None:
    path = save_profile(DRAFT, "boston-web", ANALYST, db=site, upload="boston-like.csv", start="detected")
    assert path == site.parent / "profiles" / "boston-web.toml" == saved_profiles_dir(site) / "boston-web.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 导入配置 boston-web") and "ana（analyst）" in text and "boston-like.csv" in text
    assert read_saved(path) == ProfileDraft(**{**DRAFT.__dict__, "name": "boston-web"})
    event = audit.read_events(db=site)[0]
    assert event["event"] == "profile" and event["user"] == "ana" and event["details"]["name"] == "boston-web"
    assert event["details"]["rules"] == ["township"] and not event["details"]["replaced"]
    csv = boston_like_csv(tmp_path / "boston-like.csv")
    by_name = prepare_file(csv, load_profile("boston-web", db=site))
    assert by_name.cmap.sources == prepare_file(csv, draft_profile(DRAFT)).cmap.sources
    assert by_name.checked.good["township"].unique().sort().to_list() == ["Ward 3", "Ward 7"]
    assert profile_names(site)[1] == ["boston-web"]


def test_saving_is_refused_before_anything_is_written(site: Path) -> None:
    folder = saved_profiles_dir(site)
    with pytest.raises(OrderAccessError):
        save_profile(DRAFT, "x", Viewer("leader", "li"), db=site)
    with pytest.raises(SaveRefused, match="内置配置的名字"):
        save_profile(DRAFT, "boston311", ANALYST, db=site)
    for name in ("../etc/passwd", "a.toml", "", "-x", "a b"):
        with pytest.raises(SaveRefused, match="不可用"):
            save_profile(DRAFT, name, ANALYST, db=site)
    with pytest.raises(ProfileError, match="invalid regex"):
        save_profile(ProfileDraft(normalize={"township": RuleDraft(rewrite=(("(", ""),))}), "bad", ANALYST, db=site)
    assert not folder.exists() or not list(folder.iterdir())
    save_profile(DRAFT, "mine", ANALYST, db=site)
    with pytest.raises(SaveRefused, match="覆盖"):
        save_profile(DRAFT, "mine", ANALYST, db=site)
    save_profile(ProfileDraft(fields={"order_id": ("id",)}), "mine", ANALYST, db=site, overwrite=True)
    assert read_saved(folder / "mine.toml").fields == {"order_id": ("id",)}
    assert audit.read_events(db=site)[0]["details"]["replaced"] is True
    assert sorted(p.name for p in folder.iterdir()) == ["mine.toml"]  # no temporary file left behind


def test_a_saved_profile_wins_over_a_shipped_one_of_the_same_name(site: Path) -> None:
    """The page never saves under a shipped name; a file put there by hand (or a later version shipping
    that name) is the site's own choice and keeps working the same."""
    assert resolve_profile_path("boston311", site) == SHIPPED_PROFILES / "boston311.toml"
    folder = saved_profiles_dir(site)
    folder.mkdir(parents=True)
    (folder / "boston311.toml").write_text('name = "local"\n[fields]\norder_id = ["id"]\n', encoding="utf-8")
    assert resolve_profile_path("boston311", site) == folder / "boston311.toml"
    assert load_profile("boston311", db=site).name == "local"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=full, capture_output=True, text=True)


def test_the_cli_finds_a_saved_profile_by_name_beside_its_warehouse(site: Path, tmp_path: Path) -> None:
    save_profile(DRAFT, "boston-web", ANALYST, db=site)
    csv = boston_like_csv(tmp_path / "boston-like.csv")
    env = {"HOTLINE_AUDIT": str(tmp_path / "audit.log")}
    checked = _cli("check-profile", "boston-web", str(csv), "--db", str(site), "--json", env=env)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["file"]["would_load"] == 11
    elsewhere = _cli("check-profile", "boston-web", "--db", str(tmp_path / "other" / "hotline.duckdb"), env=env)
    assert elsewhere.returncode == 2 and "boston-web" not in elsewhere.stdout
    loaded = _cli("load", str(csv), "--profile", "boston-web", "--db", str(site), "--json", env=env)
    assert loaded.returncode == 0, loaded.stderr
    summary = json.loads(loaded.stdout)
    assert (summary["loaded"], summary["quarantined"]) == (11, 1)
    (saved_profiles_dir(site) / "nyc311.toml").write_text('name = "mine"\n', encoding="utf-8")
    clash = _cli("check-profile", "nyc311", "--db", str(site), env=env)
    assert clash.returncode == 0 and "而不是同名的内置配置" in clash.stderr and "（mine）" in clash.stdout


def test_load_files_looks_a_name_up_beside_the_warehouse_it_writes(site: Path, tmp_path: Path) -> None:
    save_profile(DRAFT, "boston-web", ANALYST, db=site)
    summary = load_files([boston_like_csv(tmp_path / "b.csv")], db=site, profile="boston-web")
    assert (summary.loaded, summary.quarantined, summary.rejected_files) == (11, 1, 0)
