"""The text format of BANK_FORMAT §7 (pasted text and .txt files)."""

from __future__ import annotations

from csapp.core.bankio import read_text
from csapp.core.questions import QuestionType as T


def test_the_example_of_the_contract():
    res = read_text(
        "1. 客户满意度等于可感知效果减去（ ）。\n"
        "A. 实际值  B. 期望值\n"
        "C. 心理反差值  D. 失落感\n"
        "答案：B\n"
        "解析：满意是效果与期望之差。\n"
    )
    (q,) = res.questions
    assert (q.qtype, q.answer, q.explanation) == (T.SINGLE, "B", "满意是效果与期望之差。")
    assert q.options == ["实际值", "期望值", "心理反差值", "失落感"]
    assert (q.sheet, q.row) == ("粘贴文本", 1)
    assert res.report.file == "粘贴文本" and res.report.format == "txt"


def test_numbering_styles_and_option_labels():
    res = read_text(
        "1、第一题（ ）\nA、甲\nB、乙\n答案:A\n"
        "2．第二题（ ）\n(A)甲 (B)乙\n【答案】B\n"
        "（3）第三题（ ）\nA)甲\nB)乙\n正确答案：A\n"
        "第4题 第四题（ ）\nA．甲  B．乙\n参考答案：B\n"
    )
    assert [(q.stem, q.options, q.answer) for q in res.questions] == [
        ("第一题（ ）", ["甲", "乙"], "A"),
        ("第二题（ ）", ["甲", "乙"], "B"),
        ("第三题（ ）", ["甲", "乙"], "A"),
        ("第四题（ ）", ["甲", "乙"], "B"),
    ]


def test_section_headings_set_the_type():
    res = read_text(
        "一、判断题（每题1分）\n1. 投诉是机会。\n答案：对\n"
        "二、名词解释\n1. 客户满意\n答案：客户对效果与期望比较后的感受。\n"
        "论述题\n1. 论述忠诚。\n答案：1. 满意是基础\n2. 培养忠诚\n"
    )
    assert [(q.qtype, q.answer) for q in res.questions] == [
        (T.JUDGE, "正确"),
        (T.TERM, "客户对效果与期望比较后的感受。"),
        (T.ESSAY, "1. 满意是基础\n2. 培养忠诚"),
    ]
    assert res.report.inferred_types == 0
    assert [p.text for p in res.questions[2].key_points] == ["满意是基础", "培养忠诚"]


def test_type_tag_before_the_stem_and_answer_after_options():
    res = read_text(
        "【多选题】下列属于服务要素的是（ ）\nA. 人员 B. 对象 C. 广告 D. 内容 正确答案: ABD\n"
        "【单选题】1. 第二题（ ）\nA创新  B守旧 答案：A\n"
    )
    assert [(q.qtype, q.answer, q.options) for q in res.questions] == [
        (T.MULTI, "ABD", ["人员", "对象", "广告", "内容"]),
        (T.SINGLE, "A", ["创新", "守旧"]),
    ]


def test_aiken_format():
    res = read_text(
        "What is service?\nA) A product\nB) An act\nANSWER: B\n\n"
        "Which is a need?\nA) Respect\nB) Noise\nANSWER: A\n"
    )
    assert [(q.stem, q.answer) for q in res.questions] == [
        ("What is service?", "B"),
        ("Which is a need?", "A"),
    ]


def test_subjective_answer_items_are_not_new_questions():
    res = read_text(
        "简答题\n"
        "1. 简述投诉处理的步骤。\n"
        "答案：\n"
        "1. 倾听（1分）\n"
        "2. 道歉（1分）\n"
        "3. 解决（3分）\n"
        "\n"
        "2. 简述回访的作用。\n"
        "答案：了解满意度。\n"
    )
    first, second = res.questions
    assert [(p.text, p.marks) for p in first.key_points] == [
        ("倾听", 1.0),
        ("道歉", 1.0),
        ("解决", 3.0),
    ]
    assert second.stem == "简述回访的作用。"


def test_sub_items_inside_a_stem_stay_in_the_stem():
    res = read_text(
        "1. 下列说法正确的是：\n（1）满意带来忠诚\n（2）投诉是坏事\n"
        "A. （1） B. （2） C. 都对\n答案：A\n"
    )
    (q,) = res.questions
    assert q.stem == "下列说法正确的是：\n（1）满意带来忠诚\n（2）投诉是坏事"
    assert q.options == ["（1）", "（2）", "都对"]


def test_meta_lines_and_judge_symbols():
    res = read_text(
        "1. 首问负责制要求负责到底。（ ）\n答案：√\n难度：简单\n章节：第2章\n解析：是的。\n"
        "2. 可以和客户争辩。\n【答案】×\n"
    )
    a, b = res.questions
    assert (a.qtype, a.answer, a.difficulty, a.chapter, a.explanation) == (
        T.JUDGE,
        "正确",
        "易",
        "第2章",
        "是的。",
    )
    assert (b.qtype, b.answer) == (T.JUDGE, "错误")


def test_answer_in_the_stem_of_text_questions():
    res = read_text(
        "1. 满意取决于（ B ）。\nA.价格 B.期望\n2.服务要素有(AC)。\nA.人员 B.广告 C.对象\n"
    )
    assert [(q.answer, q.stem) for q in res.questions] == [
        ("B", "满意取决于（ ）。"),
        ("AC", "服务要素有( )。"),
    ]


def test_errors_in_text_point_to_the_line():
    res = read_text(
        "说明文字\n\n1. 没有答案的题（ ）\nA. 甲\nB. 乙\n\n2. 好题（ ）\nA. 甲 B. 乙\n答案：B\n"
    )
    assert len(res.questions) == 1
    (err,) = res.report.errors
    assert (err.row, err.message) == (3, "单选题没有填写答案")
    (pr,) = res.problem_rows
    assert pr.header == ["题目"] and pr.values[0].startswith("1. 没有答案的题")


def test_text_copied_from_a_spreadsheet_is_read_as_a_table():
    res = read_text("题型\t题干\t答案\n判断题\t投诉是机会。\t对\n")
    (q,) = res.questions
    assert (q.qtype, q.answer) == (T.JUDGE, "正确")


def test_nothing_recognisable_is_a_skip_not_an_error():
    res = read_text("这只是一段说明，没有任何题目。")
    assert res.questions == [] and res.report.errors == []
    assert res.report.skipped_sheets
