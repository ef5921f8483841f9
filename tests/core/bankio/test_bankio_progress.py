"""Progress a GUI can show: it starts at once, never goes back, and covers the file's open."""

from __future__ import annotations

import openpyxl

from csapp.core.bankio import iter_read_bank
from csapp.core.bankio.reader import OPEN_SHARE, _open_xlsx


def _bank(path, rows: int = 3000):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案"])
    for i in range(rows):
        ws.append(["单选", f"第{i}题：客户满意度等于什么？", f"甲{i}", f"乙{i}", "丙", "丁", "B"])
    wb.save(path)
    return path


def test_progress_starts_at_once_and_never_goes_back(tmp_path):
    gen = iter_read_bank(_bank(tmp_path / "b.xlsx"))
    fractions = []
    try:
        while True:
            fractions.append(next(gen))
    except StopIteration as stop:
        result = stop.value
    assert len(result.questions) == 3000
    assert fractions[0] == 0.0
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0 and fractions.count(1.0) == 1
    assert any(f > OPEN_SHARE for f in fractions)  # the rows phase reports too


def test_opening_counts_the_bytes_it_reads(tmp_path):
    gen = _open_xlsx(_bank(tmp_path / "b.xlsx"))
    seen = []
    try:
        while True:
            seen.append(next(gen))
    except StopIteration as stop:
        wb, fh = stop.value
    try:
        assert fh.expected > 1000  # the shared strings and styles, not the worksheet
        assert fh.read_bytes >= fh.expected * 0.5
        assert all(0.0 <= f <= OPEN_SHARE for f in seen)
        assert wb.sheetnames
    finally:
        wb.close()
        fh.close()


def test_cancelling_while_opening_releases_the_file(tmp_path):
    gen = iter_read_bank(_bank(tmp_path / "b.xlsx"))
    next(gen)
    next(gen)
    gen.close()  # what the wizard's cancel does; must not leave the file open or hang
