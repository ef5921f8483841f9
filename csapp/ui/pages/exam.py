"""模拟考试: pick a 试卷蓝图, sit the paper, mark it, read the report; print papers.

The page is a stack: the home (blueprints, an unfinished exam to resume, the history with its
trend), the exam screen, self-marking and the report. Composition, 交卷 and printing run on the
thread pool; answers are saved by a ``StateWriter`` thread after every change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QStandardPaths, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csapp.core import exam
from csapp.core import exam_session as es
from csapp.core.course import chapters
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.tasks import run_task
from csapp.ui.widgets.common import PageHeader, button, card, label, page_layout, restyle
from csapp.ui.widgets.exam_marking import MarkingView
from csapp.ui.widgets.exam_report import ReportView
from csapp.ui.widgets.exam_view import ExamView
from csapp.ui.widgets.score_chart import ScoreTrend, TrendPoint

BLUEPRINT_ROLE = Qt.ItemDataRole.UserRole + 1


class ExamPage(QWidget):
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)
    exam_started = Signal(int)  # session id (tests wait for it)
    exam_submitted = Signal(int)
    paper_printed = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.now: Callable[[], float] = time.monotonic  # tests put a fake clock here
        self.writer: es.StateWriter | None = None
        self.exam_view: ExamView | None = None
        self.marking_view: MarkingView | None = None
        self.report_view: ReportView | None = None
        self._blueprints: list[exam.Blueprint] = []
        self._available: dict[str, int] = {}
        self._history: list[es.HistoryRow] = []
        self._unfinished: es.ExamBrief | None = None
        self._short: list[exam.Shortage] = []
        self._busy = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.home = self._build_home()
        self.stack.addWidget(self.home)

        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self._library_changed)
        self.refresh()

    # -- home --------------------------------------------------------------------------------

    def _build_home(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        layout = page_layout(inner)
        layout.addWidget(
            PageHeader(
                "模拟考试",
                "像真正考试一样：按试卷蓝图组卷、限时作答、用答题卡检查，交卷后逐题看分。",
            )
        )

        self.resume_card, resume_box = card()
        resume_row = QHBoxLayout()
        self.resume_text = label("", wrap=True)
        resume_row.addWidget(self.resume_text, 1)
        self.resume_button = button("继续考试", primary=True)
        self.resume_button.clicked.connect(lambda: self.resume())
        self.abandon_button = button("放弃这场考试")
        self.abandon_button.clicked.connect(self._abandon)
        resume_row.addWidget(self.resume_button)
        resume_row.addWidget(self.abandon_button)
        resume_box.addLayout(resume_row)
        self.resume_card.hide()
        layout.addWidget(self.resume_card)

        bp_card, bp_box = card()
        bp_row = QHBoxLayout()
        bp_row.setSpacing(20)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(label("试卷蓝图", "h2"))
        self.bp_list = QListView()
        self.bp_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bp_model = QStandardItemModel(self.bp_list)
        self.bp_list.setModel(self.bp_model)
        self.bp_list.selectionModel().currentChanged.connect(self._blueprint_changed)
        left.addWidget(self.bp_list, 1)
        bp_buttons = QHBoxLayout()
        bp_buttons.setSpacing(6)
        self.new_button = button("新建")
        self.edit_button = button("编辑")
        self.copy_button = button("复制")
        self.delete_button = button("删除")
        self.new_button.clicked.connect(self._new_blueprint)
        self.edit_button.clicked.connect(self._edit_blueprint)
        self.copy_button.clicked.connect(self._copy_blueprint)
        self.delete_button.clicked.connect(self._delete_blueprint)
        for b in (self.new_button, self.edit_button, self.copy_button, self.delete_button):
            bp_buttons.addWidget(b)
        left.addLayout(bp_buttons)
        left_box = QWidget()
        left_box.setLayout(left)
        # Narrower in a small window (down to what its buttons need), so the paper's details
        # keep their room.
        left_box.setMaximumWidth(330)
        bp_row.addWidget(left_box, 2)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.bp_title = label("", "h2")
        right.addWidget(self.bp_title)
        self.bp_describe = label("", "muted", wrap=True)
        right.addWidget(self.bp_describe)
        self.slots_table = QTableView()
        self.slots_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.slots_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.slots_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slots_table.verticalHeader().setVisible(False)
        self.slots_model = RowsModel(
            [
                ("题型", lambda s: exam.SECTION_NAMES.get(s.qtype, str(s.qtype))),
                ("题数", lambda s: f"{s.count} {s.unit}"),
                ("每题分值", lambda s: f"{exam.fmt_marks(s.marks)} 分"),
                ("小计", lambda s: f"{exam.fmt_marks(s.total)} 分"),
                ("题库可用", self._available_text),
            ],
            self.slots_table,
        )
        self.slots_table.setModel(self.slots_model)
        slots_header = self.slots_table.horizontalHeader()
        slots_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        slots_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.slots_table)
        self.status = label("", wrap=True)
        right.addWidget(self.status)
        self.block_hint = label(
            "上面还有一场没有完成的考试：先继续考完，或者放弃它，才能开始新的考试。",
            "muted",
            wrap=True,
        )
        self.block_hint.hide()
        right.addWidget(self.block_hint)
        right.addStretch()
        # The scope has a row of its own: beside the buttons it made the page wider than a
        # 1000 px window.
        scope_row = QHBoxLayout()
        scope_row.addWidget(label("出题范围", "muted"))
        self.scope = QComboBox()
        self.scope.setMinimumWidth(200)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        scope_row.addWidget(self.scope, 1)
        right.addLayout(scope_row)
        actions = QHBoxLayout()
        self.start_button = button("开始考试", primary=True)
        self.start_button.clicked.connect(self.start_exam)
        self.print_button = button("打印试卷…")
        self.print_button.setToolTip("组一份试卷，保存为 PDF（同时生成参考答案）")
        self.print_button.clicked.connect(self.print_paper)
        self.import_button = button("导入题库")
        self.import_button.clicked.connect(lambda: self.navigate_requested.emit("banks"))
        actions.addStretch()
        actions.addWidget(self.import_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.start_button)
        right.addLayout(actions)
        bp_row.addLayout(right, 3)
        bp_box.addLayout(bp_row)
        bp_card.setMinimumHeight(340)
        layout.addWidget(bp_card)

        history_card, history_box = card()
        history_box.addWidget(label("考试记录", "h2"))
        history_row = QHBoxLayout()
        history_row.setSpacing(20)
        self.trend = ScoreTrend()
        history_row.addWidget(self.trend, 2)
        table_side = QVBoxLayout()
        self.history_table = QTableView()
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history_table.verticalHeader().setVisible(False)
        self.history_model = RowsModel(
            [
                ("日期", lambda r: r.started_at.astimezone().strftime("%m-%d %H:%M")),
                ("试卷", lambda r: r.title),
                ("得分", lambda r: "—" if r.score is None else exam.fmt_marks(r.score)),
                ("结果", lambda r: r.result_text),
                ("用时", lambda r: es.clock_text(r.used_seconds)),
            ],
            self.history_table,
        )
        self.history_table.setModel(self.history_model)
        header = self.history_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history_table.activated.connect(lambda _i: self._open_history())
        self.history_table.selectionModel().selectionChanged.connect(
            lambda *_: self._history_selection()
        )
        table_side.addWidget(self.history_table, 1)
        history_actions = QHBoxLayout()
        # The chart says there is no trend yet; this says what the table will be for.
        self.history_empty = label("考完的每一场都会列在这里，打开成绩单可以逐题回看。", "muted")
        history_actions.addWidget(self.history_empty, 1)
        history_actions.addStretch()
        self.open_report_button = button("查看成绩单")
        self.open_report_button.clicked.connect(self._open_history)
        history_actions.addWidget(self.open_report_button)
        table_side.addLayout(history_actions)
        history_row.addLayout(table_side, 3)
        history_box.addLayout(history_row)
        history_card.setMinimumHeight(250)
        self.history_table.setMinimumHeight(120)
        layout.addWidget(history_card)
        layout.addStretch()
        scroll.setWidget(inner)
        return scroll

    def _available_text(self, slot: exam.Slot) -> str:
        if not self._available:
            return "…"
        n = self._available.get(slot.qtype, 0)
        return f"{n} {slot.unit}" + ("" if n >= slot.count else "（不足）")

    @property
    def engine(self):
        return self.ctx.library.engine if self.ctx.library is not None else None

    def _library_changed(self) -> None:
        if self.stack.currentWidget() is self.home:
            self.refresh()

    def refresh(self) -> None:
        """Blueprints, the resume offer and the history, then availability on a worker."""
        if self.engine is None:
            self.status.setText("正在打开资料库…")
            self.start_button.setEnabled(False)
            self.print_button.setEnabled(False)
            return
        if self.writer is None:
            self.writer = es.StateWriter(self.engine)
        selected = self.selected_blueprint()
        self._blueprints = exam.blueprints(self.engine)
        self.bp_model.clear()
        for bp in self._blueprints:
            tag = "（内置）" if bp.builtin else ""
            item = QStandardItem(f"{bp.name}{tag}\n{bp.describe()}")
            item.setData(bp.name, BLUEPRINT_ROLE)
            self.bp_model.appendRow(item)
        names = [b.name for b in self._blueprints]
        row = names.index(selected.name) if selected and selected.name in names else 0
        self.bp_list.setCurrentIndex(self.bp_model.index(row, 0))
        self._refresh_resume()
        self._refresh_history()

    def _refresh_resume(self) -> None:
        self._unfinished = es.unfinished_exam(self.engine) if self.engine else None
        running = self.exam_view is not None
        brief = self._unfinished
        self.resume_card.setVisible(brief is not None)
        if brief is not None:
            verb = "正在进行" if running else "没有完成"
            self.resume_text.setText(
                f"你有一场{verb}的考试——{brief.text}。接着考，计时从剩余时间继续。"
            )
        self._update_actions()

    def _refresh_history(self) -> None:
        self._history = es.history(self.engine) if self.engine else []
        self.history_model.set_rows(list(reversed(self._history)))
        self.trend.set_points(
            [
                TrendPoint(
                    r.started_at.astimezone().strftime("%m/%d"),
                    r.percent or 0.0,
                    100 * r.pass_mark / r.total if r.total else 60.0,
                )
                for r in self._history
                if r.percent is not None
            ]
        )
        self.history_empty.setVisible(not self._history)
        self.open_report_button.setVisible(bool(self._history))
        self._history_selection()

    def _history_selection(self) -> None:
        row = self._selected_history()
        self.open_report_button.setEnabled(row is not None)
        self.open_report_button.setText(
            "继续批改" if row is not None and row.phase == "marking" else "查看成绩单"
        )

    def _selected_history(self) -> es.HistoryRow | None:
        rows = self.history_table.selectionModel().selectedRows()
        return self.history_model.row_object(rows[0].row()) if rows else None

    def selected_blueprint(self) -> exam.Blueprint | None:
        index = self.bp_list.currentIndex()
        if not index.isValid():
            return None
        name = index.data(BLUEPRINT_ROLE)
        return next((b for b in self._blueprints if b.name == name), None)

    def select_blueprint(self, name: str) -> None:
        for row in range(self.bp_model.rowCount()):
            if self.bp_model.item(row).data(BLUEPRINT_ROLE) == name:
                self.bp_list.setCurrentIndex(self.bp_model.index(row, 0))
                return

    def _blueprint_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        bp = self.selected_blueprint()
        if bp is None:
            return
        self.bp_title.setText(bp.name)
        parts = [bp.describe()]
        if bp.difficulty_mix:
            mix = " · ".join(f"{k} {exam.fmt_marks(v)}%" for k, v in bp.difficulty_mix.items())
            parts.append(f"难度：{mix}")
        if bp.chapter_weights:
            parts.append("按章节权重分配题目")
        if bp.chapter_quiz:
            parts.append("开考时选一个章节")
        self.bp_describe.setText("；".join(parts))
        self.slots_model.set_rows(bp.slots)
        self._fit_table()
        self.scope.blockSignals(True)
        previous = self.scope.currentData()
        self.scope.clear()
        if not bp.chapter_quiz:
            self.scope.addItem("全部章节", ())
        for chapter in chapters():
            self.scope.addItem(chapter.label, (chapter.no,))
        at = self.scope.findData(previous) if previous is not None else -1
        self.scope.setCurrentIndex(max(0, at))
        self.scope.blockSignals(False)
        is_builtin = bp.builtin
        modified = is_builtin and self.engine and exam.is_modified_builtin(self.engine, bp.name)
        self.delete_button.setText("恢复默认" if is_builtin else "删除")
        self.delete_button.setEnabled(bool(modified) or not is_builtin)
        self._check()

    def _fit_table(self) -> None:
        """The slots table shows every row without a scroll bar (at most eight types)."""
        table = self.slots_table
        rows = self.slots_model.rowCount()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(
            table.rowHeight(r) or table.verticalHeader().defaultSectionSize() for r in range(rows)
        )
        table.setFixedHeight(height + 2)

    def _scope_changed(self, _index: int) -> None:
        self._check()

    def current_scope(self) -> tuple[int, ...]:
        return tuple(self.scope.currentData() or ())

    def _check(self) -> None:
        """Count what the bank holds for this blueprint and scope (on a worker)."""
        bp = self.selected_blueprint()
        engine = self.engine
        if bp is None or engine is None:
            return
        scope = self.current_scope()
        self._available = {}
        self.slots_model.set_rows(bp.slots)
        self.status.setText("正在核对题库…")

        def done(available: dict[str, int]) -> None:
            if self.selected_blueprint() != bp or self.current_scope() != scope:
                return  # the learner moved on meanwhile
            self._available = available
            self.slots_model.set_rows(bp.slots)
            short = [exam.Shortage(slot, n, scope) for slot, n in bp.shortages(available)]
            self._short = short
            if short:
                self.status.setText(
                    exam.shortage_message(short) + "可以换个范围、改一下蓝图，或者导入更多题目。"
                )
                self.status.setProperty("role", "bad")
            else:
                self.status.setText(
                    f"题库足够组成这份试卷：{bp.size_text()}，满分 {exam.fmt_marks(bp.total)} 分。"
                )
                self.status.setProperty("role", None)
            restyle(self.status)
            self._update_actions()

        self._short = []
        run_task(lambda: exam.availability(engine, scope), on_done=done, name="exam-check")

    def _update_actions(self) -> None:
        ready = self.engine is not None and bool(self._available) and not self._short
        blocked = self._unfinished is not None
        self.start_button.setEnabled(ready and not blocked and not self._busy)
        self.block_hint.setVisible(blocked)
        self.print_button.setEnabled(ready and not self._busy)
        self.import_button.setVisible(bool(self._short))

    # -- blueprints ------------------------------------------------------------------------

    def _dialog(self, blueprint: exam.Blueprint | None) -> None:
        from csapp.ui.dialogs.blueprint import BlueprintDialog

        dialog = BlueprintDialog(self.engine, blueprint, dict(self._available) or None, self)
        if dialog.exec() and dialog.result_blueprint is not None:
            self.refresh()
            self.select_blueprint(dialog.result_blueprint.name)

    def _new_blueprint(self) -> None:
        if self.engine is not None:
            self._dialog(None)

    def _edit_blueprint(self) -> None:
        bp = self.selected_blueprint()
        if bp is not None and self.engine is not None:
            self._dialog(bp)

    def _copy_blueprint(self) -> None:
        bp = self.selected_blueprint()
        if bp is None or self.engine is None:
            return
        try:
            copy = exam.duplicate_blueprint(self.engine, bp.name)
        except exam.BlueprintError as exc:  # e.g. the copy's name would be too long
            self._error(exc, "")
            return
        self.refresh()
        self.select_blueprint(copy.name)

    def _delete_blueprint(self) -> None:
        bp = self.selected_blueprint()
        if bp is None or self.engine is None:
            return
        question = (
            f"把“{bp.name}”恢复成内置的默认设置吗？"
            if bp.builtin
            else f"删除试卷蓝图“{bp.name}”吗？"
        )
        answer = QMessageBox.question(self, "试卷蓝图", question + "已经考过的试卷和成绩不受影响。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        exam.delete_blueprint(self.engine, bp.name)
        self.refresh()
        if bp.builtin:
            self.select_blueprint(bp.name)

    # -- sitting an exam ---------------------------------------------------------------------

    def start_exam(
        self, blueprint: exam.Blueprint | None = None, scope: tuple[int, ...] | None = None
    ) -> None:
        """Compose on a worker, then open the exam screen with the clock running."""
        engine = self.engine
        bp = blueprint or self.selected_blueprint()
        if engine is None or bp is None or self._busy or self._unfinished is not None:
            return  # one exam at a time: a retake from a report waits for the unfinished one
        scope = self.current_scope() if scope is None else scope
        self._busy = True
        self.start_button.setText("正在组卷…")
        self._update_actions()

        def job() -> int:
            paper = exam.compose(engine, bp, scope)
            return es.start_exam(engine, paper)

        def failed(exc: BaseException) -> None:
            self._busy = False
            self.start_button.setText("开始考试")
            self._show_home()
            self._error(exc, "组卷没有成功。")

        run_task(job, on_done=self._started, on_error=failed, name="exam-compose")

    def _started(self, session_id: int) -> None:
        self._busy = False
        self.start_button.setText("开始考试")
        self.open_exam(session_id)

    def open_exam(self, session_id: int) -> None:
        """Show an exam (new or resumed) and start its clock."""
        if self.engine is None:
            return
        if self.exam_view is not None:
            if self.exam_view.run.session_id == session_id:
                self.stack.setCurrentWidget(self.exam_view)
                return
            self._close_exam_view()
        run = es.load_run(self.engine, session_id, now=self.now)
        assert self.writer is not None
        view = ExamView(run, self.writer)
        view.submit_requested.connect(self._submit)
        self.exam_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        view.start()
        self.exam_started.emit(session_id)

    def resume(self, session_id: int | None = None) -> None:
        """Go on with an unfinished exam (the newest one when no id is given)."""
        if self.engine is None:
            return
        if session_id is None:
            brief = es.unfinished_exam(self.engine)
            if brief is None:
                return
            session_id = brief.session_id
        self.open_exam(session_id)

    def _abandon(self) -> None:
        brief = self._unfinished
        if brief is None or self.engine is None:
            return
        answer = QMessageBox.question(
            self,
            "放弃考试",
            f"放弃“{brief.title}”吗？已经写下的答案会保留在资料库里，但这场考试不再计分。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.exam_view is not None and self.exam_view.run.session_id == brief.session_id:
            self._close_exam_view()
        es.abandon_exam(self.engine, brief.session_id)
        self.refresh()

    def _close_exam_view(self) -> None:
        view = self.exam_view
        if view is None:
            return
        view.stop()
        view.save()
        self.exam_view = None
        self.stack.removeWidget(view)
        view.deleteLater()

    def _submit(self, reason: str) -> None:
        view = self.exam_view
        engine = self.engine
        if view is None or engine is None:
            return
        view.stop()
        view.setEnabled(False)
        run, writer = view.run, self.writer
        note = "考试时间到，试卷已自动提交。" if reason == "timeup" else ""

        def failed(exc: BaseException) -> None:
            view.setEnabled(True)
            view.start()
            self._error(exc, "交卷没有成功，答案都还在，请再试一次。")

        run_task(
            lambda: es.submit_exam(engine, run, writer),
            on_done=lambda result: self._submitted(result, note),
            on_error=failed,
            name="exam-submit",
        )

    def _submitted(self, result: es.Submitted, note: str) -> None:
        self._close_exam_view()
        self.ctx.notify_changed()
        if result.to_mark:
            self.show_marking(result.session_id, note)
        else:
            self.show_report(result.session_id, note)
        self.exam_submitted.emit(result.session_id)

    def show_marking(self, session_id: int, note: str = "") -> None:
        if self.engine is None:
            return
        self._drop(self.marking_view)
        view = MarkingView(self.engine, session_id, note)
        view.finished.connect(lambda sid: (self.ctx.notify_changed(), self.show_report(sid)))
        view.later.connect(self._show_home)
        self.marking_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)

    def show_report(self, session_id: int, note: str = "") -> None:
        if self.engine is None:
            return
        self._drop(self.report_view)
        view = ReportView(es.report(self.engine, session_id), note)
        view.back_requested.connect(self._show_home)
        view.retake_requested.connect(self._retake)
        view.mark_requested.connect(self.show_marking)
        view.navigate_requested.connect(self.navigate_requested)
        view.open_chapter_requested.connect(self.open_chapter_requested)
        self.report_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)

    def _drop(self, view: QWidget | None) -> None:
        if view is not None:
            self.stack.removeWidget(view)
            view.deleteLater()

    def _show_home(self) -> None:
        self.stack.setCurrentWidget(self.home)
        self.refresh()

    def _retake(self, session_id: int) -> None:
        if self.engine is None:
            return
        paper, _state, _submitted = es.load_paper(self.engine, session_id)
        self._show_home()
        known = {b.name: b for b in self._blueprints}
        bp = known.get(paper.blueprint.name, paper.blueprint)
        self.select_blueprint(bp.name)
        self.start_exam(bp, paper.scope)

    def _open_history(self) -> None:
        row = self._selected_history()
        if row is None:
            return
        if row.phase == "marking":
            self.show_marking(row.session_id)
        else:
            self.show_report(row.session_id)

    # -- printing ------------------------------------------------------------------------------

    def print_paper(self) -> None:
        """Compose a paper and print it, with its answer key, to PDF (on a worker)."""
        bp = self.selected_blueprint()
        engine = self.engine
        if bp is None or engine is None or self._busy:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder or Path.home()) / f"{bp.name}.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, "保存试卷", suggested, "PDF 文件 (*.pdf)")
        if not path:
            return
        out = Path(path if path.lower().endswith(".pdf") else f"{path}.pdf")
        key = out.with_name(f"{out.stem}-参考答案.pdf")
        scope = self.current_scope()
        self._busy = True
        self._update_actions()
        self.status.setText("正在组卷并排版…")

        def job() -> tuple[int, int]:
            from csapp.ui.paper_pdf import write_paper

            return write_paper(exam.compose(engine, bp, scope), out, key)

        def done(pages: tuple[int, int]) -> None:
            self._busy = False
            self._update_actions()
            self.status.setProperty("role", None)
            self.status.setText(
                f"试卷已保存：{out}（{pages[0]} 页）；参考答案：{key.name}（{pages[1]} 页）。"
            )
            self.paper_printed.emit(str(out))

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._update_actions()
            self._error(exc, "试卷没有保存成功。")

        run_task(job, on_done=done, on_error=failed, name="exam-print")

    def _error(self, exc: BaseException, fallback: str) -> None:
        from csapp.core.errors import user_message

        if isinstance(exc, exam.BlueprintError):
            text = str(exc)
        else:
            text = user_message(exc) or f"{fallback}详细信息已记录在日志：{self.ctx.log_file}"
        self.status.setText(text)
        self.status.setProperty("role", "bad")
        restyle(self.status)

    # -- the app closes --------------------------------------------------------------------------

    def save_state(self) -> None:
        """Called by the main window on close: stop the clock and write the time left."""
        if self.exam_view is not None:
            self.exam_view.stop()
            self.exam_view.save()
        if self.writer is not None:
            self.writer.flush(5)
