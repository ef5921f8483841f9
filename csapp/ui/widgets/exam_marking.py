"""Self-marking after 交卷: each subjective answer against its 答案要点, point by point.

Every click is saved at once, so the learner can stop and come back later; the report stays
"待批改" until every point has a mark.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from csapp.core import exam_session as es
from csapp.core.exam import Paper, PaperItem, fmt_marks
from csapp.ui import theme
from csapp.ui.widgets.common import button, label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

LEVELS = ((1.0, "得分"), (0.5, "一半"), (0.0, "不得分"))


class PointRow(QFrame):
    """One 要点: its text and marks, and three choices: 得分 / 一半 / 不得分."""

    marked = Signal(int, float)

    def __init__(self, index: int, point: dict, fraction: float | None, hint: bool) -> None:
        super().__init__()
        self.index = index
        self.setObjectName("pointRow")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(12)
        text_box = QVBoxLayout()
        text_box.setSpacing(2)
        text_box.addWidget(
            label(
                f"（{index + 1}）{point['text']}（{fmt_marks(float(point['marks']))} 分）",
                wrap=True,
            )
        )
        if hint:
            text_box.addWidget(label("你的答案里出现了这一点的关键词", "muted"))
        layout.addLayout(text_box, 1)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[float, QPushButton] = {}
        for value, text in LEVELS:
            b = button(text)
            b.setCheckable(True)
            b.setChecked(fraction is not None and abs(fraction - value) < 1e-9)
            b.clicked.connect(lambda _c=False, v=value: self.marked.emit(self.index, v))
            self.group.addButton(b)
            layout.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
            self.buttons[value] = b


class MarkingView(QWidget):
    """Mark the subjective items of a submitted exam; emits ``finished`` or ``later``."""

    finished = Signal(int)  # session id: marking complete, show the report
    later = Signal()

    def __init__(self, engine: Engine, session_id: int, note: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.session_id = session_id
        paper, state, _submitted = es.load_paper(engine, session_id)
        self.paper: Paper = paper
        self.answers = state.get("answers", {})
        self.marks: dict[str, list[float | None]] = {
            k: list(v) for k, v in state.get("self_marks", {}).items()
        }
        self.objective = sum(float(r["score"]) for r in state.get("results", {}).values())
        self.objective_total = sum(i.marks for i in paper.items if i.objective)
        self.items: list[PaperItem] = [
            i
            for i in paper.items
            if not i.objective and es.is_answered(self.answers.get(str(i.index), ""))
        ]
        self.empty = [i for i in paper.items if not i.objective and i not in self.items]
        self.position = 0

        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 18)
        outer.setSpacing(12)
        outer.addWidget(label("批改主观题", "h1"))
        lines = []
        if note:
            lines.append(note)
        lines.append(
            f"客观题已自动判分：得 {fmt_marks(self.objective)} / "
            f"{fmt_marks(self.objective_total)} 分。"
            "对照答案要点给自己的每道主观题打分，每一下都会保存，可以稍后再来批。"
        )
        if self.empty:
            nos = es.numbers_text([i.no for i in self.empty])
            lines.append(f"没有作答的主观题（第 {nos} 题）记 0 分。")
        self.intro = label("".join(lines), "muted", wrap=True)
        outer.addWidget(self.intro)

        body = QHBoxLayout()
        body.setSpacing(16)
        self.list = QListView()
        self.list.setFixedWidth(260)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.model = QStandardItemModel(self.list)
        for _item in self.items:
            self.model.appendRow(QStandardItem(""))
        self.list.setModel(self.model)
        self.list.selectionModel().currentChanged.connect(self._picked)
        body.addWidget(self.list)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body.addWidget(self.scroll, 1)
        outer.addLayout(body, 1)

        bottom = QHBoxLayout()
        self.status = label("", "h2")
        bottom.addWidget(self.status, 1)
        self.prev_button = button("← 上一题")
        self.next_button = button("下一题 →")
        self.later_button = button("稍后再批")
        self.finish_button = button("完成批改，查看成绩单", primary=True)
        self.prev_button.clicked.connect(lambda: self.show_item(self.position - 1))
        self.next_button.clicked.connect(lambda: self.show_item(self.position + 1))
        self.later_button.clicked.connect(self.later)
        self.finish_button.clicked.connect(self.finish)
        for b in (self.prev_button, self.next_button, self.later_button, self.finish_button):
            bottom.addWidget(b)
        outer.addLayout(bottom)
        self.error = label("", "bad", wrap=True)
        self.error.hide()
        outer.addWidget(self.error)
        self._apply_style()
        first = next(
            (
                k
                for k, i in enumerate(self.items)
                if not es.marking_complete(i, self.marks.get(str(i.index)))
            ),
            0,
        )
        self._refresh_list()
        if self.items:
            self.show_item(first)
        else:
            self._update_status()

    def _apply_style(self) -> None:
        c = theme.colors()
        self.setStyleSheet(
            f"""
QFrame#pointRow {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; }}
QFrame#markAnswer {{ background: {c.alt_surface}; border: 1px solid {c.border};
    border-radius: 8px; }}
QPushButton:checked {{ background: {c.accent}; color: {c.accent_text}; border-color: {c.accent};
    font-weight: 600; }}
"""
        )

    def _item_text(self, item: PaperItem) -> str:
        fractions = self.marks.get(str(item.index))
        if es.marking_complete(item, fractions):
            got = es.subjective_score(item, fractions or [])
            state = f"已批 {fmt_marks(got)}/{fmt_marks(item.marks)} 分"
        else:
            state = "待批改"
        return f"第 {item.no} 题 · {item.qtype}\n{state}"

    def _refresh_list(self) -> None:
        for k, item in enumerate(self.items):
            self.model.item(k).setText(self._item_text(item))

    def _picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() != self.position:
            self.show_item(current.row())

    def show_item(self, position: int) -> None:
        if not 0 <= position < len(self.items):
            return
        self.position = position
        item = self.items[position]
        self.list.setCurrentIndex(self.model.index(position, 0))
        from csapp.core.practice import suggest_marks

        response = str(self.answers.get(str(item.index), ""))
        hints = suggest_marks(item.points, response)
        fractions = self.marks.get(str(item.index)) or [None] * len(item.points)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(10)
        section = self.paper.sections[item.section]
        column.addWidget(
            label(f"{section.heading} · 第 {item.no} 题 · {fmt_marks(item.marks)} 分", "muted")
        )
        if item.case_id is not None and item.case_id in self.paper.cases:
            title, material = self.paper.cases[item.case_id]
            case = label(f"案例：{title}", "muted", wrap=True)
            case.setToolTip(material)
            column.addWidget(case)
        column.addWidget(label(item.stem, "h2", wrap=True))
        answer_frame = QFrame()
        answer_frame.setObjectName("markAnswer")
        answer_box = QVBoxLayout(answer_frame)
        answer_box.setContentsMargins(14, 10, 14, 10)
        answer_box.addWidget(label("你的答案", "muted"))
        text = label("", wrap=True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setText(html.escape(response).replace("\n", "<br>"))
        answer_box.addWidget(text)
        column.addWidget(answer_frame)
        column.addWidget(label("答案要点：对照每一点，给自己打分", "h2"))
        self.point_rows: list[PointRow] = []
        for k, point in enumerate(item.points):
            row = PointRow(k, point, fractions[k] if k < len(fractions) else None, bool(hints[k]))
            row.marked.connect(self._mark)
            column.addWidget(row)
            self.point_rows.append(row)
        if item.explanation:
            column.addWidget(label(f"解析：{item.explanation}", "muted", wrap=True))
        column.addStretch()
        self.scroll.setWidget(page)
        self._update_status()

    def _mark(self, point: int, value: float) -> None:
        item = self.items[self.position]
        key = str(item.index)
        fractions = list(self.marks.get(key) or [None] * len(item.points))
        fractions[point] = value
        self.marks[key] = fractions
        try:
            es.set_self_marks(self.engine, self.session_id, item.index, fractions)
        except Exception as exc:  # a locked or full disk: say so, keep the marks on screen
            from csapp.core.errors import user_message

            self.error.setText(user_message(exc) or "打分没能保存，请再点一次。")
            self.error.show()
            return
        self.error.hide()
        self._refresh_list()
        self._update_status()
        if es.marking_complete(item, fractions) and point == len(item.points) - 1:
            nxt = next(
                (
                    k
                    for k in range(self.position + 1, len(self.items))
                    if not es.marking_complete(
                        self.items[k], self.marks.get(str(self.items[k].index))
                    )
                ),
                None,
            )
            if nxt is not None:
                self.show_item(nxt)

    def done_count(self) -> int:
        return sum(1 for i in self.items if es.marking_complete(i, self.marks.get(str(i.index))))

    def score_so_far(self) -> float:
        return self.objective + sum(
            es.subjective_score(i, self.marks.get(str(i.index)) or []) for i in self.items
        )

    def _update_status(self) -> None:
        done = self.done_count()
        score = fmt_marks(round(self.score_so_far(), 2))
        self.status.setText(f"已批改 {done}/{len(self.items)} 题 · 目前得分 {score} 分")
        self.finish_button.setEnabled(done == len(self.items))
        self.prev_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < len(self.items) - 1)

    def finish(self) -> None:
        try:
            es.finish_marking(self.engine, self.session_id)
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.finished.emit(self.session_id)
