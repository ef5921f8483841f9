"""错题本 and 收藏: counts, leaving after N right in a row, filters, notes, export; settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from csapp.core import settings, wrongbook
from csapp.core.models import Setting
from csapp.core.practice import Mode, PracticeSpec, load_items, start, submit
from tests.core._study_bank import T0, load


@pytest.fixture
def bank(library):
    return load(library)


def _answer(library, qid: int, right: bool, when=T0) -> None:
    """One answer through the practice core, as the screens give it."""
    engine = library.engine
    session = start(engine, PracticeSpec(Mode.WRONG, question_ids=(qid,)), now=when)
    item = load_items(engine, [qid])[qid]
    response = item.answer if right else ("错误" if item.answer == "正确" else "Z")
    submit(engine, session, item, response, 3, now=when)


def _open_ids(library) -> list[int]:
    return [r.question_id for r in wrongbook.entries(library.engine)]


def test_a_wrong_answer_lands_with_its_count(library, bank):
    qid = bank["4:单选题"][0]
    _answer(library, qid, right=False)
    _answer(library, qid, right=False, when=T0 + timedelta(minutes=5))
    [row] = wrongbook.entries(library.engine)
    assert (row.question_id, row.wrong_count, row.correct_streak) == (qid, 2, 0)
    assert wrongbook.open_count(library.engine) == 1


def test_it_leaves_after_two_right_in_a_row_by_default(library, bank):
    qid = bank["4:单选题"][0]
    _answer(library, qid, right=False)
    _answer(library, qid, right=True)
    assert _open_ids(library) == [qid]
    _answer(library, qid, right=False)  # the streak starts again
    _answer(library, qid, right=True)
    assert _open_ids(library) == [qid]
    _answer(library, qid, right=True)
    assert _open_ids(library) == []
    _answer(library, qid, right=False)  # missed again: back in, with the history
    [row] = wrongbook.entries(library.engine)
    assert row.wrong_count == 3


def test_the_number_of_right_answers_is_a_setting(library, bank):
    settings.put(library.engine, wrongbook.LEAVE_AFTER, 3)
    qid = bank["4:单选题"][1]
    _answer(library, qid, right=False)
    for _ in range(2):
        _answer(library, qid, right=True)
    assert _open_ids(library) == [qid]
    _answer(library, qid, right=True)
    assert _open_ids(library) == []
    settings.put(library.engine, wrongbook.LEAVE_AFTER, 1)
    _answer(library, qid, right=False)
    _answer(library, qid, right=True)
    assert _open_ids(library) == []


def test_right_answers_to_questions_never_missed_add_nothing(library, bank):
    _answer(library, bank["4:单选题"][0], right=True)
    assert wrongbook.entries(library.engine) == []


def test_filters_by_chapter_type_count_and_words(library, bank):
    single4, judge4, single5 = bank["4:单选题"][0], bank["4:判断题"][0], bank["5:单选题"][0]
    for minute, qid in enumerate((single4, judge4, single5, single5)):
        _answer(library, qid, right=False, when=T0 + timedelta(minutes=minute))
    engine = library.engine
    ids = lambda flt: [r.question_id for r in wrongbook.entries(engine, flt)]  # noqa: E731
    assert ids(None) == [single5, judge4, single4]  # most missed, then most recently missed
    assert sorted(ids(wrongbook.Filter(chapter_no=4))) == sorted([single4, judge4])
    assert ids(wrongbook.Filter(qtype="判断题")) == [judge4]
    assert ids(wrongbook.Filter(min_count=2)) == [single5]
    assert ids(wrongbook.Filter(text="第五章")) == [single5]
    assert ids(wrongbook.Filter(chapter_no=5, qtype="判断题")) == []
    # Filtering rows already loaded (what the screen does) gives the same answer as a query.
    everything = wrongbook.entries(engine)
    for flt in (
        wrongbook.Filter(chapter_no=4),
        wrongbook.Filter(qtype="判断题"),
        wrongbook.Filter(min_count=2),
        wrongbook.Filter(text="第五章"),
        wrongbook.Filter(chapter_no=4, qtype="单选题", text="四章"),
    ):
        assert wrongbook.apply_filter(everything, flt) == wrongbook.entries(engine, flt)


def test_a_note_is_kept_per_question(library, bank):
    engine = library.engine
    qid = bank["4:单选题"][2]
    _answer(library, qid, right=False)
    wrongbook.set_note(engine, qid, "可靠性 = 说到做到")
    assert wrongbook.note(engine, qid) == "可靠性 = 说到做到"
    assert wrongbook.entries(engine)[0].note == "可靠性 = 说到做到"
    # A note on a question never missed (a 收藏) is kept without putting it in the 错题本.
    other = bank["5:单选题"][1]
    wrongbook.set_note(engine, other, "记住")
    assert wrongbook.note(engine, other) == "记住"
    assert _open_ids(library) == [qid]


def test_favourites_toggle_and_list_with_the_same_filters(library, bank):
    engine = library.engine
    a, b = bank["4:判断题"][0], bank["5:单选题"][0]
    assert wrongbook.toggle_favorite(engine, a, now=T0) is True
    assert wrongbook.toggle_favorite(engine, b, now=T0 + timedelta(seconds=1)) is True
    assert [r.question_id for r in wrongbook.favorites(engine)] == [b, a]
    assert [r.question_id for r in wrongbook.favorites(engine, wrongbook.Filter(chapter_no=4))] == [
        a
    ]
    assert wrongbook.toggle_favorite(engine, a) is False
    assert wrongbook.favorite_ids(engine) == {b}


def test_remove_takes_questions_out_by_hand(library, bank):
    qid = bank["4:单选题"][0]
    _answer(library, qid, right=False)
    assert wrongbook.remove(library.engine, [qid]) == 1
    assert _open_ids(library) == []


def test_export_to_xlsx_writes_every_question_with_answer_and_note(library, bank, tmp_path):
    engine = library.engine
    ids = [bank["4:多选题"][0], bank["4:填空题"][0]]
    for qid in ids:
        _answer(library, qid, right=False)
    wrongbook.set_note(engine, ids[0], "少选了 D")
    path = tmp_path / "错题本.xlsx"
    progress = []
    gen = wrongbook.export_xlsx(engine, ids, path)
    try:
        while True:
            progress.append(next(gen))
    except StopIteration as stop:
        assert stop.value == path
    assert progress[-1] == 1.0
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == wrongbook.XLSX_HEADER
    assert rows[1][4] == "服务质量的维度包括（ ）。"
    assert rows[1][6] == "ABD"
    assert "A. 可靠性" in rows[1][5]
    assert rows[1][8] == 1 and rows[1][9] == "少选了 D"
    assert rows[2][6] == "期望值 或 客户期望值；检查"
    assert not path.with_name(path.name + ".tmp").exists()


def test_printable_document_has_answers_explanations_and_notes(library, bank):
    engine = library.engine
    qid = bank["4:单选题"][0]
    _answer(library, qid, right=False)
    wrongbook.set_note(engine, qid, "<别混淆>")
    html = wrongbook.document_html(engine, [qid], "错题本", today=date(2030, 3, 1))
    assert "第四章单选题0" in html
    assert "正确答案：</span>A" in html
    assert "解析0" in html
    assert "&lt;别混淆&gt;" in html  # the learner's text is escaped
    assert "2030年3月1日" in html


def test_settings_are_typed_with_defaults(library):
    engine = library.engine
    assert settings.get(engine, wrongbook.LEAVE_AFTER) == 2
    settings.put(engine, wrongbook.LEAVE_AFTER, 4)
    assert settings.get(engine, wrongbook.LEAVE_AFTER) == 4
    with pytest.raises(ValueError):
        settings.put(engine, wrongbook.LEAVE_AFTER, 6)
    with library.session() as s, s.begin():  # a hand-edited value falls back to the default
        s.get(Setting, wrongbook.LEAVE_AFTER.name).value = "很多"
    assert settings.get(engine, wrongbook.LEAVE_AFTER) == 2
    key = settings.date_key("test.day")
    assert settings.get(engine, key) is None
    settings.put(engine, key, date(2030, 6, 1))
    assert settings.get(engine, key) == date(2030, 6, 1)
    settings.reset(engine, key)
    assert settings.get(engine, key) is None
