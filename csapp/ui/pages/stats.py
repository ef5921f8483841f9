"""统计: how far the learner has come, and the practice most worth doing next.

The figures, the last 30 days, and accuracy per chapter and per question type, all from
``core.progress``. Every table leads somewhere: the weakest chapter, a chosen chapter or a
chosen type start a practice session (pages never call each other; they emit requests).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csapp.core.progress import (
    DAYS,
    WEAK_POINT_MIN_GRADED,
    ChapterProgress,
    PointProgress,
    Progress,
    TypeProgress,
    progress,
)
from csapp.core.questions import QuestionType
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.tasks import Recompute
from csapp.ui.widgets.common import (
    EmptyState,
    PageHeader,
    button,
    card,
    figure_card,
    label,
    page_layout,
)
from csapp.ui.widgets.daily_chart import DailyChart

NARROW = 960  # below this page width the figures go two by two and the tables stack
UNNUMBERED = "（未分章节）"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def duration_text(seconds: float) -> str:
    """Time spent as a learner says it: "3 小时 20 分", "25 分钟"."""
    minutes = round(seconds / 60)
    if seconds > 0 and minutes == 0:
        return "不到 1 分钟"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} 分钟"
    return f"{hours} 小时 {minutes} 分" if minutes else f"{hours} 小时"


def chapter_name(c: ChapterProgress) -> str:
    return c.chapter or (f"第{c.chapter_no}章" if c.chapter_no is not None else UNNUMBERED)


def _table(
    columns: Sequence[tuple[str, Callable[[Any], Any]]],
    *,
    right: Collection[int],
    bold: Callable[[Any], bool] | None = None,
) -> tuple[QTableView, RowsModel]:
    """A read-only, row-selecting table sized to its rows (the page scrolls, not the table)."""
    view = QTableView()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    model = RowsModel(columns, view, right=right, bold=bold)
    view.setModel(model)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, len(columns)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return view, model


def _fit_height(view: QTableView) -> None:
    rows = view.model().rowCount()
    height = view.horizontalHeader().sizeHint().height()
    height += rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth()
    view.setFixedHeight(height)


EMPTY_TEXT = "还没有答题记录。做完一次练习，这里就会显示进度、各章和各题型的正确率。"


class StatsPage(QWidget):
    navigate_requested = Signal(str)
    practice_requested = Signal(dict)
    open_chapter_requested = Signal(int, str)  # chapter number, section anchor
    refreshed = Signal()  # the figures on screen are the library's current ones

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: Progress | None = None
        self.weakest: ChapterProgress | None = None
        self._stale = True
        self.progress_job = Recompute(self._progress_job, "progress", self)
        self.progress_job.finished.connect(self._computed)
        self.progress_job.failed.connect(self._failed)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll)
        content = QWidget()
        self.scroll.setWidget(content)
        self.scroll.viewport().setAutoFillBackground(False)
        layout = page_layout(content)

        layout.addWidget(PageHeader("统计", "做了多少、对了多少、哪里最弱——从最需要的地方接着练。"))
        self.empty = EmptyState(EMPTY_TEXT, "去练习")
        self.empty.action.connect(lambda: self.navigate_requested.emit("practice"))
        layout.addWidget(self.empty)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(14)
        layout.addWidget(self.body)
        layout.addStretch()

        self.tables = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.tables.setSpacing(14)
        self.tables.addWidget(self._build_chapters(), 3)
        self.tables.addWidget(self._build_types(), 2)
        body.addLayout(self._build_figures())
        body.addWidget(self._build_chart())
        body.addWidget(self._build_points())
        body.addLayout(self.tables)

        ctx.library_ready.connect(self._changed)
        ctx.library_changed.connect(self._changed)

    # -- building ------------------------------------------------------------------------

    def _build_figures(self) -> QGridLayout:
        self.figure_grid = QGridLayout()
        self.figure_grid.setSpacing(14)
        self.figures: dict[str, tuple[QLabel, QLabel]] = {}
        self._figure_cards: list[QFrame] = []
        for key, title in (
            ("answers", "作答"),
            ("coverage", "覆盖"),
            ("days", "学习天数"),
            ("time", "用时"),
        ):
            # The detail is unwrapped: a squeezed row goes two by two instead.
            frame, value, detail = figure_card(title)
            self._figure_cards.append(frame)
            self.figures[key] = (value, detail)
        self._figure_columns = 0
        return self.figure_grid

    def _arrange(self) -> None:
        """Four figures in a row when they fit ("81517/100000" may not), else two by two; the
        chapter and type cards side by side on a wide page, else one above the other."""
        # The scroll area's viewport may not be resized yet: measure from the page itself.
        width = (
            self.width() - 2 * 28 - self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        )
        spacing = self.figure_grid.horizontalSpacing()
        needed = sum(f.minimumSizeHint().width() for f in self._figure_cards) + 3 * spacing
        columns = 4 if needed <= width else 2
        if columns != self._figure_columns:
            self._figure_columns = columns
            for i, frame in enumerate(self._figure_cards):
                self.figure_grid.addWidget(frame, *divmod(i, columns))  # re-adding moves it
            for col in range(4):
                self.figure_grid.setColumnStretch(col, 1 if col < columns else 0)
        direction = (
            QBoxLayout.Direction.TopToBottom
            if self.width() < NARROW
            else QBoxLayout.Direction.LeftToRight
        )
        if self.tables.direction() != direction:
            self.tables.setDirection(direction)

    def _build_chart(self) -> QFrame:
        frame, box = card()
        head = QHBoxLayout()
        head.addWidget(label(f"近 {DAYS} 天", "h2"))
        head.addStretch()
        self.chart_summary = label("", "muted")
        head.addWidget(self.chart_summary)
        box.addLayout(head)
        self.chart = DailyChart()
        box.addWidget(self.chart)
        return frame

    def _build_chapters(self) -> QFrame:
        frame, box = card()
        box.setSpacing(8)
        head = QHBoxLayout()
        head.addWidget(label("各章", "h2"))
        head.addStretch()
        head.addWidget(label("正确率只算已评分的作答", "muted"))
        box.addLayout(head)
        self.chapter_table, self.chapter_model = _table(
            [
                ("章节", self._chapter_cell),
                ("题目", lambda c: c.questions),
                ("做过", lambda c: c.done),
                ("覆盖率", lambda c: percent(c.coverage)),
                ("作答", lambda c: c.answers),
                ("正确率", lambda c: percent(c.accuracy)),
            ],
            right=range(1, 6),
            bold=lambda c: c is self.weakest,
        )
        actions = QHBoxLayout()
        self.weakest_button = button("", primary=True)
        self.weakest_button.clicked.connect(self._practise_weakest)
        self.chapter_button = button("练习所选章节")
        self.chapter_button.clicked.connect(self._practise_selected_chapter)
        actions.addWidget(self.weakest_button)
        actions.addWidget(self.chapter_button)
        actions.addStretch()
        box.addLayout(actions)
        box.addWidget(self.chapter_table)
        box.addStretch()
        self.chapter_table.activated.connect(
            lambda index: self._practise_chapter(self.chapter_model.row_object(index.row()))
        )
        self.chapter_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        return frame

    def _build_types(self) -> QFrame:
        frame, box = card()
        box.setSpacing(8)
        box.addWidget(label("各题型", "h2"))
        self.type_table, self.type_model = _table(
            [
                ("题型", lambda t: t.qtype),
                ("作答", lambda t: t.answers),
                ("正确率", lambda t: percent(t.accuracy)),
            ],
            right=range(1, 3),
        )
        actions = QHBoxLayout()
        self.type_button = button("专项练习所选题型")
        self.type_button.clicked.connect(self._practise_selected_type)
        actions.addWidget(self.type_button)
        actions.addStretch()
        box.addLayout(actions)
        box.addWidget(self.type_table)
        box.addStretch()
        self.type_table.activated.connect(
            lambda index: self._practise_type(self.type_model.row_object(index.row()))
        )
        self.type_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        return frame

    def _build_points(self) -> QFrame:
        """The weakest knowledge points, each a step away from its section and its questions."""
        frame, box = card()
        box.setSpacing(8)
        self.points_card = frame
        head = QHBoxLayout()
        head.addWidget(label("薄弱知识点", "h2"))
        head.addStretch()
        head.addWidget(label(f"至少 {WEAK_POINT_MIN_GRADED} 次评分作答、答错过的知识点", "muted"))
        box.addLayout(head)
        self.point_actions = QWidget()  # hidden with the table when nothing is weak
        actions = QHBoxLayout(self.point_actions)
        actions.setContentsMargins(0, 0, 0, 0)
        self.point_button = button("练习所选知识点", primary=True)
        self.point_button.clicked.connect(lambda: self._practise_point(self.selected_point()))
        self.read_button = button("阅读这一节")
        self.read_button.clicked.connect(self._read_selected_point)
        actions.addWidget(self.point_button)
        actions.addWidget(self.read_button)
        actions.addStretch()
        box.addWidget(self.point_actions)
        self.point_table, self.point_model = _table(
            [
                ("知识点", lambda p: p.point),
                ("章节", lambda p: f"第{p.chapter_no}章" if p.chapter_no is not None else "—"),
                ("作答", lambda p: p.graded),
                ("答对", lambda p: p.correct),
                ("正确率", lambda p: percent(p.accuracy)),
            ],
            right=range(2, 5),
        )
        box.addWidget(self.point_table)
        self.points_none = label(
            "目前没有薄弱的知识点。某个知识点答错过、且作答够多时，会列在这里。", "muted", wrap=True
        )
        box.addWidget(self.points_none)
        self.point_table.activated.connect(
            lambda index: self._practise_point(self.point_model.row_object(index.row()))
        )
        self.point_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        return frame

    def _chapter_cell(self, c: ChapterProgress) -> str:
        return f"{chapter_name(c)}（最薄弱）" if c is self.weakest else chapter_name(c)

    # -- refreshing ----------------------------------------------------------------------

    def _changed(self) -> None:
        """The library changed: recompute now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def refresh(self) -> None:
        """Recompute on the pool: on a 100,000-question library it takes ~200 ms."""
        if self.ctx.library is None:
            self.empty.hide()
            self.body.hide()
            return
        self._stale = False
        self.progress_job.request()

    def _progress_job(self):  # -> Callable[[], Progress] | None
        if self.ctx.library is None:
            return None
        engine = self.ctx.library.engine
        return lambda: progress(engine)

    def _computed(self, data: Progress) -> None:
        self._show(data)
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        from csapp.core.errors import user_message

        self._stale = True  # try again the next time the page is shown
        self.body.hide()
        self.empty.set_message(
            (user_message(exc) or "统计没有算出来，详细信息已记录在日志中。")
            + " 做完练习后再来看看。"
        )
        self.empty.show()
        self.refreshed.emit()

    def _show(self, data: Progress) -> None:
        self.data = data
        self.weakest = data.weakest_chapter()
        has_answers = data.totals.answers > 0
        self.empty.set_message(EMPTY_TEXT)
        self.empty.setVisible(not has_answers)
        self.body.setVisible(has_answers)
        if not has_answers:
            return
        self._show_figures(data)
        self._arrange()  # the figures' widths changed
        self.chart.set_days(data.days)
        window = [d for d in data.days if d.answers]
        answers = sum(d.answers for d in window)
        graded = sum(d.graded for d in window)
        accuracy = percent(sum(d.correct for d in window) / graded if graded else None)
        self.chart_summary.setText(f"学习 {len(window)} 天，作答 {answers} 次，正确率 {accuracy}")
        self.chapter_model.set_rows(data.chapters)
        self.type_model.set_rows(data.types)
        weak = data.weakest_points()
        self.point_model.set_rows(weak)
        # A bank whose questions name no knowledge point has nothing to show here.
        self.points_card.setVisible(bool(data.points))
        self.point_table.setVisible(bool(weak))
        self.point_actions.setVisible(bool(weak))
        self.points_none.setVisible(not weak)
        if weak:
            self.point_table.selectRow(0)
        for view in (self.chapter_table, self.type_table, self.point_table):
            _fit_height(view)
        if self.weakest is not None:
            self.weakest_button.setText(f"练习最薄弱的一章：{chapter_name(self.weakest)}")
            self.weakest_button.setToolTip(
                f"正确率 {percent(self.weakest.accuracy)}，"
                f"{self.weakest.graded} 次评分作答中答对 {self.weakest.correct} 次"
            )
        self.weakest_button.setVisible(self.weakest is not None)
        self._update_buttons()

    def _show_figures(self, data: Progress) -> None:
        t = data.totals
        self._figure("answers", str(t.answers), f"次，正确率 {percent(t.accuracy)}")
        self._figure("coverage", f"{t.done}/{t.questions}", f"题做过，占 {percent(t.coverage)}")
        streak = f"天，连续 {t.streak} 天" if t.streak else "天，最近两天没有作答"
        self._figure("days", str(t.study_days), streak)
        per = t.seconds / t.answers if t.answers else 0
        self._figure("time", duration_text(t.seconds), f"平均每次 {per:.0f} 秒")

    def _figure(self, key: str, value: str, detail: str) -> None:
        value_label, detail_label = self.figures[key]
        value_label.setText(value)
        detail_label.setText(detail)

    # -- acting --------------------------------------------------------------------------

    def _selected(self, view: QTableView, model: RowsModel) -> Any:
        rows = view.selectionModel().selectedRows()
        return model.row_object(rows[0].row()) if rows else None

    def selected_chapter(self) -> ChapterProgress | None:
        return self._selected(self.chapter_table, self.chapter_model)

    def selected_type(self) -> TypeProgress | None:
        return self._selected(self.type_table, self.type_model)

    def selected_point(self) -> PointProgress | None:
        return self._selected(self.point_table, self.point_model)

    def _update_buttons(self) -> None:
        point = self.selected_point()
        self.point_button.setEnabled(point is not None)
        self.read_button.setEnabled(point is not None and point.anchor is not None)
        chapter = self.selected_chapter()
        self.chapter_button.setEnabled(chapter is not None and chapter.chapter_no is not None)
        self.chapter_button.setToolTip(
            "" if chapter is not None else "先在表格里选一章（双击一行也可以直接开始）"
        )
        qtype = self.selected_type()
        case = qtype is not None and qtype.qtype == QuestionType.CASE
        self.type_button.setText("去案例分析" if case else "专项练习所选题型")
        self.type_button.setEnabled(qtype is not None)
        self.type_button.setToolTip("案例题在“案例分析”里练习" if case else "先在表格里选一种题型")

    def _practise_chapter(self, chapter: ChapterProgress | None) -> None:
        if chapter is not None and chapter.chapter_no is not None:
            self.practice_requested.emit({"mode": "chapter", "chapters": [chapter.chapter_no]})

    def _practise_point(self, point: PointProgress | None) -> None:
        if point is not None:
            self.practice_requested.emit(point.practice_request())

    def _read_selected_point(self) -> None:
        point = self.selected_point()
        if point is not None and point.anchor is not None and point.chapter_no is not None:
            self.open_chapter_requested.emit(point.chapter_no, point.anchor)

    def _practise_weakest(self) -> None:
        self._practise_chapter(self.weakest)

    def _practise_selected_chapter(self) -> None:
        self._practise_chapter(self.selected_chapter())

    def _practise_selected_type(self) -> None:
        self._practise_type(self.selected_type())

    def _practise_type(self, qtype: TypeProgress | None) -> None:
        """题型专项, the request the 练习 page's chooser makes; case questions live in 案例分析."""
        if qtype is None:
            return
        if qtype.qtype == QuestionType.CASE:
            self.navigate_requested.emit("cases")
        else:
            self.practice_requested.emit({"mode": "type", "types": [qtype.qtype]})
