"""Writers: the canonical workbook (BANK_FORMAT §10), the template, the rows to fix.

The canonical workbook reads back to the identical bank: every writer choice below exists so
that ``read_bank(export_workbook(...))`` gives the same drafts. Files are written to a
temporary name beside the target and moved into place, so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from csapp.core.questions import (
    DEFAULT_MARKS,
    DIFFICULTIES,
    LETTERS,
    SUBJECTIVE_TYPES,
    CaseDraft,
    QuestionDraft,
    QuestionType,
)

from .build import DEFAULT_CASE_QUESTION
from .fields import key_points, render_keywords, render_points
from .model import ProblemRow

T = QuestionType

QUESTION_HEADER: tuple[str, ...] = (
    "题型",
    "章节",
    "题干",
    *(f"选项{c}" for c in LETTERS),
    "答案",
    "解析",
    "难度",
    "认知层次",
    "知识点",
    "分值",
    "关键词",
    "标签",
)
CASE_HEADER: tuple[str, ...] = (
    "案例标题",
    "章节",
    "案例材料",
    "问题",
    "参考答案",
    "分值",
    "关键词",
)

_WIDTHS_Q = {
    "题型": 10,
    "章节": 16,
    "题干": 50,
    "答案": 14,
    "解析": 40,
    "难度": 8,
    "认知层次": 10,
    "知识点": 16,
    "分值": 6,
    "关键词": 24,
    "标签": 14,
}
_WIDTHS_C = {
    "案例标题": 20,
    "章节": 16,
    "案例材料": 60,
    "问题": 40,
    "参考答案": 50,
    "分值": 6,
    "关键词": 24,
}
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# ---------------------------------------------------------------------------- helpers


def _atomic_save(wb, path: str | os.PathLike) -> None:
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):  # it may never have been created
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _about(exc, target) from exc
        raise


def _ensure_writable(path: str | os.PathLike) -> None:
    """Fail before a write-only workbook is built: openpyxl cannot abandon one cleanly."""
    target = Path(path)
    probe = target.with_name(f".{target.name}.{os.getpid()}.probe")
    try:
        with open(probe, "wb"):
            pass
        probe.unlink()
    except OSError as exc:
        raise _about(exc, target) from exc


def _about(exc: OSError, target: Path) -> OSError:
    """The same error, about the file the user chose rather than our temporary file."""
    return type(exc)(exc.errno, exc.strerror, str(target))


def _safe(value):
    if isinstance(value, str):
        return _ILLEGAL_RE.sub("", value)
    return value


def _row_cells(ws, values: Sequence, write_only: bool):
    """Values for ``ws.append``; text that starts with ``=`` stays text, never a formula."""
    if not write_only:
        return [_safe(v) for v in values]
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        v = _safe(v)
        if isinstance(v, str) and v.startswith("="):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(v)
    return out


def _fix_formulas(ws, row: int) -> None:
    for cell in ws[row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _number(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _subjective_cells(q: QuestionDraft) -> tuple[str, str]:
    """(answer, keywords) that read back to exactly ``q.key_points``."""
    points = q.key_points
    if not points:
        return q.answer, ""
    kw = render_keywords_explicit(points)
    total = q.score if q.score is not None else DEFAULT_MARKS.get(q.qtype, 5.0)
    if q.answer:
        again, _ = key_points(q.answer, total, kw)
        if _same_points(again, points):
            return q.answer, kw
    return render_points(points), kw


def render_keywords_explicit(points) -> str:
    """Keywords cell with one line per point; ``-`` marks a point without keywords."""
    if not any(p.keywords for p in points):
        return "\n".join("-" for _ in points)
    lines = render_keywords(points).split("\n")
    return "\n".join(line if line else "-" for line in lines)


def _same_points(a, b) -> bool:
    if len(a) != len(b):
        return False
    return all(
        x.text == y.text and abs(x.marks - y.marks) < 1e-9 and x.keywords == y.keywords
        for x, y in zip(a, b, strict=True)
    )


def question_row(q: QuestionDraft) -> list:
    """One row of the 题目 sheet."""
    options = [""] * len(LETTERS)
    answer = q.answer
    keywords = ""
    if q.qtype in (T.SINGLE, T.MULTI):
        for i, text in enumerate(q.options[: len(LETTERS)]):
            options[i] = text
    elif q.qtype in SUBJECTIVE_TYPES:
        answer, keywords = _subjective_cells(q)
    return [
        str(q.qtype),
        q.chapter,
        q.stem,
        *options,
        answer,
        q.explanation,
        q.difficulty,
        q.cognitive_level,
        q.knowledge_point,
        _number(q.score),
        keywords,
        "、".join(q.tags),
    ]


def case_rows(case: CaseDraft) -> list[list]:
    """Rows of the 案例 sheet for one case: material on its first row only."""
    rows = []
    questions = case.questions
    if (
        len(questions) == 1
        and questions[0].stem == DEFAULT_CASE_QUESTION
        and not questions[0].answer
    ):
        questions = []  # reading material only: the reader adds the default question again
    if not questions:
        return [[case.title, case.chapter, case.material, "", "", None, ""]]
    for i, q in enumerate(questions):
        answer, keywords = _subjective_cells(q) if q.answer or q.key_points else ("", "")
        chapter = case.chapter if i == 0 else (q.chapter if q.chapter != case.chapter else "")
        rows.append(
            [
                case.title,
                chapter,
                case.material if i == 0 else "",
                q.stem,
                answer,
                _number(q.score),
                keywords,
            ]
        )
    return rows


def _set_widths(ws, header: Sequence[str], widths: dict[str, int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, name in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)


# ---------------------------------------------------------------------------- export


def export_workbook(
    path: str | os.PathLike,
    questions: Iterable[QuestionDraft],
    cases: Iterable[CaseDraft] = (),
) -> None:
    """Write the canonical workbook (sheets 题目, 案例, 说明) that reads back to the same bank."""
    _ensure_writable(path)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def header_cells(ws, header):
        cells = []
        for name in header:
            c = WriteOnlyCell(ws, value=name)
            c.font = bold
            cells.append(c)
        return cells

    ws = wb.create_sheet("题目")
    ws.freeze_panes = "A2"
    _set_widths(ws, QUESTION_HEADER, _WIDTHS_Q)
    ws.append(header_cells(ws, QUESTION_HEADER))
    for q in questions:
        ws.append(_row_cells(ws, question_row(q), True))

    wc = wb.create_sheet("案例")
    wc.freeze_panes = "A2"
    _set_widths(wc, CASE_HEADER, _WIDTHS_C)
    wc.append(header_cells(wc, CASE_HEADER))
    for case in cases:
        for row in case_rows(case):
            wc.append(_row_cells(wc, row, True))

    wi = wb.create_sheet("说明")
    wi.column_dimensions["A"].width = 100
    for line in _INSTRUCTIONS:
        wi.append([line])
    _atomic_save(wb, path)


# ---------------------------------------------------------------------------- template

_INSTRUCTIONS = (
    "题库导入说明",
    "",
    "1. 题目写在“题目”工作表，一行一道题；案例写在“案例”工作表。第一行是表头，请勿修改。",
    "2. 题型可选：单选题、多选题、判断题、填空题、名词解释、简答题、论述题、案例分析题"
    "（可从下拉列表选择）。",
    "3. 单选题、多选题：选项依次填在“选项A”“选项B”……列，不要跳过；答案填字母，多选题如 ABD。",
    "4. 判断题：答案填“正确”或“错误”（也可填 对/错、√/×），选项列留空。",
    "5. 填空题：题干中用（ ）或 ____ 表示空；有几个空就用“|”分隔几个答案，"
    "同一个空的几种答法用“&&”分隔，如：客户满意&&顾客满意|期望。",
    "6. 名词解释、简答题、论述题、案例分析题：答案填参考答案。答案要点请分行编号（1. 2. 3.），"
    "每条后面可写分值，如“（2分）”；不写分值时，本题分值平均分给各要点。",
    "7. 关键词（用于自动评分）：每个答案要点一行，按要点顺序；同一行的几个关键词用“、”分隔，"
    "可互相替代的说法用“|”分隔，如：客户满意|顾客满意、期望；某个要点没有关键词时写“-”。",
    "8. 难度可选：易、较易、较难、难。认知层次可选：识记、领会、简单应用、综合应用。",
    "9. 章节、知识点每一行都要填写；在本模板中，留空表示没有章节。",
    "10. 以“【示例】”开头的题目是示例，导入时会被跳过，可以删除。",
    "11. 案例：同一个案例的几道问题写成几行，案例标题每行都填，案例材料只需写在第一行。"
    "只有材料、没有问题的案例会自动配一道“请结合案例进行分析”。",
    "",
    "示例（每种题型一行）：",
)

TEMPLATE_EXAMPLES: tuple[tuple, ...] = (
    (
        "单选题",
        "第1章 客户服务概述",
        "【示例】客户满意度等于可感知效果减去（ ）。",
        ("实际值", "期望值", "心理反差值", "失落感"),
        "B",
        "客户满意度是可感知效果与期望值之差。",
        "较易",
        "识记",
        "客户满意",
        1,
        "",
        "示例",
    ),
    (
        "多选题",
        "第1章 客户服务概述",
        "【示例】下列属于客户服务基本要素的有（ ）。",
        ("服务人员", "服务对象", "服务内容", "广告预算"),
        "ABC",
        "",
        "易",
        "领会",
        "",
        2,
        "",
        "",
    ),
    (
        "判断题",
        "第1章 客户服务概述",
        "【示例】客户服务只发生在销售完成以后。",
        (),
        "错误",
        "客户服务贯穿售前、售中和售后。",
        "易",
        "识记",
        "",
        1,
        "",
        "",
    ),
    (
        "填空题",
        "第1章 客户服务概述",
        "【示例】客户满意是客户对（ ）与（ ）比较后形成的感受。",
        (),
        "可感知效果|期望值&&期望",
        "",
        "较易",
        "识记",
        "",
        2,
        "",
        "",
    ),
    (
        "名词解释",
        "第2章 客户满意",
        "【示例】客户满意",
        (),
        "客户对产品或服务的可感知效果与其期望值相比较后形成的愉悦或失望的感觉状态。",
        "",
        "较易",
        "识记",
        "",
        3,
        "可感知效果、期望",
        "",
    ),
    (
        "简答题",
        "第2章 客户满意",
        "【示例】简述提高客户满意度的途径。",
        (),
        "1. 把握客户期望（2分）\n2. 提高产品和服务质量（2分）\n3. 及时处理客户投诉（1分）",
        "",
        "较难",
        "领会",
        "",
        5,
        "期望|预期\n质量\n投诉",
        "",
    ),
    (
        "论述题",
        "第3章 客户忠诚",
        "【示例】论述客户满意与客户忠诚的关系。",
        (),
        "1. 客户满意是客户忠诚的基础。\n2. 客户满意不一定带来客户忠诚。\n"
        "3. 企业应在满意的基础上培养忠诚。",
        "",
        "难",
        "综合应用",
        "",
        15,
        "",
        "",
    ),
)


def _template_row(ex: tuple, *, keep_marker: bool = True) -> list:
    """One TEMPLATE_EXAMPLES entry as a 题目 row, optionally without the stem's 【示例】."""
    qtype, chapter, stem, opts, answer, expl, diff, cog, kp, score, kw, tags = ex
    options = list(opts) + [""] * (len(LETTERS) - len(opts))
    if not keep_marker:
        stem = stem.replace("【示例】", "")
    return [qtype, chapter, stem, *options, answer, expl, diff, cog, kp, score, kw, tags]


def write_template(path: str | os.PathLike) -> None:
    """An empty bank to fill in: example rows, drop-downs for 题型/难度, 说明 in Chinese."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "题目"
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def style(sheet, header: Sequence[str], widths: dict[str, int]) -> None:
        for cell in sheet[1]:
            cell.font = head_font
            cell.fill = head_fill
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = wrap
        sheet.freeze_panes = "A2"
        _set_widths(sheet, header, widths)

    ws.append(list(QUESTION_HEADER))
    for ex in TEMPLATE_EXAMPLES:
        ws.append(_template_row(ex))
    style(ws, QUESTION_HEADER, _WIDTHS_Q)
    last = 2000
    dv_type = DataValidation(
        type="list",
        formula1='"' + ",".join(str(t) for t in T) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="题型",
        error="请从下拉列表中选择题型",
    )
    dv_type.add(f"A2:A{last}")
    diff_col = QUESTION_HEADER.index("难度") + 1
    from openpyxl.utils import get_column_letter

    dcol = get_column_letter(diff_col)
    dv_diff = DataValidation(
        type="list",
        formula1='"' + ",".join(DIFFICULTIES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="难度",
        error="难度请选择：易、较易、较难、难",
    )
    dv_diff.add(f"{dcol}2:{dcol}{last}")
    ws.add_data_validation(dv_type)
    ws.add_data_validation(dv_diff)

    wc = wb.create_sheet("案例")
    wc.append(list(CASE_HEADER))
    wc.append(
        [
            "【示例】小王的投诉",
            "第4章 客户投诉处理",
            "某酒店客人小王入住后发现房间空调损坏，前台三次答应维修都没有人来……",
            "【示例】请分析该酒店在处理投诉中存在的问题。",
            "1. 没有及时响应（3分）\n2. 承诺没有兑现（3分）\n3. 没有跟踪回访（2分）",
            8,
            "及时|迅速\n承诺\n回访",
        ]
    )
    style(wc, CASE_HEADER, _WIDTHS_C)

    wi = wb.create_sheet("说明")
    wi.column_dimensions["A"].width = 100
    for line in _INSTRUCTIONS:
        wi.append([line])
        wi.cell(wi.max_row, 1).alignment = Alignment(wrap_text=True)
    wi["A1"].font = Font(bold=True, size=14)
    wi.append(list(QUESTION_HEADER))
    for cell in wi[wi.max_row]:
        cell.font = head_font
    for ex in TEMPLATE_EXAMPLES:
        wi.append(_template_row(ex, keep_marker=False))
    _atomic_save(wb, path)


# ---------------------------------------------------------------------------- problem rows

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def write_problem_rows(path: str | os.PathLike, problem_rows: Iterable[ProblemRow]) -> None:
    """The rows a trainer must fix, as typed, with a 问题说明 column; it imports again as is."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    groups: dict[str, list[ProblemRow]] = {}
    for pr in problem_rows:
        groups.setdefault(pr.sheet, []).append(pr)
    wb = Workbook()
    wb.remove(wb.active)
    red = Font(color="C00000")
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="FCE4D6")
    wrap = Alignment(wrap_text=True, vertical="top")
    used: set[str] = set()
    if not groups:
        ws = wb.create_sheet("需要修改的行")
        ws.append(["没有需要修改的行"])
    for sheet, rows in groups.items():
        title = _SHEET_BAD.sub("_", sheet).strip("'")[:28] or "Sheet"
        base, n = title, 2
        while title.lower() in used:
            title = f"{base[:26]}_{n}"
            n += 1
        used.add(title.lower())
        ws = wb.create_sheet(title)
        header = max((r.header for r in rows), key=len)
        width = max(len(header), *(len(r.values) for r in rows))
        head = ["原行号", *header, *[""] * (width - len(header)), "问题说明"]
        ws.append(head)
        for cell in ws[1]:
            cell.font = head_font
            cell.fill = head_fill
        for pr in rows:
            values = list(pr.values) + [""] * (width - len(pr.values))
            ws.append([pr.row, *[_safe(v) for v in values], "；".join(pr.reasons)])
            _fix_formulas(ws, ws.max_row)
            note = ws.cell(ws.max_row, len(head))
            note.font = red
            for cell in ws[ws.max_row]:
                cell.alignment = wrap
        ws.freeze_panes = "B2"
        from openpyxl.utils import get_column_letter

        for i, name in enumerate(head, 1):
            ws.column_dimensions[get_column_letter(i)].width = (
                8 if i == 1 else 40 if name in ("问题说明", "题干", "题目", "题目内容") else 16
            )
    _atomic_save(wb, path)
