"""The learner's progress for the 统计 page: totals, chapters, types, knowledge points, days.

Everything comes from SQL aggregates (GROUP BY) over covering indexes (see models.py), never
from loading the answers into Python, so the page stays quick on 100,000 questions and 200,000
answers (``benchmarks/progress.py``).

Accuracy everywhere is ``correct / graded``: only answers whose ``correct`` is known count.
An answer stored with ``correct`` NULL (a subjective answer not self-marked yet, an exam item
awaiting its marks) is an answer given — it counts in 作答, 覆盖 and the days — but it is
neither right nor wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from csapp.core.questions import TYPE_ORDER

DAYS = 30
WEAK_MIN_GRADED = 5  # fewer graded answers than this say little about a chapter
_SECTION_NUMBER = re.compile(r"(\d+(?:\.\d+)+)(?:\s|$)")
WEAK_POINT_MIN_GRADED = 3  # a knowledge point has few questions: three answers are a signal


class _Graded:
    """Answer counts with an accuracy (``correct`` of ``graded``).

    A mixin, not a dataclass: each row keeps its own fields in its own order (they are built
    positionally), and the empty ``__slots__`` keeps the rows' slots.
    """

    __slots__ = ()
    graded: int  # answers whose correctness is known
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None


class _Covered(_Graded):
    """Counts over a set of questions: how many of them were answered at least once."""

    __slots__ = ()
    questions: int
    done: int

    @property
    def coverage(self) -> float | None:
        return self.done / self.questions if self.questions else None


@dataclass(frozen=True, slots=True)
class Totals(_Covered):
    answers: int  # every answer given, repeats included
    graded: int  # answers whose correctness is known
    correct: int
    done: int  # distinct questions answered at least once
    questions: int  # questions in the library
    seconds: float  # time spent answering
    study_days: int  # distinct local calendar days with an answer
    streak: int  # consecutive study days ending today, or yesterday if not yet today


@dataclass(frozen=True, slots=True)
class ChapterProgress(_Covered):
    chapter: str  # the label as the bank has it ("第4章 客户服务质量管理"); "" when unassigned
    chapter_no: int | None
    questions: int
    done: int
    answers: int
    graded: int
    correct: int


@dataclass(frozen=True, slots=True)
class TypeProgress(_Graded):
    qtype: str
    questions: int
    done: int
    answers: int
    graded: int
    correct: int


@dataclass(frozen=True, slots=True)
class PointProgress(_Graded):
    point: str  # the knowledge point as the bank has it ("4.1.2 服务质量的五个维度")
    chapter_no: int | None  # where its questions are (the first numbered chapter seen)
    questions: int
    done: int
    answers: int
    graded: int
    correct: int

    @property
    def anchor(self) -> str | None:
        """The course section the point names ("4.1.2 服务质量…" → "4.1.2"), if any: where
        阅读这一节 opens the reader."""
        m = _SECTION_NUMBER.match(self.point)
        return m.group(1) if m and self.chapter_no is not None else None

    def practice_request(self) -> dict[str, Any]:
        """知识点练习 on this point, as the reader's 练习本节 asks for it."""
        from csapp.core.practice import Mode, PracticeSpec

        chapters = (self.chapter_no,) if self.chapter_no is not None else ()
        return PracticeSpec(Mode.SECTION, chapters=chapters, section=self.point).to_dict()


@dataclass(frozen=True, slots=True)
class DayProgress(_Graded):
    day: date  # a local calendar day
    answers: int
    graded: int
    correct: int


@dataclass(frozen=True, slots=True)
class Progress:
    totals: Totals
    chapters: tuple[ChapterProgress, ...]  # in Library chapter order: 第1章 … 第10章, unnumbered
    types: tuple[TypeProgress, ...]  # TYPE_ORDER; only the types the library holds
    days: tuple[DayProgress, ...]  # the last ``days`` local days, oldest first, empty ones too
    points: tuple[PointProgress, ...] = ()  # named knowledge points, in chapter order

    def weakest_points(self, limit: int = 8) -> tuple[PointProgress, ...]:
        """The knowledge points most worth practising: answered wrong at least once, with at
        least WEAK_POINT_MIN_GRADED graded answers; lowest accuracy first, then the most
        answered (more evidence), then course order."""
        weak = [
            p for p in self.points if p.graded >= WEAK_POINT_MIN_GRADED and p.correct < p.graded
        ]
        order = {p.point: i for i, p in enumerate(self.points)}
        weak.sort(key=lambda p: (p.correct / p.graded, -p.graded, order[p.point]))
        return tuple(weak[:limit])

    def weakest_chapter(self) -> ChapterProgress | None:
        """The numbered chapter most worth practising: lowest accuracy among those with at
        least WEAK_MIN_GRADED graded answers, else among those with any; ties go to the earlier
        chapter. Unnumbered questions cannot be practised as a chapter, so they never qualify.
        """
        graded = [c for c in self.chapters if c.chapter_no is not None and c.graded]
        enough = [c for c in graded if c.graded >= WEAK_MIN_GRADED] or graded
        if not enough:
            return None
        return min(enough, key=lambda c: c.correct / c.graded)


def chapter_key(chapter_no: int | None, chapter: str) -> tuple[int, str]:
    """Numbered chapters in order, then the unnumbered ones by label."""
    return (chapter_no if chapter_no is not None else 10_000, chapter)


def streak(study_days: Iterable[date], today: date) -> int:
    """Consecutive study days ending today — or yesterday, so the streak survives until the
    learner has had a chance to study today."""
    days = set(study_days)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


# One row per (chapter, type, knowledge point) cell of the library: its questions (an
# index-only scan of ix_question_chapter, already in group order).
_QUESTION_CELLS = text(
    "SELECT chapter, chapter_no, qtype, knowledge_point, count(*) FROM question"
    " GROUP BY chapter_no, chapter, qtype, knowledge_point"
)
# The answers per cell: the questions in cell order (ix_question_chapter), each with its answers
# (a seek into ix_answer_question; both index-only). "done" counts questions, not answers.
_ANSWER_CELLS = text(
    "SELECT q.chapter, q.chapter_no, q.qtype, q.knowledge_point, count(DISTINCT a.question_id),"
    " count(*), count(a.correct), total(a.correct), total(a.seconds)"
    " FROM question AS q JOIN answerrecord AS a ON a.question_id = q.id"
    " GROUP BY q.chapter_no, q.chapter, q.qtype, q.knowledge_point"
)
# AnswerRecord.at is naive UTC. Local days are SQLite's 'localtime' (and 'utc' for the way
# back): it converts each moment with the C library's rules for that moment, so an answer at
# 23:30 keeps its local day across a daylight-saving change, which one offset taken from "now"
# in Python would get wrong; and it is the clock date.today() reads, so "today" agrees.
#
# Every local day with an answer, without touching each answer: from the first answer, jump
# to the first answer at or after the next local midnight (one ix_answer_at seek per day).
_STUDY_DAYS = text(
    "WITH RECURSIVE d(day) AS ("
    " SELECT date(min(at), 'localtime') FROM answerrecord"
    " UNION ALL"
    " SELECT (SELECT date(min(at), 'localtime') FROM answerrecord"
    "         WHERE at >= datetime(d.day, '+1 day', 'utc'))"
    " FROM d WHERE d.day IS NOT NULL)"
    " SELECT day FROM d WHERE day IS NOT NULL"
)
# The window's answers per local day (a range of ix_answer_at, index only).
_WINDOW = text(
    "SELECT date(at, 'localtime') AS day, count(*), count(correct), total(correct)"
    " FROM answerrecord"
    " WHERE at >= datetime(:first, 'utc') AND at < datetime(:last, '+1 day', 'utc')"
    " GROUP BY day"
)


def progress(engine: Engine, days: int = DAYS, today: date | None = None) -> Progress:
    """Everything the 统计 page shows, from four aggregate queries.

    ``today`` is the learner's local date (injectable for tests); ``days`` local days end
    with it. Accuracy is over graded answers only (``correct`` not NULL), see the module.
    """
    today = today or date.today()
    first = today - timedelta(days=max(1, days) - 1)
    with engine.connect() as conn:
        questions = conn.execute(_QUESTION_CELLS).all()
        answered = conn.execute(_ANSWER_CELLS).all()
        study_days = [date.fromisoformat(d) for (d,) in conn.execute(_STUDY_DAYS)]
        window = conn.execute(
            _WINDOW, {"first": first.isoformat(), "last": today.isoformat()}
        ).all()

    # [questions, done, answers, graded, correct] per chapter, type and named knowledge point,
    # summed over cells (a question is in exactly one cell, so "done" adds up).
    chapters: dict[tuple[str, int | None], list[int]] = {}
    types: dict[str, list[int]] = {}
    points: dict[str, list[int]] = {}
    point_chapter: dict[str, int | None] = {}
    for chapter, no, qtype, point, n in questions:
        chapters.setdefault((chapter, no), [0] * 5)[0] += n
        types.setdefault(qtype, [0] * 5)[0] += n
        if point:
            points.setdefault(point, [0] * 5)[0] += n
            if point_chapter.get(point) is None:
                point_chapter[point] = no
    seconds = 0.0
    for chapter, no, qtype, point, done, n, graded, correct, secs in answered:
        seconds += secs
        cells = [chapters[(chapter, no)], types[qtype]]
        if point:
            cells.append(points[point])
        for counts in cells:
            for i, value in enumerate((done, n, graded, correct), start=1):
                counts[i] += int(value)

    chapter_rows = tuple(
        ChapterProgress(chapter, no, *counts)
        for (chapter, no), counts in sorted(
            chapters.items(), key=lambda item: chapter_key(item[0][1], item[0][0])
        )
    )
    order = {str(t): i for i, t in enumerate(TYPE_ORDER)}
    type_rows = tuple(
        TypeProgress(qtype, *counts)
        for qtype, counts in sorted(
            types.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    )
    by_day = {date.fromisoformat(d): (n, int(g), int(ok)) for d, n, g, ok in window}
    day_rows = tuple(
        DayProgress(day, *by_day.get(day, (0, 0, 0)))
        for day in (first + timedelta(days=i) for i in range((today - first).days + 1))
    )
    totals = Totals(
        answers=sum(c.answers for c in chapter_rows),
        graded=sum(c.graded for c in chapter_rows),
        correct=sum(c.correct for c in chapter_rows),
        done=sum(c.done for c in chapter_rows),
        questions=sum(c.questions for c in chapter_rows),
        seconds=seconds,
        study_days=len(study_days),
        streak=streak(study_days, today),
    )
    point_rows = tuple(
        PointProgress(point, point_chapter[point], *counts)
        for point, counts in sorted(
            points.items(), key=lambda item: _point_key(point_chapter[item[0]], item[0])
        )
    )
    return Progress(totals, chapter_rows, type_rows, day_rows, point_rows)


def _point_key(chapter_no: int | None, point: str) -> tuple[int, tuple[int, ...], str]:
    """Course order: by chapter, then by the section number a point starts with (4.1.10
    after 4.1.9), then by name."""
    m = re.match(r"\d+(?:\.\d+)*", point)
    numbers = tuple(int(n) for n in m.group(0).split(".")) if m else (10_000,)
    return (chapter_no if chapter_no is not None else 10_000, numbers, point)
