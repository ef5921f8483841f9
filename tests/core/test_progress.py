"""The 统计 page's numbers: totals, chapters, types, local days and the streak."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from csapp.core.models import AnswerRecord
from csapp.core.progress import (
    WEAK_MIN_GRADED,
    ChapterProgress,
    DayProgress,
    PointProgress,
    Totals,
    TypeProgress,
    progress,
    streak,
)
from tests.core._study_bank import CH4, CH5, load

TODAY = date(2030, 3, 15)


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment on a local calendar day, stored as the app stores it (UTC)."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone(UTC)


def _answer(library, qid: int, correct: bool | None, at: datetime, seconds: float = 10.0) -> None:
    with library.session() as s, s.begin():
        s.add(AnswerRecord(question_id=qid, correct=correct, seconds=seconds, at=at))


@pytest.fixture
def bank(library):
    return load(library)


def test_an_empty_library_has_nothing_but_empty_days(library):
    p = progress(library.engine, today=TODAY)
    t = p.totals
    assert (t.answers, t.graded, t.correct, t.done, t.questions) == (0, 0, 0, 0, 0)
    assert (t.seconds, t.study_days, t.streak) == (0.0, 0, 0)
    assert t.accuracy is None and t.coverage is None
    assert p.chapters == () and p.types == ()
    assert [d.day for d in p.days] == [TODAY - timedelta(days=29 - i) for i in range(30)]
    assert all(d.answers == 0 and d.accuracy is None for d in p.days)
    assert p.weakest_chapter() is None


def test_totals_count_answers_but_questions_once(library, bank):
    q1, q2, q3 = bank["4:单选题"][:3]
    for ok in (True, False, True):
        _answer(library, q1, ok, _at(TODAY), seconds=20)
    _answer(library, q2, True, _at(TODAY), seconds=30)
    _answer(library, q3, None, _at(TODAY), seconds=50)  # a self-marked answer not marked yet

    t = progress(library.engine, today=TODAY).totals
    assert (t.answers, t.graded, t.correct, t.done) == (5, 4, 3, 3)
    assert t.questions == len(bank["all"]) == 25
    assert t.accuracy == 0.75  # 3 of the 4 graded; the ungraded one is not wrong
    assert t.coverage == 3 / 25
    assert t.seconds == pytest.approx(140)


def test_chapters_in_order_with_distinct_done_and_graded_accuracy(library, bank):
    ch4 = bank["4:单选题"]
    for ok in (True, True, False, True):  # one question answered four times
        _answer(library, ch4[0], ok, _at(TODAY))
    _answer(library, ch4[1], False, _at(TODAY))
    _answer(library, bank["4:判断题"][0], None, _at(TODAY))

    chapters = progress(library.engine, today=TODAY).chapters
    assert [(c.chapter_no, c.chapter) for c in chapters] == [(4, CH4), (5, CH5)]
    four, five = chapters
    assert (four.questions, four.done, four.answers, four.graded, four.correct) == (21, 3, 6, 5, 3)
    assert four.accuracy == 3 / 5 and four.coverage == 3 / 21
    assert (five.questions, five.done, five.answers, five.accuracy) == (4, 0, 0, None)


def test_only_ungraded_answers_leave_accuracy_unknown(library, bank):
    _answer(library, bank["5:单选题"][0], None, _at(TODAY))
    p = progress(library.engine, today=TODAY)
    five = p.chapters[1]
    assert (five.answers, five.graded, five.accuracy) == (1, 0, None)
    assert p.totals.accuracy is None
    assert p.weakest_chapter() is None  # nothing graded says nothing about a chapter


def test_types_follow_the_type_order_and_only_those_in_the_library(library, bank):
    _answer(library, bank["4:多选题"][0], False, _at(TODAY))
    _answer(library, bank["4:判断题"][0], True, _at(TODAY))
    types = progress(library.engine, today=TODAY).types
    assert [t.qtype for t in types] == ["单选题", "多选题", "判断题", "填空题", "简答题"]
    by_type = {t.qtype: t for t in types}
    assert (by_type["单选题"].questions, by_type["单选题"].answers) == (16, 0)
    assert (by_type["多选题"].answers, by_type["多选题"].accuracy) == (1, 0.0)
    assert (by_type["判断题"].answers, by_type["判断题"].accuracy) == (1, 1.0)


def test_days_are_local_calendar_days_with_the_empty_ones(library, bank):
    qid = bank["4:单选题"][0]
    _answer(library, qid, True, _at(TODAY, 0, 5))  # just after local midnight
    _answer(library, qid, False, _at(TODAY, 23, 55))  # just before the next one
    _answer(library, qid, None, _at(TODAY - timedelta(days=2), 9))
    _answer(library, qid, True, _at(TODAY - timedelta(days=40)))  # before the window
    _answer(library, qid, True, _at(TODAY + timedelta(days=1)))  # after "today"

    p = progress(library.engine, days=7, today=TODAY)
    assert [d.day for d in p.days] == [TODAY - timedelta(days=6 - i) for i in range(7)]
    assert [(d.answers, d.graded, d.correct) for d in p.days] == [
        (0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (1, 0, 0), (0, 0, 0), (2, 2, 1),
    ]  # fmt: skip
    assert p.days[-1].accuracy == 0.5 and p.days[-3].accuracy is None
    assert p.totals.study_days == 4  # every day with an answer, in or out of the window


@pytest.mark.skipif(sys.platform == "win32", reason="time.tzset is POSIX only")
def test_local_days_follow_the_time_zone_and_daylight_saving(library, bank):
    """Berlin is UTC+1 in March and UTC+2 in July: one offset for both would misplace one."""
    qid = bank["4:单选题"][0]
    _answer(library, qid, True, datetime(2030, 3, 1, 22, 30, tzinfo=UTC))  # 23:30 on 1 March
    _answer(library, qid, True, datetime(2030, 7, 1, 22, 30, tzinfo=UTC))  # 00:30 on 2 July
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()  # SQLite's 'localtime' asks the same C library
    try:
        march = progress(library.engine, days=2, today=date(2030, 3, 2)).days
        july = progress(library.engine, days=2, today=date(2030, 7, 2)).days
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()
    assert [(d.day, d.answers) for d in march] == [(date(2030, 3, 1), 1), (date(2030, 3, 2), 0)]
    assert [(d.day, d.answers) for d in july] == [(date(2030, 7, 1), 0), (date(2030, 7, 2), 1)]


def test_the_streak_ends_today_or_yesterday(library, bank):
    qid = bank["4:单选题"][0]
    for back in (0, 1, 2, 4):
        _answer(library, qid, True, _at(TODAY - timedelta(days=back)))
    assert progress(library.engine, today=TODAY).totals.streak == 3
    # Not studied yet today: yesterday's run still counts.
    assert progress(library.engine, today=TODAY + timedelta(days=1)).totals.streak == 3
    # Two days without study: the run is broken.
    assert progress(library.engine, today=TODAY + timedelta(days=2)).totals.streak == 0


def test_streak_counts_back_from_today_or_yesterday():
    d = TODAY
    assert streak([], d) == 0
    assert streak([d], d) == 1
    assert streak([d - timedelta(days=1), d - timedelta(days=2)], d) == 2
    assert streak([d - timedelta(days=2)], d) == 0
    assert streak([d, d - timedelta(days=2)], d) == 1


def test_the_weakest_chapter_needs_enough_graded_answers(library, bank):
    ch4, ch5 = bank["4:单选题"], bank["5:单选题"]
    for i in range(WEAK_MIN_GRADED + 1):  # 50 % over six answers
        _answer(library, ch4[i], i % 2 == 0, _at(TODAY))
    _answer(library, ch5[0], False, _at(TODAY))  # 0 % over one answer: too few to judge
    _answer(library, ch5[1], False, _at(TODAY))
    assert progress(library.engine, today=TODAY).weakest_chapter().chapter_no == 4


def test_without_enough_answers_anywhere_the_lowest_accuracy_is_weakest(library, bank):
    _answer(library, bank["4:单选题"][0], True, _at(TODAY))
    _answer(library, bank["5:单选题"][0], False, _at(TODAY))
    assert progress(library.engine, today=TODAY).weakest_chapter().chapter_no == 5


def test_knowledge_points_in_course_order_and_the_weakest_first(library, bank):
    single = bank["4:单选题"]  # their points cycle 4.1.1, 4.1.2, 4.2
    for ok in (False, False, True):
        _answer(library, single[0], ok, _at(TODAY))  # 4.1.1
    _answer(library, single[3], True, _at(TODAY))  # 4.1.1 again: 2 of 4 right
    for ok in (False, False, False):
        _answer(library, single[1], ok, _at(TODAY))  # 4.1.2: 0 of 3
    _answer(library, single[2], False, _at(TODAY))  # 4.2: one answer says little
    for _ in range(3):
        _answer(library, single[2], None, _at(TODAY))  # ungraded: not evidence either

    p = progress(library.engine, today=TODAY)
    named = [pt.point for pt in p.points]
    assert named[:3] == [
        "4.1.1 服务质量的含义",
        "4.1.2 服务质量的五个维度",
        "4.2 客户满意度与服务质量",
    ]
    first = p.points[0]
    assert (first.chapter_no, first.questions, first.done, first.answers) == (4, 4, 2, 4)
    assert (first.graded, first.correct, first.accuracy) == (4, 2, 0.5)
    weakest = [pt.point for pt in p.weakest_points()]
    assert weakest == ["4.1.2 服务质量的五个维度", "4.1.1 服务质量的含义"]
    assert sum(pt.questions for pt in p.points) == len(bank["all"])  # every question is named

    for _ in range(4):
        _answer(library, single[1], True, _at(TODAY))  # 4.1.2 now 4 of 7: above 4.1.1's 50%
    weakest = [pt.point for pt in progress(library.engine, today=TODAY).weakest_points(1)]
    assert weakest == ["4.1.1 服务质量的含义"]


def test_unnamed_points_and_all_right_points_are_never_weak(library, bank):
    from sqlalchemy import update

    from csapp.core.models import Question

    single = bank["4:单选题"]
    with library.session() as s, s.begin():
        s.execute(update(Question).where(Question.id == single[1]).values(knowledge_point=""))
    for _ in range(3):
        _answer(library, single[0], True, _at(TODAY))  # 4.1.1: all right
        _answer(library, single[1], False, _at(TODAY))  # no point named
    p = progress(library.engine, today=TODAY)
    assert "" not in {pt.point for pt in p.points}
    assert p.weakest_points() == ()


def test_rows_share_accuracy_and_coverage_and_stay_slotted_and_frozen():
    rows = [
        Totals(7, 4, 3, 5, 10, 0.0, 1, 1),
        ChapterProgress("第4章", 4, 10, 5, 7, 4, 3),
        TypeProgress("单选题", 10, 5, 7, 4, 3),
        PointProgress("4.1 质量", 4, 10, 5, 7, 4, 3),
        DayProgress(TODAY, 7, 4, 3),
    ]
    for row in rows:
        assert row.accuracy == 0.75
        assert not hasattr(row, "__dict__")
        with pytest.raises(AttributeError):
            row.correct = 4  # type: ignore[misc]
    assert rows[0].coverage == rows[1].coverage == 0.5
    assert DayProgress(TODAY, 2, 0, 0).accuracy is None
    assert ChapterProgress("", None, 0, 0, 0, 0, 0).coverage is None


def test_a_point_names_its_section_and_asks_for_its_practice():
    from csapp.core.practice import Mode, PracticeSpec
    from csapp.core.progress import PointProgress

    def point(name: str, chapter_no: int | None) -> PointProgress:
        return PointProgress(name, chapter_no, 4, 2, 5, 5, 2)

    assert point("4.1.2 服务质量的五个维度", 4).anchor == "4.1.2"
    assert point("3.8 客户需求", 3).anchor == "3.8"
    assert point("客户需求", 3).anchor is None  # a trainer's own wording: no section to open
    assert point("3 客户", 3).anchor is None  # a bare number is not a section
    assert point("4.1.2 服务质量", None).anchor is None
    spec = PracticeSpec.from_dict(point("4.1.2 服务质量的五个维度", 4).practice_request())
    assert (spec.mode, spec.chapters, spec.section) == (
        Mode.SECTION,
        (4,),
        "4.1.2 服务质量的五个维度",
    )
    assert PracticeSpec.from_dict(point("客户需求", None).practice_request()).chapters == ()
