"""After submitting: the learner's answer beside the reference 答案要点, point by point.

Each point shows the automatic judgement, why it was made, and the phrases of the answer that
cover it (coloured in the answer with the point's colour). The learner accepts or changes the
mark of each point; the score follows at once and is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csapp.core import cases
from csapp.core.questions import KeyPoint
from csapp.ui import theme
from csapp.ui.widgets.case_editor import extra_selection, qt_pos, set_reading_format
from csapp.ui.widgets.common import button, label

HUES = (210, 135, 30, 280, 350, 175, 50, 245, 95, 15)


def point_colour(index: int, strong: bool = False) -> QColor:
    """A soft colour per point, readable under text in light and dark themes."""
    hue = HUES[index % len(HUES)]
    if theme.colors().dark:
        return QColor.fromHsl(hue, 120, 95 if strong else 70)
    return QColor.fromHsl(hue, 200, 190 if strong else 222)


def short_name(point: KeyPoint) -> str:
    """``层次性：客户服务要…`` → ``层次性``; otherwise the first words."""
    for mark in ("：", ":"):
        head = point.text.split(mark, 1)[0]
        if mark in point.text and len(head) <= 14:
            return head
    return point.text[:12] + ("…" if len(point.text) > 12 else "")


VERDICTS = {
    "keywords": ("✓ 答到了", "good"),
    "paraphrase": ("✓ 意思相近", "good"),
    "mentioned": ("△ 只提到了", "warn"),
    "partial": ("△ 还不完整", "warn"),
    "missing": ("✗ 没有找到", "bad"),
}


class PointCard(QFrame):
    """One 答案要点: the judgement, its reason, and the learner's own mark."""

    mark_changed = Signal(int, float)
    selected = Signal(int)

    def __init__(self, index: int, point: KeyPoint, coverage: dict, mark: float) -> None:
        super().__init__()
        self.index = index
        self.point = point
        self.setProperty("card", True)
        self.setObjectName("pointCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)

        head = QHBoxLayout()
        head.setSpacing(8)
        self.chip = label(f" 要点{index + 1} ")
        self.chip.setObjectName("pointChip")
        head.addWidget(self.chip)
        head.addWidget(label(f"{point.marks:g} 分", "muted"))
        how = coverage.get("how", "missing")
        text, role = VERDICTS.get(how, VERDICTS["missing"])
        self.verdict = label(f"自动判断：{text}")
        self.verdict.setProperty("verdict", role)
        head.addWidget(self.verdict)
        head.addStretch()
        layout.addLayout(head)

        body = label(point.text, wrap=True)
        layout.addWidget(body)
        reason = coverage.get("reason", "")
        if reason:
            self.reason = label(reason, "muted", wrap=True)
            layout.addWidget(self.reason)

        marks_row = QHBoxLayout()
        marks_row.setSpacing(6)
        marks_row.addWidget(label("我的评分：", "muted"))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        choices = [point.marks]
        if point.marks >= 1:
            half = round(point.marks / 2 * 2) / 2
            if 0 < half < point.marks:
                choices.append(half)
        choices.append(0.0)
        self.buttons: dict[float, QPushButton] = {}
        for value in choices:
            text = "不得分" if value == 0 else f"得 {value:g} 分"
            b = QPushButton(text)
            b.setCheckable(True)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.setProperty("segment", True)
            self.group.addButton(b)
            self.buttons[value] = b
            b.clicked.connect(lambda _c=False, v=value: self.mark_changed.emit(self.index, v))
            marks_row.addWidget(b)
        marks_row.addStretch()
        layout.addLayout(marks_row)
        self.set_mark(mark)
        self.set_selected(False)

    def set_mark(self, mark: float) -> None:
        b = self.buttons.get(mark)
        if b is None:  # a value set elsewhere (e.g. 1.5 of 2): nearest choice
            b = min(self.buttons.items(), key=lambda kv: abs(kv[0] - mark))[1]
        b.setChecked(True)

    def set_selected(self, selected: bool) -> None:
        c = theme.colors()
        chip = point_colour(self.index, strong=True).name()
        border = c.accent if selected else c.border
        self.chip.setStyleSheet(f"background:{chip}; color:{c.text}; border-radius:4px;")
        self.setStyleSheet(
            f"QFrame#pointCard {{ border: {2 if selected else 1}px solid {border}; }}"
            f'QPushButton[segment="true"]:checked {{ background: {c.accent_soft};'
            f" border: 2px solid {c.accent}; font-weight: 600; }}"
            f'QLabel[verdict="good"] {{ color: {c.good}; font-weight: 600; }}'
            f'QLabel[verdict="warn"] {{ color: {c.warn}; font-weight: 600; }}'
            f'QLabel[verdict="bad"] {{ color: {c.bad}; font-weight: 600; }}'
        )

    def mousePressEvent(self, event) -> None:
        self.selected.emit(self.index)
        super().mousePressEvent(event)


class AnswerReview(QWidget):
    """One question: the answer with covering phrases coloured, beside its point cards."""

    mark_changed = Signal(int, int, float)  # attempt id, point, marks

    def __init__(self, attempt: cases.AttemptView) -> None:
        super().__init__()
        self.attempt = attempt
        self.text = attempt.text
        self.selected: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        stem = label(f"{attempt.number}. {attempt.stem}", wrap=True)
        font = stem.font()
        font.setWeight(QFont.Weight.DemiBold)
        stem.setFont(font)
        layout.addWidget(stem)
        self.summary = label("", wrap=True)
        self.summary.setObjectName("reviewSummary")
        layout.addWidget(self.summary)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(label(f"我的答案（{attempt.chars} 字）", "muted"))
        self.answer = QTextBrowser()
        self.answer.setObjectName("reviewAnswer")
        self.answer.setPlainText(self.text or "（未作答）")
        set_reading_format(self.answer)
        left_layout.addWidget(self.answer, 1)
        split.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(
            label(
                "答案要点 · 点一条，看它在你答案里的位置；自动判断只是建议，请逐条确认得分", "muted"
            )
        )
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        cards = QVBoxLayout(holder)
        cards.setContentsMargins(0, 0, 8, 0)
        cards.setSpacing(10)
        self.cards: list[PointCard] = []
        for i, point in enumerate(attempt.key_points):
            coverage = attempt.coverage[i] if i < len(attempt.coverage) else {}
            mark = attempt.self_marks[i] if i < len(attempt.self_marks) else 0.0
            card = PointCard(i, point, coverage, mark)
            card.mark_changed.connect(lambda p, v: self.mark_changed.emit(self.attempt.id, p, v))
            card.selected.connect(self.select_point)
            cards.addWidget(card)
            self.cards.append(card)
        cards.addStretch()
        scroll.setWidget(holder)
        right_layout.addWidget(scroll, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 560])
        layout.addWidget(split, 1)
        self.update_attempt(attempt)

    def update_attempt(self, attempt: cases.AttemptView) -> None:
        self.attempt = attempt
        for card, mark in zip(self.cards, attempt.self_marks, strict=False):
            card.set_mark(mark)
        got = sum(1 for m in attempt.self_marks if m > 0)
        missed = [
            f"要点{i + 1}（{short_name(p)}）"
            for i, p in enumerate(attempt.key_points)
            if i >= len(attempt.self_marks) or attempt.self_marks[i] <= 0
        ]
        text = (
            f"答到 {got} / {len(attempt.key_points)} 个要点，"
            f"本问自评 {attempt.total:g} / {attempt.marks:g} 分。"
        )
        if missed:
            text += (
                "漏掉了：" + "、".join(missed) + "。对照右边的要点，想想案例里哪些事实能说明它们。"
            )
        else:
            text += "要点都答到了。"
        warning = next((c.get("warning") for c in attempt.coverage if c.get("warning")), "")
        if warning:
            text += "\n" + warning
        self.summary.setText(text)
        c = theme.colors()
        self.summary.setStyleSheet(f"color: {c.bad if missed else c.good};")
        self.paint()

    def select_point(self, index: int | None) -> None:
        self.selected = None if index == self.selected else index
        for card in self.cards:
            card.set_selected(card.index == self.selected)
        self.paint()
        if self.selected is not None:
            spans = self._spans(self.selected)
            if spans:
                cursor = QTextCursor(self.answer.document())
                cursor.setPosition(qt_pos(self.text, spans[0][0]))
                self.answer.setTextCursor(cursor)
                self.answer.ensureCursorVisible()

    def _spans(self, index: int) -> list[tuple[int, int]]:
        if index >= len(self.attempt.coverage):
            return []
        return [tuple(s) for s in self.attempt.coverage[index].get("spans", [])]

    def paint(self) -> None:
        """Colour each point's phrases; the selected point's sentence is underlined too."""
        selections = []
        n = len(self.text)
        for i, item in enumerate(self.attempt.coverage):
            if self.selected is not None and i != self.selected:
                continue
            strong = self.selected == i
            if strong and item.get("window"):
                lo, hi = item["window"]
                fmt = QTextCharFormat()
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(point_colour(i, strong=True).darker(140))
                selections.append(
                    extra_selection(self.answer, self.text, min(lo, n), min(hi, n), fmt)
                )
            for start, end in item.get("spans", []):
                fmt = QTextCharFormat()
                fmt.setBackground(point_colour(i, strong=strong))
                if not item.get("covered"):
                    fmt.setFontUnderline(True)
                    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                selections.append(
                    extra_selection(self.answer, self.text, min(start, n), min(end, n), fmt)
                )
        self.answer.setExtraSelections(selections)


class ReviewView(QWidget):
    """The whole submission: total score, one tab per question, and the next steps."""

    edit_requested = Signal()  # 修改答案
    rewrite_requested = Signal()  # 重新作答
    versions_requested = Signal()
    export_requested = Signal()
    library_requested = Signal()
    mark_changed = Signal(int, int, float)

    def __init__(self) -> None:
        super().__init__()
        self.submission: cases.Submission | None = None
        self.reviews: list[AnswerReview] = []
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(8)
        back = button("← 案例列表")
        back.clicked.connect(self.library_requested)
        top.addWidget(back)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = label("", "h2")
        titles.addWidget(self.title)
        self.meta = label("", "muted")
        titles.addWidget(self.meta)
        top.addLayout(titles, 1)
        self.score = label("", "figure")
        self.score.setObjectName("reviewScore")
        top.addWidget(self.score)
        for text, signal, primary in (
            ("版本记录", self.versions_requested, False),
            ("导出", self.export_requested, False),
            ("重新作答", self.rewrite_requested, False),
            ("修改答案", self.edit_requested, True),
        ):
            b = button(text, primary=primary)
            b.clicked.connect(signal)
            top.addWidget(b)
            if text == "导出":
                self.export_button = b  # disabled by the page while a file is written
        root.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        root.addWidget(self.tabs, 1)

    def show_submission(self, submission: cases.Submission) -> None:
        self.submission = submission
        self.title.setText(f"{submission.title} · 对照答案要点")
        self.tabs.clear()
        self.reviews = []
        for attempt in submission.attempts:
            review = AnswerReview(attempt)
            review.mark_changed.connect(self.mark_changed)
            self.reviews.append(review)
            self.tabs.addTab(review, self._tab_title(attempt))
        self._update_header()

    def update_submission(self, submission: cases.Submission) -> None:
        """New totals after a self-mark, without rebuilding the screen."""
        self.submission = submission
        for review, attempt in zip(self.reviews, submission.attempts, strict=False):
            review.update_attempt(attempt)
            self.tabs.setTabText(self.tabs.indexOf(review), self._tab_title(attempt))
        self._update_header()

    @staticmethod
    def _tab_title(attempt: cases.AttemptView) -> str:
        return f"第{attempt.number}问 · {attempt.total:g}/{attempt.marks:g}分"

    def _update_header(self) -> None:
        sub = self.submission
        if sub is None:
            return
        self.score.setText(f"{sub.total:g} / {sub.marks:g}")
        parts = [f"提交于 {sub.submitted_at.astimezone():%m-%d %H:%M}"]
        if sub.seconds:
            used = f"用时 {max(1, round(sub.seconds / 60))} 分钟"
            if sub.timed_minutes:
                used += f"（限时 {sub.timed_minutes} 分钟）"
            parts.append(used)
        parts.append("分数为自评")
        self.meta.setText(" · ".join(parts))
