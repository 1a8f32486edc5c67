"""Readers: a file in, a Polars frame of text cells out, and nothing else.

Every cell is read as text (typing is the mapping step's job, where a bad cell becomes a
quarantine reason instead of a crash). CSV is parsed by Polars' native reader (columnar, never
Python objects row by row); GBK/GB18030 files are first transcoded to a temporary UTF-8 file in
chunks, because Polars' fast path reads only UTF-8 and DuckDB here cannot read GBK at all.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import os
import re
import shutil
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.encodings import Guess, guess_legacy
from etl.records import JSON_SUFFIXES, RecordsError, read_records
from etl.transcode import split_after_line_feed, transcode_range
from etl.zipguard import ContainerError, check_xlsx_container

SNIFF_BYTES = 64 * 1024
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
# Clear limits against oversized input (each overridable by an environment variable of that name).
MAX_FILE_MB = 8192  # HOTLINE_MAX_FILE_MB: one export file


class ReadError(ValueError):
    """The file cannot be read at all (not a data problem of single rows)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # csv | excel | json
    encoding: str | None  # CSV and JSON: a Python codec name (utf-8, utf-8-sig, gb18030, cp1252, …)
    sheet: str | None = None
    warning: str | None = None  # the encoding was guessed without certainty (etl.encodings)
    records: str | None = None  # JSON: the key of the list of records (a profile's [read] records)


def detect_encoding(path: Path) -> str:
    """The encoding ``sniff_encoding`` picks."""
    return sniff_encoding(path).encoding


def sniff_encoding(path: Path) -> Guess:
    """BOM -> utf-8-sig; the first 64 KiB decode as UTF-8 (a cut character allowed) -> utf-8; else
    GB18030 or a single-byte Western encoding, as etl.encodings judges (with a warning when unsure)."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return Guess("utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            f"文件 {path.name} 是 UTF-16 编码（Excel 的「Unicode 文本」），不是逗号分隔的 CSV："
            "请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后重新导入。"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return Guess("utf-8")
    except UnicodeDecodeError:
        return guess_legacy(head, path.name)


def _limit(name: str, default_mb: int) -> int:
    return int(float(os.environ.get(name, default_mb)) * 2**20)


def check_excel_container(path: Path) -> None:
    """Refuse what is not an XLSX, or what would expand into far more than it looks (a zip bomb)."""
    try:
        check_xlsx_container(path)
    except ContainerError as exc:
        raise ReadError(str(exc)) from None


def open_source(
    path: Path, encoding: str = "auto", sheet: str | int | None = None, fmt: str = "auto", records: str | None = None
) -> SourceFile:
    """The file checked (exists, within the limits) and its kind and encoding decided: ``fmt`` (a
    profile's ``[read] format``) or the name's suffix, then the bytes."""
    if not path.is_file():
        raise ReadError(f"文件不存在：{path}" if not path.exists() else f"不是文件：{path}")
    size, limit = path.stat().st_size, _limit("HOTLINE_MAX_FILE_MB", MAX_FILE_MB)
    if size > limit:
        raise ReadError(
            f"{path.name} 有 {size / 2**20:.0f} MB，超过单个文件上限 {limit / 2**20:.0f} MB：请按月拆分后导入。"
        )
    suffix = path.suffix.lower()
    if fmt == "excel" or (fmt == "auto" and suffix in EXCEL_SUFFIXES):
        if suffix != ".xls":  # legacy .xls is not a zip; calamine bounds it itself
            check_excel_container(path)
        return SourceFile(path, "excel", None, _pick_sheet(path, sheet))
    guess = sniff_encoding(path) if encoding in ("auto", "", None) else Guess(encoding)
    kind = "json" if fmt == "json" or (fmt == "auto" and suffix in JSON_SUFFIXES) else "csv"
    return SourceFile(path, kind, guess.encoding, warning=guess.warning, records=records)


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an Excel file, in their order."""
    import fastexcel

    try:
        names = fastexcel.read_excel(str(path)).sheet_names
    except Exception as exc:  # calamine raises its own error types
        raise ReadError(f"无法打开 Excel 文件 {path.name}：{exc}") from None
    if not names:
        raise ReadError(f"Excel 文件 {path.name} 没有工作表")
    return names


def _pick_sheet(path: Path, sheet: str | int | None) -> str:
    names = sheet_names(path)
    if sheet is None or sheet == "":
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return sheet
    raise ReadError(f"Excel 文件 {path.name} 中没有工作表「{sheet}」；现有工作表：{'、'.join(names)}")


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
    root = str(Path(__file__).resolve().parents[1])
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


def preview_rows(src: SourceFile, n_rows: int = 60) -> list[list[str]]:
    """The first rows as text, header or not: enough to find the header under a title row. Row i of
    the result is row i of the sheet or the file, blank rows included (a blank CSV line is [])."""
    if src.kind == "excel":
        try:
            frame = pl.read_excel(
                src.path,
                sheet_name=src.sheet,
                has_header=False,
                infer_schema_length=0,
                read_options={"n_rows": n_rows, "skip_rows": 0},  # from the sheet's first row, blank or not
                drop_empty_rows=False,
                raise_if_empty=False,  # an empty sheet has no header: the caller says so, or tries the next
            )
        except Exception as exc:  # calamine's own error types
            raise ReadError(f"无法读取 Excel 文件 {src.path.name}：{str(exc).splitlines()[0]}") from None
        return [["" if v is None else str(v) for v in row] for row in frame.rows()]
    if src.kind == "json":
        frame = _json_frame(src)
        return [frame.columns, *([v or "" for v in row] for row in frame.head(n_rows - 1).rows())]
    with open(src.path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    text = head.decode(src.encoding or "utf-8", errors="ignore").lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\0", ""), newline="")))
    except csv.Error as exc:
        raise ReadError(f"无法解析 CSV 文件 {src.path.name} 的表头：{exc}") from None
    return rows[:n_rows]


def read_frame(src: SourceFile, header_row: int = 0) -> pl.DataFrame:
    """All data rows under the header, every column as text (empty cells -> null)."""
    if src.kind == "excel":
        try:
            return fold_unnamed(
                pl.read_excel(
                    src.path,
                    sheet_name=src.sheet,
                    infer_schema_length=0,
                    read_options={"header_row": header_row},
                    drop_empty_rows=False,  # a blank row keeps its number, as in a CSV (tidy_cells drops it)
                )
            )
        except Exception as exc:
            raise ReadError(f"无法读取 Excel 文件 {src.path.name}：{exc}") from None
    if src.kind == "json":
        return _json_frame(src)
    skip = _polars_skip_rows(preview_rows(src, header_row)[:header_row]) if header_row else 0
    with utf8_csv(src) as path:
        try:
            return read_csv_cells(path, skip_rows=skip)
        except ReadError as exc:
            raise ReadError(f"CSV 文件 {src.path.name}：{exc}") from None
        except pl.exceptions.NoDataError:
            raise ReadError(f"文件 {src.path.name} 是空的") from None
        except pl.exceptions.PolarsError as exc:
            raise ReadError(f"无法解析 CSV 文件 {src.path.name}：{str(exc).splitlines()[0]}") from None


def _json_frame(src: SourceFile) -> pl.DataFrame:
    try:
        return read_records(src.path, src.encoding or "utf-8", src.records)
    except RecordsError as exc:
        raise ReadError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"文件 {src.path.name} 无法按 {src.encoding} 解码（第 {exc.start} 字节附近）：JSON 应为 UTF-8"
        ) from None


# The column a CSV frame gets when some row has more cells than the header: the text of the cells past
# the header (joined by commas), null in every other row. Not a header of the file, so never mapped to
# a field; the row is loaded and its extra cells reported (etl.mapping), so nothing is dropped unseen.
EXTRA_CELLS = "（表头以外的单元格）"


def _polars_skip_rows(above: list[list[str]]) -> int:
    """Polars' ``skip_rows`` for a header under the rows ``above`` it (``preview_rows``): Polars passes
    over the blank lines at the very start of a file by itself, and counts every row after them."""
    leading = next((i for i, row in enumerate(above) if row), len(above))
    return len(above) - leading


def read_csv_cells(data: Path | bytes, skip_rows: int = 0, fallback: bool = True) -> pl.DataFrame:
    """Every cell of a UTF-8 CSV (a path, or the text of one as bytes) as text, the header after
    ``skip_rows`` rows (as Polars counts them: see ``_polars_skip_rows``); with :data:`EXTRA_CELLS` when a
    row has non-empty cells past the header.

    Polars reads the file. It refuses two things real exports have: a row longer than the header, and
    a quote inside an unquoted cell (``12"显示器``, which Excel and Python read as a literal quote).
    Such a file is read again by Python's csv module, slower but the same cells otherwise (without
    ``fallback``, Polars' refusal is raised)."""
    try:
        frame = pl.read_csv(data, infer_schema=False, skip_rows=skip_rows, encoding="utf8")
    except pl.exceptions.ComputeError as exc:
        if not fallback:
            raise
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()  # line ends inside cells kept as they are
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:  # not the encoding it looked like: Polars' own error says where
            raise exc from None
        frame = _read_csv_python(text, skip_rows)
    return fold_unnamed(frame)


csv.field_size_limit(64 * 2**20)  # a cell of a real export can be long (the module's default: 128 KiB)


def _read_csv_python(text: str, skip_rows: int) -> pl.DataFrame:
    """``read_csv_cells`` by Python's csv module: the same header names as Polars gives (a repeated name
    gets ``_duplicated_<n>``), empty cells and blank lines as nulls, cells past the header in
    :data:`EXTRA_CELLS`."""
    records = csv.reader(io.StringIO(text, newline=""))
    index, header = -1, None  # rows after the leading blank lines: the header is row skip_rows
    try:
        for cells in records:
            if (cells or index >= 0) and (index := index + 1) == skip_rows:
                header = cells
                break
        if not header:
            raise pl.exceptions.NoDataError("empty CSV")
        width, columns, extra = len(header), [[] for _ in header], []
        for cells in records:
            for i, column in enumerate(columns):
                column.append(cells[i] or None if i < len(cells) else None)
            extra.append(",".join(cells[width:]) if any(c.strip() for c in cells[width:]) else None)
    except csv.Error as exc:
        raise ReadError(f"CSV 格式有误，无法逐行读取：{exc}") from None
    seen: dict[str, int] = {}
    names = []
    for name in header:
        names.append(name if name not in seen else f"{name}_duplicated_{seen[name]}")
        seen[name] = seen.get(name, -1) + 1
    frame = pl.DataFrame({n: pl.Series(n, c, dtype=pl.String) for n, c in zip(names, columns, strict=True)})
    if any(extra):  # only empty cells past the header: nothing lost, no column
        frame = frame.with_columns(pl.Series(EXTRA_CELLS, extra, dtype=pl.String))
    return frame


# Columns without a header: an empty header cell ("" and Polars' "_duplicated_<n>" for a second one),
# or a spreadsheet column past the header that holds a value (fastexcel's "__UNNAMED__<n>").
UNNAMED = re.compile(r"^(?:|_duplicated_\d+|__UNNAMED__\d+)$")


def fold_unnamed(frame: pl.DataFrame) -> pl.DataFrame:
    """The cells of columns without a header, moved into :data:`EXTRA_CELLS` (with any cells past the
    header already there): no field can be mapped to them, so they are reported, never dropped unseen."""
    unnamed = [c for c in frame.columns if UNNAMED.match(c.strip())]
    if not unnamed:
        return frame
    present = [c for c in (*unnamed, EXTRA_CELLS) if c in frame.columns]
    cells = [pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in present]
    folded = pl.concat_str(cells, separator=",", ignore_nulls=True)
    frame = frame.with_columns(pl.when(folded != "").then(folded).alias(EXTRA_CELLS)).drop(unnamed)
    return frame if frame[EXTRA_CELLS].null_count() < frame.height else frame.drop(EXTRA_CELLS)


# A big CSV is parsed in pieces of about this size (each piece a Polars frame), so that no copy of the
# whole file is mapped or held twice; smaller files are read whole, as above.
CHUNKED_MIN_BYTES = 256 * 2**20
PIECE_BYTES = 128 * 2**20
BOM = codecs.BOM_UTF8


def read_frames(
    src: SourceFile, header_row: int = 0, key_columns: tuple[str, ...] = ()
) -> list[pl.DataFrame] | CsvPieces:
    """``read_frame``'s rows as a sequence of frames: a list of one frame, or, for a big CSV with the
    header on its first line, a :class:`CsvPieces` (the columns named in ``key_columns``, compared
    after trimming, are read for the whole file at once; the rest piece by piece)."""
    if src.kind != "csv" or header_row != 0 or src.path.stat().st_size <= CHUNKED_MIN_BYTES:
        return [read_frame(src, header_row)]
    return CsvPieces(src, key_columns)


class CsvPieces:
    """A big CSV as frames of about ``PIECE_BYTES`` each, parsed each time they are iterated (the
    file is read again, from the page cache): a whole file of string cells takes about twice its
    size in memory, a piece at a time takes a piece. The key columns (the order ids, which the
    duplicate rules need for the whole file before any row is checked) are read in full at once,
    which also proves the file parses before anything is written."""

    def __init__(self, src: SourceFile, key_columns: tuple[str, ...]) -> None:
        self.name = src.path.name
        self.path = src.path
        with utf8_csv(src) as path:
            if path != src.path:  # a transcoded or LF copy: kept until this object is gone
                self.path = path.with_name(path.name + ".pieces")
                path.rename(self.path)
                weakref.finalize(self, self.path.unlink, missing_ok=True)
        self.piece_bytes = PIECE_BYTES
        # Pieces are cut where an even number of quotes comes before a line break (fast, exact for RFC
        # 4180 files). A quote inside an unquoted cell (12"显示器) breaks that count, and Polars refuses
        # such a piece: then the file is cut between the records Python's csv module reads (slower).
        self.exact = False
        try:
            self.keys = [self._parse(piece, key_columns) for piece in self._pieces()]
        except _Irregular:
            self.exact = True
            self.keys = [self._parse(piece, key_columns) for piece in self._pieces()]

    def _pieces(self) -> Iterator[bytes]:
        return (csv_record_pieces if self.exact else csv_pieces)(self.path, self.piece_bytes)

    def _parse(self, piece: bytes, key_columns: tuple[str, ...] | None = None) -> pl.DataFrame:
        """A piece's cells (``read_csv_cells``), or with ``key_columns`` only those columns. Before the
        file is known to need exact cuts, a piece Polars refuses raises _Irregular."""
        strict = not self.exact and key_columns is not None  # the same rows the full read gives, or a refusal
        try:
            frame = read_csv_cells(piece, fallback=not strict)
        except pl.exceptions.ComputeError as exc:
            if strict:
                raise _Irregular from None
            raise ReadError(f"无法解析 CSV 文件 {self.name}：{str(exc).splitlines()[0]}") from None
        except pl.exceptions.NoDataError:
            raise ReadError(f"文件 {self.name} 是空的") from None
        except pl.exceptions.PolarsError as exc:
            raise ReadError(f"无法解析 CSV 文件 {self.name}：{str(exc).splitlines()[0]}") from None
        if key_columns is None:
            return frame
        return frame.select([c for c in frame.columns if c.strip() in key_columns] or frame.columns[:1])

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[pl.DataFrame]:
        """The pieces in full. Rows may already be written when a piece fails here, so the failure is
        not a ReadError (a rejected file must leave nothing behind) but fails the whole load."""
        for piece, keys in zip(self._pieces(), self.keys, strict=True):
            try:
                frame = self._parse(piece)
            except ReadError as exc:
                raise RuntimeError(str(exc)) from None
            if frame.height != keys.height:  # cannot happen: the same bytes, the same parser
                raise RuntimeError(f"CSV 文件 {self.name} 两次读取的行数不同，文件是否在导入时被改动？")
            yield frame


class _Irregular(Exception):
    """A piece that Polars refuses: the file's pieces must be cut by records (csv_record_pieces)."""


def csv_record_pieces(path: Path, piece_bytes: int | None = None) -> Iterator[bytes]:
    """``csv_pieces`` cut only between the records Python's csv module reads (which takes a quote inside
    an unquoted cell as a character, as Excel does). ~2.4 s for the 245 MB 1M-row export (``csv_pieces``:
    0.7 s); only for files that need it.
    Lines are split at LF (``utf8_csv`` made lone CRs LFs)."""
    piece_bytes = piece_bytes or PIECE_BYTES
    with open(path, "rb") as fh:
        taken: list[bytes] = []
        size = [0]  # bytes in taken

        def lines() -> Iterator[str]:
            for line in fh:
                taken.append(line)
                size[0] += len(line)
                yield line.decode("utf-8", errors="replace")

        records = csv.reader(lines())
        try:
            next(records)  # the header
            header = b"".join(taken).removeprefix(BOM)
            taken.clear()
            size[0] = 0
            for _ in records:
                if size[0] >= piece_bytes:
                    yield header + b"".join(taken)
                    taken.clear()
                    size[0] = 0
        except csv.Error as exc:
            raise ReadError(f"CSV 格式有误，无法逐行读取：{exc}") from None
        if b"".join(taken).strip():
            yield header + b"".join(taken)


def csv_pieces(path: Path, piece_bytes: int | None = None) -> Iterator[bytes]:
    """The file as CSV texts that each start with the header line and end at a line break that is
    not inside a quoted cell (an even number of quote characters before it: RFC 4180 doubles a
    quote inside a cell). A UTF-8 BOM is dropped, as Polars drops it when it reads the file."""
    piece_bytes = piece_bytes or PIECE_BYTES
    with open(path, "rb") as fh:
        buf = fh.read(piece_bytes)
        if buf.startswith(BOM):
            buf = buf[len(BOM) :]
        end = _split_point(buf, first=True)
        while end is None and (more := fh.read(piece_bytes)):  # a header longer than a piece
            buf += more
            end = _split_point(buf, first=True)
        if end is None:
            yield buf
            return
        header, buf = buf[:end], buf[end:]
        while more := fh.read(piece_bytes):
            buf += more
            end = _split_point(buf)
            if end:
                yield header + buf[:end]
                buf = buf[end:]
        if buf.strip():
            yield header + buf


def _split_point(buf: bytes, first: bool = False) -> int | None:
    """Just after the first (``first``) or last line break outside quotes; None when there is none."""
    if first:
        pos = 0
        while (nl := buf.find(b"\n", pos)) != -1:
            if buf.count(b'"', 0, nl) % 2 == 0:
                return nl + 1
            pos = nl + 1
        return None
    total = buf.count(b'"')
    tail, right = 0, len(buf)
    while (nl := buf.rfind(b"\n", 0, right)) != -1:
        tail += buf.count(b'"', nl, right)
        if (total - tail) % 2 == 0:
            return nl + 1
        right = nl
    return None
