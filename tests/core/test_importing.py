"""Writing drafts into a bank: one transaction, idempotent, corrections keep history."""

from __future__ import annotations

from sqlalchemy import func, select

from csapp.core.cases import case_library
from csapp.core.importing import import_drafts, run
from csapp.core.models import AnswerRecord, Question
from csapp.core.questions import CaseDraft, KeyPoint, QuestionDraft, QuestionType


def _drafts(n: int = 5) -> list[QuestionDraft]:
    return [
        QuestionDraft(
            qtype=QuestionType.SINGLE,
            stem=f"客户满意度等于可感知效果减去什么？（{i}）",
            options=["实际值", "期望值", "心理反差", "失落感"],
            answer="B",
            explanation="满意度 = 可感知效果 − 期望值。",
            chapter="第4章 客户服务质量管理",
        )
        for i in range(n)
    ]


def _case() -> CaseDraft:
    return CaseDraft(
        title="航班延误",
        material="航班延误两小时……",
        chapter="第10章 客户投诉与投诉处理",
        questions=[
            QuestionDraft(
                qtype=QuestionType.CASE,
                stem="分析其服务补救做法。",
                answer="1. 主动（5分）",
                score=5,
                key_points=[KeyPoint("主动", 5, [["主动", "及时"]])],
                case_title="航班延误",
            )
        ],
    )


def _count(library) -> int:
    with library.session() as s:
        return s.execute(select(func.count()).select_from(Question)).scalar()


def test_import_adds_questions_with_chapter_numbers(library):
    out = run(import_drafts(library.engine, "测试", _drafts(), [_case()]))
    assert (out.added, out.updated, out.unchanged, out.cases_added) == (6, 0, 0, 1)
    with library.session() as s:
        numbers = set(s.execute(select(Question.chapter_no)).scalars())
    assert numbers == {4, 10}
    (case,) = case_library(library.engine)
    assert case.questions == 1
    with library.session() as s:
        positions = s.execute(select(Question.position).order_by(Question.id)).scalars().all()
    assert positions == list(range(6))  # case questions follow the others, no gap


def test_importing_the_same_drafts_twice_changes_nothing(library):
    run(import_drafts(library.engine, "测试", _drafts(), [_case()]))
    out = run(import_drafts(library.engine, "测试", _drafts(), [_case()]))
    assert (out.added, out.updated, out.unchanged, out.cases_added) == (0, 0, 6, 0)
    assert _count(library) == 6


def test_a_corrected_key_updates_in_place_and_keeps_the_learners_answers(library):
    run(import_drafts(library.engine, "测试", _drafts()))
    with library.session() as s, s.begin():
        qid = s.execute(select(Question.id).order_by(Question.id)).scalars().first()
        s.add(AnswerRecord(question_id=qid, response="B", correct=True))
    corrected = _drafts()
    corrected[0].answer = "C"
    corrected[0].explanation = "更正后的解析"
    out = run(import_drafts(library.engine, "测试", corrected))
    assert (out.added, out.updated, out.unchanged) == (0, 1, 4)
    with library.session() as s:
        q = s.get(Question, qid)
        assert (q.answer, q.explanation) == ("C", "更正后的解析")
        assert s.execute(select(func.count()).select_from(AnswerRecord)).scalar() == 1


def test_cancelling_an_import_leaves_the_database_as_it_was(library):
    run(import_drafts(library.engine, "已有", _drafts(2)))
    many = _drafts(5000)
    gen = import_drafts(library.engine, "新题库", many)
    fractions = [next(gen) for _ in range(3)]
    assert fractions == sorted(fractions)
    gen.close()  # what the GUI's cancel does
    assert _count(library) == 2
    assert [b.name for b in library.summary().banks] == ["已有"]


def test_progress_reaches_the_end(library):
    gen = import_drafts(library.engine, "测试", _drafts(4500))
    seen = []
    try:
        while True:
            seen.append(next(gen))
    except StopIteration as stop:
        out = stop.value
    assert out.added == 4500
    assert seen[-1] == 1.0
    assert len(seen) >= 4


def test_built_in_bank_is_synced_once(data_dir):
    from csapp.core.library import open_library, sync_builtin_bank

    lib = open_library(data_dir)
    try:
        (bank,) = lib.summary().banks
        assert bank.builtin and bank.questions > 300 and bank.cases >= 12
        assert sync_builtin_bank(lib) is None  # unchanged sources: nothing to do
    finally:
        lib.close()
