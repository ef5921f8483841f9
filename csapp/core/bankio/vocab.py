"""Words trainers use: header synonyms, type labels, true/false words, difficulty labels.

Every lookup table is keyed by ``text.key`` (NFKC, case-folded, no spaces) so that
``题 型``, ``ＱｕｅｓｔｉｏｎＴｙｐｅ`` and ``questionType`` all land on the same entry.
"""

from __future__ import annotations

import re
from functools import lru_cache

from csapp.core.questions import QuestionType

from .text import key

T = QuestionType

# ---------------------------------------------------------------------------- headers

_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "type": (
        "题型",
        "类型",
        "试题类型",
        "题目类型",
        "题型名称",
        "题类",
        "题目题型",
        "questiontype",
        "type",
    ),
    "stem": (
        "题干",
        "题目",
        "问题",
        "题目内容",
        "试题内容",
        "问题内容",
        "试题题目",
        "题目名称",
        "试题",
        "题面",
        "题目描述",
        "question",
        "questioncontent",
        "questiontitle",
        "title",
        "stem",
    ),
    "options": (
        "选项",
        "备选答案",
        "选项内容",
        "备选项",
        "选择项",
        "答案选项",
        "options",
        "option",
        "optioncontent",
        "a|b|c|d",
    ),
    "answer": (
        "答案",
        "正确答案",
        "正确选项",
        "标准答案",
        "参考答案",
        "answer",
        "questionanswer",
        "correctanswer",
        "rightanswer",
    ),
    "explanation": (
        "解析",
        "答案解析",
        "题目解析",
        "试题解析",
        "整体解析",
        "提示",
        "解释",
        "详解",
        "答案说明",
        "analysis",
        "explanation",
    ),
    "chapter": (
        "章节",
        "章",
        "所属章节",
        "归属章",
        "所属章",
        "章节名称",
        "目录",
        "分类",
        "类别",
        "知识类别",
        "chapter",
    ),
    "kp": ("知识点", "考点", "归属节", "节", "所属知识点", "knowledgepoint"),
    "difficulty": (
        "难度",
        "难易度",
        "难度等级",
        "题目难度",
        "试题难度",
        "难度系数",
        "难易程度",
        "difficulty",
    ),
    "cognitive": ("认知层次", "能力层次", "考核要求", "认知层级", "认知水平"),
    "score": ("分值", "分数", "得分", "题目分值", "试题分值", "score", "points"),
    "keywords": ("关键词", "得分点", "评分要点", "关键字", "keywords", "keyword"),
    "tags": ("标签", "tags", "tag"),
    "source": ("来源", "出处", "页码", "source", "page"),
    "seq": ("序号", "编号", "题号", "id", "题目序号", "题目编号", "试题编号", "no", "no."),
    "flag": (
        "是否正确项",
        "是否正确",
        "正确项",
        "是否答案",
        "是否正确答案",
        "iscorrect",
        "correct",
    ),
    "case_title": ("案例标题", "案例名称", "案例题目", "案例"),
    "case_material": ("案例材料", "材料", "案例内容", "背景材料", "案例正文", "案例背景"),
    # Known and harmless: read nothing from them, say nothing about them.
    "harmless": (
        "备注",
        "说明",
        "问题说明",
        "原行号",
        "题目图片",
        "题目视频",
        "选项图片",
        "选项视频",
        "选项解析",
        "图片",
        "视频",
        "音频",
        "image",
        "video",
        "allpeoplenumber",
        "correctrate",
        "正确率",
        "作答人数",
        "答题人数",
        "错误率",
        "创建时间",
        "更新时间",
        "创建人",
    ),
}

HEADER_FIELDS: dict[str, str] = {
    key(word): fld for fld, words in _HEADER_WORDS.items() for word in words
}

_NOTE_RE = re.compile(r"[(（\[【<《][^)）\]】>》]*[)）\]】>》]")
_OPTION_LETTER_RE = re.compile(r"^(?:选项|option|opt|答案)?([a-h])(?:选项|项|项目|项内容|内容)?$")
_OPTION_NUMBER_RE = re.compile(r"^(?:选项|option|备选项)([1-8])$")


def header_key(text: str) -> str:
    """Header matching form: notes in brackets, a leading ``*`` and spaces dropped."""
    k = key(text)
    k = _NOTE_RE.sub("", k)
    k = k.lstrip("*").rstrip(":：")
    return k.replace("_", "").replace("-", "")


@lru_cache(maxsize=1024)
def header_field(text: str) -> tuple[str, int] | None:
    """(field, option index) for a header cell, ``None`` for an unknown one.

    Option columns come back as ``("opt", i)``/``("optnum", i)``; everything else with index 0.
    """
    k = header_key(text)
    if not k:
        return None
    fld = HEADER_FIELDS.get(k)
    if fld:
        return fld, 0
    m = _OPTION_LETTER_RE.match(k)
    if m:
        return "opt", ord(m.group(1)) - ord("a")
    m = _OPTION_NUMBER_RE.match(k)
    if m:
        return "optnum", int(m.group(1)) - 1
    return None


def header_note(text: str) -> str:
    """The bracketed notes of a header cell (a legend may hide there)."""
    return " ".join(m.group(0) for m in _NOTE_RE.finditer(text))


# ---------------------------------------------------------------------------- types

_TYPE_WORDS: dict[QuestionType, tuple[str, ...]] = {
    T.SINGLE: (
        "单选",
        "单选题",
        "单项选择",
        "单项选择题",
        "单择题",
        "sc",
        "single",
        "singlechoice",
        "radio",
    ),
    T.MULTI: (
        "多选",
        "多选题",
        "多项选择",
        "多项选择题",
        "不定项选择题",
        "不定项选择",
        "不定项",
        "mc",
        "multiple",
        "multiplechoice",
        "multi",
        "checkbox",
    ),
    T.JUDGE: (
        "判断",
        "判断题",
        "是非题",
        "是非",
        "对错题",
        "对错",
        "判断正误",
        "tf",
        "truefalse",
        "judge",
        "judgement",
    ),
    T.FILL: ("填空", "填空题", "fill", "blank", "fillblank"),
    T.TERM: ("名词解释", "名词解释题", "概念题", "概念解释", "名词"),
    T.SHORT: ("简答", "简答题", "问答", "问答题", "主观题", "主观", "简述题", "short"),
    T.ESSAY: ("论述", "论述题", "essay"),
    T.CASE: ("案例", "案例分析", "案例分析题", "案例题", "case"),
}

TYPE_LABELS: dict[str, QuestionType] = {
    key(word): qtype for qtype, words in _TYPE_WORDS.items() for word in words
}

# Labels that are subjective questions we have no own type for.
NEAR_SUBJECTIVE: dict[str, QuestionType] = {
    key(w): T.SHORT
    for w in (
        "计算题",
        "计算",
        "公文改错题",
        "改错题",
        "改错",
        "分析题",
        "综合题",
        "综合分析题",
        "材料分析题",
        "材料题",
        "实操题",
        "操作题",
        "写作题",
        "应用题",
    )
}

# "选择题" says "choice" but not how many answers.
CHOICE_LABELS = frozenset(key(w) for w in ("选择", "选择题", "choice"))

_ORDINAL_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+|\d{1,2})\s*[、.．]\s*|^第[一二三四五六七八九十\d]+部分\s*"
)


@lru_cache(maxsize=1024)
def type_from_label(label: str) -> QuestionType | None:
    """A canonical type from a label: ``单项选择题``, ``（多选）``, ``三、判断题(正确)``."""
    k = key(label)
    if not k:
        return None
    hit = TYPE_LABELS.get(k)
    if hit:
        return hit
    k = _NOTE_RE.sub("", k).strip(":：")
    k = _ORDINAL_RE.sub("", k)
    return TYPE_LABELS.get(k)


def type_from_sheet_name(name: str) -> QuestionType | None:
    """A sheet named for a type (``单选``, ``多选题``, ``判断题示例``) gives it to untyped rows."""
    exact = type_from_label(name)
    if exact:
        return exact
    k = key(name)
    found = {
        qtype
        for word, qtype in (
            ("单选", T.SINGLE),
            ("单项选择", T.SINGLE),
            ("多选", T.MULTI),
            ("多项选择", T.MULTI),
            ("判断", T.JUDGE),
            ("是非", T.JUDGE),
            ("填空", T.FILL),
            ("名词解释", T.TERM),
            ("简答", T.SHORT),
            ("问答", T.SHORT),
            ("论述", T.ESSAY),
        )
        if word in k
    }
    return found.pop() if len(found) == 1 else None


CASE_SHEET_NAMES = frozenset(key(w) for w in ("案例", "案例分析", "案例分析题", "案例库", "案例题"))

INSTRUCTION_SHEET_NAMES = frozenset(
    key(w)
    for w in (
        "说明",
        "导入说明",
        "使用说明",
        "填写说明",
        "填表说明",
        "模板说明",
        "注意事项",
        "帮助",
        "readme",
        "instructions",
        "题型说明",
        "字段说明",
    )
)

# Stem markers that decide the type: （多选）, （选二项）, （单选题）, (不定项).
_MARKER_RE = re.compile(
    r"[(（\[【]\s*(单选题?|多选题?|判断题?|不定项(?:选择题?)?|选[一二两三四五六]项|填空题?)\s*[)）\]】]"
)


def type_from_marker(stem: str) -> QuestionType | None:
    """The type a marker in the stem states (the last one wins)."""
    found = _MARKER_RE.findall(stem)
    if not found:
        return None
    word = found[-1]
    if word.startswith("单") or word == "选一项":
        return T.SINGLE
    if word.startswith(("多", "不定")) or word.startswith("选"):
        return T.MULTI
    if word.startswith("判断"):
        return T.JUDGE
    return T.FILL


# Legends for numeric type codes: "1=单选 2=多选", "1：判断题", "单选题填1".
_LEGEND_RE = re.compile(
    # "1、单选题" / "1. 单选题" are list numbers in instructions, not codes: no 、 or . here.
    r"(?<!\d)(\d{1,2})\s*(?:[=:：\-—－]|代表|表示|为|是)\s*[\"“']?"
    r"(单项选择题?|多项选择题?|单选题?|多选题?|不定项选择题?|判断题?|是非题?|填空题?|"
    r"名词解释|简答题?|问答题?|论述题?|案例分析题?)"
)
_LEGEND_REV_RE = re.compile(
    r"(单项选择题?|多项选择题?|单选题?|多选题?|不定项选择题?|判断题?|是非题?|填空题?|"
    r"名词解释|简答题?|问答题?|论述题?|案例分析题?)\s*[\"”']?\s*(?:[=:：\-—－]|为|填|用|写|对应)\s*(\d{1,2})(?!\d)"
)


def legend_pairs(text: str) -> dict[str, QuestionType]:
    """Code → type pairs a note spells out; at least two pairs make a legend."""
    pairs: dict[str, QuestionType] = {}
    if not text or not any(c.isdigit() for c in text):
        return pairs
    for code, word in _LEGEND_RE.findall(text):
        qtype = type_from_label(word)
        if qtype:
            pairs.setdefault(str(int(code)), qtype)
    for word, code in _LEGEND_REV_RE.findall(text):
        qtype = type_from_label(word)
        if qtype:
            pairs.setdefault(str(int(code)), qtype)
    return pairs


# ---------------------------------------------------------------------------- true/false

TRUE_WORDS = frozenset(
    key(w)
    for w in (
        "正确",
        "对",
        "√",
        "✓",
        "✔",
        "✔️",
        "是",
        "t",
        "true",
        "y",
        "yes",
        "对的",
        "正确的",
        "right",
        "○",
    )
)
FALSE_WORDS = frozenset(
    key(w)
    for w in (
        "错误",
        "错",
        "×",
        "✗",
        "✘",
        "❌",
        "✕",
        "╳",
        "x",
        "否",
        "f",
        "false",
        "n",
        "no",
        "错的",
        "不正确",
        "不对",
        "非",
        "wrong",
    )
)


@lru_cache(maxsize=1024)
def tf_value(text: str) -> bool | None:
    """True/False for a 判断 answer word or symbol (not digits: those depend on the file)."""
    k = key(text).replace("\ufe0f", "").strip("。.!！")
    if k in TRUE_WORDS:
        return True
    if k in FALSE_WORDS:
        return False
    return None


# ---------------------------------------------------------------------------- difficulty

_DIFFICULTY_WORDS: dict[str, tuple[str, ...]] = {
    "易": ("易", "容易", "简单", "低", "基础", "初级", "一级", "easy", "★", "很简单", "非常简单"),
    "较易": ("较易", "较容易", "较简单", "偏易", "中等偏易", "中低", "较低", "二级", "★★"),
    "较难": (
        "较难",
        "中",
        "中等",
        "一般",
        "适中",
        "普通",
        "中等难度",
        "偏难",
        "中等偏难",
        "中高",
        "较高",
        "三级",
        "medium",
        "normal",
        "★★★",
    ),
    "难": (
        "难",
        "困难",
        "很难",
        "高",
        "极难",
        "非常难",
        "高级",
        "四级",
        "五级",
        "hard",
        "difficult",
        "★★★★",
        "★★★★★",
    ),
}
DIFFICULTY_LABELS: dict[str, str] = {
    key(w): level for level, words in _DIFFICULTY_WORDS.items() for w in words
}
_LEVELS_1_TO_5 = {1: "易", 2: "较易", 3: "较难", 4: "难", 5: "难"}


@lru_cache(maxsize=1024)
def difficulty_level(text: str) -> str | None:
    """易/较易/较难/难 for a label, a 1–5 level or a 0–1 difficulty coefficient (P value)."""
    k = key(text)
    if not k:
        return None
    hit = DIFFICULTY_LABELS.get(k)
    if hit:
        return hit
    try:
        num = float(k)
    except ValueError:
        return None
    if num.is_integer() and int(num) in _LEVELS_1_TO_5:
        return _LEVELS_1_TO_5[int(num)]
    if 0 < num < 1:
        # 难度系数 = share of candidates who answer right: high is easy.
        if num >= 0.8:
            return "易"
        if num >= 0.6:
            return "较易"
        if num >= 0.4:
            return "较难"
        return "难"
    return None


_COGNITIVE_WORDS: dict[str, tuple[str, ...]] = {
    "识记": ("识记", "记忆", "了解", "识别", "知道"),
    "领会": ("领会", "理解"),
    "简单应用": ("简单应用", "应用", "运用", "简单运用"),
    "综合应用": ("综合应用", "综合运用", "综合"),
}
COGNITIVE_LABELS: dict[str, str] = {
    key(w): level for level, words in _COGNITIVE_WORDS.items() for w in words
}


@lru_cache(maxsize=1024)
def cognitive_level(text: str) -> str | None:
    return COGNITIVE_LABELS.get(key(text))
