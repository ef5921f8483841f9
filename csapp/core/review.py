"""今日复习: every answered question is scheduled with FSRS (the ``fsrs`` package).

Ratings come from the answer: wrong → Again, a partly right answer (a 填空 with some blanks,
a self-marked 简答 that met most 要点) → Hard, right → Good. The FSRS card lives in
``ReviewState.card``; ``ReviewState.due`` is when the question is next shown, which is the FSRS
due date unless an exam date (考试日期) is set: then a question whose next FSRS review would
fall on or after the exam, and that has not been seen in the last days before it, is moved
into those days (spread evenly, so the final week is not one huge pile). That is the promise:
everything answered is seen again before the exam.

All times are UTC-aware datetimes; every function takes ``now`` so tests use a fake clock.
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from csapp.core import settings
from csapp.core.models import ReviewState

EXAM_DATE = settings.date_key("review.exam_date")
FINAL_DAYS = 7  # the days before the exam in which everything is seen once more

_R = ReviewState.__table__
_scheduler = Scheduler(enable_fuzzing=False)


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The learner's calendar day of ``moment`` (local time zone)."""
    return _utc(moment).astimezone().date()


def day_start(day: date) -> datetime:
    """Local midnight of ``day``, in UTC."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def end_of_today(now: datetime | None = None) -> datetime:
    return day_start(local_day(_utc(now)) + timedelta(days=1))


def rating_for(correct: bool, fraction: float | None = None, self_marked: bool = False) -> Rating:
    """The FSRS rating of an answer."""
    if correct:
        if fraction is not None and fraction < 0.999:
            return Rating.Hard
        return Rating.Good
    if fraction is not None and fraction >= 0.5 and not self_marked:
        return Rating.Hard  # a 填空 with most blanks right
    return Rating.Again


def exam_due(
    question_id: int,
    fsrs_due: datetime,
    last_review: datetime | None,
    exam_date: date | None,
    now: datetime,
) -> datetime:
    """When the question should be shown, given the FSRS due date and the exam date."""
    fsrs_due = _utc(fsrs_due)
    if exam_date is None:
        return fsrs_due
    if fsrs_due < day_start(exam_date):
        return fsrs_due
    final_start = exam_date - timedelta(days=FINAL_DAYS)
    if last_review is not None and local_day(last_review) >= final_start:
        return fsrs_due  # already seen in the final days
    first = max(local_day(now) + timedelta(days=1), final_start)
    window = (exam_date - first).days  # the days from ``first`` to the eve of the exam
    if window <= 0:
        return fsrs_due  # the exam is tomorrow or past: nothing left to plan
    # Spread by a stable hash of the id, so the same question keeps its day.
    offset = zlib.crc32(str(question_id).encode()) % window
    return day_start(first + timedelta(days=offset))


def schedule(
    conn: Connection,
    question_id: int,
    rating: Rating,
    now: datetime,
    exam_date: date | None = None,
) -> datetime:
    """Review the question's card with ``rating`` at ``now``; returns when it is due next."""
    now = _utc(now)
    row = conn.execute(select(_R.c.card, _R.c.reps).where(_R.c.question_id == question_id)).first()
    if row is None or not row.card:
        card = Card(card_id=question_id, due=now)
    else:
        card = Card.from_dict(row.card)
    card, _log = _scheduler.review_card(card, rating, review_datetime=now)
    due = exam_due(question_id, card.due, now, exam_date, now)
    values: dict[str, Any] = {"card": card.to_dict(), "due": due, "last_review": now}
    if row is None:
        conn.execute(insert(_R).values(question_id=question_id, reps=1, **values))
    else:
        conn.execute(
            update(_R).where(_R.c.question_id == question_id).values(reps=row.reps + 1, **values)
        )
    return due


def due_count(engine: Engine, now: datetime | None = None) -> int:
    """Questions due by the end of the learner's today."""
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).where(_R.c.due < end_of_today(now))).scalar_one()
        )


def due_ids(engine: Engine, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Due questions, the most overdue first."""
    stmt = select(_R.c.question_id).where(_R.c.due < end_of_today(now)).order_by(_R.c.due)
    if limit:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def state(engine: Engine, question_id: int) -> dict[str, Any] | None:
    """The stored schedule of one question (for tests and the question's detail line)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(_R.c.card, _R.c.due, _R.c.last_review, _R.c.reps).where(
                _R.c.question_id == question_id
            )
        ).first()
    if row is None:
        return None
    return {
        "card": row.card,
        "due": _utc(row.due),
        "last_review": _utc(row.last_review) if row.last_review else None,
        "reps": row.reps,
    }


def forecast(engine: Engine, days: int = 7, now: datetime | None = None) -> list[tuple[date, int]]:
    """How many questions fall due on each of the next ``days`` days (today first)."""
    now = _utc(now)
    today = local_day(now)
    counts = dict.fromkeys((today + timedelta(days=i) for i in range(days)), 0)
    with engine.connect() as conn:
        for (due,) in conn.execute(
            select(_R.c.due).where(_R.c.due < day_start(today + timedelta(days=days)))
        ):
            day = max(today, local_day(_utc(due)))
            counts[day] += 1
    return list(counts.items())


def set_exam_date(engine: Engine, exam_date: date | None, now: datetime | None = None) -> int:
    """Store the 考试日期 and re-plan every scheduled question for it; returns how many moved."""
    settings.put(engine, EXAM_DATE, exam_date)
    return replan(engine, exam_date, now)


def replan(engine: Engine, exam_date: date | None, now: datetime | None = None) -> int:
    now = _utc(now)
    moved = 0
    with engine.begin() as conn:
        rows = conn.execute(select(_R.c.question_id, _R.c.card, _R.c.due, _R.c.last_review)).all()
        changes = []
        for qid, card, due, last in rows:
            if not card:
                continue
            fsrs_due = datetime.fromisoformat(card["due"])
            new = exam_due(qid, fsrs_due, _utc(last) if last else None, exam_date, now)
            if _utc(due) != new:
                changes.append({"qid": qid, "new_due": new})
        if changes:
            stmt = (
                update(_R)
                .where(_R.c.question_id == bindparam("qid"))
                .values(due=bindparam("new_due"))
            )
            for start in range(0, len(changes), 2000):
                conn.execute(stmt, changes[start : start + 2000])
            moved = len(changes)
    return moved
