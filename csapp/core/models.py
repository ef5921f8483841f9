"""Every table of csapp, in one module (SQLModel's advice, and one place to read the schema).

Changing a table here means a new numbered migration in ``db.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def now() -> datetime:
    """Timestamps are stored in UTC; screens convert to local time."""
    return datetime.now(UTC)


class Bank(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    source_file: str = ""
    builtin: bool = False
    # Fingerprint of the source file's bytes, so an unchanged built-in bank is not re-read.
    source_digest: str = ""
    imported_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("bank_id", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    bank_id: int = Field(foreign_key="bank.id", ondelete="CASCADE", index=True)
    title: str
    material: str = ""
    chapter: str = ""
    chapter_no: int | None = None
    position: int = 0


class Question(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("bank_id", "fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    bank_id: int = Field(foreign_key="bank.id", ondelete="CASCADE", index=True)
    qtype: str = Field(index=True)
    stem: str
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answer: str = ""
    explanation: str = ""
    chapter: str = ""
    chapter_no: int | None = None  # indexed by ix_question_chapter (below)
    knowledge_point: str = ""
    difficulty: str = ""
    cognitive_level: str = ""
    score: float | None = None
    # [{"text": ..., "marks": ..., "keywords": [[alt, ...], ...]}, ...]
    key_points: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str = ""
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="CASCADE")
    fingerprint: str
    position: int = 0
    updated_at: datetime = Field(default_factory=now)


class StudySession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # practice / quiz / exam / review / case
    title: str = ""
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Enough to resume after a crash: question ids, position, answers, time left.
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(default_factory=now)
    submitted_at: datetime | None = None
    score: float | None = None


class AnswerRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # question_id and at are indexed by ix_answer_question and ix_answer_at (below).
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE")
    session_id: int | None = Field(
        default=None, foreign_key="studysession.id", ondelete="SET NULL", index=True
    )
    response: str = ""
    correct: bool | None = None
    score: float | None = None
    seconds: float = 0.0
    at: datetime = Field(default_factory=now)


class WrongBookEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", unique=True)
    wrong_count: int = 0
    correct_streak: int = 0
    note: str = ""
    added_at: datetime = Field(default_factory=now)
    last_wrong_at: datetime = Field(default_factory=now)
    mastered_at: datetime | None = None


class Favorite(SQLModel, table=True):
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", primary_key=True)
    added_at: datetime = Field(default_factory=now)


class ReviewState(SQLModel, table=True):
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", primary_key=True)
    card: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due: datetime = Field(default_factory=now, index=True)
    last_review: datetime | None = None
    reps: int = 0


class CaseDraft(SQLModel, table=True):
    """The learner's unsubmitted answer to one case question, autosaved as they type."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", unique=True)
    content: str = ""
    updated_at: datetime = Field(default_factory=now)


class CaseAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", index=True)
    content: str = ""
    coverage: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    self_marks: list[float] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    total: float | None = None
    submitted_at: datetime = Field(default_factory=now)


class ReadingProgress(SQLModel, table=True):
    chapter_no: int = Field(primary_key=True)
    position: int = 0
    percent: float = 0.0
    done: bool = False
    updated_at: datetime = Field(default_factory=now)


class Setting(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON))


class CaseDraftVersion(SQLModel, table=True):
    """One editing session's last state of a case answer; every session is kept.

    Autosave updates the row of the current session (``session_id`` is the StudySession of
    kind "case" that the editor opened), so after a crash the row holds what was typed.
    """

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", index=True)
    session_id: int | None = Field(
        default=None, foreign_key="studysession.id", ondelete="SET NULL", index=True
    )
    content: str = ""
    started_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class CaseNote(SQLModel, table=True):
    """A highlighted passage of a case's material, with an optional pinned note.

    ``quote`` keeps the passage's text so the mark finds its place again if a corrected bank
    changes the material around it.
    """

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE", index=True)
    start: int
    end: int
    quote: str = ""
    note: str = ""
    created_at: datetime = Field(default_factory=now)


# Composing a mock exam counts and draws questions by type, chapter and difficulty; with this
# covering index SQLite answers that from the index alone (about 5× faster on a bank of
# 100,000 questions; see csapp/core/exam.py and benchmarks/exam.py).
Index(
    "ix_question_pick",
    Question.__table__.c.qtype,
    Question.__table__.c.case_id,
    Question.__table__.c.chapter_no,
    Question.__table__.c.difficulty,
)

# The 统计 page (csapp/core/progress.py) aggregates every answer by question and by day, and
# every question by chapter and type. These covering indexes let SQLite read the indexes
# alone, not the wide rows (about 3× faster on 100,000 questions and 200,000 answers; see
# benchmarks/progress.py). Each extends a one-column index it replaced (schema version 2), so
# lookups by question, by time and by chapter use them as before.
Index(
    "ix_answer_question",
    AnswerRecord.__table__.c.question_id,
    AnswerRecord.__table__.c.correct,
    AnswerRecord.__table__.c.seconds,
)
Index("ix_answer_at", AnswerRecord.__table__.c.at, AnswerRecord.__table__.c.correct)
Index(
    "ix_question_chapter",
    Question.__table__.c.chapter_no,
    Question.__table__.c.chapter,
    Question.__table__.c.qtype,
    Question.__table__.c.knowledge_point,
)
