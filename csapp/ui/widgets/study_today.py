"""The home page's 今日复习 card: today's due count, and the offer to resume a practice session
that was interrupted (by a crash or by leaving it mid-way)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from csapp.ui.context import AppContext
from csapp.ui.widgets.common import button, label


class StudyTodayCard(QFrame):
    practice_requested = Signal(dict)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id: int | None = None
        self.due = 0
        self.setProperty("card", True)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 14, 18, 14)
        row.setSpacing(18)

        review = QVBoxLayout()
        review.setSpacing(2)
        review.addWidget(label("今日复习", "muted"))
        self.due_label = label("…", "figure")
        review.addWidget(self.due_label)
        self.due_detail = label("", "muted", wrap=True)
        review.addWidget(self.due_detail)
        row.addLayout(review, 2)
        self.review_button = button("开始复习", primary=True)
        self.review_button.clicked.connect(self._review)
        row.addWidget(self.review_button)

        self.resume_box = QFrame()
        box = QHBoxLayout(self.resume_box)
        box.setContentsMargins(18, 0, 0, 0)
        box.setSpacing(12)
        divider = QFrame()
        divider.setFrameShape(QFrame.Shape.VLine)
        divider.setFrameShadow(QFrame.Shadow.Plain)
        box.addWidget(divider)
        resume = QVBoxLayout()
        resume.setSpacing(4)
        resume.addWidget(label("上次的练习没有做完", "h2"))
        self.resume_text = label("", "muted", wrap=True)
        resume.addWidget(self.resume_text)
        box.addLayout(resume, 1)
        self.resume_button = button("接着做", primary=True)
        self.resume_button.clicked.connect(self._resume)
        box.addWidget(self.resume_button)
        self.drop_button = button("不再继续")
        self.drop_button.clicked.connect(self._drop)
        box.addWidget(self.drop_button)
        row.addWidget(self.resume_box, 3)
        self.resume_box.hide()

        self.hide()
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        if ctx.library is not None:
            self.refresh()

    def refresh(self) -> None:
        from csapp.core import practice, review, settings

        if self.ctx.library is None:
            return
        engine = self.ctx.library.engine
        self.due = review.due_count(engine)
        self.due_label.setText(f"{self.due} 题")
        exam = settings.get(engine, review.EXAM_DATE)
        detail = "到了该复习的时候（按遗忘规律安排）。" if self.due else "今天没有到期的题。"
        if exam and (exam - date.today()).days > 0:
            detail += f" 距考试 {(exam - date.today()).days} 天。"
        self.due_detail.setText(detail)
        self.review_button.setText("开始复习" if self.due else "去练习")
        infos = practice.unfinished(engine)
        self.session_id = infos[0].id if infos else None
        if infos:
            info = infos[0]
            self.resume_text.setText(f"{info.title}：{info.progress}")
        self.resume_box.setVisible(bool(infos))
        self.setVisible(True)

    def showEvent(self, event) -> None:
        """Today's count changes with the clock, not only with the library."""
        super().showEvent(event)
        if self.ctx.library is not None:
            self.refresh()

    def _review(self) -> None:
        if self.due:
            self.practice_requested.emit({"mode": "review", "count": 0})
        else:
            self.practice_requested.emit({"mode": "chooser"})

    def _resume(self) -> None:
        if self.session_id is not None:
            self.practice_requested.emit({"resume": self.session_id})

    def _drop(self) -> None:
        from csapp.core import practice

        if self.session_id is not None and self.ctx.library is not None:
            practice.abandon(self.ctx.library.engine, self.session_id)
            self.refresh()
