"""错题本 and 收藏 as a learner uses them: filter, note, practise a selection, export."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QFileDialog

from csapp.core import practice, settings, wrongbook
from csapp.core.practice import Mode, PracticeSpec

LEFT = Qt.MouseButton.LeftButton


def _miss(engine, spec: PracticeSpec, n: int) -> list[int]:
    """Answer the first ``n`` questions of ``spec`` wrong through the core."""
    session = practice.start(engine, spec)
    items = practice.load_items(engine, session.ids)
    missed = []
    for qid in session.ids[:n]:
        item = items[qid]
        wrong = "错误" if item.answer == "正确" else ("A" if item.answer != "A" else "B")
        practice.submit(engine, session, item, wrong, 3)
        missed.append(qid)
    practice.abandon(engine, session.id)
    return missed


@pytest.fixture
def book(open_window):
    window = open_window()
    engine = window.ctx.library.engine
    ch4 = _miss(engine, PracticeSpec(Mode.TYPE, types=("单选题",), chapters=(4,)), 3)
    ch5 = _miss(engine, PracticeSpec(Mode.TYPE, types=("判断题",), chapters=(5,)), 2)
    page = window.show_page("wrongbook")
    return window, page, ch4, ch5


def _ids(pane) -> list[int]:
    return [pane.model.row_object(r).question_id for r in range(pane.model.rowCount())]


def test_wrong_answers_are_listed_and_filtered(qtbot, book):
    _window, page, ch4, ch5 = book
    pane = page.wrong
    assert sorted(_ids(pane)) == sorted(ch4 + ch5)
    assert page.tabs.tabText(0) == "错题本（5）"
    pane.chapter.setCurrentIndex(pane.chapter.findData(5))
    assert sorted(_ids(pane)) == sorted(ch5)
    pane.qtype.setCurrentIndex(pane.qtype.findData("单选题"))
    assert _ids(pane) == []
    assert pane.stack.currentIndex() == 1  # an empty filter result is not the empty book
    pane.chapter.setCurrentIndex(0)
    assert sorted(_ids(pane)) == sorted(ch4)
    pane.qtype.setCurrentIndex(0)
    pane.count.setCurrentIndex(pane.count.findData(2))
    assert _ids(pane) == []


def test_the_note_is_saved_and_kept(qtbot, book):
    window, page, _ch4, _ch5 = book
    pane = page.wrong
    pane.table.selectRow(0)
    qid = _ids(pane)[0]
    assert pane.note.isEnabled()
    pane.note.setFocus()
    qtbot.keyClicks(pane.note, "remember: D")
    pane.table.selectRow(1)  # moving on saves it at once
    assert wrongbook.note(window.ctx.library.engine, qid) == "remember: D"
    assert pane.model.row_object(0).note == "remember: D"
    pane.table.selectRow(0)
    assert pane.note.toPlainText() == "remember: D"
    assert "正确答案" in pane.preview.toPlainText()


def test_practise_the_selection(qtbot, book):
    window, page, ch4, _ch5 = book
    pane = page.wrong
    pane.chapter.setCurrentIndex(pane.chapter.findData(4))
    model = pane.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    pane.table.clearSelection()
    model.select(pane.model.index(0, 0), flags)
    model.select(pane.model.index(2, 0), flags)
    chosen = pane.selected_ids()
    assert set(chosen) <= set(ch4)
    assert len(chosen) == 2 and pane.practise_selected.text() == "练习所选（2）"
    qtbot.mouseClick(pane.practise_selected, LEFT)
    assert window.current_page_key() == "practice"
    session = window.page("practice").session
    assert session.mode == Mode.WRONG and session.ids == chosen


def test_practise_all_then_right_answers_clear_the_book(qtbot, book):
    window, page, ch4, ch5 = book
    settings.put(window.ctx.library.engine, wrongbook.LEAVE_AFTER, 1)
    page.refresh()
    assert page.leave_after.value() == 1
    qtbot.mouseClick(page.wrong.practise_all, LEFT)
    practice_page = window.page("practice")
    assert sorted(practice_page.session.ids) == sorted(ch4 + ch5)
    from tests.ui.test_practice_page import answer

    for _ in ch4 + ch5:
        answer(qtbot, practice_page, right=True)
        qtbot.keyClick(practice_page.view, Qt.Key.Key_Return)
    window.show_page("wrongbook")
    assert _ids(page.wrong) == []
    assert page.wrong.stack.currentIndex() == 0  # the empty state, with its next step


def test_leave_after_setting_is_stored(qtbot, book):
    window, page, _ch4, _ch5 = book
    page.leave_after.setValue(4)
    assert settings.get(window.ctx.library.engine, wrongbook.LEAVE_AFTER) == 4


def test_favourites_tab_lists_and_removes(qtbot, book):
    window, page, ch4, _ch5 = book
    engine = window.ctx.library.engine
    wrongbook.set_favorite(engine, ch4[0], True)
    window.ctx.notify_changed()
    page.tabs.setCurrentIndex(1)
    pane = page.favorites
    assert _ids(pane) == [ch4[0]]
    assert page.tabs.tabText(1) == "收藏（1）"
    pane.table.selectRow(0)
    qtbot.mouseClick(pane.remove, LEFT)
    assert _ids(pane) == [] and wrongbook.favorite_ids(engine) == set()


def test_textbook_link_in_the_preview(qtbot, book):
    window, page, _ch4, _ch5 = book
    pane = page.wrong
    pane.chapter.setCurrentIndex(pane.chapter.findData(5))
    pane.table.selectRow(0)
    from PySide6.QtCore import QUrl

    item = practice.load_items(window.ctx.library.engine, [_ids(pane)[0]])[_ids(pane)[0]]
    pane.preview.anchorClicked.emit(QUrl(f"book:5/{item.section_anchor}"))
    assert window.current_page_key() == "study"
    assert window.page("study")._chapter.no == 5


def test_export_to_excel_and_pdf(qtbot, book, tmp_path, monkeypatch):
    _window, page, ch4, ch5 = book
    pane = page.wrong
    xlsx = tmp_path / "我的错题.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    qtbot.mouseClick(pane.export_xlsx, LEFT)
    qtbot.waitUntil(lambda: "已导出" in page.status.text(), timeout=20_000)
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(ch4 + ch5)
    assert rows[0][4] == "题目"

    pdf = tmp_path / "我的错题"  # no suffix typed: .pdf is added
    page.status.clear()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    qtbot.mouseClick(pane.export_pdf, LEFT)
    qtbot.waitUntil(lambda: "已导出" in page.status.text(), timeout=30_000)
    data = pdf.with_suffix(".pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
