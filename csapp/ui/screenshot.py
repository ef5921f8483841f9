"""``--screenshot PATH``: render a page once the library is ready and the window is idle."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from csapp.ui.context import AppContext
from csapp.ui.main_window import MainWindow
from csapp.ui.pages import PAGE_KEYS

log = logging.getLogger(__name__)
TIMEOUT_MS = 120_000


class ScreenshotJob:
    def __init__(self, window: MainWindow, ctx: AppContext, path: str, page: str | None) -> None:
        self.window = window
        self.ctx = ctx
        self.path = path
        self.page = page or "home"
        self.status = 1

    def start(self) -> None:
        if self.page not in PAGE_KEYS:
            print(f"没有名为“{self.page}”的页面。可用：{'、'.join(PAGE_KEYS)}", file=sys.stderr)
            self.status = 2
            QTimer.singleShot(0, QApplication.quit)
            return
        self.ctx.library_ready.connect(self._ready)
        self.ctx.library_failed.connect(self._failed)
        QTimer.singleShot(TIMEOUT_MS, self._timeout)

    def _ready(self) -> None:
        self.window.show_page(self.page)
        # Two idle turns: one for the page's refresh, one for layout and paint.
        QTimer.singleShot(0, lambda: QTimer.singleShot(50, self._grab))

    def _grab(self) -> None:
        if self.window.grab().save(self.path, "PNG"):
            self.status = 0
        else:
            print(f"无法保存截图到“{self.path}”。", file=sys.stderr)
            self.status = 1
        QApplication.quit()

    def _failed(self, message: str) -> None:
        print(message, file=sys.stderr)
        self.status = 1
        QApplication.quit()

    def _timeout(self) -> None:
        print("截图超时：资料库没有在规定时间内打开。", file=sys.stderr)
        self.status = 1
        QApplication.quit()
