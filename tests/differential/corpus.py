"""pytest plugin (``-p tests.differential.corpus``, with HOTLINE_CORPUS=DIR): every call of ``load_files``
and ``prepare_file`` while the tests run is recorded in DIR/calls.jsonl, with a copy of its files.

It wraps the two functions when it is imported, before any conftest or test module imports them.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

import etl.load

CORPUS = Path(os.environ["HOTLINE_CORPUS"]) if os.environ.get("HOTLINE_CORPUS") else None
ENV_KEYS = ("HOTLINE_MAX_FILE_MB", "HOTLINE_MAX_XLSX_EXPANDED_MB", "HOTLINE_SETTINGS")


def _keep(path: Path) -> str | None:
    """A copy of ``path`` under DIR/files/<sha256>/<name>; its place relative to DIR (None: not a file)."""
    if not path.is_file():
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    target = CORPUS / "files" / digest / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return str(target.relative_to(CORPUS))


def _env() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key in ENV_KEYS:
        value = os.environ.get(key)
        out[key] = _keep(Path(value)) if key == "HOTLINE_SETTINGS" and value else value
    return out


def _record(call: dict) -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    with open(CORPUS / "calls.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(call, ensure_ascii=False) + "\n")


def _profile_ref(profile: object) -> str | None:
    if profile is None:
        return None
    given = Path(str(profile))
    return ("file:" + _keep(given)) if given.is_file() else f"name:{profile}"


_load_files, _prepare_file = etl.load.load_files, etl.load.prepare_file
_inside = [0]  # a load prepares its files itself: those are no previews


def load_files(paths, db=None, profile=None, mark_demo=False, progress=None):
    from warehouse.connection import resolve_db_path

    files = [{"name": Path(p).name, "copy": _keep(Path(p))} for p in paths]
    _record({"kind": "load", "db": str(resolve_db_path(db)), "files": files, "profile": _profile_ref(profile),
             "mark_demo": mark_demo, "env": _env()})  # fmt: skip
    _inside[0] += 1
    try:
        return _load_files(paths, db=db, profile=profile, mark_demo=mark_demo, progress=progress)
    finally:
        _inside[0] -= 1


def prepare_file(path, profile, slice_rows=None):
    if _inside[0]:
        return _prepare_file(path, profile, slice_rows)
    blob = CORPUS / "profiles" / (hashlib.sha256(pickle.dumps(profile)).hexdigest() + ".pickle")
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(pickle.dumps(profile))
    _record({"kind": "preview", "file": {"name": Path(path).name, "copy": _keep(Path(path))},
             "profile": str(blob.relative_to(CORPUS)), "env": _env()})  # fmt: skip
    return _prepare_file(path, profile, slice_rows)


if CORPUS is not None:
    etl.load.load_files, etl.load.prepare_file = load_files, prepare_file


def pytest_collection_finish(session) -> None:
    """Modules imported before this plugin (the root conftest) hold the functions themselves: rebind them."""
    import sys

    if CORPUS is None:
        return
    for module in list(sys.modules.values()):
        for name, wrapper, real in (
            ("load_files", load_files, _load_files),
            ("prepare_file", prepare_file, _prepare_file),
        ):
            if getattr(module, name, None) is real and module is not etl.load:
                setattr(module, name, wrapper)
