"""Every quirk that SOURCES.md names for the 20 real files, reproduced with our own content.

One test per real file (named after it); the real files themselves are never copied.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from _bankio_util import bank, make_xlsx
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from csapp.core.bankio import detect_format, read_bank
from csapp.core.questions import QuestionType as T

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "banks"


def test_like_relig(tmp_path):
    """Sheet 建议格式, float 序号, 页码/来源, numeric and padded options, 判断 by word."""
    path = make_xlsx(
        tmp_path / "r.xlsx",
        {
            "建议格式": [
                [
                    "序号",
                    "类型",
                    "题干",
                    "选项A",
                    "选项B",
                    "选项C",
                    "选项D",
                    "答案",
                    "页码",
                    "来源",
                ],
                [
                    1.0,
                    "单选",
                    "《服务》一书提出的服务要素有（  ）个。",
                    3,
                    4,
                    5,
                    6,
                    "B",
                    "p35",
                    "教材",
                ],
                [
                    2.0,
                    "多选",
                    "“满意”包括（  ）。",
                    " 期望 ",
                    "感知 ",
                    "  比较",
                    "忠诚",
                    "ABC",
                    "P36",
                    "教材",
                ],
                [
                    3.0,
                    "判断",
                    " 投诉是改进的机会。",
                    "正确",
                    "错误",
                    None,
                    None,
                    "正确",
                    None,
                    None,
                ],
                [4.0, "判断", "客户永远是错的。", "正确", "错误", None, None, "错误", None, None],
            ]
        },
    )
    res = read_bank(path)
    single, multi, j1, j2 = res.questions
    assert single.options == ["3", "4", "5", "6"] and single.answer == "B"
    assert single.source == "教材 p35"
    assert multi.options == ["期望", "感知", "比较", "忠诚"] and multi.answer == "ABC"
    assert (j1.stem, j1.answer, j1.options) == ("投诉是改进的机会。", "正确", [])
    assert j2.answer == "错误"
    assert res.report.errors == []


def test_like_fyhc(tmp_path):
    """Template with drop-downs; 难度 简单/中等/困难; NBSP and numeric options; 填空 in options."""
    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "问题内容", "难度", "正确选项", "A", "B", "C", "D", "E", "F", "G", "H"])
    ws.append(["单选题", "字节码扩展名为(  )。", "简单", "B", "\xa0java", ".class", "html", ".exe"])
    ws.append(["单选题", "表达式的值是(  )", "中等", "A", 3, 3.5, 4, 5])
    ws.append(["判断题", "不用区分大小写", "简单", "B", "正确", "错误"])
    ws.append(
        [
            "多选题",
            "不能修饰接口的有（）",
            "中等",
            "ACD",
            "private",
            "public",
            "protected",
            "static",
        ]
    )
    ws.append(["填空题", "逻辑值分别为___和___。", "中等", None, "true", "false"])
    ws.append(["简答题", "写一个程序。", "困难", None])
    dv = DataValidation(type="list", formula1='"单选题,多选题,判断题,填空题,简答题"')
    dv.add("A2:A100")
    ws.add_data_validation(dv)
    wb.save(tmp_path / "f.xlsx")
    res = read_bank(tmp_path / "f.xlsx")
    s1, s2, j, m, fill, short = res.questions
    assert s1.options[0] == "java" and s1.difficulty == "易"
    assert s2.options == ["3", "3.5", "4", "5"] and s2.difficulty == "较难"
    assert (j.answer, m.answer) == ("错误", "ACD")
    assert fill.answer == "true|false"
    assert (short.qtype, short.answer) == (T.SHORT, "")
    assert short.difficulty == "难"
    assert any(w.message.startswith("数字单元格已按文本读取") for w in res.report.warnings)


def test_like_olsys(tmp_path):
    """All options in one 备选答案 cell, 标准答案, ×, label-only rows, 难度系数 9, empty sheets."""
    path = make_xlsx(
        tmp_path / "o.xlsx",
        {
            "Sheet1": [
                ["题型", "题库分类", "题目内容", "备选答案", "标准答案", "难度系数", "备注"],
                [
                    "单项选择题",
                    "客服",
                    "服务要素有（  ）个。",
                    "A.2个/B.3个/C.4个/D.5个",
                    "B",
                    9,
                    None,
                ],
                [
                    "多项选择题",
                    "客服",
                    "沟通包括（  ）。",
                    "A.倾听/B.表达/C.争吵/D.反馈",
                    "ABD",
                    9,
                    None,
                ],
                ["判断题", "客服", "可以与客户争辩。", None, "×", 9, None],
                ["公文改错题", "客服", None, None, None, None, None],
                ["计算题", "客服", None, None, None, None, None],
            ],
            "Sheet2": [],
            "Sheet3": [],
        },
    )
    res = read_bank(path)
    assert [(q.qtype, q.options, q.answer) for q in res.questions] == [
        (T.SINGLE, ["2个", "3个", "4个", "5个"], "B"),
        (T.MULTI, ["倾听", "表达", "争吵", "反馈"], "ABD"),
        (T.JUDGE, [], "错误"),
    ]
    msgs = [w.message for w in res.report.warnings]
    assert any("难度“9”无法识别" in m for m in msgs)
    assert any("只有题型" in m for m in msgs)
    assert len(res.report.skipped_sheets) == 2


def test_like_olsys_rules_gbk_text(tmp_path):
    """A GBK-encoded rules document: decoded, no questions, one clear skip reason."""
    rules = (
        "分类前空 3 行；\n"
        "单选题试题内容可能以数字加点作为编号，例如：1.；\n"
        "问答题答案以“【答】”开头；\n"
    )
    path = tmp_path / "rules.txt"
    path.write_bytes(rules.encode("gbk"))
    assert detect_format(path) == "txt"
    res = read_bank(path)
    assert res.questions == [] and res.report.errors == []
    assert res.report.skipped_sheets[0]["reason"].startswith("没有找到编号的题目")


def test_like_gbk_text_bank(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(
        "1. 满意度等于效果减去（ ）。\nA. 期望值  B. 实际值\n答案：A\n".encode("gb18030")
    )
    (q,) = read_bank(path).questions
    assert (q.options, q.answer) == (["期望值", "实际值"], "A")


def test_like_tkxls_and_czwps_xls():
    """The .xls fixture: WPS export quirks and a per-subject sheet with （选两项）."""
    path = FIXTURES / "wps_bank.xls"
    assert detect_format(path) == "xls"
    res = read_bank(path)
    by_sheet = {}
    for q in res.questions:
        by_sheet.setdefault(q.sheet, []).append(q)
    wps = by_sheet["Sheet1"]
    assert [q.qtype for q in wps] == [T.SINGLE, T.MULTI, T.JUDGE, T.FILL, T.SHORT, T.SINGLE]
    assert [q.chapter for q in wps] == ["1", "1", "1", "1", "1", "2"]  # 目录/章节 filled down
    assert wps[2].answer == "错误"
    assert wps[3].answer == "客户忠诚"  # 填空 answer typed into A项
    assert wps[4].answer == "1. 倾听\n2. 道歉\n3. 解决"  # bare \r line breaks
    assert [p.text for p in wps[4].key_points] == ["倾听", "道歉", "解决"]
    assert wps[5].options == ["3", "7", "30", "60"]  # floats without .0
    subject = by_sheet["客服基础"]
    assert [(q.qtype, q.answer) for q in subject] == [
        (T.SINGLE, "B"),
        (T.MULTI, "AC"),
        (T.SINGLE, "A"),
    ]
    assert subject[0].options[3] == "推给领导"  # own prefix "d." stripped
    assert subject[2].options == ["10", "15", "20", "123"]
    assert res.report.errors == []


def test_like_tkxls_code_stems_and_prefixes(tmp_path):
    rows = [
        ["ID", "题目", "A", "B", "C", "D", "答案", None],
        [1.0, "下面代码输出什么（选一项）\nint a = 1;\nprint(a);", "1", "0", "a", "d.报错", "A"],
        [2.0, "哪些正确（选两项）", "A、甲", "乙", "C:丙", "丁", "AC"],
        [3.0, "路径是（选一项）", "C:\\Windows", "D:\\", "E:\\", "F:\\", "A"],
    ]
    res = bank(tmp_path, rows)
    a, b, c = res.questions
    assert a.stem.endswith("print(a);") and a.options[3] == "报错"
    assert b.options == ["甲", "乙", "丙", "丁"] and b.qtype is T.MULTI
    assert c.options[0] == "C:\\Windows"  # not a prefix: a path


def test_like_nuant_two_layouts_in_one_workbook(tmp_path):
    path = make_xlsx(
        tmp_path / "n.xlsx",
        {
            "Sheet1": [
                [
                    "编号",
                    "类型",
                    "题目",
                    "选项A",
                    "选项B",
                    "选项C",
                    "选项D",
                    "选项E",
                    "正确答案",
                    "解析",
                ],
                [
                    1,
                    "单选题",
                    "冷凝器中制冷剂（ ）。",
                    "液化",
                    "汽化",
                    "升华",
                    "凝固",
                    None,
                    "A",
                    "放热",
                ],
                [2, "判断题", "R22 破坏臭氧层。", "正确", "错误", None, None, None, "A", ""],
            ],
            "Sheet2": [
                [],
                [None, "高级", "答案"],
                [None, "一、单选题"],
                [None, "1、与磁极对数()。", "B"],
                [None, None],
                [None, "(A)无关  (B)成反比  (C)成正比  (D)成叠加关系"],
                [None, "2、工作电压为()。", "d"],
                [None, "(A) 110V  (C) 380V (B) 220V (D) 三者都不是"],
                [None, "二、多选题"],
                [None, "1、分离器能分离(CD)。"],
                [None, "(A)高压液体 (B)低压液体 (C)闪发气体 (D)液滴"],
                [None, "三、判断题(正确)"],
                [None, "1、水只能在 0℃以上作载冷剂。（ ）", "T"],
                [None, "四、判断题(错误)"],
                [None, "1、电动机极数越高转速越快。（ ）", "F"],
            ],
        },
        merges={"Sheet2": ["A4:A5"]},
    )
    res = read_bank(path)
    s1 = [q for q in res.questions if q.sheet == "Sheet1"]
    s2 = [q for q in res.questions if q.sheet == "Sheet2"]
    assert [(q.qtype, q.answer) for q in s1] == [(T.SINGLE, "A"), (T.JUDGE, "正确")]
    assert [(q.qtype, q.answer) for q in s2] == [
        (T.SINGLE, "B"),
        (T.SINGLE, "D"),
        (T.MULTI, "CD"),
        (T.JUDGE, "正确"),
        (T.JUDGE, "错误"),
    ]
    assert s2[1].options == ["110V", "220V", "380V", "三者都不是"]  # labels out of order
    assert s2[2].stem == "分离器能分离( )。"


def test_like_etm(tmp_path):
    rows = [
        ["题目", "选项", "答案"],
        ["正确的变量名是？", "A. 123var | B. _myVar | C. my-var | D. class", "B"],
        ["内置类型有？（多选）", "A. list | B. dict | C. set | D. int | E. array", "ABCD"],
        ["Python 是编译型语言。", "正确 | 错误", "B"],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.answer) for q in res.questions] == [
        (T.SINGLE, "B"),
        (T.MULTI, "ABCD"),
        (T.JUDGE, "错误"),
    ]
    assert res.questions[0].options == ["123var", "_myVar", "my-var", "class"]


def test_like_henan(tmp_path):
    opts = json.dumps(
        [{"optionContent": "实验结果\t"}, {"optionContent": "实验安全"}], ensure_ascii=False
    )
    rows = [
        ["questionAnswer", "questionContent", "optionContent", None, "questionType"],
        ["1", "事故后须依法调查。\n", None, None, 1],
        ["2", "职能部门可以适当配合。", None, None, 1],
        ["B", "应该放在第一位的是：", opts, None, 2],
        ["A,B", "需要签订责任书的人员是：", opts, None, 3],
        ["1", "没有题型代码的判断。", None, None, None],
    ]
    res = bank(tmp_path, rows)
    assert [(q.qtype, q.answer) for q in res.questions] == [
        (T.JUDGE, "正确"),
        (T.JUDGE, "错误"),
        (T.SINGLE, "B"),
        (T.MULTI, "AB"),
        (T.JUDGE, "正确"),
    ]
    assert res.questions[0].stem == "事故后须依法调查。"
    assert res.questions[2].options == ["实验结果", "实验安全"]


def test_like_bank_wide_used_range_merged_and_box_prefix(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "对公业务题库"
    ws.append(["试题类型", "试题内容", "所属题库", "题目难度", "答案", "选项A", "选项B", "选项C"])
    ws.append(
        [
            "单选题",
            "║定期存款期限在（    ）以内。",
            "总行",
            "必须掌握",
            "B",
            "2年",
            "1年\xa0",
            "3年",
        ]
    )
    ws.append(["多选题", "║本票可以（  ）。", "总行", "较常见", "A,C", "支付", "挂失", "转让"])
    ws.append(["问答题", "║请简述结息规则？", "总行", "偶见", "答：按日计息，按季结息。"])
    ws.append(["判断题", "║一次性付息。", "总行", "必须掌握", "A", "正确", "错误"])
    ws.merge_cells("F6:H8")
    ws["F6"] = "以下为空白区域"
    ws.cell(row=1, column=71).fill = PatternFill("solid", fgColor="FFFF00")  # used range to BS
    wb.save(tmp_path / "b.xlsx")
    res = read_bank(tmp_path / "b.xlsx")
    single, multi, short, judge = res.questions
    assert single.stem == "定期存款期限在（    ）以内。" and single.options[1] == "1年"
    assert multi.answer == "AC"
    assert (short.qtype, short.answer) == (T.SHORT, "按日计息，按季结息。")
    assert judge.answer == "正确"
    assert all(q.difficulty == "" for q in res.questions)
    assert len([w for w in res.report.warnings if w.message.startswith("难度")]) == 3


def test_like_yyy_title_row_and_long_format(tmp_path):
    rows = [
        ["试题"],
        [
            "题目序号",
            "题目类型",
            "题目内容",
            "整体解析",
            "题目图片",
            "题目视频",
            "所属题库",
            "是否正确项",
            "选项内容",
            "选项解析",
            "选项图片",
        ],
        [1, 1, "默认端口？", "80", None, None, "库", 0, 21, "FTP", None],
        [1, None, None, None, None, None, None, 1, 80, "HTTP", None],
    ]
    (q,) = bank(tmp_path, rows).questions
    assert (q.row, q.options, q.answer, q.explanation) == (3, ["21", "80"], "B", "80")


def test_like_trae(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        {
            "题目导入模板": [
                [
                    "题型",
                    "题目内容",
                    "选项A",
                    "选项B",
                    "选项C",
                    "选项D",
                    "选项E",
                    "选项F",
                    "正确答案",
                    "题目解析",
                    "分值",
                    "难度",
                    "标签",
                ],
                [
                    "判断",
                    "烟气可达800℃。",
                    None,
                    None,
                    None,
                    None,
                    "正确",
                    "错误",
                    "正确",
                    "",
                    2,
                    "简单",
                    "消防,烟气",
                ],
                [
                    "填空",
                    "原则是____、____、____。",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "统一、逐级、属地",
                    "",
                    3,
                    "简单",
                    "",
                ],
                [
                    "主观",
                    "简述火灾条件。",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "1.可燃物；2.助燃物；3.点火源。",
                    "要点",
                    5,
                    "中等",
                    "",
                ],
                [
                    "单选",
                    "火警电话？",
                    110,
                    119,
                    120,
                    122,
                    None,
                    None,
                    "B",
                    "",
                    2,
                    "简单",
                    "报警电话",
                ],
            ],
            "使用说明": [["题目导入模板使用说明"], ["3. 选项格式为 A.选项1|B.选项2"]],
        },
    )
    res = read_bank(path)
    judge, fill, short, single = res.questions
    assert judge.answer == "正确" and judge.tags == ["消防", "烟气"]
    assert fill.answer == "统一|逐级|属地"
    assert short.qtype is T.SHORT and [p.text for p in short.key_points] == [
        "可燃物",
        "助燃物",
        "点火源。",
    ]
    assert short.score == 5.0 and [p.marks for p in short.key_points] == [1.67, 1.67, 1.66]
    assert single.options == ["110", "119", "120", "122"]


def test_like_stone_block_shift(tmp_path):
    head = ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "选项E", "答案", "解析"]
    rows = [
        head,
        ["单选", "正常行（）？", "甲", "乙", "丙", "丁", None, "C", "来源：测试（二）"],
        ["单选", "少一列（）？", "甲", "乙", "丙", "丁", "B", "来源：测试（参考）", None],
        ["多选", "少一列多选（）？", "甲", "乙", "丙", "丁", "A,B", "来源：测试（参考）", None],
        [
            "填空",
            "少一列填空____。",
            None,
            None,
            None,
            None,
            "答案文字",
            "来源：测试（参考）",
            None,
        ],
        ["多选", "多一列（）？", "甲", "乙", "丙", None, None, None, "A,C", "来源：测试（参考）"],
        ["多选", "没有答案（）？", "甲", "乙", "丙", None, None, None, None],
    ]
    res = bank(tmp_path, rows)
    got = [(q.stem, q.options, q.answer, q.source, q.explanation) for q in res.questions]
    assert got == [
        ("正常行（）？", ["甲", "乙", "丙", "丁"], "C", "测试（二）", ""),
        ("少一列（）？", ["甲", "乙", "丙", "丁"], "B", "测试（参考）", ""),
        ("少一列多选（）？", ["甲", "乙", "丙", "丁"], "AB", "测试（参考）", ""),
        ("少一列填空____。", [], "答案文字", "测试（参考）", ""),
        ("多一列（）？", ["甲", "乙", "丙"], "AC", "测试（参考）", ""),
    ]
    assert [e.message for e in res.report.errors] == ["多选题没有填写答案"]
    shift = [w for w in res.report.warnings if "少了一列" in w.message]
    assert len(shift) == 3


def test_like_zyf_subject_sheets_and_template(tmp_path):
    path = make_xlsx(
        tmp_path / "z.xlsx",
        {
            "语文": [["题型", "答案", "问题"], ["判断题", "对", "岳阳楼记作者是范仲淹。"]],
            "判断题示例": [["题型", "答案", "问题"], ["", "错", "答案必须填 A 或 B。"]],
            "单选题示例": [
                ["题型", "答案", "问题"],
                ["", "A", "哪一列是题型？"],
                ["", "", "A. A列"],
                ["", "", "B. B列"],
            ],
        },
    )
    res = read_bank(path)
    assert [(q.sheet, q.qtype, q.answer) for q in res.questions] == [
        ("语文", T.JUDGE, "正确"),
        ("判断题示例", T.JUDGE, "错误"),
        ("单选题示例", T.SINGLE, "A"),
    ]
    assert res.report.inferred_types == 0  # the sheet names say the type


def test_like_baike_and_rfbt(tmp_path):
    path = make_xlsx(
        tmp_path / "e.xlsx",
        {
            "Quiz": [
                ["Question", "A", "B", "C", "D", "Answer"],
                [
                    "1st Statement: x.\n2nd Statement: y.",
                    "1st true",
                    "2nd true",
                    "Both true",
                    "Both false",
                    "C",
                ],
            ],
            "Sheet2": [],
        },
    )
    res = read_bank(path)
    (q,) = res.questions
    assert q.stem == "1st Statement: x.\n2nd Statement: y." and q.answer == "C"


def test_like_kuai_csv(tmp_path):
    path = tmp_path / "题库.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["answer", "title", "type", "allPeopleNumber", "correctRate", "analysis", "options"]
        )
        w.writerow(['["B"]', "比特币的创始人是：", "SC", 0, "", "", '["山本","中本聪","李四"]'])
        w.writerow(['["A"]', "第二题：", "SC", 0, "", "", '["甲 ","乙"]'])
    assert detect_format(path) == "csv"
    res = read_bank(path)
    assert [(q.qtype, q.options, q.answer) for q in res.questions] == [
        (T.SINGLE, ["山本", "中本聪", "李四"], "B"),
        (T.SINGLE, ["甲", "乙"], "A"),
    ]
    assert res.report.warnings == []  # statistics columns are harmless


def test_csv_encodings(tmp_path):
    rows = "题干,答案\n客户永远正确。,错\n"
    for name, data in {
        "bom.csv": rows.encode("utf-8-sig"),
        "gbk.csv": rows.encode("gb18030"),
        "utf16.csv": rows.replace(",", "\t").encode("utf-16"),
    }.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert detect_format(path) == "csv", name
        (q,) = read_bank(path).questions
        assert (q.stem, q.answer) == ("客户永远正确。", "错误"), name


def test_like_buaa_text(tmp_path):
    text = (
        "第01讲 工程伦理概论\r\n"
        "1. 把工程看成科学的应用( )\r\n"
        "   A. 工程是部⻔之学\r\n"
        "   B. 第⼆种说法\r\n"
        "参考答案：B\r\n"
        "----------------------------------------\r\n\r\n"
        "2. 以下正确的是( )\r\n"
        "   A. 甲\r\n   B. 乙\r\n   C. 丙\r\n"
        "参考答案：A, B, C\r\n"
        "----------------------------------------\r\n\r\n"
        "3. 伦理推理可为任何目的服务。( )\r\n"
        "   true. 正确\r\n   false. 错误\r\n"
        "参考答案：❌\r\n\r\n\r\n"
        "第02讲 方法\r\n"
        "1. 第二讲的题( )\r\n   true. 正确\r\n   false. 错误\r\n参考答案：✔\r\n"
    )
    path = tmp_path / "buaa.txt"
    path.write_bytes(text.encode("utf-8"))
    res = read_bank(path)
    a, b, c, d = res.questions
    assert a.options == ["工程是部门之学", "第二种说法"]  # radical look-alikes mapped
    assert (b.qtype, b.answer) == (T.MULTI, "ABC")
    assert (c.qtype, c.answer) == (T.JUDGE, "错误")
    assert (d.answer, d.chapter) == ("正确", "第02讲 方法")
    assert a.chapter == "第01讲 工程伦理概论"


def test_like_dj_text(tmp_path):
    text = (
        "二、单选题\n\n"
        "1.规划强调（ B ）。\n"
        "A.只强调出口              B.以国内市场为主导\n"
        "C.忽视需求                D.加强依赖\n"
        "2.核心逻辑是( B )\n"
        "A.甲   B.乙\nC.丙   D.丁\n"
        "3.2025年会议指出要统筹（A），更好发展。\n"
        "A. 国际斗争          B. 区域发展\n"
        "三、多选题\n"
        "1.坚持（ABCDEF）。\n"
        "A.一 B.二 C.三\nD.四 E.五 F.六\n"
    )
    path = tmp_path / "dj.txt"
    path.write_text(text, encoding="utf-8")
    res = read_bank(path)
    assert [(q.qtype, q.answer, len(q.options)) for q in res.questions] == [
        (T.SINGLE, "B", 4),
        (T.SINGLE, "B", 4),
        (T.SINGLE, "A", 2),
        (T.MULTI, "ABCDEF", 6),
    ]
    assert res.questions[0].stem == "规划强调（ ）。"
    assert res.questions[2].stem == "2025年会议指出要统筹（ ），更好发展。"
    assert res.report.inferred_types == 0  # the headings say the type
