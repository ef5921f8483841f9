"""The switchboard as a learner uses it: navigation, real figures, zoom, geometry, errors."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from csapp.ui.pages import PAGES


def _add_bank(library, questions: int = 3) -> None:
    from csapp.core.models import Bank, Question

    with library.session() as s, s.begin():
        bank = Bank(name="我的题库")
        s.add(bank)
        s.flush()
        for i in range(questions):
            s.add(
                Question(
                    bank_id=bank.id,
                    qtype="单选题",
                    stem=f"第{i}题",
                    options=["甲", "乙"],
                    answer="A",
                    chapter="第1章 客户服务概述",
                    chapter_no=1,
                    fingerprint=f"fp{i}",
                )
            )


def test_clicking_every_navigation_entry_shows_its_page(qtbot, open_window):
    window = open_window()
    for row, spec in enumerate(PAGES):
        index = window.nav.model().index(row, 0)
        rect = window.nav.visualRect(index)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_page_key() == spec.key
        assert window.stack.currentWidget().isVisible()


@pytest.mark.parametrize("size", [(1000, 640), (1280, 800), (1366, 768)])
def test_no_page_is_wider_than_the_window(qtbot, open_window, size):
    """From the minimum size (1000×640) up, every page fits across: no sideways scrolling."""
    from PySide6.QtWidgets import QScrollArea

    from csapp.ui.main_window import MIN_SIZE

    assert (MIN_SIZE.width(), MIN_SIZE.height()) == (1000, 640)
    window = open_window(size)
    for spec in PAGES:
        page = window.show_page(spec.key)
        qtbot.wait(10)  # let the layouts settle (CardColumns reflows on resize)
        assert page.minimumSizeHint().width() <= window.stack.width(), spec.key
        for area in page.findChildren(QScrollArea):
            if area.isVisible():
                assert not area.horizontalScrollBar().isVisible(), spec.key


def test_keyboard_shortcuts_switch_pages(qtbot, open_window):
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "banks"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "home"


def test_home_page_shows_what_the_library_really_holds(qtbot, open_window, data_dir):
    from csapp.core.library import open_library

    lib = open_library(data_dir)  # with the built-in course bank
    _add_bank(lib, questions=3)
    builtin = lib.summary().banks[0]
    lib.close()
    assert builtin.builtin and builtin.questions > 300
    window = open_window()
    home = window.page("home")
    texts = [w.text() for w in home.findChildren(QLabel)]
    assert str(builtin.questions + 3) in texts
    assert any("2 个题库" in t for t in texts)
    assert any(t == "0/10" for t in texts)


def test_home_counts_questions_done_and_names_the_weakest_point(qtbot, open_window):
    """已答题 counts questions, not attempts; the weakest knowledge point is one click away."""
    from sqlalchemy import select

    from csapp.core.models import AnswerRecord, Question
    from csapp.core.practice import Mode

    window = open_window()
    home = window.page("home")
    library = window.ctx.library
    with library.session() as s:
        first, second = (
            s.execute(
                select(Question.id, Question.knowledge_point)
                .where(Question.chapter_no == no, Question.case_id.is_(None))
                .order_by(Question.position)
                .limit(1)
            ).one()
            for no in (3, 5)
        )
    with library.session() as s, s.begin():
        for ok in (False, False, True, None):  # the last one not marked yet
            s.add(AnswerRecord(question_id=first.id, response="A", correct=ok))
        s.add(AnswerRecord(question_id=second.id, response="A", correct=True))
    with qtbot.waitSignal(home.weak_found, timeout=10_000):
        window.ctx.notify_changed()

    value, detail = home._figures["answered"]
    assert value.text() == "2"
    assert detail.text() == "道，作答 5 次，正确率 50%"  # 2 right of the 4 marked
    assert home.weak_row.isVisible()
    point = first.knowledge_point
    assert home.weak_text.text() == f"最该补的知识点：{point}（作答 3 次，答对 1 次）"
    qtbot.mouseClick(home.weak_button, Qt.MouseButton.LeftButton)
    session = window.page("practice").session
    assert window.current_page_key() == "practice"
    assert session.mode == Mode.SECTION and session.spec.section == first.knowledge_point


def test_home_page_updates_when_the_library_changes(qtbot, open_window):
    window = open_window()
    home = window.page("home")
    value = home._figures["questions"][0]
    before = int(value.text())
    _add_bank(window.ctx.library, questions=2)
    window.ctx.notify_changed()
    assert int(value.text()) == before + 2


def test_home_next_step_opens_the_first_unread_chapter(qtbot, open_window):
    window = open_window()
    home = window.page("home")
    assert "第1章" in home.read_button.text()
    qtbot.mouseClick(home.read_button, Qt.MouseButton.LeftButton)
    assert window.current_page_key() == "study"


def test_zoom_changes_the_body_text_size_and_is_remembered(qtbot, open_window):
    from csapp.ui import theme

    window = open_window()
    before = QApplication.font().pixelSize()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pixelSize() == before + 1
    assert theme.font_px(window.ctx.settings) == before + 1
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pixelSize() == theme.BASE_PX


def test_window_geometry_is_remembered(qtbot, open_window):
    # The offscreen screen is small, so stay within it: Qt clamps restored geometry to the screen.
    window = open_window(size=(1000, 660))
    window.close()
    again = open_window()
    again.restore_geometry(default_size=(1366, 768))
    assert (again.width(), again.height()) == (1000, 660)


def test_unhandled_exception_shows_a_sentence_with_the_log_path(qtbot, data_dir, monkeypatch):
    from csapp.logs import setup_logging
    from csapp.ui.errors import install_exception_hook

    log_file = setup_logging(data_dir)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_exception_hook(log_file, interactive=True)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    assert len(shown) == 1
    assert str(log_file) in shown[0]
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "ZeroDivisionError" in log_file.read_text(encoding="utf-8")


def test_dark_theme_applies_dark_palette(qtbot, data_dir):
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QPalette

    from csapp.ui import theme

    settings = QSettings(str(data_dir / "w.ini"), QSettings.Format.IniFormat)
    theme.apply(QApplication.instance(), settings, override="dark")
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 60
    theme.apply(QApplication.instance(), settings, override="light")
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_auto_theme_follows_a_dark_platform_palette_at_start(qtbot):
    """Before our palette is set, the platform's palette decides light or dark."""
    from PySide6.QtGui import QColor, QPalette

    from csapp.ui import theme

    app = QApplication.instance()
    saved_palette, styled = app.palette(), app.property("csapp_styled")
    try:
        app.setProperty("csapp_styled", None)
        dark = QPalette(saved_palette)
        dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
        app.setPalette(dark)
        assert theme._wants_dark(app, "auto")
        light = QPalette(saved_palette)
        light.setColor(QPalette.ColorRole.Window, QColor("#f0f0f0"))
        app.setPalette(light)
        assert not theme._wants_dark(app, "auto")
        assert theme._wants_dark(app, "dark") and not theme._wants_dark(app, "light")
    finally:
        app.setProperty("csapp_styled", styled)
        app.setPalette(saved_palette)


def test_qt_dialog_buttons_speak_chinese(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    from csapp.app import _install_qt_translations

    _install_qt_translations(QApplication.instance())
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert [b.text() for b in box.buttons()] == ["取消"]


def test_a_weak_point_lookup_queued_at_closing_time_does_nothing(qtbot, open_window):
    """The library closes (the app quits) while the home page's lookup runs, with another
    asked for: the queued one must not reach for the closed library."""
    window = open_window()
    home = window.page("home")
    job = home.weak_job
    qtbot.waitUntil(lambda: not job.busy)
    job.request()
    job.request()  # queued behind the first
    assert job.pending
    window.ctx.close()
    qtbot.waitUntil(lambda: not job.busy and not job.pending, timeout=10_000)
    qtbot.wait(50)  # any late callback would raise inside the event loop and fail the test
