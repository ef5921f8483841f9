"""错题本: every question answered wrong, until it is answered right again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import EmptyState, PageHeader, page_layout


class WrongBookPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        layout.addWidget(PageHeader("错题本", "答错的题会自动收进这里；连续答对后移出。"))
        self.empty = EmptyState("错题本是空的。做练习时答错的题会自动收进这里。", "去练习")
        self.empty.action.connect(lambda: self.navigate_requested.emit("practice"))
        layout.addWidget(self.empty)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.model = RowsModel(
            [
                ("题目", lambda e: e.stem),
                ("题型", lambda e: e.qtype),
                ("章节", lambda e: e.chapter),
                ("答错次数", lambda e: e.wrong_count),
            ],
            self.table,
        )
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        rows = self.ctx.library.wrong_book() if self.ctx.library else []
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(self.ctx.library is not None and not rows)
