"""A CSV as Polars reads it: UTF-8 with LF or CRLF line ends. GBK/GB18030 and other encodings are
transcoded to a temporary copy (in two processes when big, ``etl.transcode``), lone CRs made LFs."""

from __future__ import annotations

import codecs
import contextlib
import mmap
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from etl.readers.source import ReadError, SourceFile
from etl.transcode import split_after_line_feed, transcode_range

# A GBK/GB18030 file bigger than this is transcoded in two halves at once (a helper process takes the
# second): the CJK codecs hold the GIL, and the transcode is most of what a GBK load adds to a UTF-8 one.
PARALLEL_TRANSCODE_BYTES = 64 * 2**20
LONE_CR = re.compile(rb"\r(?!\n)")


@contextlib.contextmanager
def utf8_csv(src: SourceFile) -> Iterator[Path]:
    """Yield a UTF-8 path for the CSV whose lines end in LF or CRLF: the file itself, or a copy of it
    (transcoded from GBK/GB18030, and with lone CRs made LFs: Polars reads only LF / CRLF lines)."""
    made: list[Path] = []

    def temp() -> Path:
        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as out:
            made.append(Path(out.name))
        return made[-1]

    try:
        path = src.path
        if src.encoding not in ("utf-8", "utf-8-sig", "utf8"):
            path = temp()
            bad = _transcode(src.path, src.encoding or "gb18030", path)
            if bad is not None and src.encoding in (None, "gb18030"):
                raise ReadError(
                    f"文件 {src.path.name} 既不是 UTF-8 也不是 GBK/GB18030 编码（第 {bad} 字节附近无法解码），"
                    "请用 Excel 或记事本另存为 UTF-8 CSV 后重新导入。"
                )
            if bad is not None:
                raise ReadError(
                    f"文件 {src.path.name} 无法按 {src.encoding} 编码解码（第 {bad} 字节附近）：请检查导入配置的 "
                    "[read] encoding，或用 Excel 或记事本另存为 UTF-8 CSV 后重新导入。"
                )
        if _has_lone_cr(path):  # old Mac line ends, or a mix
            path = _lf_copy(path, temp())
        yield path
    finally:
        for p in made:
            p.unlink(missing_ok=True)


def _has_lone_cr(path: Path) -> bool:
    """Does the file have a CR that is not the start of a CRLF? (a memory map searched in C: ~0.04 s for
    a 250 MB file without CRs, ~0.16 s with CRLF line ends)"""
    if path.stat().st_size == 0:
        return False
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(b"\r") != -1 and LONE_CR.search(mm) is not None  # type: ignore[call-overload]


def _lf_copy(path: Path, target: Path) -> Path:
    """``path`` with every CRLF and lone CR written as LF, into ``target``."""
    carry = b""
    with open(path, "rb") as fh, open(target, "wb") as out:
        while chunk := fh.read(1 << 24):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""  # may be the CR of a CRLF cut in two
            out.write(chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        out.write(b"\n" if carry else b"")
    return target


def _transcode(path: Path, encoding: str, target: Path) -> int | None:
    """``transcode.transcode_range`` of the whole file into ``target``, in two halves at once when big
    (the second in a fresh interpreter that imports only etl.transcode: no fork of a process running
    Polars and DuckDB threads, no re-import of the caller's main module); the offset of the first bytes
    that do not decode, or None."""
    size = path.stat().st_size
    lf_safe = "\n".encode(encoding) == b"\n" and not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    cut = split_after_line_feed(str(path), size) if size > PARALLEL_TRANSCODE_BYTES and lf_safe else size
    if cut >= size:
        return transcode_range(str(path), 0, size, encoding, str(target))
    second = target.with_name(target.name + ".2")
    code = "import sys; from etl.transcode import main; main(sys.argv[1:])"
    args = [str(path), str(cut), str(size), encoding, str(second)]
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        helper = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, env=env, text=True)
        bad = transcode_range(str(path), 0, cut, encoding, str(target))
        out, _ = helper.communicate()
        if helper.returncode != 0:
            raise ReadError(f"转换文件 {path.name} 的编码时出错（辅助进程退出码 {helper.returncode}）")
        bad_later = int(out) if out.strip() else None
        if bad is not None or bad_later is not None:
            return bad if bad is not None else bad_later
        with open(target, "ab") as whole, open(second, "rb") as rest:
            shutil.copyfileobj(rest, whole, 1 << 20)
        return None
    finally:
        second.unlink(missing_ok=True)
