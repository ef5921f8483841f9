"""Version history of a case answer: any two versions side by side, differences marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QTextBrowser,
    QVBoxLayout,
)

from csapp.core import cases
from csapp.ui import theme
from csapp.ui.widgets.case_editor import extra_selection, set_reading_format
from csapp.ui.widgets.common import button, label

if TYPE_CHECKING:
    from csapp.core.library import Library


class VersionsDialog(QDialog):
    """Pick a question and two of its versions; deletions show on the left, additions on the
    right. The right-hand version can be put back into the editor (undoable there)."""

    restore_requested = Signal(int, str)  # question id, content

    def __init__(self, library: Library, case: cases.CaseDetail, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.case = case
        self.versions: list[cases.Version] = []
        self.setWindowTitle(f"版本记录 · {case.title}")
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(
            label(
                "每次提交和每次编辑都会留下一个版本。选两个版本对比："
                "左边标出删去的文字，右边标出新增的文字。",
                "muted",
                wrap=True,
            )
        )
        pick = QHBoxLayout()
        pick.addWidget(label("题目："))
        self.question = QComboBox()
        for q in case.questions:
            self.question.addItem(f"第{q.number}问 · {q.marks:g}分", q.id)
        pick.addWidget(self.question)
        pick.addStretch()
        self.summary = label("", "muted")
        pick.addWidget(self.summary)
        layout.addLayout(pick)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.left_combo = QComboBox()
        self.right_combo = QComboBox()
        self.left_view = QTextBrowser()
        self.right_view = QTextBrowser()
        self.left_view.setObjectName("versionLeft")
        self.right_view.setObjectName("versionRight")
        grid.addWidget(label("旧版本"), 0, 0)
        grid.addWidget(self.left_combo, 1, 0)
        grid.addWidget(self.left_view, 2, 0)
        grid.addWidget(label("新版本"), 0, 1)
        grid.addWidget(self.right_combo, 1, 1)
        grid.addWidget(self.right_view, 2, 1)
        grid.setRowStretch(2, 1)
        layout.addLayout(grid, 1)
        self.left_view.verticalScrollBar().valueChanged.connect(
            self.right_view.verticalScrollBar().setValue
        )

        buttons = QHBoxLayout()
        self.empty = label("", "muted")
        buttons.addWidget(self.empty)
        buttons.addStretch()
        self.restore_button = button("把新版本放回编辑器")
        self.restore_button.setToolTip("当前的答案会被替换；在编辑器里按 Ctrl+Z 可以撤回。")
        self.restore_button.clicked.connect(self._restore)
        close = button("关闭", primary=True)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.question.currentIndexChanged.connect(self._load_versions)
        self.left_combo.currentIndexChanged.connect(self._compare)
        self.right_combo.currentIndexChanged.connect(self._compare)
        self._load_versions()

    def select_question(self, question_id: int) -> None:
        i = self.question.findData(question_id)
        if i >= 0:
            self.question.setCurrentIndex(i)

    def _load_versions(self) -> None:
        qid = self.question.currentData()
        self.versions = cases.versions(self.library.engine, qid) if qid is not None else []
        for combo in (self.left_combo, self.right_combo):
            combo.blockSignals(True)
            combo.clear()
            for v in self.versions:
                combo.addItem(v.label, v.key)
            combo.blockSignals(False)
        if len(self.versions) >= 2:
            self.left_combo.setCurrentIndex(1)
        self.right_combo.setCurrentIndex(0)
        self.empty.setText(
            "" if self.versions else "这一问还没有任何版本：写下答案后，这里会自动记录。"
        )
        self._compare()

    def _version(self, combo: QComboBox) -> cases.Version | None:
        i = combo.currentIndex()
        return self.versions[i] if 0 <= i < len(self.versions) else None

    def _compare(self) -> None:
        old, new = self._version(self.left_combo), self._version(self.right_combo)
        self.restore_button.setEnabled(new is not None)
        if old is None or new is None:
            self.left_view.clear()
            self.right_view.clear()
            self.summary.setText("")
            return
        a, b = old.text, new.text
        d = cases.diff(a, b)
        self._show(self.left_view, a, d.left, theme.colors().bad, strike=True)
        self._show(self.right_view, b, d.right, theme.colors().good, strike=False)
        self.summary.setText(
            "两个版本相同" if d.same else f"删去 {d.removed} 字 · 新增 {d.added} 字"
        )

    @staticmethod
    def _show(
        view: QTextBrowser, text: str, spans: list[cases.DiffSpan], colour: str, strike: bool
    ) -> None:
        view.setPlainText(text or "（空）")
        set_reading_format(view)
        selections = []
        soft = QColor(colour)
        soft.setAlpha(70 if theme.colors().dark else 45)
        for span in spans:
            fmt = QTextCharFormat()
            fmt.setBackground(soft)
            fmt.setFontStrikeOut(strike)
            selections.append(extra_selection(view, text, span.start, span.end, fmt))
        view.setExtraSelections(selections)

    def _restore(self) -> None:
        new = self._version(self.right_combo)
        if new is not None:
            self.restore_requested.emit(self.question.currentData(), new.content)
            self.accept()
