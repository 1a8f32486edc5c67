"""Upload an export from the browser through the same ETL as the command line (SPEC §2, §5).

No Streamlit here: the data page draws, these functions do the work, and tests call them directly.
An upload is saved in a private temp folder (``hotline-upload-<pid>-…``, 0700) because the readers
need a file; it holds phone numbers, so it is deleted when the upload is loaded, replaced or
cleared, when the session that made it ends (``SavedUpload``), and at the next start of the
dashboard if the process that made it is gone (``sweep_stale_uploads``).
The preview and the mapping editor (etl.profile_preview, pages.components.mapping_editor) run the
load's own read, map and check on the saved file before anything is written; the load itself is
``etl.load.load_files``, whose copy-and-swap keeps every open page reading a complete warehouse.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import weakref
from pathlib import Path

import polars as pl

from etl.admission import LoadRefused  # noqa: F401 - for the data page: a refused load is not a failed one
from etl.load import LoadSummary, load_files
from etl.profiles import CATEGORY_PATH
from etl.progress import ProgressCallback
from warehouse.backups import UPLOAD_PREFIX
from warehouse.connection import resolve_db_path
from warehouse.fields import FIELD_BY_NAME

ACCEPTED_TYPES = ("csv", "xlsx", "xlsm")
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")
CATEGORY_PATH_LABEL = ("问题分类（一级->二级->三级）", "Category path (L1->L2->L3)")


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


def field_label(name: str, lang: str = "zh") -> str:
    """A canonical field as people say it: '受理时间 (received_at)'."""
    if name == CATEGORY_PATH:
        return CATEGORY_PATH_LABEL[1 if lang == "en" else 0]
    if name not in FIELD_BY_NAME:
        return name
    zh = FIELD_BY_NAME[name].label_zh
    return f"{name} ({zh})" if lang == "en" else f"{zh} ({name})"


def load_upload(
    path: Path,
    db: str | Path | None = None,
    replace_demo: bool = False,
    profile: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> LoadSummary:
    """Load the saved file into the warehouse (one transaction, swapped in atomically) with ``profile``
    (a profile file: shipped or saved beside the warehouse; None = the built-in default). Into a demo
    warehouse only with ``replace_demo`` (every demo order discarded; etl.admission refuses otherwise)."""
    return load_files([path], db=resolve_db_path(db), replace_demo=replace_demo, profile=profile, progress=progress)


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
