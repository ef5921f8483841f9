"""From the raw fields of one question (a row, a group of rows or a text block) to a draft.

Both the table reader and the text reader fill a ``RawQuestion``; everything about types,
answers and key points happens here once, so the two readers cannot disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from csapp.core.questions import (
    DEFAULT_MARKS,
    FALSE_ANSWER,
    LETTERS,
    SUBJECTIVE_TYPES,
    TRUE_ANSWER,
    CaseDraft,
    QuestionDraft,
    QuestionType,
)

from .fields import (
    answer_in_stem,
    answer_letters,
    answer_numbers,
    count_blanks,
    fill_answer,
    has_blank,
    key_points,
    match_option_text,
    options_from_stem,
    strip_answer_prefix,
)
from .model import ImportReport, Issue, ProblemRow, ReadResult
from .text import cell_text, key
from .vocab import (
    CHOICE_LABELS,
    NEAR_SUBJECTIVE,
    cognitive_level,
    difficulty_level,
    tf_value,
    type_from_label,
    type_from_marker,
)

T = QuestionType

# Marks shared by the key points when the file gives no 分值 (the 10421 paper's marks).

CELL_CAP = 20_000
DEFAULT_CASE_QUESTION = "请结合案例进行分析"


@dataclass(slots=True)
class RawQuestion:
    """Text fields of one question as found, plus where to point the trainer."""

    sheet: str
    row: int
    type_label: str = ""
    stem: str = ""
    options: list[str] = field(default_factory=list)
    numbered: bool = False
    answer: str = ""
    explanation: str = ""
    chapter: str = ""
    kp: str = ""
    difficulty: str = ""
    cognitive: str = ""
    score: str = ""
    keywords: str = ""
    tags: str = ""
    source: str = ""
    case_title: str = ""
    default_type: QuestionType | None = None
    shifted_answer: str | None = None
    spilled_answer: tuple[str, str] | None = None
    cols: dict[str, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    values: list[str] | tuple = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


class ReadContext:
    """Collects drafts, issues and problem rows for one file."""

    def __init__(self, file: str, fmt: str) -> None:
        self.report = ImportReport(file=file, format=fmt)
        self.questions: list[QuestionDraft] = []
        self.cases: list[CaseDraft] = []
        self.problem_rows: list[ProblemRow] = []
        self._once: set[tuple] = set()
        self._sheet_order: dict[str, int] = {}
        # sheet -> reason -> [first row, Counter of types]
        self._inferred: dict[str, dict[str, list]] = {}
        self.legend_finder = None  # callable(sheet) -> dict[str, QuestionType]
        self._legend_cache: dict[str, dict[str, QuestionType]] = {}
        self.local_legends: dict[str, dict[str, QuestionType]] = {}

    # -- issues
    def _sheet_index(self, sheet: str) -> int:
        return self._sheet_order.setdefault(sheet, len(self._sheet_order))

    def warn(self, sheet: str, row: int, column: str, message: str, once: tuple | None = None):
        if once is not None:
            if once in self._once:
                return
            self._once.add(once)
        self._sheet_index(sheet)
        self.report.warnings.append(Issue(sheet, row, column, message))

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self._sheet_index(sheet)
        self.report.errors.append(Issue(sheet, row, column, message))

    def skip_sheet(self, sheet: str, reason: str) -> None:
        self._sheet_index(sheet)
        self.report.skipped_sheets.append({"sheet": sheet, "reason": reason})

    def legend(self, sheet: str) -> dict[str, QuestionType]:
        if sheet in self.local_legends and len(self.local_legends[sheet]) >= 2:
            return self.local_legends[sheet]
        if "*" not in self._legend_cache:
            found = self.legend_finder() if self.legend_finder else {}
            self._legend_cache["*"] = found if len(found) >= 2 else {}
        return self._legend_cache["*"]

    def note_inferred(self, sheet: str, row: int, reason: str, qtype: QuestionType) -> None:
        self.report.inferred_types += 1
        per = self._inferred.setdefault(sheet, {})
        entry = per.setdefault(reason, [row, Counter()])
        entry[1][qtype] += 1

    def flush_sheet(self, sheet: str) -> None:
        """Turn the sheet's inference tallies into one warning each."""
        for reason, (row, counts) in self._inferred.pop(sheet, {}).items():
            total = sum(counts.values())
            spread = "、".join(f"{t}{n}道" for t, n in sorted(counts.items(), key=_type_rank))
            if reason.startswith("code:"):
                code = reason[5:]
                msg = (
                    f"题型代码“{code}”在文件中没有说明含义，这{total}道题已按答案和选项推断为"
                    f"{spread}，请核对或改填题型名称"
                )
                self.warn(sheet, row, "题型", msg)
            elif reason == "marker":
                self.warn(sheet, row, "题型", f"{total}道题按题干中的标注确定了题型（{spread}）")
            else:
                self.warn(
                    sheet,
                    row,
                    "题型",
                    f"{total}道题没有填写题型，已按答案和选项推断（{spread}），请核对",
                )

    # -- results
    def add(self, draft: QuestionDraft) -> None:
        self.questions.append(draft)

    def reject(self, raw: RawQuestion, reasons: list[str]) -> None:
        self.problem_rows.append(
            ProblemRow(
                sheet=raw.sheet,
                row=raw.row,
                header=list(raw.header),
                values=[_cell_str(v) for v in raw.values],
                reasons=reasons,
            )
        )

    def result(self) -> ReadResult:
        rep = self.report
        counts: Counter[str] = Counter(str(q.qtype) for q in self.questions)
        for case in self.cases:
            counts.update(str(q.qtype) for q in case.questions)
        rep.by_type = {str(t): counts[str(t)] for t in T if counts[str(t)]}
        rep.questions = sum(counts.values())
        rep.cases = len(self.cases)
        order = self._sheet_order
        rep.errors.sort(key=lambda i: (order.get(i.sheet, 1 << 30), i.row))
        rep.warnings = _collapse(rep.warnings)
        rep.warnings.sort(key=lambda i: (order.get(i.sheet, 1 << 30), i.row))
        return ReadResult(
            questions=self.questions,
            cases=self.cases,
            report=rep,
            problem_rows=self.problem_rows,
        )


COLLAPSE_AT = 4


def _rows_text(rows: list[int]) -> str:
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        elif not runs or r != runs[-1][1]:
            runs.append([r, r])
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:6]]
    return "、".join(parts) + ("等" if len(runs) > 6 else "")


def _collapse(issues: list[Issue]) -> list[Issue]:
    """The same warning on many rows of a sheet becomes one line that lists the rows."""
    groups: dict[tuple[str, str, str], list[Issue]] = {}
    for issue in issues:
        groups.setdefault((issue.sheet, issue.column, issue.message), []).append(issue)
    out: list[Issue] = []
    for (sheet, column, message), items in groups.items():
        if len(items) < COLLAPSE_AT:
            out.extend(items)
            continue
        rows = sorted({i.row for i in items})
        out.append(
            Issue(sheet, rows[0], column, f"{message}（共{len(items)}行：第{_rows_text(rows)}行）")
        )
    return out


def _cell_str(value) -> str:
    """A problem-row cell as text (raw cell values are kept until a row is rejected)."""
    if isinstance(value, str):
        return value[:CELL_CAP]
    return cell_text(value)[0][:CELL_CAP]


def _type_rank(item: tuple[QuestionType, int]) -> int:
    return list(T).index(item[0])


# ---------------------------------------------------------------------------- helpers

_STEM_NUMBER_RE = re.compile(
    r"^\s*(?:第\s*\d{1,4}\s*题\s*[.．、:：]?|\d{1,4}\s*(?:[.．](?!\d)|、)|[(（]\d{1,4}[)）])\s*"
)
_STEM_JUNK = "║│┃|■□◆◇●•·"
_SCORE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*分?\s*$")
_SOURCE_NOTE_RE = re.compile(r"^(?:来源|出处)\s*[:：]\s*")


def tidy_stem(stem: str) -> str:
    stem = stem.strip().lstrip(_STEM_JUNK).strip()
    m = _STEM_NUMBER_RE.match(stem)
    if m and m.end() < len(stem):
        stem = stem[m.end() :]
    return stem.strip()


def _is_tf_options(options: list[str]) -> bool:
    filled = [o for o in options if o]
    if len(filled) != 2:
        return False
    vals = {tf_value(o) for o in filled}
    return vals == {True, False}


def infer_type(stem: str, options: list[str], answer: str, numbered: bool) -> QuestionType | None:
    """BANK_FORMAT §4: several letters → 多选; 正确/错误 → 判断; one letter → 单选; blank → 填空."""
    filled = [o for o in options if o]
    if filled:
        if _is_tf_options(options):
            return T.JUDGE
        letters = answer_letters(answer)
        if letters:
            return T.MULTI if len(letters) > 1 else T.SINGLE
        if numbered:
            nums = answer_numbers(answer)
            if nums:
                return T.MULTI if len(nums) > 1 else T.SINGLE
        if match_option_text(answer, options) is not None:
            return T.SINGLE
        if answer and _texts_to_letters(answer, options):
            return T.MULTI
        if tf_value(answer) is not None and len(filled) <= 2:
            return T.JUDGE
        if len(filled) == 1 and answer and answer_letters(answer) is None:
            return T.FILL if has_blank(stem) else T.SHORT
        return T.SINGLE
    if tf_value(answer) is not None:
        return T.JUDGE
    k = key(answer)
    if k in ("0", "1", "2") and not has_blank(stem):
        return T.JUDGE
    if has_blank(stem):
        return T.FILL
    if answer_letters(answer) and len(answer.strip()) <= 15:
        letters = answer_letters(answer) or ""
        return T.MULTI if len(letters) > 1 else T.SINGLE
    if answer:
        return T.SHORT
    return None


def _texts_to_letters(answer: str, options: list[str]) -> str | None:
    parts = [p for p in re.split(r"[|；;\n、]+", answer) if p.strip()]
    if len(parts) < 2:
        return None
    idx = [match_option_text(p, options) for p in parts]
    if any(i is None for i in idx):
        return None
    return "".join(sorted({LETTERS[i] for i in idx if i is not None}))


def _choice_letters(answer: str, options: list[str], numbered: bool) -> tuple[str | None, str]:
    """(letters, error) for a 单选/多选 answer."""
    letters = answer_letters(answer)
    if letters is None and numbered:
        nums = answer_numbers(answer)
        if nums:
            letters = "".join(LETTERS[n - 1] for n in nums if n <= len(LETTERS))
    if letters is None:
        idx = match_option_text(answer, options)
        if idx is not None:
            letters = LETTERS[idx]
    if letters is None:
        letters = _texts_to_letters(answer, options)
    if letters is None:
        if answer_numbers(answer):
            return None, f"答案“{answer}”是数字，但选项没有编号，请填写选项字母（如 A）"
        return None, f"答案“{_short(answer)}”不是选项字母，也不是任何一个选项的内容"
    missing = [
        c for c in letters if LETTERS.index(c) >= len(options) or not options[LETTERS.index(c)]
    ]
    if missing:
        return None, f"答案“{''.join(missing)}”没有对应的选项"
    return letters, ""


def _short(text: str, limit: int = 30) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def _level(
    raw: RawQuestion,
    ctx: ReadContext,
    name: str,
    parse: Callable[[str], str | None],
    label: str,
    choices: str,
) -> str:
    """The canonical level for ``raw.<name>`` (难度/认知层次), or "" — warned once if unknown."""
    text: str = getattr(raw, name)
    if not text.strip():
        return ""
    level = parse(text)
    if level:
        return level
    ctx.warn(
        raw.sheet,
        raw.row,
        raw.cols.get(name, ""),
        f"{label}“{_short(text)}”无法识别，已留空（可填：{choices}）",
        once=(name, raw.sheet, key(text)),
    )
    return ""


def _split_tags(text: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r"[,，、;；|\n]+", text):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def _valid_objective(answer: str, options: list[str]) -> bool:
    if tf_value(answer) is not None:
        return True
    letters = answer_letters(answer)
    if not letters:
        return False
    return all(LETTERS.index(c) < len(options) and options[LETTERS.index(c)] for c in letters)


# ---------------------------------------------------------------------------- build


def build(raw: RawQuestion, ctx: ReadContext, force_type: QuestionType | None = None):
    """A QuestionDraft, or None when the row has errors (reported and kept as a problem row)."""
    errors: list[tuple[str, str]] = list(raw.errors)
    warnings: list[tuple[str, str]] = list(raw.warnings)
    cols = raw.cols
    sheet, row = raw.sheet, raw.row

    def col(name: str) -> str:
        return cols.get(name, "")

    stem = tidy_stem(raw.stem)
    options = [o.strip() for o in raw.options]
    while options and not options[-1]:
        options.pop()
    answer = raw.answer.strip()
    explanation = raw.explanation.strip()
    source = raw.source.strip()

    # ---- type as given
    label = raw.type_label.strip()
    qtype: QuestionType | None = force_type
    reason = ""
    choice_label = False
    if qtype is None and label:
        lk = key(label)
        qtype = type_from_label(label)
        if qtype is None:
            if lk in CHOICE_LABELS:
                choice_label = True
            elif lk in NEAR_SUBJECTIVE:
                qtype = NEAR_SUBJECTIVE[lk]
                warnings.append((col("type"), f"题型“{label}”按简答题导入"))
            elif lk.isdigit():
                legend = ctx.legend(sheet)
                if lk in legend:
                    qtype = legend[lk]
                else:
                    reason = f"code:{label}"
            else:
                reason = "label"
                warnings.append((col("type"), f"题型“{_short(label)}”无法识别，已按内容推断"))
    if qtype is None and not choice_label and not reason and raw.default_type is not None:
        qtype = raw.default_type

    # ---- a row one column short (answer in the last option cell)
    if raw.shifted_answer is not None and options:
        shifted = raw.shifted_answer.strip()
        last_col = col(f"opt{len(options) - 1}") or "最后一个选项"
        if qtype in (None, T.SINGLE, T.MULTI, T.JUDGE) or choice_label:
            rest = options[:-1]
            while rest and not rest[-1]:
                rest.pop()
            if not _valid_objective(answer, options) and rest and _valid_objective(shifted, rest):
                warnings.append(
                    (
                        col("answer"),
                        f"这一行少了一列：答案写在了“{last_col}”列，已按答案读入，"
                        f"“{col('answer')}”列的内容作为解析，请核对",
                    )
                )
                explanation = "\n".join(x for x in (answer, explanation) if x)
                answer, options = shifted, rest
        elif all(not o for o in options[:-1]):
            warnings.append(
                (
                    col("answer"),
                    f"这一行少了一列：答案写在了“{last_col}”列，已按答案读入，"
                    f"“{col('answer')}”列的内容作为解析，请核对",
                )
            )
            explanation = "\n".join(x for x in (answer, explanation) if x)
            answer, options = shifted, []

    # ---- a row one column long (answer in the explanation column)
    if not answer and raw.spilled_answer is not None and any(options):
        spilled, after = raw.spilled_answer
        if qtype in (None, T.SINGLE, T.MULTI, T.JUDGE) and _valid_objective(spilled, options):
            warnings.append(
                (
                    col("explanation"),
                    f"答案写在了“{col('explanation')}”列（这一行多了一列），已按答案读入，请核对",
                )
            )
            answer, explanation = spilled, after

    # ---- options typed into the stem
    if not any(options) and stem and (qtype is None or qtype.has_options or choice_label):
        got = options_from_stem(stem)
        if got is not None:
            stem, options = got

    # ---- type from a stem marker
    if qtype is None and not choice_label:
        marked = type_from_marker(stem)
        if marked is not None:
            qtype = marked
            reason = reason or "marker"

    # ---- answer inside the stem
    if stem and (qtype is None or qtype in (T.SINGLE, T.MULTI, T.JUDGE) or choice_label):
        if not answer:
            got = answer_in_stem(stem) if any(options) else None
            if got is not None and (
                _valid_objective(got[1], options) or len(answer_letters(got[1]) or "") > 1
            ):
                stem, answer = got
            elif qtype in (None, T.JUDGE) and not any(options):
                got = answer_in_stem(stem, tf=True)
                if got is not None:
                    stem, answer = got
        elif any(options):
            got = answer_in_stem(stem)
            if got is not None and answer_letters(got[1]) == answer_letters(answer):
                stem = got[0]

    # ---- infer what is still unknown
    if qtype is None:
        inferred = infer_type(stem, options, answer, raw.numbered)
        if choice_label:
            letters = answer_letters(answer) or ""
            qtype = T.MULTI if len(letters) > 1 else T.SINGLE
        elif inferred is not None:
            qtype = inferred
            reason = reason or "none"
        else:
            if not stem:
                errors.append((col("stem"), "题干为空"))
            else:
                errors.append((col("answer"), "没有答案，也没有题型，无法判断这是什么题"))
            return _finish_rejected(raw, ctx, errors, warnings)

    if not stem:
        errors.append((col("stem"), "题干为空"))

    draft = QuestionDraft(qtype=qtype, stem=stem, sheet=sheet, row=row)

    # ---- answers by type
    if qtype in (T.SINGLE, T.MULTI):
        filled = [o for o in options if o]
        if len(filled) < 2:
            errors.append(
                (
                    col("options") or col("opt0"),
                    f"{qtype}至少需要两个选项，只找到{len(filled)}个，请检查选项及其标号（A、B、C…）",
                )
            )
        else:
            gaps = [LETTERS[i] for i, o in enumerate(options) if not o]
            if gaps:
                errors.append(
                    (
                        col(f"opt{LETTERS.index(gaps[0])}") or col("options"),
                        f"选项{'、'.join(gaps)}为空，选项要从A开始连续填写",
                    )
                )
        if not answer:
            errors.append((col("answer"), f"{qtype}没有填写答案"))
        elif not errors:
            letters, err = _choice_letters(answer, options, raw.numbered)
            if err:
                errors.append((col("answer"), err))
            else:
                assert letters is not None
                if qtype is T.SINGLE and len(letters) > 1:
                    if label and type_from_label(label) is T.SINGLE:
                        warnings.append(
                            (col("type"), f"单选题给了多个答案“{letters}”，已按多选题导入")
                        )
                    qtype = draft.qtype = T.MULTI
                draft.answer = letters
        draft.options = options
        seen: dict[str, int] = {}
        for i, o in enumerate(options):
            k = o.casefold()
            if k in seen:
                warnings.append(
                    (
                        col(f"opt{i}") or col("options"),
                        f"选项{LETTERS[seen[k]]}和选项{LETTERS[i]}内容相同，请核对",
                    )
                )
                break
            seen[k] = i
    elif qtype is T.JUDGE:
        if not answer:
            errors.append((col("answer"), "判断题没有填写答案"))
        else:
            value, err, note = _judge_value(answer, options)
            if err:
                errors.append((col("answer"), err))
            else:
                draft.answer = TRUE_ANSWER if value else FALSE_ANSWER
                if note:
                    ctx.warn(sheet, row, col("answer"), note, once=("judge2", sheet))
    elif qtype is T.FILL:
        answer = _answer_from_options(answer, options, qtype, col, warnings)
        if not answer:
            errors.append((col("answer"), "填空题没有填写答案"))
        else:
            blanks = count_blanks(stem)
            canon, n = fill_answer(answer, blanks)
            if not canon:
                errors.append((col("answer"), "填空题没有填写答案"))
            draft.answer = canon
            if blanks and n != blanks:
                warnings.append(
                    (
                        col("answer"),
                        f"填空题有{blanks}个空，但答案有{n}个，请用“|”分隔各空的答案",
                    )
                )
    else:  # subjective
        answer = _answer_from_options(answer, options, qtype, col, warnings)
        answer = strip_answer_prefix(answer)
        draft.answer = answer
        if not answer:
            warnings.append((col("answer"), f"{qtype}没有参考答案，练习时无法对照评分"))

    if errors:
        return _finish_rejected(raw, ctx, errors, warnings)

    # ---- the rest of the fields
    if raw.score.strip():
        m = _SCORE_RE.match(key(raw.score))
        if m and float(m.group(1)) > 0:
            draft.score = float(m.group(1))
        else:
            warnings.append((col("score"), f"分值“{_short(raw.score)}”不是正数，已忽略"))
    if qtype in SUBJECTIVE_TYPES and draft.answer:  # keywords only matter for these
        total = draft.score if draft.score is not None else DEFAULT_MARKS[qtype]
        points, notes = key_points(draft.answer, total, raw.keywords)
        draft.key_points = points
        for note in notes:
            warnings.append((col("keywords") or col("answer"), note))
    draft.difficulty = _level(
        raw, ctx, "difficulty", difficulty_level, "难度", "易、较易、较难、难"
    )
    draft.cognitive_level = _level(
        raw, ctx, "cognitive", cognitive_level, "认知层次", "识记、领会、简单应用、综合应用"
    )
    if (
        explanation
        and not source
        and _SOURCE_NOTE_RE.match(explanation)
        and "\n" not in explanation
    ):
        source = _SOURCE_NOTE_RE.sub("", explanation)
        explanation = ""
    draft.explanation = explanation
    draft.source = source
    draft.chapter = raw.chapter.strip()
    draft.knowledge_point = raw.kp.strip()
    draft.tags = _split_tags(raw.tags)
    draft.case_title = raw.case_title.strip()

    if reason:
        ctx.note_inferred(sheet, row, reason if reason != "label" else "none", draft.qtype)
    for column, message in warnings:
        ctx.warn(sheet, row, column, message)
    return draft


def _answer_from_options(answer, options, qtype, col, warnings) -> str:
    """填空/主观 rows whose answer text sits in the option cells (czwps, fyhc)."""
    filled = [(i, o) for i, o in enumerate(options) if o]
    if not filled:
        return answer
    letters = answer_letters(answer) if answer else None
    if letters and len(letters) == 1 and LETTERS.index(letters) < len(options):
        idx = LETTERS.index(letters)
        text = options[idx]
        if text:
            where = col(f"opt{idx}") or f"选项{letters}"
            warnings.append((col("answer"), f"{qtype}的答案写在了“{where}”列，已按答案读入"))
            return text
    if not answer:
        warnings.append(
            (col("opt0") or col("options"), f"{qtype}的答案写在了选项列，已按各空的答案读入")
        )
        if qtype is T.FILL:
            return "|".join(o for _, o in filled)
        return "\n".join(o for _, o in filled)
    return answer


def _judge_value(answer: str, options: list[str]) -> tuple[bool | None, str, str]:
    value = tf_value(answer)
    if value is not None:
        return value, "", ""
    if any(options):
        letters = answer_letters(answer)
        idx = None
        if letters and len(letters) == 1:
            idx = LETTERS.index(letters)
        else:
            idx = match_option_text(answer, options)
        if idx is not None:
            if idx >= len(options) or not options[idx]:
                return None, f"答案“{answer}”没有对应的选项", ""
            value = tf_value(options[idx])
            if value is None:
                return (
                    None,
                    f"判断题的选项{LETTERS[idx]}“{_short(options[idx])}”不是“正确”或“错误”，无法确定答案",
                    "",
                )
            return value, "", ""
    k = key(answer)
    if k == "1":
        return True, "", ""
    if k == "0":
        return False, "", ""
    if k == "2":
        return False, "", "判断题答案按 1=正确、2=错误 读取，请核对"
    return None, f"判断题答案“{_short(answer)}”无法识别，请填写“正确”或“错误”", ""


def _finish_rejected(raw: RawQuestion, ctx: ReadContext, errors, warnings) -> None:
    seen = set()
    reasons = []
    for column, message in errors:
        if (column, message) in seen:
            continue
        seen.add((column, message))
        ctx.error(raw.sheet, raw.row, column, message)
        reasons.append(message)
    for column, message in warnings:
        ctx.warn(raw.sheet, raw.row, column, message)
    ctx.reject(raw, reasons)
    return None
