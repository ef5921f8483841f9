"""模拟考试 as a learner sits it: pick a paper, answer with clicks and keys, 答题卡, 交卷,
self-marking, the report; warnings and the end of time; resuming after closing the app."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select
from sqlmodel import Session

from csapp.core import exam
from csapp.core.models import StudySession, WrongBookEntry
from csapp.core.questions import QuestionType

T = QuestionType
LEFT = Qt.MouseButton.LeftButton
LETTER_KEYS = {c: getattr(Qt.Key, f"Key_{c}") for c in "ABCDEFGH"}


class FakeClock:
    def __init__(self) -> None:
        self.t = 10_000.0

    def __call__(self) -> float:
        return self.t


WEEKLY = exam.Blueprint(
    "周测",
    60,
    60,
    (exam.Slot(T.SINGLE, 3, 10), exam.Slot(T.MULTI, 1, 20), exam.Slot(T.SHORT, 1, 50)),
)


def exam_page(window, blueprint: exam.Blueprint | None = None):
    if blueprint is not None:
        exam.save_blueprint(window.ctx.library.engine, blueprint)
    page = window.show_page("exam")
    page.refresh()
    return page


def pick(qtbot, page, name: str) -> None:
    """Click the blueprint in the list, then wait until the bank was checked for it."""
    for row in range(page.bp_model.rowCount()):
        if page.bp_model.item(row).data(Qt.ItemDataRole.UserRole + 1) == name:
            index = page.bp_model.index(row, 0)
            page.bp_list.scrollTo(index)
            rect = page.bp_list.visualRect(index)
            qtbot.mouseClick(page.bp_list.viewport(), LEFT, pos=rect.center())
            break
    assert page.selected_blueprint().name == name
    qtbot.waitUntil(lambda: bool(page._available), timeout=10_000)


def start(qtbot, page, clock: FakeClock):
    page.now = clock
    with qtbot.waitSignal(page.exam_started, timeout=20_000):
        qtbot.mouseClick(page.start_button, LEFT)
    return page.exam_view


def state_of(window, session_id: int) -> dict:
    with Session(window.ctx.library.engine) as s:
        return dict(s.get(StudySession, session_id).state)


def test_sit_mark_and_read_the_report(qtbot, open_window):
    window = open_window()
    page = exam_page(window, WEEKLY)
    pick(qtbot, page, "周测")
    assert page.start_button.isEnabled()
    clock = FakeClock()
    view = start(qtbot, page, clock)
    run = view.run
    items = run.items
    assert [i.qtype for i in items] == [T.SINGLE] * 3 + [T.MULTI, T.SHORT]

    # 1: the right option, clicked
    q1 = view.question(0)
    qtbot.mouseClick(q1.options["ABCD".index(items[0].answer)], LEFT)
    # 2: a wrong one, by key, after → ; then M marks it for review
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert run.current == 1
    wrong = next(c for c in "ABCD" if c != items[1].answer)
    qtbot.keyClick(view, LETTER_KEYS[wrong])
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert view.question(1).flag.isVisible()
    # 4 (多选) through the 答题卡, every right option clicked; 3 stays empty
    qtbot.mouseClick(view.sheet, LEFT, pos=view.sheet.cell_rect(3).center().toPoint())
    assert run.current == 3
    for letter in items[3].answer:
        qtbot.mouseClick(view.question(3).options["ABCDE".index(letter)], LEFT)
    # 5 (简答) through the 答题卡: the writing box takes the keys
    qtbot.mouseClick(view.sheet, LEFT, pos=view.sheet.cell_rect(4).center().toPoint())
    editor = view.question(4).editor
    assert editor.hasFocus()
    qtbot.keyClicks(editor, "zhudao zhiyue")
    assert run.response(4) == "zhudao zhiyue"

    # by section: all questions of 一、单项选择题 at once, → goes to the next section
    qtbot.mouseClick(view.by_section, LEFT)
    qtbot.mouseClick(view.sheet, LEFT, pos=view.sheet.cell_rect(0).center().toPoint())
    assert [q.item.index for q in view._questions] == [0, 1, 2]
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert [q.item.index for q in view._questions] == [3]

    # everything is in the database already
    assert page.writer.flush()
    saved = state_of(window, run.session_id)
    assert saved["answers"] == {
        "0": items[0].answer,
        "1": wrong,
        "3": items[3].answer,
        "4": "zhudao zhiyue",
    }
    assert saved["marked"] == [1] and saved["mode"] == "section"

    # 交卷: the confirmation lists what is empty and what is marked; first we go back
    qtbot.mouseClick(view.submit_button, LEFT)
    qtbot.waitUntil(lambda: view.confirm_box is not None and view.confirm_box.isVisible())
    text = view.confirm_box.informativeText()
    assert "还有 1 道题没有作答：第 3 题。" in text
    assert "有 1 道题标记了待检查：第 2 题。" in text
    view.keep_button.click()
    assert page.exam_view is view and run.phase == "answering"
    qtbot.mouseClick(view.submit_button, LEFT)
    qtbot.waitUntil(lambda: view.confirm_box is not None and view.confirm_box.isVisible())
    with qtbot.waitSignal(page.exam_submitted, timeout=20_000):
        view.hand_in_button.click()

    # self-marking: every 要点 of the 简答 met
    marking = page.marking_view
    assert page.stack.currentWidget() is marking
    assert [i.index for i in marking.items] == [4]
    assert not marking.finish_button.isEnabled()
    for row in marking.point_rows:
        qtbot.mouseClick(row.buttons[1.0], LEFT)
    assert marking.finish_button.isEnabled()
    qtbot.mouseClick(marking.finish_button, LEFT)

    report = page.report_view
    assert page.stack.currentWidget() is report
    assert report.score.text() == "80"  # 10 + 0 + 0 + 20 + 50
    assert report.verdict.text() == "及格"
    body = report.plain_text()
    assert "各题型得分" in body and "各章得分" in body and "各大题得分与用时" in body
    assert body.count("✓") == 3 and body.count("✗") == 2
    assert "正确答案" in body and "答案要点" in body and "解析" in body
    report.filter.setCurrentIndex(1)  # 只看做错的
    assert report.plain_text().count("✗") == 2 and "✓" not in report.plain_text()

    with Session(window.ctx.library.engine) as s:
        session = s.get(StudySession, run.session_id)
        assert session.score == 80 and session.submitted_at is not None
        book = set(s.execute(select(WrongBookEntry.question_id)).scalars())
    assert book == {items[1].qid, items[2].qid}

    # the history and its trend
    qtbot.mouseClick(report.back_button, LEFT)
    assert page.stack.currentWidget() is page.home
    assert page.history_model.rowCount() == 1
    assert page.history_model.data(page.history_model.index(0, 2)) == "80"
    assert [p.percent for p in page.trend.points] == [80]


def test_warnings_then_time_up_submits_by_itself(qtbot, open_window):
    window = open_window()
    page = exam_page(window)
    pick(qtbot, page, "章节测验")
    assert page.scope.currentText().startswith("第1章")  # a 章节测验 asks for a chapter
    clock = FakeClock()
    view = start(qtbot, page, clock)
    assert view.clock.text() == "20:00"
    qtbot.keyClick(view, Qt.Key.Key_A)
    clock.t += 5 * 60
    view.tick()
    assert view.banner.isVisible() and "15 分钟" in view.banner_text.text()
    assert view.clock.property("level") == "warn"
    qtbot.mouseClick(view.banner.findChildren(type(view.submit_button))[0], LEFT)
    assert not view.banner.isVisible()
    clock.t += 10 * 60
    view.tick()
    assert "5 分钟" in view.banner_text.text() and view.clock.property("level") == "bad"
    clock.t += 5 * 60
    with qtbot.waitSignal(page.exam_submitted, timeout=20_000):
        view.tick()
    report = page.report_view
    assert page.stack.currentWidget() is report
    assert "考试时间到，试卷已自动提交。" in report.summary.text()
    assert report.report.used_seconds == 20 * 60


def test_an_exam_resumes_after_the_app_was_closed(qtbot, open_window):
    window = open_window()
    page = exam_page(window)
    pick(qtbot, page, "章节测验")
    clock = FakeClock()
    view = start(qtbot, page, clock)
    qtbot.keyClick(view, Qt.Key.Key_B)
    clock.t += 300
    view.tick()
    session_id = view.run.session_id
    window.close()  # the main window asks every page to save its state

    again = open_window()
    card = again.page("home").exam_resume
    qtbot.waitUntil(card.isVisible)
    assert "已答 1/15 题，剩余时间 15:00" in card.text.text()
    qtbot.mouseClick(card.button, LEFT)
    assert again.current_page_key() == "exam"
    resumed = again.page("exam").exam_view
    assert resumed.run.session_id == session_id
    assert resumed.run.answers == {0: "B"}
    assert resumed.run.remaining() == pytest.approx(15 * 60, abs=2)
    assert resumed.sheet.state_text(0).endswith("已答")


def test_an_exam_saved_at_zero_hands_itself_in_when_resumed(qtbot, open_window):
    """The app closed between time-up and 交卷: resuming must not leave a 0:00 exam open."""
    window = open_window()
    page = exam_page(window)
    pick(qtbot, page, "章节测验")
    clock = FakeClock()
    view = start(qtbot, page, clock)
    qtbot.keyClick(view, Qt.Key.Key_A)
    clock.t += 20 * 60
    view.run._account()
    view.run.clock.pause()  # time ran out, the state was saved, then the app was gone
    view.save()
    view.writer.flush()
    session_id = view.run.session_id
    view.stop()
    window.close()

    again = open_window()
    card = again.page("home").exam_resume
    qtbot.waitUntil(card.isVisible)
    assert "剩余时间 0:00" in card.text.text()
    exam_again = again.page("exam")
    with qtbot.waitSignal(exam_again.exam_submitted, timeout=20_000) as submitted:
        qtbot.mouseClick(card.button, LEFT)
    assert submitted.args == [session_id]
    assert exam_again.stack.currentWidget() is exam_again.report_view
    assert "考试时间到，试卷已自动提交。" in exam_again.report_view.summary.text()


def test_a_short_bank_is_explained_before_the_start(qtbot, open_window):
    window = open_window()
    big = exam.Blueprint("论述大赛", 60, 60, (exam.Slot(T.ESSAY, 400, 1),))
    page = exam_page(window, big)
    pick(qtbot, page, "论述大赛")
    assert "论述题需要 400 道，题库只有" in page.status.text()
    assert not page.start_button.isEnabled() and not page.print_button.isEnabled()
    assert page.import_button.isVisible()


def test_blueprints_copy_delete_and_the_editor_live_total(qtbot, open_window, monkeypatch):
    from csapp.ui.dialogs.blueprint import BlueprintDialog

    window = open_window()
    page = exam_page(window)
    pick(qtbot, page, "章节测验")
    qtbot.mouseClick(page.copy_button, LEFT)
    assert page.selected_blueprint().name == "章节测验 副本"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.delete_button, LEFT)
    assert "章节测验 副本" not in [b.name for b in page._blueprints]

    dialog = BlueprintDialog(window.ctx.library.engine, None, {}, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.total.text() == "总分 20 分 · 20 道题"
    multi = next(r for r in dialog.rows if r.qtype == T.MULTI)
    multi.include.click()
    multi.count.setValue(5)
    assert dialog.total.text() == "总分 30 分 · 25 道题"
    case_row = next(r for r in dialog.rows if r.qtype == T.CASE)
    case_row.include.click()
    assert dialog.total.text() == "总分 45 分 · 25 道题、1 个案例"
    dialog.use_mix.click()
    dialog.mix["难"].setValue(10)
    assert "应为 100%" in dialog.mix_sum.text()
    dialog.name.setText("我的模拟卷")
    dialog.pass_mark.setValue(27)
    dialog.save_button.click()
    assert dialog.error.isVisible() and "现在是 90%" in dialog.error.text()
    dialog.mix["难"].setValue(20)
    dialog.save_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = exam.get_blueprint(window.ctx.library.engine, "我的模拟卷")
    assert saved.total == 45 and saved.difficulty_mix["难"] == 20


def test_print_a_paper_and_its_key(qtbot, open_window, monkeypatch, tmp_path):
    window = open_window()
    page = exam_page(window)
    pick(qtbot, page, "自考10421 仿真")
    target = tmp_path / "第一次模拟.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF 文件 (*.pdf)")
    )
    with qtbot.waitSignal(page.paper_printed, timeout=60_000):
        qtbot.mouseClick(page.print_button, LEFT)
    key = tmp_path / "第一次模拟-参考答案.pdf"
    assert target.read_bytes().startswith(b"%PDF") and key.read_bytes().startswith(b"%PDF")
    assert "试卷已保存" in page.status.text() and key.name in page.status.text()
