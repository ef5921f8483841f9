"""练习 as a learner uses it: every mode driven by keys and clicks, checked in the database."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from csapp.core import review, settings
from csapp.core.models import AnswerRecord, Favorite, StudySession, WrongBookEntry
from csapp.core.practice import Mode
from csapp.core.questions import QuestionType

LEFT = Qt.MouseButton.LeftButton


def _records(window, session_id=None):
    with window.ctx.library.session() as s:
        stmt = select(AnswerRecord).order_by(AnswerRecord.id)
        if session_id is not None:
            stmt = stmt.where(AnswerRecord.session_id == session_id)
        return s.execute(stmt).scalars().all()


def _key_for_letter(letter: str) -> Qt.Key:
    return getattr(Qt.Key, f"Key_{'ABCDEFGH'.index(letter) + 1}")


def keys(item, right: bool) -> list[Qt.Key]:
    """The number keys a learner presses to answer ``item`` right (or wrong)."""
    if item.type == QuestionType.JUDGE:
        true = item.answer == "正确"
        return [Qt.Key.Key_1 if true == right else Qt.Key.Key_2]
    letters = item.answer if right else next(c for c in "ABCD" if c not in item.answer)
    return [_key_for_letter(ch) for ch in letters]


def answer(qtbot, page, right: bool) -> None:
    view = page.view
    for key in keys(view.item, right):
        qtbot.keyClick(view, key)
    qtbot.keyClick(view, Qt.Key.Key_Return)


@pytest.fixture
def practice_page(open_window):
    window = open_window()
    page = window.show_page("practice")
    page._ask = lambda *args: True  # every confirmation answered "yes"
    return window, page


def _start_from_chooser(qtbot, page, tile: str, chapter: int) -> None:
    chooser = page.chooser
    chooser.chapter.setCurrentIndex(chooser.chapter.findData(chapter))
    qtbot.mouseClick(getattr(chooser, tile), LEFT)
    assert page.stack.currentWidget() is page.screen


def test_chapter_practice_by_keyboard_records_each_answer(qtbot, practice_page):
    window, page = practice_page
    _start_from_chooser(qtbot, page, "chapter_tile", 4)
    session = page.session
    assert session.mode == Mode.CHAPTER and session.total > 20
    page._elapsed = lambda: 12.5  # the time a learner spent on each question
    first, second = page.view.item, None

    answer(qtbot, page, right=True)
    assert page.view.phase == "done" and page.view.feedback.isVisible()
    assert page.view.verdict.text().startswith("✓")
    qtbot.keyClick(page.view, Qt.Key.Key_Space)  # Space moves on like Enter
    assert session.pos == 1
    second = page.view.item
    answer(qtbot, page, right=False)
    assert page.view.verdict.text().startswith("✗")
    assert "正确答案" in page.view.key_line.text()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert session.pos == 2

    records = _records(window, session.id)
    assert [(r.question_id, r.correct, r.seconds) for r in records] == [
        (first.id, True, 12.5),
        (second.id, False, 12.5),
    ]
    with window.ctx.library.session() as s:
        entry = s.execute(select(WrongBookEntry)).scalar_one()
        assert (entry.question_id, entry.wrong_count) == (second.id, 1)
    assert review.state(window.ctx.library.engine, first.id) is not None
    assert "答对 1" in page.screen.stats.text() and "答错 1" in page.screen.stats.text()


def test_arrows_favourite_explanation_and_the_textbook_link(qtbot, practice_page):
    window, page = practice_page
    _start_from_chooser(qtbot, page, "chapter_tile", 4)
    view = page.view
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert page.session.pos == 2
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert page.session.pos == 1
    item = view.item
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert "已收藏" in view.star.text()
    with window.ctx.library.session() as s:
        assert s.get(Favorite, item.id) is not None
    qtbot.keyClick(view, Qt.Key.Key_E)  # the 解析 before answering (a peek)
    assert view.feedback.isVisible() and item.explanation[:8] in view.explanation.text()
    qtbot.keyClick(view, Qt.Key.Key_E)
    assert not view.feedback.isVisible()
    answer(qtbot, page, right=True)
    assert view.book_link.isVisible()
    qtbot.mouseClick(view.book_link, LEFT)
    assert window.current_page_key() == "study"
    study = window.page("study")
    assert study._chapter.no == 4
    anchor = item.section_anchor
    assert study.toc.currentData() == anchor or study.toc.currentData().startswith(anchor[:3])


def test_chapter_quiz_scores_to_100_and_lists_every_question(qtbot, practice_page):
    window, page = practice_page
    _start_from_chooser(qtbot, page, "quiz_tile", 3)
    session = page.session
    kinds = [page._item(qid).qtype for qid in session.ids]
    assert kinds == ["单选题"] * 10 + ["判断题"] * 5
    for i in range(15):
        view = page.view
        assert view.feedback.isHidden()  # no 解析 during a test
        for key in keys(view.item, right=i < 12):
            qtbot.keyClick(view, key)
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.result  # Enter on the last one hands it in
    with window.ctx.library.session() as s:
        stored = s.get(StudySession, session.id)
        assert (stored.kind, stored.score) == ("quiz", 80.0)
    assert page.result.score.text() == "80 分" and page.result.verdict.text() == "通过"
    rows = [page.result.model.row_object(r) for r in range(page.result.model.rowCount())]
    assert [r["mark"] for r in rows] == ["✓"] * 12 + ["✗"] * 3
    assert all(r["key"] for r in rows) and all(r["given"] for r in rows)
    records = _records(window, session.id)
    assert len(records) == 15 and sum(r.correct for r in records) == 12
    # Opening a row shows that question with its answer and 解析.
    table = page.result.table
    table.scrollTo(page.result.model.index(13, 0))
    rect = table.visualRect(page.result.model.index(13, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.stack.currentWidget() is page.screen
    assert page.view.mode == "review" and page.view.feedback.isVisible()
    assert page.view.verdict.text().startswith("✗")


def test_memorize_mode_shows_answers_and_records_nothing(qtbot, practice_page):
    window, page = practice_page
    _start_from_chooser(qtbot, page, "memorize_tile", 5)
    for _ in range(3):
        assert page.view.feedback.isVisible()
        assert "正确答案" in page.view.key_line.text()
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.session.pos == 3 and page.session.answered == 3
    assert _records(window) == []


def test_random_practice_from_the_chooser_controls(qtbot, practice_page):
    window, page = practice_page
    chooser = page.chooser
    for qtype, box in chooser.type_checks.items():
        box.setChecked(qtype == "判断题")
    chooser.diff_checks["难"].setChecked(False)
    chooser.count.setValue(5)
    assert "符合条件的题目" in chooser.random_status.text()
    qtbot.mouseClick(chooser.random_button, LEFT)
    session = page.session
    assert session.mode == Mode.RANDOM and session.total == 5
    items = [page._item(q) for q in session.ids]
    assert {i.qtype for i in items} == {"判断题"}
    assert all(i.difficulty != "难" for i in items)
    answer(qtbot, page, right=True)
    assert _records(window, session.id)[0].correct is True


def test_short_answer_is_self_marked_point_by_point(qtbot, practice_page):
    window, page = practice_page
    chooser = page.chooser
    chooser.type_combo.setCurrentIndex(chooser.type_combo.findData("简答题"))
    chooser.type_chapter.setCurrentIndex(chooser.type_chapter.findData(1))
    qtbot.mouseClick(chooser.type_button, LEFT)
    view = page.view
    item = view.item
    assert item.qtype == "简答题" and view.editor.isVisible()
    view.editor.setPlainText("完全不会")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.phase == "mark"
    assert page.screen.submit_button.text() == "确认评分"
    assert view.marks == [0.0] * len(item.points)  # no keyword found: nothing pre-marked
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.keyClick(view, Qt.Key.Key_3)  # toggled twice: not met after all
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.phase == "done"
    [record] = _records(window, page.session.id)
    assert record.response == "完全不会"
    assert record.score == pytest.approx(float(item.points[0]["marks"]))


def test_fill_in_the_blank_by_typing(qtbot, practice_page):
    window, page = practice_page
    chooser = page.chooser
    chooser.type_combo.setCurrentIndex(chooser.type_combo.findData("填空题"))
    qtbot.mouseClick(chooser.type_button, LEFT)
    view = page.view
    item = view.item
    blanks = item.answer.split("|")
    for edit, blank in zip(view.blank_edits, blanks, strict=False):
        edit.setText(blank.split("&&")[-1])
    qtbot.keyClick(view.blank_edits[len(blanks) - 1], Qt.Key.Key_Return)
    [record] = _records(window, page.session.id)
    assert record.correct is True and record.response == "|".join(b.split("&&")[-1] for b in blanks)


def test_a_session_interrupted_by_a_crash_is_offered_at_the_next_start(qtbot, open_window):
    first = open_window()
    page = first.show_page("practice")
    _start_from_chooser(qtbot, page, "chapter_tile", 2)
    session_id = page.session.id
    answered = []
    for right in (True, False):
        answered.append(page.view.item.id)
        answer(qtbot, page, right)
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    # The app dies here: no "leave", no close event. A new start on the same data:
    second = open_window()
    card = second.page("home").study_today
    assert card.resume_box.isVisible()
    assert "第2章" in card.resume_text.text() and "已答 2 题" in card.resume_text.text()
    qtbot.mouseClick(card.resume_button, LEFT)
    assert second.current_page_key() == "practice"
    resumed = second.page("practice")
    assert resumed.session.id == session_id
    assert resumed.session.pos == 2
    assert set(resumed.session.answers) == set(answered)
    assert resumed.screen.sheet_model.rowCount() == resumed.session.total
    answer(qtbot, resumed, right=True)
    assert len(_records(second, session_id)) == 3


def test_todays_review_starts_from_the_home_page(qtbot, open_window):
    window = open_window()
    page = window.show_page("practice")
    _start_from_chooser(qtbot, page, "chapter_tile", 6)
    missed = page.view.item.id
    answer(qtbot, page, right=False)
    qtbot.mouseClick(page.screen.back_button, LEFT)  # leaves; the session stays resumable
    home = window.show_page("home")
    card = home.study_today
    assert card.due >= 1 and card.due_label.text() == f"{card.due} 题"
    qtbot.mouseClick(card.review_button, LEFT)
    assert window.current_page_key() == "practice"
    assert page.session.mode == Mode.REVIEW and missed in page.session.ids


def test_exam_date_is_set_from_the_chooser(qtbot, practice_page):
    window, page = practice_page
    chooser = page.chooser
    from PySide6.QtCore import QDate

    target = date.today().replace(day=1).toordinal() + 400
    day = date.fromordinal(target)
    chooser.exam_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.mouseClick(chooser.exam_set, LEFT)
    engine = window.ctx.library.engine
    qtbot.waitUntil(lambda: settings.get(engine, review.EXAM_DATE) == day, timeout=10_000)
    qtbot.waitUntil(lambda: "距考试还有" in chooser.exam_status.text(), timeout=10_000)
    qtbot.mouseClick(chooser.exam_clear, LEFT)
    qtbot.waitUntil(lambda: settings.get(engine, review.EXAM_DATE) is None, timeout=10_000)


def test_escape_leaves_the_session_and_keeps_it(qtbot, practice_page):
    _window, page = practice_page
    _start_from_chooser(qtbot, page, "chapter_tile", 7)
    answer(qtbot, page, right=True)
    qtbot.keyClick(page.view, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.chooser
    assert page.chooser.resume_card.isVisible()
    assert "第7章" in page.chooser.resume_text.text()
    qtbot.mouseClick(page.chooser.resume_button, LEFT)
    assert page.session.pos == 1 and page.session.answered == 1
