"""题库管理: the banks in the library, importing and exporting them, and browsing their questions.

Every action is a function of ``csapp.core.banks``; this page only asks, shows and refreshes.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csapp.core.questions import TYPE_ORDER
from csapp.ui.context import AppContext
from csapp.ui.models.questions import LazyQuestionsModel
from csapp.ui.models.table import RowsModel
from csapp.ui.tasks import Task
from csapp.ui.widgets.common import (
    EmptyState,
    PageHeader,
    button,
    label,
    page_layout,
    restyle,
)

ALL_TYPES, ALL_CHAPTERS, ALL_DIFFICULTIES = "全部题型", "全部章节", "全部难度"


def ask(
    parent: QWidget, title: str, text: str, informative: str, yes: str, no: str = "取消"
) -> bool:
    """A question with buttons that say what they do (the Qt defaults would say Yes/No)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setInformativeText(informative)
    accept = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is accept


class BanksPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.task: Task | None = None
        self._bank_id: int | None = None
        self._summaries: dict[int, object] = {}
        layout = page_layout(self)
        layout.addWidget(
            PageHeader(
                "题库管理",
                "导入培训老师的 Excel、CSV 或文本题库，浏览题目，发现答案有误可以直接更正。",
            )
        )

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.import_button = button("导入题库", primary=True)
        self.import_button.clicked.connect(lambda: self.open_wizard())
        self.paste_button = button("粘贴文本导入")
        self.paste_button.clicked.connect(lambda: self.open_wizard(paste=True))
        self.template_button = button("下载模板")
        self.template_button.setToolTip("空白题库模板：每种题型一行示例，附填写说明")
        self.template_button.clicked.connect(self.save_template)
        for b in (self.import_button, self.paste_button, self.template_button):
            actions.addWidget(b)
        actions.addStretch()
        self.export_button = button("导出")
        self.export_button.clicked.connect(self.export_bank)
        self.rename_button = button("重命名")
        self.rename_button.clicked.connect(self.rename_bank)
        self.delete_button = button("删除")
        self.delete_button.clicked.connect(self.delete_bank)
        for b in (self.export_button, self.rename_button, self.delete_button):
            actions.addWidget(b)
        layout.addLayout(actions)

        # A one-line strip for work that runs behind the page (export, delete) and its result.
        status = QHBoxLayout()
        self.status = label("", "muted", wrap=True)
        status.addWidget(self.status, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(240)
        self.progress.setVisible(False)
        status.addWidget(self.progress)
        self.cancel_button = button("取消")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._cancel_task)
        status.addWidget(self.cancel_button)
        self.status_row = QWidget()
        self.status_row.setLayout(status)
        status.setContentsMargins(0, 0, 0, 0)
        self.status_row.setVisible(False)
        layout.addWidget(self.status_row)

        self.empty = EmptyState(
            "资料库里还没有题库。导入培训老师给你的 Excel 题库，或者下载模板照着示例填写。",
            "导入题库",
        )
        self.empty.action.connect(lambda: self.open_wizard())
        self.empty.setVisible(False)
        layout.addWidget(self.empty)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        columns = [("题库", lambda b: b.name + ("（内置）" if b.builtin else ""))]
        columns += [(str(t), lambda b, t=t: b.by_type.get(str(t), 0)) for t in TYPE_ORDER]
        columns += [("案例", lambda b: b.cases), ("合计", lambda b: b.questions)]
        self.model = RowsModel(columns, self.table)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._bank_chosen())
        self.splitter.addWidget(self.table)

        self.splitter.addWidget(self._build_browser())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)

        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    # -- the question browser ----------------------------------------------------------

    def _build_browser(self) -> QWidget:
        from csapp.core import banks

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        title_row = QHBoxLayout()
        self.browser_title = label("", "h2")
        title_row.addWidget(self.browser_title)
        self.count_label = label("", "muted")
        title_row.addWidget(self.count_label)
        title_row.addStretch()
        title_row.addWidget(label("答案有误？双击题目即可更正", "muted"))
        self.correct_button = button("更正答案/解析…")
        self.correct_button.setEnabled(False)
        self.correct_button.clicked.connect(self.correct_current)
        title_row.addWidget(self.correct_button)
        layout.addLayout(title_row)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索题干中的文字…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._load_questions)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._load_questions)
        filters.addWidget(self.search, 3)
        self.type_filter = QComboBox()
        self.chapter_filter = QComboBox()
        self.difficulty_filter = QComboBox()
        for combo in (self.type_filter, self.chapter_filter, self.difficulty_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self._load_questions())
            filters.addWidget(combo, 1)
        layout.addLayout(filters)

        columns = [
            ("题型", lambda r: r.qtype),
            ("章节", lambda r: r.chapter),
            ("题干", lambda r: r.stem),
            ("答案", lambda r: r.answer),
            ("难度", lambda r: r.difficulty),
        ]
        self.questions = QTableView()
        self.questions_model = LazyQuestionsModel(
            columns, lambda ids: banks.question_rows(self._engine(), ids), self.questions
        )
        self.questions.setModel(self.questions_model)
        self.questions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.questions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.questions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.questions.setWordWrap(False)
        self.questions.verticalHeader().setVisible(False)
        self.questions.verticalHeader().setDefaultSectionSize(
            round(self.fontMetrics().height() * 1.9)
        )
        fm = self.fontMetrics()
        header = self.questions.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, fm.horizontalAdvance("案例分析题__"))
        header.resizeSection(1, fm.horizontalAdvance("第10章 客户服务管理_"))
        header.resizeSection(3, fm.horizontalAdvance("字" * 12))
        header.resizeSection(4, fm.horizontalAdvance("较难___"))
        self.questions.activated.connect(lambda _i: self.correct_current())
        self.questions.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self.correct_button.setEnabled(cur.isValid())
        )
        layout.addWidget(self.questions, 1)
        self.no_questions = label("", "muted", wrap=True)
        self.no_questions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_questions.setVisible(False)
        layout.addWidget(self.no_questions)
        return box

    def _engine(self):
        assert self.ctx.library is not None
        return self.ctx.library.engine

    def current_bank(self):
        """The selected bank's summary (BankSummary), or None."""
        return self._summaries.get(self._bank_id) if self._bank_id is not None else None

    def select_bank(self, bank_id: int) -> None:
        for row in range(self.model.rowCount()):
            if self.model.row_object(row).id == bank_id:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def refresh(self) -> None:
        """Banks and counts again; the selected bank, filters and search stay as they were."""
        library = self.ctx.library
        summaries = library.summary().banks if library else []
        self._summaries = {b.id: b for b in summaries}
        keep = self._bank_id
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(summaries)
        self.table.selectionModel().blockSignals(False)
        has = bool(summaries)
        self.splitter.setVisible(has)
        self.empty.setVisible(library is not None and not has)
        for b in (self.export_button, self.rename_button, self.delete_button):
            b.setEnabled(has)
        rows = max(1, min(len(summaries), 4))
        height = self.table.horizontalHeader().sizeHint().height() + 4
        height += rows * self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(height)
        self.table.setMaximumHeight(height + 3 * 40)
        if not has:
            self._bank_id = None
            return
        target = keep if keep in self._summaries else summaries[0].id
        self.select_bank(target)
        if target == keep:
            self._bank_chosen(force=True)

    def _bank_chosen(self, force: bool = False) -> None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return
        bank = self.model.row_object(index.row())
        changed = bank.id != self._bank_id
        self._bank_id = bank.id
        self.rename_button.setEnabled(not bank.builtin)
        self.delete_button.setEnabled(not bank.builtin)
        tip = "内置题库不能改名或删除" if bank.builtin else ""
        self.rename_button.setToolTip(tip)
        self.delete_button.setToolTip(tip)
        if changed or force:
            self._load_facets(reset=changed)
            self._load_questions()

    def _load_facets(self, reset: bool) -> None:
        from csapp.core import banks

        facets = banks.bank_facets(self._engine(), self._bank_id)
        for combo, first, values in (
            (self.type_filter, ALL_TYPES, facets.types),
            (self.chapter_filter, ALL_CHAPTERS, facets.chapters),
            (self.difficulty_filter, ALL_DIFFICULTIES, facets.difficulties),
        ):
            current = "" if reset else combo.currentData() or ""
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, "")
            for v in values:
                combo.addItem(v, v)
            at = combo.findData(current)
            combo.setCurrentIndex(at if at >= 0 else 0)
            combo.setVisible(len(values) > 1 or bool(current))
            combo.blockSignals(False)
        if reset:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)

    def question_filter(self):
        from csapp.core import banks

        return banks.QuestionFilter(
            search=self.search.text(),
            qtype=self.type_filter.currentData() or "",
            chapter=self.chapter_filter.currentData() or "",
            difficulty=self.difficulty_filter.currentData() or "",
        )

    def _load_questions(self) -> None:
        from csapp.core import banks

        self._search_timer.stop()
        bank = self.current_bank()
        if bank is None or self.ctx.library is None:
            self.questions_model.set_ids([])
            return
        flt = self.question_filter()
        ids = banks.question_ids(self._engine(), bank.id, flt)
        keep = self._current_question()
        if ids == self.questions_model.ids():
            self.questions_model.refresh_rows()
        else:
            self.questions_model.set_ids(ids)
        self.browser_title.setText(f"“{bank.name}”中的题目")
        filtered = any((flt.search.strip(), flt.qtype, flt.chapter, flt.difficulty))
        self.count_label.setText(
            f"找到 {len(ids)} 道（共 {bank.questions} 道）" if filtered else f"共 {len(ids)} 道"
        )
        self.questions.setVisible(bool(ids))
        self.no_questions.setVisible(not ids)
        self.no_questions.setText(
            "没有符合条件的题目。换个关键词，或把筛选改回“全部”。"
            if filtered
            else "这个题库还没有题目。"
        )
        row = self.questions_model.row_of(keep) if keep is not None else None
        if row is not None:
            self.questions.selectRow(row)
        self.correct_button.setEnabled(row is not None)

    def _current_question(self) -> int | None:
        index = self.questions.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.questions_model.rowCount():
            return None
        return self.questions_model.question_id(index.row())

    # -- actions -----------------------------------------------------------------------

    def open_wizard(self, paste: bool = False):
        """The import wizard (returned so tests can drive it); modal, over this page."""
        from csapp.ui.dialogs.import_wizard import ImportWizard

        if self.ctx.library is None:
            return None
        wizard = ImportWizard(self.ctx, self, paste=paste)
        wizard.imported.connect(lambda done: self._after_import(done))
        wizard.practice_requested.connect(lambda: self.navigate_requested.emit("practice"))
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self.wizard = wizard
        return wizard

    def _after_import(self, done) -> None:
        if done.outcome is not None:
            self.refresh()
            self.select_bank(done.outcome.bank_id)

    def _save_path(self, title: str, name: str) -> str:
        from csapp.ui.dialogs.import_wizard import ask_save_xlsx

        return ask_save_xlsx(self, self.ctx, title, name)

    def _say(self, text: str, bad: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "bad" if bad else "muted")
        restyle(self.status)
        self.status_row.setVisible(bool(text) or self.task is not None)

    def _fail(self, exc: BaseException) -> None:
        from csapp.core import banks

        self._say(
            banks.error_text(exc) or f"操作没有完成。详细信息已记录在日志：{self.ctx.log_file}",
            bad=True,
        )

    def save_template(self) -> None:
        from csapp.core import bankio

        path = self._save_path("保存题库模板", "题库模板.xlsx")
        if not path or self.task is not None:
            return
        # On the worker: the first use of openpyxl costs a quarter of a second to import.
        self._start(
            lambda: bankio.write_template(path),
            "正在保存模板…",
            lambda _v: self._say(f"模板已保存到 {path}。填好后点“导入题库”。"),
            "",
        )

    def export_bank(self) -> None:
        from csapp.core import banks

        bank = self.current_bank()
        if bank is None or self.task is not None:
            return
        path = self._save_path("导出题库", f"{bank.name}.xlsx")
        if not path:
            return
        engine = self._engine()
        self._start(
            lambda: banks.iter_export_bank(engine, bank.id, path),
            f"正在导出“{bank.name}”…",
            lambda n: self._say(f"已把“{bank.name}”的 {n} 道题导出到 {path}。"),
            "已取消导出，没有写入文件。",
        )

    def rename_bank(self) -> None:
        from csapp.core import banks

        bank = self.current_bank()
        if bank is None or bank.builtin:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle("重命名题库")
        dialog.setLabelText(f"“{bank.name}”的新名称：")
        dialog.setTextValue(bank.name)
        dialog.setOkButtonText("改名")
        dialog.setCancelButtonText("取消")
        if not dialog.exec():
            return
        try:
            name = banks.rename_bank(self._engine(), bank.id, dialog.textValue())
        except banks.BankError as exc:
            self._say(str(exc), bad=True)
            return
        self._say(f"已改名为“{name}”。")
        self.ctx.notify_changed()

    def delete_bank(self) -> None:
        from csapp.core import banks

        bank = self.current_bank()
        if bank is None or bank.builtin or self.task is not None:
            return
        try:
            history = banks.bank_history(self._engine(), bank.id)
        except banks.BankError as exc:
            self._say(str(exc), bad=True)
            return
        cases = f"和 {bank.cases} 个案例" if bank.cases else ""
        if not ask(
            self,
            "删除题库",
            f"删除题库“{bank.name}”？",
            f"其中的 {history.questions} 道题{cases}会从资料库中删除。原来的 Excel 文件不受影响，"
            "以后可以再导入。",
            "删除",
        ):
            return
        if history.has_history and not ask(
            self,
            "删除题库",
            f"题库“{bank.name}”里有你的学习记录，删除后一起永久删除",
            f"将会失去：{history.describe()}。\n\n这些记录无法恢复（再导入同一个文件也找不回来）。"
            "确定要删除吗？",
            "仍然删除",
            "保留题库",
        ):
            return
        engine = self._engine()

        def done(_history) -> None:
            self._say(f"已删除题库“{bank.name}”。")
            self.ctx.notify_changed()

        self._start(lambda: banks.delete_bank(engine, bank.id), f"正在删除“{bank.name}”…", done, "")

    def correct_current(self) -> None:
        from csapp.core import banks
        from csapp.ui.dialogs.correct_question import CorrectQuestionDialog

        qid = self._current_question()
        if qid is None:
            return
        try:
            detail = banks.question_detail(self._engine(), qid)
        except banks.BankError as exc:
            self._say(str(exc), bad=True)
            return
        dialog = CorrectQuestionDialog(self._engine(), detail, self)
        self.correct_dialog = dialog
        if dialog.exec() and dialog.saved is not None:
            self._say("已保存更正。作答记录、错题本都保留着。")
            self.ctx.notify_changed()

    # -- background work ---------------------------------------------------------------

    def _start(self, job, title: str, on_done, cancelled_text: str) -> None:
        self.task = Task(job, name="banks-page")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(bool(cancelled_text))
        self.cancel_button.setEnabled(True)
        self._say(title)

        def finish(value) -> None:
            self._end_task()
            on_done(value)

        def failed(exc) -> None:
            self._end_task()
            self._fail(exc)

        def cancelled() -> None:
            self._end_task()
            self._say(cancelled_text)

        self.task.progress.connect(lambda f: self.progress.setValue(round(f * 1000)))
        self.task.finished.connect(finish)
        self.task.failed.connect(failed)
        self.task.cancelled.connect(cancelled)
        for b in (self.export_button, self.rename_button, self.delete_button):
            b.setEnabled(False)
        self.task.start()

    def _end_task(self) -> None:
        self.task = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.refresh()

    def _cancel_task(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
