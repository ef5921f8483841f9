"""Question-bank files: read what trainers made, write the canonical workbook and template.

Public API (see docs/bank_import.md):

- ``detect_format(path) -> "xlsx" | "xls" | "csv" | "txt"`` (by magic bytes);
- ``iter_read_bank(path)`` — generator yielding progress 0..1, returning a ``ReadResult``;
- ``read_bank(path)`` / ``read_text(text, name)`` — the same without progress;
- ``export_workbook``, ``write_template``, ``write_problem_rows`` — the writers;
- ``BankReadError`` — the file cannot be read at all (one Chinese sentence).

No PySide6 and no SQLAlchemy here. The readers and writers (and openpyxl/xlrd behind them) are
loaded on first use, so importing this package at start-up costs next to nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import BankReadError, ImportReport, Issue, ProblemRow, ReadResult

if TYPE_CHECKING:
    from .reader import iter_read_bank, read_bank, read_text
    from .sources import detect_format
    from .writer import export_workbook, write_problem_rows, write_template

_LAZY = {
    "iter_read_bank": "reader",
    "read_bank": "reader",
    "read_text": "reader",
    "detect_format": "sources",
    "export_workbook": "writer",
    "write_template": "writer",
    "write_problem_rows": "writer",
}

__all__ = [
    "BankReadError",
    "ImportReport",
    "Issue",
    "ProblemRow",
    "ReadResult",
    "detect_format",
    "export_workbook",
    "iter_read_bank",
    "read_bank",
    "read_text",
    "write_problem_rows",
    "write_template",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
