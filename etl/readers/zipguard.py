"""The zip-bomb guard for XLSX files: the real decompressed size, never the declared one.

An XLSX is a zip archive. Its central directory declares each member's size, and a forged one can
declare 3.2 MB for a member that inflates to 1.54 GB (the parser then took the process to 4.75 GB).
So every member is inflated here once, a chunk at a time and thrown away, counting real bytes, and
the count stops as soon as it passes the cap: memory stays at about one chunk whatever the file
holds, and the parser never sees a file that expands past the limits.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

MAX_XLSX_EXPANDED_MB = 2048  # HOTLINE_MAX_XLSX_EXPANDED_MB: an XLSX's unzipped contents
MAX_XLSX_RATIO = 200  # real exports compress 5-20x; a bomb, thousands
CHUNK = 1 << 20


class ContainerError(ValueError):
    """Not a zip archive, or one that expands past the limits; the message says which."""


def expanded_limit() -> int:
    return int(float(os.environ.get("HOTLINE_MAX_XLSX_EXPANDED_MB", MAX_XLSX_EXPANDED_MB)) * 2**20)


def check_xlsx_container(path: Path) -> None:
    """Refuse what is not an XLSX, or what expands into far more than it looks (declared or real)."""
    size = max(path.stat().st_size, 1)
    limit = expanded_limit()
    cap = min(limit, size * MAX_XLSX_RATIO)
    try:
        with zipfile.ZipFile(path) as zf, open(path, "rb") as raw:
            members = zf.infolist()
            declared = sum(info.file_size for info in members)
            expanded = 0
            if declared <= cap:
                for info in members:
                    expanded += member_bytes(raw, info, cap - expanded)
                    if expanded > cap:
                        break
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError):
        raise ContainerError(f"{path.name} 不是有效的 XLSX 文件（可能已损坏，或是改了扩展名的其他文件）") from None
    if declared > cap:
        raise ContainerError(
            f"{path.name} 解压后有 {declared / 2**20:.0f} MB（压缩比 {declared / size:.0f} 倍），超过上限 "
            f"{limit / 2**20:.0f} MB / {MAX_XLSX_RATIO} 倍：请拆分文件，或改为导出 CSV。"
        )
    if expanded > cap:
        raise ContainerError(
            f"{path.name} 实际解压后超过 {expanded / 2**20:.0f} MB（压缩比至少 {expanded / size:.0f} 倍），"
            f"而文件目录只声明了 {declared / 2**20:.1f} MB：声明的大小是伪造的（疑似压缩炸弹），超过上限 "
            f"{limit / 2**20:.0f} MB / {MAX_XLSX_RATIO} 倍，未读取。请从原系统重新导出，或改为导出 CSV。"
        )


def member_bytes(raw: BinaryIO, info: zipfile.ZipInfo, budget: int) -> int:
    """The real inflated size of one member, counted up to ``budget`` plus at most one chunk.

    Its compressed bytes are found as a parser finds them (the local header after the directory's
    offset) and run through zlib with a bounded output per call, so a chunk that inflates a
    thousandfold is still taken a megabyte at a time. XLSX members are stored or deflated only."""
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        return left
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("a compression method XLSX does not use")
    inflate, total = zlib.decompressobj(-zlib.MAX_WBITS), 0
    while left > 0 and total <= budget:
        data = raw.read(min(CHUNK, left))
        if not data:
            break
        left -= len(data)
        total += len(inflate.decompress(data, CHUNK))
        while inflate.unconsumed_tail and total <= budget:
            total += len(inflate.decompress(inflate.unconsumed_tail, CHUNK))
    return total
