"""A damaged database at start-up: the learner is asked, and nothing is deleted."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from csapp import paths
from csapp.core import db
from csapp.core.library import open_library


def _answer_dialog(button_text: str, seen: list[str]) -> None:
    """Click a button of the message box once it is up, as the learner would."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, click)
            return
        seen.append(box.text() + box.informativeText())
        (button,) = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(50, click)


def _damaged_library_with_backup(data_dir) -> None:
    lib = open_library(data_dir, builtin=False)  # today's backup: an empty, healthy library
    lib.close()
    paths.db_path(data_dir).write_bytes(b"\x00garbage" * 500)


def _start(qtbot, data_dir):
    from csapp.ui.context import AppContext

    ctx = AppContext(data_dir, data_dir / "logs" / "csapp.log")
    with qtbot.waitSignal(ctx.library_ready, timeout=30_000):
        ctx.open_library(interactive=True)
    return ctx


def test_damaged_database_is_restored_from_the_latest_backup(qtbot, data_dir):
    _damaged_library_with_backup(data_dir)
    seen: list[str] = []
    _answer_dialog("用最近的备份恢复", seen)
    ctx = _start(qtbot, data_dir)
    try:
        assert "损坏" in seen[0] and "不会删除" in seen[0]
        moved = list(data_dir.glob("csapp.db.corrupt-*"))
        assert moved and moved[0].read_bytes().startswith(b"\x00garbage")
        db.check_health(paths.db_path(data_dir))
        assert ctx.library.summary().banks  # the built-in bank is back in the restored file
    finally:
        ctx.close()


def test_damaged_database_can_start_fresh(qtbot, data_dir):
    paths.db_path(data_dir).write_bytes(b"\x00garbage" * 500)  # and no backup at all
    seen: list[str] = []
    _answer_dialog("重新开始", seen)
    ctx = _start(qtbot, data_dir)
    try:
        assert "没有可用的备份" in seen[0]
        assert list(data_dir.glob("csapp.db.corrupt-*"))
        assert ctx.library is not None
    finally:
        ctx.close()
