"""练习: what there is to practise, chapter by chapter and type by type."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from csapp.core.questions import TYPE_ORDER
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import EmptyState, PageHeader, page_layout


class PracticePage(QWidget):
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        layout.addWidget(
            PageHeader("练习", "各章可以练习的题目数量。双击一章，先读教材再练习效果更好。")
        )
        self.empty = EmptyState("资料库里还没有题目。导入一份题库后就可以在这里练习。", "导入题库")
        self.empty.action.connect(lambda: self.navigate_requested.emit("banks"))
        layout.addWidget(self.empty)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(self._open_chapter)
        layout.addWidget(self.table, 1)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.library is None:
            self.table.setVisible(False)
            self.empty.setVisible(False)
            return
        rows = self.ctx.library.counts_by_chapter()
        present = [t for t in TYPE_ORDER if any(counts.get(t) for _c, _n, counts in rows)]
        columns = [("章节", lambda r: r[0] or "（未分章节）")]
        columns += [(str(t), lambda r, t=t: r[2].get(t, 0)) for t in present]
        columns.append(("合计", lambda r: sum(r[2].values())))
        model = RowsModel(columns, self.table)
        model.set_rows(rows)
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(columns)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)

    def _open_chapter(self, index) -> None:
        chapter_no = self.table.model().row_object(index.row())[1]
        if chapter_no:
            self.open_chapter_requested.emit(chapter_no, "")
