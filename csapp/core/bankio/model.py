"""What a read produces: drafts, the report (BANK_FORMAT §9) and the rows a trainer must fix."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from csapp.core.questions import TYPE_ORDER, CaseDraft, QuestionDraft


class BankReadError(Exception):
    """The file cannot be read at all; ``str()`` is one Chinese sentence for the trainer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class Issue:
    """One error or warning, located the way Excel shows it (sheet, 1-based row, header text)."""

    sheet: str
    row: int
    column: str
    message: str

    def to_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(slots=True)
class ImportReport:
    """The report of BANK_FORMAT §9.

    ``questions`` and ``by_type`` count every question read, including the questions of cases
    (their type is 案例分析题); ``cases`` counts the cases. ``unchanged``/``updated`` are filled by
    the library at import time; the reader leaves them 0.
    """

    file: str
    format: str
    questions: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    inferred_types: int = 0
    unchanged: int = 0
    updated: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    skipped_sheets: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        order = {str(t): i for i, t in enumerate(TYPE_ORDER)}
        by_type = dict(sorted(self.by_type.items(), key=lambda kv: order.get(kv[0], 99)))
        return {
            "file": self.file,
            "format": self.format,
            "questions": self.questions,
            "by_type": by_type,
            "cases": self.cases,
            "inferred_types": self.inferred_types,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
            "skipped_sheets": [dict(s) for s in self.skipped_sheets],
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


@dataclass(slots=True)
class ProblemRow:
    """A source row that was not imported, as the trainer typed it, with the reasons."""

    sheet: str
    row: int
    header: list[str]
    values: list[str]
    reasons: list[str]


@dataclass(slots=True)
class ReadResult:
    """Drafts of one file. Case questions live only inside ``cases``."""

    questions: list[QuestionDraft]
    cases: list[CaseDraft]
    report: ImportReport
    problem_rows: list[ProblemRow] = field(default_factory=list)
