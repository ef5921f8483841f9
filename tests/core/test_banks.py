"""A trainer's banks: import in both modes, rename, delete, browse, correct a key in place."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from csapp.core import banks
from csapp.core.bankio import BankReadError, read_bank
from csapp.core.models import (
    AnswerRecord,
    Bank,
    Favorite,
    Question,
    ReviewState,
    WrongBookEntry,
)
from tests.bank_files import GOOD_ROWS, bank_with_error, good_bank, write_bank


def _count(library, model=Question) -> int:
    with library.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar()


def _bank(library, name: str) -> int:
    bid = banks.bank_id(library.engine, name)
    assert bid is not None
    return bid


def _answer(library, qid: int, correct: bool = False) -> None:
    with library.session() as s, s.begin():
        s.add(AnswerRecord(question_id=qid, response="A", correct=correct))


def _first_id(library, bank: int) -> int:
    return banks.question_ids(library.engine, bank)[0]


# ---------------------------------------------------------------------------- import


def test_valid_rows_mode_imports_the_good_rows_and_reports_the_bad_one(library, tmp_path):
    done = banks.import_file(library.engine, bank_with_error(tmp_path / "培训题.xlsx"))
    assert done.bank_name == "培训题"  # the file's name
    assert done.written and done.outcome.added == 6
    assert done.error_rows == 1
    assert [(i.row, i.column) for i in done.report.errors] == [(7, "答案")]
    assert [p.row for p in done.problem_rows] == [7]
    assert _count(library) == 6
    assert "新增 6 道" in done.summary() and "1 行有错误" in done.summary()


def test_all_or_nothing_mode_writes_nothing_when_a_row_is_wrong(library, tmp_path):
    done = banks.import_file(
        library.engine, bank_with_error(tmp_path / "b.xlsx"), "严格", all_or_nothing=True
    )
    assert not done.written
    assert _count(library) == 0
    assert banks.bank_id(library.engine, "严格") is None
    assert "没有导入任何题目" in done.summary()
    clean = banks.import_file(
        library.engine, good_bank(tmp_path / "g.xlsx"), "严格", all_or_nothing=True
    )
    assert clean.written and clean.outcome.added == len(GOOD_ROWS)


def test_importing_twice_is_a_no_op_and_fills_unchanged(library, tmp_path):
    path = good_bank(tmp_path / "g.xlsx")
    banks.import_file(library.engine, path, "B")
    again = banks.import_file(library.engine, path, "B")
    assert (again.outcome.added, again.outcome.updated) == (0, 0)
    assert again.report.unchanged == len(GOOD_ROWS) and again.report.updated == 0
    assert _count(library) == len(GOOD_ROWS)


def test_a_corrected_file_updates_in_place_and_keeps_history(library, tmp_path):
    banks.import_file(library.engine, good_bank(tmp_path / "g.xlsx"), "B")
    bid = _bank(library, "B")
    qid = _first_id(library, bid)
    _answer(library, qid)
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][6] = "C"  # the corrected key of the first question
    done = banks.import_file(library.engine, write_bank(tmp_path / "g2.xlsx", rows), "B")
    assert done.report.updated == 1 and done.report.unchanged == len(GOOD_ROWS) - 1
    assert banks.question_detail(library.engine, qid).answer == "C"
    assert _count(library, AnswerRecord) == 1


def test_cancelling_an_import_leaves_the_database_as_it_was(library, tmp_path):
    banks.import_file(library.engine, good_bank(tmp_path / "g.xlsx"), "已有")
    rows = [
        ["单选题", f"第{i}题的题干（ ）。", "甲", "乙", "丙", "丁", "A", "", "", ""]
        for i in range(6000)
    ]
    gen = banks.iter_import_file(library.engine, write_bank(tmp_path / "big.xlsx", rows), "大")
    seen = []
    while not seen or seen[-1] <= banks.READ_SHARE:  # well into the write
        seen.append(next(gen))
    gen.close()
    assert seen == sorted(seen)
    assert _count(library) == len(GOOD_ROWS)
    assert banks.bank_id(library.engine, "大") is None


def test_an_unreadable_file_raises_one_sentence_and_writes_nothing(library, tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BankReadError) as err:
        banks.import_file(library.engine, bad)
    assert "\n" not in str(err.value) and str(err.value).endswith("。")
    assert _count(library) == 0 and _count(library, Bank) == 0


def test_pasted_text_is_imported(library):
    text = (
        "1. 客户满意度等于可感知效果减去（ ）。\n"
        "A. 实际值  B. 期望值\nC. 心理反差  D. 失落感\n答案：B\n"
    )
    done = banks.import_text(library.engine, text, "粘贴")
    assert done.outcome.added == 1
    (row,) = banks.question_rows(
        library.engine, banks.question_ids(library.engine, done.outcome.bank_id)
    )
    assert (row.qtype, row.answer) == ("单选题", "B")


def test_the_built_in_bank_and_empty_names_are_refused(library, tmp_path):
    with library.session() as s, s.begin():
        s.add(Bank(name="客户服务管理", builtin=True))
    path = good_bank(tmp_path / "g.xlsx")
    with pytest.raises(banks.BankError, match="内置题库"):
        banks.import_file(library.engine, path, "客户服务管理")
    with pytest.raises(banks.BankError, match="名称"):
        banks.import_file(library.engine, path, "   ")
    assert _count(library) == 0


# ---------------------------------------------------------------------------- rename, delete


def test_rename_checks_the_name(library, tmp_path):
    banks.import_file(library.engine, good_bank(tmp_path / "a.xlsx"), "甲")
    banks.import_file(library.engine, good_bank(tmp_path / "b.xlsx"), "乙")
    bid = _bank(library, "甲")
    assert banks.rename_bank(library.engine, bid, "  新 名字 ") == "新 名字"
    assert banks.bank_id(library.engine, "新 名字") == bid
    with pytest.raises(banks.BankError, match="已经有一个叫“乙”"):
        banks.rename_bank(library.engine, bid, "乙")
    with pytest.raises(banks.BankError):
        banks.rename_bank(library.engine, bid, "")
    with library.session() as s, s.begin():
        s.add(Bank(name="内置", builtin=True))
    with pytest.raises(banks.BankError, match="内置题库不能改名"):
        banks.rename_bank(library.engine, _bank(library, "内置"), "别的")


def test_delete_reports_the_history_it_takes_and_cascades(library, tmp_path):
    banks.import_file(library.engine, good_bank(tmp_path / "a.xlsx"), "留下")
    banks.import_file(library.engine, bank_with_error(tmp_path / "b.xlsx"), "删除")
    keep, gone = _bank(library, "留下"), _bank(library, "删除")
    assert not banks.bank_history(library.engine, gone).has_history
    qid = _first_id(library, gone)
    _answer(library, qid)
    _answer(library, qid)
    _answer(library, _first_id(library, keep))
    with library.session() as s, s.begin():
        s.add(WrongBookEntry(question_id=qid, wrong_count=2))
        s.add(Favorite(question_id=qid))
        s.add(ReviewState(question_id=qid))
    history = banks.bank_history(library.engine, gone)
    assert history.has_history and history.questions == 6
    assert history.counts["answers"] == 2 and history.counts["wrong"] == 1
    assert history.describe() == "作答记录 2 条、错题本 1 题、收藏 1 题、复习计划 1 题"
    banks.delete_bank(library.engine, gone)
    assert banks.bank_id(library.engine, "删除") is None
    assert _count(library) == len(GOOD_ROWS)
    assert _count(library, AnswerRecord) == 1  # the other bank's answer stays
    assert _count(library, WrongBookEntry) == _count(library, Favorite) == 0


def test_the_built_in_bank_cannot_be_deleted(library):
    with library.session() as s, s.begin():
        s.add(Bank(name="内置", builtin=True))
    with pytest.raises(banks.BankError, match="不能删除"):
        banks.delete_bank(library.engine, _bank(library, "内置"))


# ---------------------------------------------------------------------------- browse


def test_browse_with_search_and_filters(library, tmp_path):
    banks.import_file(library.engine, bank_with_error(tmp_path / "b.xlsx"), "B")
    bid = _bank(library, "B")
    engine = library.engine
    facets = banks.bank_facets(engine, bid)
    assert facets.types == ["单选题", "多选题", "判断题", "填空题", "简答题"]
    assert facets.chapters == ["第1章 客户服务概述", "第2章 客户满意", "第3章 客户忠诚"]
    assert facets.difficulties == ["易", "较易", "较难", "难"]

    def stems(**kw) -> list[str]:
        ids = banks.question_ids(engine, bid, banks.QuestionFilter(**kw))
        return [r.stem for r in banks.question_rows(engine, ids)]

    assert len(stems()) == 6
    assert stems(search="满意度") == [GOOD_ROWS[0][1], GOOD_ROWS[4][1]]
    assert stems(search="100%") == []  # LIKE wildcards are escaped
    assert stems(qtype="判断题", chapter="第3章 客户忠诚") == ["客户忠诚就是客户满意。"]
    assert stems(difficulty="较难") == [GOOD_ROWS[3][1]]
    assert stems(search="满意", qtype="简答题") == [GOOD_ROWS[4][1]]


def test_question_rows_keep_the_order_asked_and_shorten_long_stems(library):
    from csapp.core.importing import import_drafts, run
    from csapp.core.questions import QuestionDraft, QuestionType

    long_stem = "很长的题干" * 100
    drafts = [QuestionDraft(QuestionType.JUDGE, f"{i}{long_stem}", answer="正确") for i in range(3)]
    out = run(import_drafts(library.engine, "长", drafts))
    ids = banks.question_ids(library.engine, out.bank_id)
    rows = banks.question_rows(library.engine, list(reversed(ids)))
    assert [r.id for r in rows] == list(reversed(ids))
    assert all(len(r.stem) == banks.STEM_CHARS for r in rows)


# ---------------------------------------------------------------------------- correct


@pytest.mark.parametrize(
    ("qtype", "typed", "options", "stem", "canonical"),
    [
        ("单选题", " ｃ ", ["甲", "乙", "丙", "丁"], "", "C"),
        ("多选题", "d、a，B", ["甲", "乙", "丙", "丁"], "", "ABD"),
        ("判断题", "√", [], "", "正确"),
        ("判断题", "错", [], "", "错误"),
        ("填空题", "期望值 | 感知", [], "（ ）与（ ）", "期望值|感知"),
        ("简答题", "1. 要点一\n2. 要点二", [], "", "1. 要点一\n2. 要点二"),
    ],
)
def test_normalize_answer_accepts_what_a_spreadsheet_would(qtype, typed, options, stem, canonical):
    assert banks.normalize_answer(qtype, typed, options, stem) == canonical


@pytest.mark.parametrize(
    ("qtype", "typed", "options", "message"),
    [
        ("单选题", "E", ["甲", "乙", "丙", "丁"], "没有选项E"),
        ("单选题", "AB", ["甲", "乙", "丙", "丁"], "只能有一个答案"),
        ("单选题", "期望值", ["甲", "乙", "丙", "丁"], "不是选项字母"),
        ("多选题", "", ["甲", "乙"], "必须有答案"),
        ("判断题", "也许", [], "正确"),
        ("填空题", "  ", [], "必须有答案"),
    ],
)
def test_normalize_answer_refuses_what_cannot_be_a_key(qtype, typed, options, message):
    with pytest.raises(banks.BankError, match=message):
        banks.normalize_answer(qtype, typed, options)


def test_correcting_a_key_keeps_the_question_and_its_history(library, tmp_path):
    banks.import_file(library.engine, good_bank(tmp_path / "g.xlsx"), "B")
    qid = _first_id(library, _bank(library, "B"))
    _answer(library, qid)
    detail = banks.correct_question(library.engine, qid, answer="d", explanation=" 新解析 ")
    assert (detail.id, detail.answer, detail.explanation) == (qid, "D", "新解析")
    assert _count(library, AnswerRecord) == 1
    with pytest.raises(banks.BankError, match="没有选项E"):
        banks.correct_question(library.engine, qid, answer="E")
    assert banks.question_detail(library.engine, qid).answer == "D"
    # The next import of the original file restores the file's key, still in place.
    again = banks.import_file(library.engine, good_bank(tmp_path / "g.xlsx"), "B")
    assert again.report.updated == 1
    assert banks.question_detail(library.engine, qid).answer == "B"


def test_correcting_a_reference_answer_rebuilds_its_key_points(library, tmp_path):
    banks.import_file(library.engine, good_bank(tmp_path / "g.xlsx"), "B")
    bid = _bank(library, "B")
    (qid,) = banks.question_ids(library.engine, bid, banks.QuestionFilter(qtype="简答题"))
    detail = banks.correct_question(
        library.engine,
        qid,
        answer="1. 把握客户期望（1分）\n2. 提高服务质量（2分）\n3. 及时处理投诉（2分）",
    )
    assert [p["marks"] for p in detail.key_points] == [1.0, 2.0, 2.0]
    assert detail.key_points[2]["text"] == "及时处理投诉"


# ---------------------------------------------------------------------------- export


def test_export_reads_back_to_the_same_bank(library, tmp_path):
    from csapp.core.importing import import_drafts, run
    from csapp.core.questions import CaseDraft, KeyPoint, QuestionDraft, QuestionType

    banks.import_file(library.engine, bank_with_error(tmp_path / "b.xlsx"), "B")
    case = CaseDraft(
        title="航班延误",
        material="航班延误两小时……",
        chapter="第10章 客户投诉处理",
        questions=[
            QuestionDraft(
                QuestionType.CASE,
                "分析其服务补救做法。",
                answer="1. 主动（2分）\n2. 道歉（3分）",
                score=5,
                key_points=[KeyPoint("主动", 2, [["主动", "及时"]]), KeyPoint("道歉", 3, [])],
                case_title="航班延误",
            )
        ],
    )
    run(import_drafts(library.engine, "B", [], [case]))
    out = tmp_path / "导出.xlsx"
    assert banks.export_bank(library.engine, "B", out) == 7
    back = read_bank(out)
    assert not back.report.errors and not back.report.warnings
    questions, cases = banks.bank_drafts(library.engine, _bank(library, "B"))

    def key(q):
        return (q.fingerprint, q.answer, q.explanation, q.chapter, q.difficulty, q.key_points)

    assert [key(q) for q in back.questions] == [key(q) for q in questions]
    assert [(c.title, c.material, [key(q) for q in c.questions]) for c in back.cases] == [
        (c.title, c.material, [key(q) for q in c.questions]) for c in cases
    ]
    with pytest.raises(banks.BankError, match="没有名为"):
        banks.export_bank(library.engine, "不存在", tmp_path / "x.xlsx")


# openpyxl's write-only sheet complains when the writer is abandoned mid-way (export_workbook
# does not close it on an exception); the file is not written, which is what matters here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_closing_an_export_leaves_no_file(library, tmp_path, monkeypatch):
    import threading

    banks.import_file(library.engine, good_bank(tmp_path / "g.xlsx"), "B")
    real = banks.export_workbook
    started, proceed = threading.Event(), threading.Event()

    def slow(path, questions, cases):
        def held(items):
            for item in items:
                started.set()
                proceed.wait(5)
                yield item

        real(path, held(questions), cases)

    monkeypatch.setattr(banks, "export_workbook", slow)
    out = tmp_path / "导出.xlsx"
    gen = banks.iter_export_bank(library.engine, _bank(library, "B"), out)
    assert next(gen) == 0.0
    next(gen)
    assert started.wait(5)  # the writer holds the first question
    threading.Timer(0.2, proceed.set).start()  # let it go on once cancel has been asked
    gen.close()  # what the GUI's cancel does
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".导出")]
    assert banks.export_bank(library.engine, "B", out) == len(GOOD_ROWS)
    assert read_bank(out).report.questions == len(GOOD_ROWS)
