"""check / import / export / template / build-course-bank, typed as a trainer would."""

from __future__ import annotations

import json

from csapp import paths
from csapp.core.bankio import read_bank
from tests.bank_files import GOOD_ROWS, bank_with_error, good_bank
from tests.conftest import run_main


def _ok(result) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_check_prints_a_chinese_report_and_writes_nothing(tmp_path, data_dir):
    out = _ok(run_main("check", str(bank_with_error(tmp_path / "培训.xlsx"))))
    assert "读到题目 6 道" in out
    assert "单选题" in out and "判断题" in out
    assert "错误 1 处（1 行，这些行不会导入）" in out
    line = next(ln for ln in out.splitlines() if "没有对应的选项" in ln)
    assert line.split()[:3] == ["题目", "7", "答案"]
    assert "警告 1 条" in out and "超级难" in out
    assert not paths.db_path(data_dir).exists()


def test_check_json_is_the_report_of_the_format(tmp_path):
    out = _ok(run_main("check", str(bank_with_error(tmp_path / "b.xlsx")), "--json"))
    report = json.loads(out)
    assert set(report) == {
        "file", "format", "questions", "by_type", "cases", "inferred_types", "unchanged",
        "updated", "errors", "warnings", "skipped_sheets",
    }  # fmt: skip
    assert report["format"] == "xlsx" and report["questions"] == 6
    assert report["errors"] == [
        {"sheet": "题目", "row": 7, "column": "答案", "message": "答案“E”没有对应的选项"}
    ]


def test_a_file_that_cannot_be_read_is_one_sentence_and_status_1(tmp_path, data_dir):
    bad = tmp_path / "照片.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    for args in (("check", str(bad)), ("import", str(bad)), ("check", str(tmp_path / "无.xlsx"))):
        result = run_main(*args)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    banks = _ok(run_main("banks"))
    assert "照片" not in banks


def test_import_then_import_again_then_banks(tmp_path):
    path = bank_with_error(tmp_path / "培训题.xlsx")
    out = _ok(run_main("import", str(path)))
    assert "已导入到题库“培训题”：新增 6 道" in out
    assert "1 行有错误" in out
    again = _ok(run_main("import", str(path)))
    assert "新增 0 道，更新 0 道，未变 6 道" in again
    listed = _ok(run_main("banks"))
    assert "培训题：6 题" in listed


def test_import_into_a_named_bank_all_or_nothing(tmp_path):
    strict = run_main("import", str(bank_with_error(tmp_path / "b.xlsx")), "--bank", "严格",
                      "--all-or-nothing")  # fmt: skip
    assert "没有导入任何题目" in _ok(strict)
    assert "严格" not in _ok(run_main("banks"))
    good = run_main("import", str(good_bank(tmp_path / "g.xlsx")), "--bank", "严格",
                    "--all-or-nothing", "--json")  # fmt: skip
    report = json.loads(_ok(good))
    assert report["questions"] == len(GOOD_ROWS) and report["errors"] == []
    assert f"严格：{len(GOOD_ROWS)} 题" in _ok(run_main("banks"))


def test_export_writes_the_canonical_workbook(tmp_path):
    _ok(run_main("import", str(good_bank(tmp_path / "g.xlsx")), "--bank", "甲"))
    out = tmp_path / "导出.xlsx"
    assert f"{len(GOOD_ROWS)} 道题" in _ok(run_main("export", "甲", str(out)))
    back = read_bank(out)
    assert back.report.questions == len(GOOD_ROWS) and not back.report.errors
    missing = run_main("export", "乙", str(tmp_path / "x.xlsx"))
    assert missing.returncode == 1
    assert "没有名为“乙”的题库" in missing.stderr and "甲" in missing.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_template_is_a_workbook_the_importer_reads(tmp_path):
    out = tmp_path / "模板.xlsx"
    assert "说明" in _ok(run_main("template", str(out)))
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["题目", "案例"]
    report = json.loads(_ok(run_main("check", str(out), "--json")))
    assert report["errors"] == []


def test_build_course_bank_writes_the_built_in_workbook(tmp_path):
    out = tmp_path / "课程.xlsx"
    assert "题目" in _ok(run_main("build-course-bank", str(out)))
    built = read_bank(out)
    shipped = read_bank(paths.BUILTIN_BANK)
    assert [q.fingerprint for q in built.questions] == [q.fingerprint for q in shipped.questions]
    assert not built.report.errors and not built.report.warnings


def test_export_to_an_unwritable_place_is_one_sentence_naming_the_users_file(tmp_path):
    target = tmp_path / "no such folder" / "导出.xlsx"
    result = run_main("export", "客户服务管理", str(target))
    assert result.returncode == 1
    assert result.stderr.strip() == f"无法写入“{target}”：路径不存在。"
    assert not target.parent.exists()
