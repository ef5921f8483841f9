"""成绩单: the total, pass or not, where every mark went, and every question with ✓/✗.

The breakdowns and the questions are one scrolling document (QTextBrowser); a question's
"查看教材" link asks the switchboard to open the chapter section.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csapp.core.exam import fmt_marks
from csapp.core.exam_session import ExamReport, Line, ReportItem, clock_text, duration_text
from csapp.core.practice import display_answer
from csapp.core.questions import FALSE_ANSWER, LETTERS, TRUE_ANSWER, QuestionType
from csapp.ui import theme
from csapp.ui.widgets.common import button, label, row_card

FILTERS = (("all", "全部题目"), ("wrong", "只看做错的"), ("marked", "只看标记过的"))


def _e(text: str) -> str:
    return html.escape(text.strip()).replace("\n", "<br>")


def _pct(line: Line) -> str:
    rate = line.rate
    return "—" if rate is None else f"{rate:.0%}"


def _local(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _choice_text(item, response: str) -> str:
    """``B``/``正确`` → the letter with its option text, as the learner saw it."""
    if not response:
        return "（未作答）"
    if item.qtype == QuestionType.JUDGE:
        return response
    if item.qtype == QuestionType.FILL:
        return "；".join(p or "（空）" for p in response.split("|"))
    if item.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        parts = []
        for ch in response:
            k = LETTERS.find(ch)
            text = item.options[k] if 0 <= k < len(item.options) else ""
            parts.append(f"{ch}．{text}" if text else ch)
        return "；".join(parts)
    return response


def _key_text(item) -> str:
    if item.qtype == QuestionType.JUDGE:
        return {TRUE_ANSWER: "正确", FALSE_ANSWER: "错误"}.get(item.answer, item.answer)
    if item.qtype == QuestionType.FILL:
        return display_answer(item.qtype, item.answer)
    return _choice_text(item, item.answer)


class ReportView(QWidget):
    """One exam's report; tells the page what the learner wants next."""

    back_requested = Signal()
    retake_requested = Signal(int)  # session id whose blueprint and scope to sit again
    mark_requested = Signal(int)  # session id to go on marking
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)

    def __init__(self, report: ExamReport, note: str = "") -> None:
        super().__init__()
        self.report = report
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 18)
        outer.setSpacing(12)

        head, head_layout = row_card((22, 14, 22, 14), 22)
        score_box = QVBoxLayout()
        score_box.setSpacing(0)
        self.score = label(fmt_marks(report.score), "figure")
        self.score.setStyleSheet(f"font-size: {round(self.font().pixelSize() * 3.2) or 48}px;")
        score_box.addWidget(self.score)
        score_box.addWidget(label(f"满分 {fmt_marks(report.total)} 分", "muted"))
        head_layout.addLayout(score_box)
        info = QVBoxLayout()
        info.setSpacing(4)
        self.verdict = label(report.verdict, "h1")
        tone = {True: "good", False: "bad", None: "warn"}[report.passed]
        c = theme.colors()
        self.verdict.setStyleSheet(f"color: {getattr(c, tone)};")
        title_row = QHBoxLayout()
        title_row.addWidget(self.verdict)
        title_row.addWidget(label(report.title, "h2"))
        title_row.addStretch()
        info.addLayout(title_row)
        details = [
            f"及格线 {fmt_marks(report.pass_mark)} 分",
            f"用时 {clock_text(report.used_seconds)}"
            f"（限时 {int(report.limit_seconds // 60)} 分钟）",
        ]
        if report.submitted_at:
            details.append(f"交卷于 {_local(report.submitted_at)}")
        info.addWidget(label(" · ".join(details), "muted"))
        lines = [note] if note else []
        if report.pending:
            lines.append(f"还有 {report.pending} 道主观题没有批改，现在的分数只算了已批改的部分。")
        wrong = len(report.wrong())
        if report.final:
            lines.append(
                f"做错或没答的 {wrong} 道题已经收进错题本。" if wrong else "全部答对，了不起！"
            )
        self.summary = label(" ".join(lines), wrap=True)
        info.addWidget(self.summary)
        head_layout.addLayout(info, 1)
        actions = QVBoxLayout()
        actions.setSpacing(6)
        if report.pending:
            self.mark_button = button("继续批改", primary=True)
            self.mark_button.clicked.connect(lambda: self.mark_requested.emit(report.session_id))
            actions.addWidget(self.mark_button)
        self.retake_button = button("再考一次", primary=not report.pending)
        self.retake_button.clicked.connect(lambda: self.retake_requested.emit(report.session_id))
        actions.addWidget(self.retake_button)
        self.wrongbook_button = button("打开错题本")
        self.wrongbook_button.clicked.connect(lambda: self.navigate_requested.emit("wrongbook"))
        self.wrongbook_button.setVisible(report.final and wrong > 0)
        actions.addWidget(self.wrongbook_button)
        self.back_button = button("返回模拟考试")
        self.back_button.clicked.connect(self.back_requested)
        actions.addWidget(self.back_button)
        head_layout.addLayout(actions)
        outer.addWidget(head)

        filters = QHBoxLayout()
        filters.addWidget(label("成绩分析与逐题详情", "h2"))
        filters.addStretch()
        filters.addWidget(label("显示", "muted"))
        self.filter = QComboBox()
        for key, text in FILTERS:
            self.filter.addItem(text, key)
        self.filter.currentIndexChanged.connect(self.render)
        filters.addWidget(self.filter)
        outer.addLayout(filters)

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        outer.addWidget(self.browser, 1)
        self.render()

    def _link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("chapter:"):
            _, no, anchor = [*text.split(":", 2), ""][:3]
            if no.isdigit():
                self.open_chapter_requested.emit(int(no), anchor)

    # -- the document ------------------------------------------------------------------------

    def _table(self, title: str, lines: list[Line], time_column: bool = False) -> str:
        c = theme.colors()
        head = ["", "得分", "满分", "得分率", "答对"] + (["用时"] if time_column else [])
        cells = "".join(
            f'<th align="{"left" if i == 0 else "right"}" style="color:{c.muted}">{h}</th>'
            for i, h in enumerate(head)
        )
        rows = [f"<tr>{cells}</tr>"]
        for line in lines:
            score = fmt_marks(round(line.score, 2)) + ("*" if line.pending else "")
            values = [
                html.escape(line.label),
                score,
                fmt_marks(line.marks),
                _pct(line),
                f"{line.right}/{line.count}",
            ] + ([duration_text(line.seconds)] if time_column else [])
            rows.append(
                "<tr>"
                + "".join(
                    f'<td align="{"left" if i == 0 else "right"}">{v}</td>'
                    for i, v in enumerate(values)
                )
                + "</tr>"
            )
        return (
            f'<p style="margin-top:14px"><b>{title}</b></p>'
            f'<table width="96%" cellspacing="0" cellpadding="4" '
            f'style="border-collapse:collapse">{"".join(rows)}</table>'
        )

    def _item_html(self, r: ReportItem) -> str:
        c = theme.colors()
        item = r.item
        if r.correct is None:
            mark, tone = "待批", c.warn
        elif r.correct:
            mark, tone = "✓", c.good
        else:
            mark, tone = "✗", c.bad
        score = "待批改" if r.score is None else f"得 {fmt_marks(r.score)} 分"
        flag = " · 标记过" if r.marked_for_review else ""
        out = [
            f'<p style="margin-top:16px"><span style="color:{tone}; font-weight:700; '
            f'font-size:large">{mark}</span>&nbsp;&nbsp;<b>第 {item.no} 题</b>'
            f'<span style="color:{c.muted}">&nbsp;&nbsp;{item.qtype} · '
            f"{fmt_marks(item.marks)} 分 · {score} · 用时 {duration_text(r.seconds)}{flag}"
            "</span></p>",
            f'<p style="margin-top:4px">{_e(item.stem)}</p>',
        ]
        if item.objective:
            if item.options and item.qtype != QuestionType.JUDGE:
                opts = "<br>".join(
                    f"{LETTERS[k]}．{html.escape(o)}" for k, o in enumerate(item.options)
                )
                out.append(f'<p style="margin-top:4px; color:{c.muted}">{opts}</p>')
            out.append(
                f'<p style="margin-top:6px">你的答案：<span style="color:{tone}">'
                f"{html.escape(_choice_text(item, r.response))}</span>"
                f"&nbsp;&nbsp;&nbsp;&nbsp;正确答案：<b>{html.escape(_key_text(item))}</b></p>"
            )
        else:
            answer = _e(r.response) if r.answered else "（未作答）"
            out.append(
                f'<p style="margin-top:6px">你的答案：</p><p style="margin-left:16px">{answer}</p>'
            )
            out.append('<p style="margin-top:6px">答案要点：</p>')
            fractions = r.fractions or []
            verdicts = {1.0: "得分", 0.5: "一半", 0.0: "不得分"}
            for k, point in enumerate(item.points):
                f = fractions[k] if k < len(fractions) else None
                given = "未批" if f is None else verdicts.get(float(f), f"{f:g}")
                out.append(
                    f'<p style="margin-left:16px">（{k + 1}）{html.escape(point["text"])}'
                    f"（{fmt_marks(float(point['marks']))} 分）"
                    f'<span style="color:{c.muted}"> — 你的评分：{given}</span></p>'
                )
        if item.explanation:
            out.append(
                f'<p style="margin-top:6px; color:{c.muted}">解析：{_e(item.explanation)}</p>'
            )
        if item.chapter_no:
            where = item.anchor or ""
            text = f"第{item.chapter_no}章" + (f" {where}" if where else "")
            out.append(
                f'<p style="margin-top:4px"><a href="chapter:{item.chapter_no}:{where}" '
                f'style="color:{c.accent}">查看教材：{html.escape(text)}</a></p>'
            )
        return "".join(out)

    def render(self) -> None:
        report = self.report
        c = theme.colors()
        key = self.filter.currentData() or "all"
        parts = [
            f"<html><head><style>p {{ line-height: 150%; }}</style></head>"
            f"<body style='color:{c.text}'>",
            self._table("各题型得分", report.by_type),
            self._table("各章得分", report.by_chapter),
            self._table("各大题得分与用时", report.by_section, time_column=True),
        ]
        if report.pending:
            parts.append(f'<p style="color:{c.muted}">* 含待批改的题目，分数还会变化。</p>')
        if report.notes:
            parts.append(
                f'<p style="margin-top:8px; color:{c.muted}">组卷说明：'
                + "；".join(html.escape(n) for n in report.notes)
                + "</p>"
            )
        chosen = [
            r
            for r in report.items
            if key == "all"
            or (key == "wrong" and r.correct is False)
            or (key == "marked" and r.marked_for_review)
        ]
        parts.append(f'<p style="margin-top:18px"><b>逐题详情（{len(chosen)} 题）</b></p>')
        if not chosen:
            parts.append(f'<p style="color:{c.muted}">没有符合条件的题目。</p>')
        for r in chosen:
            parts.append(self._item_html(r))
        parts.append("</body></html>")
        bar = self.browser.verticalScrollBar().value()
        self.browser.setHtml("".join(parts))
        self.browser.verticalScrollBar().setValue(bar)

    def plain_text(self) -> str:
        return self.browser.toPlainText()


def score_line(report: ExamReport) -> str:
    """``78 分 · 及格``: for a history row's tooltip and tests."""
    return f"{fmt_marks(report.score)} 分 · {report.verdict}"
