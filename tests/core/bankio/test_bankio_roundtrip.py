"""Writers: export → read gives the identical bank; the template; the rows to fix."""

from __future__ import annotations

import os

import openpyxl
import pytest
from _bankio_util import make_xlsx

from csapp.core.bankio import export_workbook, read_bank, write_problem_rows, write_template
from csapp.core.bankio.writer import CASE_HEADER, QUESTION_HEADER
from csapp.core.questions import CaseDraft, KeyPoint, QuestionDraft
from csapp.core.questions import QuestionType as T

TRAINER_ROWS = [
    ["题型", "章节", "知识点", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
     "选项G", "选项H", "答案", "解析", "难度", "认知层次", "分值", "关键词", "标签"],
    ["单选", "第1章", "满意", "满意度等于效果减去（ ）。", "期望值", "实际值", "反差", "失落",
     "", "", "", "", "a", "满意 = 效果 − 期望\n第二行", "简单", "识记", 1.5, "", "核心,常考"],
    ["多选", "", "", "八个选项的题（ ）", "一", "二", "三", "四", "五", "六", "七", "八",
     "A,C,H", "", "", "", 2, "", ""],
    ["判断", "第2章", "", "投诉是机会。", "正确", "错误", "", "", "", "", "", "", "B", "",
     "3", "", "", "", ""],
    ["填空", "第2章", "", "满意取决于（ ）和（ ）。", "", "", "", "", "", "", "", "",
     "可感知效果|期望值/期望", "", "", "", "", "", ""],
    ["名词解释", "第3章", "", "客户忠诚", "", "", "", "", "", "", "", "",
     "客户对企业的信任、依赖和重复购买。", "", "较难", "领会", 3, "", ""],
    ["简答", "第3章", "", "简述投诉处理步骤。", "", "", "", "", "", "", "", "",
     "答：1. 倾听（1分）\n2. 道歉（1分）\n3. 解决问题并回访", "", "", "", 5,
     "倾听|聆听\n-\n解决、回访", ""],
    ["论述", "第4章", "", "论述满意与忠诚。", "", "", "", "", "", "", "", "",
     "（1）满意是忠诚的基础\n（2）满意不等于忠诚\n（3）培养忠诚", "", "难", "综合应用", "", "", ""],
]  # fmt: skip
CASE_ROWS = [
    ["案例标题", "章节", "案例材料", "问题", "参考答案", "分值", "关键词"],
    [
        "空调投诉",
        "第4章",
        "客人投诉空调坏了，\n三次报修无人来。",
        "分析问题。",
        "1. 响应慢\n2. 不兑现",
        6,
        "",
    ],
    ["空调投诉", None, None, "如何改进？", "及时维修并回访。", 4, "维修|修理、回访"],
    ["阅读材料", "第5章", "一段只供阅读的材料。", None, None, None, None],
]


def _key(q: QuestionDraft):
    return (
        q.fingerprint,
        q.qtype,
        q.stem,
        tuple(q.options),
        q.answer,
        q.explanation,
        q.chapter,
        q.knowledge_point,
        q.difficulty,
        q.cognitive_level,
        q.score,
        tuple((p.text, p.marks, tuple(tuple(g) for g in p.keywords)) for p in q.key_points),
        tuple(q.tags),
        q.case_title,
    )


def _case_key(c: CaseDraft):
    return (c.title, c.material, c.chapter, tuple(_key(q) for q in c.questions))


@pytest.fixture
def trainer_bank(tmp_path):
    path = make_xlsx(tmp_path / "trainer.xlsx", {"题库": TRAINER_ROWS, "案例": CASE_ROWS})
    res = read_bank(path)
    assert res.report.errors == []
    assert {q.qtype for q in res.questions} == set(T) - {T.CASE}
    return res


def test_export_then_read_gives_the_identical_bank(tmp_path, trainer_bank):
    out = tmp_path / "export.xlsx"
    export_workbook(out, trainer_bank.questions, trainer_bank.cases)
    again = read_bank(out)
    assert again.report.errors == []
    assert [_key(q) for q in again.questions] == [_key(q) for q in trainer_bank.questions]
    assert [_case_key(c) for c in again.cases] == [_case_key(c) for c in trainer_bank.cases]
    assert again.report.inferred_types == 0
    # And once more: the export of the re-read bank is the same workbook content.
    out2 = tmp_path / "export2.xlsx"
    export_workbook(out2, again.questions, again.cases)
    third = read_bank(out2)
    assert [_key(q) for q in third.questions] == [_key(q) for q in again.questions]


def test_export_layout_is_the_canonical_one(tmp_path, trainer_bank):
    out = tmp_path / "export.xlsx"
    export_workbook(out, trainer_bank.questions, trainer_bank.cases)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["题目", "案例", "说明"]
    assert tuple(c.value for c in wb["题目"][1]) == QUESTION_HEADER
    assert tuple(c.value for c in wb["案例"][1]) == CASE_HEADER
    assert wb["题目"].freeze_panes == "A2"
    # A question without a chapter after one with a chapter keeps no chapter.
    assert wb["题目"]["B3"].value in (None, "")


def test_points_that_differ_from_the_answer_are_written_as_numbered_points(tmp_path):
    drafts = [
        QuestionDraft(
            qtype=T.SHORT,
            stem="简述回访的作用。",
            answer="回访可以了解满意度，也能发现问题。",
            score=4,
            key_points=[
                KeyPoint("了解满意度", 3, [["满意度", "满意"]]),
                KeyPoint("发现问题", 1, []),
            ],
        ),
        QuestionDraft(
            qtype=T.TERM, stem="服务补救", key_points=[KeyPoint("事后弥补", 3, [["弥补"]])]
        ),
        QuestionDraft(qtype=T.SINGLE, stem="=1+1 的结果（ ）", options=["=2", "2"], answer="B"),
    ]
    out = tmp_path / "p.xlsx"
    export_workbook(out, drafts, [])
    again = read_bank(out).questions
    assert [[(p.text, p.marks, p.keywords) for p in q.key_points] for q in again] == [
        [("了解满意度", 3.0, [["满意度", "满意"]]), ("发现问题", 1.0, [])],
        [("事后弥补", 3.0, [["弥补"]])],
        [],
    ]
    # Text that starts with "=" stays text, never a formula.
    assert (again[2].stem, again[2].options) == ("=1+1 的结果（ ）", ["=2", "2"])
    cell = openpyxl.load_workbook(out)["题目"]["C4"]
    assert (cell.value, cell.data_type) == ("=1+1 的结果（ ）", "s")
    assert again[0].answer == "1. 了解满意度（3分）\n2. 发现问题（1分）"
    out2 = tmp_path / "p2.xlsx"
    export_workbook(out2, again, [])
    assert [_key(q) for q in read_bank(out2).questions] == [_key(q) for q in again]


def test_export_is_atomic(tmp_path, trainer_bank, monkeypatch):
    out = tmp_path / "bank.xlsx"
    out.write_bytes(b"old content")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        export_workbook(out, trainer_bank.questions, trainer_bank.cases)
    assert out.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.xlsx"] or all(
        not p.name.endswith(".tmp") for p in tmp_path.iterdir()
    )


def test_template(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["题目"]
    assert tuple(c.value for c in ws[1]) == QUESTION_HEADER
    assert ws.freeze_panes == "A2"
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("单选题" in f and "案例分析题" in f for f in validations.values())
    assert any("较易" in f for f in validations.values())
    assert ws.column_dimensions["C"].width >= 40
    assert ws["C2"].alignment.wrap_text
    assert "说明" in wb.sheetnames and "题库导入说明" in wb["说明"]["A1"].value
    # The example rows are skipped when the untouched template is imported …
    res = read_bank(path)
    assert res.questions == [] and res.cases == [] and res.report.errors == []
    assert any("示例行已跳过" in w.message for w in res.report.warnings)
    # … and read correctly once a trainer removes the 【示例】 mark.
    for sheet in (wb["题目"], wb["案例"]):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = cell.value.replace("【示例】", "")
    wb.save(tmp_path / "filled.xlsx")
    res = read_bank(tmp_path / "filled.xlsx")
    assert res.report.errors == []
    assert [q.qtype for q in res.questions] == [
        T.SINGLE, T.MULTI, T.JUDGE, T.FILL, T.TERM, T.SHORT, T.ESSAY,
    ]  # fmt: skip
    assert [q.answer for q in res.questions[:4]] == ["B", "ABC", "错误", "可感知效果|期望值&&期望"]
    short = res.questions[5]
    assert [(p.marks, p.keywords) for p in short.key_points] == [
        (2.0, [["期望", "预期"]]),
        (2.0, [["质量"]]),
        (1.0, [["投诉"]]),
    ]
    (case,) = res.cases
    assert case.title == "小王的投诉" and len(case.questions) == 1


def test_problem_rows_file(tmp_path):
    rows = [
        ["题型", "题干", "选项A", "选项B", "答案", "备注"],
        ["单选题", "好题（ ）", "甲", "乙", "A", ""],
        ["单选题", "答案越界（ ）", "甲", "乙", "E", "x"],
        ["判断题", "答案不明。", "", "", "可能", ""],
    ]
    res = read_bank(make_xlsx(tmp_path / "bad.xlsx", {"第一章": rows}))
    assert len(res.problem_rows) == 2
    out = tmp_path / "fix.xlsx"
    write_problem_rows(out, res.problem_rows)
    wb = openpyxl.load_workbook(out)
    ws = wb["第一章"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0] == ["原行号", "题型", "题干", "选项A", "选项B", "答案", "备注", "问题说明"]
    assert values[1][:6] == [3, "单选题", "答案越界（ ）", "甲", "乙", "E"]
    assert values[1][-1] == "答案“E”没有对应的选项"
    assert values[2][0] == 4 and "无法识别" in values[2][-1]
    # The file to fix imports as it is: same problems, no complaint about the extra columns.
    again = read_bank(out)
    assert [e.message for e in again.report.errors] == [e.message for e in res.report.errors]
    assert not [w for w in again.report.warnings if "无法识别的列" in w.message]


def test_problem_rows_from_text_and_many_sheets(tmp_path):
    from csapp.core.bankio import read_text

    res = read_text("1. 没有答案（ ）\nA. 甲\nB. 乙\n")
    write_problem_rows(tmp_path / "t.xlsx", res.problem_rows)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in ws[1]] == ["原行号", "题目", "问题说明"]
    write_problem_rows(tmp_path / "none.xlsx", [])
    assert openpyxl.load_workbook(tmp_path / "none.xlsx").sheetnames == ["需要修改的行"]


def test_one_point_subjective_answers_round_trip(tmp_path):
    """A reference answer with a single numbered point must not read back as ``1. …``."""
    drafts = [
        QuestionDraft(
            qtype=T.TERM,
            stem="名词解释：服务补救",
            answer="1. 服务失误后企业为挽回客户而采取的及时行动（3分）",
            score=3,
            key_points=[KeyPoint("服务失误后企业为挽回客户而采取的及时行动", 3, [["服务失误"]])],
        ),
        QuestionDraft(
            qtype=T.CASE,
            stem="分析其补救做法。",
            answer="1. 主动（5分）",
            score=5,
            key_points=[KeyPoint("主动", 5, [["主动", "及时"]])],
            case_title="延误",
        ),
    ]
    case = CaseDraft(title="延误", material="航班延误两小时。", questions=[drafts.pop()])
    out = tmp_path / "one.xlsx"
    export_workbook(out, drafts, [case])
    again = read_bank(out)
    assert again.report.errors == []
    assert [_key(q) for q in again.questions] == [_key(q) for q in drafts]
    assert [_case_key(c) for c in again.cases] == [_case_key(c) for c in [case]]
