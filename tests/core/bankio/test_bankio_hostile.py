"""Hostile and broken files: one clear Chinese sentence (BankReadError) or a clean report."""

from __future__ import annotations

import itertools
import re
import struct
import zipfile

import openpyxl
import pytest
from _bankio_util import (
    biff_encrypted_workbook_stream,
    make_cfb,
    make_xlsx,
    patch_sheet,
    set_cached,
)

from csapp.core.bankio import BankReadError, detect_format, read_bank
from csapp.core.bankio import reader as reader_module
from csapp.core.bankio import table as table_module

GOOD = [["题型", "题干", "答案"], ["判断题", "投诉是改进的机会。", "对"]]


def _one_sentence(exc: BankReadError) -> str:
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert text.endswith("。") and text.count("。") == 1  # one sentence
    return text


def read_error(path) -> str:
    with pytest.raises(BankReadError) as info:
        read_bank(path)
    return _one_sentence(info.value)


def test_defusedxml_is_what_openpyxl_uses():
    assert openpyxl.DEFUSEDXML is True


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "空" in read_error(path)


def test_binary_that_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "blob.xlsx"
    path.write_bytes(bytes(range(256)) * 10)
    assert "不是" in read_error(path)


@pytest.mark.parametrize(
    ("magic", "word"),
    [(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "图片"), (b"%PDF-1.7\n" + b"x" * 50, "PDF")],
)
def test_images_and_pdf(tmp_path, magic, word):
    path = tmp_path / "file.xlsx"
    path.write_bytes(magic)
    assert word in read_error(path)


def test_docx_and_plain_zip(tmp_path):
    docx = tmp_path / "题库.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert "Word" in read_error(docx)
    plain = tmp_path / "a.xlsx"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "压缩包" in read_error(plain)


def test_truncated_zip(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", {"Sheet1": GOOD})
    data = good.read_bytes()
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    assert "损坏" in read_error(bad)


def test_zip_bomb_by_ratio(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", {"Sheet1": GOOD})
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
        zout.writestr("xl/media/padding.bin", b"\0" * (24 << 20))  # 24 MB of zeros, ratio ~1000
    assert "压缩炸弹" in read_error(bomb)


def test_zip_bomb_by_declared_size(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", {"Sheet1": GOOD})
    data = bytearray(good.read_bytes())
    # Claim 3.5 GB for every member in the central directory (a lying archive).
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        struct.pack_into("<I", data, pos + 24, 0xD0000000)
        pos = data.find(b"PK\x01\x02", pos + 4)
    bomb = tmp_path / "liar.xlsx"
    bomb.write_bytes(bytes(data))
    assert "压缩炸弹" in read_error(bomb)


def test_zip_with_too_many_entries(tmp_path, monkeypatch):
    from csapp.core.bankio import sources

    monkeypatch.setattr(sources, "MAX_ZIP_ENTRIES", 20)
    good = make_xlsx(tmp_path / "good.xlsx", {"Sheet1": GOOD})
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(many, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
        for i in range(30):
            zout.writestr(f"xl/media/{i}.bin", b"x")
    assert "压缩炸弹" in read_error(many)


def test_billion_laughs_sheet(tmp_path):
    path = make_xlsx(tmp_path / "lol.xlsx", {"Sheet1": GOOD})
    names = ["lol", *(f"lol{i}" for i in range(1, 10))]
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY {name} "{("&" + prev + ";") * 10}">' for prev, name in itertools.pairwise(names)
    )

    def evil(xml: str) -> str:
        xml = xml.replace("<worksheet", f"<!DOCTYPE lolz [{entities}]><worksheet", 1)
        return xml.replace("投诉是改进的机会。", "&lol9;")

    patch_sheet(path, evil)
    assert "不安全" in read_error(path)


def test_password_protected_workbook_cdfv2(tmp_path):
    path = make_cfb(
        tmp_path / "secret.xlsx",
        {"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 100, "EncryptedPackage": b"\x55" * 6000},
    )
    with pytest.raises(BankReadError) as info:
        detect_format(path)
    assert "密码" in _one_sentence(info.value)
    assert "密码" in read_error(path)


def test_password_protected_xls(tmp_path):
    path = make_cfb(tmp_path / "secret.xls", {"Workbook": biff_encrypted_workbook_stream()})
    assert detect_format(path) == "xls"
    assert "密码" in read_error(path)


def test_word_97_document(tmp_path):
    path = make_cfb(tmp_path / "old.xls", {"WordDocument": b"\0" * 100})
    assert "Word" in read_error(path)


def test_html_disguised_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text(
        "<html><body><table><tr><td>题干</td></tr></table></body></html>", encoding="utf-8"
    )
    assert "网页" in read_error(path)


def test_sixteen_thousand_column_used_range(tmp_path, monkeypatch):
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    for row in GOOD:
        ws.append(row)
    ws.cell(row=1, column=16000).fill = PatternFill("solid", fgColor="FFFF00")
    ws.cell(row=2, column=16384, value="远处的备注")
    wb.save(tmp_path / "wide.xlsx")
    widths = []
    original = table_module.SheetReader.feed

    def spy(self, rowno, values):
        widths.append(len(values))
        return original(self, rowno, values)

    monkeypatch.setattr(table_module.SheetReader, "feed", spy)
    res = read_bank(tmp_path / "wide.xlsx")
    assert [q.stem for q in res.questions] == ["投诉是改进的机会。"]
    assert max(widths) <= table_module.MAX_COLUMNS


def test_thousands_of_formatted_empty_rows_stop_the_sheet(tmp_path, monkeypatch):
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    for row in GOOD:
        ws.append(row)
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(3, 3000):
        ws.cell(row=r, column=1).fill = fill
    wb.save(tmp_path / "tall.xlsx")
    rows = []
    original = table_module.SheetReader.feed

    def spy(self, rowno, values):
        rows.append(rowno)
        return original(self, rowno, values)

    monkeypatch.setattr(table_module.SheetReader, "feed", spy)
    res = read_bank(tmp_path / "tall.xlsx")
    assert len(res.questions) == 1
    assert max(rows) <= 2 + table_module.EMPTY_ROW_STOP


def test_one_megabyte_cell_is_a_row_error_and_the_rest_imports(tmp_path):
    rows = [*GOOD, ["判断题", "长" * 1_000_000, "对"], ["判断题", "第三题。", "错"]]
    path = make_xlsx(tmp_path / "big.xlsx", {"Sheet1": rows})
    res = read_bank(path)
    assert [q.stem for q in res.questions] == ["投诉是改进的机会。", "第三题。"]
    (err,) = res.report.errors
    assert (err.row, err.column) == (3, "题干")
    assert "超过20000字" in err.message
    (pr,) = res.problem_rows
    assert max(len(v) for v in pr.values) <= 20_000


def test_formulas_are_read_as_cached_values(tmp_path):
    rows = [
        ["题型", "题干", "选项A", "选项B", "答案"],
        ["单选题", "公式题（ ）", "甲", "乙", '=IF(1>0,"B","A")'],
        ["单选题", '="拼接"&"题干"', "甲", "乙", "A"],
    ]
    path = make_xlsx(tmp_path / "f.xlsx", {"Sheet1": rows})
    set_cached(path, {"E2": "B", "B3": "拼接题干"})
    res = read_bank(path)
    assert [(q.stem, q.answer) for q in res.questions] == [("公式题（ ）", "B"), ("拼接题干", "A")]


def test_merged_cells(tmp_path):
    rows = [
        ["客户服务管理题库", None, None],
        ["章节", "题型", "题干", "答案"],
        ["第1章 概述", "判断题", "一。", "对"],
        [None, "判断题", "二。", "错"],
        [None, "判断题", "三。", "对"],
    ]
    path = make_xlsx(tmp_path / "m.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["A1:D1", "A3:A5"]})
    res = read_bank(path)
    assert [(q.chapter, q.answer) for q in res.questions] == [
        ("第1章 概述", "正确"),
        ("第1章 概述", "错误"),
        ("第1章 概述", "正确"),
    ]


def test_empty_workbook_gives_a_report(tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "empty.xlsx")
    res = read_bank(tmp_path / "empty.xlsx")
    assert res.questions == [] and res.report.errors == []
    assert res.report.skipped_sheets == [{"sheet": "Sheet", "reason": "空工作表"}]


def test_file_deleted_between_detect_and_open(tmp_path, monkeypatch):
    path = make_xlsx(tmp_path / "gone.xlsx", {"Sheet1": GOOD})
    real = reader_module.detect_format

    def detect_then_vanish(p):
        kind = real(p)
        path.unlink()
        return kind

    monkeypatch.setattr(reader_module, "detect_format", detect_then_vanish)
    assert "找不到文件" in read_error(path)


def test_missing_file_and_directory(tmp_path):
    assert "找不到文件" in read_error(tmp_path / "nope.xlsx")
    assert "文件夹" in read_error(tmp_path)


def test_corrupt_sheet_xml_midway(tmp_path):
    path = make_xlsx(tmp_path / "c.xlsx", {"Sheet1": GOOD})
    patch_sheet(
        path, lambda xml: xml.replace("</sheetData>", "<row><c>").replace("</worksheet>", "")
    )
    assert "损坏" in read_error(path)


def test_csv_with_a_huge_field(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(
        "题型,题干,答案\n判断题,第一题。,对\n判断题," + "长" * 300_000 + ",对\n", encoding="utf-8"
    )
    res = read_bank(path)
    assert [q.stem for q in res.questions] == ["第一题。"]
    assert "超过20000字" in res.report.errors[0].message
