"""What every page may depend on: the data folder, settings, and the library once open.

The library opens on a worker thread after the window is painted; pages listen to
``library_ready`` and ``library_changed`` instead of asking the main window.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

if TYPE_CHECKING:
    from csapp.core.library import Library

log = logging.getLogger(__name__)


class AppContext(QObject):
    summary_ready = Signal(object)  # LibrarySummary, before the full library is open
    library_ready = Signal()
    library_changed = Signal()  # banks, answers or progress changed: refresh what you show
    library_failed = Signal(str)

    def __init__(self, data_dir: Path, log_file: Path) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.log_file = log_file
        # Window geometry and view state only (DESIGN rule 7); kept in the data folder so a
        # portable install carries it along.
        self.settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.library: Library | None = None
        self._interactive = True

    def start(self, interactive: bool = True) -> None:
        """Show the figures first (plain SQLite), then open the full library behind them."""
        from csapp import paths
        from csapp.core.db import SCHEMA_VERSION
        from csapp.core.summary import quick_summary
        from csapp.ui.tasks import run_task

        def shown(summary: object) -> None:
            if summary is not None and self.library is None:
                self.summary_ready.emit(summary)
            self.open_library(interactive)

        run_task(
            lambda: quick_summary(paths.db_path(self.data_dir), SCHEMA_VERSION),
            on_done=shown,
            on_error=lambda _exc: self.open_library(interactive),
            name="quick-summary",
        )

    def open_library(self, interactive: bool = True) -> None:
        from csapp.ui.tasks import run_task

        self._interactive = interactive
        from csapp.core.library import open_library

        run_task(
            lambda: open_library(self.data_dir),
            on_done=self._opened,
            on_error=self._open_failed,
            name="open-library",
        )

    def _opened(self, library: Library) -> None:
        self.library = library
        log.info("library open in %s", self.data_dir)
        self.library_ready.emit()

    def _open_failed(self, exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from csapp.core import db
        from csapp.core.errors import user_message

        if isinstance(exc, db.CorruptDatabase) and self._interactive:
            self._offer_recovery(str(exc))
            return
        message = user_message(exc) or f"无法打开资料库。详细信息已记录在日志：{self.log_file}"
        self.library_failed.emit(message)
        if self._interactive:
            QMessageBox.critical(None, "无法打开资料库", message)

    def _offer_recovery(self, reason: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        from csapp import paths
        from csapp.core import db
        from csapp.core.library import recover

        backups = db.list_backups(paths.backups_dir(self.data_dir))
        box = QMessageBox(QMessageBox.Icon.Warning, "数据文件已损坏", reason)
        restore = None
        if backups:
            box.setInformativeText(
                f"损坏的文件会被移到一旁保存，不会删除。可以用最近的备份（{backups[0].stem[-10:]}）"
                "恢复，或者重新开始。"
            )
            restore = box.addButton("用最近的备份恢复", QMessageBox.ButtonRole.AcceptRole)
        else:
            box.setInformativeText(
                "损坏的文件会被移到一旁保存，不会删除。没有可用的备份，只能重新开始。"
            )
        fresh = box.addButton("重新开始", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore or fresh)
        box.exec()
        moved = recover(self.data_dir, use_backup=box.clickedButton() is restore)
        log.warning("recovered from a damaged database; the old file is %s", moved)
        self.open_library(self._interactive)

    def notify_changed(self) -> None:
        self.library_changed.emit()

    def close(self) -> None:
        if self.library is not None:
            self.library.close()
            self.library = None
