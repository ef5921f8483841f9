"""Question vocabulary shared by the importer, the library, practice and exams.

Drafts are what a reader produces from a file before anything touches the database; the
library turns them into rows. Keeping them plain dataclasses lets the readers, the exporter
and the tests work without SQLAlchemy loaded.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "单选题"
    MULTI = "多选题"
    JUDGE = "判断题"
    FILL = "填空题"
    TERM = "名词解释"
    SHORT = "简答题"
    ESSAY = "论述题"
    CASE = "案例分析题"

    @property
    def is_objective(self) -> bool:
        return self in OBJECTIVE_TYPES

    @property
    def has_options(self) -> bool:
        return self in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE)


OBJECTIVE_TYPES = frozenset(
    {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.JUDGE, QuestionType.FILL}
)
SUBJECTIVE_TYPES = frozenset(set(QuestionType) - OBJECTIVE_TYPES)

# Display order everywhere (reports, exam sections, statistics).
TYPE_ORDER: tuple[QuestionType, ...] = tuple(QuestionType)

# Marks of one question when a bank does not say: those of the 自考 10421 paper.
DEFAULT_MARKS: dict[QuestionType, float] = {
    QuestionType.SINGLE: 1.0,
    QuestionType.MULTI: 2.0,
    QuestionType.JUDGE: 1.0,
    QuestionType.FILL: 1.0,
    QuestionType.TERM: 3.0,
    QuestionType.SHORT: 5.0,
    QuestionType.ESSAY: 15.0,
    QuestionType.CASE: 15.0,
}

DIFFICULTIES: tuple[str, ...] = ("易", "较易", "较难", "难")
COGNITIVE_LEVELS: tuple[str, ...] = ("识记", "领会", "简单应用", "综合应用")

# Canonical answers for 判断题.
TRUE_ANSWER = "正确"
FALSE_ANSWER = "错误"

# Option letters: a question has at most eight options, labelled A–H.
LETTERS = "ABCDEFGH"


@dataclass(slots=True)
class KeyPoint:
    """One 答案要点 of a subjective answer.

    ``keywords`` is a list of keyword groups; each group lists alternatives, any one of which
    counts (``[["客户满意", "顾客满意"], ["期望"]]``).
    """

    text: str
    marks: float
    keywords: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class QuestionDraft:
    """A question as read from a file, validated but not yet stored.

    Canonical answer encodings:
    - 单选题: one letter ``"B"``; 多选题: sorted unique letters ``"ABD"``;
    - 判断题: ``"正确"`` or ``"错误"`` (options, if the file had any, are dropped);
    - 填空题: blanks joined by ``"|"``, alternatives of one blank by ``"&&"``;
    - subjective types: the reference answer text; its points are in ``key_points``.
    """

    qtype: QuestionType
    stem: str
    options: list[str] = field(default_factory=list)
    answer: str = ""
    explanation: str = ""
    chapter: str = ""
    knowledge_point: str = ""
    difficulty: str = ""
    cognitive_level: str = ""
    score: float | None = None
    key_points: list[KeyPoint] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source: str = ""
    case_title: str = ""
    # Where the question came from, for the report ("Sheet1", 17).
    sheet: str = ""
    row: int = 0

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.qtype, self.stem, self.options)


@dataclass(slots=True)
class CaseDraft:
    """A 案例: material plus its questions (each a QuestionDraft of type 案例分析题)."""

    title: str
    material: str
    chapter: str = ""
    questions: list[QuestionDraft] = field(default_factory=list)
    sheet: str = ""
    row: int = 0


def normalize_text(text: str) -> str:
    """NFKC, odd spaces to plain spaces, trimmed: the form every comparison uses."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    return text.strip()


def fingerprint(qtype: str, stem: str, options: list[str] | tuple[str, ...]) -> str:
    """Identity of a question across imports: type + stem + options, whitespace-insensitive.

    The answer is deliberately left out so that a corrected key updates the question instead
    of creating a second one.
    """
    parts = [str(qtype), stem, *options]
    norm = "\x1f".join("".join(normalize_text(p).split()) for p in parts)
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()
