"""题库管理: the banks in the library with their counts per type."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from csapp.core.questions import TYPE_ORDER
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import EmptyState, PageHeader, page_layout


class BanksPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        layout.addWidget(PageHeader("题库管理", "资料库中的题库及各题型的题目数量。"))
        self.empty = EmptyState("资料库里还没有题库。")
        layout.addWidget(self.empty)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        columns = [("题库", lambda b: b.name + ("（内置）" if b.builtin else ""))]
        columns += [(str(t), lambda b, t=t: b.by_type.get(t, 0)) for t in TYPE_ORDER]
        columns += [("案例", lambda b: b.cases), ("合计", lambda b: b.questions)]
        self.model = RowsModel(columns, self.table)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        banks = self.ctx.library.summary().banks if self.ctx.library else []
        self.model.set_rows(banks)
        self.table.setVisible(bool(banks))
        self.empty.setVisible(self.ctx.library is not None and not banks)
