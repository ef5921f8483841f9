"""Case library, drafts, submissions, self-marks, versions, diff, highlights and export."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from csapp.core import cases, richtext
from csapp.core.models import Bank, Case, Question

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MATERIAL = "第一段：小王给熟客送米。\n\n第二段：他带着一个小本子，记下每户的人口和饭量。"


def add_case(library, title="米店", chapter="第1章 客户服务概述", no=1, material=MATERIAL):
    with library.session() as s, s.begin():
        bank = s.exec(select(Bank).where(Bank.name == "测试题库")).first()
        if bank is None:
            bank = Bank(name="测试题库")
            s.add(bank)
            s.flush()
        case = Case(bank_id=bank.id, title=title, material=material, chapter=chapter, chapter_no=no)
        s.add(case)
        s.flush()
        for i, (stem, points) in enumerate(
            [
                (
                    "小王的服务体现了哪些特点？",
                    [
                        {"text": "层次性：先考虑客户利益", "marks": 2, "keywords": [["层次性"]]},
                        {"text": "及时性：按时送到", "marks": 2, "keywords": [["及时性", "及时"]]},
                    ],
                ),
                (
                    "小本子有什么作用？",
                    [{"text": "客户档案", "marks": 3, "keywords": [["客户档案", "档案"]]}],
                ),
            ]
        ):
            s.add(
                Question(
                    bank_id=bank.id,
                    qtype="案例分析题",
                    stem=stem,
                    answer="",
                    score=sum(p["marks"] for p in points),
                    key_points=points,
                    case_id=case.id,
                    chapter=chapter,
                    chapter_no=no,
                    fingerprint=f"{title}-{i}",
                    position=i,
                )
            )
        return case.id


def html(text: str) -> str:
    return richtext.from_plain_text(text)


GOOD_1 = "小王的服务体现了层次性，他先替顾客清理米缸，把客户的利益放在前面，避免米放坏。"
GOOD_2 = "小本子是一份客户档案，记下了每户的人口和饭量，小王据此安排送米。"


def status_of(library, case_id):
    return next(r for r in cases.case_library(library.engine) if r.id == case_id)


def test_the_library_lists_cases_with_status_and_best_score(library):
    rice = add_case(library)
    other = add_case(library, "出租车", "第2章 客户服务人员服务理念", 2)
    row = status_of(library, rice)
    assert (row.status, row.best, row.questions, row.marks) == (cases.NOT_STARTED, None, 2, 7)
    assert row.best_text == "—"

    q1, _q2 = (q.id for q in cases.load_case(library.engine, rice).questions)
    cases.save_draft(library.engine, q1, html(GOOD_1), now=T0)
    assert status_of(library, rice).status == cases.DRAFT

    cases.submit_case(library.engine, rice, now=T0 + timedelta(minutes=1))
    row = status_of(library, rice)
    assert (row.status, row.best, row.submissions) == (cases.SUBMITTED, 2.0, 1)

    # Writing again after a submission is a draft once more; the best score stays.
    cases.save_draft(library.engine, q1, html(GOOD_1 + "还体现了及时性。"), now=T0 + timedelta(2))
    row = status_of(library, rice)
    assert (row.status, row.best) == (cases.DRAFT, 2.0)

    # Filters.
    assert [r.id for r in cases.case_library(library.engine, chapter_no=2)] == [other]
    assert [r.id for r in cases.case_library(library.engine, status=cases.DRAFT)] == [rice]
    assert [r.id for r in cases.case_library(library.engine, status=cases.NOT_STARTED)] == [other]
    assert cases.case_chapters(library.engine) == [
        (1, "第1章 客户服务概述"),
        (2, "第2章 客户服务人员服务理念"),
    ]


def test_an_empty_answer_is_not_a_draft(library):
    rice = add_case(library)
    q1 = cases.load_case(library.engine, rice).questions[0].id
    cases.save_draft(library.engine, q1, "<html><body><p><br /></p></body></html>")
    assert status_of(library, rice).status == cases.NOT_STARTED


def test_submit_judges_keeps_attempts_and_self_marks_change_the_score(library):
    rice = add_case(library)
    q1, q2 = (q.id for q in cases.load_case(library.engine, rice).questions)
    sub = cases.submit_case(
        library.engine,
        rice,
        answers={q1: html(GOOD_1), q2: html(GOOD_2)},
        seconds=754.3,
        timed_minutes=20,
        now=T0,
    )
    assert (sub.total, sub.marks) == (5.0, 7.0)
    first, second = sub.attempts
    assert [c["covered"] for c in first.coverage] == [True, False]
    assert first.self_marks == [2.0, 0.0] and second.self_marks == [3.0]
    assert first.missed == [1]
    assert first.text == GOOD_1
    s, e = first.coverage[0]["spans"][0]
    assert first.text[s:e] == "层次性"
    assert (sub.seconds, sub.timed_minutes) == (754.3, 20)
    # The answers given were saved as drafts too.
    assert richtext.plain_text(cases.load_case(library.engine, rice).questions[1].draft) == GOOD_2

    # The learner disagrees twice: the totals follow and are kept.
    sub = cases.set_self_mark(library.engine, first.id, 1, 1.0)
    sub = cases.set_self_mark(library.engine, second.id, 0, 1.5)
    assert sub.attempts[0].self_marks == [2.0, 1.0]
    assert (sub.attempts[0].total, sub.attempts[1].total, sub.total) == (3.0, 1.5, 4.5)
    assert status_of(library, rice).best == 4.5
    again = cases.load_submission(library.engine, sub.session_id)
    assert again.total == 4.5
    [row] = cases.submissions(library.engine, rice)
    assert (row.total, row.marks, row.timed_minutes) == (4.5, 7.0, 20)

    with pytest.raises(cases.CaseError, match="最多 2 分"):
        cases.set_self_mark(library.engine, first.id, 0, 3)
    with pytest.raises(cases.CaseError):
        cases.set_self_mark(library.engine, first.id, 5, 1)


def test_the_best_of_several_submissions_counts(library):
    rice = add_case(library)
    q1 = cases.load_case(library.engine, rice).questions[0].id
    cases.submit_case(library.engine, rice, answers={q1: html(GOOD_1)}, now=T0)
    cases.submit_case(library.engine, rice, answers={q1: html("不知道")}, now=T0 + timedelta(1))
    assert status_of(library, rice).best == 2.0
    history = cases.submissions(library.engine, rice)
    assert [h.total for h in history] == [0.0, 2.0]  # newest first


def test_the_draft_writer_saves_off_thread_and_creates_the_session_lazily(library):
    rice = add_case(library)
    q1, q2 = (q.id for q in cases.load_case(library.engine, rice).questions)
    saved = []
    writer = cases.DraftWriter(
        library.engine, on_saved=lambda ids, at, secs: saved.append((threading.get_ident(), ids))
    )
    session = cases.EditingSession(rice, timed_minutes=20)
    try:
        for i in range(30):
            writer.put(q1, html(GOOD_1[: i + 1]), session)
        writer.put(q2, html(GOOD_2), session)
        assert writer.flush(5)
    finally:
        writer.close()
    assert session.id is not None
    detail = cases.load_case(library.engine, rice)
    assert richtext.plain_text(detail.questions[0].draft) == GOOD_1[:30]
    assert all(tid != threading.get_ident() for tid, _ in saved)  # never the caller's thread
    versions = cases.versions(library.engine, q1)
    assert [v.kind for v in versions] == ["编辑"]
    assert versions[0].text == GOOD_1[:30]


def test_the_draft_writer_retries_after_a_failure_without_losing_text(library, monkeypatch):
    rice = add_case(library)
    q1 = cases.load_case(library.engine, rice).questions[0].id
    real = cases._store_draft
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            import sqlite3

            raise sqlite3.OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(cases, "_store_draft", flaky)
    monkeypatch.setattr(cases.DraftWriter, "RETRY_SECONDS", 0.01)
    errors = []
    writer = cases.DraftWriter(library.engine, on_error=errors.append)
    try:
        writer.put(q1, html(GOOD_1))
        done = threading.Event()
        writer.on_saved = lambda *a: done.set()
        assert done.wait(5)
        assert writer.flush(5)
    finally:
        writer.close()
    assert len(errors) == 1
    assert richtext.plain_text(cases.load_case(library.engine, rice).questions[0].draft) == GOOD_1


def test_every_session_and_submission_is_a_version_and_can_be_compared(library):
    rice = add_case(library)
    q1 = cases.load_case(library.engine, rice).questions[0].id
    s1 = cases.start_session(library.engine, rice, now=T0)
    cases.save_draft(library.engine, q1, html("小王体现了层次性。"), session_id=s1, now=T0)
    cases.save_draft(library.engine, q1, html("小王体现了层次性和及时性。"), session_id=s1, now=T0)
    cases.submit_case(library.engine, rice, session_id=s1, now=T0 + timedelta(minutes=5))
    s2 = cases.start_session(library.engine, rice, now=T0 + timedelta(hours=1))
    later = T0 + timedelta(hours=1, minutes=3)
    cases.save_draft(library.engine, q1, html("小王的服务体现了及时性。"), session_id=s2, now=later)

    versions = cases.versions(library.engine, q1)
    # The first session ended in the submission with the same text: shown once, as 提交.
    assert [v.kind for v in versions] == ["编辑", "提交"]
    assert [v.text for v in versions] == ["小王的服务体现了及时性。", "小王体现了层次性和及时性。"]
    assert "提交" in versions[1].label and "分" in versions[1].label

    d = cases.diff(versions[1].text, versions[0].text)
    old, new = versions[1].text, versions[0].text
    assert [old[s.start : s.end] for s in d.left] == ["层次性和"]
    assert [new[s.start : s.end] for s in d.right] == ["的服务"]
    assert (d.removed, d.added) == (4, 3)
    assert cases.diff(old, old).same


def test_diff_absorbs_one_character_islands():
    d = cases.diff("客户满意度很高", "顾客忠诚度很高")
    old, new = "客户满意度很高", "顾客忠诚度很高"
    assert [old[s.start : s.end] for s in d.left] == ["客户满意"]
    assert [new[s.start : s.end] for s in d.right] == ["顾客忠诚"]


def test_starting_again_and_restoring_keep_every_text(library):
    rice = add_case(library)
    q1 = cases.load_case(library.engine, rice).questions[0].id
    cases.save_draft(library.engine, q1, html("第一稿"), now=T0)  # no session: only the draft
    cases.clear_drafts(library.engine, rice, now=T0 + timedelta(1))
    assert cases.load_case(library.engine, rice).questions[0].draft == ""
    assert [v.text for v in cases.versions(library.engine, q1)] == ["第一稿"]

    cases.save_draft(library.engine, q1, html("第二稿"), now=T0 + timedelta(2))
    cases.restore_version(library.engine, q1, html("第一稿"), now=T0 + timedelta(3))
    draft = cases.load_case(library.engine, rice).questions[0].draft
    assert richtext.plain_text(draft) == "第一稿"
    assert sorted(v.text for v in cases.versions(library.engine, q1)) == ["第一稿", "第二稿"]


def test_highlights_and_notes_follow_the_material(library):
    rice = add_case(library)
    start = MATERIAL.index("小本子")
    mark = cases.add_highlight(library.engine, rice, start, start + 3)
    note = cases.add_highlight(library.engine, rice, 4, 8, note="  送米上门  ")
    assert (mark.quote, note.quote, note.note) == ("小本子", "小王给熟", "送米上门")
    cases.set_note(library.engine, mark.id, "关键线索")
    assert [(h.quote, h.note) for h in cases.highlights(library.engine, rice)] == [
        ("小王给熟", "送米上门"),
        ("小本子", "关键线索"),
    ]
    with pytest.raises(cases.CaseError):
        cases.add_highlight(library.engine, rice, 2, 2)
    with pytest.raises(cases.CaseError):
        cases.set_note(library.engine, mark.id, "长" * 201)

    # A corrected bank moves the passage: the mark finds it again; a vanished one is kept.
    with library.session() as s, s.begin():
        s.get(Case, rice).material = "前言。" + MATERIAL.replace("小王给熟客送米", "伙计送米")
    marks = cases.highlights(library.engine, rice)
    found = {h.quote: h for h in marks}
    material = "前言。" + MATERIAL.replace("小王给熟客送米", "伙计送米")
    assert material[found["小本子"].start : found["小本子"].end] == "小本子"
    assert found["小王给熟"].lost and marks[-1].quote == "小王给熟"

    assert cases.remove_highlights(library.engine, rice, 0, len(material)) == 1
    assert [h.quote for h in cases.highlights(library.engine, rice)] == ["小王给熟"]


def test_export_docx_is_readable_with_or_without_case_and_points(library, tmp_path):
    from docx import Document

    rice = add_case(library)
    q1, q2 = (q.id for q in cases.load_case(library.engine, rice).questions)
    answer = (
        "<p>小王的服务体现了<b>层次性</b>，他把客户的利益放在前面。</p>"
        "<ul><li>清理米缸</li><li>陈米铺上层</li></ul>"
    )
    sub = cases.submit_case(library.engine, rice, answers={q1: answer, q2: ""}, now=T0)

    path = cases.export_docx(
        library.engine, tmp_path / "全部.docx", rice, session_id=sub.session_id
    )
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    body = "\n".join(texts)
    assert "案例分析：米店" in texts[0]
    assert "小王给熟客送米" in body  # the material
    assert "小王的服务体现了层次性，他把客户的利益放在前面。" in texts
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "层次性" in bold
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["清理米缸", "陈米铺上层"]
    assert "（未作答）" in texts
    assert any("层次性：先考虑客户利益（2分）" in t and "✓ 得 2 分" in t for t in texts)
    assert any("及时性：按时送到（2分）" in t and "✗ 得 0 分" in t for t in texts)
    assert "自评得分 2 / 7" in body

    bare = cases.export_docx(
        library.engine, tmp_path / "只有答案.docx", rice, include_case=False, include_points=False
    )
    body = "\n".join(p.text for p in Document(str(bare)).paragraphs)
    assert "小王给熟客送米" not in body and "答案要点" not in body
    assert "小王的服务体现了层次性" in body
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind

    page = cases.export_html(library.engine, rice, session_id=sub.session_id)
    assert "<b>层次性</b>" in page and "✓ 得 2 分" in page and "<ul>" in page


def test_reading_qt_rich_text():
    qt_html = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN"><html><head><meta name="qrichtext" '
        'content="1" /><style type="text/css">p, li { white-space: pre-wrap; }</style></head>'
        "<body style=\" font-family:'Sans'; font-weight:400;\">\n"
        '<p style=" margin-top:0px;">第一段，<span style=" font-weight:700;">加粗</span>'
        "，&lt;原样&gt;</p>\n"
        '<p style="-qt-paragraph-type:empty; margin-top:0px;"><br /></p>\n'
        '<ol style="-qt-list-indent: 1;"><li style="">第一项</li>\n<li style="">第二项</li></ol>'
        "</body></html>"
    )
    blocks = richtext.blocks(qt_html)
    assert [b.kind for b in blocks] == ["p", "p", "ol", "ol"]
    assert [(r.text, r.bold) for r in blocks[0].runs] == [
        ("第一段，", False),
        ("加粗", True),
        ("，<原样>", False),
    ]
    assert richtext.plain_text(qt_html) == "第一段，加粗，<原样>\n\n1. 第一项\n2. 第二项"
    assert richtext.plain_text("两行\n纯文本") == "两行\n纯文本"
    assert "<ol>" in richtext.to_html(qt_html) and "<b>加粗</b>" in richtext.to_html(qt_html)


def test_unknown_case_is_one_sentence(library):
    with pytest.raises(cases.CaseError, match="找不到这个案例"):
        cases.load_case(library.engine, 999)
