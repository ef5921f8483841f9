"""A composed paper as printable HTML: the question paper and its answer key.

A paper is a list of ``Block``s: small HTML fragments that the printer places on pages whole
(a question never loses its options to the next page; a heading stays with what follows). The
HTML keeps to what Qt's rich-text engine lays out well (tables, paragraphs, pt font sizes, px
margins at 96 px per inch), so the UI and the ``paper`` command print it with QTextDocument
onto a QPdfWriter. The layout
follows a 自考 paper: title, 考试时间 and 总分, a 得分 table, 注意事项, 第一部分 选择题 /
第二部分 非选择题, each section's heading and instructions, numbered questions, options set in
columns when they are short, and blank space to write in after every subjective question.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from csapp.core.exam import Paper, PaperItem, PaperSection, fmt_marks
from csapp.core.questions import FALSE_ANSWER, LETTERS, TRUE_ANSWER, QuestionType

COURSE = "客户服务管理"
ON_SCREEN_JUDGE = "正确的选“正确”，错误的选“错误”。"
ON_PAPER_JUDGE = "正确的在括号内打“√”，错误的打“×”。"
GAP = "&nbsp;" * 4  # Qt collapses U+3000 like any other space
CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE}

STYLE = """
p { margin-top: 0; margin-bottom: 0; line-height: 145%; }
td { line-height: 140%; }
.title { font-size: 17pt; font-weight: bold; }
.subtitle { font-size: 12pt; }
.part { font-size: 12pt; font-weight: bold; }
.heading { font-size: 11pt; font-weight: bold; }
.small { font-size: 9pt; }
"""


def _e(text: str) -> str:
    return html.escape(text.strip())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def footer_text(paper: Paper, key: bool, page: int, pages: int) -> str:
    """What the bottom of each printed page says."""
    what = "参考答案" if key else "模拟试卷"
    return f"{COURSE}{what}　第 {page} 页（共 {pages} 页）"


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the paper printed in one piece; ``keep_with_next`` glues it to the next."""

    html: str
    keep_with_next: bool = False


def _header(paper: Paper, key: bool) -> Block:
    bp = paper.blueprint
    title = f"{COURSE} 模拟试卷" + (" 参考答案及评分标准" if key else "")
    out = [
        f'<p align="center" class="title">{_e(title)}</p>',
        f'<p align="center" class="subtitle" style="margin-top:4px">{_e(paper.title)}</p>',
    ]
    if key:
        out.append(
            '<p align="center" style="margin-top:8px; margin-bottom:6px">'
            f"总分：{fmt_marks(paper.total)} 分</p>"
        )
        return Block("".join(out))
    out.append(
        '<p align="center" style="margin-top:8px; margin-bottom:10px">'
        f"考试时间：{bp.minutes} 分钟{GAP}总分：{fmt_marks(paper.total)} 分{GAP}"
        f"及格分：{fmt_marks(bp.pass_mark)} 分</p>"
    )
    heads = "".join(f'<td align="center">{s.heading.split("、")[0]}</td>' for s in paper.sections)
    blanks = "".join("<td>&nbsp;</td>" for _ in paper.sections)
    out.append(
        '<table align="center" border="1" cellspacing="0" cellpadding="6" width="86%" '
        'style="border-collapse:collapse; border-color:#000">'
        f'<tr><td align="center" width="14%">题　号</td>{heads}'
        '<td align="center" width="14%">总　分</td></tr>'
        f'<tr><td align="center">得　分</td>{blanks}<td>&nbsp;</td></tr></table>'
    )
    out.append(
        f'<p style="margin-top:14px">姓名：________________{GAP}'
        "准考证号：______________________</p>"
    )
    out.append(
        '<p class="small" style="margin-top:10px">注意事项：'
        "1. 答题前请写好姓名和准考证号。2. 选择题把所选选项的字母写在题后的括号内，"
        "判断题在括号内打“√”或“×”；非选择题在题后的空白处作答。"
        "3. 主观题按答案要点给分。</p>"
    )
    return Block("".join(out))


def _options_html(options: list[str]) -> str:
    """Short options four to a row, middling two to a row, long ones one per row."""
    labelled = [f"{LETTERS[i]}．{_e(o)}" for i, o in enumerate(options[: len(LETTERS)])]
    longest = max((len(o) for o in options), default=0)
    per_row = 4 if longest <= 8 and len(options) <= 4 else 2 if longest <= 18 else 1
    rows = []
    for start in range(0, len(labelled), per_row):
        cells = labelled[start : start + per_row]
        cells += [""] * (per_row - len(cells))
        width = 100 // per_row
        rows.append("<tr>" + "".join(f'<td width="{width}%">{c}</td>' for c in cells) + "</tr>")
    return (
        '<table width="100%" cellspacing="0" cellpadding="1" style="margin-left:24px">'
        + "".join(rows)
        + "</table>"
    )


def _space(item: PaperItem) -> str:
    """Blank lines to write in, in proportion to what the answer is worth."""
    per_mark = {
        QuestionType.TERM: 1.3,
        QuestionType.SHORT: 1.4,
        QuestionType.ESSAY: 1.3,
        QuestionType.CASE: 1.5,
    }.get(QuestionType(item.qtype), 1.0)
    lines = max(3, min(22, round(item.marks * per_mark)))
    return "".join("<p>&nbsp;</p>" for _ in range(lines))


def _stem(item: PaperItem, no: str) -> str:
    stem = _e(item.stem).replace("\n", "<br>")
    if item.qtype == QuestionType.JUDGE:
        stem += f"（{GAP}）"
    return f'<p style="margin-top:9px">{no}．{stem}</p>'


def _case_blocks(paper: Paper, items: list[PaperItem], number: str) -> list[Block]:
    first = items[0]
    title, material = paper.cases.get(first.case_id or 0, ("", ""))
    out = [f'<p style="margin-top:9px">{number}．<b>{_e(title) or "案例材料"}</b></p>']
    for para in _lines(material):
        out.append(f'<p style="margin-top:4px; text-indent:28px">{_e(para)}</p>')
    out.append('<p style="margin-top:8px">问题：</p>')
    blocks = [Block("".join(out), keep_with_next=True)]
    for k, item in enumerate(items, 1):
        blocks.append(
            Block(
                f'<p style="margin-top:6px">（{k}）{_e(item.stem)}（{fmt_marks(item.marks)}分）</p>'
                + _space(item)
            )
        )
    return blocks


def _groups(paper: Paper, section: PaperSection) -> list[list[PaperItem]]:
    """Items of a section, a case's questions kept together."""
    groups: list[list[PaperItem]] = []
    for index in section.items:
        item = paper.items[index]
        base = item.no.split("(")[0]
        if groups and "(" in item.no and groups[-1][0].no.split("(")[0] == base:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _section_heading(section: PaperSection, instructions: str, gap: int = 14) -> Block:
    return Block(
        f'<p style="margin-top:{gap}px"><span class="heading">{_e(section.heading)}：</span>'
        f"{_e(instructions)}</p>",
        keep_with_next=True,
    )


def paper_blocks(paper: Paper) -> list[Block]:
    """The question paper, block by block."""
    blocks = [_header(paper, key=False)]
    choice = [s for s in paper.sections if s.qtype in CHOICE_TYPES]
    other = [s for s in paper.sections if s.qtype not in CHOICE_TYPES]
    parts = bool(choice) and bool(other)
    for section in paper.sections:
        for first, name in ((choice, f"第一部分{GAP}选择题"), (other, f"第二部分{GAP}非选择题")):
            if parts and section is first[0]:
                blocks.append(
                    Block(
                        f'<p align="center" class="part" style="margin-top:16px">{name}</p>',
                        keep_with_next=True,
                    )
                )
        instructions = section.instructions.replace(ON_SCREEN_JUDGE, ON_PAPER_JUDGE)
        blocks.append(_section_heading(section, instructions))
        for group in _groups(paper, section):
            item = group[0]
            number = item.no.split("(")[0]
            if item.qtype == QuestionType.CASE and (item.case_id or len(group) > 1):
                blocks.extend(_case_blocks(paper, group, number))
                continue
            html_text = _stem(item, number)
            if item.qtype in (QuestionType.SINGLE, QuestionType.MULTI) and item.options:
                html_text += _options_html(item.options)
            elif not item.objective:
                html_text += _space(item)
            blocks.append(Block(html_text))
    return blocks


def _key_answer(item: PaperItem) -> str:
    if item.qtype == QuestionType.JUDGE:
        return {TRUE_ANSWER: "√", FALSE_ANSWER: "×"}.get(item.answer.strip(), item.answer)
    if item.qtype == QuestionType.FILL:
        from csapp.core.practice import display_answer  # keeps this module light to import

        return display_answer(item.qtype, item.answer)
    return item.answer.strip()


def key_blocks(paper: Paper) -> list[Block]:
    """The answer key: letters for the objective parts, 要点 with marks for the rest."""
    blocks = [_header(paper, key=True)]
    for section in paper.sections:
        blocks.append(_section_heading(section, section.instructions.split("。")[0] + "。", 12))
        items = [paper.items[i] for i in section.items]
        if items and items[0].objective and items[0].qtype != QuestionType.FILL:
            per_row = 5
            cells = [f"{it.no}．{_e(_key_answer(it))}" for it in items]
            rows = []
            for start in range(0, len(cells), per_row):
                chunk = (cells[start : start + per_row] + [""] * per_row)[:per_row]
                rows.append("<tr>" + "".join(f'<td width="20%">{c}</td>' for c in chunk) + "</tr>")
            blocks.append(
                Block(
                    '<table width="100%" cellspacing="0" cellpadding="2" '
                    'style="margin-left:24px; margin-top:4px">' + "".join(rows) + "</table>"
                )
            )
            continue
        for item in items:
            if item.objective:
                blocks.append(
                    Block(f'<p style="margin-top:4px">{item.no}．{_e(_key_answer(item))}</p>')
                )
                continue
            if "(" in item.no:
                base, sub = item.no.rstrip(")").split("(")
                label = f"{base}．（{sub}）"
            else:
                label = f"{item.no}．"
            rows = [
                f'<p style="margin-top:8px">{label}<b>{_e(item.stem)}</b></p>'
                f'<p style="margin-left:24px">答案要点（共{fmt_marks(item.marks)}分）：</p>'
            ]
            for k, point in enumerate(item.points, 1):
                rows.append(
                    f'<p style="margin-left:24px; margin-top:2px">（{k}）{_e(point["text"])}'
                    f"（{fmt_marks(float(point['marks']))}分）</p>"
                )
            blocks.append(Block("".join(rows)))
    blocks.append(
        Block(
            '<p class="small" style="margin-top:16px">评分说明：主观题按答案要点给分，'
            "意思相近、表述不同的同样给分；只列要点、没有展开的，可酌情扣分。</p>"
        )
    )
    return blocks


def paper_html(paper: Paper) -> str:
    """The question paper as one HTML document."""
    return document([b.html for b in paper_blocks(paper)])


def key_html(paper: Paper) -> str:
    """The answer key as one HTML document."""
    return document([b.html for b in key_blocks(paper)])


def document(parts: list[str]) -> str:
    body = "\n".join(parts)
    return f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>"


def plain_text(html_text: str) -> str:
    """The text of the HTML, for tests and quick checks without Qt."""
    import re

    text = re.sub(r"<style>.*?</style>", "", html_text, flags=re.S)
    text = re.sub(r"</(p|tr|table)>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)
