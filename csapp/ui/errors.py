"""Unhandled exceptions in the GUI: log them, tell the user in one sentence, keep running."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

log = logging.getLogger("csapp.crash")


def install_exception_hook(log_file: Path, interactive: bool = True) -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unhandled exception", exc_info=(exc_type, exc, tb))
        from csapp.core.errors import user_message

        message = user_message(exc) or (
            f"出现了一个意外错误，刚才的操作没有完成。你可以继续使用；详细信息已记录在日志：{log_file}"
        )
        if interactive:
            from PySide6.QtWidgets import QApplication, QMessageBox

            if QApplication.instance() is not None:
                QMessageBox.warning(QApplication.activeWindow(), "出错了", message)
                return
        print(message, file=sys.stderr)

    sys.excepthook = hook
