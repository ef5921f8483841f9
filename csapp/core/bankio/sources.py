"""Opening files: what kind of file it is, whether it is safe to open, and its text.

Everything a hostile or broken file can do to us is turned into one ``BankReadError`` here.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from pathlib import Path

from .model import BankReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Zip-bomb limits: checked on the central directory before openpyxl touches the archive.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_TOTAL = 1 << 30  # 1 GiB uncompressed in all
MAX_ZIP_RATIO = 200  # per member, checked when the member is larger than RATIO_FLOOR
RATIO_FLOOR = 10 << 20
TEXT_MAX = 200 << 20  # a 200 MB text file is not a question bank

_BINARY_MAGICS = (
    (b"\x89PNG", "这是一张图片（PNG），不是题库表格。"),
    (b"\xff\xd8\xff", "这是一张图片（JPEG），不是题库表格。"),
    (b"GIF8", "这是一张图片（GIF），不是题库表格。"),
    (b"BM", None),
    (b"%PDF", "这是 PDF 文件，请把题目复制到 Excel 表格或粘贴为文本后再导入。"),
    (b"Rar!", "这是 RAR 压缩包，请先解压，再选择其中的 Excel 表格。"),
    (b"7z\xbc\xaf", "这是 7z 压缩包，请先解压，再选择其中的 Excel 表格。"),
    (b"\x1f\x8b", "这是 gzip 压缩文件，请先解压，再选择其中的 Excel 表格。"),
    (b"{\\rtf", "这是 RTF 文档，请把题目复制到 Excel 表格或粘贴为文本后再导入。"),
)


def os_error(exc: OSError, path: str | os.PathLike) -> BankReadError:
    """The one sentence for a file we could not open or read."""
    name = Path(path).name
    if isinstance(exc, FileNotFoundError):
        return BankReadError(f"找不到文件“{name}”，它可能已被移动或删除。")
    if isinstance(exc, IsADirectoryError):
        return BankReadError(f"“{name}”是文件夹，不是题库文件。")
    if isinstance(exc, PermissionError):
        return BankReadError(f"没有权限读取文件“{name}”，请检查文件是否被其他程序占用。")
    detail = exc.strerror or "系统错误"
    return BankReadError(f"读取文件“{name}”时出错（{detail}），请检查文件和磁盘后再试。")


def _head(path: str | os.PathLike, size: int = 8) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise os_error(exc, path) from None


def detect_format(path: str | os.PathLike) -> str:
    """``"xlsx"``, ``"xls"``, ``"csv"`` or ``"txt"`` from the first bytes, never the extension.

    Raises BankReadError for anything that is not one of those (an image, a Word document, a
    password-protected workbook, an empty file …).
    """
    head = _head(path, 8)
    if not head:
        raise BankReadError("文件是空的，没有任何内容。")
    if head.startswith(ZIP_MAGICS):
        _check_zip_kind(path)
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        _check_ole_kind(path)
        return "xls"
    for magic, message in _BINARY_MAGICS:
        if head.startswith(magic) and message:
            raise BankReadError(message)
    sample = _head(path, 65536)
    return _text_kind(sample)


def _check_zip_kind(path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise BankReadError("文件不完整或已损坏，请在 Excel 或 WPS 中重新保存后再导入。") from None
    except OSError as exc:
        raise os_error(exc, path) from None
    if any(n.startswith("xl/") and n.endswith(".xml") and "workbook" in n for n in names):
        return
    if "word/document.xml" in names:
        raise BankReadError(
            "这是 Word 文档（.docx），请把题目复制到 Excel 表格，或粘贴为文本后再导入。"
        )
    if any(n.startswith("ppt/") for n in names):
        raise BankReadError("这是 PowerPoint 演示文稿，不是题库表格。")
    if "content.xml" in names and "mimetype" in names:
        raise BankReadError(
            "这是 OpenDocument 文件（.ods/.odt），请在 WPS 或 Excel 中另存为 .xlsx 后再导入。"
        )
    raise BankReadError("这是一个压缩包而不是 Excel 表格，请先解压，再选择其中的表格文件。")


def _ole_streams(path) -> set[str]:
    from xlrd import compdoc

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise os_error(exc, path) from None
    try:
        doc = compdoc.CompDoc(data, logfile=io.StringIO())
    except Exception:
        raise BankReadError("文件不完整或已损坏，请在 Excel 或 WPS 中重新保存后再导入。") from None
    return {d.name for d in doc.dirlist if d.name}


def _check_ole_kind(path) -> None:
    streams = _ole_streams(path)
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise BankReadError(
            "这个工作簿设置了打开密码，请在 Excel 或 WPS 中取消密码、另存后再导入。"
        )
    if "Workbook" in streams or "Book" in streams:
        return
    if "WordDocument" in streams:
        raise BankReadError(
            "这是 Word 文档（.doc），请把题目复制到 Excel 表格，或粘贴为文本后再导入。"
        )
    if "PowerPoint Document" in streams:
        raise BankReadError("这是 PowerPoint 演示文稿，不是题库表格。")
    raise BankReadError("这个文件不是 Excel 表格，无法读取。")


def guard_zip(path) -> None:
    """Refuse archives whose entry count, total size or compression ratio is absurd."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise BankReadError("文件不完整或已损坏，请在 Excel 或 WPS 中重新保存后再导入。") from None
    except OSError as exc:
        raise os_error(exc, path) from None
    bomb = BankReadError("文件解压后异常巨大（疑似“压缩炸弹”），为安全起见不予读取。")
    if len(infos) > MAX_ZIP_ENTRIES:
        raise bomb
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_ZIP_TOTAL:
            raise bomb
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise bomb
        if info.flag_bits & 0x1:
            raise BankReadError("这个工作簿设置了密码，请取消密码、另存后再导入。")


# ---------------------------------------------------------------------------- text


def decode_bytes(data: bytes) -> str:
    """UTF-8 with BOM → UTF-16 with BOM → UTF-8 → GB18030 (covers GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise BankReadError("无法识别文件的文字编码，请另存为 UTF-8 编码的文本后再导入。") from None


def _text_kind(sample: bytes) -> str:
    is_utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in sample and not is_utf16:
        raise BankReadError("这个文件不是 Excel 表格，也不是文本，无法读取。")
    if is_utf16 and len(sample) % 2:
        sample = sample[:-1]
    # The sample may end inside a multi-byte character.
    text = None
    for cut in range(4):
        try:
            text = decode_bytes(sample[: len(sample) - cut] if cut else sample)
            break
        except BankReadError:
            continue
    if text is None:
        raise BankReadError("无法识别文件的文字编码，请另存为 UTF-8 编码的文本后再导入。")
    lowered = text.lstrip()[:200].lower()
    if lowered.startswith(("<html", "<!doctype html", "<table")) or "<html" in lowered[:100]:
        raise BankReadError("这是网页格式的表格（HTML），请在 Excel 中另存为 .xlsx 后再导入。")
    if (
        lowered.startswith("<?xml")
        and "urn:schemas-microsoft-com:office:spreadsheet" in text[:2000]
    ):
        raise BankReadError("这是 Excel 2003 XML 表格，请在 Excel 中另存为 .xlsx 后再导入。")
    return "csv" if looks_like_csv(text) else "txt"


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", 0.0
    for delim in (",", "\t", ";"):
        counts = [ln.count(delim) for ln in lines]
        if not counts[0]:
            continue
        same = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = same * min(counts[0], 10)
        if score > best_score:
            best, best_score = delim, score
    return best


def looks_like_csv(text: str) -> bool:
    """A header row with known columns, or consistently delimited rows of ≥3 fields."""
    from .table import detect_header
    from .text import clean

    delim = sniff_delimiter(text)
    try:
        rows = list(_csv_rows(text[:65536], delim, limit=20))
    except csv.Error:
        return False
    if len(rows) > 1 and not text.endswith("\n"):
        rows = rows[:-1]  # the sample may end mid-row
    for row in rows[:15]:
        if detect_header([clean(c) for c in row]) is not None:
            return True
    widths = [len(r) for r in rows if any(c.strip() for c in r)]
    if len(widths) >= 3 and widths[0] >= 3:
        same = sum(1 for w in widths if w == widths[0])
        return same / len(widths) >= 0.8
    return False


def _csv_rows(text: str, delim: str, limit: int | None = None):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    for i, row in enumerate(reader):
        if limit is not None and i >= limit:
            return
        yield row


def read_text_file(path) -> str:
    try:
        size = os.path.getsize(path)
        if size > TEXT_MAX:
            raise BankReadError("文本文件太大（超过200MB），不像是题库，请检查是否选错了文件。")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise os_error(exc, path) from None
    return decode_bytes(data)


def csv_rows(text: str):
    """Rows of a CSV text (fields are plain strings)."""
    if csv.field_size_limit() < (16 << 20):
        csv.field_size_limit(16 << 20)
    delim = sniff_delimiter(text)
    try:
        yield from _csv_rows(text, delim)
    except csv.Error:
        raise BankReadError(
            "CSV 文件格式有误（引号不成对或字段过长），请在 Excel 中另存为 .xlsx 后再导入。"
        ) from None
