"""首页: what the library really holds, and the next useful step."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from csapp.core.course import chapters, next_to_read
from csapp.ui.context import AppContext
from csapp.ui.widgets.common import PageHeader, button, card, figure_card, label, page_layout

if TYPE_CHECKING:
    from csapp.core.summary import LibrarySummary

WEEKDAYS = "一二三四五六日"


class HomePage(QWidget):
    navigate_requested = Signal(str)
    open_chapter_requested = Signal(int, str)
    exam_resume_requested = Signal(int)  # an unfinished mock exam's session id
    practice_requested = Signal(dict)  # 今日复习, or resume an interrupted practice session
    ready = Signal()
    weak_found = Signal()  # the weakest-point hint is up to date

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        today = date.today()
        layout.addWidget(
            PageHeader(
                "今天学点什么？",
                f"{today.year}年{today.month}月{today.day}日 星期{WEEKDAYS[today.weekday()]}",
            )
        )
        from csapp.ui.widgets.exam_resume import ExamResumeCard

        self.exam_resume = ExamResumeCard(ctx)
        self.exam_resume.resume_requested.connect(self.exam_resume_requested)
        layout.addWidget(self.exam_resume)
        from csapp.ui.widgets.study_today import StudyTodayCard

        self.study_today = StudyTodayCard(ctx)
        self.study_today.practice_requested.connect(self.practice_requested)
        layout.addWidget(self.study_today)

        figures = QHBoxLayout()
        figures.setSpacing(14)
        self._figures: dict[str, tuple[QLabel, QLabel]] = {}
        for key, title in (
            ("questions", "题库"),
            ("chapters", "章节"),
            ("answered", "已答题"),
            ("wrong", "错题本"),
        ):
            frame, value, detail = figure_card(title, "…", "正在打开资料库", wrap_detail=True)
            figures.addWidget(frame, 1)
            self._figures[key] = (value, detail)
        layout.addLayout(figures)

        next_frame, next_box = card()
        next_box.addWidget(label("下一步", "h2"))
        self.next_hint = label("", "muted", wrap=True)
        next_box.addWidget(self.next_hint)
        actions = QHBoxLayout()
        self.read_button = button("开始阅读", primary=True)
        self.read_button.clicked.connect(self._read_next)
        self.practice_button = button("去练习")
        self.practice_button.clicked.connect(lambda: self.navigate_requested.emit("practice"))
        self.import_button = button("导入题库")
        self.import_button.clicked.connect(lambda: self.navigate_requested.emit("banks"))
        for b in (self.read_button, self.practice_button, self.import_button):
            actions.addWidget(b)
        actions.addStretch()
        next_box.addLayout(actions)
        # The weakest knowledge point, once the learner has answered enough to know it.
        self.weak_row = QWidget()
        weak = QHBoxLayout(self.weak_row)
        weak.setContentsMargins(0, 6, 0, 0)
        self.weak_text = label("", wrap=True)
        weak.addWidget(self.weak_text, 1)
        self.weak_button = button("练这一点")
        self.weak_button.clicked.connect(self._practise_weak)
        self.weak_stats_button = button("看统计")
        self.weak_stats_button.clicked.connect(lambda: self.navigate_requested.emit("stats"))
        weak.addWidget(self.weak_button)
        weak.addWidget(self.weak_stats_button)
        self.weak_row.hide()
        next_box.addWidget(self.weak_row)
        layout.addWidget(next_frame)
        self._weak = None  # PointProgress | None
        from csapp.ui.tasks import Recompute

        self.weak_job = Recompute(self._weak_point_job, "weak-point", self)
        self.weak_job.finished.connect(self._show_weak)
        # A hint, not a figure: on failure it is simply left out.
        self.weak_job.failed.connect(lambda _exc: self._show_weak(()))

        types_frame, types_box = card()
        types_box.addWidget(label("题目分布", "h2"))
        self.types_grid = QGridLayout()
        self.types_grid.setHorizontalSpacing(28)
        self.types_grid.setVerticalSpacing(6)
        types_box.addLayout(self.types_grid)
        self.types_empty = label("", "muted", wrap=True)
        types_box.addWidget(self.types_empty)
        layout.addWidget(types_frame)
        layout.addStretch()

        self._next_chapter = 1
        self.read_button.setVisible(False)  # labelled once the library says what was read
        ctx.summary_ready.connect(self.show_summary)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self.refresh)
        ctx.library_failed.connect(self._failed)
        if ctx.library is not None:
            self.refresh()

    def _failed(self, message: str) -> None:
        for value, detail in self._figures.values():
            value.setText("—")
            detail.setText("资料库没有打开")
        self.next_hint.setText(message)

    def refresh(self) -> None:
        if self.ctx.library is not None:
            self.show_summary(self.ctx.library.summary())
            self.weak_job.request()

    def _weak_point_job(self):  # -> Callable[[], tuple[PointProgress, ...]] | None
        """The weakest knowledge point (统计's rule, one of them); nothing once closed."""
        from csapp.core.progress import progress

        if self.ctx.library is None:
            return None
        engine = self.ctx.library.engine
        return lambda: progress(engine).weakest_points(1)

    def _show_weak(self, points) -> None:  # points: tuple[PointProgress, ...]
        self._weak = points[0] if points else None
        if self._weak is not None:
            p = self._weak
            self.weak_text.setText(
                f"最该补的知识点：{p.point}（作答 {p.graded} 次，答对 {p.correct} 次）"
            )
        self.weak_row.setVisible(self._weak is not None)
        self.weak_found.emit()

    def _practise_weak(self) -> None:
        if self._weak is not None:
            self.practice_requested.emit(self._weak.practice_request())

    def show_summary(self, summary: LibrarySummary) -> None:
        course = chapters()

        value, detail = self._figures["questions"]
        value.setText(f"{summary.questions}")
        detail.setText(f"道题，{len(summary.banks)} 个题库，{summary.cases} 个案例")

        value, detail = self._figures["chapters"]
        value.setText(f"{len(summary.chapters_done)}/{len(course)}")
        detail.setText("章已读完")

        value, detail = self._figures["answered"]
        value.setText(f"{summary.done}")  # questions, not answers: 统计 shows the attempts
        if summary.graded:
            rate = summary.answered_correct / summary.graded
            detail.setText(f"道，作答 {summary.answered} 次，正确率 {rate:.0%}")
        elif summary.answered:
            detail.setText(f"道，作答 {summary.answered} 次，还没有评分")
        else:
            detail.setText("道，还没有开始练习")

        value, detail = self._figures["wrong"]
        value.setText(f"{summary.wrong_open}")
        detail.setText("道待复习" if summary.wrong_open else "道，答错的题会自动收进这里")

        unread = [c for c in course if c.no not in summary.chapters_done]
        self._next_chapter = next_to_read(summary.chapters_done)
        self._update_reading_button(started=summary.reading_started)
        if not summary.questions:
            self.next_hint.setText("资料库里还没有题目。可以先读教材，或导入一份题库。")
        elif unread:
            self.next_hint.setText("读完一章，就做这一章的练习；答错的题会进入错题本。")
        else:
            self.next_hint.setText("十章都读完了。用练习和错题本巩固薄弱的章节。")

        self._fill_types(summary.by_type)
        self.ready.emit()

    def _update_reading_button(self, started: bool = False) -> None:
        course = {c.no: c for c in chapters()}
        chapter = course.get(self._next_chapter)
        if chapter is None:
            self.read_button.setVisible(False)
            return
        verb = "继续阅读" if started else "开始阅读"
        self.read_button.setText(f"{verb}：{chapter.label}")
        self.read_button.setVisible(True)

    def _read_next(self) -> None:
        self.open_chapter_requested.emit(self._next_chapter, "")

    def _fill_types(self, by_type: dict[str, int]) -> None:
        from csapp.core.questions import TYPE_ORDER

        while self.types_grid.count():
            item = self.types_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        present = [(t, by_type[t]) for t in TYPE_ORDER if by_type.get(t)]
        present += [(t, n) for t, n in by_type.items() if t not in TYPE_ORDER]
        self.types_empty.setVisible(not present)
        self.types_empty.setText("还没有题目。")
        for i, (qtype, n) in enumerate(present):
            row, col = divmod(i, 4)
            name = label(qtype)
            count = label(f"{n}")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.types_grid.addWidget(name, row, col * 2)
            self.types_grid.addWidget(count, row, col * 2 + 1)
