"""The built-in workbook: clean, identical to the TOML sources, loaded through the reader."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from csapp import paths
from csapp.core import course_bank
from csapp.core.bankio import read_bank
from csapp.core.models import AnswerRecord, Bank, Question
from csapp.core.questions import normalize_text

REBUILD = "uv run main.py build-course-bank"


@pytest.fixture(scope="module")
def workbook():
    assert paths.BUILTIN_BANK.exists(), f"内置题库不存在，请运行 {REBUILD}"
    return read_bank(paths.BUILTIN_BANK)


@pytest.fixture(scope="module")
def sources():
    return course_bank.load_sources()


def _norm(value):
    """The reader NFKC-normalises every cell (５S → 5S); compare in that form."""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _question_key(q) -> tuple:
    return (
        q.fingerprint,
        str(q.qtype),
        _norm(q.answer),
        _norm(q.explanation),
        q.chapter,
        q.knowledge_point,
        q.difficulty,
        q.cognitive_level,
        q.score,
        [(_norm(p.text), p.marks, _norm(p.keywords)) for p in q.key_points],
    )


def test_the_workbook_imports_with_no_errors_and_no_warnings(workbook):
    report = workbook.report
    assert report.errors == [] and report.warnings == []
    assert report.inferred_types == 0
    assert report.questions >= 360 and report.cases >= 12
    assert [s["sheet"] for s in report.skipped_sheets] == ["说明"]


def test_the_workbook_matches_the_toml_sources(workbook, sources):
    questions, cases = sources
    got = [_question_key(q) for q in workbook.questions]
    want = [_question_key(q) for q in questions]
    assert len(got) == len(want), f"题目数量不一致：请运行 {REBUILD}"
    for g, w in zip(got, want, strict=True):
        assert g == w, f"内置题库与 TOML 不一致（{w[0][:8]}），请运行 {REBUILD}"
    got_cases = [
        (c.title, _norm(c.material), c.chapter, [_question_key(q) for q in c.questions])
        for c in workbook.cases
    ]
    want_cases = [
        (c.title, _norm(c.material), c.chapter, [_question_key(q) for q in c.questions])
        for c in cases
    ]
    assert got_cases == want_cases, f"案例与 TOML 不一致，请运行 {REBUILD}"


def test_build_workbook_writes_what_the_sources_hold(tmp_path, sources):
    out = course_bank.build_workbook(tmp_path / "课程.xlsx")
    back = read_bank(out)
    assert [q.fingerprint for q in back.questions] == [q.fingerprint for q in sources[0]]
    assert back.report.cases == len(sources[1])


def _answer_count(lib) -> int:
    with lib.session() as s:
        return s.execute(select(func.count()).select_from(AnswerRecord)).scalar()


def test_a_changed_workbook_updates_the_bank_on_the_next_open_and_keeps_history(
    data_dir, tmp_path, monkeypatch
):
    from csapp.core.bankio import export_workbook
    from csapp.core.library import open_library, sync_builtin_bank

    copy = tmp_path / "客户服务管理.xlsx"
    shutil.copyfile(paths.BUILTIN_BANK, copy)
    monkeypatch.setattr(paths, "BUILTIN_BANK", copy)

    lib = open_library(data_dir)
    try:
        with lib.session() as s:
            bank = s.execute(select(Bank).where(Bank.name == course_bank.BANK_NAME)).scalar_one()
            assert bank.builtin and bank.source_file.endswith("客户服务管理.xlsx")
            first = (
                s.execute(
                    select(Question)
                    .where(Question.bank_id == bank.id, Question.qtype == "单选题")
                    .order_by(Question.position)
                )
                .scalars()
                .first()
            )
        with lib.session() as s, s.begin():
            s.add(AnswerRecord(question_id=first.id, response=first.answer, correct=True))
        assert sync_builtin_bank(lib) is None  # unchanged file: not even read again
    finally:
        lib.close()

    # The authors correct a key and an explanation and rebuild the workbook.
    questions, cases = course_bank.load_sources()
    target = next(q for q in questions if q.fingerprint == first.fingerprint)
    target.answer = next(c for c in "ABCD" if c != first.answer)
    target.explanation = "更正后的解析"
    export_workbook(copy, questions, cases)

    lib = open_library(data_dir)
    try:
        with lib.session() as s:
            q = s.get(Question, first.id)
            assert (q.answer, q.explanation) == (target.answer, "更正后的解析")
            total = s.execute(select(func.count()).select_from(Question)).scalar()
        assert total == len(questions) + sum(len(c.questions) for c in cases)
        assert _answer_count(lib) == 1
    finally:
        lib.close()
