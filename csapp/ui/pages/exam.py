"""模拟考试: the 自考 paper's blueprint and whether the library can fill it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from csapp.core.exam import ZIKAO_10421, Slot
from csapp.core.questions import QuestionType
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import PageHeader, button, label, page_layout


class ExamPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        bp = ZIKAO_10421
        layout = page_layout(self)
        layout.addWidget(
            PageHeader(
                "模拟考试",
                f"{bp.name}：满分 {bp.total:.0f} 分，{bp.minutes} 分钟，"
                f"{bp.pass_mark:.0f} 分及格。",
            )
        )
        self.table = QTableView()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self._available: dict[str, int] = {}
        self.model = RowsModel(
            [
                ("题型", lambda s: str(s.qtype)),
                ("题数", lambda s: s.count),
                ("每题分值", lambda s: f"{s.marks:g}"),
                ("小计", lambda s: f"{s.total:g}"),
                ("资料库中可用", self._available_text),
            ],
            self.table,
        )
        self.model.set_rows(bp.slots)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(320)
        layout.addWidget(self.table)
        self.status = label("", wrap=True)
        layout.addWidget(self.status)
        self.import_button = button("导入题库")
        self.import_button.clicked.connect(lambda: self.navigate_requested.emit("banks"))
        layout.addWidget(self.import_button)
        layout.addStretch()
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        self.refresh()

    def _available_text(self, slot: Slot) -> str:
        if not self._available:
            return "…"
        n = self._available.get(slot.qtype, 0)
        unit = "个案例" if slot.qtype == QuestionType.CASE else "道"
        return f"{n} {unit}" + ("" if n >= slot.count else "（不足）")

    def refresh(self) -> None:
        if self.ctx.library is None:
            return
        summary = self.ctx.library.summary()
        self._available = dict(summary.by_type)
        self._available[QuestionType.CASE] = summary.cases
        self.model.set_rows(ZIKAO_10421.slots)
        short = ZIKAO_10421.shortages(self._available)
        if short:
            parts = "、".join(f"{s.qtype}缺 {s.count - n}" for s, n in short)
            self.status.setText(
                f"资料库还不够组一套完整的试卷：{parts}。导入含这些题型的题库可以补足。"
            )
        else:
            self.status.setText("资料库的题目足够组成一套完整的仿真试卷。")
        self.import_button.setVisible(bool(short))
