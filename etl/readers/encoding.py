"""Which encoding a CSV is in: a BOM, UTF-8, or else GB18030 (GBK) or a single-byte Western one.

Any byte string decodes as GB18030 somehow, so "it is not UTF-8" used to mean GB18030, and a
Windows-1252 export loaded as ``Dorch閟ter`` without a word. Two opinions now decide:

- the byte pairs: in Chinese text nearly every double-byte character lies in the GB2312 block (both
  bytes 0xA1-0xFE: the common hanzi and the full-width punctuation); a Western accent read as the
  lead byte of a pair takes an ASCII letter as its trail (``é`` + ``s`` -> ``閟``), outside it;
- charset-normalizer, a maintained statistical detector, as the second opinion.

When they agree the choice is silent; when they do not, the file is read by the byte-pair choice
and a warning says which encoding was assumed and how to force another (a profile's
``[read] encoding``, any codec Python knows).

All of it is judged from the first 64 KiB of the file (``sniff_encoding``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from etl.readers.source import ReadError

SNIFF_BYTES = 64 * 1024
# At or above this share of GB2312 pairs the bytes look Chinese (real exports: ~100 %; a name with rare
# characters such as 镕 lowers it), below it Western (Western text: 0-20 %, accented letter pairs like "öß").
WESTERN_SHARE = 0.5
CJK_CODECS = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp936", "euc_jp", "shift_jis", "cp932",
              "euc_kr", "cp949", "johab", "iso2022_jp", "iso2022_kr", "utf_8", "utf_16", "utf_32"}  # fmt: skip
NAMES = {"gb18030": "GB18030（GBK，简体中文）", "cp1252": "Windows-1252（西文）", "latin_1": "ISO-8859-1（西文）"}


@dataclass(frozen=True)
class Guess:
    encoding: str  # a Python codec name
    warning: str | None = None  # set when the two opinions disagree or there is too little to judge


def gb2312_share(head: bytes) -> tuple[float, int]:
    """(share of double-byte pairs inside the GB2312 block, number of pairs) of GB18030-read bytes."""
    pairs = inside = i = 0
    while i < len(head) - 1:
        lead = head[i]
        if lead < 0x81 or lead == 0xFF:
            i += 1
            continue
        trail = head[i + 1]
        if 0x30 <= trail <= 0x39:  # a four-byte GB18030 sequence (rare characters)
            pairs += 1
            i += 4
            continue
        pairs += 1
        inside += 0xA1 <= lead <= 0xFE and 0xA1 <= trail <= 0xFE
        i += 2
    return (inside / pairs if pairs else 0.0), pairs


def second_opinion(head: bytes) -> str | None:
    """charset-normalizer's best codec for the bytes (a Python codec name), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return codecs.lookup(best.encoding).name.replace("-", "_") if best else None


def _western(head: bytes) -> str:
    """cp1252 when the bytes decode strictly in it (its five unused bytes absent), else latin-1."""
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin_1"


def guess_legacy(head: bytes, name: str) -> Guess:
    """The encoding of ``head`` (the first bytes of file ``name``), known not to be UTF-8."""
    share, pairs = gb2312_share(head)
    other = second_opinion(head)
    other_cjk = other is None or other in CJK_CODECS
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        gb_decodes = True
    except UnicodeDecodeError:
        gb_decodes = False
    chinese_bytes = gb_decodes and share >= WESTERN_SHARE
    if chinese_bytes and other_cjk:
        return Guess("gb18030")
    western = _western(head)
    if not chinese_bytes and not other_cjk:
        return Guess(western)
    chosen = "gb18030" if chinese_bytes else western
    why = f"字节特征 {share:.0%} 像简体中文（{pairs} 个双字节组合），charset-normalizer 认为是 {other or '无法判断'}"
    return Guess(
        chosen,
        f"文件 {name} 的编码无法确定（{why}），已按 {NAMES.get(chosen, chosen)} 读取。"
        f'如果文字成了乱码，请在导入配置的 [read] 中写明 encoding，例如 encoding = "{"cp1252" if chosen == "gb18030" else "gb18030"}"',
    )


def detect_encoding(path: Path) -> str:
    """The encoding ``sniff_encoding`` picks."""
    return sniff_encoding(path).encoding


def sniff_encoding(path: Path) -> Guess:
    """BOM -> utf-8-sig; the first 64 KiB decode as UTF-8 (a cut character allowed) -> utf-8; else
    GB18030 or a single-byte Western encoding, as ``guess_legacy`` judges (with a warning when unsure)."""
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
