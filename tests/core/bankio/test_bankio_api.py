"""The public API: format detection, the progress generator, the report, import weight."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _bankio_util import make_xlsx

from csapp.core.bankio import (
    BankReadError,
    ImportReport,
    ReadResult,
    detect_format,
    iter_read_bank,
    read_bank,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "banks"


def _rows(n: int) -> list[list]:
    rows = [["题型", "题干", "选项A", "选项B", "答案"]]
    rows += [["单选题", f"第{i}题（ ）", "甲", "乙", "AB"[i % 2]] for i in range(n)]
    return rows


def test_detect_format_by_magic_bytes_not_extension(tmp_path):
    xlsx = make_xlsx(tmp_path / "really_xlsx.xls", {"Sheet1": _rows(1)})
    assert detect_format(xlsx) == "xlsx"
    xls = tmp_path / "really_xls.xlsx"
    xls.write_bytes((FIXTURES / "wps_bank.xls").read_bytes())
    assert detect_format(xls) == "xls"
    csv_file = tmp_path / "bank.txt"
    csv_file.write_text("题型,题干,答案\n判断题,投诉是机会。,对\n", encoding="utf-8")
    assert detect_format(csv_file) == "csv"
    txt = tmp_path / "bank.csv"
    txt.write_text("1. 投诉是机会。\n答案：对\n", encoding="utf-8")
    assert detect_format(txt) == "txt"
    assert len(read_bank(xls).questions) == 9


def test_progress_generator(tmp_path):
    path = make_xlsx(tmp_path / "big.xlsx", {"Sheet1": _rows(1000)})
    gen = iter_read_bank(path)
    progress = []
    while True:
        try:
            progress.append(next(gen))
        except StopIteration as stop:
            result = stop.value
            break
    assert isinstance(result, ReadResult)
    assert len(result.questions) == 1000
    assert all(0.0 <= p <= 1.0 for p in progress)
    assert progress == sorted(progress)
    assert progress[-1] == 1.0
    assert len(progress) >= 1000 // 200


def test_closing_the_generator_cancels_the_read(tmp_path):
    path = make_xlsx(tmp_path / "big.xlsx", {"Sheet1": _rows(1000)})
    gen = iter_read_bank(path)
    next(gen)
    gen.close()  # no exception, file released
    with pytest.raises(StopIteration):
        next(gen)
    import gc

    assert gc.isenabled()


def test_report_json_matches_the_contract(tmp_path):
    rows = [*_rows(2), ["单选题", "坏题（ ）", "甲", "乙", "E"]]
    path = make_xlsx(tmp_path / "题库.xlsx", {"Sheet1": rows, "说明": [["说明文字"]]})
    report = read_bank(path).report
    assert isinstance(report, ImportReport)
    data = json.loads(report.to_json())
    assert list(data) == [
        "file",
        "format",
        "questions",
        "by_type",
        "cases",
        "inferred_types",
        "unchanged",
        "updated",
        "errors",
        "warnings",
        "skipped_sheets",
    ]
    assert data["file"] == "题库.xlsx" and data["format"] == "xlsx"
    assert data["questions"] == 2 and data["by_type"] == {"单选题": 2}
    assert (data["unchanged"], data["updated"], data["cases"]) == (0, 0, 0)
    assert data["errors"] == [
        {"sheet": "Sheet1", "row": 4, "column": "答案", "message": "答案“E”没有对应的选项"}
    ]
    assert data["skipped_sheets"] == [{"sheet": "说明", "reason": "说明页，不含题目"}]
    assert "“E”" in report.to_json()  # Chinese kept readable


def test_bank_read_error_is_one_sentence():
    err = BankReadError("文件是空的，没有任何内容。")
    assert str(err) == "文件是空的，没有任何内容。"
    assert isinstance(err, Exception)


def test_importing_bankio_is_light():
    code = (
        "import sys, csapp.core.bankio as b;"
        "heavy = [m for m in ('openpyxl', 'xlrd', 'sqlalchemy', 'sqlmodel', 'PySide6')"
        " if m in sys.modules];"
        "b.read_bank;"
        "heavy2 = [m for m in ('sqlalchemy', 'sqlmodel', 'PySide6') if m in sys.modules];"
        "print(heavy, heavy2)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"
