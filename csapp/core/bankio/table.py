"""One sheet (or a CSV) of rows → drafts: header detection and every table layout.

Rows arrive one by one (``feed``) so that a 100,000-row sheet is never held in memory and the
caller can report progress and stop early. Layouts handled here:

- wide: one row per question, options in columns (``选项A``…) or in one cell;
- options on continuation rows below the question (``A. …`` in the stem column);
- long: one row per option with a 0/1 "correct" flag, keyed by a repeating 题目序号;
- headerless: no header, but rows shaped stem | options… | answer letter;
- numbered text pasted into cells (handed to the text reader);
- 案例 sheets (BANK_FORMAT §6).
"""

from __future__ import annotations

import re

from csapp.core.questions import LETTERS, CaseDraft, QuestionDraft, QuestionType

from .build import CELL_CAP, DEFAULT_CASE_QUESTION, RawQuestion, ReadContext, build
from .fields import (
    answer_letters,
    is_option_label_start,
    split_labeled,
    split_options_cell,
    strip_own_prefix,
)
from .text import cell_text, clean, key
from .textfmt import TextParser, looks_like_text_bank, row_lines
from .vocab import (
    CASE_SHEET_NAMES,
    INSTRUCTION_SHEET_NAMES,
    header_field,
    header_key,
    header_note,
    legend_pairs,
    tf_value,
    type_from_label,
    type_from_sheet_name,
)
from .writer import CASE_HEADER, QUESTION_HEADER

_CANONICAL_Q = frozenset(header_key(h) for h in QUESTION_HEADER)
_CANONICAL_C = frozenset(header_key(h) for h in CASE_HEADER)
HEADER_SCAN_ROWS = 15
EMPTY_ROW_STOP = 200
MAX_COLUMNS = 64

_DATA_FIELDS = frozenset(
    {
        "type",
        "options",
        "opt",
        "optnum",
        "answer",
        "explanation",
        "chapter",
        "kp",
        "difficulty",
        "cognitive",
        "score",
        "keywords",
        "tags",
        "source",
        "flag",
        "case_title",
        "case_material",
    }
)
_FLAG_TRUE = frozenset(key(w) for w in ("1", "是", "对", "正确", "√", "✓", "y", "yes", "true", "t"))
_CHAPTER_HEADING_RE = re.compile(r"^第\s*[0-9一二三四五六七八九十百零〇]{1,4}\s*[章讲节课单元篇]")
_EXAMPLE_MARKS = ("【示例】", "[示例]")


_NUMERIC_NOTE = "数字单元格已按文本读取，请核对小数位"
_PREFIX_START = frozenset("ABCDEFGHabcdefgh(（ ")


def _too_long(n: int) -> str:
    return f"单元格内容超过{CELL_CAP}字（有{n}字），请精简后再导入"


def _empty(values) -> bool:
    if values.count(None) + values.count("") == len(values):
        return True
    for v in values:
        if v is None:
            continue
        if isinstance(v, str):
            if v.strip():
                return False
        else:
            return False
    return True


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return clean(v) if v else ""
    return cell_text(v)[0]


class _Layout:
    """Which column holds what, from the header row."""

    __slots__ = (
        "chapter",
        "cols",
        "extra",
        "fields",
        "header",
        "names",
        "opt_cols",
        "row",
        "single",
        "source",
        "width",
    )

    def __init__(self) -> None:
        self.single: dict[str, int] = {}
        self.opt_cols: list[tuple[int, int]] = []  # (option index, column)
        self.chapter: list[int] = []
        self.source: list[int] = []
        self.names: dict[str, str] = {}
        self.header: list[str] = []
        self.extra: list[tuple[int, str]] = []
        self.fields: list[tuple[str, int]] = []
        self.width = 0
        self.row = 0
        self.cols: dict[str, str] = {}


def detect_header(texts: list[str]) -> _Layout | None:
    """A layout when ``texts`` is a header row: a stem column plus another known column."""
    lay = _Layout()
    numbered = False
    kinds = set()
    last = -1
    for idx, text in enumerate(texts):
        if not text:
            continue
        hit = header_field(text)
        if hit is None:
            lay.extra.append((idx, text))
            last = idx
            continue
        fld, sub = hit
        kinds.add(fld)
        last = idx
        if fld in ("opt", "optnum"):
            if fld == "optnum":
                numbered = True
            if all(i != sub for i, _ in lay.opt_cols):
                lay.opt_cols.append((sub, idx))
                lay.names[f"opt{sub}"] = text
            continue
        if fld == "chapter":
            lay.chapter.append(idx)
            lay.names.setdefault("chapter", text)
            continue
        if fld == "source":
            lay.source.append(idx)
            lay.names.setdefault("source", text)
            continue
        if fld in lay.single:
            if fld not in ("harmless", "seq"):
                lay.extra.append((idx, text))
            continue
        lay.single[fld] = idx
        lay.names[fld] = text
    if "stem" not in kinds or not (kinds & _DATA_FIELDS):
        return None
    lay.opt_cols.sort()
    # 来源 before 页码: "宗教理论手册 p35".
    lay.source.sort(key=lambda i: (header_key(texts[i]) in ("页码", "page"), i))
    if numbered:
        lay.names["numbered"] = "1"
    lay.header = list(texts[: last + 1])
    lay.width = last + 1
    lay.cols = dict(lay.names)
    lay.fields = [(f, i) for f, i in lay.single.items() if f not in ("harmless",)]
    return lay


class SheetReader:
    """Reads one sheet fed row by row; results go into the shared ReadContext."""

    def __init__(self, ctx: ReadContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        k = key(name)
        self.instruction = k in INSTRUCTION_SHEET_NAMES
        self.sheet_type = type_from_sheet_name(name)
        self.case_by_name = k in CASE_SHEET_NAMES
        self.mode = "seek"
        self.buffer: list[tuple[int, tuple]] = []
        self.nonempty = 0
        self.empty_run = 0
        self.lay: _Layout | None = None
        self.layout = "wide"
        self.pending: RawQuestion | None = None
        self.pending_seq = ""
        self.pending_flags: list[bool] = []
        self.pending_col_opts = False
        self.fill: dict[int, str] = {}
        self.section_type: QuestionType | None = None
        self.section_chapter = ""
        self.text: TextParser | None = None
        self.cases: dict[str, CaseDraft] = {}
        self.case_rows: dict[str, RawQuestion] = {}
        self.last_case = ""
        self.rows_seen = 0
        self.produced = 0
        self.above: list[str] = []
        self.fill_enabled = True

    # ------------------------------------------------------------------ feeding

    def feed(self, rowno: int, values: tuple) -> bool:
        """Take one row (1-based number, raw cell values); False when the sheet is done."""
        if _empty(values):
            self.empty_run += 1
            if self.mode == "text" and self.text is not None:
                self.text.feed("", rowno)
            return self.empty_run < EMPTY_ROW_STOP
        self.empty_run = 0
        if self.mode == "seek":
            if self.instruction:
                # 说明/使用说明: instructions and examples, never questions.
                self.mode = "skipped"
                self.ctx.skip_sheet(self.name, "说明页，不含题目")
                return False
            return self._seek(rowno, values)
        if self.mode == "table":
            self._table_row(rowno, values)
        elif self.mode == "text":
            assert self.text is not None
            for line in row_lines([_text(v) for v in values[:MAX_COLUMNS]]):
                self.text.feed(line, rowno)
        return True

    def _seek(self, rowno: int, values: tuple) -> bool:
        self.nonempty += 1
        texts = [_text(v) for v in values[:MAX_COLUMNS]]
        lay = detect_header(texts)
        if lay is not None:
            lay.row = rowno
            self._start_table(lay)
            return True
        self.buffer.append((rowno, values))
        self.above.extend(t for t in texts if t)
        if self.nonempty >= HEADER_SCAN_ROWS:
            return self._no_header()
        return True

    def finish(self) -> None:
        """End of the sheet: flush what is pending and report."""
        if self.mode == "seek":
            if self.nonempty == 0:
                self.ctx.skip_sheet(self.name, "空工作表")
                return
            self._no_header()
        if self.mode == "table":
            self._flush()
            if self.layout == "case":
                self._finish_cases()
        elif self.mode == "text" and self.text is not None:
            self.text.finish()
            if self.text.produced == 0 and self.text.rejected == 0:
                self.ctx.skip_sheet(self.name, "没有找到题目表头，也没有编号的题目")
        self.ctx.flush_sheet(self.name)

    # ------------------------------------------------------------------ no header

    def _no_header(self) -> bool:
        if self.instruction:
            self.mode = "skipped"
            self.ctx.skip_sheet(self.name, "说明页，不含题目")
            return False
        rows = [(r, [_text(v) for v in vals[:MAX_COLUMNS]]) for r, vals in self.buffer]
        lay = _headerless_layout([t for _, t in rows])
        if lay is not None:
            self.ctx.warn(
                self.name,
                rows[0][0],
                "",
                "工作表没有表头，已按“题干、选项…、答案”的列顺序读取，请核对",
            )
            self.mode = "table"
            self.lay = lay
            self.layout = "wide"
            for r, vals in self.buffer:
                self._table_row(r, vals)
            self.buffer = []
            return True
        if looks_like_text_bank([t for _, t in rows]):
            self.mode = "text"
            self.text = TextParser(self.ctx, self.name)
            for r, texts in rows:
                for line in row_lines(texts):
                    self.text.feed(line, r)
            self.buffer = []
            return True
        self.mode = "skipped"
        self.ctx.skip_sheet(self.name, "没有找到题目表头（需要“题干”列和“答案”等列）")
        return False

    # ------------------------------------------------------------------ header

    def _start_table(self, lay: _Layout) -> None:
        self.mode = "table"
        self.lay = lay
        single = lay.single
        if "flag" in single and "options" in single:
            self.layout = "long"
        elif "case_title" in single or "case_material" in single or self.case_by_name:
            self.layout = "case"
        # A legend in the rows above the header or in the type column's note.
        text = " ".join(self.above)
        if "type" in single:
            text += " " + header_note(lay.header[single["type"]])
        local = legend_pairs(text)
        if len(local) >= 2:
            self.ctx.local_legends[self.name] = local
        for _idx, name in lay.extra:
            self.ctx.warn(self.name, lay.row, name, f"无法识别的列“{name}”，已忽略")
        self.buffer = []
        # Our own layout (export, template) fills every row: a blank there means "none".
        keys = {header_key(h) for h in lay.header if h}
        if keys >= _CANONICAL_Q or keys >= _CANONICAL_C:
            self.fill_enabled = False

    # ------------------------------------------------------------------ rows

    def _table_row(self, rowno: int, values: tuple) -> None:
        lay = self.lay
        assert lay is not None
        single = lay.single
        width = lay.width
        if len(values) > width + 2:
            values = values[: width + 2]  # two spare cells for a row that is one too long
        nv = len(values)
        errors: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        names = lay.names
        # One pass over the mapped cells (this loop runs for every row of a big bank).
        texts: dict[str, str] = {}
        for fld, idx in lay.fields:
            if idx >= nv:
                continue
            v = values[idx]
            if v is None or v == "":
                continue
            if v.__class__ is str:
                if len(v) > CELL_CAP:
                    errors.append((names.get(fld, ""), _too_long(len(v))))
                    v = v[:CELL_CAP]
                t = clean(v)
            else:
                if v.__class__ is float and fld in ("answer", "options") and not v.is_integer():
                    warnings.append((names.get(fld, ""), _NUMERIC_NOTE))
                t = cell_text(v)[0]
            if t:
                texts[fld] = t
        get = texts.get
        stem = get("stem", "")
        type_label = get("type", "")
        answer = get("answer", "")
        opts_cell = get("options", "")
        options: list[str] = []
        if lay.opt_cols:
            for sub, idx in lay.opt_cols:
                v = values[idx] if idx < nv else None
                if v is None or v == "":
                    text = ""
                elif v.__class__ is str:
                    if len(v) > CELL_CAP:
                        errors.append((names.get(f"opt{sub}", ""), _too_long(len(v))))
                        v = v[:CELL_CAP]
                    text = clean(v)
                    if text and text[0] in _PREFIX_START:
                        text = strip_own_prefix(text, sub)
                else:
                    if v.__class__ is float and not v.is_integer():
                        warnings.append((names.get(f"opt{sub}", ""), _NUMERIC_NOTE))
                    text = cell_text(v)[0]
                while len(options) < sub:
                    options.append("")
                options.append(text)

        # A repeated header row inside the data.
        if stem and len(stem) <= 24 and header_field(stem) == ("stem", 0):
            others = 0
            for fld, idx in single.items():
                if fld != "stem" and idx < nv:
                    text = _text(values[idx])
                    if text and header_key(text) == header_key(lay.header[idx]):
                        others += 1
            if others >= 1:
                return

        if self.layout == "long":
            self._long_row(
                rowno, values, stem, type_label, answer, opts_cell, errors, warnings, get
            )
            return
        if self.layout == "case":
            self._case_row(rowno, values, stem, answer, errors, warnings, get)
            return

        has_opts = any(options)
        # Section headings typed into a row ("一、单选题", "第一章 …").
        if not type_label and not answer and not has_opts and not opts_cell:
            if stem and len(stem) <= 30 and "\n" not in stem:
                t = type_from_label(stem)
                if t is not None and not _has_other_values(values, single.get("stem")):
                    self._flush()
                    self.section_type = t
                    return
                if _CHAPTER_HEADING_RE.match(stem) and not _has_other_values(
                    values, single.get("stem")
                ):
                    self._flush()
                    self.section_chapter = stem
                    return
            # Options on the rows below the question.
            if self.pending is not None and stem and not self.pending_col_opts:
                want = len(self.pending.options)
                if is_option_label_start(stem) == want:
                    got = split_labeled(stem, min_count=1, start=want)
                    if got is not None and not got[0].strip():
                        self.pending.options.extend(got[1])
                        return
        if (
            self.pending is not None
            and not stem
            and not type_label
            and not answer
            and opts_cell
            and not self.pending_col_opts
        ):
            self.pending.options.extend(split_options_cell(opts_cell))
            return
        if not stem and not answer and not has_opts and not opts_cell:
            # Only a type, a chapter or ignored columns: nothing to import.
            self._fill_down(values, nv)
            if type_label:
                self.ctx.warn(
                    self.name,
                    rowno,
                    names.get("stem", ""),
                    "这一行只有题型，没有题干和答案，已跳过",
                )
            return
        if stem.startswith(_EXAMPLE_MARKS):
            self.ctx.warn(
                self.name, rowno, names.get("stem", ""), "示例行已跳过（以“【示例】”开头）"
            )
            return

        # A new question.
        self._flush()
        chapter = self._fill_down(values, nv)
        default_type = self.section_type or self.sheet_type
        details = self._details(get, values, nv)
        kp = details["kp"]
        if not kp and "kp" in single and self.fill_enabled:
            details["kp"] = self.fill.get(single["kp"], "")
        elif kp:
            self.fill[single["kp"]] = kp
        raw = RawQuestion(
            sheet=self.name,
            row=rowno,
            type_label=type_label,
            stem=stem,
            options=options if has_opts else (split_options_cell(opts_cell) if opts_cell else []),
            numbered="numbered" in names,
            answer=answer,
            chapter=chapter or self.section_chapter,
            **details,
            default_type=default_type,
            cols=lay.cols,
            header=lay.header,
            values=values,
            errors=errors,
            warnings=warnings,
        )
        self.pending_col_opts = has_opts or bool(opts_cell)
        # A row one column short: answer in the last option column, the rest shifted left.
        if lay.opt_cols and "answer" in single and "explanation" in single:
            last_sub, last_idx = lay.opt_cols[-1]
            a_idx, e_idx = single["answer"], single["explanation"]
            if (
                a_idx == last_idx + 1
                and e_idx == a_idx + 1
                and answer
                and not raw.explanation
                and last_sub < len(options)
                and options[last_sub]
            ):
                raw.shifted_answer = options[last_sub]
        if not answer and "answer" in single and "explanation" in single:
            a_idx, e_idx = single["answer"], single["explanation"]
            if e_idx == a_idx + 1 and raw.explanation:
                after = _text(values[e_idx + 1]) if e_idx + 1 < nv else ""
                raw.spilled_answer = (raw.explanation, after)
        self.pending = raw

    def _fill_down(self, values: tuple, nv: int) -> str:
        """Chapter columns are grouping columns: a blank cell repeats the one above."""
        lay = self.lay
        assert lay is not None
        parts: list[str] = []
        for idx in lay.chapter:
            text = _text(values[idx]) if idx < nv else ""
            if text:
                self.fill[idx] = text
            elif self.fill_enabled:
                text = self.fill.get(idx, "")
            if text and text not in parts:
                parts.append(text)
        return " ".join(parts)

    def _details(self, get, values: tuple, nv: int) -> dict[str, str]:
        """The per-question cells every layout reads the same way (``get`` reads this row)."""
        return {
            "explanation": get("explanation", ""),
            "kp": get("kp", ""),
            "difficulty": get("difficulty", ""),
            "cognitive": get("cognitive", ""),
            "score": get("score", ""),
            "keywords": get("keywords", ""),
            "tags": get("tags", ""),
            "source": self._sources(values, nv),
        }

    def _sources(self, values: tuple, nv: int) -> str:
        lay = self.lay
        assert lay is not None
        parts = []
        for idx in lay.source:
            text = _text(values[idx]) if idx < nv else ""
            if text and text not in parts:
                parts.append(text)
        return " ".join(parts)

    def _flush(self) -> None:
        raw = self.pending
        if raw is None:
            return
        self.pending = None
        if self.layout == "long":
            flags = self.pending_flags
            self.pending_flags = []
            if not raw.answer:
                letters = "".join(LETTERS[i] for i, f in enumerate(flags) if f and i < len(LETTERS))
                if letters:
                    judge = [tf_value(o) for o in raw.options]
                    if len(raw.options) == 2 and set(judge) == {True, False} and len(letters) == 1:
                        raw.answer = "正确" if judge[LETTERS.index(letters)] else "错误"
                    else:
                        raw.answer = letters
        draft = build(raw, self.ctx)
        if draft is not None:
            self.ctx.add(draft)
            self.produced += 1

    # ------------------------------------------------------------------ long format

    def _long_row(self, rowno, values, stem, type_label, answer, opts_cell, errors, warnings, get):
        """One row of the one-row-per-option layout (``get`` reads this row's mapped cells)."""
        lay = self.lay
        assert lay is not None
        seq = get("seq", "")
        flag = get("flag", "")
        new = False
        if self.pending is None or (seq and seq != self.pending_seq) or (not seq and stem):
            new = True
        if new:
            self._flush()
            chapter = self._fill_down(values, len(values))
            self.pending = RawQuestion(
                sheet=self.name,
                row=rowno,
                type_label=type_label,
                stem=stem,
                answer=answer,
                chapter=chapter or self.section_chapter,
                **self._details(get, values, len(values)),
                default_type=self.section_type or self.sheet_type,
                cols={**lay.cols, "opt0": lay.names.get("options", "")},
                header=lay.header,
                values=values,
                errors=errors,
                warnings=warnings,
            )
            self.pending_seq = seq
            self.pending_flags = []
        else:
            raw = self.pending
            assert raw is not None
            raw.errors.extend(errors)
            raw.warnings.extend(warnings)
            for fld, val in (("stem", stem), ("type_label", type_label), ("answer", answer)):
                if val and not getattr(raw, fld):
                    setattr(raw, fld, val)
        if opts_cell:
            raw = self.pending
            assert raw is not None
            raw.options.append(strip_own_prefix(opts_cell, len(raw.options)))
            self.pending_flags.append(key(flag) in _FLAG_TRUE)

    # ------------------------------------------------------------------ cases

    def _case_row(self, rowno, values, stem, answer, errors, warnings, get):
        lay = self.lay
        assert lay is not None
        title = get("case_title", "")
        material = get("case_material", "")
        if title.startswith(_EXAMPLE_MARKS) or stem.startswith(_EXAMPLE_MARKS):
            self.ctx.warn(
                self.name,
                rowno,
                lay.names.get("case_title", ""),
                "示例行已跳过（以“【示例】”开头）",
            )
            return
        chapter = self._fill_down(values, len(values))
        if not title:
            if material and (not self.last_case or self.cases[self.last_case].material):
                title = material.split("\n", 1)[0][:20]
                self.ctx.warn(
                    self.name,
                    rowno,
                    lay.names.get("case_title", "案例标题"),
                    f"案例没有标题，已用材料开头“{title}”作标题",
                )
            else:
                title = self.last_case
        if not title:
            self.ctx.error(
                self.name, rowno, lay.names.get("case_title", "案例标题"), "案例标题为空"
            )
            self.ctx.reject(
                RawQuestion(sheet=self.name, row=rowno, header=lay.header, values=values),
                ["案例标题为空"],
            )
            return
        case = self.cases.get(title)
        if case is None:
            case = CaseDraft(
                title=title, material=material, chapter=chapter, sheet=self.name, row=rowno
            )
            self.cases[title] = case
            self.case_rows[title] = RawQuestion(
                sheet=self.name, row=rowno, header=lay.header, values=values
            )
        elif material and not case.material:
            case.material = material
        if chapter and not case.chapter:
            case.chapter = chapter
        self.last_case = title
        if not stem and not answer:
            for column, message in errors:
                self.ctx.error(self.name, rowno, column, message)
            return
        raw = RawQuestion(
            sheet=self.name,
            row=rowno,
            stem=stem or DEFAULT_CASE_QUESTION,
            answer=answer,
            chapter=chapter or case.chapter,
            **self._details(get, values, len(values)),
            case_title=title,
            cols=lay.cols,
            header=lay.header,
            values=values,
            errors=errors,
            warnings=warnings,
        )
        draft = build(raw, self.ctx, force_type=QuestionType.CASE)
        if draft is not None:
            case.questions.append(draft)

    def _finish_cases(self) -> None:
        lay = self.lay
        assert lay is not None
        for title, case in self.cases.items():
            if not case.material:
                msg = f"案例“{title}”没有案例材料"
                self.ctx.error(self.name, case.row, lay.names.get("case_material", "案例材料"), msg)
                self.ctx.reject(self.case_rows[title], [msg])
                continue
            if not case.questions:
                case.questions.append(
                    QuestionDraft(
                        qtype=QuestionType.CASE,
                        stem=DEFAULT_CASE_QUESTION,
                        chapter=case.chapter,
                        case_title=title,
                        sheet=self.name,
                        row=case.row,
                    )
                )
            self.ctx.cases.append(case)


def _has_other_values(values: tuple, skip: int | None) -> bool:
    for i, v in enumerate(values):
        if i == skip or v is None:
            continue
        if isinstance(v, str) and not v.strip():
            continue
        return True
    return False


def _headerless_layout(rows: list[list[str]]) -> _Layout | None:
    """No header, but rows read stem | 2–8 options | answer letters (baike)."""
    shapes: dict[tuple[int, int], int] = {}
    seen = 0
    for texts in rows:
        idx = [i for i, t in enumerate(texts) if t]
        if len(idx) < 2:
            continue
        seen += 1
        s, a = idx[0], idx[-1]
        if texts[s].isdigit() and len(idx) > 2:
            s = idx[1]
        n_opts = a - s - 1
        if n_opts < 2 or n_opts > 8 or len(texts[s]) < 4:
            continue
        letters = answer_letters(texts[a])
        if not letters or len(texts[a]) > 12:
            continue
        shapes[(s, a)] = shapes.get((s, a), 0) + 1
    if not shapes or seen == 0:
        return None
    (s, a), count = max(shapes.items(), key=lambda kv: kv[1])
    if count < max(1, int(seen * 0.6 + 0.999)):
        return None
    lay = _Layout()
    lay.single = {"stem": s, "answer": a}
    lay.opt_cols = [(i, s + 1 + i) for i in range(a - s - 1)]
    lay.names = {"stem": "题干", "answer": "答案"}
    header = [""] * (a + 1)
    header[s] = "题干"
    header[a] = "答案"
    for i, c in lay.opt_cols:
        lay.names[f"opt{i}"] = f"选项{LETTERS[i]}"
        header[c] = f"选项{LETTERS[i]}"
    lay.header = header
    lay.width = a + 1
    lay.cols = dict(lay.names)
    lay.fields = list(lay.single.items())
    return lay
