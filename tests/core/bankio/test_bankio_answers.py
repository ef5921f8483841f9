"""One test per answer encoding of BANK_FORMAT §5 (through real workbooks)."""

from __future__ import annotations

import pytest
from _bankio_util import bank

from csapp.core.questions import QuestionType as T

H = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案"]
OPTS = ["期望值", "实际值", "心理反差", "失落感"]


def one(tmp_path, qtype, answer, options=OPTS, stem="客户满意度等于可感知效果减去（ ）。"):
    res = bank(tmp_path, [H, [qtype, stem, *options, answer]])
    return res


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("B", "B"),
        ("b", "B"),
        ("Ｂ", "B"),  # full width
        (" B ", "B"),
        ('["B"]', "B"),
        ("实际值", "B"),  # option text
        ("B、实际值", "B"),  # letter and text
        ("B.实际值", "B"),
    ],
)
def test_single_answer_encodings(tmp_path, answer, expected):
    res = one(tmp_path, "单选题", answer)
    assert res.report.errors == []
    (q,) = res.questions
    assert q.qtype is T.SINGLE
    assert q.answer == expected


@pytest.mark.parametrize(
    "answer",
    [
        "ABD",
        "A,B,D",
        "A，B，D",
        "A、B、D",
        "A;B;D",
        "A|B|D",
        "A B D",
        "abd",
        "DBA",
        '["A","B","D"]',
    ],
)
def test_multi_answer_encodings_are_sorted_letters(tmp_path, answer):
    res = one(tmp_path, "多选题", answer)
    assert res.report.errors == []
    assert res.questions[0].answer == "ABD"


def test_multi_letter_without_option_is_an_error(tmp_path):
    res = one(tmp_path, "多选题", "ABE")
    assert res.questions == []
    (err,) = res.report.errors
    assert err.message == "答案“E”没有对应的选项"
    assert (err.sheet, err.row, err.column) == ("Sheet1", 2, "答案")
    assert res.problem_rows[0].reasons == ["答案“E”没有对应的选项"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("正确", "正确"),
        ("对", "正确"),
        ("√", "正确"),
        ("✓", "正确"),
        ("✔", "正确"),
        ("是", "正确"),
        ("T", "正确"),
        ("TRUE", "正确"),
        ("Y", "正确"),
        ("yes", "正确"),
        ("1", "正确"),
        ("错误", "错误"),
        ("错", "错误"),
        ("×", "错误"),
        ("✗", "错误"),
        ("✘", "错误"),
        ("❌", "错误"),
        ("否", "错误"),
        ("F", "错误"),
        ("false", "错误"),
        ("N", "错误"),
        ("NO", "错误"),
        ("0", "错误"),
    ],
)
def test_judge_words(tmp_path, answer, expected):
    res = one(tmp_path, "判断题", answer, options=["", "", "", ""], stem="客户服务只在售后。")
    assert res.report.errors == []
    (q,) = res.questions
    assert (q.qtype, q.answer, q.options) == (T.JUDGE, expected, [])


def test_judge_letter_resolved_through_option_text(tmp_path):
    rows = [
        H,
        ["判断题", "陈述一。", "正确", "错误", "", "", "A"],
        ["判断题", "陈述二。", "正确", "错误", "", "", "B"],
        ["判断题", "陈述三。", "错误", "正确", "", "", "A"],  # reversed options
        ["判断题", "陈述四。", "错误", "正确", "", "", "B"],
    ]
    res = bank(tmp_path, rows)
    assert [q.answer for q in res.questions] == ["正确", "错误", "错误", "正确"]
    assert all(q.options == [] for q in res.questions)


def test_judge_unknown_word_is_an_error_naming_the_fix(tmp_path):
    res = one(tmp_path, "判断题", "可能", options=["", "", "", ""], stem="陈述。")
    assert [e.message for e in res.report.errors] == [
        "判断题答案“可能”无法识别，请填写“正确”或“错误”"
    ]


def test_judge_letter_without_options_is_not_guessed(tmp_path):
    res = one(tmp_path, "判断题", "A", options=["", "", "", ""], stem="陈述。")
    assert res.questions == []
    assert "无法识别" in res.report.errors[0].message


def test_fill_blanks_and_alternatives(tmp_path):
    rows = [
        ["题型", "题干", "答案"],
        ["填空题", "客户满意取决于（ ）与（ ）。", "可感知效果|期望值&&期望"],
        ["填空题", "三要素是____、____和____。", "服务人员、服务对象、服务内容"],
        ["填空题", "首问负责制又叫（ ）。", "首问责任制/首接负责制"],
        ["填空题", "两空用双竖线（ ）（ ）。", "甲||乙"],
        ["填空题", "速度单位是（ ）。", "km/h"],
    ]
    res = bank(tmp_path, rows)
    assert [q.answer for q in res.questions] == [
        "可感知效果|期望值&&期望",
        "服务人员|服务对象|服务内容",  # 、 splits only because there are exactly 3 blanks
        "首问责任制&&首接负责制",
        "甲|乙",
        "km/h",  # ASCII slash is not an alternative
    ]


def test_fill_never_splits_on_chinese_comma(tmp_path):
    res = bank(
        tmp_path, [["题型", "题干", "答案"], ["填空题", "四风是____和____。", "享乐主义，奢靡之风"]]
    )
    (q,) = res.questions
    assert q.answer == "享乐主义，奢靡之风"
    assert res.report.warnings[0].message == "填空题有2个空，但答案有1个，请用“|”分隔各空的答案"


def test_answer_inside_the_stem(tmp_path):
    rows = [
        ["题干", "选项A", "选项B", "选项C", "选项D"],
        ["客户满意度等于可感知效果减去（ B ）。", *OPTS],
        ["下列属于服务要素的有(ABD)。", "人员", "广告", "对象", "内容"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.answer, q.stem) for q in res.questions] == [
        (T.SINGLE, "B", "客户满意度等于可感知效果减去（ ）。"),
        (T.MULTI, "ABD", "下列属于服务要素的有( )。"),
    ]


def test_numbered_options_accept_number_answers(tmp_path):
    rows = [
        ["题干", "选项1", "选项2", "选项3", "答案"],
        ["第二个是对的（ ）。", "甲", "乙", "丙", "2"],
        ["一和三是对的（ ）。", "甲", "乙", "丙", "1,3"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.answer) for q in res.questions] == [(T.SINGLE, "B"), (T.MULTI, "AC")]


def test_number_answer_without_numbered_options_is_an_error(tmp_path):
    res = one(tmp_path, "单选题", "2")
    assert res.questions == []
    assert "请填写选项字母" in res.report.errors[0].message


def test_missing_objective_answer_is_an_error_not_a_guess(tmp_path):
    res = one(tmp_path, "单选题", "")
    assert res.questions == []
    assert res.report.errors[0].message == "单选题没有填写答案"


def test_single_with_several_letters_becomes_multi_with_a_warning(tmp_path):
    res = one(tmp_path, "单选题", "AB")
    (q,) = res.questions
    assert (q.qtype, q.answer) == (T.MULTI, "AB")
    assert "已按多选题导入" in res.report.warnings[0].message


def test_subjective_key_points_with_marks_and_keywords(tmp_path):
    rows = [
        ["题型", "题干", "答案", "分值", "关键词"],
        [
            "简答题",
            "简述提高客户满意度的途径。",
            "答：1. 把握客户期望（2分）\n2. 提高服务质量（2分）\n3. 及时处理投诉",
            5,
            "期望|预期\n质量、服务\n投诉",
        ],
    ]
    res = bank(tmp_path, rows)
    (q,) = res.questions
    assert q.answer.startswith("1. 把握客户期望")
    assert [(p.text, p.marks) for p in q.key_points] == [
        ("把握客户期望", 2.0),
        ("提高服务质量", 2.0),
        ("及时处理投诉", 1.0),
    ]
    assert [p.keywords for p in q.key_points] == [
        [["期望", "预期"]],
        [["质量"], ["服务"]],
        [["投诉"]],
    ]


def test_subjective_points_share_the_score_and_derive_keywords(tmp_path):
    rows = [
        ["题型", "题干", "答案", "分值"],
        [
            "论述题",
            "论述满意与忠诚。",
            "（1）满意是忠诚的基础\n（2）满意不等于忠诚\n（3）培养忠诚",
            15,
        ],
        ["名词解释", "客户满意", "客户对可感知效果与期望比较后的感受。", ""],
    ]
    res = bank(tmp_path, rows)
    essay, term = res.questions
    assert [p.marks for p in essay.key_points] == [5.0, 5.0, 5.0]
    assert all(p.keywords for p in essay.key_points)
    assert len(term.key_points) == 1 and term.key_points[0].marks == 3.0  # default 名词解释 marks


def test_circled_and_inline_numbering(tmp_path):
    rows = [
        ["题型", "题干", "答案"],
        ["简答题", "三个条件？", "需要三个条件：1.可燃物；2.助燃物；3.点火源。三者缺一不可。"],
        ["简答题", "两点？", "①倾听\n②道歉"],
    ]
    res = bank(tmp_path, rows)
    assert [p.text for p in res.questions[0].key_points] == ["可燃物", "助燃物", "点火源。"]
    assert [p.text for p in res.questions[1].key_points] == ["倾听", "道歉"]
