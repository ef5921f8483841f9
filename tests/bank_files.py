"""Small trainer's workbooks written by the tests themselves (openpyxl, inline strings)."""

from __future__ import annotations

from pathlib import Path

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "章节", "难度"]

GOOD_ROWS = [
    ["单选题", "客户满意度等于可感知效果减去（ ）。", "实际值", "期望值", "心理反差", "失落感",
     "B", "满意度是可感知效果与期望值之差。", "第1章 客户服务概述", "易"],
    ["多选题", "客户服务的基本要素有（ ）。", "服务人员", "服务对象", "服务内容", "广告预算",
     "ABC", "", "第1章 客户服务概述", "较易"],
    ["判断题", "客户服务只发生在销售完成以后。", "", "", "", "", "错误", "贯穿售前售中售后。",
     "第2章 客户满意", "易"],
    ["填空题", "客户满意是可感知效果与（ ）比较后的感受。", "", "", "", "", "期望值", "",
     "第2章 客户满意", "较难"],
    ["简答题", "简述提高客户满意度的途径。", "", "", "", "",
     "1. 把握客户期望（2分）\n2. 提高服务质量（3分）", "", "第2章 客户满意", "难"],
]  # fmt: skip

# Row 7 of the sheet: an answer letter without an option.
BAD_ROW = ["单选题", "客户忠诚的最高层次是（ ）。", "行为忠诚", "意识忠诚", "情感忠诚", "",
           "E", "", "第3章 客户忠诚", "易"]  # fmt: skip

# Row 8: imported, with a warning (a difficulty the reader does not know).
WARN_ROW = ["判断题", "客户忠诚就是客户满意。", "", "", "", "", "错", "", "第3章 客户忠诚",
            "超级难"]  # fmt: skip


def write_bank(path: Path, rows: list[list], sheet: str = "题目", header=HEADER) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def good_bank(path: Path) -> Path:
    return write_bank(path, GOOD_ROWS)


def bank_with_error(path: Path) -> Path:
    """Five good questions, an error on sheet row 7 (key E, no option E), a warning on row 8."""
    return write_bank(path, [*GOOD_ROWS, BAD_ROW, WARN_ROW])
