"""The text format of BANK_FORMAT §7: numbered blocks as copied out of Word or a quiz page.

Fed line by line (a .txt file, pasted text, or the cells of a sheet that is really a pasted
Word exam). Each block becomes a ``RawQuestion`` and goes through the same builder as a row.
"""

from __future__ import annotations

import re

from csapp.core.questions import SUBJECTIVE_TYPES, QuestionType

from .build import CELL_CAP, RawQuestion, ReadContext, build
from .fields import answer_letters, is_option_label_start, split_labeled
from .text import clean, key
from .vocab import TYPE_LABELS, tf_value, type_from_label

_Q_RE = re.compile(
    r"^(?:第\s*(\d{1,4})\s*题\s*[.．、:：]?|(\d{1,4})\s*(?:[.．](?!\d)|、)|[(（]\s*(\d{1,4})\s*[)）]"
    r"|(\d{1,4})\s*[)）](?!\d))\s*(.*)$"
)
_STYLES = ("ti", "dot", "paren", "rparen")
_ORDINAL_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|第\s*[一二三四五六七八九十\d]+\s*(?:部分|大题|节|类)?\s*[、.．:：]?)\s*"
)
_NOTE_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_TYPE_LINE_RE = re.compile(r"^题型\s*[:：]\s*(.+)$")
_CHAPTER_RE = re.compile(r"^第\s*[0-9一二三四五六七八九十百零〇]{1,4}\s*[章讲节课单元篇]")
_CHAPTER_META_RE = re.compile(r"^(?:分类|章节|章)\s*[:：]\s*(.+)$")
_TAG_RE = re.compile(r"^[【\[]\s*([^】\]]{1,10}?)\s*[】\]]\s*(.*)$")
_ANS_RE = re.compile(
    r"^(?:[【\[]\s*(?:正确答案|参考答案|标准答案|答案|答)\s*[】\]]\s*[:：]?"
    r"|(?:正确答案|参考答案|标准答案|答案|answer)\s*[:：]|答\s*[:：])\s*(.*)$",
    re.IGNORECASE,
)
_INLINE_ANS_RE = re.compile(
    r"\s+(?:正确答案|参考答案|标准答案|答案)\s*[:：]\s*"
    r"([A-Ha-h](?:[\s,，、]*[A-Ha-h]){0,7}|正确|错误|对|错|√|×|✔|❌|✓|✗)\s*$"
)
_EXPL_RE = re.compile(
    r"^(?:[【\[]\s*(?:解析|答案解析|试题解析|分析|详解|解释)\s*[】\]]\s*[:：]?"
    r"|(?:解析|答案解析|试题解析|详解|解释)\s*[:：])\s*(.*)$"
)
_META_RE = re.compile(
    r"^[【\[]?\s*(难度|难易度|知识点|考点|分值|分数|关键词|得分点|评分要点|标签|来源|出处|题型|"
    r"认知层次|章节)\s*[】\]]?\s*[:：]\s*(.*)$"
)
_TF_OPTION_RE = re.compile(r"^(true|false)\s*[.．、:：]\s*(.*)$", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"^[-=_*~·—━─.。]{3,}$")
_META_FIELD = {
    "难度": "difficulty",
    "难易度": "difficulty",
    "知识点": "kp",
    "考点": "kp",
    "分值": "score",
    "分数": "score",
    "关键词": "keywords",
    "得分点": "keywords",
    "评分要点": "keywords",
    "标签": "tags",
    "来源": "source",
    "出处": "source",
    "题型": "type",
    "认知层次": "cognitive",
    "章节": "chapter",
}
TEXT_COLS = {
    "stem": "题干",
    "answer": "答案",
    "options": "选项",
    "opt0": "选项",
    "type": "题型",
    "explanation": "解析",
    "difficulty": "难度",
    "score": "分值",
    "keywords": "关键词",
    "cognitive": "认知层次",
}


def heading_type(line: str) -> QuestionType | None:
    """The type a section heading sets (``二、单选题``, ``判断题（每题1分）``, ``题型：多选``)."""
    if len(line) > 40:
        return None
    m = _TYPE_LINE_RE.match(line)
    if m:
        return type_from_label(m.group(1))
    k = _ORDINAL_RE.sub("", line.strip())
    k = _NOTE_RE.sub("", k).strip().rstrip(":：").strip()
    if not k:
        return None
    return TYPE_LABELS.get(key(k))


_LOOSE_RE = re.compile(r"^(\d{1,4})\s*[.．](\d.*)$")


def question_start(line: str, expected: int | None = None) -> tuple[int, str, str] | None:
    """(number, numbering style, rest) when ``line`` opens a numbered question.

    ``9.2025年…`` opens question 9 only when 9 is the number expected next (else it could be
    a decimal such as ``1.5米…``).
    """
    m = _Q_RE.match(line)
    if not m:
        if expected is not None:
            loose = _LOOSE_RE.match(line)
            if loose and int(loose.group(1)) == expected:
                return expected, "dot", loose.group(2).strip()
        return None
    for i, style in enumerate(_STYLES):
        if m.group(i + 1):
            rest = m.group(5).strip()
            if not rest:
                return None
            return int(m.group(i + 1)), style, rest
    return None


def looks_like_text_bank(rows: list[list[str]]) -> bool:
    """Do these rows hold numbered questions (a Word exam pasted into cells)?"""
    numbered = 0
    for texts in rows:
        for line in row_lines(texts):
            if question_start(line) is not None:
                numbered += 1
    return numbered >= 2


def _answer_like(text: str) -> bool:
    if len(text) > 12:
        return False
    return bool(answer_letters(text)) or tf_value(text) is not None


def row_lines(texts: list[str]) -> list[str]:
    """A sheet row as text lines; a short answer in the row's last cell becomes ``答案：…``."""
    cells = [t for t in texts if t]
    if not cells:
        return []
    answer = ""
    if len(cells) >= 2 and _answer_like(cells[-1]) and not _answer_like(cells[0]):
        answer = cells.pop()
    lines = [ln for cell in cells for ln in cell.split("\n")]
    if answer:
        lines.append("答案：" + answer)
    return lines


_BARE_LABEL_RE = re.compile(r"(?:^|(?<=\s))([A-H])(?=[\u4e00-\u9fff])")


def _bare_options(line: str, start: int) -> list[str]:
    """Options written without punctuation after the letter: ``A创新  B守旧`` (two or more)."""
    marks = []
    want = start
    for m in _BARE_LABEL_RE.finditer(line):
        if ord(m.group(1)) - ord("A") == want:
            marks.append(m)
            want += 1
    if not marks or marks[0].start() != 0 or len(marks) + (start > 0) < 2:
        return []
    out = []
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        out.append(line[m.end() : stop].strip())
    return out


class _Block:
    __slots__ = (
        "answer",
        "expl",
        "lines",
        "meta",
        "number",
        "options",
        "start",
        "state",
        "stem",
        "style",
        "type_label",
    )

    def __init__(self, start: int, number: int | None, style: str, stem: str) -> None:
        self.start = start
        self.number = number
        self.style = style
        self.stem = [stem] if stem else []
        self.options: list[str] = []
        self.answer: list[str] = []
        self.expl: list[str] = []
        self.meta: dict[str, str] = {}
        self.type_label = ""
        self.state = "stem"
        self.lines: list[str] = []


class TextParser:
    """Line-by-line reader of numbered question blocks."""

    def __init__(self, ctx: ReadContext, sheet: str) -> None:
        self.ctx = ctx
        self.sheet = sheet
        self.block: _Block | None = None
        self.section_type: QuestionType | None = None
        self.chapter = ""
        self.blank = False
        self.produced = 0
        self.rejected = 0

    # -------------------------------------------------------------- helpers

    def _subjective_open(self, b: _Block) -> bool:
        if b.state not in ("answer", "expl"):
            return False
        qtype = type_from_label(b.type_label) if b.type_label else self.section_type
        if qtype is not None:
            return qtype in SUBJECTIVE_TYPES
        first = b.answer[0] if b.answer else ""
        return not b.options and not _answer_like(first)

    def _new(self, lineno: int, number: int | None, style: str, rest: str) -> None:
        self._finish_block()
        tag = _TAG_RE.match(rest)
        type_label = ""
        if tag and type_from_label(tag.group(1)):
            type_label, rest = tag.group(1), tag.group(2)
        self.block = _Block(lineno, number, style, rest)
        self.block.type_label = type_label

    # -------------------------------------------------------------- feed

    def feed(self, line: str, lineno: int) -> None:
        """Take one line (its number is the row or line the trainer sees)."""
        line = clean(line.replace("\t", "    "))
        if not line:
            self.blank = True
            return
        if _SEPARATOR_RE.match(line):
            self.blank = True
            return
        try:
            self._feed(line, lineno)
        finally:
            if self.block is not None and len(self.block.lines) < 200:
                self.block.lines.append(line)

    def _feed(self, line: str, lineno: int) -> None:
        b = self.block
        blank, self.blank = self.blank, False

        # Section headings: type, chapter.
        htype = heading_type(line)
        if htype is not None:
            self._finish_block()
            self.section_type = htype
            return
        if (
            _CHAPTER_RE.match(line)
            and len(line) <= 60
            and question_start(line) is None
            and (b is None or not self._subjective_open(b) or blank)
        ):
            self._finish_block()
            self.chapter = line
            return
        if b is None or (b.state == "stem" and not b.stem):
            m = _CHAPTER_META_RE.match(line)
            if m and b is None:
                self.chapter = m.group(1).strip()
                return

        # A numbered question.
        q = question_start(line, b.number + 1 if b is not None and b.number is not None else None)
        if q is not None:
            number, style, rest = q
            if b is None or b.number is None:
                self._new(lineno, number, style, rest)
                return
            if style == b.style:
                if not self._subjective_open(b):
                    self._new(lineno, number, style, rest)
                    return
                if blank and number in (b.number + 1, 1):
                    self._new(lineno, number, style, rest)
                    return
            elif b.answer and not self._subjective_open(b):
                # Another numbering style after a finished objective question.
                self._new(lineno, number, style, rest)
                return
            # Otherwise a numbered item inside the stem or the answer: fall through.

        # 【单选题】 before a stem.
        tag = _TAG_RE.match(line)
        if tag and type_from_label(tag.group(1)) and (b is None or b.answer or b.options):
            self._finish_block()
            self.block = _Block(lineno, None, "", tag.group(2).strip())
            self.block.type_label = tag.group(1)
            return

        if b is None:
            # Text before the first question (titles, notes) or an unnumbered block.
            if _ANS_RE.match(line) or is_option_label_start(line) is not None:
                return
            self.block = _Block(lineno, None, "", line)
            return

        # Answer given after the options on the same line: "… D. 创新  正确答案: A".
        m = _INLINE_ANS_RE.search(line)
        if m and not _ANS_RE.match(line):
            self.feed_parts(b, line[: m.start()].strip(), lineno)
            b.answer = [m.group(1).strip()]
            b.state = "answer"
            return
        self.feed_parts(b, line, lineno, blank)

    def feed_parts(self, b: _Block, line: str, lineno: int, blank: bool = False) -> None:
        if not line:
            return
        m = _ANS_RE.match(line)
        if m:
            b.answer = [m.group(1).strip()] if m.group(1).strip() else []
            b.state = "answer"
            return
        m = _EXPL_RE.match(line)
        if m:
            b.expl = [m.group(1).strip()] if m.group(1).strip() else []
            b.state = "expl"
            return
        m = _META_RE.match(line)
        if (m and b.state != "stem") or (m and b.stem):
            fld = _META_FIELD[m.group(1)]
            if fld == "type":
                b.type_label = m.group(2).strip()
            else:
                b.meta[fld] = m.group(2).strip()
            b.state = "meta"
            return
        # Options: "A. x", several per line, and "true. 正确" / "false. 错误".
        if not self._subjective_open(b):
            want = len(b.options)
            first = is_option_label_start(line)
            if first is not None and first == want:
                got = split_labeled(line, min_count=1, start=want)
                if got is not None and not got[0].strip():
                    b.options.extend(got[1])
                    b.state = "options"
                    return
            bare = _bare_options(line, want)
            if bare:
                b.options.extend(bare)
                b.state = "options"
                return
            tfm = _TF_OPTION_RE.match(line)
            if tfm:
                text = tfm.group(2).strip()
                if tf_value(text) is None:
                    text = "正确" if tfm.group(1).lower() == "true" else "错误"
                b.options.append(text)
                b.state = "options"
                return
        # Anything else continues what came before.
        if b.state == "stem":
            b.stem.append(line)
        elif b.state == "options":
            if b.options:
                b.options[-1] = (b.options[-1] + " " + line).strip()
            else:
                b.stem.append(line)
        elif b.state == "answer":
            if self._subjective_open(b):
                b.answer.append(line)
            elif blank and b.number is None and b.answer:
                self._finish_block()
                self.block = _Block(lineno, None, "", line)
            else:
                b.expl.append(line)
                b.state = "expl"
        elif b.state == "expl":
            if blank and b.number is None and b.answer and not self._subjective_open(b):
                self._finish_block()
                self.block = _Block(lineno, None, "", line)
            else:
                b.expl.append(line)
        else:  # after a meta line
            if blank and b.answer:
                self._finish_block()
                self.block = _Block(lineno, None, "", line)
            else:
                b.stem.append(line)

    # -------------------------------------------------------------- blocks

    def _finish_block(self) -> None:
        b = self.block
        self.block = None
        if b is None:
            return
        if b.number is None and not b.options and not b.answer:
            return  # prose between questions, not a question
        meta = b.meta
        raw = RawQuestion(
            sheet=self.sheet,
            row=b.start,
            type_label=b.type_label,
            stem="\n".join(b.stem),
            options=b.options,
            answer="\n".join(b.answer),
            explanation="\n".join(b.expl),
            chapter=meta.get("chapter", "") or self.chapter,
            kp=meta.get("kp", ""),
            difficulty=meta.get("difficulty", ""),
            cognitive=meta.get("cognitive", ""),
            score=meta.get("score", ""),
            keywords=meta.get("keywords", ""),
            tags=meta.get("tags", ""),
            source=meta.get("source", ""),
            default_type=self.section_type,
            cols=TEXT_COLS,
            header=["题目"],
            values=["\n".join(b.lines)[:CELL_CAP]],
        )
        if len(raw.stem) > CELL_CAP:
            raw.errors.append(("题干", f"题干超过{CELL_CAP}字，请精简后再导入"))
            raw.stem = raw.stem[:CELL_CAP]
        draft = build(raw, self.ctx)
        if draft is None:
            self.rejected += 1
        else:
            self.ctx.add(draft)
            self.produced += 1

    def finish(self) -> None:
        self._finish_block()
