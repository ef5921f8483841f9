"""案例分析: the case library, the editor, and the comparison with 答案要点 after submitting.

Three views in one page: the library (chapter and status filters, best scores), the editor
(widgets/case_editor.py) and the review (widgets/case_review.py). Everything the learner does
is a core call in ``csapp.core.cases``; the slow ones (judging, the .docx and PDF
exports) run on the pool.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csapp.core import cases, keypoints
from csapp.ui import theme
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.tasks import run_task
from csapp.ui.widgets.case_editor import CaseEditor, confirm_submit, set_reading_format
from csapp.ui.widgets.case_review import ReviewView
from csapp.ui.widgets.common import EmptyState, PageHeader, button, card, label, page_layout

log = logging.getLogger(__name__)

JIEBA_WARM_UP_DELAY_MS = 800  # after the page is on screen, never on the start-up path


class CaseTableModel(RowsModel):
    """The case library, with status colours."""

    STATUS_COLUMN = 3

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.STATUS_COLUMN:
            c = theme.colors()
            status = self.row_object(index.row()).status
            colour = {cases.DRAFT: c.warn, cases.SUBMITTED: c.good}.get(status, c.muted)
            return QColor(colour)
        return super().data(index, role)


def _when(row: cases.CaseListRow) -> str:
    return "" if row.last_activity is None else f"{row.last_activity.astimezone():%m-%d %H:%M}"


def _submission_text(row: cases.SubmissionRow) -> str:
    text = f"{row.submitted_at.astimezone():%m-%d %H:%M}　{row.total:g} / {row.marks:g} 分"
    if row.seconds:
        text += f"　用时 {max(1, round(row.seconds / 60))} 分钟"
    if row.timed_minutes:
        text += f"（限时 {row.timed_minutes}）"
    return text


class CasesPage(QWidget):
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.current_case: int | None = None  # the case in the editor / review
        self.selected_case: int | None = None  # the case selected in the library
        self.submission: cases.Submission | None = None
        self._task = None
        self._exporting = False  # a PDF or .docx is being written on the pool
        self.last_export: str | None = None  # the file the last finished export wrote
        outer = page_layout(self)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.library_view = self._build_library()
        self.stack.addWidget(self.library_view)
        self.editor = CaseEditor()
        self.editor.back_requested.connect(self.show_library)
        self.editor.submit_requested.connect(self.submit)
        self.editor.versions_requested.connect(self.show_versions)
        self.editor.export_requested.connect(self.export)
        self.editor.material.failed.connect(self._error)
        self.stack.addWidget(self.editor)
        self.review = ReviewView()
        self.review.library_requested.connect(self.show_library)
        self.review.edit_requested.connect(self.edit_again)
        self.review.rewrite_requested.connect(lambda: self.rewrite(self.current_case))
        self.review.versions_requested.connect(self.show_versions)
        self.review.export_requested.connect(self.export)
        self.review.mark_changed.connect(self.set_mark)
        self.stack.addWidget(self.review)

        keypoints.configure(ctx.data_dir / "cache")
        QTimer.singleShot(JIEBA_WARM_UP_DELAY_MS, self._warm_up)
        ctx.library_ready.connect(self._library_ready)
        ctx.library_changed.connect(self.refresh)
        if ctx.library is not None:
            self._library_ready()
        else:
            self.refresh()

    # -- the library view --

    def _build_library(self) -> QWidget:
        view = QWidget()
        layout = QVBoxLayout(view)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.header = PageHeader(
            "案例分析",
            "读材料、写答案、对照答案要点自评。写的每个字都会自动保存，每一版都留着。",
        )
        layout.addWidget(self.header)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(label("章节"))
        self.chapter_filter = QComboBox()
        self.chapter_filter.setMinimumWidth(240)
        filters.addWidget(self.chapter_filter)
        filters.addSpacing(12)
        filters.addWidget(label("状态"))
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部", None)
        for s in cases.STATUSES:
            self.status_filter.addItem(s, s)
        filters.addWidget(self.status_filter)
        filters.addStretch()
        self.counts = label("", "muted")
        filters.addWidget(self.counts)
        layout.addLayout(filters)
        self.chapter_filter.currentIndexChanged.connect(self.refresh)
        self.status_filter.currentIndexChanged.connect(self.refresh)

        self.empty = EmptyState("还没有案例。导入带有“案例”工作表的题库即可添加。", "导入题库")
        self.empty.action.connect(lambda: self.navigate_requested.emit("banks"))
        layout.addWidget(self.empty)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.model = CaseTableModel(
            [
                ("案例", lambda r: r.title),
                ("章节", lambda r: r.chapter.split(" ", 1)[0] if r.chapter else "—"),
                ("小题", lambda r: r.questions),
                ("状态", lambda r: r.status),
                ("最高分", lambda r: r.best_text),
                ("最近", _when),
            ],
            self.table,
        )
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.table.activated.connect(lambda _i: self._primary())
        self.split.addWidget(self.table)

        detail, box = card()
        detail.setObjectName("caseDetail")
        box.setSpacing(8)
        self.detail_title = label("", "h2", wrap=True)
        box.addWidget(self.detail_title)
        self.detail_meta = label("", "muted", wrap=True)
        box.addWidget(self.detail_meta)
        self.preview = QTextBrowser()
        self.preview.setObjectName("casePreview")
        box.addWidget(self.preview, 1)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.primary_button = button("开始作答", primary=True)
        self.primary_button.clicked.connect(self._primary)
        self.edit_button = button("修改答案")
        self.edit_button.clicked.connect(lambda: self.open_editor(self.selected_case))
        self.rewrite_button = button("重新作答")
        self.rewrite_button.setToolTip("清空答题区再写一遍；之前写的都保存在版本记录里。")
        self.rewrite_button.clicked.connect(lambda: self.rewrite(self.selected_case))
        self.chapter_button = button("阅读本章")
        self.chapter_button.clicked.connect(self._open_chapter)
        for b in (self.primary_button, self.edit_button, self.rewrite_button):
            actions.addWidget(b)
        actions.addStretch()
        actions.addWidget(self.chapter_button)
        box.addLayout(actions)
        self.history_title = label("提交记录 · 双击查看当时的对照结果", "muted")
        box.addWidget(self.history_title)
        self.history = QListView()
        self.history.setObjectName("caseHistory")
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_model = RowsModel([("提交", _submission_text)], self.history)
        self.history.setModel(self.history_model)
        self.history.setMaximumHeight(118)
        self.history.activated.connect(self._open_submission)
        box.addWidget(self.history)
        self.split.addWidget(detail)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([560, 560])
        self.split.setChildrenCollapsible(False)
        layout.addWidget(self.split, 1)
        return view

    def _warm_up(self) -> None:
        if not keypoints.is_ready():
            run_task(keypoints.warm_up, name="jieba-warm-up")

    def _library_ready(self) -> None:
        self.editor.set_library(self.ctx.library)
        self._fill_chapters()
        self.refresh()

    def _fill_chapters(self) -> None:
        if self.ctx.library is None:
            return
        current = self.chapter_filter.currentData()
        self.chapter_filter.blockSignals(True)
        self.chapter_filter.clear()
        self.chapter_filter.addItem("全部章节", None)
        for no, chapter in cases.case_chapters(self.ctx.library.engine):
            if no is not None:
                self.chapter_filter.addItem(chapter or f"第{no}章", no)
        i = self.chapter_filter.findData(current)
        self.chapter_filter.setCurrentIndex(max(0, i))
        self.chapter_filter.blockSignals(False)

    def refresh(self) -> None:
        """Re-read the library (statuses and scores change as the learner works)."""
        library = self.ctx.library
        if library is None:
            self.split.setVisible(False)
            self.empty.setVisible(False)
            self.counts.setText("正在打开资料库…")
            return
        selected = self.selected_case
        everything = cases.case_library(library.engine)
        chapter, status = self.chapter_filter.currentData(), self.status_filter.currentData()
        rows = [
            r for r in everything if chapter in (None, r.chapter_no) and status in (None, r.status)
        ]
        self.model.set_rows(rows)
        done = sum(1 for r in everything if r.submissions)
        drafts = sum(1 for r in everything if r.status == cases.DRAFT)
        self.counts.setText(f"共 {len(everything)} 个案例 · 交过 {done} 个 · 草稿 {drafts} 个")
        has_any = bool(everything)
        self.split.setVisible(has_any)
        self.empty.setVisible(not has_any)
        if not rows and has_any:
            self.detail_title.setText("没有符合条件的案例")
            self.detail_meta.setText("换一个章节或状态试试。")
            self.preview.clear()
            for b in (self.primary_button, self.edit_button, self.rewrite_button):
                b.setVisible(False)
            self.history_model.set_rows([])
            return
        row = next((i for i, r in enumerate(rows) if r.id == selected), 0)
        if rows:
            self.table.selectRow(row)
            self._show_detail(self.model.index(row, 0))

    def _row(self) -> cases.CaseListRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_object(index.row())

    def _show_detail(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid() or self.ctx.library is None:
            return
        row: cases.CaseListRow = self.model.row_object(current.row())
        self.selected_case = row.id
        self.detail_title.setText(row.title)
        parts = [row.chapter or "未分章", f"{row.questions} 问，共 {row.marks:g} 分", row.status]
        if row.best is not None:
            parts.append(f"最高 {row.best:g} 分")
        self.detail_meta.setText(" · ".join(parts))
        self.preview.setPlainText(row.material)
        set_reading_format(self.preview, 165, 8)
        primary = {
            cases.NOT_STARTED: "开始作答",
            cases.DRAFT: "继续作答",
            cases.SUBMITTED: "查看结果",
        }[row.status]
        self.primary_button.setText(primary)
        self.primary_button.setVisible(True)
        submitted = row.submissions > 0
        self.edit_button.setVisible(row.status == cases.SUBMITTED)
        self.rewrite_button.setVisible(submitted or row.status == cases.DRAFT)
        self.chapter_button.setVisible(row.chapter_no is not None)
        history = cases.submissions(self.ctx.library.engine, row.id) if submitted else []
        self.history_model.set_rows(history)
        self.history.setVisible(bool(history))
        self.history_title.setVisible(bool(history))

    def _primary(self) -> None:
        row = self._row()
        if row is None:
            return
        if row.status == cases.SUBMITTED:
            history = cases.submissions(self.ctx.library.engine, row.id)
            if history:
                self.show_submission(history[0].session_id)
                return
        self.open_editor(row.id)

    def _open_submission(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_submission(self.history_model.row_object(index.row()).session_id)

    def _open_chapter(self) -> None:
        row = self._row()
        if row is not None and row.chapter_no is not None:
            self.open_chapter_requested.emit(row.chapter_no, "")

    # -- moving between the views --

    def show_library(self) -> None:
        self.editor.flush()
        if self.current_case is not None:
            self.selected_case = self.current_case
        self.stack.setCurrentWidget(self.library_view)
        self.refresh()

    def open_editor(self, case_id: int | None, contents: dict[int, str] | None = None) -> None:
        if case_id is None or self.ctx.library is None:
            return
        try:
            self.editor.open_case(case_id, contents)
        except cases.CaseError as exc:
            self._error(str(exc))
            return
        self.current_case = case_id
        self.stack.setCurrentWidget(self.editor)

    def show_submission(self, session_id: int) -> None:
        try:
            sub = cases.load_submission(self.ctx.library.engine, session_id)
        except cases.CaseError as exc:
            self._error(str(exc))
            return
        self.submission = sub
        self.current_case = sub.case_id
        self.review.show_submission(sub)
        self.stack.setCurrentWidget(self.review)

    def edit_again(self) -> None:
        self.open_editor(self.current_case)

    def rewrite(self, case_id: int | None) -> None:
        """A fresh attempt: empty answers; what was written stays in the version history."""
        if case_id is None or self.ctx.library is None:
            return
        self.editor.flush(wait=True)
        cases.clear_drafts(self.ctx.library.engine, case_id)
        self.open_editor(case_id)

    # -- submit and self-mark --

    def submit(self) -> None:
        editor = self.editor
        if editor.case is None or self.ctx.library is None or self._task is not None:
            return
        if not confirm_submit(self, editor.empty_questions()):
            return
        editor.flush(wait=True, timeout=2.0)
        engine = self.ctx.library.engine
        case_id = editor.case.id
        session_id = editor.session.id if editor.session else None
        answers = editor.answers()
        seconds = editor.elapsed_seconds()
        minutes = editor.minutes
        waiting = "正在对照答案要点…" if keypoints.is_ready() else "正在准备中文分词，第一次稍慢…"
        editor.set_busy(True, waiting)

        def job() -> cases.Submission:
            return cases.submit_case(
                engine,
                case_id,
                session_id=session_id,
                answers=answers,
                seconds=seconds,
                timed_minutes=minutes,
            )

        self._task = run_task(job, on_done=self._submitted, on_error=self._submit_failed)

    def _submitted(self, sub: cases.Submission) -> None:
        self._task = None
        self.editor.set_busy(False)
        self.editor.stop_timer()
        self.editor.start_new_session()
        self.editor._set_save_label()
        self.submission = sub
        self.review.show_submission(sub)
        self.stack.setCurrentWidget(self.review)
        self.ctx.notify_changed()

    def _submit_failed(self, exc: BaseException) -> None:
        from csapp.core.errors import user_message

        self._task = None
        self.editor.set_busy(False)
        self.editor._set_save_label()
        message = str(exc) if isinstance(exc, cases.CaseError) else user_message(exc)
        self._error(message or "提交没有完成。你的答案已经保存，可以稍后再提交。")

    def set_mark(self, attempt_id: int, point: int, marks: float) -> None:
        try:
            sub = cases.set_self_mark(self.ctx.library.engine, attempt_id, point, marks)
        except cases.CaseError as exc:
            self._error(str(exc))
            return
        self.submission = sub
        self.review.update_submission(sub)

    # -- versions and export --

    def show_versions(self) -> None:
        from csapp.ui.dialogs.case_versions import VersionsDialog

        if self.current_case is None or self.ctx.library is None:
            return
        self.editor.flush(wait=True)
        try:
            case = cases.load_case(self.ctx.library.engine, self.current_case)
        except cases.CaseError as exc:
            self._error(str(exc))
            return
        dialog = VersionsDialog(self.ctx.library, case, self)
        if self.stack.currentWidget() is self.editor and self.editor.editors:
            dialog.select_question(self.editor.editors[self.editor.tabs.currentIndex()].question.id)
        elif self.stack.currentWidget() is self.review and self.review.reviews:
            current = self.review.reviews[self.review.tabs.currentIndex()]
            dialog.select_question(current.attempt.question_id)
        dialog.restore_requested.connect(self._restore)
        dialog.exec()

    def _restore(self, question_id: int, content: str) -> None:
        if self.stack.currentWidget() is not self.editor:
            self.open_editor(self.current_case)
        editor = self.editor.editor_for(question_id)
        if editor is not None:
            self.editor.tabs.setCurrentWidget(editor)
            editor.set_html(content, undoable=True)

    def export(self) -> None:
        from csapp.ui.dialogs.case_export import ExportDialog, write_pdf

        if self.current_case is None or self.ctx.library is None or self._exporting:
            return
        in_review = self.stack.currentWidget() is self.review and self.submission is not None
        session_id = self.submission.session_id if in_review else None
        choice, ok = ExportDialog.ask(self, submitted=in_review)
        if not ok or choice is None:
            return
        self.editor.flush(wait=True)
        engine = self.ctx.library.engine
        try:
            title = cases.load_case(engine, self.current_case).title
        except cases.CaseError as exc:
            self._error(str(exc))
            return
        default = str(Path.home() / f"案例分析-{title}{choice.suffix}")
        kind = "PDF 文件 (*.pdf)" if choice.pdf else "Word 文档 (*.docx)"
        path, _ = QFileDialog.getSaveFileName(self, "导出答案", default, kind)
        if not path:
            return
        if not path.lower().endswith(choice.suffix):
            path += choice.suffix
        case_id = self.current_case
        options = {
            "session_id": session_id,
            "include_case": choice.include_case,
            "include_points": choice.include_points,
        }

        # Both files are written on the pool: the HTML/.docx come from the core, the PDF is
        # printed by QTextDocument on a QPdfWriter, which needs no widget (see csapp.ui.pdf).
        def job() -> Path:
            if choice.pdf:
                return write_pdf(cases.export_html(engine, case_id, **options), path)
            return cases.export_docx(engine, path, case_id, **options)

        self._set_exporting(True)
        run_task(
            job,
            on_done=lambda _p: self._exported(path),
            on_error=lambda exc: self._export_failed(exc, path),
            name="export-pdf" if choice.pdf else "export-docx",
        )

    def _set_exporting(self, on: bool) -> None:
        self._exporting = on
        self.editor.export_button.setEnabled(not on)
        self.review.export_button.setEnabled(not on)

    def _exported(self, path: str) -> None:
        self._set_exporting(False)
        self.last_export = path
        QMessageBox.information(self, "导出完成", f"已保存到：{path}")

    def _export_failed(self, exc: BaseException, path: str) -> None:
        from csapp.core.errors import user_message
        from csapp.paths import os_reason

        self._set_exporting(False)
        if isinstance(exc, cases.CaseError):
            self._error(str(exc))
        elif isinstance(exc, OSError):  # name the file the learner chose
            self._error(f"无法写入“{path}”：{os_reason(exc)}。")
        else:
            self._error(user_message(exc) or "导出没有完成，详细信息已记录在日志中。")

    def _error(self, message: str) -> None:
        QMessageBox.warning(self, "案例分析", message)

    # -- the window is closing --

    def save_state(self) -> None:
        """Everything typed must be in the database before the window closes."""
        self.editor.flush(wait=True)
