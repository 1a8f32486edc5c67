"""Upload an export from the browser through the same ETL as the command line (SPEC §2, §5).

No Streamlit here: the data page draws, these functions do the work, and tests call them directly.
An upload is saved in a private temp folder (``hotline-upload-<pid>-…``, 0700) because the readers
need a file; it holds phone numbers, so it is deleted when the upload is loaded, replaced or
cleared, when the session that made it ends (``SavedUpload``), and at the next start of the
dashboard if the process that made it is gone (``sweep_stale_uploads``).
The preview runs ``etl.load.prepare_file`` (read, find the header, map, check) on the saved file so
the analyst sees the detected encoding, sheet, header row and column mapping — or the rejection —
before anything is written; the load itself is ``etl.load.load_files``, whose copy-and-swap keeps
every open page reading a complete warehouse.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.admission import LoadRefused  # noqa: F401 - for the data page: a refused load is not a failed one
from etl.load import LoadSummary, load_files, prepare_file
from etl.mapping import UnmappableError
from etl.profiles import CATEGORY_PATH, load_profile
from etl.readers import ReadError
from warehouse.backups import UPLOAD_PREFIX
from warehouse.connection import resolve_db_path
from warehouse.fields import FIELD_BY_NAME

ACCEPTED_TYPES = ("csv", "xlsx", "xlsm")
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")
CATEGORY_PATH_LABEL = ("问题分类（一级->二级->三级）", "Category path (L1->L2->L3)")


@dataclass(frozen=True)
class UploadPreview:
    """What the loader would do with a file, without loading it."""

    path: Path
    error: str | None = None  # the whole-file rejection, in the words the CLI uses
    kind: str | None = None  # csv | excel
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based row of the header in the file
    headers: list[str] = field(default_factory=list)  # the header row as found
    mapping: list[tuple[str, str, int]] = field(default_factory=list)  # (source header, field, priority)
    unmapped: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    rows_read: int = 0
    good: int = 0
    duplicates: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    cell_warnings: int = 0  # rows loaded with an unreadable yes/no or count cell

    @property
    def ok(self) -> bool:
        return self.error is None


def save_upload(name: str, content: bytes, folder: Path | None = None) -> Path:
    """Write the uploaded bytes under their own file name (the load history shows it) in a fresh
    private folder; only the base name is kept, with characters unsafe in a path replaced."""
    folder = folder or Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
    folder.mkdir(parents=True, exist_ok=True)
    safe = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "upload.csv"
    path = folder / safe
    path.write_bytes(content)
    return path


def discard_upload(path: Path) -> None:
    """Remove the saved upload and its private folder."""
    if path.parent.name.startswith(UPLOAD_PREFIX):
        shutil.rmtree(path.parent, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class SavedUpload:
    """A saved upload that deletes itself when dropped: kept in the Streamlit session, it goes when the
    session goes (Streamlit has no session-end hook, but it lets go of an ended session's state), and
    at the latest when the process exits."""

    def __init__(self, file_id: str, path: Path) -> None:
        self.file_id, self.path = file_id, path
        self._finalizer = weakref.finalize(self, discard_upload, path)

    def discard(self) -> None:
        self._finalizer()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_stale_uploads(folder: Path | None = None, older_than_s: float = 86_400) -> list[Path]:
    """Delete upload folders left by dashboard processes that are gone (killed, crashed); a folder
    without a process id (older versions) only once it is a day old. Returns what was deleted."""
    gone = []
    for path in Path(folder or tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*"):
        pid = path.name[len(UPLOAD_PREFIX) :].split("-", 1)[0]
        stale = not _pid_alive(int(pid)) if pid.isdigit() else time.time() - path.stat().st_mtime > older_than_s
        if stale and path.is_dir() and pid != str(os.getpid()):
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


def preview_upload(path: Path, profile: str | Path | None = None) -> UploadPreview:
    """Read, map and check the file exactly as a load would; never touches the warehouse."""
    try:
        prep = prepare_file(path, load_profile(profile))
    except (UnmappableError, ReadError) as exc:
        return UploadPreview(path, error=str(exc))
    cmap, checked = prep.cmap, prep.checked
    mapping = [(src, fld, i + 1) for fld, sources in cmap.sources.items() for i, src in enumerate(sources)]
    used = {src for src, _f, _i in mapping}
    fields = set(cmap.sources)
    if CATEGORY_PATH in fields:
        fields |= {"category_l1", "category_l2", "category_l3"}
    reasons = checked.quarantine.group_by("reason_code").len().sort("len", descending=True)
    return UploadPreview(
        path,
        kind=prep.source.kind,
        encoding=prep.source.encoding,
        sheet=prep.source.sheet,
        header_row=cmap.header_row + 1,
        headers=list(cmap.headers),
        mapping=mapping,
        unmapped=[h for h in cmap.headers if h and h not in used],
        missing_fields=[f for f in FIELD_BY_NAME if f not in fields],
        rows_read=checked.rows_read,
        good=checked.good.height,
        duplicates=checked.duplicates,
        quarantine_reasons=dict(zip(reasons["reason_code"], reasons["len"], strict=True)),
        cell_warnings=checked.warnings.height,
    )


def field_label(name: str, lang: str = "zh") -> str:
    """A canonical field as people say it: '受理时间 (received_at)'."""
    if name == CATEGORY_PATH:
        return CATEGORY_PATH_LABEL[1 if lang == "en" else 0]
    if name not in FIELD_BY_NAME:
        return name
    zh = FIELD_BY_NAME[name].label_zh
    return f"{name} ({zh})" if lang == "en" else f"{zh} ({name})"


def mapping_frame(preview: UploadPreview, lang: str = "zh") -> pl.DataFrame:
    """source header -> canonical field, in the file's column order (for display)."""
    order = {h: i for i, h in enumerate(preview.headers)}
    rows = sorted(preview.mapping, key=lambda m: order.get(m[0], 1_000))
    return pl.DataFrame(
        {
            "source": [src for src, _f, _p in rows],
            "field": [field_label(f, lang) for _s, f, _p in rows],
            "priority": [p for _s, _f, p in rows],
        },
        schema={"source": pl.String, "field": pl.String, "priority": pl.Int64},
    )


def load_upload(path: Path, db: str | Path | None = None, replace_demo: bool = False) -> LoadSummary:
    """Load the saved file into the warehouse (one transaction, swapped in atomically). Into a demo
    warehouse only with ``replace_demo`` (every demo order discarded; etl.admission refuses otherwise)."""
    return load_files([path], db=resolve_db_path(db), replace_demo=replace_demo)


def summary_frame(summary: LoadSummary) -> pl.DataFrame:
    """One row per file of the load: status, counts and the message."""
    return pl.DataFrame(
        [
            {
                "file_name": d.file,
                "status": d.status,
                "rows_read": d.rows_read,
                "loaded": d.loaded,
                "updated": d.updated,
                "unchanged": d.unchanged,
                "quarantined": d.quarantined,
                "duplicates": d.duplicates,
                "message": d.message or None,
            }
            for d in summary.details
        ],
        schema={
            "file_name": pl.String, "status": pl.String, "rows_read": pl.Int64, "loaded": pl.Int64,
            "updated": pl.Int64, "unchanged": pl.Int64, "quarantined": pl.Int64, "duplicates": pl.Int64,
            "message": pl.String,
        },
    )  # fmt: skip
