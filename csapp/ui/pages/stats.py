"""统计: answers and accuracy per chapter, so the weakest chapter is easy to spot."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import EmptyState, PageHeader, label, page_layout


class StatsPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        layout.addWidget(PageHeader("统计", "各章的答题数与正确率；正确率最低的章节最值得再练。"))
        self.summary = label("", wrap=True)
        layout.addWidget(self.summary)
        self.empty = EmptyState("还没有答题记录。做完一次练习，这里就会显示各章正确率。", "去练习")
        self.empty.action.connect(lambda: self.navigate_requested.emit("practice"))
        # The table or the empty state takes the page's height; the empty card stays on top.
        self.stack = QStackedWidget()
        empty_page = QWidget()
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.setContentsMargins(0, 0, 0, 0)
        empty_layout.addWidget(self.empty)
        empty_layout.addStretch()
        self.stack.addWidget(empty_page)
        self.table = QTableView()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.model = RowsModel(
            [
                ("章节", lambda s: s.chapter or "（未分章节）"),
                ("题目", lambda s: s.questions),
                ("已答", lambda s: s.answered),
                ("答对", lambda s: s.correct),
                ("正确率", lambda s: "—" if s.accuracy is None else f"{s.accuracy:.0%}"),
            ],
            self.table,
        )
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        stats = self.ctx.library.chapter_stats() if self.ctx.library else []
        answered = sum(s.answered for s in stats)
        self.model.set_rows(stats)
        self.stack.setCurrentWidget(self.table if answered else self.stack.widget(0))
        self.stack.setVisible(self.ctx.library is not None)
        self.summary.setVisible(answered > 0)
        if answered:
            correct = sum(s.correct for s in stats)
            weakest = min((s for s in stats if s.answered), key=lambda s: s.accuracy or 0)
            self.summary.setText(
                f"共答 {answered} 题，正确率 {correct / answered:.0%}。"
                f"最薄弱：{weakest.chapter or '（未分章节）'}（{weakest.accuracy:.0%}）。"
            )
