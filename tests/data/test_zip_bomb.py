"""Issue 12 item 5: the XLSX zip-bomb guard counts the real inflated bytes, not the declared ones."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from etl.load import load_files
from etl.readers import ReadError, open_source


def forged_xlsx(path: Path, real_mb: int, declared: int = 3000) -> Path:
    """A small zip whose one sheet inflates to ``real_mb`` MB while its headers declare ``declared``
    bytes: the forged entry of the attack (3.2 MB declared, 1.54 GB real), at test size."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (real_mb * 2**20 // 6))
    data = bytearray(buf.getvalue())
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        pos = data.find(sig)
        while pos != -1:
            name_len = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[name_at : name_at + name_len]).endswith(b"sheet1.xml"):
                struct.pack_into("<I", data, pos + at, declared)
            pos = data.find(sig, pos + 4)
    path.write_bytes(bytes(data))
    return path


def test_forged_sizes_are_caught_by_the_real_bytes(tmp_path: Path, db: Path, monkeypatch) -> None:
    bomb = forged_xlsx(tmp_path / "forged.xlsx", real_mb=40)
    with zipfile.ZipFile(bomb) as zf:  # what the old guard summed
        assert sum(i.file_size for i in zf.infolist()) < 10_000
    assert bomb.stat().st_size < 200_000
    monkeypatch.setenv("HOTLINE_MAX_XLSX_EXPANDED_MB", "8")
    with pytest.raises(ReadError, match="声明的大小是伪造的") as caught:
        open_source(bomb)
    assert "实际解压后超过 8 MB" in str(caught.value) and "上限 8 MB" in str(caught.value)
    summary = load_files([bomb], db=db)
    assert summary.rejected_files == 1 and "压缩炸弹" in summary.details[0].message


def test_forged_sizes_are_caught_by_the_real_ratio(tmp_path: Path) -> None:
    """Under the absolute cap, a real expansion of thousands of times the file size is refused too."""
    bomb = forged_xlsx(tmp_path / "forged.xlsx", real_mb=40)
    with pytest.raises(ReadError, match="压缩比至少"):
        open_source(bomb)


def test_the_guard_holds_one_chunk_in_memory(tmp_path: Path, monkeypatch) -> None:
    """200 MB of inflated sheet against a 64 MB cap: the check allocates a few MB, never the member."""
    bomb = forged_xlsx(tmp_path / "forged.xlsx", real_mb=200)
    monkeypatch.setenv("HOTLINE_MAX_XLSX_EXPANDED_MB", "64")
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="声明的大小是伪造的"):
            open_source(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_an_honest_xlsx_passes_the_real_count(tmp_path: Path, db: Path) -> None:
    import xlsxwriter

    path = tmp_path / "ok.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["工单编号", "受理时间"])
    for i in range(1, 500):
        sheet.write_row(i, 0, [f"T{i}", "2024-03-05 09:00:00"])
    book.close()
    assert open_source(path).kind == "excel"
    assert load_files([path], db=db).loaded == 499
