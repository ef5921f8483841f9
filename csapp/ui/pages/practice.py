"""练习: choose a mode, then a session screen that works from the keyboard alone.

Three screens in a stack: the chooser (章节练习, 章节测验, 背题模式, 随机练习, 题型专项,
今日复习 with the 考试日期, and an offer to resume an interrupted session), the session
(QuestionView + 答题卡) and the result (score, and every question with ✓/✗, the learner's
answer and 正确答案). Every answer goes through ``csapp.core.practice``; this page only shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QElapsedTimer,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csapp.core import practice, review, settings, wrongbook
from csapp.core.course import chapters
from csapp.core.exam_session import duration_text
from csapp.core.practice import (
    Mode,
    PracticeError,
    PracticeSession,
    PracticeSpec,
    QuestionItem,
    display_answer,
)
from csapp.core.questions import DIFFICULTIES, QuestionType
from csapp.ui import theme
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.tasks import run_task
from csapp.ui.widgets.common import (
    CardColumns,
    EmptyState,
    PageHeader,
    button,
    card,
    label,
    page_layout,
)
from csapp.ui.widgets.question_view import QuestionView

Index = QModelIndex | QPersistentModelIndex
PREFETCH = 60
SHEET_CELL = 40
PRACTICE_TYPES = (
    QuestionType.SINGLE,
    QuestionType.MULTI,
    QuestionType.JUDGE,
    QuestionType.FILL,
    QuestionType.TERM,
    QuestionType.SHORT,
    QuestionType.ESSAY,
)
SHORT_TYPE = {
    QuestionType.SINGLE: "单选",
    QuestionType.MULTI: "多选",
    QuestionType.JUDGE: "判断",
    QuestionType.FILL: "填空",
    QuestionType.TERM: "名词解释",
    QuestionType.SHORT: "简答",
    QuestionType.ESSAY: "论述",
}


def _form_grid() -> QGridLayout:
    grid = QGridLayout()
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(8)
    return grid


def _status_footer(box: QVBoxLayout, text: str) -> tuple[QLabel, QPushButton]:
    """A card's last row: a status line (what the choice would give) and its start button."""
    row = QHBoxLayout()
    status = label("", "muted")
    row.addWidget(status, 1)
    start = button(text, primary=True)
    row.addWidget(start)
    box.addLayout(row)
    return status, start


class SheetModel(QAbstractListModel):
    """答题卡: one cell per question, coloured by its state in the session."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.session: PracticeSession | None = None
        self._rows = 0

    def set_session(self, session: PracticeSession | None) -> None:
        self.beginResetModel()
        self.session = session
        self._rows = len(session.ids) if session else 0
        self.endResetModel()

    def refresh_rows(self, *rows: int) -> None:
        """Repaint these cells only: a session can hold ten thousand questions."""
        for row in set(rows):
            if 0 <= row < self._rows:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s = self.session
        if s is None or not index.isValid():
            return None
        row = index.row()
        answer = s.answers.get(s.ids[row])
        c = theme.colors()
        if role == Qt.ItemDataRole.DisplayRole:
            return str(row + 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if answer is None:
                return None
            if not answer.graded:
                return QColor(c.accent_soft)
            return QColor(c.good if answer.correct else c.bad)
        if role == Qt.ItemDataRole.ForegroundRole:
            if answer is not None and answer.graded:
                return QColor(c.surface)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if answer is None:
                return f"第 {row + 1} 题：未作答"
            if not answer.graded:
                return f"第 {row + 1} 题：已作答"
            return f"第 {row + 1} 题：{'答对' if answer.correct else '答错'}"
        return None


class SheetDelegate(QStyledItemDelegate):
    """Paints a 答题卡 cell: a rounded square, its colour telling right, wrong or answered."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        c = theme.colors()
        rect = option.rect.adjusted(3, 3, -3, -3)
        # model().data, not index.data: PySide6 (6.12, Python 3.11) loses a reference to None
        # each time QModelIndex.data() converts an empty value, and this runs on every paint.
        model = index.model()
        background = model.data(index, Qt.ItemDataRole.BackgroundRole)
        foreground = model.data(index, Qt.ItemDataRole.ForegroundRole)
        current = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(c.accent if current else c.border), 2 if current else 1))
        painter.setBrush(background if isinstance(background, QColor) else QColor(c.surface))
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(foreground if isinstance(foreground, QColor) else QColor(c.text))
        font = option.font
        font.setBold(current)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(index.row() + 1))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(SHEET_CELL, SHEET_CELL)


class ChapterPicker(QToolButton):
    """A compact multi-choice of chapters (empty choice = all chapters)."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self)
        self.all_action = QAction("全部章节", menu, checkable=True, checked=True)
        self.all_action.triggered.connect(self._all)
        menu.addAction(self.all_action)
        menu.addSeparator()
        self.actions_by_no: dict[int, QAction] = {}
        for chapter in chapters():
            act = QAction(chapter.label, menu, checkable=True)
            act.setData(chapter.no)
            act.triggered.connect(self._one)
            menu.addAction(act)
            self.actions_by_no[chapter.no] = act
        self.setMenu(menu)
        self.setMinimumWidth(220)
        self.setProperty("picker", True)
        c = theme.colors()
        self.setStyleSheet(
            f"QToolButton {{ border: 1px solid {c.border}; border-radius: 4px; "
            f"padding: 4px 26px 4px 8px; background: {c.surface}; text-align: left; }}"
            f"QToolButton::menu-indicator {{ subcontrol-position: right center; right: 8px; }}"
        )
        self._update_text()

    def selected(self) -> tuple[int, ...]:
        return tuple(no for no, a in self.actions_by_no.items() if a.isChecked())

    def set_selected(self, nos: tuple[int, ...]) -> None:
        for no, act in self.actions_by_no.items():
            act.setChecked(no in nos)
        self.all_action.setChecked(not nos)
        self._update_text()

    def _all(self) -> None:
        self.set_selected(())
        self.changed.emit()

    def _one(self) -> None:
        self.all_action.setChecked(not self.selected())
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        nos = self.selected()
        if not nos:
            text = "全部章节"
        elif len(nos) == 1:
            text = self.actions_by_no[nos[0]].text()
        else:
            text = "第" + "、".join(str(n) for n in nos) + "章"
        self.setText(text)


def chapter_combo(with_all: bool = False) -> QComboBox:
    """Chapters by number; "all" is 0 (never None: see SheetDelegate.paint)."""
    combo = QComboBox()
    if with_all:
        combo.addItem("全部章节", 0)
    for chapter in chapters():
        combo.addItem(chapter.label, chapter.no)
    return combo


class ModeTile(QPushButton):
    """A large button: the mode's name and one line on what it does."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.setObjectName("modeTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(6)
        self.title = QLabel(title)
        self.title.setProperty("role", "h2")
        self.title.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.text = QLabel(text)
        self.text.setProperty("role", "muted")
        self.text.setWordWrap(True)
        self.text.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(1)  # titles line up across tiles whether the line wraps or not
        # Room for the line to wrap once: Qt sizes a label by its primary font's metrics, and
        # the CJK fallback font's taller glyphs would clip a second line in a tight tile.
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumHeight(104)

    def sizeHint(self) -> QSize:
        return self.layout().sizeHint()


class Chooser(QWidget):
    """The mode chooser; emits what the learner asked for."""

    start_requested = Signal(object)  # PracticeSpec
    resume_requested = Signal(int)
    abandon_requested = Signal(int)
    exam_date_changed = Signal(object)  # date | None

    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        inner = QWidget()
        scroll.setWidget(inner)
        layout = page_layout(inner)
        layout.addWidget(
            PageHeader(
                "练习",
                "选一种方式开始。全程可用键盘：数字或字母选择，Enter 提交并进入下一题，"
                "E 看解析，F 收藏。答错的题自动进入错题本，并安排到今日复习。",
            )
        )

        # Resume offer.
        self.resume_card, resume = card()
        self.resume_card.setObjectName("resumeCard")
        row = QHBoxLayout()
        self.resume_text = label("", wrap=True)
        row.addWidget(self.resume_text, 1)
        self.resume_button = button("继续上次的练习", primary=True)
        self.abandon_button = button("不再继续")
        row.addWidget(self.resume_button)
        row.addWidget(self.abandon_button)
        resume.addLayout(row)
        self.resume_card.setVisible(False)
        self._resume_id: int | None = None
        self.resume_button.clicked.connect(
            lambda: self._resume_id and self.resume_requested.emit(self._resume_id)
        )
        self.abandon_button.clicked.connect(
            lambda: self._resume_id and self.abandon_requested.emit(self._resume_id)
        )
        layout.addWidget(self.resume_card)

        # By chapter.
        chapter_frame, box = card()
        head = QHBoxLayout()
        head.addWidget(label("按章节", "h2"))
        head.addSpacing(12)
        self.chapter = chapter_combo()
        self.chapter.setMinimumWidth(280)
        head.addWidget(self.chapter)
        self.chapter_status = label("", "muted")
        head.addWidget(self.chapter_status, 1)
        box.addLayout(head)
        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        self.chapter_tile = ModeTile("章节练习", "按顺序做完本章，随时中断，下次接着做。")
        self.quiz_tile = ModeTile("章节测验", "10 道单选 + 5 道判断，满分 100 分，交卷后逐题对照。")
        self.memorize_tile = ModeTile("背题模式", "直接看答案和解析，快速过一遍，不计对错。")
        for tile in (self.chapter_tile, self.quiz_tile, self.memorize_tile):
            tiles.addWidget(tile, 1)
        box.addLayout(tiles)
        layout.addWidget(chapter_frame)
        self.chapter_tile.clicked.connect(lambda: self._chapter_mode(Mode.CHAPTER))
        self.quiz_tile.clicked.connect(lambda: self._chapter_mode(Mode.QUIZ))
        self.memorize_tile.clicked.connect(lambda: self._chapter_mode(Mode.MEMORIZE))

        # Three cards side by side on a laptop, two (then one) in a narrower window.
        self.cards = CardColumns(min_column=340, max_columns=3)

        # Random.
        random_frame, rbox = card()
        rbox.addWidget(label("随机练习", "h2"))
        form = _form_grid()
        form.addWidget(label("章节"), 0, 0)
        self.random_chapters = ChapterPicker()
        form.addWidget(self.random_chapters, 0, 1, 1, 4)
        form.addWidget(label("题型"), 1, 0, Qt.AlignmentFlag.AlignTop)
        self.type_checks: dict[str, QCheckBox] = {}
        for i, qtype in enumerate(PRACTICE_TYPES):
            box_ = QCheckBox(SHORT_TYPE[qtype])
            box_.setChecked(qtype in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE))
            self.type_checks[str(qtype)] = box_
            form.addWidget(box_, 1 + i // 4, 1 + i % 4)
        form.addWidget(label("难度"), 3, 0)
        self.diff_checks: dict[str, QCheckBox] = {}
        for i, diff in enumerate(DIFFICULTIES):
            box_ = QCheckBox(diff)
            box_.setChecked(True)
            self.diff_checks[diff] = box_
            form.addWidget(box_, 3, 1 + i)
        form.addWidget(label("题数"), 4, 0)
        self.count = QSpinBox()
        self.count.setRange(5, 500)
        self.count.setSingleStep(5)
        self.count.setValue(20)
        form.addWidget(self.count, 4, 1, 1, 2)
        rbox.addLayout(form)
        self.random_status, self.random_button = _status_footer(rbox, "开始随机练习")
        self.random_button.clicked.connect(self._random)
        self.cards.add(random_frame)

        # By type.
        type_frame, tbox = card()
        tbox.addWidget(label("题型专项", "h2"))
        tbox.addWidget(label("集中练一种题型，最适合攻克多选题和简答题。", "muted", wrap=True))
        tform = _form_grid()
        tform.addWidget(label("题型"), 0, 0)
        self.type_combo = QComboBox()
        for qtype in PRACTICE_TYPES:
            self.type_combo.addItem(str(qtype), str(qtype))
        tform.addWidget(self.type_combo, 0, 1)
        tform.addWidget(label("章节"), 1, 0)
        self.type_chapter = chapter_combo(with_all=True)
        tform.addWidget(self.type_chapter, 1, 1)
        tform.setColumnStretch(1, 1)
        tbox.addLayout(tform)
        tbox.addStretch()
        self.type_status, self.type_button = _status_footer(tbox, "开始专项练习")
        self.type_button.clicked.connect(self._by_type)
        self.cards.add(type_frame)

        # Review.
        review_frame, vbox = card()
        vbox.addWidget(label("今日复习", "h2"))
        self.due_label = label("", "figure")
        vbox.addWidget(self.due_label)
        self.due_hint = label("", "muted", wrap=True)
        vbox.addWidget(self.due_hint)
        exam_row = QHBoxLayout()
        exam_row.addWidget(label("考试日期"))
        self.exam_edit = QDateEdit()
        self.exam_edit.setCalendarPopup(True)
        self.exam_edit.setDisplayFormat("yyyy-MM-dd")
        self.exam_edit.setMinimumDate(QDate.currentDate())
        exam_row.addWidget(self.exam_edit, 1)
        self.exam_set = button("设定")
        self.exam_clear = button("清除")
        exam_row.addWidget(self.exam_set)
        exam_row.addWidget(self.exam_clear)
        vbox.addLayout(exam_row)
        self.exam_status = label("", "muted", wrap=True)
        vbox.addWidget(self.exam_status)
        vbox.addStretch()
        self.review_button = button("开始复习", primary=True)
        rfoot = QHBoxLayout()
        rfoot.addStretch()
        rfoot.addWidget(self.review_button)
        vbox.addLayout(rfoot)
        self.review_button.clicked.connect(
            lambda: self.start_requested.emit(PracticeSpec(Mode.REVIEW, count=0))
        )
        self.exam_set.clicked.connect(
            lambda: self.exam_date_changed.emit(self.exam_edit.date().toPython())
        )
        self.exam_clear.clicked.connect(lambda: self.exam_date_changed.emit(None))
        self.cards.add(review_frame)
        layout.addWidget(self.cards)
        layout.addStretch()

        self.engine = None
        self.chapter.currentIndexChanged.connect(self._update_chapter)
        for box_ in (*self.type_checks.values(), *self.diff_checks.values()):
            box_.toggled.connect(self._update_random)
        self.random_chapters.changed.connect(self._update_random)
        self.type_combo.currentIndexChanged.connect(self._update_type)
        self.type_chapter.currentIndexChanged.connect(self._update_type)

    # -- figures -------------------------------------------------------------------------

    def refresh(self, engine) -> None:
        self.engine = engine
        self._update_chapter()
        self._update_random()
        self._update_type()
        self._update_review()
        self._update_resume()

    def _update_resume(self) -> None:
        infos = practice.unfinished(self.engine) if self.engine else []
        self.resume_card.setVisible(bool(infos))
        if infos:
            info = infos[0]
            self._resume_id = info.id
            self.resume_text.setText(
                f"上次的练习还没有做完：<b>{info.title}</b>（{info.progress}）"
            )

    def _update_chapter(self) -> None:
        if self.engine is None:
            return
        no = self.chapter.currentData()
        done, total = practice.chapter_progress(self.engine, no)
        self.chapter_status.setText(f"本章 {total} 题，已做过 {done} 题")
        open_ = practice.unfinished(self.engine, PracticeSpec(Mode.CHAPTER, chapters=(no,)))
        if open_:
            self.chapter_tile.text.setText(f"上次{open_[0].progress}，点这里接着做。")
        else:
            self.chapter_tile.text.setText("按顺序做完本章，随时中断，下次接着做。")
        for tile in (self.chapter_tile, self.quiz_tile, self.memorize_tile):
            tile.setEnabled(total > 0)

    def random_spec(self) -> PracticeSpec:
        diffs = tuple(d for d, b in self.diff_checks.items() if b.isChecked())
        return PracticeSpec(
            Mode.RANDOM,
            chapters=self.random_chapters.selected(),
            types=tuple(t for t, b in self.type_checks.items() if b.isChecked()),
            difficulties=() if len(diffs) == len(self.diff_checks) else diffs,  # all = no filter
            count=self.count.value(),
        )

    def _update_random(self) -> None:
        if self.engine is None:
            return
        spec = self.random_spec()
        if not spec.types:
            self.random_status.setText("请至少选一种题型")
            self.random_button.setEnabled(False)
            return
        if not any(b.isChecked() for b in self.diff_checks.values()):
            self.random_status.setText("请至少选一种难度")
            self.random_button.setEnabled(False)
            return
        n = practice.available(self.engine, spec)
        self.random_status.setText(f"符合条件的题目 {n} 道")
        self.random_button.setEnabled(n > 0)

    def type_spec(self) -> PracticeSpec:
        no = self.type_chapter.currentData()
        return PracticeSpec(
            Mode.TYPE,
            types=(self.type_combo.currentData(),),
            chapters=(no,) if no else (),
        )

    def _update_type(self) -> None:
        if self.engine is None:
            return
        n = practice.available(self.engine, self.type_spec())
        self.type_status.setText(f"共 {n} 道")
        self.type_button.setEnabled(n > 0)

    def _update_review(self) -> None:
        if self.engine is None:
            return
        due = review.due_count(self.engine)
        self.due_label.setText(f"{due} 题")
        self.due_hint.setText(
            "这些题按遗忘规律（FSRS）到了该复习的时候。"
            if due
            else "今天没有到期的题。做过的每道题都会按遗忘规律安排复习。"
        )
        self.review_button.setEnabled(due > 0)
        exam = settings.get(self.engine, review.EXAM_DATE)
        if exam:
            self.exam_edit.setDate(QDate(exam.year, exam.month, exam.day))
            days = (exam - date.today()).days
            if days > 0:
                self.exam_status.setText(
                    f"距考试还有 {days} 天。考前最后几天会把做过的题都再过一遍。"
                )
            else:
                self.exam_status.setText("考试日期已过。可以设定新的日期。")
        else:
            self.exam_edit.setDate(QDate.currentDate().addDays(30))
            self.exam_status.setText("设定考试日期后，做过的每道题都会在考前再出现一次。")
        self.exam_clear.setEnabled(exam is not None)

    def _random(self) -> None:
        self.start_requested.emit(self.random_spec())

    def _by_type(self) -> None:
        self.start_requested.emit(self.type_spec())

    def _chapter_mode(self, mode: Mode) -> None:
        no = self.chapter.currentData()
        self.start_requested.emit(PracticeSpec(mode, chapters=(no,)))


class SessionScreen(QWidget):
    """The session: a header with progress, the question, the 答题卡 and the bottom bar."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 18, 28, 16)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.back_button = button("← 返回")
        self.back_button.setToolTip("回到练习首页（Esc）；这次练习会保留，下次可以接着做")
        top.addWidget(self.back_button)
        self.title = label("", "h2")
        top.addWidget(self.title, 1)
        self.stats = label("", "muted")
        top.addWidget(self.stats)
        self.sheet_button = button("答题卡")
        self.sheet_button.setCheckable(True)
        self.sheet_button.setChecked(True)
        top.addWidget(self.sheet_button)
        self.finish_button = button("结束练习")
        top.addWidget(self.finish_button)
        layout.addLayout(top)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        layout.addWidget(self.progress)

        middle = QHBoxLayout()
        middle.setSpacing(16)
        self.view = QuestionView()
        middle.addWidget(self.view, 1)
        self.sheet = QListView()
        self.sheet.setObjectName("answerSheet")
        self.sheet.setViewMode(QListView.ViewMode.IconMode)
        self.sheet.setResizeMode(QListView.ResizeMode.Adjust)
        self.sheet.setMovement(QListView.Movement.Static)
        self.sheet.setUniformItemSizes(True)
        self.sheet.setGridSize(QSize(SHEET_CELL, SHEET_CELL))
        self.sheet.setItemDelegate(SheetDelegate(self.sheet))
        self.sheet.setFixedWidth(SHEET_CELL * 5 + 24)
        self.sheet.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sheet.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sheet_model = SheetModel(self.sheet)
        self.sheet.setModel(self.sheet_model)
        middle.addWidget(self.sheet)
        layout.addLayout(middle, 1)
        self.sheet_button.toggled.connect(self.sheet.setVisible)

        bottom = QHBoxLayout()
        self.prev_button = button("← 上一题")
        self.prev_button.setToolTip("上一题（←）")
        bottom.addWidget(self.prev_button)
        self.hint = label("", "muted")
        self.hint.setWordWrap(True)
        bottom.addWidget(self.hint, 1)
        self.submit_button = button("提交答案", primary=True)
        bottom.addWidget(self.submit_button)
        self.next_button = button("下一题 →")
        self.next_button.setToolTip("下一题（→）")
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        for b in (
            self.back_button,
            self.sheet_button,
            self.finish_button,
            self.prev_button,
            self.submit_button,
            self.next_button,
        ):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.view.handle_key(event):
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.back_button.click()  # Esc: back to the chooser, the session kept
            event.accept()
            return
        super().keyPressEvent(event)


class ResultModel(RowsModel):
    """The result rows, with ✓ in the palette's good colour and ✗ in its bad one."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 1:
            mark = self.row_object(index.row())["mark"]
            c = theme.colors()
            return QColor(c.good if mark == "✓" else c.bad if mark == "✗" else c.muted)
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 3:
            return self.row_object(index.row())["stem"]
        return super().data(index, role)


class ResultScreen(QWidget):
    """After a 测验 (or any session): the score and every question with ✓/✗."""

    def __init__(self) -> None:
        super().__init__()
        layout = page_layout(self)
        self.title = label("", "h1")
        layout.addWidget(self.title)
        head_frame, head = card()
        row = QHBoxLayout()
        self.score = label("", "figure")
        row.addWidget(self.score)
        self.verdict = label("", "h2")
        row.addWidget(self.verdict)
        row.addStretch()
        head.addLayout(row)
        self.message = label("", wrap=True)
        head.addWidget(self.message)
        self.detail = label("", "muted", wrap=True)
        head.addWidget(self.detail)
        layout.addWidget(head_frame)
        layout.addWidget(label("逐题对照（双击或按 Enter 查看题目和解析）", "muted"))
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.model = ResultModel(
            [
                ("题号", lambda r: r["no"]),
                ("结果", lambda r: r["mark"]),
                ("题型", lambda r: r["qtype"]),
                ("题目", lambda r: r["stem"]),
                ("你的答案", lambda r: r["given"]),
                ("正确答案", lambda r: r["key"]),
            ],
            self.table,
        )
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 160)
        header.resizeSection(5, 160)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.retry_wrong = button("错题再练一遍", primary=True)
        self.again = button("再来一次")
        self.to_wrongbook = button("打开错题本")
        self.home = button("返回练习首页")
        for b in (self.retry_wrong, self.again, self.to_wrongbook):
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(self.home)
        layout.addLayout(buttons)


class PracticePage(QWidget):
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.session: PracticeSession | None = None
        self._items: dict[int, QuestionItem] = {}
        self._favs: set[int] = set()
        self._timer = QElapsedTimer()
        self._dirty = False
        self._shown_pos = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)

        self.loading = QWidget()
        lay = page_layout(self.loading)
        lay.addWidget(PageHeader("练习", "正在打开资料库…"))
        self.empty = EmptyState("资料库里还没有题目。导入一份题库后就可以在这里练习。", "导入题库")
        self.empty.action.connect(lambda: self.navigate_requested.emit("banks"))
        self.empty.setVisible(False)
        lay.addWidget(self.empty)
        lay.addStretch()
        self.stack.addWidget(self.loading)

        self.chooser = Chooser()
        self.stack.addWidget(self.chooser)
        self.screen = SessionScreen()
        self.stack.addWidget(self.screen)
        self.result = ResultScreen()
        self.stack.addWidget(self.result)
        self.view = self.screen.view

        self.chooser.start_requested.connect(self.start_spec)
        self.chooser.resume_requested.connect(self.resume)
        self.chooser.abandon_requested.connect(self._abandon)
        self.chooser.exam_date_changed.connect(self._set_exam_date)

        s = self.screen
        s.back_button.clicked.connect(self.leave)
        s.finish_button.clicked.connect(self.finish)
        s.prev_button.clicked.connect(self.prev)
        s.next_button.clicked.connect(self.next)
        s.submit_button.clicked.connect(self._submit_clicked)
        s.sheet.clicked.connect(lambda index: self.go(index.row()))
        self.view.submitted.connect(self._submitted)
        self.view.answer_changed.connect(self._quiz_changed)
        self.view.next_requested.connect(self.next)
        self.view.prev_requested.connect(self.prev)
        self.view.favorite_requested.connect(self.toggle_favorite)
        self.view.open_chapter_requested.connect(self.open_chapter_requested)
        self.view.hint.connect(s.hint.setText)
        self.view.phase_changed.connect(lambda _phase: self._update_bars())

        r = self.result
        r.home.clicked.connect(self.show_chooser)
        r.again.clicked.connect(self._again)
        r.retry_wrong.clicked.connect(self._retry_wrong)
        r.to_wrongbook.clicked.connect(lambda: self.navigate_requested.emit("wrongbook"))
        r.table.activated.connect(lambda index: self._review_at(index.row()))

        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self._library_changed)
        self.refresh()

    # -- plumbing ------------------------------------------------------------------------

    @property
    def engine(self):
        return self.ctx.library.engine if self.ctx.library else None

    def refresh(self) -> None:
        if self.engine is None:
            self.stack.setCurrentWidget(self.loading)
            return
        if self.stack.currentWidget() is self.loading:
            self.show_chooser()
        elif self.stack.currentWidget() is self.chooser:
            self.chooser.refresh(self.engine)

    def _library_changed(self) -> None:
        if self.stack.currentWidget() in (self.chooser, self.loading):
            self.refresh()

    def show_chooser(self) -> None:
        if self.engine is None:
            return
        has_questions = bool(self.ctx.library.summary().questions)
        if not has_questions:
            self.empty.setVisible(True)
            self.stack.setCurrentWidget(self.loading)
            return
        self.chooser.refresh(self.engine)
        self.stack.setCurrentWidget(self.chooser)
        self._notify()

    def _notify(self) -> None:
        """Tell the other pages (once, when a session pauses or ends) that answers changed."""
        if self._dirty:
            self._dirty = False
            self.ctx.notify_changed()

    def _ask(self, title: str, text: str, yes: str, no: str) -> bool:
        """A yes/no question (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes_button)
        box.exec()
        return box.clickedButton() is yes_button

    def _error(self, text: str) -> None:
        QMessageBox.information(self, "练习", text)

    # -- starting ------------------------------------------------------------------------

    def start(self, request: dict[str, Any]) -> None:
        """Intent from another page: a spec as a dict (``{"mode": "chapter", "chapters": [4]}``),
        ``{"resume": session_id}`` or ``{"mode": "chooser"}``."""
        if self.engine is None:
            return
        if "resume" in request:
            self.resume(int(request["resume"]))
            return
        if request.get("mode") == "chooser":
            self._pause_current()
            self.show_chooser()
            return
        self.start_spec(PracticeSpec.from_dict(request))

    def start_spec(self, spec: PracticeSpec) -> None:
        if self.engine is None:
            return
        self._pause_current()
        if spec.mode == Mode.CHAPTER:
            open_ = practice.unfinished(self.engine, spec)
            if open_:
                info = open_[0]
                if self._ask(
                    "章节练习",
                    f"这一章上次{info.progress}。接着做吗？",
                    "接着做",
                    "重新开始",
                ):
                    self.resume(info.id)
                    return
                practice.abandon(self.engine, info.id)
        try:
            session = practice.start(self.engine, spec)
        except PracticeError as exc:
            self._error(str(exc))
            return
        self._open(session)

    def resume(self, session_id: int) -> None:
        if self.engine is None:
            return
        self._pause_current()
        try:
            session = practice.load(self.engine, session_id)
        except PracticeError as exc:
            self._error(str(exc))
            return
        if not session.ids:
            practice.abandon(self.engine, session_id)
            self._error("这次练习的题目已经不在资料库里了。")
            self.show_chooser()
            return
        if (
            not session.finished
            and session.mode != Mode.QUIZ
            and session.current_id in session.answers
        ):
            nxt = session.next_unanswered(session.pos)  # open on the next question to do
            if nxt is not None:
                session.pos = nxt
        self._open(session)

    def _abandon(self, session_id: int) -> None:
        practice.abandon(self.engine, session_id)
        self.chooser.refresh(self.engine)

    def _pause_current(self) -> None:
        if self.session is not None and not self.session.finished:
            self._save_quiz_time()
        self.session = None

    def _open(self, session: PracticeSession) -> None:
        self.session = session
        self._items = {}
        self._favs = wrongbook.favorite_ids(self.engine)
        s = self.screen
        s.title.setText(session.title)
        c = theme.colors()
        s.progress.setStyleSheet(
            f"QProgressBar {{ border: none; background: {c.border}; border-radius: 2px; }}"
            f"QProgressBar::chunk {{ background: {c.accent}; border-radius: 2px; }}"
        )
        s.sheet_model.set_session(session)
        s.progress.setRange(0, max(1, session.total))
        s.finish_button.setText(self._finish_text())
        self.stack.setCurrentWidget(self.screen)
        self._show_current()

    def _finish_text(self) -> str:
        if self.session and self.session.finished:
            return "返回成绩"
        return "交卷" if self.session and self.session.mode == Mode.QUIZ else "结束练习"

    # -- showing -------------------------------------------------------------------------

    def _item(self, qid: int) -> QuestionItem | None:
        if qid not in self._items:
            s = self.session
            assert s is not None
            pos = s.ids.index(qid) if qid in s.ids else 0
            window = [i for i in s.ids[pos : pos + PREFETCH] if i not in self._items]
            self._items.update(practice.load_items(self.engine, window or [qid]))
        return self._items.get(qid)

    def _view_mode(self) -> str:
        s = self.session
        assert s is not None
        if s.finished:
            return "review"
        return {Mode.QUIZ: "quiz", Mode.MEMORIZE: "memorize"}.get(s.mode, "practice")

    def _show_current(self) -> None:
        s = self.session
        if s is None or s.current_id is None:
            return
        qid = s.current_id
        item = self._item(qid)
        if item is None:
            return
        self.view.show_item(
            item,
            number=s.pos + 1,
            total=s.total,
            mode=self._view_mode(),
            answer=s.answers.get(qid),
            favorite=qid in self._favs,
        )
        self._timer.restart()

    def _update_bars(self) -> None:
        s = self.session
        if s is None:
            return
        screen = self.screen
        screen.progress.setValue(s.answered)
        screen.sheet_model.refresh_rows(s.pos, self._shown_pos)
        self._shown_pos = s.pos
        if screen.sheet.currentIndex().row() != s.pos:
            screen.sheet.setCurrentIndex(screen.sheet_model.index(s.pos))
        if s.mode == Mode.QUIZ and not s.finished:
            screen.stats.setText(f"已答 {s.answered} / {s.total}")
        elif s.mode == Mode.MEMORIZE:
            screen.stats.setText(f"已看 {s.answered} / {s.total}")
        else:
            screen.stats.setText(
                f"已做 {s.answered} / {s.total} · 答对 {s.correct} · 答错 {s.wrong}"
            )
        view = self.view
        mode = self._view_mode()
        answering = view.phase == "answer" and mode == "practice"
        marking = view.phase == "mark"
        screen.submit_button.setVisible(answering or marking)
        screen.submit_button.setText("确认评分" if marking else "提交答案")
        last = s.pos >= s.total - 1
        screen.next_button.setText(
            ("交卷 →" if mode == "quiz" else "完成 →") if last and not s.finished else "下一题 →"
        )
        screen.prev_button.setEnabled(s.pos > 0)
        screen.finish_button.setText(self._finish_text())
        screen.hint.setText(self._keys_hint())

    def _keys_hint(self) -> str:
        view = self.view
        item = view.item
        if item is None:
            return ""
        if view.phase == "mark":
            return "1–8 切换要点 · Enter 确认评分"
        mode = self._view_mode()
        if mode == "memorize":
            return "Enter / → 下一题 · ← 上一题 · F 收藏"
        if mode == "review" or view.phase == "done":
            return "Enter / → 下一题 · ← 上一题 · E 解析 · F 收藏"
        if item.type in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE):
            n = len(item.options) if item.type != QuestionType.JUDGE else 2
            choose = f"1–{n} 选择" + ("（E、F 选项按 5、6）" if n >= 5 else "")
            if item.type == QuestionType.MULTI:
                choose += "，可多选"
            if mode == "quiz":
                return f"{choose} · Enter 下一题 · ← 上一题 · F 收藏"
            return f"{choose} · Enter 提交 · E 解析 · F 收藏"
        if item.type == QuestionType.FILL:
            return "填好后按 Enter 提交 · Esc 离开输入框 · E 解析"
        return "写完按 Ctrl+Enter 提交，再对照要点自评 · Esc 离开输入框"

    # -- answering -----------------------------------------------------------------------

    def _elapsed(self) -> float:
        seconds = self._timer.elapsed() / 1000.0 if self._timer.isValid() else 0.0
        self._timer.restart()
        return seconds

    def _submit_clicked(self) -> None:
        if self.view.phase == "mark":
            self.view.confirm_marks()
        else:
            self.view.submit()
        self.view.setFocus()

    def _submitted(self, payload: dict[str, Any]) -> None:
        s = self.session
        item = self.view.item
        if s is None or item is None or s.finished:
            return
        answer = practice.submit(
            self.engine,
            s,
            item,
            payload["response"],
            self._elapsed(),
            payload.get("marks"),
        )
        self._dirty = True
        self.view.show_result(answer)

    def _quiz_changed(self, response: str) -> None:
        s = self.session
        item = self.view.item
        if s is None or item is None or s.mode != Mode.QUIZ or s.finished:
            return
        practice.submit(self.engine, s, item, response, self._elapsed())
        self._update_bars()

    def _save_quiz_time(self) -> None:
        """Time spent looking at a 测验 question counts even when the choice did not change."""
        s = self.session
        item = self.view.item
        if s is None or item is None or s.finished or s.mode != Mode.QUIZ:
            return
        previous = s.answers.get(item.id)
        if previous is not None:
            practice.submit(self.engine, s, item, previous.response, self._elapsed())

    def _mark_seen(self) -> None:
        s = self.session
        item = self.view.item
        if s is None or item is None or s.finished or s.mode != Mode.MEMORIZE:
            return
        if item.id not in s.answers:
            practice.submit(self.engine, s, item, "", self._elapsed())

    def go(self, pos: int) -> None:
        s = self.session
        if s is None or not 0 <= pos < s.total:
            return
        self._save_quiz_time()
        self._mark_seen()
        practice.move(self.engine, s, pos)
        self._show_current()

    def next(self) -> None:
        s = self.session
        if s is None:
            return
        if s.pos < s.total - 1:
            self.go(s.pos + 1)
            return
        if s.finished:
            self._show_result()
            return
        if s.mode == Mode.QUIZ:
            self.finish()
            return
        nxt = s.next_unanswered(s.pos)
        if nxt is not None and s.mode != Mode.MEMORIZE:
            missing = s.total - s.answered
            if not self._ask(
                "还有题没做",
                f"还有 {missing} 题没有作答。回去做完，还是现在结束？",
                "回去做完",
                "结束练习",
            ):
                self.finish()
                return
            self.go(nxt)
            return
        self.finish()

    def prev(self) -> None:
        s = self.session
        if s is not None and s.pos > 0:
            self.go(s.pos - 1)

    def toggle_favorite(self) -> None:
        item = self.view.item
        if item is None or self.engine is None:
            return
        on = wrongbook.toggle_favorite(self.engine, item.id)
        (self._favs.add if on else self._favs.discard)(item.id)
        self.view.set_favorite(on)
        self.screen.hint.setText("已收藏，可在错题本页的“收藏”里找到。" if on else "已取消收藏。")
        self._dirty = True

    # -- ending --------------------------------------------------------------------------

    def leave(self) -> None:
        """Back to the chooser; an unfinished session stays and is offered next time."""
        s = self.session
        if s is not None and not s.finished:
            self._save_quiz_time()
            self._mark_seen()
        self.session = None
        self.show_chooser()

    def finish(self) -> None:
        s = self.session
        if s is None:
            return
        if s.finished:
            self._show_result()
            return
        self._save_quiz_time()
        self._mark_seen()
        if s.mode == Mode.QUIZ:
            missing = s.total - s.answered
            text = (
                f"还有 {missing} 题没有作答，没答的按答错计。确定交卷吗？"
                if missing
                else "确定交卷吗？交卷后会给出成绩和每道题的正确答案。"
            )
            if not self._ask("交卷", text, "交卷", "继续作答"):
                return
        practice.finish(self.engine, s)
        self.screen.sheet_model.set_session(s)  # every cell is graded now
        self._dirty = True
        self._show_result()

    def _show_result(self) -> None:
        s = self.session
        if s is None:
            return
        items = practice.load_items(self.engine, s.ids)
        self._items.update(items)
        r = self.result
        r.title.setText(s.title)
        c = theme.colors()
        if s.mode == Mode.MEMORIZE:
            r.score.setText(f"{s.answered} 题")
            r.verdict.setText("背完了")
            r.verdict.setStyleSheet("")
            r.message.setText("背过一遍之后，用章节练习或章节测验检验一下记住了多少。")
            r.detail.setText(f"用时 {duration_text(s.seconds)}")
        else:
            result = s.result()
            r.score.setText(f"{result.score:g} 分")
            r.verdict.setText("通过" if result.passed else "未通过")
            r.verdict.setStyleSheet(f"color: {c.good if result.passed else c.bad};")
            r.message.setText(result.message)
            wrong = result.total - result.correct
            extra = f"，{wrong} 道错题已收进错题本" if wrong else ""
            spent = duration_text(s.seconds)
            r.detail.setText(f"答对 {result.correct} / {result.total} 题 · 用时 {spent}{extra}")
        rows = []
        for i, qid in enumerate(s.ids):
            item = items.get(qid)
            if item is None:
                continue
            answer = s.answers.get(qid)
            if answer is None:
                mark = "未做"
            elif not answer.graded:
                mark = "已看"
            else:
                mark = "✓" if answer.correct else "✗"
            given = ""
            if answer and answer.graded:
                given = (
                    display_answer(item.qtype, answer.response)
                    if item.objective
                    else f"自评 {answer.score or 0:g} 分"
                ) or "（未作答）"
            rows.append(
                {
                    "no": i + 1,
                    "mark": mark,
                    "qtype": item.qtype,
                    "stem": " ".join(item.stem.split()),
                    "given": given,
                    "key": item.display_answer() if item.objective else "见答案要点",
                    "pos": i,
                }
            )
        r.model.set_rows(rows)
        wrong_ids = [qid for qid, a in s.answers.items() if a.graded and not a.correct]
        r.retry_wrong.setVisible(bool(wrong_ids))
        r.to_wrongbook.setVisible(bool(wrong_ids))
        self.stack.setCurrentWidget(r)
        r.table.setFocus()
        if rows:
            r.table.selectRow(0)

    def _review_at(self, row: int) -> None:
        s = self.session
        if s is None:
            return
        data = self.result.model.row_object(row)
        s.pos = data["pos"]
        self.stack.setCurrentWidget(self.screen)
        self._show_current()

    def _again(self) -> None:
        s = self.session
        if s is None:
            return
        spec = s.spec
        self.session = None
        try:
            session = practice.start(self.engine, spec)
        except PracticeError as exc:
            self._error(str(exc))
            return
        self._open(session)

    def _retry_wrong(self) -> None:
        s = self.session
        if s is None:
            return
        ids = tuple(
            qid for qid in s.ids if (a := s.answers.get(qid)) and a.graded and not a.correct
        )
        if ids:
            self.session = None
            self.start_spec(PracticeSpec(Mode.WRONG, question_ids=ids))

    # -- settings ------------------------------------------------------------------------

    def _set_exam_date(self, day: date | None) -> None:
        engine = self.engine
        if engine is None:
            return
        self.chooser.exam_set.setEnabled(False)

        def done(_moved: object) -> None:
            self.chooser.exam_set.setEnabled(True)
            self.chooser.refresh(engine)
            self.ctx.notify_changed()

        def failed(exc: BaseException) -> None:
            from csapp.core.errors import user_message

            self.chooser.exam_set.setEnabled(True)
            self._error(user_message(exc) or "没能保存考试日期，详细信息已记录在日志中。")

        self._exam_task = run_task(
            lambda: review.set_exam_date(engine, day),
            on_done=done,
            on_error=failed,
            name="exam-date",
        )

    def hideEvent(self, event) -> None:
        self._notify()
        super().hideEvent(event)

    def save_state(self) -> None:
        """On close: keep the time spent on the question on screen."""
        if self.session is not None and not self.session.finished and self.engine is not None:
            self._save_quiz_time()
