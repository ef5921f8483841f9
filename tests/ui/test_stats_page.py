"""统计: empty until the learner answers, then per-chapter accuracy and the weakest chapter."""

from __future__ import annotations

from sqlalchemy import select

from csapp.core.models import AnswerRecord, Question


def _answer(library, chapter_no: int, correct: list[bool]) -> None:
    with library.session() as s, s.begin():
        ids = s.execute(
            select(Question.id).where(Question.chapter_no == chapter_no).limit(len(correct))
        ).scalars()
        for qid, ok in zip(ids, correct, strict=True):
            s.add(AnswerRecord(question_id=qid, response="A", correct=ok))


def test_stats_show_the_weakest_chapter(qtbot, open_window):
    window = open_window()
    page = window.show_page("stats")
    assert page.stack.currentWidget() is not page.table
    assert not page.summary.isVisible()

    _answer(window.ctx.library, 1, [True, True, True, False])
    _answer(window.ctx.library, 4, [False, False, True])
    window.ctx.notify_changed()

    assert page.stack.currentWidget() is page.table
    assert page.summary.text() == "共答 7 题，正确率 57%。最薄弱：第4章 客户服务质量管理（33%）。"
    rows = {page.model.row_object(r).chapter_no: r for r in range(page.model.rowCount())}
    assert page.model.index(rows[1], 4).data() == "75%"
    page.stack.setCurrentWidget(page.table)
    page.grab().save(str(window.ctx.data_dir / "stats.png"))
