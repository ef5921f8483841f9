"""今日复习 with FSRS, on a fake clock: ratings, intervals, today's count, the exam date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import Rating

from csapp.core import review, settings
from csapp.core.practice import Mode, PracticeSpec, load_items, start, submit
from tests.core._study_bank import T0, load


@pytest.fixture
def bank(library):
    return load(library)


def _review(library, qid: int, rating: Rating, when, exam_date=None):
    with library.engine.begin() as conn:
        return review.schedule(conn, qid, rating, when, exam_date=exam_date)


def _grow(library, qid: int, days: int):
    """Answer right at each due time until the next interval is at least ``days``."""
    when = T0
    due = _review(library, qid, Rating.Good, when)
    while due - when < timedelta(days=days):
        when = due
        due = _review(library, qid, Rating.Good, when)
    return when, due


def test_ratings_follow_the_answer():
    assert review.rating_for(False) == Rating.Again
    assert review.rating_for(True) == Rating.Good
    assert review.rating_for(True, fraction=1.0) == Rating.Good
    assert review.rating_for(True, fraction=0.8, self_marked=True) == Rating.Hard
    assert review.rating_for(False, fraction=0.5) == Rating.Hard  # half the blanks
    assert review.rating_for(False, fraction=0.5, self_marked=True) == Rating.Again


def test_every_answer_through_practice_is_scheduled(library, bank):
    engine = library.engine
    session = start(engine, PracticeSpec(Mode.CHAPTER, chapters=(5,)), now=T0)
    items = load_items(engine, session.ids)
    right, wrong = items[session.ids[0]], items[session.ids[1]]
    submit(engine, session, right, right.answer, 4, now=T0)
    submit(engine, session, wrong, "D", 4, now=T0)
    assert review.state(engine, wrong.id)["due"] == T0 + timedelta(minutes=1)
    assert review.state(engine, right.id)["due"] == T0 + timedelta(minutes=10)
    assert review.state(engine, right.id)["reps"] == 1
    assert review.due_count(engine, now=T0) == 2  # both come back later today
    assert review.due_ids(engine, now=T0) == [wrong.id, right.id]  # most urgent first
    assert review.state(engine, items[session.ids[2]].id) is None


def test_right_answers_push_the_next_review_further_out(library, bank):
    qid = bank["5:单选题"][0]
    gaps, when = [], T0
    due = _review(library, qid, Rating.Good, when)
    for _ in range(4):
        gaps.append(due - when)
        when = due
        due = _review(library, qid, Rating.Good, when)
    assert gaps == sorted(gaps)
    assert gaps[-1] > timedelta(days=5)
    assert review.state(library.engine, qid)["reps"] == 5
    # A miss brings it back within minutes.
    assert _review(library, qid, Rating.Again, when) - when < timedelta(hours=1)


def test_todays_count_moves_with_the_clock(library, bank):
    engine = library.engine
    qid = bank["5:单选题"][0]
    when, due = _grow(library, qid, days=3)
    assert review.due_count(engine, now=when) == 0
    assert review.due_count(engine, now=due) == 1
    assert review.due_count(engine, now=due - timedelta(days=2)) == 0
    assert review.due_count(engine, now=due + timedelta(days=30)) == 1  # overdue stays due
    week = review.forecast(engine, days=60, now=when)
    assert sum(n for _d, n in week) == 1


def test_exam_date_brings_everything_back_before_the_exam(library, bank):
    engine = library.engine
    qids = bank["4:单选题"]
    for qid in qids:
        when, due = _grow(library, qid, days=20)
    now = when
    exam = review.local_day(now) + timedelta(days=12)
    moved = review.set_exam_date(engine, exam, now=now)
    assert moved == len(qids)
    first_day = exam - timedelta(days=review.FINAL_DAYS)
    days = set()
    for qid in qids:
        due = review.state(engine, qid)["due"]
        assert review.day_start(first_day) <= due < review.day_start(exam)
        days.add(review.local_day(due))
    assert len(days) > 1  # spread over the final week, not one pile
    # Clearing the date gives back the FSRS schedule.
    review.set_exam_date(engine, None, now=now)
    assert all(review.state(engine, q)["due"] >= review.day_start(exam) for q in qids)
    assert settings.get(engine, review.EXAM_DATE) is None


def test_a_question_seen_in_the_final_days_keeps_its_schedule(library, bank):
    qid = bank["5:单选题"][1]
    _grow(library, qid, days=20)
    exam = review.local_day(T0) + timedelta(days=200)
    # Reviewed two days before the exam: already seen again, so FSRS decides.
    when = review.day_start(exam - timedelta(days=2)) + timedelta(hours=10)
    due = _review(library, qid, Rating.Good, when, exam_date=exam)
    assert due >= review.day_start(exam)


def test_answers_use_the_stored_exam_date(library, bank):
    engine = library.engine
    qid = bank["5:单选题"][2]
    _when, due = _grow(library, qid, days=20)  # FSRS would next show it in three weeks
    exam = review.local_day(due) - timedelta(days=5)
    settings.put(engine, review.EXAM_DATE, exam)
    item = load_items(engine, [qid])[qid]
    # Answered right again far from the exam: FSRS says later still, the exam says sooner.
    now = review.day_start(exam - timedelta(days=30)) + timedelta(hours=9)
    session = start(engine, PracticeSpec(Mode.WRONG, question_ids=(qid,)), now=now)
    submit(engine, session, item, item.answer, 3, now=now)
    state = review.state(engine, qid)
    assert state["card"]["due"] >= review.day_start(exam).isoformat()
    assert review.day_start(exam - timedelta(days=review.FINAL_DAYS)) <= state["due"]
    assert state["due"] < review.day_start(exam)


def test_no_exam_plan_when_the_exam_is_tomorrow_or_past(library, bank):
    qid = bank["5:单选题"][3]
    when, _due = _grow(library, qid, days=20)
    for offset in (1, 0, -3):
        exam = review.local_day(when) + timedelta(days=offset)
        due = _review(library, qid, Rating.Good, when, exam_date=exam)
        card_due = review.state(library.engine, qid)["card"]["due"]
        assert due.isoformat() == card_due
        when = due
