"""统计: empty until the learner answers; then real figures, days, chapters and types, and
every table leads to the practice worth doing next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import delete, func, select

from csapp.core.models import AnswerRecord, Question
from csapp.core.practice import Mode
from csapp.ui.widgets.daily_chart import day_tooltip

LEFT = Qt.MouseButton.LeftButton
TODAY = date.today()


def _ids(library, chapter_no: int, n: int) -> list[int]:
    with library.session() as s:
        return list(
            s.execute(
                select(Question.id)
                .where(Question.chapter_no == chapter_no, Question.case_id.is_(None))
                .order_by(Question.position)
                .limit(n)
            ).scalars()
        )


def _answer(library, answers: list[tuple[int, bool | None]], day: date) -> None:
    at = datetime(day.year, day.month, day.day, 12).astimezone(UTC)
    with library.session() as s, s.begin():
        for qid, ok in answers:
            s.add(AnswerRecord(question_id=qid, response="A", correct=ok, seconds=30, at=at))


def _history(library) -> None:
    """Chapter 1: 4 questions, 6 answers, 4 right; chapter 4: 5 answers, 2 right (the weakest
    with ≥ 5 graded); chapter 2: one answer not marked yet. Yesterday 3 answers, today 9."""
    c1, c2, c4 = _ids(library, 1, 4), _ids(library, 2, 1), _ids(library, 4, 5)
    _answer(library, [(c1[0], True), (c1[0], False), (c1[1], True)], TODAY - timedelta(days=1))
    _answer(library, [(c1[0], True), (c1[2], True), (c1[3], False)], TODAY)
    marks = [False, False, True, True, False]
    _answer(library, list(zip(c4, marks, strict=True)), TODAY)
    _answer(library, [(c2[0], None)], TODAY)


def _show(qtbot, window):
    """Open 统计 and wait for its figures, which are computed on a worker."""
    page = window.page("stats")
    if not page._stale and not page.progress_job.busy:  # its figures are current already
        window.show_page("stats")
        return page
    with qtbot.waitSignal(page.refreshed, timeout=10_000):
        window.show_page("stats")
    return page


def _changed(qtbot, window) -> None:
    with qtbot.waitSignal(window.page("stats").refreshed, timeout=10_000):
        window.ctx.notify_changed()


def _row(model, match) -> int:
    return next(r for r in range(model.rowCount()) if match(model.row_object(r)))


def test_no_answers_shows_the_way_to_practice(qtbot, open_window):
    window = open_window()
    page = _show(qtbot, window)
    assert page.empty.isVisible() and not page.body.isVisible()
    qtbot.mouseClick(page.empty.button, LEFT)
    assert window.current_page_key() == "practice"


def test_figures_chart_and_tables_show_the_real_history(qtbot, open_window):
    window = open_window()
    page = _show(qtbot, window)
    library = window.ctx.library
    _history(library)
    _changed(qtbot, window)

    assert page.body.isVisible() and not page.empty.isVisible()
    with library.session() as s:
        questions = s.execute(select(func.count()).select_from(Question)).scalar()
    texts = {k: (v.text(), d.text()) for k, (v, d) in page.figures.items()}
    assert texts == {
        "answers": ("12", "次，正确率 55%"),  # 6 right of 11 graded; the unmarked one aside
        "coverage": (f"{10}/{questions}", f"题做过，占 {10 / questions:.0%}"),
        "days": ("2", "天，连续 2 天"),
        "time": ("6 分钟", "平均每次 30 秒"),
    }
    assert page.chart_summary.text() == "学习 2 天，作答 12 次，正确率 55%"

    model = page.chapter_model
    n1 = model.row_object(0).questions
    assert [model.index(0, c).data() for c in range(6)] == [
        "第1章 客户服务概述", str(n1), "4", f"{4 / n1:.0%}", "6", "67%",
    ]  # fmt: skip
    four = _row(model, lambda c: c.chapter_no == 4)
    assert model.index(four, 0).data() == "第4章 客户服务质量管理（最薄弱）"
    assert model.index(four, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert (model.index(four, 2).data(), model.index(four, 5).data()) == ("5", "40%")
    assert model.index(_row(model, lambda c: c.chapter_no == 2), 5).data() == "—"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(four, 5).data(Qt.ItemDataRole.TextAlignmentRole) == right

    types = [page.type_model.row_object(r) for r in range(page.type_model.rowCount())]
    assert sum(t.answers for t in types) == 12
    assert [t.qtype for t in types][-1] == "案例分析题"  # the library's types, in type order

    bars = page.chart.bar_rects()
    assert len(bars) == len(page.chart.days) == 30
    assert [d.answers for d in page.chart.days[-2:]] == [3, 9]
    assert bars[-1].height() == pytest.approx(3 * bars[-2].height()) and bars[-2].height() > 0
    assert all(b.height() == 0 for b in bars[:-2])
    assert page.chart.index_at(bars[-1].center().x()) == 29  # hovering today's bar tells today
    assert day_tooltip(page.chart.days[-1]).endswith(
        "作答 9 次，答对 4 次\n正确率 50%（1 次未评分，不计入）"
    )
    page.grab().save(str(window.ctx.data_dir / "stats.png"))


def test_the_weakest_chapter_button_practises_it(qtbot, open_window):
    window = open_window()
    _history(window.ctx.library)
    page = _show(qtbot, window)
    assert page.weakest_button.text() == "练习最薄弱的一章：第4章 客户服务质量管理"
    qtbot.mouseClick(page.weakest_button, LEFT)
    assert window.current_page_key() == "practice"
    session = window.page("practice").session
    assert session.mode == Mode.CHAPTER and session.spec.chapters == (4,)


def test_a_chosen_chapter_is_practised_by_button_or_double_click(qtbot, open_window):
    window = open_window()
    _history(window.ctx.library)
    page = _show(qtbot, window)
    assert not page.chapter_button.isEnabled()
    page.chapter_table.selectRow(_row(page.chapter_model, lambda c: c.chapter_no == 2))
    qtbot.mouseClick(page.chapter_button, LEFT)
    session = window.page("practice").session
    assert session.mode == Mode.CHAPTER and session.spec.chapters == (2,)

    _show(qtbot, window)
    table = page.chapter_table
    rect = table.visualRect(page.chapter_model.index(0, 0))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), LEFT, pos=rect.center())
    assert window.current_page_key() == "practice"
    session = window.page("practice").session
    assert session.mode == Mode.CHAPTER and session.spec.chapters == (1,)


def test_a_chosen_type_starts_type_practice_and_cases_go_to_case_analysis(qtbot, open_window):
    window = open_window()
    _history(window.ctx.library)
    page = _show(qtbot, window)
    rows = {page.type_model.row_object(r).qtype: r for r in range(page.type_model.rowCount())}
    assert not page.type_button.isEnabled()
    page.type_table.selectRow(rows["多选题"])
    assert page.type_button.text() == "专项练习所选题型"
    qtbot.mouseClick(page.type_button, LEFT)
    assert window.current_page_key() == "practice"
    session = window.page("practice").session
    assert session.mode == Mode.TYPE and session.spec.types == ("多选题",)

    _show(qtbot, window)
    page.type_table.selectRow(rows["案例分析题"])
    assert page.type_button.text() == "去案例分析"
    qtbot.mouseClick(page.type_button, LEFT)
    assert window.current_page_key() == "cases"


def test_a_hidden_page_catches_up_when_shown(qtbot, open_window):
    window = open_window()
    page = _show(qtbot, window)
    window.show_page("home")
    _history(window.ctx.library)
    window.ctx.notify_changed()
    assert page.empty.isVisibleTo(page) and not page.progress_job.busy  # not run while hidden
    _show(qtbot, window)
    assert page.figures["answers"][0].text() == "12"


def test_a_narrow_window_stacks_the_tables(qtbot, open_window):
    window = open_window(size=(1000, 640))
    _history(window.ctx.library)
    page = _show(qtbot, window)
    chapters, types = page.chapter_table, page.type_table
    qtbot.waitUntil(
        lambda: (
            types.mapTo(page, types.rect().topLeft()).y()
            > chapters.mapTo(page, chapters.rect().bottomLeft()).y()
        )
    )
    assert (
        types.mapTo(page, types.rect().topLeft()).x()
        == chapters.mapTo(page, chapters.rect().topLeft()).x()
    )
    first, last = (page.figures[k][0] for k in ("answers", "time"))
    assert (
        first.mapTo(page, first.rect().topLeft()).y() == last.mapTo(page, last.rect().topLeft()).y()
    )


def test_a_weak_knowledge_point_leads_to_its_questions_and_its_section(qtbot, open_window):
    window = open_window()
    library = window.ctx.library
    (qid,) = _ids(library, 4, 1)
    with library.session() as s:
        point = s.get(Question, qid).knowledge_point
    anchor = point.split()[0]
    _answer(library, [(qid, False), (qid, False), (qid, True)], TODAY)
    page = _show(qtbot, window)

    assert page.points_card.isVisible() and not page.points_none.isVisible()
    assert page.point_model.rowCount() == 1
    assert page.point_model.index(0, 0).data() == point
    assert [page.point_model.index(0, c).data() for c in range(1, 5)] == ["第4章", "3", "1", "33%"]
    assert page.selected_point().point == point  # the weakest is chosen already

    qtbot.mouseClick(page.point_button, LEFT)
    assert window.current_page_key() == "practice"
    session = window.page("practice").session
    assert session.mode == Mode.SECTION and session.spec.section == point
    assert session.spec.chapters == (4,)

    _show(qtbot, window)
    qtbot.mouseClick(page.read_button, LEFT)
    assert window.current_page_key() == "study"
    study = window.page("study")
    assert study._chapter.no == 4 and study.toc.currentData() == anchor


def test_no_weak_point_says_what_would_list_one(qtbot, open_window):
    window = open_window()
    library = window.ctx.library
    (qid,) = _ids(library, 4, 1)
    _answer(library, [(qid, True), (qid, True), (qid, True), (qid, False)], TODAY - timedelta(1))
    _answer(library, [(qid, True)] * 10, TODAY)  # 10 of 11 right, but wrong once: still weak
    page = _show(qtbot, window)
    assert page.point_model.rowCount() == 1

    (other,) = _ids(library, 5, 1)
    with library.session() as s, s.begin():
        s.execute(delete(AnswerRecord).where(AnswerRecord.question_id == qid))
    _answer(library, [(other, True)] * 3, TODAY)
    _changed(qtbot, window)
    assert page.points_card.isVisible() and page.points_none.isVisible()
    assert not page.point_table.isVisible() and not page.point_button.isEnabled()


def test_enter_on_a_chapter_row_practises_it(qtbot, open_window):
    """Tables act on Enter as on a double click, for learners who keep to the keyboard."""
    window = open_window()
    _history(window.ctx.library)
    page = _show(qtbot, window)
    table = page.chapter_table
    table.setFocus()
    table.setCurrentIndex(
        page.chapter_model.index(_row(page.chapter_model, lambda c: c.chapter_no == 4), 0)
    )
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.current_page_key() == "practice"
    session = window.page("practice").session
    assert session.mode == Mode.CHAPTER and session.spec.chapters == (4,)
