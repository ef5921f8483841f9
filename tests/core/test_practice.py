"""Practice sessions: selection per mode, grading, recording, resuming, the 章节测验 score."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from csapp.core import practice, wrongbook
from csapp.core.models import AnswerRecord, ReviewState, StudySession, WrongBookEntry
from csapp.core.practice import Mode, PracticeError, PracticeSpec
from tests.core._study_bank import T0, load


@pytest.fixture
def bank(library):
    return load(library)


def _items(library, session):
    return practice.load_items(library.engine, session.ids)


def _wrong(item) -> str:
    if item.qtype == "判断题":
        return "错误" if item.answer == "正确" else "正确"
    return "A" if item.answer != "A" else "B"


# -- grading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qtype", "key", "response", "correct"),
    [
        ("单选题", "B", "B", True),
        ("单选题", "B", " b ", True),
        ("单选题", "B", "Ｂ", True),  # full-width letter
        ("单选题", "B", "C", False),
        ("单选题", "B", "", False),
        ("多选题", "ABD", "DBA", True),
        ("多选题", "ABD", "A,B,D", True),
        ("多选题", "ABD", "AB", False),  # 少选不得分
        ("多选题", "ABD", "ABCD", False),  # 多选不得分
        ("判断题", "正确", "正确", True),
        ("判断题", "正确", "对", True),
        ("判断题", "正确", "√", True),
        ("判断题", "错误", "×", True),
        ("判断题", "错误", "正确", False),
        ("判断题", "错误", "", False),
        ("填空题", "期望值&&客户期望值|检查", "期望值|检查", True),
        ("填空题", "期望值&&客户期望值|检查", "客户期望值 | 检查。", True),
        ("填空题", "期望值&&客户期望值|检查", "期望 值|检查", True),  # spaces do not matter
        ("填空题", "期望值&&客户期望值|检查", "期望值|执行", False),
        ("填空题", "PDCA", "pdca", True),
    ],
)
def test_objective_answers_are_graded_against_the_canonical_key(qtype, key, response, correct):
    assert practice.grade_objective(qtype, key, response).correct is correct


def test_fill_earns_a_share_per_blank_but_is_right_only_when_all_are():
    g = practice.grade_objective("填空题", "期望值|检查", "期望值|执行", max_score=2)
    assert (g.correct, g.fraction, g.score) == (False, 0.5, 1.0)


def test_subjective_self_marks_give_partial_credit():
    points = [{"text": "a", "marks": 2}, {"text": "b", "marks": 1}, {"text": "c", "marks": 2}]
    g = practice.grade_subjective(points, [1, 0, 1])
    assert (g.score, g.max_score, g.correct) == (4.0, 5.0, True)
    g = practice.grade_subjective(points, [0, 1, 0])
    assert (g.score, g.correct) == (1.0, False)
    assert practice.grade_subjective(points, [0.5, 0, 0]).score == 1.0


def test_keyword_groups_suggest_which_points_were_met():
    points = [
        {"text": "主导作用", "marks": 1, "keywords": [["主导"], ["生产经营", "经营"]]},
        {"text": "保证作用", "marks": 1, "keywords": [["保证"]]},
        {"text": "无关键词", "marks": 1, "keywords": []},
    ]
    assert practice.suggest_marks(points, "外部服务主导企业经营。") == [1.0, 0.0, 0.0]


# -- selection ----------------------------------------------------------------------------


def test_chapter_practice_asks_the_whole_chapter_in_bank_order(library, bank):
    session = practice.start(library.engine, PracticeSpec(Mode.CHAPTER, chapters=(4,)))
    ch4 = [i for i in bank["all"] if i not in bank["5:单选题"]]
    assert session.ids == ch4
    assert session.title == "章节练习 · 第4章 客户服务质量管理"


def test_random_practice_filters_chapters_types_difficulty_and_count(library, bank):
    spec = PracticeSpec(
        Mode.RANDOM, chapters=(4,), types=("单选题",), difficulties=("易", "难"), count=4
    )
    session = practice.start(library.engine, spec, rng=random.Random(1))
    items = _items(library, session)
    assert len(session.ids) == 4
    assert {items[i].qtype for i in session.ids} == {"单选题"}
    assert {items[i].difficulty for i in session.ids} <= {"易", "难"}
    assert all(items[i].chapter_no == 4 for i in session.ids)
    assert practice.available(library.engine, spec) == 6


def test_type_practice_takes_one_type_from_all_chapters(library, bank):
    session = practice.start(library.engine, PracticeSpec(Mode.TYPE, types=("单选题",)))
    assert sorted(session.ids) == sorted(bank["4:单选题"] + bank["5:单选题"])


def test_section_practice_includes_sub_sections(library, bank):
    whole = practice.start(
        library.engine, PracticeSpec(Mode.SECTION, chapters=(4,), section="4.1 服务质量的内涵")
    )
    items = _items(library, whole)
    assert {items[i].knowledge_point for i in whole.ids} == {
        "4.1.1 服务质量的含义",
        "4.1.2 服务质量的五个维度",
    }
    one = practice.start(
        library.engine, PracticeSpec(Mode.SECTION, chapters=(4,), section="4.1.1 服务质量的含义")
    )
    assert len(one.ids) == 4
    counts = practice.section_counts(library.engine, 4, ["4.1", "4.1.1", "4.1.2", "4.2", "4.3"])
    assert counts == {"4.1": 4 + 4 + 6 + 1 + 1, "4.1.1": 4, "4.1.2": 12, "4.2": 5, "4.3": 0}


def test_quiz_is_ten_single_and_five_true_false(library, bank):
    session = practice.start(
        library.engine, PracticeSpec(Mode.QUIZ, chapters=(4,)), rng=random.Random(3)
    )
    items = _items(library, session)
    kinds = [items[i].qtype for i in session.ids]
    assert kinds == ["单选题"] * 10 + ["判断题"] * 5
    assert len(set(session.ids)) == 15


def test_an_empty_selection_is_one_sentence(library, bank):
    with pytest.raises(PracticeError, match="错题本是空的"):
        practice.start(library.engine, PracticeSpec(Mode.WRONG))
    with pytest.raises(PracticeError, match="没有符合条件"):
        practice.start(library.engine, PracticeSpec(Mode.RANDOM, types=("论述题",)))


# -- recording ----------------------------------------------------------------------------


def test_an_answer_is_recorded_with_its_time_in_the_book_and_the_schedule(library, bank):
    engine = library.engine
    session = practice.start(engine, PracticeSpec(Mode.CHAPTER, chapters=(4,)), now=T0)
    items = _items(library, session)
    first, second = items[session.ids[0]], items[session.ids[1]]
    practice.submit(engine, session, first, first.answer, 7.5, now=T0)
    answer = practice.submit(engine, session, second, _wrong(second), 12.0, now=T0)
    assert answer.correct is False
    with library.session() as s:
        records = s.execute(select(AnswerRecord).order_by(AnswerRecord.id)).scalars().all()
        assert [(r.question_id, r.correct, r.seconds) for r in records] == [
            (first.id, True, 7.5),
            (second.id, False, 12.0),
        ]
        assert all(r.session_id == session.id for r in records)
        assert s.execute(select(func.count()).select_from(ReviewState)).scalar() == 2
        entry = s.execute(select(WrongBookEntry)).scalar_one()
        assert (entry.question_id, entry.wrong_count) == (second.id, 1)
        stored = s.get(StudySession, session.id)
        assert stored.kind == "practice"
        assert set(stored.state["answers"]) == {str(first.id), str(second.id)}


def test_answering_again_in_the_same_session_records_nothing_new(library, bank):
    engine = library.engine
    session = practice.start(engine, PracticeSpec(Mode.CHAPTER, chapters=(4,)))
    item = _items(library, session)[session.ids[0]]
    practice.submit(engine, session, item, _wrong(item), 3)
    again = practice.submit(engine, session, item, item.answer, 3)
    assert again.correct is False
    with library.session() as s:
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 1


def test_subjective_answers_keep_the_text_and_self_marks(library, bank):
    engine = library.engine
    session = practice.start(engine, PracticeSpec(Mode.TYPE, types=("简答题",)))
    item = _items(library, session)[session.ids[0]]
    answer = practice.submit(engine, session, item, "可靠、响应、保证", 90, marks=[1, 1, 1, 0, 0])
    assert (answer.score, answer.correct) == (3.0, True)
    with library.session() as s:
        record = s.execute(select(AnswerRecord)).scalar_one()
        assert (record.response, record.score, record.correct) == ("可靠、响应、保证", 3.0, True)


def test_memorize_mode_counts_nothing_as_wrong(library, bank):
    engine = library.engine
    session = practice.start(engine, PracticeSpec(Mode.MEMORIZE, chapters=(4,)))
    items = _items(library, session)
    for qid in session.ids[:3]:
        practice.submit(engine, session, items[qid], "", 2)
    with library.session() as s:
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 0
        assert s.execute(select(func.count()).select_from(WrongBookEntry)).scalar() == 0
    assert practice.load(engine, session.id).answered == 3


def test_an_interrupted_session_is_offered_and_resumes_where_it_stopped(library, bank):
    engine = library.engine
    spec = PracticeSpec(Mode.CHAPTER, chapters=(4,))
    session = practice.start(engine, spec, now=T0)
    items = _items(library, session)
    for qid in session.ids[:2]:
        practice.submit(engine, session, items[qid], items[qid].answer, 4, now=T0)
    practice.move(engine, session, 2, now=T0)
    # … the app crashes here; at the next start:
    offered = practice.unfinished(engine)
    assert [(o.id, o.answered, o.total, o.pos) for o in offered] == [
        (session.id, 2, len(session.ids), 2)
    ]
    assert practice.unfinished(engine, spec)[0].id == session.id
    assert practice.unfinished(engine, PracticeSpec(Mode.CHAPTER, chapters=(5,))) == []
    resumed = practice.load(engine, session.id)
    assert resumed.pos == 2
    assert set(resumed.answers) == set(session.ids[:2])
    assert all(a.correct for a in resumed.answers.values())
    practice.abandon(engine, session.id)
    assert practice.unfinished(engine) == []


def test_latest_interrupted_session_comes_first(library, bank):
    engine = library.engine
    older = practice.start(engine, PracticeSpec(Mode.CHAPTER, chapters=(5,)), now=T0)
    newer = practice.start(engine, PracticeSpec(Mode.TYPE, types=("判断题",)), now=T0)
    practice.move(engine, newer, 1, now=T0 + timedelta(minutes=1))
    practice.move(engine, older, 1, now=T0 + timedelta(minutes=2))
    assert [o.id for o in practice.unfinished(engine)] == [older.id, newer.id]


def test_quiz_is_graded_at_hand_in_and_scored_to_100(library, bank):
    engine = library.engine
    session = practice.start(
        engine, PracticeSpec(Mode.QUIZ, chapters=(4,)), rng=random.Random(5), now=T0
    )
    items = _items(library, session)
    # 12 of 15 right, one wrong, two left unanswered.
    for qid in session.ids[:12]:
        practice.submit(engine, session, items[qid], items[qid].answer, 5, now=T0)
    practice.submit(engine, session, items[session.ids[12]], _wrong(items[session.ids[12]]), 5)
    with library.session() as s:  # nothing graded before 交卷
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 0
    result = practice.finish(engine, session, now=T0)
    assert (result.correct, result.total, result.score, result.passed) == (12, 15, 80.0, True)
    with library.session() as s:
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 15
        assert s.execute(select(func.count()).select_from(WrongBookEntry)).scalar() == 3
        stored = s.get(StudySession, session.id)
        assert (stored.kind, stored.score) == ("quiz", 80.0)
        assert stored.submitted_at is not None
    assert practice.unfinished(engine) == []


def test_a_failed_quiz_says_so(library, bank):
    engine = library.engine
    session = practice.start(engine, PracticeSpec(Mode.QUIZ, chapters=(4,)))
    result = practice.finish(engine, session)
    assert (result.score, result.passed) == (0.0, False)
    assert "没有通过" in result.message


def test_wrong_and_favourite_practice_use_the_lists(library, bank):
    engine = library.engine
    session = practice.start(engine, PracticeSpec(Mode.CHAPTER, chapters=(5,)))
    items = _items(library, session)
    practice.submit(engine, session, items[session.ids[0]], "B", 3)
    wrongbook.set_favorite(engine, session.ids[1], True)
    assert practice.start(engine, PracticeSpec(Mode.WRONG)).ids == [session.ids[0]]
    assert practice.start(engine, PracticeSpec(Mode.FAVORITE)).ids == [session.ids[1]]
    chosen = PracticeSpec(Mode.WRONG, question_ids=(session.ids[2], 999_999))
    assert practice.start(engine, chosen).ids == [session.ids[2]]


def test_spec_round_trips_through_a_dict():
    spec = PracticeSpec(Mode.RANDOM, (1, 2), ("单选题",), ("易",), 30, "", (5, 6))
    assert PracticeSpec.from_dict(spec.to_dict()) == spec
