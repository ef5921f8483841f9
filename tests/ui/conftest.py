from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def open_window(qtbot, data_dir: Path):
    """Build the real main window on the test's data folder and wait for the library."""
    from csapp.ui import theme
    from csapp.ui.context import AppContext
    from csapp.ui.main_window import MainWindow

    made = []

    def make(size: tuple[int, int] = (1366, 768)):
        from PySide6.QtWidgets import QApplication

        ctx = AppContext(data_dir, data_dir / "logs" / "csapp.log")
        theme.apply(QApplication.instance(), ctx.settings, override="light")
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # window shortcuts only fire in the active window
        with qtbot.waitSignal(ctx.library_ready, timeout=30_000):
            ctx.open_library(interactive=False)
        made.append(ctx)
        return window

    yield make
    for ctx in made:
        ctx.close()
