"""One test per table layout: where the header is, where the options are, which type."""

from __future__ import annotations

import json

from _bankio_util import bank, make_xlsx, to_shared_strings

from csapp.core.bankio import read_bank
from csapp.core.questions import QuestionType as T

OPTS = ["期望值", "实际值", "心理反差", "失落感"]


def test_header_below_title_rows_and_synonyms(tmp_path):
    rows = [
        ["客户服务管理题库（第一版）"],
        [],
        [
            "*试题类型(必填)",
            "试题内容（必填）",
            "正确答案(只能输入ABCD否则报错)",
            "A选项",
            "B选项",
            "C选项",
            "D选项",
        ],
        ["单项选择题", "满意度等于效果减去（ ）。", "B", *OPTS],
    ]
    res = bank(tmp_path, rows)
    (q,) = res.questions
    assert (q.qtype, q.answer, q.options, q.row) == (T.SINGLE, "B", OPTS, 4)


def test_english_headers_and_column_order_is_never_assumed(tmp_path):
    rows = [
        ["Answer", "optionA", "Question", "optionB", "optionC", "type", "analysis"],
        ["C", "x", "Pick c.", "y", "z", "SC", "because"],
    ]
    (q,) = bank(tmp_path, rows).questions
    assert (q.qtype, q.stem, q.options, q.answer, q.explanation) == (
        T.SINGLE,
        "Pick c.",
        ["x", "y", "z"],
        "C",
        "because",
    )


def test_options_in_one_cell_every_delimiter(tmp_path):
    rows = [
        ["题目", "选项", "答案"],
        ["斜杠（ ）", "A.甲/B.乙/C.丙/D.丁", "D"],
        ["竖线（ ）", "A. 甲 | B. 乙 | C. 丙", "ABC"],
        ["括号（ ）", "(A)甲  (B)乙  (C)丙  (D)丁", "B"],
        ["JSON（ ）", '[{"optionContent":"甲"},{"optionContent":"乙\\t"}]', "A"],
        ["JSON串（ ）", '["甲","乙","丙"]', '["C"]'],
        ["无标号（ ）", "甲|乙|丙", "C"],
    ]
    res = bank(tmp_path, rows)
    got = [(q.options, q.answer) for q in res.questions]
    assert got == [
        (["甲", "乙", "丙", "丁"], "D"),
        (["甲", "乙", "丙"], "ABC"),
        (["甲", "乙", "丙", "丁"], "B"),
        (["甲", "乙"], "A"),
        (["甲", "乙", "丙"], "C"),
        (["甲", "乙", "丙"], "C"),
    ]


def test_options_in_the_stem_after_newlines(tmp_path):
    rows = [
        ["题型", "答案", "问题"],
        ["单选题", "B", "下列书写正确的是：\nA. 振耳欲聋\nB. 震耳欲聋\nC. 震耳欲笼"],
        ["多选题", "AC", "唐代诗人有：\nA. 李白\nB. 苏轼\nC. 杜甫"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.stem, q.options, q.answer) for q in res.questions] == [
        ("下列书写正确的是：", ["振耳欲聋", "震耳欲聋", "震耳欲笼"], "B"),
        ("唐代诗人有：", ["李白", "苏轼", "杜甫"], "AC"),
    ]


def test_options_on_continuation_rows(tmp_path):
    rows = [
        ["题型", "答案", "问题"],
        ["单选题", "C", "题型写在哪一列？"],
        ["", "", "A. A列"],
        ["", "", "B. B列"],
        ["", "", "C. C列  D. D列"],
        ["多选题", "AB", "必须有哪些列？"],
        [None, None, "A. 题型"],
        [None, None, "B. 答案"],
        [None, None, "C. 分数"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.options, q.answer, q.row) for q in res.questions] == [
        (T.SINGLE, ["A列", "B列", "C列", "D列"], "C", 2),
        (T.MULTI, ["题型", "答案", "分数"], "AB", 6),
    ]


def test_long_format_one_row_per_option(tmp_path):
    rows = [
        ["试题"],
        ["题目序号", "题目类型", "题目内容", "整体解析", "是否正确项", "选项内容", "选项解析"],
        [1, 1, "定义接口的关键字？", "interface", 0, "class", "类"],
        [1, None, None, None, 1, "interface", ""],
        [1, None, None, None, 0, "abstract", ""],
        [2, 2, "基本类型有？", "", 1, "int", ""],
        [2, None, None, None, 0, "String", ""],
        [2, None, None, None, 1, "char", ""],
        [3, 3, "可实现多个接口。", "", 1, "正确", ""],
        [3, None, None, None, 0, "错误", ""],
        [4, 1, "端口？", "", 0, 21, ""],
        [4, None, None, None, 1, 80, ""],
    ]
    res = bank(tmp_path, rows)
    got = [(q.qtype, q.stem, q.options, q.answer, q.row) for q in res.questions]
    assert got == [
        (T.SINGLE, "定义接口的关键字？", ["class", "interface", "abstract"], "B", 3),
        (T.MULTI, "基本类型有？", ["int", "String", "char"], "AC", 6),
        (T.JUDGE, "可实现多个接口。", [], "正确", 9),
        (T.SINGLE, "端口？", ["21", "80"], "B", 11),
    ]
    # Codes 1/2/3 have no legend here: inferred, counted and reported once per code.
    assert res.report.inferred_types == 4
    assert any("题型代码“1”" in w.message for w in res.report.warnings)


def test_numeric_type_codes_with_a_legend_are_trusted(tmp_path):
    path = make_xlsx(
        tmp_path / "codes.xlsx",
        {
            "题库": [
                ["题型", "题干", "选项A", "选项B", "答案"],
                [2, "代码2在说明里是多选（ ）。", "甲", "乙", "A"],
                [1, "代码1是判断。", "", "", "对"],
            ],
            "说明": [["题型代码：1=判断题，2=多选题，3=单选题"]],
        },
    )
    res = read_bank(path)
    assert [(q.qtype, q.answer) for q in res.questions] == [(T.MULTI, "A"), (T.JUDGE, "正确")]
    assert res.report.inferred_types == 0
    assert {"sheet": "说明", "reason": "说明页，不含题目"} in res.report.skipped_sheets


def test_numeric_type_codes_without_legend_are_inferred(tmp_path):
    rows = [
        ["questionAnswer", "questionContent", "optionContent", None, "questionType"],
        ["1", "陈述正确。\n", None, None, 1],
        ["2", "陈述错误。", None, None, 1],
        ["B", "单选（ ）", json.dumps([{"optionContent": "甲"}, {"optionContent": "乙"}]), None, 2],
        [
            "A,B",
            "多选（ ）",
            json.dumps([{"optionContent": "甲"}, {"optionContent": "乙"}]),
            None,
            3,
        ],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.answer) for q in res.questions] == [
        (T.JUDGE, "正确"),
        (T.JUDGE, "错误"),
        (T.SINGLE, "B"),
        (T.MULTI, "AB"),
    ]
    assert res.report.inferred_types == 4
    messages = " ".join(w.message for w in res.report.warnings)
    assert "1=正确、2=错误" in messages and "题型代码“3”" in messages


def test_sheet_name_gives_the_type(tmp_path):
    path = make_xlsx(
        tmp_path / "s.xlsx",
        {
            "多选题": [
                ["题干", "选项A", "选项B", "选项C", "答案"],
                ["有哪些（ ）", "甲", "乙", "丙", "A"],
            ],
            "判断": [["题干", "答案"], ["陈述。", "对"]],
        },
    )
    res = read_bank(path)
    assert [(q.qtype, q.answer) for q in res.questions] == [(T.MULTI, "A"), (T.JUDGE, "正确")]
    assert res.report.inferred_types == 0


def test_type_inference_rules_and_stem_markers(tmp_path):
    rows = [
        ["题干", "选项A", "选项B", "选项C", "答案"],
        ["一个字母（ ）", "甲", "乙", "丙", "A"],
        ["几个字母（ ）", "甲", "乙", "丙", "AC"],
        ["正误选项", "正确", "错误", "", "B"],
        ["正误答案", "", "", "", "√"],
        ["有空（ ）的题", "", "", "", "短答案"],
        ["简述客户服务的意义", "", "", "", "很长的参考答案，讲了很多道理。"],
        ["不定项也算多选（选两项）", "甲", "乙", "丙", "A"],
    ]
    res = bank(tmp_path, rows)
    assert [q.qtype for q in res.questions] == [
        T.SINGLE,
        T.MULTI,
        T.JUDGE,
        T.JUDGE,
        T.FILL,
        T.SHORT,
        T.MULTI,
    ]
    assert res.report.inferred_types == 7
    assert any("没有填写题型" in w.message for w in res.report.warnings)


def test_headerless_sheet_stem_options_answer(tmp_path):
    rows = [
        ["引起潮解的物质是", "KCl", "MgCl2", "AlCl3   ", "Na2SO4 ", "B"],
        ["成煤的主要因素是", "地热", "静压力", "C.  时间", "D.  动压力", "A"],
        ["水资源约为世界人均的", "二分之一", "三分之一", "四分之一", "五分之一", "C"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.options, q.answer) for q in res.questions] == [
        (["KCl", "MgCl2", "AlCl3", "Na2SO4"], "B"),
        (["地热", "静压力", "时间", "动压力"], "A"),
        (["二分之一", "三分之一", "四分之一", "五分之一"], "C"),
    ]
    assert "没有表头" in res.report.warnings[0].message


def test_numbered_text_pasted_into_cells(tmp_path):
    rows = [
        [None, "高级", "答案"],
        [None, "一、单选题"],
        [None, "1、满意度与期望（）。", "B"],
        [None, "(A)无关  (B)成反比  (C)成正比  (D)成叠加关系"],
        [None, "二、多选题"],
        [None, "1、服务要素有(AC)。"],
        [None, "(A)人员 (B)广告 (C)对象"],
        [None, "三、判断题(正确)"],
        [None, "1、投诉是机会。（ ）", "T"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.options, q.answer, q.row) for q in res.questions] == [
        (T.SINGLE, ["无关", "成反比", "成正比", "成叠加关系"], "B", 3),
        (T.MULTI, ["人员", "广告", "对象"], "AC", 6),
        (T.JUDGE, [], "正确", 9),
    ]


def test_case_sheet(tmp_path):
    path = make_xlsx(
        tmp_path / "c.xlsx",
        {
            "案例": [
                ["案例标题", "章节", "案例材料", "问题", "参考答案", "分值", "关键词"],
                [
                    "空调投诉",
                    "第4章",
                    "客人投诉空调坏了……",
                    "分析问题。",
                    "1. 响应慢\n2. 不兑现",
                    6,
                    "",
                ],
                ["空调投诉", "", "", "如何改进？", "1. 及时维修", 4, "维修|修理"],
                ["只有材料", "第5章", "一段阅读材料。", "", "", None, ""],
                ["", "", "没有标题的新材料", "谈谈看法。", "言之成理即可", None, ""],
            ]
        },
    )
    res = read_bank(path)
    assert res.questions == []
    titles = [c.title for c in res.cases]
    # New material without a title is a new case named after its material (with a warning).
    assert titles == ["空调投诉", "只有材料", "没有标题的新材料"]
    assert any("案例没有标题" in w.message for w in res.report.warnings)
    first, second, third = res.cases
    assert first.material == "客人投诉空调坏了……" and first.chapter == "第4章"
    assert [q.stem for q in first.questions] == ["分析问题。", "如何改进？"]
    assert [q.stem for q in third.questions] == ["谈谈看法。"]
    assert all(q.qtype is T.CASE and q.case_title == "空调投诉" for q in first.questions)
    assert [p.marks for p in first.questions[0].key_points] == [3.0, 3.0]
    assert first.questions[1].key_points[0].keywords == [["维修", "修理"]]
    assert [q.stem for q in second.questions] == ["请结合案例进行分析"]
    assert res.report.cases == 3
    assert res.report.by_type == {"案例分析题": 4}


def test_shared_and_inline_strings_read_the_same(tmp_path):
    rows = [
        ["题型", "题干", "选项A", "选项B", "答案", "解析"],
        ["单选题", "共享字符串 & <特殊> 字符（ ）", "甲 ", "乙", "B", "a\nb"],
        ["判断题", "第二题", "", "", "错", ""],
    ]
    inline = make_xlsx(tmp_path / "inline.xlsx", {"Sheet1": rows})
    shared = to_shared_strings(inline, tmp_path / "shared.xlsx")
    import zipfile

    with zipfile.ZipFile(shared) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
        assert 't="inlineStr"' not in zf.read("xl/worksheets/sheet1.xml").decode()
    with zipfile.ZipFile(inline) as zf:
        assert 't="inlineStr"' in zf.read("xl/worksheets/sheet1.xml").decode()
    a, b = read_bank(inline), read_bank(shared)
    assert [(q.fingerprint, q.answer, q.explanation) for q in a.questions] == [
        (q.fingerprint, q.answer, q.explanation) for q in b.questions
    ]
    assert a.questions[0].stem == "共享字符串 & <特殊> 字符（ ）"
    assert len(a.questions) == 2


def test_repeated_header_rows_and_blank_rows_are_skipped(tmp_path):
    rows = [
        ["题型", "题干", "答案"],
        ["判断题", "一。", "对"],
        [],
        ["题型", "题干", "答案"],
        ["判断题", "二。", "错"],
    ]
    res = bank(tmp_path, rows)
    assert [q.stem for q in res.questions] == ["一。", "二。"]
    assert res.report.errors == []


def test_chapter_fill_down_and_section_rows(tmp_path):
    rows = [
        ["章节", "题型", "题干", "答案"],
        ["第1章", "判断题", "一。", "对"],
        [None, "判断题", "二。", "错"],
        ["第2章", "判断题", "三。", "对"],
        [None, None, "二、填空题", None],
        [None, None, "四（ ）。", "甲"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.chapter, q.qtype) for q in res.questions] == [
        ("第1章", T.JUDGE),
        ("第1章", T.JUDGE),
        ("第2章", T.JUDGE),
        ("第2章", T.FILL),
    ]


def test_unknown_columns_are_reported_once_and_harmless_ones_not(tmp_path):
    rows = [
        ["序号", "题型", "题干", "答案", "所属题库", "备注", "题目图片"],
        [1.0, "判断题", "一。", "对", "x", "", ""],
        [2.0, "判断题", "二。", "对", "x", "", ""],
    ]
    res = bank(tmp_path, rows)
    assert [(w.row, w.column, w.message) for w in res.report.warnings] == [
        (1, "所属题库", "无法识别的列“所属题库”，已忽略")
    ]


def test_instruction_and_empty_sheets_are_skipped_with_a_reason(tmp_path):
    path = make_xlsx(
        tmp_path / "i.xlsx",
        {
            "题目": [["题干", "答案"], ["陈述。", "对"]],
            "使用说明": [["1. 题目内容：必填"], ["2. 选项格式 A.选项1|B.选项2"]],
            "Sheet2": [],
            "杂项": [["这里什么都不是"], ["还是不是"]],
        },
    )
    res = read_bank(path)
    assert len(res.questions) == 1
    reasons = {s["sheet"]: s["reason"] for s in res.report.skipped_sheets}
    assert reasons["使用说明"] == "说明页，不含题目"
    assert reasons["Sheet2"] == "空工作表"
    assert "表头" in reasons["杂项"]


def test_difficulty_and_cognitive_mappings(tmp_path):
    rows = [["题干", "答案", "难度", "认知层次"]]
    labels = ["简单", "中等", "困难", "1", "2", "3", "4", "5", "0.85", "0.3", "较易", "必须掌握"]
    for i, lab in enumerate(labels):
        rows.append([f"陈述{i}。", "对", lab, "理解"])
    res = bank(tmp_path, rows)
    assert [q.difficulty for q in res.questions] == [
        "易",
        "较难",
        "难",
        "易",
        "较易",
        "较难",
        "难",
        "难",
        "易",
        "难",
        "较易",
        "",
    ]
    assert {q.cognitive_level for q in res.questions} == {"领会"}
    difficulty_notes = [w.message for w in res.report.warnings if "难度" in w.message]
    assert difficulty_notes == ["难度“必须掌握”无法识别，已留空（可填：易、较易、较难、难）"]


def test_a_numbered_list_of_types_is_not_a_legend(tmp_path):
    path = make_xlsx(
        tmp_path / "list.xlsx",
        {
            "题库": [
                ["题型", "题干", "选项A", "选项B", "答案"],
                [1, "两个字母（ ）", "甲", "乙", "AB"],
            ],
            "说明": [["1、单选题：每题1分"], ["2、多选题：每题2分"]],
        },
    )
    res = read_bank(path)
    assert [(q.qtype, q.answer) for q in res.questions] == [(T.MULTI, "AB")]
    assert res.report.inferred_types == 1
