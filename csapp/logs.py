"""The rotating log file in the data folder: where every traceback goes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from csapp import paths

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

LOG_NAME = "csapp.log"
_handler: RotatingFileHandler | None = None


def log_path(data_dir: Path) -> Path:
    return paths.logs_dir(data_dir) / LOG_NAME


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``<data>/logs/csapp.log`` (1 MB × 3); safe to call more than once."""
    global _handler
    from logging.handlers import RotatingFileHandler  # pulls in socket/pickle: not at start-up

    log_dir = paths.logs_dir(data_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / LOG_NAME
    root = logging.getLogger()
    if _handler is not None:
        if Path(_handler.baseFilename) == log_file:
            return log_file
        root.removeHandler(_handler)
        _handler.close()
    _handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    _handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root.addHandler(_handler)
    root.setLevel(level)
    return log_file


def log_file() -> Path | None:
    return Path(_handler.baseFilename) if _handler else None
