"""The exam screen: questions by question or by section, the 答题卡, the countdown.

Keyboard (outside a writing box): A–H or 1–8 choose an option (判断: A/1 正确, B/2 错误; 多选
toggles), ←/→ previous/next question (previous/next section when showing a whole section), M marks
the current question for review. Esc leaves a writing box.

The view owns nothing durable: every change goes to the ``ExamRun`` at once and its snapshot to
the ``StateWriter`` (a worker thread), so the clock and the answers survive a crash.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from csapp.core.exam import PaperItem, fmt_marks
from csapp.core.exam_session import ExamRun, StateWriter, clock_text, numbers_text
from csapp.core.questions import FALSE_ANSWER, LETTERS, TRUE_ANSWER, QuestionType
from csapp.ui import theme
from csapp.ui.widgets.common import ClickableRow, button, label, restyle, row_card

TICK_MS = 250
CONTENT_MAX_WIDTH = 900
_LETTER_KEYS = {getattr(Qt.Key, f"Key_{c}"): i for i, c in enumerate(LETTERS)}
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{i}"): i - 1 for i in range(1, 9)}


def blank_count(item: PaperItem) -> int:
    return max(1, len(item.answer.split("|"))) if item.answer else 1


def choices(item: PaperItem) -> list[tuple[str, str]]:
    """(letter, text) of what the learner can pick; 判断 is 正确/错误."""
    if item.qtype == QuestionType.JUDGE:
        return [("A", TRUE_ANSWER), ("B", FALSE_ANSWER)]
    return [(LETTERS[i], text) for i, text in enumerate(item.options[: len(LETTERS)])]


class OptionRow(ClickableRow):
    """One option as a large row: a letter badge and the wrapped text."""

    def __init__(self, index: int, letter: str, text: str) -> None:
        super().__init__(index)
        self.setObjectName("examOption")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(12)
        self.badge = QLabel(letter)
        self.badge.setObjectName("examBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFixedSize(30, 30)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.text, 1)
        self.setProperty("selected", False)

    def set_selected(self, on: bool) -> None:
        if self.property("selected") != on:
            self.setProperty("selected", on)
            restyle(self, self.badge)


class ExamQuestion(QFrame):
    """One item of the paper with its answer controls; reports every change at once."""

    changed = Signal(int, str)  # item index, response
    activated = Signal(int)  # the learner is working on this item
    leave_input = Signal()  # Esc in a writing box: the keys go back to the exam

    def __init__(self, item: PaperItem, response: str, marked: bool) -> None:
        super().__init__()
        self.item = item
        self.setObjectName("examQuestion")
        self.setProperty("current", False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(10)
        head = QHBoxLayout()
        self.number = label(f"第 {item.no} 题", "h2")
        head.addWidget(self.number)
        head.addWidget(label(f"{item.qtype} · {fmt_marks(item.marks)} 分", "muted"))
        head.addStretch()
        self.flag = label("已标记待检查", "warn")
        head.addWidget(self.flag)
        layout.addLayout(head)
        self.set_marked(marked)
        stem = label(item.stem, wrap=True)
        stem.setObjectName("examStem")
        layout.addWidget(stem)

        self.options: list[OptionRow] = []
        self.blanks: list[QLineEdit] = []
        self.editor: QPlainTextEdit | None = None
        qtype = QuestionType(item.qtype)
        if qtype in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE):
            if qtype == QuestionType.MULTI:
                layout.addWidget(label("多选题：选出所有正确的选项（可选多项）。", "muted"))
            for i, (letter, text) in enumerate(choices(item)):
                row = OptionRow(i, letter, text)
                row.clicked.connect(self.choose)
                layout.addWidget(row)
                self.options.append(row)
        elif qtype == QuestionType.FILL:
            given = response.split("|")
            for i in range(blank_count(item)):
                edit = QLineEdit(given[i] if i < len(given) else "")
                edit.setPlaceholderText(f"第 {i + 1} 空")
                edit.textEdited.connect(self._blank_edited)
                layout.addWidget(edit)
                self.blanks.append(edit)
        else:
            self.editor = QPlainTextEdit(response)
            self.editor.setPlaceholderText("在这里作答。按要点分条写，写清关键词。")
            lines = 6 if qtype == QuestionType.TERM else 12 if qtype == QuestionType.ESSAY else 9
            self.editor.setMinimumHeight(int(self.fontMetrics().lineSpacing() * lines * 1.25))
            self.editor.textChanged.connect(self._text_edited)
            layout.addWidget(self.editor)
            self.count = label("", "muted")
            layout.addWidget(self.count)
            self._update_count()
        self._response = response
        self._paint()
        for w in (*self.blanks, *([self.editor] if self.editor else [])):
            w.installEventFilter(self)

    # answers

    def response(self) -> str:
        return self._response

    def choose(self, index: int) -> None:
        """Pick option ``index`` (toggle it for 多选) and report the change."""
        pairs = choices(self.item)
        if not 0 <= index < len(pairs):
            return
        letter, text = pairs[index]
        if self.item.qtype == QuestionType.MULTI:
            chosen = set(self._response)
            chosen ^= {letter}
            response = "".join(sorted(chosen))
        elif self.item.qtype == QuestionType.JUDGE:
            response = "" if self._response == text else text
        else:
            response = "" if self._response == letter else letter
        self._set(response)

    def _set(self, response: str) -> None:
        self._response = response
        self._paint()
        self.activated.emit(self.item.index)
        self.changed.emit(self.item.index, response)

    def _blank_edited(self, _text: str) -> None:
        parts = [b.text().strip() for b in self.blanks]
        self._set("|".join(parts) if any(parts) else "")

    def _text_edited(self) -> None:
        assert self.editor is not None
        self._update_count()
        text = self.editor.toPlainText()
        if text != self._response:
            self._set(text if text.strip() else "")

    def _update_count(self) -> None:
        if self.editor is not None:
            n = len("".join(self.editor.toPlainText().split()))
            self.count.setText(f"已写 {n} 字")

    def _paint(self) -> None:
        for row in self.options:
            letter, text = choices(self.item)[row.index]
            if self.item.qtype == QuestionType.JUDGE:
                row.set_selected(self._response == text)
            else:
                row.set_selected(letter in self._response)

    def set_marked(self, on: bool) -> None:
        self.flag.setVisible(on)

    def set_current(self, on: bool) -> None:
        if self.property("current") != on:
            self.setProperty("current", on)
            restyle(self)

    def focus_input(self) -> None:
        if self.editor is not None:
            self.editor.setFocus()
        elif self.blanks:
            self.blanks[0].setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.activated.emit(self.item.index)
        elif (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.leave_input.emit()
            return True
        return super().eventFilter(obj, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.activated.emit(self.item.index)
        super().mousePressEvent(event)


class AnswerSheet(QWidget):
    """答题卡: one cell per question, grouped by section; answered, empty, marked, current.

    Painted in one widget (a hundred cells stay light); a click jumps to the question.
    """

    jump = Signal(int)
    CELL = QSize(44, 34)
    GAP = 6

    def __init__(self, run: ExamRun) -> None:
        super().__init__()
        self.run = run
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._rects: list[tuple[int, QRectF]] = []
        self._heads: list[tuple[str, QRectF]] = []
        self._layout_for: tuple[int, int] = (-1, -1)

    def _columns(self, width: int) -> int:
        return max(1, (width + self.GAP) // (self.CELL.width() + self.GAP))

    def _relayout(self) -> None:
        width = self.width()
        key = (width, self.fontMetrics().height())  # a zoom changes the headings' height
        if key == self._layout_for:
            return
        self._layout_for = key
        cols = self._columns(width)
        head_h = self.fontMetrics().height() + 6
        y = 0.0
        self._rects, self._heads = [], []
        for section in self.run.paper.sections:
            self._heads.append((section.heading, QRectF(0, y, width, head_h)))
            y += head_h + 2
            for k, index in enumerate(section.items):
                row, col = divmod(k, cols)
                x = col * (self.CELL.width() + self.GAP)
                top = y + row * (self.CELL.height() + self.GAP)
                self._rects.append((index, QRectF(x, top, self.CELL.width(), self.CELL.height())))
            rows = (len(section.items) + cols - 1) // cols
            y += rows * (self.CELL.height() + self.GAP) + 8
        self._height = int(y)
        self.setFixedHeight(max(1, self._height))

    def resizeEvent(self, event) -> None:
        self._layout_for = (-1, -1)
        self._relayout()
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(6 * (self.CELL.width() + self.GAP), 200)

    def cell_rect(self, index: int) -> QRectF:
        self._relayout()
        return next(r for i, r in self._rects if i == index)

    def index_at(self, pos: QPointF) -> int | None:
        self._relayout()
        return next((i for i, r in self._rects if r.contains(pos)), None)

    def state_text(self, index: int) -> str:
        item = self.run.items[index]
        state = "已答" if self.run.is_answered(index) else "未答"
        if index in self.run.marked:
            state += "，已标记待检查"
        return f"第 {item.no} 题（{item.qtype}）：{state}"

    def paintEvent(self, _event) -> None:
        self._relayout()
        c = theme.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        muted = QColor(c.muted)
        font = QFont(self.font())
        head_font = QFont(font)
        head_font.setPixelSize(
            max(11, round(font.pixelSize() * 0.87)) if font.pixelSize() > 0 else 12
        )
        for text, rect in self._heads:
            p.setFont(head_font)
            p.setPen(muted)
            p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        p.setFont(font)
        for index, rect in self._rects:
            answered = self.run.is_answered(index)
            marked = index in self.run.marked
            current = index == self.run.current
            fill = QColor(c.accent) if answered else QColor(c.surface)
            border = QColor(c.accent) if answered else QColor(c.border)
            p.setPen(QPen(border, 1))
            p.setBrush(fill)
            p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            if current:
                p.setPen(QPen(QColor(c.text), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), 7, 7)
            if marked:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(c.warn))
                r = rect.right() - 1
                t = rect.top() + 1
                p.drawPolygon([QPointF(r - 13, t), QPointF(r, t), QPointF(r, t + 13)])
            p.setPen(QColor(c.accent_text) if answered else QColor(c.text))
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self.run.items[index].no)
        p.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.jump.emit(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position())
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if index is not None else Qt.CursorShape.ArrowCursor
        )
        if index is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.state_text(index), self)
        else:
            QToolTip.hideText()


class Legend(QWidget):
    """The key to the 答题卡's colours."""

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        for kind, text in (("answered", "已答"), ("empty", "未答"), ("marked", "标记")):
            swatch = _Swatch(kind)
            layout.addWidget(swatch)
            layout.addWidget(label(text, "muted"))
            layout.setSpacing(6)
        layout.addStretch()


class _Swatch(QWidget):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.setFixedSize(18, 14)

    def paintEvent(self, _event) -> None:
        c = theme.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        if self.kind == "answered":
            p.setPen(QColor(c.accent))
            p.setBrush(QColor(c.accent))
        else:
            p.setPen(QColor(c.border))
            p.setBrush(QColor(c.surface))
        p.drawRoundedRect(rect, 3, 3)
        if self.kind == "marked":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(c.warn))
            r, t = rect.right(), rect.top()
            p.drawPolygon([QPointF(r - 9, t), QPointF(r, t), QPointF(r, t + 9)])
        p.end()


class ExamView(QWidget):
    """Sitting the exam. Emits ``submit_requested(reason)`` ("confirmed" or "timeup")."""

    submit_requested = Signal(str)
    changed = Signal()  # an answer or a mark changed (tests and the page listen)

    def __init__(self, run: ExamRun, writer: StateWriter) -> None:
        super().__init__()
        self.run = run
        self.writer = writer
        self.setObjectName("examView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._questions: list[ExamQuestion] = []
        self._shown_second = -1
        self.confirm_box: QMessageBox | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 14, 24, 14)
        outer.setSpacing(10)

        bar, bar_layout = row_card((16, 8, 16, 8))
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(label(run.paper.title, "h2"))
        self.progress = label("", "muted")
        titles.addWidget(self.progress)
        bar_layout.addLayout(titles, 1)
        self.by_question = button("逐题")
        self.by_section = button("按大题")
        for b in (self.by_question, self.by_section):
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            bar_layout.addWidget(b)
        self.by_question.clicked.connect(lambda: self.set_mode("question"))
        self.by_section.clicked.connect(lambda: self.set_mode("section"))
        self.pause_button = button("暂停")
        self.pause_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pause_button.setToolTip("暂停计时；关掉程序也会自动暂停，下次从剩余时间继续")
        self.pause_button.clicked.connect(self.pause)
        bar_layout.addWidget(self.pause_button)
        clock_box = QVBoxLayout()
        clock_box.setSpacing(0)
        clock_box.addWidget(label("剩余时间", "muted"), 0, Qt.AlignmentFlag.AlignRight)
        self.clock = QLabel("")
        self.clock.setObjectName("examClock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        clock_box.addWidget(self.clock)
        bar_layout.addLayout(clock_box)
        self.submit_button = button("交卷", primary=True)
        self.submit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.submit_button.clicked.connect(self.confirm_submit)
        bar_layout.addWidget(self.submit_button)
        outer.addWidget(bar)

        self.banner = QFrame()
        self.banner.setObjectName("examBanner")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(14, 8, 10, 8)
        self.banner_text = label("", wrap=True)
        banner_layout.addWidget(self.banner_text, 1)
        dismiss = button("知道了")
        dismiss.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        dismiss.clicked.connect(self.banner.hide)
        banner_layout.addWidget(dismiss)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.save_error = label("", "bad", wrap=True)
        self.save_error.hide()
        outer.addWidget(self.save_error)

        body = QHBoxLayout()
        body.setSpacing(16)
        self.stack = QStackedWidget()
        paper_side = QWidget()
        paper_layout = QVBoxLayout(paper_side)
        paper_layout.setContentsMargins(0, 0, 0, 0)
        paper_layout.setSpacing(10)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        paper_layout.addWidget(self.scroll, 1)
        nav = QHBoxLayout()
        self.prev_button = button("← 上一题")
        self.next_button = button("下一题 →")
        self.mark_button = button("标记待检查（M）")
        self.mark_button.setCheckable(True)
        for b in (self.prev_button, self.mark_button, self.next_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.mark_button.clicked.connect(self.toggle_mark)
        nav.addWidget(self.prev_button)
        nav.addStretch()
        nav.addWidget(self.mark_button)
        nav.addStretch()
        nav.addWidget(self.next_button)
        paper_layout.addLayout(nav)
        self.stack.addWidget(paper_side)

        paused = QFrame()
        paused.setProperty("card", True)
        paused_layout = QVBoxLayout(paused)
        paused_layout.setContentsMargins(32, 32, 32, 32)
        paused_layout.addStretch()
        self.paused_text = label("", "h2", wrap=True)
        self.paused_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paused_layout.addWidget(self.paused_text)
        hint = label("试卷已保存。关掉程序也没关系，下次打开会从剩余时间继续。", "muted", wrap=True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paused_layout.addWidget(hint)
        paused_layout.addSpacing(12)
        resume_row = QHBoxLayout()
        resume_row.addStretch()
        self.resume_button = button("继续考试", primary=True)
        self.resume_button.clicked.connect(self.resume)
        resume_row.addWidget(self.resume_button)
        resume_row.addStretch()
        paused_layout.addLayout(resume_row)
        paused_layout.addStretch()
        self.stack.addWidget(paused)
        body.addWidget(self.stack, 1)

        sheet_card = QFrame()
        sheet_card.setProperty("card", True)
        sheet_card.setFixedWidth(318)
        sheet_layout = QVBoxLayout(sheet_card)
        sheet_layout.setContentsMargins(14, 12, 10, 12)
        sheet_layout.setSpacing(8)
        sheet_layout.addWidget(label("答题卡", "h2"))
        sheet_layout.addWidget(Legend())
        self.sheet = AnswerSheet(run)
        self.sheet.jump.connect(self.jump_to)
        sheet_scroll = QScrollArea()
        sheet_scroll.setWidgetResizable(True)
        sheet_scroll.setFrameShape(QFrame.Shape.NoFrame)
        sheet_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sheet_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        sheet_scroll.setWidget(self.sheet)
        sheet_scroll.setStyleSheet("QScrollArea { background: transparent; }")
        sheet_scroll.viewport().setAutoFillBackground(False)
        self.sheet.setAutoFillBackground(False)
        sheet_layout.addWidget(sheet_scroll, 1)
        self.sheet_summary = label("", "muted", wrap=True)
        sheet_layout.addWidget(self.sheet_summary)
        body.addWidget(sheet_card)
        outer.addLayout(body, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._apply_style()
        self.set_mode(run.mode, save=False)

    # -- style -----------------------------------------------------------------------------

    def _apply_style(self) -> None:
        c = theme.colors()
        px = max(12, self.font().pixelSize()) if self.font().pixelSize() > 0 else 15
        self.setStyleSheet(
            f"""
QFrame#examQuestion {{ background: {c.surface}; border: 1px solid {c.border};
    border-radius: 10px; }}
QFrame#examQuestion[current="true"] {{ border: 2px solid {c.accent}; }}
QLabel#examStem {{ font-size: {round(px * 1.07)}px; }}
QFrame#examOption {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; }}
QFrame#examOption:hover {{ border-color: {c.accent}; }}
QFrame#examOption[selected="true"] {{ background: {c.accent_soft}; border: 2px solid {c.accent}; }}
QLabel#examBadge {{ border: 1px solid {c.border}; border-radius: 15px; font-weight: 600;
    background: {c.alt_surface}; }}
QFrame#examOption[selected="true"] QLabel#examBadge {{ background: {c.accent};
    color: {c.accent_text}; border-color: {c.accent}; }}
QLabel#examClock {{ font-size: {round(px * 1.7)}px; font-weight: 700; color: {c.text}; }}
QLabel#examClock[level="warn"] {{ color: {c.warn}; }}
QLabel#examClock[level="bad"] {{ color: {c.bad}; }}
QFrame#examBanner {{ background: {c.accent_soft}; border: 1px solid {c.warn};
    border-radius: 8px; }}
QFrame#examSection {{ background: transparent; }}
QFrame#examCase {{ background: {c.alt_surface}; border: 1px solid {c.border};
    border-radius: 8px; }}
QLabel[role="warn"] {{ color: {c.warn}; font-weight: 600; }}
QPushButton:checked {{ background: {c.accent_soft}; border-color: {c.accent}; font-weight: 600; }}
"""
        )
        digits = self.clock.fontMetrics().horizontalAdvance("0:00:00")
        self.clock.setMinimumWidth(int(digits * 1.8))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_style()
        super().changeEvent(event)

    # -- content ---------------------------------------------------------------------------

    @property
    def current_section(self) -> int:
        return self.run.items[self.run.current].section

    def set_mode(self, mode: str, save: bool = True) -> None:
        self.run.mode = mode if mode in ("question", "section") else "question"
        self.by_question.setChecked(self.run.mode == "question")
        self.by_section.setChecked(self.run.mode == "section")
        by_section = self.run.mode == "section"
        self.prev_button.setText("← 上一大题" if by_section else "← 上一题")
        self.next_button.setText("下一大题 →" if by_section else "下一题 →")
        self._show()
        if save:
            self.save()

    def _section_header(self, section_index: int) -> QWidget:
        section = self.run.paper.sections[section_index]
        frame = QFrame()
        frame.setObjectName("examSection")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(2, 0, 2, 4)
        layout.setSpacing(2)
        layout.addWidget(label(section.heading, "h2"))
        layout.addWidget(label(section.instructions, "muted", wrap=True))
        return frame

    def _case_material(self, item: PaperItem) -> QWidget | None:
        if item.case_id is None or item.case_id not in self.run.paper.cases:
            return None
        title, material = self.run.paper.cases[item.case_id]
        frame = QFrame()
        frame.setObjectName("examCase")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        layout.addWidget(label(f"案例：{title}", "h2", wrap=True))
        text = label("", wrap=True)
        paragraphs = [p.strip() for p in material.splitlines() if p.strip()]
        text.setText(
            "".join(f"<p style='line-height:150%'>{html.escape(p)}</p>" for p in paragraphs)
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        # The material keeps to a box of its own, so the question below stays in view.
        box = QScrollArea()
        box.setWidgetResizable(True)
        box.setFrameShape(QFrame.Shape.NoFrame)
        box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        box.setStyleSheet("QScrollArea { background: transparent; }")
        box.viewport().setAutoFillBackground(False)
        box.setWidget(text)
        text.setAutoFillBackground(False)
        box.setMaximumHeight(max(180, int(self.height() * 0.34)))
        box.setMinimumHeight(min(180, text.sizeHint().height()))
        layout.addWidget(box)
        return frame

    def _show(self) -> None:
        """Rebuild the paper side for the current question or section."""
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        self._questions = []
        current = self.run.items[self.run.current]
        column.addWidget(self._section_header(current.section))
        if self.run.mode == "section":
            indexes = self.run.paper.sections[current.section].items
        else:
            indexes = [current.index]
        last_case: int | None = None
        for index in indexes:
            item = self.run.items[index]
            if item.case_id is not None and item.case_id != last_case:
                material = self._case_material(item)
                if material is not None:
                    column.addWidget(material)
                last_case = item.case_id
            q = ExamQuestion(item, self.run.response(index), index in self.run.marked)
            q.changed.connect(self._answered)
            q.activated.connect(self._activated)
            q.leave_input.connect(self.setFocus)
            q.setMaximumWidth(CONTENT_MAX_WIDTH)
            column.addWidget(q)
            self._questions.append(q)
        column.addStretch()
        self.scroll.setWidget(container)
        self._refresh_marks()
        self._scroll_to_current()

    def question(self, index: int) -> ExamQuestion | None:
        return next((q for q in self._questions if q.item.index == index), None)

    def _scroll_to_current(self) -> None:
        if self.run.mode == "section":
            # After the layout settles; the question is looked up again then (it may be gone).
            QTimer.singleShot(0, self, self._ensure_current_visible)
        else:
            self.scroll.verticalScrollBar().setValue(0)

    def _ensure_current_visible(self) -> None:
        q = self.question(self.run.current)
        if q is not None:
            self.scroll.ensureWidgetVisible(q, 0, 40)

    def _refresh_marks(self) -> None:
        for q in self._questions:
            q.set_current(self.run.mode == "section" and q.item.index == self.run.current)
            q.set_marked(q.item.index in self.run.marked)
        self.mark_button.setChecked(self.run.current in self.run.marked)
        answered = self.run.answered_count()
        total = len(self.run.items)
        self.progress.setText(
            f"已答 {answered}/{total} 题 · 满分 {fmt_marks(self.run.paper.total)} 分"
        )
        unanswered = total - answered
        marked = len(self.run.marked)
        self.sheet_summary.setText(
            f"未答 {unanswered} 题"
            + (f"，标记 {marked} 题" if marked else "")
            + "。点格子跳到该题。"
        )
        if self.run.mode == "section":
            first = self.current_section == 0
            last = self.current_section == len(self.run.paper.sections) - 1
        else:
            first = self.run.current == 0
            last = self.run.current == total - 1
        self.prev_button.setEnabled(not first)
        self.next_button.setEnabled(not last)
        self.sheet.update()

    # -- actions ---------------------------------------------------------------------------

    def _answered(self, index: int, response: str) -> None:
        self.run.answer(index, response)
        self._refresh_marks()
        self.save()
        self.changed.emit()

    def _activated(self, index: int) -> None:
        if index != self.run.current:
            self.run.goto(index)
            self._refresh_marks()

    def jump_to(self, index: int) -> None:
        """Go to a question (from the 答题卡): its section too when showing sections."""
        if not self.run.running and self.stack.currentIndex() == 1:
            return
        old_section = self.current_section
        self.run.goto(index)
        if self.run.mode == "question" or self.current_section != old_section:
            self._show()
        else:
            self._refresh_marks()
            self._scroll_to_current()
        q = self.question(index)
        if q is not None and q.item.qtype not in (QuestionType.SINGLE, QuestionType.MULTI,
                                                  QuestionType.JUDGE):  # fmt: skip
            q.focus_input()
        else:
            self.setFocus()
        self.save()

    def step(self, delta: int) -> None:
        if self.run.mode == "section":
            target = self.current_section + delta
            if 0 <= target < len(self.run.paper.sections):
                self.jump_to(self.run.paper.sections[target].items[0])
        else:
            target = self.run.current + delta
            if 0 <= target < len(self.run.items):
                self.jump_to(target)

    def toggle_mark(self) -> None:
        self.run.toggle_mark(self.run.current)
        self._refresh_marks()
        self.save()
        self.changed.emit()

    def choose(self, option: int) -> None:
        q = self.question(self.run.current)
        if q is not None:
            q.choose(option)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if not plain or self.stack.currentIndex() == 1:
            super().keyPressEvent(event)
            return
        if key in _LETTER_KEYS or key in _DIGIT_KEYS:
            self.choose(_LETTER_KEYS.get(key, _DIGIT_KEYS.get(key, -1)))
        elif key == Qt.Key.Key_M:
            self.toggle_mark()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.step(1)
        else:
            super().keyPressEvent(event)

    # -- clock -----------------------------------------------------------------------------

    def start(self) -> None:
        self.run.start()
        self.stack.setCurrentIndex(0)
        self.timer.start()
        self.tick()
        self.setFocus()

    def pause(self) -> None:
        self.run.pause()
        self.timer.stop()
        self.save()
        self.paused_text.setText(f"考试已暂停，剩余时间 {clock_text(self.run.remaining())}。")
        self.stack.setCurrentIndex(1)
        self.pause_button.setEnabled(False)

    def resume(self) -> None:
        self.pause_button.setEnabled(True)
        self.start()

    def stop(self) -> None:
        """Stop the clock for good (submitted, or the page is closing)."""
        self.timer.stop()
        self.run.pause()

    def tick(self) -> None:
        events = self.run.tick()
        left = self.run.remaining()
        second = int(left + 0.999)
        if second != self._shown_second:
            self._shown_second = second
            self.clock.setText(clock_text(left))
            level = "bad" if left <= 300 else "warn" if left <= 900 else ""
            if self.clock.property("level") != level:
                self.clock.setProperty("level", level)
                restyle(self.clock)
        for event in events:
            if event == "warn15":
                self.show_banner("距离考试结束还有 15 分钟。先把会做的题做完，再回头检查标记的题。")
            elif event == "warn5":
                self.show_banner("距离考试结束还有 5 分钟。时间到时试卷会自动提交。")
            elif event == "save":
                self.save()
            elif event == "timeup":
                self.stop()
                self.save()
                if self.confirm_box is not None:
                    self.confirm_box.done(0)
                self.submit_requested.emit("timeup")
                return
        self._show_save_error()

    def show_banner(self, text: str) -> None:
        self.banner_text.setText(text)
        self.banner.show()

    def save(self) -> None:
        if self.run.phase == "answering":
            self.writer.save(self.run.session_id, self.run.snapshot())

    def _show_save_error(self) -> None:
        error = self.writer.error
        if error is None:
            self.save_error.hide()
            return
        from csapp.core.errors import user_message

        self.save_error.setText(
            (user_message(error) or "答题记录暂时没能保存。")
            + " 答案还在屏幕上，程序会继续尝试保存。"
        )
        self.save_error.show()

    # -- submit ----------------------------------------------------------------------------

    def unanswered_text(self) -> str:
        """What the confirmation says: which questions are empty, which are marked."""
        empty = [self.run.items[i].no for i in self.run.unanswered()]
        marked = [self.run.items[i].no for i in sorted(self.run.marked)]
        parts = []
        if empty:
            parts.append(f"还有 {len(empty)} 道题没有作答：第 {numbers_text(empty)} 题。")
        else:
            parts.append("所有题目都已作答。")
        if marked:
            parts.append(f"有 {len(marked)} 道题标记了待检查：第 {numbers_text(marked)} 题。")
        parts.append(f"剩余时间 {clock_text(self.run.remaining())}。交卷后不能再修改答案。")
        return "\n\n".join(parts)

    def confirm_submit(self) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("交卷")
        box.setText("确定交卷吗？")
        box.setInformativeText(self.unanswered_text())
        self.keep_button = box.addButton("继续答题", QMessageBox.ButtonRole.RejectRole)
        self.hand_in_button = box.addButton("交卷", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(self.keep_button)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _r: self._confirmed(box))
        self.confirm_box = box
        box.open()

    def _confirmed(self, box: QMessageBox) -> None:
        self.confirm_box = None
        if box.clickedButton() is self.hand_in_button and self.run.phase == "answering":
            self.stop()
            self.submit_requested.emit("confirmed")
        box.deleteLater()
