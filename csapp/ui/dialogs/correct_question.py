"""更正答案与解析: fix one question's key or explanation in place (its history stays)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from csapp.core import banks
from csapp.core.questions import FALSE_ANSWER, LETTERS, TRUE_ANSWER, QuestionType
from csapp.ui.widgets.common import button, label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class CorrectQuestionDialog(QDialog):
    """Shows the question; the key is edited with the control that fits its type."""

    def __init__(self, engine: Engine, detail: banks.QuestionDetail, parent=None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.detail = detail
        self.saved: banks.QuestionDetail | None = None
        self.qtype = QuestionType(detail.qtype)
        self.setWindowTitle("更正答案与解析")
        self.setMinimumWidth(640)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 18)
        outer.setSpacing(10)
        where = " · ".join(x for x in (detail.qtype, detail.chapter, detail.case_title) if x)
        outer.addWidget(label(where, "muted"))

        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 8, 0)
        box.setSpacing(8)
        stem = label(detail.stem, wrap=True)
        stem.setProperty("role", "h2")
        box.addWidget(stem)
        self.choice_buttons: dict[str, QAbstractButton] = {}
        self.answer_edit: QLineEdit | QPlainTextEdit | None = None
        choices = self.qtype in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE)
        editor = self._answer_editor()
        if choices:  # the options scroll with the stem
            box.addWidget(label("正确答案", "muted"))
            box.addLayout(editor)
        box.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        if choices:
            outer.addWidget(scroll, 3)
        else:
            scroll.setMaximumHeight(round(self.fontMetrics().height() * 5))
            outer.addWidget(scroll)
            outer.addWidget(label("正确答案", "muted"))
            outer.addLayout(editor, 3)

        outer.addWidget(label("解析", "muted"))
        self.explanation_edit = QPlainTextEdit(detail.explanation)
        self.explanation_edit.setPlaceholderText("说明为什么这个答案是对的，可写出教材章节。")
        self.explanation_edit.setTabChangesFocus(True)
        outer.addWidget(self.explanation_edit, 2)

        note = "只改答案和解析：题目本身不变，已有的作答记录、错题本和复习计划都会保留。"
        if detail.bank_builtin:
            note += "内置题库更新时，这里的更正可能被新版本覆盖。"
        outer.addWidget(label(note, "muted", wrap=True))
        self.error = label("", "bad", wrap=True)
        self.error.setVisible(False)
        outer.addWidget(self.error)

        buttons = QHBoxLayout()
        buttons.addStretch()
        cancel = button("取消")
        cancel.clicked.connect(self.reject)
        self.save_button = button("保存更正", primary=True)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.resize(720, 600)

    # -- the key editor ----------------------------------------------------------------

    def _answer_editor(self):
        t = self.qtype
        d = self.detail
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        if t in (QuestionType.SINGLE, QuestionType.MULTI):
            group = QButtonGroup(self)
            group.setExclusive(t is QuestionType.SINGLE)
            for i, text in enumerate(o for o in d.options if o):
                letter = LETTERS[i]
                b = QRadioButton(letter) if t is QuestionType.SINGLE else QCheckBox(letter)
                b.setChecked(letter in d.answer)
                group.addButton(b)
                self.choice_buttons[letter] = b
                grid.addWidget(b, i, 0, Qt.AlignmentFlag.AlignTop)
                option = label(text, wrap=True)
                option.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
                option.mousePressEvent = lambda _e, b=b: b.click()  # the text picks it too
                grid.addWidget(option, i, 1)
            grid.setColumnStretch(1, 1)
            hint = (
                "单选题选一个答案。" if t is QuestionType.SINGLE else "多选题勾选所有正确的选项。"
            )
            grid.addWidget(label(hint, "muted"), len(self.choice_buttons), 0, 1, 2)
        elif t is QuestionType.JUDGE:
            group = QButtonGroup(self)
            row = QHBoxLayout()
            for value in (TRUE_ANSWER, FALSE_ANSWER):
                b = QRadioButton(value)
                b.setChecked(d.answer == value)
                group.addButton(b)
                self.choice_buttons[value] = b
                row.addWidget(b)
            row.addStretch()
            grid.addLayout(row, 0, 0)
        elif t is QuestionType.FILL:
            self.answer_edit = QLineEdit(d.answer)
            grid.addWidget(self.answer_edit, 0, 0)
            grid.addWidget(
                label("几个空的答案用“|”分隔；同一个空的几种答法用“&&”分隔。", "muted", True), 1, 0
            )
        else:
            self.answer_edit = QPlainTextEdit(d.answer)
            self.answer_edit.setTabChangesFocus(True)
            self.answer_edit.setMinimumHeight(140)
            grid.addWidget(self.answer_edit, 0, 0)
            grid.addWidget(
                label(
                    "答案要点请分行编号（1. 2. 3.），每条后面可写分值，如“（2分）”；"
                    "要点会按新的答案重新生成。",
                    "muted",
                    True,
                ),
                1,
                0,
            )
        return grid

    def answer_text(self) -> str:
        if self.choice_buttons:
            return "".join(k for k, b in self.choice_buttons.items() if b.isChecked())
        if isinstance(self.answer_edit, QLineEdit):
            return self.answer_edit.text()
        assert self.answer_edit is not None
        return self.answer_edit.toPlainText()

    # -- save --------------------------------------------------------------------------

    def save(self) -> None:
        try:
            self.saved = banks.correct_question(
                self.engine,
                self.detail.id,
                answer=self.answer_text(),
                explanation=self.explanation_edit.toPlainText(),
            )
        except Exception as exc:  # a wrong key, or a locked/full database
            message = banks.error_text(exc)
            if message is None:
                raise
            self.error.setText(message)
            self.error.setVisible(True)
            return
        self.accept()
