"""The 案例分析 page as a learner uses it: open, write, autosave, submit, self-mark, versions,
highlights, export. Everything is checked in the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from csapp.core import cases, richtext

FULL_1 = (
    "小王的送米服务体现了客户服务的几个特点。第一是层次性。客户服务要先考虑客户的利益，"
    "小王替顾客清理米缸，把陈米铺在新米上面，先保障了顾客的利益。第二是及时性。小王根据本子上"
    "的记录算出每家米快吃完的日子，提前把米送到门口，顾客不会断顿。"
)


def ime(widget, text: str) -> None:
    """Type Chinese the way it really arrives: committed by the input method."""
    for ch in text:
        event = QInputMethodEvent("", [])
        event.setCommitString(ch)
        QApplication.sendEvent(widget, event)


def draft_text(data_dir: Path, question_id: int) -> str | None:
    con = sqlite3.connect(data_dir / "csapp.db")
    try:
        row = con.execute(
            "SELECT content FROM casedraft WHERE question_id = ?", (question_id,)
        ).fetchone()
    finally:
        con.close()
    return None if row is None else richtext.plain_text(row[0])


@pytest.fixture
def page(open_window):
    window = open_window()
    page = window.show_page("cases")
    page.window_ = window
    return page


def start_first_case(qtbot, page):
    page.table.selectRow(0)
    assert page.primary_button.text() == "开始作答"
    qtbot.mouseClick(page.primary_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.editor
    return page.editor


def test_the_library_lists_the_built_in_cases_with_filters(qtbot, page):
    assert page.model.rowCount() == 15
    assert {page.model.index(r, 3).data() for r in range(15)} == {"未开始"}
    assert "共 15 个案例" in page.counts.text()
    ten = page.chapter_filter.findData(10)
    page.chapter_filter.setCurrentIndex(ten)
    assert page.model.rowCount() == 3
    assert all(page.model.row_object(r).chapter_no == 10 for r in range(3))
    page.status_filter.setCurrentIndex(page.status_filter.findData(cases.DRAFT))
    assert page.model.rowCount() == 0
    assert page.detail_title.text() == "没有符合条件的案例"


def test_typing_is_autosaved_to_the_database(qtbot, page, data_dir):
    editor = start_first_case(qtbot, page)
    question = editor.editors[0].question
    edit = editor.answer_edit(0)
    edit.setFocus()
    ime(edit, FULL_1)
    qtbot.waitUntil(lambda: draft_text(data_dir, question.id) == FULL_1, timeout=10_000)
    qtbot.waitUntil(lambda: editor.save_label.text().startswith("已自动保存"), timeout=5_000)
    assert editor.editors[0].count.text() == f"已写 {len(FULL_1)} 字 / 建议 300 字"
    assert f"{len(FULL_1)}字" in editor.tabs.tabText(0)

    qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.library_view
    assert page.model.index(0, 3).data() == "草稿"
    assert page.primary_button.text() == "继续作答"
    # Opening it again shows what was written.
    qtbot.mouseClick(page.primary_button, Qt.MouseButton.LeftButton)
    assert page.editor.editors[0].plain() == FULL_1


def test_bold_lists_undo_and_redo(qtbot, page, data_dir):
    editor = start_first_case(qtbot, page)
    answer = editor.editors[0]
    edit = answer.edit
    edit.setFocus()
    ime(edit, "层次性")
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert answer.bold_button.isChecked()
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.mouseClick(answer.bullet_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(edit, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # bold off
    ime(edit, "清理米缸")
    assert answer.bullet_button.isChecked()
    editor.flush(wait=True)
    qtbot.waitUntil(lambda: draft_text(data_dir, answer.question.id) is not None)
    con = sqlite3.connect(data_dir / "csapp.db")
    stored = con.execute(
        "SELECT content FROM casedraft WHERE question_id = ?", (answer.question.id,)
    ).fetchone()[0]
    con.close()
    blocks = richtext.blocks(stored)
    assert [(b.kind, b.text) for b in blocks] == [("p", "层次性"), ("ul", "清理米缸")]
    assert blocks[0].runs[0].bold and not blocks[1].runs[0].bold

    qtbot.mouseClick(answer.undo_button, Qt.MouseButton.LeftButton)
    assert "清理米缸" not in answer.plain()
    qtbot.keyClick(edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert "清理米缸" in answer.plain()


def test_submit_compare_and_self_mark(qtbot, page, data_dir, monkeypatch):
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes,
    )
    editor = start_first_case(qtbot, page)
    edit = editor.answer_edit(0)
    edit.setFocus()
    ime(edit, FULL_1)
    qtbot.mouseClick(editor.submit_button, Qt.MouseButton.LeftButton)
    assert "第2问、第3问还没有作答" in asked[0]
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.review, timeout=60_000)

    review = page.review.reviews[0]
    verdicts = [card.verdict.text() for card in review.cards]
    assert verdicts[0].endswith("答到了") and verdicts[1].endswith("答到了")
    assert verdicts[2].endswith("没有找到") and verdicts[3].endswith("没有找到")
    assert "漏掉了：要点3（多样性）、要点4（变革性）" in review.summary.text()
    assert page.review.score.text() == "4 / 15"
    # The covering phrases are coloured in the answer.
    coloured = {sel.cursor.selectedText() for sel in review.answer.extraSelections()}
    assert coloured == {"层次性", "客户的利益", "及时性"}
    # Choosing a point shows only its phrases, and underlines the sentence that covers it.
    qtbot.mouseClick(review.cards[1], Qt.MouseButton.LeftButton)
    selected = [sel.cursor.selectedText() for sel in review.answer.extraSelections()]
    assert "及时性" in selected and any("断顿" in t for t in selected)
    assert "层次性" not in selected

    # The learner thinks point 1 was only half there and gives point 3 a mark.
    review.cards[0].buttons[1.0].click()
    review = page.review.reviews[0]
    qtbot.mouseClick(review.cards[2].buttons[0.5], Qt.MouseButton.LeftButton)
    assert page.review.score.text() == "3.5 / 15"
    con = sqlite3.connect(data_dir / "csapp.db")
    marks, total = con.execute(
        "SELECT self_marks, total FROM caseattempt WHERE question_id = ?",
        (editor.editors[0].question.id,),
    ).fetchone()
    score = con.execute("SELECT score FROM studysession WHERE kind = 'case'").fetchone()[0]
    con.close()
    assert (marks, total, score) == ("[1.0, 2.0, 0.5, 0.0]", 3.5, 3.5)

    page.show_library()
    assert page.model.index(0, 3).data() == "已提交"
    assert page.model.index(0, 4).data() == "3.5 / 15"
    assert page.history_model.rowCount() == 1
    assert page.primary_button.text() == "查看结果"


def test_highlights_and_notes_on_the_material(qtbot, page, monkeypatch):
    editor = start_first_case(qtbot, page)
    material = editor.material
    assert not material.highlight_button.isEnabled()
    material.select_range(0, 9)
    assert material.highlight_button.isEnabled()
    qtbot.mouseClick(material.highlight_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("小王的做法的起点", True))
    material.select_range(20, 30)
    qtbot.mouseClick(material.note_button, Qt.MouseButton.LeftButton)
    marks = cases.highlights(page.ctx.library.engine, editor.case.id)
    assert [(m.start, m.end, m.note) for m in marks] == [(0, 9, ""), (20, 30, "小王的做法的起点")]
    assert material.notes_model.rowCount() == 2
    assert len(material.view.extraSelections()) == 2
    material.select_range(0, 3)
    qtbot.mouseClick(material.clear_button, Qt.MouseButton.LeftButton)
    assert len(cases.highlights(page.ctx.library.engine, editor.case.id)) == 1


def test_timed_mode_counts_down_and_says_when_time_is_up(qtbot, page):
    editor = start_first_case(qtbot, page)
    assert editor.timer_button.text() == "限时作答"
    editor.timer_menu.actions()[2].trigger()  # 限时 20 分钟
    assert editor.minutes == 20
    assert editor.timer_button.text() in ("剩余 20:00", "剩余 19:59")
    editor._deadline_ms = editor._clock.elapsed()  # the fake clock: twenty minutes later
    editor._update_timer()
    assert editor.time_up and editor.banner.isVisible()
    assert editor.timer_button.text() == "时间到"
    editor.stop_timer()
    assert not editor.banner.isVisible() and editor.timer_button.text() == "限时作答"


def test_versions_side_by_side_and_restore(qtbot, page, monkeypatch):
    from csapp.ui.dialogs import case_versions

    engine = page.ctx.library.engine
    case_id = cases.case_library(engine)[0].id
    qid = cases.load_case(engine, case_id).questions[0].id
    s1 = cases.start_session(engine, case_id)
    cases.save_draft(engine, qid, richtext.from_plain_text("小王体现了层次性。"), session_id=s1)
    s2 = cases.start_session(engine, case_id)
    cases.save_draft(engine, qid, richtext.from_plain_text("小王体现了及时性。"), session_id=s2)
    page.refresh()
    qtbot.mouseClick(page.primary_button, Qt.MouseButton.LeftButton)  # 继续作答
    editor = page.editor
    assert editor.editors[0].plain() == "小王体现了及时性。"

    shown = []
    monkeypatch.setattr(case_versions.VersionsDialog, "exec", lambda self: shown.append(self))
    qtbot.mouseClick(editor.versions_button, Qt.MouseButton.LeftButton)
    dialog = shown[0]
    assert dialog.left_combo.count() == 2
    assert dialog.summary.text() == "删去 2 字 · 新增 2 字"  # 层次 → 及时
    assert len(dialog.left_view.extraSelections()) == 1
    assert len(dialog.right_view.extraSelections()) == 1
    # Put the older version on the right and restore it into the editor.
    dialog.right_combo.setCurrentIndex(1)
    assert dialog.summary.text() == "两个版本相同"
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert editor.editors[0].plain() == "小王体现了层次性。"
    editor.editors[0].edit.undo()  # one Ctrl+Z away
    assert editor.editors[0].plain() == "小王体现了及时性。"


def test_export_to_docx_and_pdf(qtbot, page, tmp_path, monkeypatch):
    from docx import Document

    from csapp.ui.dialogs import case_export

    editor = start_first_case(qtbot, page)
    edit = editor.answer_edit(0)
    edit.setFocus()
    ime(edit, FULL_1)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    for pdf, name in ((False, "答案.docx"), (True, "答案.pdf")):
        choice = case_export.ExportChoice(pdf=pdf, include_case=True, include_points=True)
        monkeypatch.setattr(case_export.ExportDialog, "ask", lambda *a, c=choice, **k: (c, True))
        target = str(tmp_path / name)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (t, ""))
        qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
        # Written on a worker: wait for the export to finish, not for the file to appear.
        qtbot.waitUntil(lambda t=target: page.last_export == t, timeout=30_000)
    body = "\n".join(p.text for p in Document(str(tmp_path / "答案.docx")).paragraphs)
    assert "米店学徒的记事本" in body and FULL_1 in body and "答案要点" in body
    assert (tmp_path / "答案.pdf").read_bytes()[:4] == b"%PDF"


def test_the_pdf_export_runs_on_a_worker_and_confirms(qtbot, page, tmp_path, monkeypatch):
    from csapp.ui.dialogs import case_export

    editor = start_first_case(qtbot, page)
    edit = editor.answer_edit(0)
    edit.setFocus()
    ime(edit, FULL_1)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text: told.append(text))
    choice = case_export.ExportChoice(pdf=True, include_case=True, include_points=False)
    monkeypatch.setattr(case_export.ExportDialog, "ask", lambda *a, **k: (choice, True))
    target = tmp_path / "交给老师"  # no suffix typed: .pdf is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    assert not editor.export_button.isEnabled() and not page.review.export_button.isEnabled()
    assert told == []  # the click returned before the file was written
    pdf = tmp_path / "交给老师.pdf"
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert told == [f"已保存到：{pdf}"] and page.last_export == str(pdf)
    assert editor.export_button.isEnabled() and page.review.export_button.isEnabled()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert not (tmp_path / "交给老师.pdf.tmp").exists()


@pytest.mark.parametrize("pdf", [True, False], ids=["pdf", "docx"])
def test_an_export_that_cannot_be_written_names_the_file(qtbot, page, tmp_path, monkeypatch, pdf):
    from csapp.ui.dialogs import case_export

    editor = start_first_case(qtbot, page)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: warned.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: pytest.fail("no file"))
    choice = case_export.ExportChoice(pdf=pdf, include_case=True, include_points=False)
    monkeypatch.setattr(case_export.ExportDialog, "ask", lambda *a, **k: (choice, True))
    target = tmp_path / "没有这个文件夹" / f"答案{choice.suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warned), timeout=30_000)
    assert warned == [f"无法写入“{target}”：路径不存在。"]
    assert editor.export_button.isEnabled()
    assert not target.parent.exists()


def test_closing_the_window_saves_what_was_just_typed(qtbot, page, data_dir):
    editor = start_first_case(qtbot, page)
    edit = editor.answer_edit(0)
    edit.setFocus()
    ime(edit, "刚写的一句话")
    page.window_.close()  # before the autosave timer fires
    assert draft_text(data_dir, editor.editors[0].question.id) == "刚写的一句话"


def test_a_library_refresh_never_changes_the_case_being_reviewed(qtbot, page, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.status_filter.setCurrentIndex(page.status_filter.findData(cases.NOT_STARTED))
    page.table.selectRow(1)
    qtbot.mouseClick(page.primary_button, Qt.MouseButton.LeftButton)
    case_id = page.editor.case.id
    edit = page.editor.answer_edit(0)
    edit.setFocus()
    ime(edit, "内部客户服务是把下一道工序当作客户。")
    qtbot.mouseClick(page.editor.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.review, timeout=60_000)
    # Submitting refreshed the library; the case is no longer 未开始, so it left the list.
    assert case_id not in [page.model.row_object(r).id for r in range(page.model.rowCount())]
    page.ctx.notify_changed()  # any page may say the library changed
    page.review.edit_requested.emit()  # 修改答案
    assert page.editor.case.id == case_id
    assert page.editor.editors[0].plain() == "内部客户服务是把下一道工序当作客户。"
