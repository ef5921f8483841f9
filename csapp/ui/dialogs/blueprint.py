"""Create or edit a 试卷蓝图: types × counts × marks, time, pass mark, mixes; live total."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from csapp.core import exam
from csapp.core.course import chapters
from csapp.core.questions import DEFAULT_MARKS, DIFFICULTIES, TYPE_ORDER, QuestionType
from csapp.ui.widgets.common import label, restyle

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class _TypeRow:
    """One line of the type table: include it, how many, marks each, subtotal."""

    def __init__(self, grid: QGridLayout, row: int, qtype: QuestionType, available: int | None):
        self.qtype = qtype
        self.include = QCheckBox(exam.SECTION_NAMES.get(qtype, str(qtype)))
        self.count = QSpinBox()
        self.count.setRange(1, 200)
        self.count.setSuffix(" 个案例" if qtype == QuestionType.CASE else " 道")
        self.marks = QDoubleSpinBox()
        self.marks.setRange(0.5, 100)
        self.marks.setSingleStep(0.5)
        self.marks.setDecimals(1)
        self.marks.setSuffix(" 分")
        self.marks.setValue(DEFAULT_MARKS.get(qtype, 1.0))
        self.subtotal = QLabel("")
        self.subtotal.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        unit = "个" if qtype == QuestionType.CASE else "道"
        self.available = label("" if available is None else f"题库 {available} {unit}", "muted")
        for col, w in enumerate(
            (self.include, self.count, self.marks, self.subtotal, self.available)
        ):
            grid.addWidget(w, row, col)

    def slot(self) -> exam.Slot | None:
        if not self.include.isChecked():
            return None
        return exam.Slot(self.qtype, self.count.value(), round(self.marks.value(), 1))


class BlueprintDialog(QDialog):
    """Edit a blueprint; ``result_blueprint`` holds what was saved (through the core)."""

    def __init__(
        self,
        engine: Engine,
        blueprint: exam.Blueprint | None = None,
        available: dict[str, int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.original = blueprint
        self.result_blueprint: exam.Blueprint | None = None
        self.setWindowTitle("编辑试卷蓝图" if blueprint else "新建试卷蓝图")
        self.setMinimumWidth(920)
        base = blueprint or exam.Blueprint(
            "我的试卷", 90, 60, (exam.Slot(QuestionType.SINGLE, 20, 1),)
        )
        outer = QVBoxLayout(self)
        outer.setSpacing(12)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        outer.addLayout(columns)

        left = QVBoxLayout()
        left.setSpacing(10)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        self.name = QLineEdit(base.name)
        self.name.setMaxLength(40)
        if blueprint is not None and blueprint.builtin:
            self.name.setEnabled(False)
        form.addRow("名称", self.name)
        if blueprint is not None and blueprint.builtin:
            form.addRow("", label("内置蓝图不能改名；想要另一份，可以先复制。", "muted"))
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 600)
        self.minutes.setSuffix(" 分钟")
        self.minutes.setValue(base.minutes)
        form.addRow("考试时间", self.minutes)
        self.pass_mark = QDoubleSpinBox()
        self.pass_mark.setRange(0.5, 1000)
        self.pass_mark.setDecimals(1)
        self.pass_mark.setSuffix(" 分")
        self.pass_mark.setValue(base.pass_mark)
        form.addRow("及格分", self.pass_mark)
        left.addLayout(form)

        left.addWidget(label("题型、题数和分值", "h2"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        for col, text in enumerate(("题型", "题数", "每题分值", "小计", "")):
            grid.addWidget(label(text, "muted"), 0, col)
        self.rows: list[_TypeRow] = []
        slots = {s.qtype: s for s in base.slots}
        for i, qtype in enumerate(TYPE_ORDER, start=1):
            row = _TypeRow(grid, i, qtype, None if available is None else available.get(qtype, 0))
            if qtype in slots:
                row.include.setChecked(True)
                row.count.setValue(slots[qtype].count)
                row.marks.setValue(slots[qtype].marks)
            for signal in (row.include.toggled, row.count.valueChanged, row.marks.valueChanged):
                signal.connect(self._update)
            self.rows.append(row)
        left.addLayout(grid)
        left.addWidget(
            label(
                "案例分析题按整个案例计数：一个案例连同它的 2–3 个小问，共得“每题分值”。",
                "muted",
                wrap=True,
            )
        )
        self.total = label("", "h2")
        left.addWidget(self.total)
        left.addStretch()
        columns.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(10)
        self.use_mix = QCheckBox("按难度比例出题")
        right.addWidget(self.use_mix)
        mix_row = QHBoxLayout()
        self.mix: dict[str, QSpinBox] = {}
        mix = base.difficulty_mix or {"易": 20, "较易": 30, "较难": 30, "难": 20}
        for level in DIFFICULTIES:
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setSuffix("%")
            spin.setValue(round(mix.get(level, 0)))
            spin.valueChanged.connect(self._update)
            mix_row.addWidget(QLabel(level))
            mix_row.addWidget(spin)
            self.mix[level] = spin
        mix_row.addStretch()
        right.addLayout(mix_row)
        self.mix_sum = label("", "muted")
        right.addWidget(self.mix_sum)
        self.use_mix.setChecked(bool(base.difficulty_mix))
        self.use_mix.toggled.connect(self._update)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: palette(mid);")
        right.addWidget(line)
        self.use_weights = QCheckBox("按章节权重分配题目")
        right.addWidget(self.use_weights)
        weights_grid = QGridLayout()
        weights_grid.setHorizontalSpacing(10)
        weights_grid.setVerticalSpacing(6)
        self.weights: dict[int, QSpinBox] = {}
        for i, chapter in enumerate(chapters()):
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setValue(
                round(base.chapter_weights.get(chapter.no, 1 if not base.chapter_weights else 0))
            )
            spin.setToolTip(chapter.label)
            spin.valueChanged.connect(self._update)
            r, c = divmod(i, 2)
            weights_grid.addWidget(QLabel(f"第{chapter.no}章"), r, c * 2)
            weights_grid.addWidget(spin, r, c * 2 + 1)
            self.weights[chapter.no] = spin
        right.addLayout(weights_grid)
        right.addWidget(
            label(
                "题目按权重的比例分到各章；某章题目不够时，由其他章节补足。"
                "权重为 0 的章节只用来补足。",
                "muted",
                wrap=True,
            )
        )
        self.use_weights.setChecked(bool(base.chapter_weights))
        self.use_weights.toggled.connect(self._update)
        self.chapter_quiz = QCheckBox("开考时选择一个章节（章节测验）")
        self.chapter_quiz.setChecked(base.chapter_quiz)
        right.addWidget(self.chapter_quiz)
        right.addStretch()
        columns.addLayout(right, 2)

        self.error = label("", "bad", wrap=True)
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._update()

    def blueprint(self) -> exam.Blueprint:
        """What the form says right now (not yet checked)."""
        slots = tuple(s for s in (r.slot() for r in self.rows) if s is not None)
        mix = {k: float(v.value()) for k, v in self.mix.items()} if self.use_mix.isChecked() else {}
        weights = (
            {no: float(s.value()) for no, s in self.weights.items()}
            if self.use_weights.isChecked()
            else {}
        )
        base = self.original or exam.Blueprint("", 0, 0, ())
        return replace(
            base,
            name=self.name.text().strip(),
            minutes=self.minutes.value(),
            pass_mark=round(self.pass_mark.value(), 1),
            slots=slots,
            difficulty_mix=mix,
            chapter_weights=weights,
            chapter_quiz=self.chapter_quiz.isChecked(),
        )

    def _update(self) -> None:
        bp = self.blueprint()
        for row in self.rows:
            on = row.include.isChecked()
            row.count.setEnabled(on)
            row.marks.setEnabled(on)
            slot = row.slot()
            row.subtotal.setText(f"{exam.fmt_marks(slot.total)} 分" if slot else "")
        self.total.setText(f"总分 {exam.fmt_marks(bp.total)} 分 · {bp.size_text()}")
        for spin in self.mix.values():
            spin.setEnabled(self.use_mix.isChecked())
        for spin in self.weights.values():
            spin.setEnabled(self.use_weights.isChecked())
        share = sum(s.value() for s in self.mix.values())
        self.mix_sum.setVisible(self.use_mix.isChecked())
        self.mix_sum.setText(f"合计 {share}%" + ("" if share == 100 else "（应为 100%）"))
        self.mix_sum.setProperty("role", "muted" if share == 100 else "bad")
        restyle(self.mix_sum)

    def save(self) -> None:
        """Save through the core; a problem is one sentence above the buttons."""
        try:
            old = self.original.name if self.original is not None else None
            self.result_blueprint = exam.save_blueprint(self.engine, self.blueprint(), old)
        except exam.BlueprintError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
