"""案例分析: the case library, with each case's material."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QTextBrowser,
    QWidget,
)

from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import EmptyState, PageHeader, page_layout


class CasesPage(QWidget):
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        layout.addWidget(PageHeader("案例分析", "选择一个案例阅读材料；双击打开相关章节。"))
        self.empty = EmptyState("还没有案例。导入带有“案例”工作表的题库即可添加。", "导入题库")
        self.empty.action.connect(lambda: self.navigate_requested.emit("banks"))
        layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.model = RowsModel(
            [
                ("案例", lambda c: c.title),
                ("章节", lambda c: c.chapter),
                ("小题", lambda c: c.questions),
            ],
            self.table,
        )
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        self.table.doubleClicked.connect(self._open_chapter)
        self.material = QTextBrowser()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.material)
        self.splitter.setSizes([420, 600])
        layout.addWidget(self.splitter, 1)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        rows = self.ctx.library.cases() if self.ctx.library else []
        self.model.set_rows(rows)
        self.splitter.setVisible(bool(rows))
        self.empty.setVisible(self.ctx.library is not None and not rows)
        if rows:
            self.table.selectRow(0)

    def _show(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        case = self.model.row_object(current.row())
        self.material.setMarkdown(f"## {case.title}\n\n{case.material}")

    def _open_chapter(self, index) -> None:
        case = self.model.row_object(index.row())
        if case.chapter_no:
            self.open_chapter_requested.emit(case.chapter_no, "")
