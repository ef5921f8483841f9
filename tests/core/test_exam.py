"""Mock exams in the core: blueprints, composition, the clock, saving, resuming, marking, report."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from csapp.core import exam
from csapp.core import exam_session as es
from csapp.core.importing import import_drafts, run
from csapp.core.models import AnswerRecord, StudySession, WrongBookEntry
from csapp.core.questions import CaseDraft, KeyPoint, QuestionDraft, QuestionType
from tests.conftest import ROOT

T = QuestionType
LEVELS = ("易", "较易", "较难", "难")


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def q(qtype: QuestionType, n: int, chapter: int = 1, difficulty: str = "易", **kw) -> QuestionDraft:
    """A question whose stem says what it is, so tests can read papers."""
    base = dict(
        qtype=qtype,
        stem=f"{qtype}{chapter}-{difficulty}-{n}",
        chapter=f"第{chapter}章 测试",
        difficulty=difficulty,
        knowledge_point=f"{chapter}.1 测试",
        explanation=f"解析{n}",
    )
    if qtype == T.SINGLE:
        base |= dict(options=["甲", "乙", "丙", "丁"], answer="B")
    elif qtype == T.MULTI:
        base |= dict(options=["甲", "乙", "丙", "丁", "戊"], answer="AC")
    elif qtype == T.JUDGE:
        base |= dict(answer="正确")
    elif qtype == T.FILL:
        base |= dict(answer="满意&&满足|期望")
    else:
        base |= dict(
            answer="要点",
            key_points=[
                KeyPoint("第一点", 2, [["主导"]]),
                KeyPoint("第二点", 2, [["制约"]]),
                KeyPoint("第三点", 1, [["调节"]]),
            ],
        )
    base |= kw
    return QuestionDraft(**base)


def case(title: str, chapter: int, scores: list[float]) -> CaseDraft:
    return CaseDraft(
        title=title,
        material=f"{title}的材料。\n第二段。",
        chapter=f"第{chapter}章 测试",
        questions=[
            q(
                T.CASE,
                k,
                chapter,
                stem=f"{title}问题{k}",
                score=s,
                key_points=[KeyPoint("要点甲", s / 2), KeyPoint("要点乙", s / 2)],
            )
            for k, s in enumerate(scores, 1)
        ],
    )


def add_bank(library, drafts, cases=(), name="测试题库") -> None:
    run(import_drafts(library.engine, name, drafts, cases))


def full_bank(per_cell: int = 3) -> tuple[list[QuestionDraft], list[CaseDraft]]:
    """Ten chapters × four difficulties × every type, ``per_cell`` each; four cases."""
    drafts = []
    for chapter in range(1, 11):
        for level in LEVELS:
            for qtype in (T.SINGLE, T.MULTI, T.JUDGE, T.TERM, T.SHORT, T.ESSAY):
                for n in range(per_cell):
                    drafts.append(q(qtype, n, chapter, level))
    cases = [
        case("甲案例", 1, [6, 5, 4]),
        case("乙案例", 2, [8, 7]),
        case("丙案例", 3, [8, 8]),
        case("丁案例", 4, [5, 5, 5]),
    ]
    return drafts, cases


@pytest.fixture
def bank(library):
    drafts, cases = full_bank()
    add_bank(library, drafts, cases)
    return library


def small(slots, **kw) -> exam.Blueprint:
    total = sum(s.total for s in slots)
    return exam.Blueprint(
        "小测", kw.pop("minutes", 30), kw.pop("pass_mark", 0.6 * total), slots, **kw
    )


# -- blueprints ----------------------------------------------------------------------------


def test_builtin_blueprints_follow_the_course():
    bp = exam.ZIKAO_10421
    assert (bp.total, bp.minutes, bp.pass_mark) == (100, 150, 60)
    assert [(s.qtype, s.count, s.marks) for s in bp.slots] == [
        (T.SINGLE, 20, 1), (T.MULTI, 5, 2), (T.TERM, 5, 3),
        (T.SHORT, 5, 5), (T.ESSAY, 1, 15), (T.CASE, 1, 15),
    ]  # fmt: skip
    assert bp.difficulty_mix == {"易": 20, "较易": 30, "较难": 30, "难": 20}
    assert exam.CHAPTER_QUIZ.total == 100 and exam.CHAPTER_QUIZ.chapter_quiz


def test_create_edit_duplicate_delete_blueprints(library):
    engine = library.engine
    names = [b.name for b in exam.blueprints(engine)]
    assert names == ["自考10421 仿真", "章节测验"]
    mine = small((exam.Slot(T.SINGLE, 10, 2),), pass_mark=12)
    exam.save_blueprint(engine, mine)
    assert exam.get_blueprint(engine, "小测").total == 20

    renamed = exam.save_blueprint(engine, replace(mine, name="周测", minutes=45), "小测")
    assert renamed.minutes == 45
    assert [b.name for b in exam.blueprints(engine)][-1] == "周测"
    with pytest.raises(exam.BlueprintError, match="已经有一个名为“章节测验”"):
        exam.save_blueprint(engine, replace(mine, name="章节测验"))

    copy = exam.duplicate_blueprint(engine, "周测")
    again = exam.duplicate_blueprint(engine, "周测")
    assert (copy.name, again.name) == ("周测 副本", "周测 副本2")
    assert exam.get_blueprint(engine, "周测 副本").slots == renamed.slots

    exam.delete_blueprint(engine, "周测")
    assert "周测" not in [b.name for b in exam.blueprints(engine)]
    with pytest.raises(exam.BlueprintError, match="没有名为“周测”"):
        exam.get_blueprint(engine, "周测")


def test_a_builtin_can_be_edited_and_restored(library):
    engine = library.engine
    edited = replace(exam.ZIKAO_10421, minutes=120)
    exam.save_blueprint(engine, edited, exam.ZIKAO_10421.name)
    assert exam.get_blueprint(engine, "自考10421 仿真").minutes == 120
    assert exam.is_modified_builtin(engine, "自考10421 仿真")
    with pytest.raises(exam.BlueprintError, match="不能改名"):
        exam.save_blueprint(engine, replace(edited, name="别名"), exam.ZIKAO_10421.name)
    exam.delete_blueprint(engine, "自考10421 仿真")
    assert exam.get_blueprint(engine, "自考10421 仿真").minutes == 150
    assert exam.get_blueprint(engine, "自考10421仿真").name == "自考10421 仿真"  # no space typed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": " "}, "起一个名字"),
        ({"slots": ()}, "至少要有一种题型"),
        ({"slots": (exam.Slot(T.SINGLE, 1, 1), exam.Slot(T.SINGLE, 2, 1))}, "只能出现一次"),
        ({"minutes": 0}, "1 到 600 分钟"),
        ({"pass_mark": 101}, "不超过总分（100 分）"),
        ({"difficulty_mix": {"易": 50, "难": 40}}, "加起来应为 100%，现在是 90%"),
        ({"chapter_weights": {1: 0, 2: 0}}, "至少要有一章大于 0"),
    ],
)
def test_blueprint_mistakes_are_one_sentence(library, change, message):
    with pytest.raises(exam.BlueprintError, match=message):
        exam.save_blueprint(library.engine, replace(exam.ZIKAO_10421, **{"name": "新的", **change}))


# -- composition ---------------------------------------------------------------------------


def test_compose_the_zikao_paper(bank):
    paper = exam.compose(bank.engine, exam.ZIKAO_10421, seed=1)
    assert paper.total == 100
    assert [len(s.items) for s in paper.sections[:5]] == [20, 5, 5, 5, 1]
    assert [s.heading.split("、")[1] for s in paper.sections] == [
        "单项选择题", "多项选择题", "名词解释题", "简答题", "论述题", "案例分析题",
    ]  # fmt: skip
    assert paper.sections[5].heading == "六、案例分析题"
    assert paper.sections[0].instructions.startswith("本大题共20小题，每小题1分，共20分。")
    assert paper.sections[4].instructions == "本题15分。"
    numbers = [i.no for i in paper.items if "(" not in i.no]
    assert numbers == [str(n) for n in range(1, 37)]
    case_items = [paper.items[i] for i in paper.sections[5].items]
    assert all(i.no.startswith("37(") for i in case_items)
    assert sum(i.marks for i in case_items) == 15
    for item in paper.items:
        if not item.objective:
            assert sum(p["marks"] for p in item.points) == pytest.approx(item.marks)


def test_no_question_twice_not_even_a_copy_from_another_bank(library):
    drafts = [q(T.SINGLE, n) for n in range(10)]
    add_bank(library, drafts, name="甲")
    add_bank(library, drafts, name="乙")  # the same ten questions again
    bp = small((exam.Slot(T.SINGLE, 10, 1),))
    for seed in range(5):
        paper = exam.compose(library.engine, bp, seed=seed)
        stems = [i.stem for i in paper.items]
        assert len(set(stems)) == 10 and len({i.qid for i in paper.items}) == 10
    with pytest.raises(exam.ShortageError, match="单选题需要 11 道，题库只有 10 道，还差 1 道"):
        exam.compose(library.engine, small((exam.Slot(T.SINGLE, 11, 1),)))


def test_questions_not_seen_lately_come_first(library):
    add_bank(library, [q(T.SINGLE, n) for n in range(8)])
    with Session(library.engine) as s:
        ids = list(s.execute(select(exam_question_id())).scalars())
    old = datetime(2024, 1, 1, tzinfo=UTC)
    with Session(library.engine) as s, s.begin():
        for k, qid in enumerate(ids[:5]):  # five seen, the first one longest ago
            s.add(
                AnswerRecord(
                    question_id=qid, response="A", correct=False, at=old + timedelta(days=k)
                )
            )
    paper = exam.compose(library.engine, small((exam.Slot(T.SINGLE, 3, 1),)), seed=3)
    assert {i.qid for i in paper.items} == set(ids[5:])
    paper = exam.compose(library.engine, small((exam.Slot(T.SINGLE, 4, 1),)), seed=3)
    assert {i.qid for i in paper.items} == {*ids[5:], ids[0]}


def exam_question_id():
    from csapp.core.models import Question

    return Question.id


def test_difficulty_mix_is_honoured(bank):
    bp = small(
        (exam.Slot(T.SINGLE, 20, 1),), difficulty_mix={"易": 20, "较易": 30, "较难": 30, "难": 20}
    )
    for seed in range(3):
        paper = exam.compose(bank.engine, bp, seed=seed)
        assert exam.difficulty_counts(paper, 0) == Counter({"易": 4, "较易": 6, "较难": 6, "难": 4})
        assert paper.notes == []


def test_mix_where_the_bank_allows_and_says_so(library):
    drafts = [q(T.SINGLE, n, 1, "易") for n in range(10)] + [q(T.SINGLE, 9, 1, "难")]
    add_bank(library, drafts)
    bp = small((exam.Slot(T.SINGLE, 5, 1),), difficulty_mix={"易": 20, "难": 80})
    paper = exam.compose(library.engine, bp, seed=1)
    assert exam.difficulty_counts(paper, 0) == Counter({"易": 4, "难": 1})
    assert paper.notes == ["单选题：没能完全按难度比例出题（“难”少 3 道），由其他难度的题补足。"]


def test_chapter_weights_spread_the_questions(bank):
    bp = small((exam.Slot(T.SINGLE, 8, 1),), chapter_weights={1: 3, 2: 1})
    paper = exam.compose(bank.engine, bp, seed=2)
    assert Counter(i.chapter_no for i in paper.items) == Counter({1: 6, 2: 2})
    bp = small((exam.Slot(T.MULTI, 10, 1),), chapter_weights={n: 1 for n in range(1, 11)})
    paper = exam.compose(bank.engine, bp, seed=2)
    assert Counter(i.chapter_no for i in paper.items) == Counter({n: 1 for n in range(1, 11)})


def test_a_chapter_scope_limits_the_paper(bank):
    paper = exam.compose(bank.engine, exam.CHAPTER_QUIZ, scope=(3,), seed=1)
    assert {i.chapter_no for i in paper.items} == {3}
    assert paper.title == "章节测验（第3章）"
    assert [i.marks for i in paper.items] == [7] * 10 + [6] * 5


def test_the_shortage_message_is_exact_and_comes_before_anything(library):
    add_bank(
        library,
        [q(T.SINGLE, n, 3) for n in range(12)] + [q(T.JUDGE, n, 3) for n in range(5)],
        [case("甲案例", 3, [6, 5, 4])],
    )
    bp = small((exam.Slot(T.SINGLE, 20, 1), exam.Slot(T.JUDGE, 5, 1), exam.Slot(T.CASE, 2, 15)))
    shortages = exam.check(library.engine, bp, (3,))
    text = exam.shortage_message(shortages)
    assert text == (
        "题目不够组成这份试卷：单选题需要 20 道，第3章只有 12 道，还差 8 道；"
        "案例分析题需要 2 个案例，第3章只有 1 个案例，还差 1 个案例。"
    )
    with pytest.raises(exam.ShortageError) as caught:
        exam.compose(library.engine, bp, (3,))
    assert str(caught.value) == text
    with Session(library.engine) as s:
        assert s.execute(select(func.count()).select_from(StudySession)).scalar() == 0


def test_a_case_slot_draws_whole_cases_and_scales_their_marks(bank):
    bp = small((exam.Slot(T.CASE, 4, 15),), pass_mark=36)
    paper = exam.compose(bank.engine, bp, seed=5)
    by_case: dict[int | None, list] = {}
    for item in paper.items:
        by_case.setdefault(item.case_id, []).append(item)
    assert len(by_case) == 4
    marks = {paper.cases[cid][0]: [i.marks for i in items] for cid, items in by_case.items()}
    assert marks == {
        "甲案例": [6, 5, 4],  # already 15: kept
        "乙案例": [8, 7],
        "丙案例": [7.5, 7.5],  # 8 + 8 scaled to 15
        "丁案例": [5, 5, 5],
    }
    for items in by_case.values():
        base = items[0].no.split("(")[0]
        assert [i.no for i in items] == [f"{base}({k})" for k in range(1, len(items) + 1)]


# -- the clock -----------------------------------------------------------------------------


def test_the_clock_warns_at_15_and_5_minutes_and_ends_at_zero(bank):
    clock = FakeClock()
    paper = exam.compose(bank.engine, small((exam.Slot(T.SINGLE, 2, 1),), minutes=20), seed=1)
    run_ = es.ExamRun(1, paper, now=clock)
    run_.start()
    assert run_.tick() == [] and run_.remaining() == 1200
    clock.advance(4 * 60 + 59)
    assert run_.tick() == ["save"]  # autosave, no warning yet
    run_.snapshot()
    clock.advance(1)
    assert run_.tick() == ["warn15"]
    clock.advance(1)
    assert run_.tick() == []
    run_.pause()
    clock.advance(3600)  # the app is closed: the clock stands still
    assert run_.remaining() == pytest.approx(899)
    run_.start()
    clock.advance(899 - 300)
    assert "warn5" in run_.tick()
    clock.advance(300)
    assert "timeup" in run_.tick() and run_.remaining() == 0
    assert "timeup" not in run_.tick()


def test_short_papers_skip_the_15_minute_warning_and_late_resumes_warn_once(bank):
    clock = FakeClock()
    paper = exam.compose(bank.engine, small((exam.Slot(T.SINGLE, 2, 1),), minutes=10), seed=1)
    run_ = es.ExamRun(1, paper, now=clock)
    run_.start()
    clock.advance(5 * 60)
    events = run_.tick()
    assert "warn5" in events and "warn15" not in events
    resumed = es.ExamRun(1, paper, {"remaining": 120, "warned": []}, now=clock)
    resumed.start()
    assert resumed.tick() == ["warn5"] and resumed.tick() == []


def test_time_is_counted_per_question_and_section(bank):
    clock = FakeClock()
    bp = small((exam.Slot(T.SINGLE, 2, 1), exam.Slot(T.JUDGE, 1, 1)))
    run_ = es.ExamRun(1, exam.compose(bank.engine, bp, seed=1), now=clock)
    run_.start()
    clock.advance(30)
    run_.goto(1)
    clock.advance(20)
    run_.goto(2)
    clock.advance(5)
    state = run_.snapshot()
    assert state["seconds"] == {"0": 30, "1": 20, "2": 5}
    assert run_.section_seconds(0) == 50 and run_.section_seconds(1) == 5


# -- saving and resuming ---------------------------------------------------------------------


def test_the_writer_keeps_the_newest_state(bank):
    paper = exam.compose(bank.engine, small((exam.Slot(T.SINGLE, 3, 1),)), seed=1)
    sid = es.start_exam(bank.engine, paper)
    writer = es.StateWriter(bank.engine)
    run_ = es.ExamRun(sid, paper)
    for k in range(200):
        run_.answer(k % 3, "ABCD"[k % 4])
        writer.save(sid, run_.snapshot())
    assert writer.flush()
    assert writer.writes <= 200 and writer.error is None
    saved = es.load_run(bank.engine, sid)
    assert saved.answers == run_.answers
    writer.close()


CRASH = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from csapp.core.library import open_library
    from csapp.core import exam, exam_session as es

    lib = open_library(Path(sys.argv[1]), builtin=False)
    sid = int(sys.argv[2])
    t = [5000.0]
    run = es.load_run(lib.engine, sid, now=lambda: t[0])
    writer = es.StateWriter(lib.engine)
    run.start()
    run.answer(0, "B"); writer.save(sid, run.snapshot())
    t[0] += 100
    run.goto(1); run.answer(1, "C"); run.toggle_mark(1); writer.save(sid, run.snapshot())
    t[0] += 50
    run.goto(2); run.answer(2, "正确"); writer.save(sid, run.snapshot())
    writer.flush()
    os._exit(9)  # the power goes out: no pause, no close, no goodbye
    """
)


def test_an_exam_resumes_after_a_crash_with_the_time_that_was_left(bank, data_dir):
    bp = small((exam.Slot(T.SINGLE, 2, 1), exam.Slot(T.JUDGE, 1, 1)), minutes=30)
    paper = exam.compose(bank.engine, bp, seed=1)
    sid = es.start_exam(bank.engine, paper)
    result = subprocess.run(
        [sys.executable, "-c", CRASH, str(data_dir), str(sid)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 9, result.stderr
    assert es.unfinished_exam(bank.engine).text == "小测：已答 3/3 题，剩余时间 27:30"
    run_ = es.load_run(bank.engine, sid)
    assert run_.answers == {0: "B", 1: "C", 2: "正确"}
    assert run_.marked == {1}
    assert run_.current == 2
    assert run_.remaining() == pytest.approx(30 * 60 - 150)
    assert {k: v for k, v in run_.seconds.items() if v} == {0: 100, 1: 50}


# -- marking and the report ----------------------------------------------------------------


def _sit(bank, now=None):
    """A paper of 2 单选, 1 多选, 1 判断, 2 简答; some right, some wrong, one left empty."""
    bp = exam.Blueprint(
        "周测", 30, 12,
        (exam.Slot(T.SINGLE, 2, 5), exam.Slot(T.MULTI, 1, 4), exam.Slot(T.JUDGE, 1, 1),
         exam.Slot(T.SHORT, 2, 10)),
    )  # fmt: skip
    paper = exam.compose(bank.engine, bp, seed=4)
    sid = es.start_exam(bank.engine, paper)
    clock = FakeClock()
    run_ = es.ExamRun(sid, paper, now=clock)
    run_.start()
    run_.answer(0, "B")  # right
    clock.advance(60)
    run_.goto(1)
    run_.answer(1, "A")  # wrong
    run_.goto(2)
    run_.answer(2, "AB")  # 多选 half right is wrong
    run_.goto(4)
    clock.advance(120)
    run_.answer(4, "主导、制约")
    # item 3 (判断) and item 5 (the second 简答) stay empty
    return sid, paper, run_


def test_submit_grades_objective_items_and_opens_self_marking(bank):
    sid, _paper, run_ = _sit(bank)
    writer = es.StateWriter(bank.engine)
    result = es.submit_exam(bank.engine, run_, writer)
    assert result.objective_score == 5
    assert result.to_mark == [4]  # the empty 简答 is marked zero by itself
    report = es.report(bank.engine, sid)
    assert report.phase == "marking" and report.pending == 1
    assert report.score == 5 and report.passed is None and report.verdict == "待批改"
    assert es.unfinished_exam(bank.engine) is None
    assert [r.correct for r in report.items] == [True, False, False, False, None, False]
    with pytest.raises(ValueError, match="还有题目没有批改：第 5 题"):
        es.finish_marking(bank.engine, sid)
    history = es.history(bank.engine)
    assert len(history) == 1 and history[0].result_text == "待批改（已得 5 分）"
    writer.close()


def test_self_marking_can_be_finished_later_and_the_report_adds_up(bank):
    sid, paper, run_ = _sit(bank)
    es.submit_exam(bank.engine, run_)
    es.set_self_marks(bank.engine, sid, 4, [1.0, None, None])  # part of it, then a break
    assert es.report(bank.engine, sid).pending == 1
    es.set_self_marks(bank.engine, sid, 4, [1.0, 0.5, 0.0])  # 4 + 2 + 0 of 10
    total = es.finish_marking(bank.engine, sid)
    assert total == 5 + 6
    report = es.report(bank.engine, sid)
    assert (report.score, report.total, report.pass_mark) == (11, 35, 12)
    assert report.final and report.passed is False and report.verdict == "未及格"
    by_type = {
        line.label: (line.score, line.marks, line.right, line.count) for line in report.by_type
    }
    assert by_type == {
        "单选题": (5, 10, 1, 2),
        "多选题": (0, 4, 0, 1),
        "判断题": (0, 1, 0, 1),
        "简答题": (6, 20, 1, 2),  # 6 of 10 is 60 %: right
    }
    assert sum(line.score for line in report.by_chapter) == 11
    sections = {line.label: line.seconds for line in report.by_section}
    assert sections["一、单项选择题"] == 60 and sections["四、简答题"] == 120
    assert report.items[4].fractions == [1.0, 0.5, 0.0]
    with Session(bank.engine) as s:
        records = s.execute(select(AnswerRecord).where(AnswerRecord.session_id == sid)).scalars()
        assert sorted((r.question_id, r.correct) for r in records) == sorted(
            (i.qid, c)
            for i, c in zip(paper.items, [True, False, False, False, True, False], strict=True)
        )
        book = {e.question_id: e for e in s.execute(select(WrongBookEntry)).scalars()}
    wrong = {paper.items[k].qid for k in (1, 2, 3, 5)}
    assert set(book) == wrong
    assert all(e.wrong_count == 1 and e.correct_streak == 0 for e in book.values())
    (row,) = es.history(bank.engine)
    assert (row.score, row.passed, row.percent) == (11, False, pytest.approx(100 * 11 / 35))
    with pytest.raises(ValueError):
        es.set_self_marks(bank.engine, sid, 4, [1, 1, 1])  # a finished report is final


def test_a_second_miss_counts_twice_and_a_right_answer_starts_a_streak(library):
    add_bank(library, [q(T.SINGLE, n) for n in range(3)])  # the key is B
    bp = small((exam.Slot(T.SINGLE, 3, 1),))
    for responses in (["A", "A", "A"], ["A", "A", "B"]):
        paper = exam.compose(library.engine, bp, seed=1)
        run_ = es.ExamRun(es.start_exam(library.engine, paper), paper)
        for item, response in zip(paper.items, responses, strict=True):
            run_.answer(item.index, response)
        assert es.submit_exam(library.engine, run_).to_mark == []
    with Session(library.engine) as s:
        entries = sorted(
            (e.wrong_count, e.correct_streak) for e in s.execute(select(WrongBookEntry)).scalars()
        )
    assert entries == [(1, 1), (2, 0), (2, 0)]


def _answer_records(engine, session_id: int) -> int:
    with Session(engine) as s:
        return s.execute(
            select(func.count()).where(AnswerRecord.session_id == session_id)
        ).scalar_one()


def test_submitting_twice_records_the_answers_once(bank):
    sid, paper, run_ = _sit(bank)
    first = es.submit_exam(bank.engine, run_)
    assert _answer_records(bank.engine, sid) == 4  # the objective items; 简答 after marking
    with Session(bank.engine) as s:
        stored = s.get(StudySession, sid)
        stored_state, submitted_at = dict(stored.state), stored.submitted_at
    # the same screen again (a double click racing the timer), then a second caller
    later = datetime.now(UTC) + timedelta(minutes=5)
    again = es.submit_exam(bank.engine, run_, now=later)
    other = es.load_run(bank.engine, sid)
    other.phase = "answering"
    other.answer(1, paper.items[1].answer)  # its answers do not count: the paper is in
    third = es.submit_exam(bank.engine, other, now=later)
    assert first == again == third == es.Submitted(sid, 5, [4])
    assert run_.phase == other.phase == "marking"
    assert _answer_records(bank.engine, sid) == 4
    with Session(bank.engine) as s:
        stored = s.get(StudySession, sid)
        assert (dict(stored.state), stored.submitted_at) == (stored_state, submitted_at)
        assert all(e.wrong_count == 1 for e in s.execute(select(WrongBookEntry)).scalars())
    assert es.report(bank.engine, sid).score == 5
    es.set_self_marks(bank.engine, sid, 4, [1.0, 1.0, 1.0])
    assert es.submit_exam(bank.engine, run_).to_mark == []  # what still waits for marks


def test_an_exam_finished_at_submit_is_not_recorded_again(library):
    add_bank(library, [q(T.SINGLE, n) for n in range(3)])  # the key is B
    paper = exam.compose(library.engine, small((exam.Slot(T.SINGLE, 3, 1),)), seed=1)
    sid = es.start_exam(library.engine, paper)
    run_ = es.ExamRun(sid, paper)
    run_.answer(0, "B")
    first = es.submit_exam(library.engine, run_)
    assert first.to_mark == [] and run_.phase == "done"
    assert es.submit_exam(library.engine, run_) == first
    assert run_.phase == "done"
    assert _answer_records(library.engine, sid) == 3
    assert es.report(library.engine, sid).score == 1


def test_callers_submitting_at_once_cannot_both_win(library):
    add_bank(library, [q(T.SINGLE, n) for n in range(20)])
    paper = exam.compose(library.engine, small((exam.Slot(T.SINGLE, 20, 1),)), seed=1)
    sid = es.start_exam(library.engine, paper)
    runs = [es.ExamRun(sid, paper) for _ in range(4)]  # the screen, the timer, two callers
    for run_ in runs:
        for item in paper.items[:10]:
            run_.answer(item.index, "B")
    gate = threading.Barrier(len(runs))
    outcomes: list[object] = []

    def submit(run_: es.ExamRun) -> None:
        gate.wait()
        try:
            outcomes.append(es.submit_exam(library.engine, run_))
        except Exception as exc:  # the assertion below shows it
            outcomes.append(exc)

    threads = [threading.Thread(target=submit, args=(r,)) for r in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes == [es.Submitted(sid, 10, [])] * len(runs)
    assert _answer_records(library.engine, sid) == 20
    assert es.report(library.engine, sid).score == 10


def test_an_abandoned_exam_cannot_be_submitted(bank):
    sid, _paper, run_ = _sit(bank)
    es.abandon_exam(bank.engine, sid)
    with pytest.raises(ValueError, match="这场考试已经放弃，不能再交卷。"):
        es.submit_exam(bank.engine, run_)
    assert _answer_records(bank.engine, sid) == 0


def test_the_resume_offer_is_the_newest_exam_still_answered(bank):
    paper = exam.compose(bank.engine, small((exam.Slot(T.SINGLE, 3, 1),)), seed=1)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)

    def sit(minutes: int, answers: dict[int, str]) -> int:
        sid = es.start_exam(bank.engine, paper, now=start + timedelta(minutes=minutes))
        run_ = es.ExamRun(sid, paper)
        for index, response in answers.items():
            run_.answer(index, response)
        es.write_states(bank.engine, {sid: {**run_.snapshot(), "remaining": 600 + minutes}})
        return sid

    def set_state(sid: int, **changes) -> None:
        with Session(bank.engine) as s:
            row = s.get(StudySession, sid)
            row.state = {k: v for k, v in {**row.state, **changes}.items() if v != "-"}
            s.add(row)
            s.commit()

    oldest = sit(0, {0: "B"})
    chosen = sit(1, {0: "B", 1: "|", 2: " \u3000 "})  # two empty blanks and spaces: unanswered
    marking = sit(2, {0: "A"})
    set_state(marking, phase="marking")  # self-marking (not yet submitted): not offered
    es.submit_exam(bank.engine, es.load_run(bank.engine, sit(3, {})))
    sid_practice = es.start_exam(bank.engine, paper, now=start + timedelta(minutes=4))
    with Session(bank.engine) as s:
        s.get(StudySession, sid_practice).kind = "practice"
        s.commit()
    # only the chosen exam is read: an older exam's paper is not even parsed
    with bank.engine.begin() as conn:
        conn.exec_driver_sql(
            'UPDATE studysession SET settings = \'{"paper": {"items": [\' WHERE id = ?',
            (oldest,),
        )
    brief = es.unfinished_exam(bank.engine)
    assert (brief.session_id, brief.answered, brief.items) == (chosen, 1, 3)
    assert (brief.title, brief.remaining) == ("小测", 601)
    assert brief.started_at.replace(tzinfo=UTC) == start + timedelta(minutes=1)
    set_state(marking, phase="-")  # a state saved without a phase is being answered
    assert es.unfinished_exam(bank.engine).session_id == marking
    set_state(marking, phase=None)
    assert es.unfinished_exam(bank.engine).session_id == chosen


def test_an_abandoned_exam_is_kept_but_not_offered(bank):
    paper = exam.compose(bank.engine, small((exam.Slot(T.SINGLE, 2, 1),)), seed=1)
    sid = es.start_exam(bank.engine, paper)
    assert es.unfinished_exam(bank.engine).session_id == sid
    es.abandon_exam(bank.engine, sid)
    assert es.unfinished_exam(bank.engine) is None
    assert es.history(bank.engine) == []


def test_numbers_are_shortened_for_the_confirmation():
    assert (
        es.numbers_text(["1", "2", "3", "5", "7", "8", "12(1)", "12(2)"])
        == "1–3、5、7、8、12(1)、12(2)"
    )
    assert es.clock_text(5400) == "1:30:00" and es.clock_text(59.2) == "1:00"


def test_marks_saved_at_once_are_all_kept(bank):
    """Two writers marking at the same moment (the screen and a second window, say): neither
    fails on a stale read and neither loses the other's marks."""
    sid, paper, run_ = _sit(bank)
    es.submit_exam(bank.engine, run_)
    item = paper.items[4]
    rounds, writers = 15, 3
    errors: list[BaseException] = []
    for r in range(rounds):
        gate = threading.Barrier(writers)

        def mark(k: int, r: int = r, gate: threading.Barrier = gate) -> None:
            fractions = [None] * len(item.points)
            fractions[k % len(fractions)] = (r % 2) * 1.0
            gate.wait()
            try:
                # each writer keeps its own item key: the JSON holds all of them afterwards
                es.set_self_marks(bank.engine, sid, 100 * k + r, fractions)
            except BaseException as exc:  # the assertion below shows it
                errors.append(exc)

        threads = [threading.Thread(target=mark, args=(k,)) for k in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    with bank.engine.connect() as conn:
        state = conn.execute(select(StudySession.state).where(StudySession.id == sid)).scalar()
    keys = {int(k) for k in state["self_marks"]}
    assert {100 * k + r for k in range(writers) for r in range(rounds)} <= keys
