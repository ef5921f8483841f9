"""Guards on the built-in course: a broken anchor or a wrong key teaches something false."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from csapp.core.course import chapters, sections
from csapp.core.course_bank import load_sources
from csapp.core.questions import QuestionType

FLOORS = {
    QuestionType.SINGLE: 15,
    QuestionType.MULTI: 6,
    QuestionType.JUDGE: 6,
    QuestionType.FILL: 3,
    QuestionType.TERM: 3,
    QuestionType.SHORT: 2,
    QuestionType.ESSAY: 1,
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.mark.parametrize("chapter", chapters(), ids=lambda c: f"ch{c.no:02d}")
def test_chapter_has_the_required_shape(chapter):
    text = chapter.text()
    assert text.splitlines()[0] == f"# {chapter.label}"
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## 学习目标"
    assert headings[-1] == "## 本章小结"
    secs = sections(text)
    assert len(secs) >= 3
    assert all(s.anchor.split(".")[0] == str(chapter.no) for s in secs), (
        "anchors use the chapter no."
    )
    assert len({s.anchor for s in secs}) == len(secs), "anchors are unique"
    assert "【案例】" in text
    assert "**" in text, "key terms in bold"
    assert len(CJK.findall(text)) >= 3000


@pytest.mark.parametrize("chapter", chapters(), ids=lambda c: f"ch{c.no:02d}")
def test_chapter_renders_with_its_headings(qtbot, chapter):
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setMarkdown(chapter.text())
    headings = set()
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            headings.add(block.text())
        block = block.next()
    for section in sections(chapter.text()):
        assert section.heading in headings
    assert "**" not in doc.toPlainText(), "every bold span closes"


def test_every_knowledge_point_is_a_heading_of_its_chapter(sources):
    questions, _cases = sources
    headings = {c.label: {s.heading for s in sections(c.text())} for c in chapters()}
    for q in questions:
        assert q.knowledge_point in headings[q.chapter], (q.source, q.knowledge_point)


def test_every_objective_key_names_an_existing_option(sources):
    questions, _cases = sources
    for q in questions:
        if q.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
            letters = "ABCDEFGH"[: len(q.options)]
            assert q.answer and set(q.answer) <= set(letters), (q.source, q.answer)
            assert len(set(q.options)) == len(q.options), (q.source, "duplicate options")
        if q.qtype == QuestionType.SINGLE:
            assert len(q.answer) == 1, q.source
        if q.qtype == QuestionType.MULTI:
            assert 2 <= len(q.answer) <= len(q.options), q.source
            assert q.answer == "".join(sorted(set(q.answer))), q.source
        if q.qtype == QuestionType.JUDGE:
            assert q.answer in ("正确", "错误"), q.source
        if q.qtype == QuestionType.FILL:
            blanks = len(re.findall(r"（\s*）", q.stem))
            assert blanks == len(q.answer.split("|")), (q.source, q.stem)


def test_subjective_points_add_up_and_have_keywords(sources):
    questions, cases = sources
    subjective = [q for q in questions if not q.qtype.is_objective]
    subjective += [q for c in cases for q in c.questions]
    for q in subjective:
        assert q.key_points, q.source
        assert sum(p.marks for p in q.key_points) == pytest.approx(q.score), (q.source, q.stem)
        assert all(p.keywords for p in q.key_points), (q.source, q.stem)


def test_floors_per_chapter_and_type(sources):
    questions, _cases = sources
    counts = Counter((q.chapter, q.qtype) for q in questions)
    for chapter in chapters():
        for qtype, floor in FLOORS.items():
            assert counts[(chapter.label, qtype)] >= floor, (chapter.label, qtype)
    assert len(questions) >= 360


def test_difficulty_and_levels_are_from_the_syllabus(sources):
    questions, _cases = sources
    assert {q.difficulty for q in questions} <= {"易", "较易", "较难", "难"}
    assert {q.cognitive_level for q in questions} <= {"识记", "领会", "简单应用", "综合应用"}
    mix = Counter(q.difficulty for q in questions)
    for level, share in (("易", 0.2), ("较易", 0.3), ("较难", 0.3), ("难", 0.2)):
        assert abs(mix[level] / len(questions) - share) < 0.08, (level, mix)
    assert all(q.explanation for q in questions)


def test_no_duplicate_fingerprints(sources):
    questions, cases = sources
    prints = [q.fingerprint for q in questions] + [
        q.fingerprint for c in cases for q in c.questions
    ]
    assert len(prints) == len(set(prints))


def test_single_choice_keys_are_spread(sources):
    questions, _cases = sources
    keys = Counter(q.answer for q in questions if q.qtype == QuestionType.SINGLE)
    total = sum(keys.values())
    assert all(keys[letter] / total > 0.15 for letter in "ABCD"), keys


def test_case_library(sources):
    _questions, cases = sources
    assert len(cases) >= 12
    assert len({c.title for c in cases}) == len(cases)
    for case in cases:
        assert case.chapter, case.title
        assert 2 <= len(case.questions) <= 3, case.title
        assert sum(q.score for q in case.questions) == pytest.approx(15), case.title
        assert len(CJK.findall(case.material)) >= 250, case.title


def test_next_to_read_is_the_first_chapter_not_finished(tmp_path):
    from csapp.core.course import chapters, next_to_read

    assert next_to_read(()) == 1
    assert next_to_read((1, 2, 4)) == 3
    every = [c.no for c in chapters()]
    assert next_to_read(every) == 1  # all read: back to the start for revision
    # A chapter whose text is missing is skipped; a course with none gives None.
    (tmp_path / "ch01.md").write_text("# 第1章\n", encoding="utf-8")
    (tmp_path / "index.toml").write_text(
        '[[chapter]]\nno = 1\ntitle = "一"\nfile = "ch01.md"\n'
        '[[chapter]]\nno = 2\ntitle = "二"\nfile = "missing.md"\n',
        encoding="utf-8",
    )
    assert next_to_read((1,), tmp_path) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "index.toml").write_text('[[chapter]]\nno = 1\ntitle = "一"\nfile = "x.md"\n')
    assert next_to_read((), empty) is None
