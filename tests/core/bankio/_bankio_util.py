"""Fixture builders for the bank reader tests: every file is written by the test itself.

openpyxl writes inline strings only, so ``to_shared_strings`` rewrites a workbook into the
shared-strings form Excel writes; ``make_cfb`` builds the OLE2 containers of .xls and of
password-protected workbooks.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from csapp.core.bankio import read_bank


def make_xlsx(
    path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None
):
    """A workbook with one sheet per item (rows of values); ``merges`` per sheet name."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def bank(tmp_path: Path, rows: list[list], name: str = "bank.xlsx", sheet: str = "Sheet1"):
    """Read a one-sheet workbook made of ``rows``."""
    return read_bank(make_xlsx(tmp_path / name, {sheet: rows}))


_INLINE_RE = re.compile(
    r'<c ([^>]*?)t="inlineStr"([^>]*)><is>(?:<t(?: [^>]*)?>(.*?)</t>|<t(?: [^>]*)?/>)</is></c>',
    re.S,
)


def to_shared_strings(src: Path, dst: Path) -> Path:
    """Rewrite every inline string of ``src`` into a shared-strings table (Excel's form)."""
    strings: dict[str, int] = {}

    def repl(m: re.Match) -> str:
        escaped = m.group(3) or ""
        idx = strings.setdefault(escaped, len(strings))
        return f'<c {m.group(1)}t="s"{m.group(2)}><v>{idx}</v></c>'

    with zipfile.ZipFile(src) as zin:
        items = {name: zin.read(name) for name in zin.namelist()}
    for name in list(items):
        if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            xml = _INLINE_RE.sub(repl, items[name].decode("utf-8"))
            xml = re.sub(r'<c ([^>]*?) ?t="inlineStr"([^>]*)></c>', r"<c \1\2/>", xml)
            items[name] = xml.encode("utf-8")
    sst = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
    items["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>'
    ).encode()

    def declare(part: str, close: str, element: str) -> None:
        """Insert ``element`` before ``close`` in ``part`` unless sharedStrings is declared."""
        xml = items[part].decode()
        if "sharedStrings" not in xml:
            items[part] = xml.replace(close, element + close).encode()

    declare(
        "xl/_rels/workbook.xml.rels",
        "</Relationships>",
        '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>',
    )
    declare(
        "[Content_Types].xml",
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
    )
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items.items():
            zout.writestr(name, data)
    return dst


def patch_sheet(path: Path, fn, sheet: int = 1) -> Path:
    """Rewrite ``xl/worksheets/sheet{n}.xml`` of a workbook with ``fn(xml) -> xml``."""
    target = f"xl/worksheets/sheet{sheet}.xml"
    with zipfile.ZipFile(path) as zin:
        items = {name: zin.read(name) for name in zin.namelist()}
    items[target] = fn(items[target].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items.items():
            zout.writestr(name, data)
    return path


def set_cached(path: Path, values: dict[str, str]) -> Path:
    """Give formula cells the cached results Excel would have stored (openpyxl stores none)."""

    def fn(xml: str) -> str:
        for ref, value in values.items():
            xml = re.sub(
                rf'<c r="{ref}"((?: [^>]*)?)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
                lambda m, v=value, r=ref: (
                    f'<c r="{r}" t="str"><f>{m.group(2)}</f><v>{escape(v)}</v></c>'
                ),
                xml,
            )
        return xml

    return patch_sheet(path, fn)


# ---------------------------------------------------------------------------- OLE2 / CFB

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def make_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal compound file (the OLE2 container of .xls and encrypted workbooks).

    Streams are padded to 4096 bytes so that all of them live in regular sectors (no mini
    stream); that is all readers need to list and open them.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = []
    for n in names:
        data = streams[n]
        if len(data) < 4096:
            data = data + b"\0" * (4096 - len(data))
        datas.append(data)
    n_dir_entries = 1 + len(names)
    dir_sectors = (n_dir_entries + 3) // 4
    data_sectors = [(len(d) + 511) // 512 for d in datas]
    total_wo_fat = dir_sectors + sum(data_sectors)
    fat_sectors = 1
    while fat_sectors * 128 < total_wo_fat + fat_sectors:
        fat_sectors += 1
    fat = [_FAT] * fat_sectors
    dir_start = len(fat)
    for i in range(dir_sectors):
        fat.append(dir_start + i + 1 if i < dir_sectors - 1 else _END)
    starts = []
    for count in data_sectors:
        start = len(fat)
        starts.append(start)
        for i in range(count):
            fat.append(start + i + 1 if i < count - 1 else _END)
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", _FREE, right, child)
            + b"\0" * 16
            + struct.pack("<I", 0)
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else _FREE, _FREE, _END, 0)]
    for i, (n, d, s) in enumerate(zip(names, datas, starts, strict=True)):
        right = i + 2 if i + 1 < len(names) else _FREE
        entries.append(entry(n, 2, _FREE, right, s, len(d)))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + b"\xff" * 12 + b"\0" * 48)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIII", 0, fat_sectors, dir_start, 0, 4096)
        + struct.pack("<IIII", _END, 0, _END, 0)
    )
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)
    assert len(header) == 512
    body = (
        struct.pack(f"<{len(fat)}I", *fat)
        + b"".join(entries)
        + b"".join(d + b"\0" * (-len(d) % 512) for d in datas)
    )
    path.write_bytes(header + body)
    return path


def biff_encrypted_workbook_stream() -> bytes:
    """A BIFF8 workbook-globals stream that starts with FILEPASS (an .xls with a password)."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack(
        "<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6
    )
    filepass = struct.pack("<HH", 0x002F, 54) + struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + filepass + eof
