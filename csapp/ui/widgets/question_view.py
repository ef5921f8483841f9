"""One question on screen: stem, options as large rows, blanks or a writing box, the 解析.

Keyboard (the whole session works without the mouse):
1–8 or A–D/G/H choose (E and F are kept for 解析 and 收藏; options E/F are 5 and 6),
Space/Enter submit and then move on, ←/→ previous/next, F 收藏, E 解析.
In a blank or the writing box: Enter (Ctrl+Enter in the writing box) submits, Esc leaves it.
For 名词解释/简答/论述 the learner writes, submits, then marks each 要点 met or not (1–8 toggle,
Enter confirms); the marks give partial credit.

The widget only shows and reports: the page grades and records through the core.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from csapp.core.questions import FALSE_ANSWER, LETTERS, TRUE_ANSWER, QuestionType
from csapp.ui import theme
from csapp.ui.widgets.common import ClickableRow, restyle

if TYPE_CHECKING:
    from csapp.core.practice import Answer, QuestionItem

CHOICE_LETTER_KEYS = {
    Qt.Key.Key_A: 0,
    Qt.Key.Key_B: 1,
    Qt.Key.Key_C: 2,
    Qt.Key.Key_D: 3,
    Qt.Key.Key_G: 6,
    Qt.Key.Key_H: 7,
}
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{i}"): i - 1 for i in range(1, 9)}
CONTENT_MAX_WIDTH = 940
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _blend(a: str, b: str, share: float) -> str:
    """``share`` of colour ``a`` over ``b``."""
    ca, cb = QColor(a), QColor(b)
    mix = [
        round(x * share + y * (1 - share))
        for x, y in zip(ca.getRgb()[:3], cb.getRgb()[:3], strict=True)
    ]
    return QColor(*mix).name()


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _shown(widget: QWidget, on: bool) -> None:
    """setVisible only when it changes: each call re-lays out the page, and a question has
    dozens of parts."""
    if widget.isHidden() == bool(on):
        widget.setVisible(bool(on))


class OptionRow(ClickableRow):
    """One option as a large clickable row: a letter badge and the text."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.setObjectName("option")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(12)
        self.badge = QLabel(LETTERS[index])
        self.badge.setObjectName("badge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("optionText")
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.text, 1)
        self.mark = QLabel()
        self.mark.setObjectName("optionMark")
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        self.state = ""

    def set_content(self, badge: str, text: str) -> None:
        self.badge.setText(badge)
        self.text.setText(text)

    def set_state(self, state: str, mark: str = "") -> None:
        """'' (plain), selected, correct, wrong or missed (a right option not chosen)."""
        self.mark.setText(mark)
        if state != self.state:
            self.state = state
            self.setProperty("state", state)
            restyle(self, self.badge)


class PointRow(QFrame):
    """One 要点 of a subjective answer with a met / not met toggle."""

    toggled = Signal(int)

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.setObjectName("point")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(12)
        self.number = QLabel(str(index + 1))
        self.number.setObjectName("badge")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.number, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.button = QPushButton()
        self.button.setCheckable(True)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setMinimumWidth(96)
        self.button.clicked.connect(lambda: self.toggled.emit(self.index))
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.met = False

    def set_point(self, text: str, marks: float) -> None:
        self.text.setText(f"{_esc(text)} <span style='opacity:0.7'>（{marks:g} 分）</span>")

    def set_met(self, met: bool, editable: bool = True) -> None:
        self.met = met
        self.button.setChecked(met)
        self.button.setText("✓ 答到了" if met else "✗ 没答到")
        self.button.setEnabled(editable)
        self.setProperty("state", "correct" if met else "")
        restyle(self)


class QuestionView(QWidget):
    """Shows one question in one of four modes: practice, quiz, memorize or review."""

    submitted = Signal(object)  # {"response": str, "marks": list[float] | None}
    answer_changed = Signal(str)  # quiz: the current choice, saved at once
    next_requested = Signal()
    prev_requested = Signal()
    favorite_requested = Signal()
    open_chapter_requested = Signal(int, str)
    hint = Signal(str)  # a short message for the page's status line
    phase_changed = Signal(str)  # answer / mark / done: the page updates its buttons

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.item: QuestionItem | None = None
        self.mode = "practice"
        self.phase = "answer"  # answer → (mark →) done
        self.chosen: set[int] = set()
        self.marks: list[float] = []
        self._favorite = False
        self._style_for: object = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.scroll)
        holder = QWidget()
        holder.setObjectName("questionHolder")
        hold = QHBoxLayout(holder)
        hold.setContentsMargins(4, 4, 4, 12)
        content = QWidget()
        content.setMaximumWidth(CONTENT_MAX_WIDTH)
        hold.addStretch(0)
        hold.addWidget(content, 1)
        hold.addStretch(0)
        self.scroll.setWidget(holder)
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(12)

        top = QHBoxLayout()
        self.meta = QLabel()
        self.meta.setObjectName("meta")
        self.meta.setWordWrap(True)
        top.addWidget(self.meta, 1)
        self.star = QPushButton()
        self.star.setObjectName("star")
        self.star.setFlat(True)
        self.star.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.star.setCursor(Qt.CursorShape.PointingHandCursor)
        self.star.setToolTip("收藏 / 取消收藏（F）")
        self.star.clicked.connect(self.favorite_requested)
        top.addWidget(self.star, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(top)

        self.material = QLabel()
        self.material.setObjectName("material")
        self.material.setWordWrap(True)
        self.material.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.material)

        self.stem = QLabel()
        self.stem.setObjectName("stem")
        self.stem.setWordWrap(True)
        self.stem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.stem)

        self.options_box = QVBoxLayout()
        self.options_box.setSpacing(8)
        body.addLayout(self.options_box)
        self.option_rows: list[OptionRow] = []

        self.blanks_box = QVBoxLayout()
        self.blanks_box.setSpacing(8)
        body.addLayout(self.blanks_box)
        self.blank_edits: list[QLineEdit] = []
        self.blank_rows: list[QWidget] = []

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("answerEditor")
        self.editor.setPlaceholderText(
            "在这里写下你的答案，写完按 Ctrl+Enter 提交，再对照答案要点自评。"
        )
        self.editor.setMinimumHeight(150)
        self.editor.installEventFilter(self)
        body.addWidget(self.editor)

        self.points_title = QLabel("答案要点（逐条对照你的答案，答到的标为“答到了”）")
        self.points_title.setObjectName("sectionTitle")
        body.addWidget(self.points_title)
        self.points_box = QVBoxLayout()
        self.points_box.setSpacing(6)
        body.addLayout(self.points_box)
        self.point_rows: list[PointRow] = []

        self.feedback = QFrame()
        self.feedback.setObjectName("feedback")
        fb = QVBoxLayout(self.feedback)
        fb.setContentsMargins(18, 14, 18, 14)
        fb.setSpacing(8)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        fb.addWidget(self.verdict)
        self.key_line = QLabel()
        self.key_line.setWordWrap(True)
        self.key_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fb.addWidget(self.key_line)
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fb.addWidget(self.explanation)
        self.book_link = QPushButton()
        self.book_link.setObjectName("bookLink")
        self.book_link.setFlat(True)
        self.book_link.setCursor(Qt.CursorShape.PointingHandCursor)
        self.book_link.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.book_link.clicked.connect(self._open_book)
        link_row = QHBoxLayout()
        link_row.addWidget(self.book_link)
        link_row.addStretch()
        fb.addLayout(link_row)
        body.addWidget(self.feedback)
        body.addStretch(1)

    # -- style ---------------------------------------------------------------------------

    def _apply_style(self) -> None:
        c = theme.colors()
        px = self.font().pixelSize() if self.font().pixelSize() > 0 else theme.BASE_PX
        if self._style_for == (c, px):
            return
        self._style_for = (c, px)
        good_soft = _blend(c.good, c.surface, 0.14)
        bad_soft = _blend(c.bad, c.surface, 0.14)
        badge = round(px * 1.9)
        self.setStyleSheet(f"""
QWidget#questionHolder {{ background: transparent; }}
QLabel#meta {{ color: {c.muted}; font-size: {round(px * 0.87)}px; }}
QLabel#stem {{ font-size: {round(px * 1.15)}px; }}
QLabel#material {{
    background: {c.alt_surface}; border: 1px solid {c.border}; border-radius: 8px;
    padding: 12px 14px;
}}
QLabel#sectionTitle {{ font-weight: 600; margin-top: 4px; }}
QFrame#option {{
    background: {c.surface}; border: 2px solid {c.border}; border-radius: 10px;
}}
QFrame#option:hover {{ border-color: {c.accent}; }}
QFrame#option[state="selected"] {{ border-color: {c.accent}; background: {c.accent_soft}; }}
QFrame#option[state="correct"] {{ border-color: {c.good}; background: {good_soft}; }}
QFrame#option[state="wrong"] {{ border-color: {c.bad}; background: {bad_soft}; }}
QFrame#option[state="missed"] {{ border: 2px dashed {c.good}; }}
QLabel#badge {{
    min-width: {badge}px; max-width: {badge}px; min-height: {badge}px; max-height: {badge}px;
    border-radius: {badge // 2}px; border: 1px solid {c.border}; background: {c.alt_surface};
    font-weight: 600;
}}
QFrame#option[state="selected"] QLabel#badge {{
    background: {c.accent}; color: {c.accent_text}; border-color: {c.accent};
}}
QFrame#option[state="correct"] QLabel#badge {{
    background: {c.good}; color: {c.surface}; border-color: {c.good};
}}
QFrame#option[state="wrong"] QLabel#badge {{
    background: {c.bad}; color: {c.surface}; border-color: {c.bad};
}}
QLabel#optionMark {{ font-weight: 600; }}
QFrame#point {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; }}
QFrame#point[state="correct"] {{ border-color: {c.good}; background: {good_soft}; }}
QFrame#feedback {{
    background: {c.alt_surface}; border: 1px solid {c.border}; border-radius: 10px;
}}
QLabel#verdict {{ font-size: {round(px * 1.1)}px; font-weight: 700; }}
QLabel#verdict[tone="good"] {{ color: {c.good}; }}
QLabel#verdict[tone="bad"] {{ color: {c.bad}; }}
QLabel#verdict[tone="warn"] {{ color: {c.warn}; }}
QPushButton#bookLink {{
    color: {c.accent}; border: none; padding: 2px 0; text-align: left; font-weight: 600;
    background: transparent;
}}
QPushButton#bookLink:hover {{ text-decoration: underline; }}
QPushButton#star {{ border: none; padding: 2px 6px; color: {c.muted}; background: transparent; }}
QPushButton#star[on="true"] {{ color: {c.warn}; font-weight: 600; }}
QLineEdit {{ padding: 6px 8px; border: 1px solid {c.border}; border-radius: 6px;
    background: {c.surface}; }}
QLineEdit[state="correct"] {{ border: 2px solid {c.good}; }}
QLineEdit[state="wrong"] {{ border: 2px solid {c.bad}; }}
""")

    # -- showing -------------------------------------------------------------------------

    def show_item(
        self,
        item: QuestionItem,
        *,
        number: int,
        total: int,
        mode: str = "practice",
        answer: Answer | None = None,
        favorite: bool = False,
    ) -> None:
        """Show ``item``; with ``answer`` (already graded) it opens in its result."""
        self._apply_style()
        self.setUpdatesEnabled(False)
        try:
            self._show(item, number, total, mode, answer, favorite)
        finally:
            self.setUpdatesEnabled(True)
        self.scroll.verticalScrollBar().setValue(0)

    def _show(
        self,
        item: QuestionItem,
        number: int,
        total: int,
        mode: str,
        answer: Answer | None,
        favorite: bool,
    ) -> None:
        self.item = item
        self.mode = mode
        self.chosen = set()
        self.marks = []
        qtype = item.type
        parts = [f"第 {number} / {total} 题", item.qtype]
        if item.chapter:
            parts.append(item.chapter)
        if item.knowledge_point:
            parts.append(item.knowledge_point)
        if item.difficulty:
            parts.append(f"难度 {item.difficulty}")
        self.meta.setText(" · ".join(parts))
        self.set_favorite(favorite)
        _shown(self.material, bool(item.material))
        if item.material:
            title = f"【案例】{_esc(item.case_title)}<br>" if item.case_title else "【案例】"
            self.material.setText(title + _esc(item.material))
        self.stem.setText(f"<p style='line-height:150%'>{_esc(item.stem)}</p>")

        choices = self._choices(item)
        self._ensure_options(len(choices))
        for i, row in enumerate(self.option_rows):
            visible = i < len(choices)
            _shown(row, visible)
            if visible:
                badge, text = choices[i]
                row.set_content(badge, text)
                row.set_state("")
        blanks = item.blanks if qtype == QuestionType.FILL else 0
        self._ensure_blanks(blanks)
        for i, (row, edit) in enumerate(zip(self.blank_rows, self.blank_edits, strict=True)):
            _shown(row, i < blanks)
            edit.clear()
            edit.setReadOnly(False)
            edit.setProperty("state", "")
            restyle(edit)
        subjective = not item.objective
        _shown(self.editor, subjective)
        self._set_editor_open(True)
        self.editor.clear()
        _shown(self.points_title, False)
        for row in self.point_rows:
            _shown(row, False)
        _shown(self.feedback, False)
        self.phase = "answer"

        if answer is not None and (answer.graded or mode == "memorize"):
            self._restore(answer)
            if mode == "memorize":
                self.show_memorize()
            else:
                self.show_result(answer)
        elif answer is not None and mode == "quiz":
            self._restore(answer)
        elif mode in ("memorize", "review"):
            self.show_memorize()
        self._focus_input()
        self.phase_changed.emit(self.phase)

    def _choices(self, item: QuestionItem) -> list[tuple[str, str]]:
        if item.type == QuestionType.JUDGE:
            return [("1", TRUE_ANSWER), ("2", FALSE_ANSWER)]
        if item.type in (QuestionType.SINGLE, QuestionType.MULTI):
            return [(LETTERS[i], opt) for i, opt in enumerate(item.options[: len(LETTERS)])]
        return []

    def _ensure_options(self, n: int) -> None:
        while len(self.option_rows) < n:
            row = OptionRow(len(self.option_rows))
            row.clicked.connect(self._clicked_option)
            self.options_box.addWidget(row)
            self.option_rows.append(row)

    def _ensure_blanks(self, n: int) -> None:
        while len(self.blank_edits) < n:
            i = len(self.blank_edits)
            row = QWidget()
            lay = QHBoxLayout(row)
            lay.setContentsMargins(0, 0, 0, 0)
            lab = QLabel(f"第 {i + 1} 空")
            lab.setMinimumWidth(64)
            lay.addWidget(lab)
            edit = QLineEdit()
            edit.setPlaceholderText("填写答案，按 Enter 提交")
            edit.installEventFilter(self)
            lay.addWidget(edit, 1)
            self.blanks_box.addWidget(row)
            self.blank_rows.append(row)
            self.blank_edits.append(edit)

    def _ensure_points(self, n: int) -> None:
        while len(self.point_rows) < n:
            row = PointRow(len(self.point_rows))
            row.toggled.connect(self._toggle_point)
            self.points_box.addWidget(row)
            self.point_rows.append(row)

    def _restore(self, answer: Answer) -> None:
        """Put a saved response back on screen (a revisited or resumed question)."""
        item = self.item
        if item is None:
            return
        if item.type == QuestionType.JUDGE:
            self.chosen = (
                {0}
                if answer.response == TRUE_ANSWER
                else ({1} if answer.response == FALSE_ANSWER else set())
            )
        elif item.type in (QuestionType.SINGLE, QuestionType.MULTI):
            self.chosen = {LETTERS.index(ch) for ch in answer.response if ch in LETTERS}
        elif item.type == QuestionType.FILL:
            for edit, text in zip(self.blank_edits, answer.response.split("|"), strict=False):
                edit.setText(text)
        else:
            self.editor.setPlainText(answer.response)
            self.marks = list(answer.marks)
        self._paint_choices()

    def set_favorite(self, on: bool) -> None:
        self._favorite = on
        self.star.setText("★ 已收藏" if on else "☆ 收藏")
        self.star.setProperty("on", on)
        restyle(self.star)

    def _focus_input(self) -> None:
        if self.phase == "answer" and self.item is not None and self.mode in ("practice", "quiz"):
            if self.item.type == QuestionType.FILL and self.blank_edits:
                self.blank_edits[0].setFocus()
                return
            if not self.item.objective:
                self.editor.setFocus()
                return
        self.setFocus()

    # -- answering -----------------------------------------------------------------------

    @property
    def can_choose(self) -> bool:
        return self.phase == "answer" and self.mode in ("practice", "quiz")

    def _clicked_option(self, index: int) -> None:
        self.setFocus()
        self.choose(index)

    def choose(self, index: int) -> None:
        """Select option ``index`` (toggle for 多选)."""
        item = self.item
        if item is None or not self.can_choose:
            return
        n = len(self._choices(item))
        if not 0 <= index < n:
            return
        if item.type == QuestionType.MULTI:
            self.chosen ^= {index}
        else:
            self.chosen = {index}
        self._paint_choices()
        if self.mode == "quiz":
            self.answer_changed.emit(self.response())

    def _paint_choices(self) -> None:
        n = len(self._choices(self.item)) if self.item else 0
        for i, row in enumerate(self.option_rows[:n]):
            row.set_state("selected" if i in self.chosen else "")

    def response(self) -> str:
        """The learner's answer in the canonical encoding of its type."""
        item = self.item
        if item is None:
            return ""
        if item.type == QuestionType.JUDGE:
            if not self.chosen:
                return ""
            return TRUE_ANSWER if 0 in self.chosen else FALSE_ANSWER
        if item.type in (QuestionType.SINGLE, QuestionType.MULTI):
            return "".join(LETTERS[i] for i in sorted(self.chosen))
        if item.type == QuestionType.FILL:
            return "|".join(e.text().strip() for e in self.blank_edits[: item.blanks])
        return self.editor.toPlainText().strip()

    def has_response(self) -> bool:
        item = self.item
        if item is None:
            return False
        if item.type == QuestionType.FILL:
            return any(e.text().strip() for e in self.blank_edits[: item.blanks])
        if not item.objective:
            return True  # an empty answer can still be self-marked honestly
        return bool(self.chosen)

    def submit(self) -> None:
        """Enter in the answer phase: hand the answer on (subjective: go to self-marking)."""
        item = self.item
        if item is None or self.phase != "answer" or self.mode != "practice":
            return
        if not self.has_response():
            self.hint.emit("先选择或填写答案；不会做可以按 → 跳过，或按 E 看解析。")
            return
        if not item.objective:
            self._start_marking()
            return
        self.submitted.emit({"response": self.response(), "marks": None})

    def _start_marking(self) -> None:
        from csapp.core.practice import suggest_marks

        item = self.item
        assert item is not None
        points = item.points
        self.marks = suggest_marks(points, self.editor.toPlainText())
        self.phase = "mark"
        self._set_editor_open(False)
        self._show_points(points, editable=True)
        _shown(self.feedback, True)
        self._set_verdict(
            "对照要点自评：答到的标为“答到了”（按数字键切换），然后按 Enter 确认。", ""
        )
        self.key_line.setText(self._marks_line())
        self._fill_explanation()
        self.setFocus()
        self.phase_changed.emit(self.phase)
        self.scroll.ensureWidgetVisible(self.points_title, 0, 40)

    def _set_editor_open(self, editable: bool) -> None:
        """Writing: a roomy box; once submitted: only as tall as the answer needs."""
        self.editor.setReadOnly(not editable)
        if editable:
            self.editor.setMinimumHeight(150)
            self.editor.setMaximumHeight(16_777_215)
            return
        lines = max(2, min(6, self.editor.document().lineCount() + 1))
        height = lines * self.editor.fontMetrics().lineSpacing() + 16
        self.editor.setMinimumHeight(height)
        self.editor.setMaximumHeight(height)

    def _show_points(self, points: list[dict[str, Any]], editable: bool) -> None:
        self._ensure_points(len(points))
        _shown(self.points_title, True)
        for i, row in enumerate(self.point_rows):
            _shown(row, i < len(points))
            if i < len(points):
                row.set_point(str(points[i].get("text", "")), float(points[i].get("marks", 1) or 0))
                row.set_met(bool(self.marks[i]) if i < len(self.marks) else False, editable)

    def _toggle_point(self, index: int) -> None:
        if self.phase != "mark" or index >= len(self.marks):
            if index < len(self.point_rows):  # undo the button's own toggle
                row = self.point_rows[index]
                row.set_met(row.met, row.button.isEnabled())
            return
        self.marks[index] = 0.0 if self.marks[index] else 1.0
        self.point_rows[index].set_met(bool(self.marks[index]))
        self.key_line.setText(self._marks_line())
        self.setFocus()

    def _marks_line(self) -> str:
        from csapp.core.practice import grade_subjective

        item = self.item
        assert item is not None
        g = grade_subjective(item.points, self.marks)
        return f"自评得分：<b>{g.score:g}</b> / {g.max_score:g} 分"

    def confirm_marks(self) -> None:
        if self.phase != "mark":
            return
        self.submitted.emit({"response": self.response(), "marks": list(self.marks)})

    # -- results -------------------------------------------------------------------------

    def show_result(self, answer: Answer) -> None:
        """After grading: right and wrong options, the key, the 解析 and the textbook link."""
        item = self.item
        if item is None:
            return
        self.phase = "done"
        self.marks = list(answer.marks)
        key_choices = self._key_choices(item)
        for i, row in enumerate(self.option_rows[: len(self._choices(item))]):
            chosen, right = i in self.chosen, i in key_choices
            if chosen and right:
                row.set_state("correct", "✓")
            elif chosen:
                row.set_state("wrong", "✗")
            elif right:
                row.set_state("missed" if item.type == QuestionType.MULTI else "correct", "✓")
            else:
                row.set_state("")
        if item.type == QuestionType.FILL:
            from csapp.core.practice import blank_hits

            hits = blank_hits(item.answer, answer.response)
            for edit, hit in zip(self.blank_edits[: item.blanks], hits, strict=False):
                edit.setReadOnly(True)
                edit.setProperty("state", "correct" if hit else "wrong")
                restyle(edit)
        if not item.objective:
            self._set_editor_open(False)
            self._show_points(item.points, editable=False)
        _shown(self.feedback, True)
        if answer.correct and (answer.fraction is None or answer.fraction >= 0.999):
            self._set_verdict(f"✓ 回答正确  +{answer.score or 0:g} 分", "good")
        elif answer.correct:
            self._set_verdict(f"◐ 基本答对  得 {answer.score or 0:g} 分", "warn")
        elif answer.fraction:
            self._set_verdict(f"◐ 部分正确  得 {answer.score or 0:g} 分，已记入错题本", "warn")
        else:
            self._set_verdict("✗ 回答错误，已记入错题本", "bad")
        self.key_line.setText(self._key_text(item, answer.response))
        self._fill_explanation()
        self.setFocus()
        self.phase_changed.emit(self.phase)

    def show_memorize(self) -> None:
        """背题: the answer and 解析 at once; nothing to choose."""
        item = self.item
        if item is None:
            return
        self.phase = "done"
        keys = self._key_choices(item)
        for i, row in enumerate(self.option_rows):
            if i < len(self._choices(item)):
                row.set_state("correct" if i in keys else "", "✓" if i in keys else "")
        if item.type == QuestionType.FILL:
            keys_text = item.answer.split("|")
            for edit, key in zip(self.blank_edits[: item.blanks], keys_text, strict=False):
                edit.setText(key.split("&&")[0])
                edit.setReadOnly(True)
        if not item.objective:
            _shown(self.editor, False)
            self.marks = [1.0] * len(item.points)
            self._show_points(item.points, editable=False)
            self.points_title.setText("答案要点")
        _shown(self.feedback, True)
        self._set_verdict("背题模式", "")
        self.key_line.setText(self._key_text(item, None))
        self._fill_explanation()

    def _key_choices(self, item: QuestionItem) -> set[int]:
        if item.type == QuestionType.JUDGE:
            return {0} if item.answer == TRUE_ANSWER else {1}
        if item.type in (QuestionType.SINGLE, QuestionType.MULTI):
            return {LETTERS.index(ch) for ch in item.answer if ch in LETTERS}
        return set()

    def _key_text(self, item: QuestionItem, response: str | None) -> str:
        if not item.objective:
            points = "；".join(str(p.get("text", "")) for p in item.points)
            line = f"<b>参考答案：</b>{_esc(points)}" if not item.key_points else ""
            if response is not None and self.marks:
                line = self._marks_line() + (("<br>" + line) if line else "")
            return line
        key = _esc(item.display_answer())
        text = f"<b>正确答案：</b>{key}"
        if response is not None:
            from csapp.core.practice import display_answer

            given = _esc(display_answer(item.qtype, response)) or "（未作答）"
            text += f"&nbsp;&nbsp;&nbsp;&nbsp;<b>你的答案：</b>{given}"
        return text

    def _fill_explanation(self) -> None:
        item = self.item
        assert item is not None
        text = item.explanation or "这道题没有解析。"
        self.explanation.setText(f"<p style='line-height:150%'><b>解析：</b>{_esc(text)}</p>")
        _shown(self.explanation, True)
        target = item.knowledge_point or item.chapter
        _shown(self.book_link, item.chapter_no is not None)
        self.book_link.setText(f"查看教材：{target} →" if target else "查看教材 →")

    def _set_verdict(self, text: str, tone: str) -> None:
        self.verdict.setText(text)
        self.verdict.setProperty("tone", tone)
        restyle(self.verdict)
        _shown(self.verdict, bool(text))

    def toggle_explanation(self) -> None:
        """E: show or hide the 解析 (in a 测验 only after 交卷)."""
        item = self.item
        if item is None:
            return
        if self.mode == "quiz" and self.phase == "answer":
            self.hint.emit("测验中不显示解析，交卷后可以逐题查看。")
            return
        if not self.feedback.isHidden() and self.phase != "answer":
            show = self.explanation.isHidden()
            _shown(self.explanation, show)
            _shown(self.book_link, show and item.chapter_no is not None)
            return
        # Before answering: a peek at the answer and the 解析 (the answer can still be given).
        _shown(self.feedback, self.feedback.isHidden())
        if not self.feedback.isHidden():
            self._set_verdict("", "")
            self.key_line.setText(self._key_text(item, None))
            self._fill_explanation()
            _shown(self.explanation, True)

    def _open_book(self) -> None:
        item = self.item
        if item is None or item.chapter_no is None:
            return
        self.open_chapter_requested.emit(
            item.chapter_no, item.section_anchor or item.knowledge_point
        )

    # -- keyboard ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.handle_key(event):
            event.accept()
            return
        event.ignore()  # Esc and the rest go to the session screen

    def handle_key(self, event: QKeyEvent) -> bool:
        """The session's keys; returns whether the key was used."""
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        if key in DIGIT_KEYS or key in CHOICE_LETTER_KEYS:
            index = DIGIT_KEYS.get(key, CHOICE_LETTER_KEYS.get(key, -1))
            if self.phase == "mark":
                self._toggle_point(index)
                return True
            if key in CHOICE_LETTER_KEYS and self.item and self.item.type == QuestionType.JUDGE:
                index = {0: 0, 1: 1}.get(index, -1)  # A/B for 正确/错误 too
            self.choose(index)
            return True
        if key in ENTER_KEYS or key == Qt.Key.Key_Space:
            self.enter()
            return True
        if key == Qt.Key.Key_Right:
            self.next_requested.emit()
            return True
        if key == Qt.Key.Key_Left:
            self.prev_requested.emit()
            return True
        if key == Qt.Key.Key_F:
            self.favorite_requested.emit()
            return True
        if key == Qt.Key.Key_E:
            self.toggle_explanation()
            return True
        return False

    def enter(self) -> None:
        """Space/Enter: submit, confirm the self-marks, or move on."""
        if self.phase == "mark":
            self.confirm_marks()
        elif self.phase == "answer" and self.mode == "practice":
            self.submit()
        else:
            self.next_requested.emit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.setFocus()
                return True
            if obj is self.editor:
                if key in ENTER_KEYS and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    self.setFocus()
                    self.enter()
                    return True
            elif obj in self.blank_edits and key in ENTER_KEYS:
                i = self.blank_edits.index(obj)
                item = self.item
                if item and i + 1 < item.blanks and not self.blank_edits[i + 1].text():
                    self.blank_edits[i + 1].setFocus()
                else:
                    self.setFocus()
                    if self.mode == "quiz":
                        self.answer_changed.emit(self.response())
                    self.enter()
                return True
        if (
            event.type() == QEvent.Type.FocusOut
            and self.mode == "quiz"
            and (obj is self.editor or obj in self.blank_edits)
        ):
            self.answer_changed.emit(self.response())
        return super().eventFilter(obj, event)
