"""The offer to go on with an unfinished mock exam, for the home page."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from csapp.ui.context import AppContext
from csapp.ui.widgets.common import button, titled_text


class ExamResumeCard(QFrame):
    """Shown only while an exam is unfinished: what it is, how much time is left, one button."""

    resume_requested = Signal(int)  # session id

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id: int | None = None
        self.setProperty("card", True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        texts, self.text = titled_text("有一场模拟考试没有完成")
        layout.addLayout(texts, 1)
        self.button = button("继续考试", primary=True)
        self.button.clicked.connect(self._resume)
        layout.addWidget(self.button)
        self.hide()
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        if ctx.library is not None:
            self.refresh()

    def refresh(self) -> None:
        from csapp.core.exam_session import unfinished_exam

        brief = unfinished_exam(self.ctx.library.engine) if self.ctx.library else None
        self.session_id = brief.session_id if brief else None
        if brief is not None:
            self.text.setText(f"{brief.text}。计时从剩余时间接着走。")
        self.setVisible(brief is not None)

    def _resume(self) -> None:
        if self.session_id is not None:
            self.resume_requested.emit(self.session_id)
