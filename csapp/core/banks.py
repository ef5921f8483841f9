"""A trainer's banks: import a file or pasted text, rename, delete, browse, correct a key.

Everything here is one short unit of work on the library's engine, so the CLI, the GUI (on a
worker thread) and the tests call the same functions. Reading is the bank reader's job
(``csapp.core.bankio``); writing is ``importing.import_drafts`` (one transaction, matched by
fingerprint, so a re-import changes nothing and a corrected file keeps the learner's history).
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from csapp.core.bankio import (
    BankReadError,
    ImportReport,
    ProblemRow,
    ReadResult,
    export_workbook,
    iter_read_bank,
    read_text,
)
from csapp.core.importing import ImportOutcome, import_drafts, run
from csapp.core.models import (
    AnswerRecord,
    Bank,
    Case,
    CaseAttempt,
    CaseDraft,
    Favorite,
    Question,
    ReviewState,
    WrongBookEntry,
    now,
)
from csapp.core.questions import (
    DEFAULT_MARKS,
    DIFFICULTIES,
    FALSE_ANSWER,
    LETTERS,
    SUBJECTIVE_TYPES,
    TRUE_ANSWER,
    TYPE_ORDER,
    KeyPoint,
    QuestionDraft,
    QuestionType,
)
from csapp.core.questions import CaseDraft as CaseDraftData

__all__ = [
    "BankError",
    "BankHistory",
    "BankImport",
    "BankReadError",
    "Facets",
    "QuestionDetail",
    "QuestionFilter",
    "QuestionRow",
    "bank_drafts",
    "bank_facets",
    "bank_history",
    "bank_id",
    "check_bank_name",
    "correct_question",
    "default_bank_name",
    "delete_bank",
    "error_text",
    "export_bank",
    "import_file",
    "import_text",
    "iter_export_bank",
    "iter_import_file",
    "iter_import_result",
    "iter_read_file",
    "normalize_answer",
    "preview",
    "question_detail",
    "question_ids",
    "question_rows",
    "read_file",
    "rename_bank",
]

# Share of the progress bar given to reading when one generator reads and writes: reading a
# spreadsheet is what takes the time (openpyxl), the bulk insert is a small part of it.
READ_SHARE = 0.8
MAX_NAME = 60


class BankError(Exception):
    """Something the trainer asked for cannot be done; ``str()`` is one Chinese sentence."""


def error_text(exc: BaseException) -> str | None:
    """The sentence to show when bank work failed, or None when it is a bug, not a condition."""
    from csapp.core.errors import user_message

    if isinstance(exc, BankError | BankReadError):
        return str(exc)
    return user_message(exc)


# ---------------------------------------------------------------------------- names


def default_bank_name(source: str | os.PathLike) -> str:
    """The bank a file goes into unless the trainer says otherwise: the file's name."""
    stem = Path(source).stem.strip() if str(source) else ""
    return stem[:MAX_NAME] or "导入的题库"


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise BankError("请填写题库名称。")
    if len(name) > MAX_NAME:
        raise BankError(f"题库名称太长了，请控制在{MAX_NAME}个字以内。")
    return name


def bank_id(engine: Engine, name: str) -> int | None:
    """The id of the bank called ``name`` (exact, after trimming), or None."""
    table = Bank.__table__
    with engine.connect() as conn:
        return conn.execute(select(table.c.id).where(table.c.name == name.strip())).scalar()


def _bank_row(conn, bank: int) -> Any:
    table = Bank.__table__
    row = conn.execute(
        select(table.c.id, table.c.name, table.c.builtin).where(table.c.id == bank)
    ).first()
    if row is None:
        raise BankError("这个题库已经不存在了（可能刚被删除）。")
    return row


def check_bank_name(engine: Engine, name: str) -> tuple[str, bool]:
    """(the name as it will be stored, whether that bank exists) for an import target.

    BankError when the name is empty, too long or the built-in bank's.
    """
    clean = _clean_name(name)
    _refuse_builtin_target(engine, clean)
    return clean, bank_id(engine, clean) is not None


def _refuse_builtin_target(engine: Engine, name: str) -> None:
    table = Bank.__table__
    with engine.connect() as conn:
        builtin = conn.execute(select(table.c.builtin).where(table.c.name == name)).scalar()
    if builtin:
        raise BankError(f"“{name}”是内置题库，不能导入到其中。请换一个题库名称。")


# ---------------------------------------------------------------------------- import


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a big bank is read or written.

    Reading 100,000 questions keeps a few million objects alive; every full collection then
    walks all of them (0.5–1 s each, several times per import), which stalls the progress bar
    and adds seconds. Reference counting still frees everything the import drops; the
    collector resumes as soon as the work ends or is cancelled. Re-entrant.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_file(path: str | os.PathLike) -> ReadResult:
    """Read a bank file completely (``main.py check``); BankReadError if it cannot be read."""
    with gc_paused():
        return run(iter_read_bank(path))


def iter_read_file(path: str | os.PathLike) -> Generator[float, None, tuple[ReadResult, Preview]]:
    """Read ``path`` for the wizard: progress, then the drafts and their preview."""
    with gc_paused():
        result = yield from iter_read_bank(path)
        return result, preview(result)


@dataclass(slots=True)
class BankImport:
    """What one import did: the reader's report (with unchanged/updated filled) and the write."""

    bank_name: str
    report: ImportReport
    problem_rows: list[ProblemRow]
    outcome: ImportOutcome | None  # None: nothing was written
    all_or_nothing: bool = False

    @property
    def written(self) -> bool:
        return self.outcome is not None

    @property
    def error_rows(self) -> int:
        """Source rows not imported because of an error."""
        return len({(i.sheet, i.row) for i in self.report.errors})

    def summary(self) -> str:
        """One or two Chinese sentences for the CLI and the wizard's last step."""
        errors = self.error_rows
        if self.outcome is None:
            if self.all_or_nothing and errors:
                return (
                    f"有 {errors} 行有错误。按“全部无误才导入”的要求，没有导入任何题目；"
                    "请改正这些行后再导入。"
                )
            return "文件中没有可以导入的题目，题库没有变化。"
        o = self.outcome
        text = (
            f"已导入到题库“{self.bank_name}”：新增 {o.added} 道，更新 {o.updated} 道，"
            f"未变 {o.unchanged} 道"
        )
        if o.cases_added or o.cases_updated:
            text += f"；案例新增 {o.cases_added} 个、更新 {o.cases_updated} 个"
        text += "。"
        if errors:
            text += f"有 {errors} 行有错误，没有导入，请改正后再导入。"
        return text


def iter_import_result(
    engine: Engine,
    result: ReadResult,
    bank_name: str,
    *,
    all_or_nothing: bool = False,
    source_file: str = "",
) -> Generator[float, None, BankImport]:
    """Write what a read produced into ``bank_name`` as one transaction; yields progress.

    ``all_or_nothing``: any row with an error means nothing is written. Closing the generator
    before it finishes rolls the whole import back.
    """
    name = _clean_name(bank_name)
    _refuse_builtin_target(engine, name)
    report = result.report
    out = BankImport(name, report, list(result.problem_rows), None, all_or_nothing)
    has_any = bool(result.questions) or bool(result.cases)
    if (all_or_nothing and report.errors) or not has_any:
        yield 1.0
        return out
    with gc_paused():
        outcome = yield from import_drafts(
            engine, name, result.questions, result.cases, source_file=source_file
        )
    report.unchanged = outcome.unchanged
    report.updated = outcome.updated
    out.outcome = outcome
    return out


def iter_import_file(
    engine: Engine,
    path: str | os.PathLike,
    bank_name: str | None = None,
    *,
    all_or_nothing: bool = False,
) -> Generator[float, None, BankImport]:
    """Read ``path`` and import it (the CLI's ``import``); progress covers both halves.

    Raises BankReadError when the file cannot be read at all (nothing is written then).
    """
    name = _clean_name(bank_name or default_bank_name(path))
    _refuse_builtin_target(engine, name)
    with gc_paused():
        reader = iter_read_bank(path)
        try:
            while True:
                yield READ_SHARE * next(reader)
        except StopIteration as stop:
            result: ReadResult = stop.value
        finally:
            reader.close()
        writer = iter_import_result(
            engine, result, name, all_or_nothing=all_or_nothing, source_file=str(path)
        )
        try:
            while True:
                yield READ_SHARE + (1 - READ_SHARE) * next(writer)
        except StopIteration as stop:
            return stop.value
        finally:
            writer.close()


def import_file(
    engine: Engine,
    path: str | os.PathLike,
    bank_name: str | None = None,
    *,
    all_or_nothing: bool = False,
) -> BankImport:
    """``iter_import_file`` without progress."""
    return run(iter_import_file(engine, path, bank_name, all_or_nothing=all_or_nothing))


def import_text(
    engine: Engine, text: str, bank_name: str, *, all_or_nothing: bool = False
) -> BankImport:
    """Import pasted text (numbered questions, or cells copied from a spreadsheet)."""
    name = _clean_name(bank_name)
    result = read_text(text, name)
    return run(iter_import_result(engine, result, name, all_or_nothing=all_or_nothing))


# ---------------------------------------------------------------------------- rename, delete


def rename_bank(engine: Engine, bank: int, new_name: str) -> str:
    """Rename a bank; returns the name as stored. The built-in bank keeps its name."""
    name = _clean_name(new_name)
    table = Bank.__table__
    with engine.begin() as conn:
        row = _bank_row(conn, bank)
        if row.builtin:
            raise BankError("内置题库不能改名。")
        if row.name == name:
            return name
        taken = conn.execute(
            select(table.c.id).where(table.c.name == name, table.c.id != bank)
        ).first()
        if taken:
            raise BankError(f"已经有一个叫“{name}”的题库了，请换一个名称。")
        conn.execute(update(table).where(table.c.id == bank).values(name=name, updated_at=now()))
    return name


_HISTORY = (
    ("answers", AnswerRecord, "作答记录", "条"),
    ("wrong", WrongBookEntry, "错题本", "题"),
    ("favorites", Favorite, "收藏", "题"),
    ("reviews", ReviewState, "复习计划", "题"),
    ("case_attempts", CaseAttempt, "案例作答", "份"),
    ("case_drafts", CaseDraft, "未提交的案例草稿", "份"),
)


@dataclass(slots=True)
class BankHistory:
    """The learner's records that hang on a bank's questions (lost if the bank is deleted)."""

    name: str
    questions: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_history(self) -> bool:
        return any(self.counts.values())

    def describe(self) -> str:
        """``作答记录 120 条、错题本 15 题``: what deleting the bank would take with it."""
        parts = [
            f"{label} {self.counts[key]} {unit}"
            for key, _model, label, unit in _HISTORY
            if self.counts.get(key)
        ]
        return "、".join(parts)


def bank_history(engine: Engine, bank: int) -> BankHistory:
    """How much of the learner's work depends on this bank's questions."""
    qt = Question.__table__
    with engine.connect() as conn:
        row = _bank_row(conn, bank)
        ids = select(qt.c.id).where(qt.c.bank_id == bank)
        out = BankHistory(row.name)
        out.questions = conn.execute(
            select(func.count()).select_from(qt).where(qt.c.bank_id == bank)
        ).scalar()
        for key, model, _label, _unit in _HISTORY:
            table = model.__table__
            out.counts[key] = conn.execute(
                select(func.count()).select_from(table).where(table.c.question_id.in_(ids))
            ).scalar()
    return out


def delete_bank(engine: Engine, bank: int) -> BankHistory:
    """Delete a bank with its questions, cases and the history on them; returns what went."""
    history = bank_history(engine, bank)
    table = Bank.__table__
    with engine.begin() as conn:
        row = _bank_row(conn, bank)
        if row.builtin:
            raise BankError("内置题库不能删除。")
        conn.execute(delete(table).where(table.c.id == bank))  # cascades (foreign keys on)
    return history


# ---------------------------------------------------------------------------- browse


@dataclass(slots=True)
class QuestionFilter:
    """What the question browser shows: a stem substring and exact type/chapter/difficulty."""

    search: str = ""
    qtype: str = ""
    chapter: str = ""
    difficulty: str = ""


@dataclass(slots=True)
class Facets:
    """The values a bank's filters can take, in display order."""

    types: list[str]
    chapters: list[str]
    difficulties: list[str]


@dataclass(slots=True)
class QuestionRow:
    """One line of the browser (the stem shortened; the full question is a detail query)."""

    id: int
    qtype: str
    chapter: str
    stem: str
    answer: str
    difficulty: str


@dataclass(slots=True)
class QuestionDetail:
    id: int
    bank_id: int
    bank_builtin: bool
    qtype: str
    stem: str
    options: list[str]
    answer: str
    explanation: str
    chapter: str
    score: float | None
    key_points: list[dict[str, Any]]
    case_title: str = ""
    case_material: str = ""


def bank_facets(engine: Engine, bank: int) -> Facets:
    qt = Question.__table__
    with engine.connect() as conn:
        types = set(
            conn.execute(select(qt.c.qtype).where(qt.c.bank_id == bank).distinct()).scalars()
        )
        chapters = conn.execute(
            select(qt.c.chapter, func.min(qt.c.chapter_no))
            .where(qt.c.bank_id == bank, qt.c.chapter != "")
            .group_by(qt.c.chapter)
        ).all()
        diffs = set(
            conn.execute(
                select(qt.c.difficulty)
                .where(qt.c.bank_id == bank, qt.c.difficulty != "")
                .distinct()
            ).scalars()
        )
    order = [str(t) for t in TYPE_ORDER]
    return Facets(
        types=[t for t in order if t in types] + sorted(types - set(order)),
        chapters=[c for c, _no in sorted(chapters, key=lambda r: (r[1] is None, r[1] or 0, r[0]))],
        difficulties=[d for d in DIFFICULTIES if d in diffs] + sorted(diffs - set(DIFFICULTIES)),
    )


def _where(bank: int, flt: QuestionFilter | None) -> list:
    qt = Question.__table__
    clauses = [qt.c.bank_id == bank]
    if flt is None:
        return clauses
    if flt.search.strip():
        clauses.append(qt.c.stem.contains(flt.search.strip(), autoescape=True))
    if flt.qtype:
        clauses.append(qt.c.qtype == flt.qtype)
    if flt.chapter:
        clauses.append(qt.c.chapter == flt.chapter)
    if flt.difficulty:
        clauses.append(qt.c.difficulty == flt.difficulty)
    return clauses


def question_ids(engine: Engine, bank: int, flt: QuestionFilter | None = None) -> list[int]:
    """Ids of the matching questions in bank order; rows are fetched per visible block."""
    qt = Question.__table__
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(qt.c.id).where(*_where(bank, flt)).order_by(qt.c.position, qt.c.id)
            ).scalars()
        )


STEM_CHARS = 160
ANSWER_CHARS = 60


def question_rows(engine: Engine, ids: Sequence[int]) -> list[QuestionRow]:
    """Display rows for ``ids`` (in that order); long stems and answers come back shortened."""
    qt = Question.__table__
    found: dict[int, QuestionRow] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for r in conn.execute(
                select(
                    qt.c.id,
                    qt.c.qtype,
                    qt.c.chapter,
                    func.substr(qt.c.stem, 1, STEM_CHARS),
                    func.substr(qt.c.answer, 1, ANSWER_CHARS),
                    qt.c.difficulty,
                ).where(qt.c.id.in_(chunk))
            ):
                found[r[0]] = QuestionRow(
                    r[0], r[1], r[2], " ".join(r[3].split()), " ".join(r[4].split()), r[5]
                )
    return [found[i] for i in ids if i in found]


def question_detail(engine: Engine, qid: int) -> QuestionDetail:
    qt, ct, bt = Question.__table__, Case.__table__, Bank.__table__
    with engine.connect() as conn:
        r = conn.execute(
            select(qt, bt.c.builtin, ct.c.title, ct.c.material)
            .join(bt, bt.c.id == qt.c.bank_id)
            .outerjoin(ct, ct.c.id == qt.c.case_id)
            .where(qt.c.id == qid)
        ).first()
    if r is None:
        raise BankError("这道题已经不存在了（题库可能刚被删除）。")
    m = r._mapping
    return QuestionDetail(
        id=m["id"],
        bank_id=m["bank_id"],
        bank_builtin=bool(m["builtin"]),
        qtype=m["qtype"],
        stem=m["stem"],
        options=list(m["options"] or []),
        answer=m["answer"],
        explanation=m["explanation"],
        chapter=m["chapter"],
        score=m["score"],
        key_points=list(m["key_points"] or []),
        case_title=m["title"] or "",
        case_material=m["material"] or "",
    )


# ---------------------------------------------------------------------------- correct


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def normalize_answer(qtype: str, answer: str, options: Sequence[str], stem: str = "") -> str:
    """The canonical key for a corrected answer, or BankError saying what is wrong with it.

    Uses the reader's own answer vocabulary, so a key typed here means what it would mean in
    a spreadsheet (``b``, ``A、C``, ``对``, ``√``, blanks separated by ``|``).
    """
    from csapp.core.bankio.fields import answer_letters, count_blanks, fill_answer
    from csapp.core.bankio.vocab import tf_value

    t = QuestionType(qtype)
    text = answer.strip()
    if t in (QuestionType.SINGLE, QuestionType.MULTI):
        if not text:
            raise BankError(f"{t}必须有答案。")
        letters = answer_letters(text)
        if letters is None:
            raise BankError(f"答案“{_short(text)}”不是选项字母，请填写如 A 或 ABD。")
        filled = [o for o in options if o]
        missing = [c for c in letters if LETTERS.index(c) >= len(filled)]
        if missing:
            last = LETTERS[len(filled) - 1] if filled else "A"
            raise BankError(f"没有选项{'、'.join(missing)}，这道题的选项是 A–{last}。")
        if t is QuestionType.SINGLE and len(letters) > 1:
            raise BankError("单选题只能有一个答案。")
        return letters
    if t is QuestionType.JUDGE:
        value = tf_value(text) if text else None
        if value is None:
            raise BankError("判断题的答案请填写“正确”或“错误”。")
        return TRUE_ANSWER if value else FALSE_ANSWER
    if t is QuestionType.FILL:
        canon, _n = fill_answer(text, count_blanks(stem)) if text else ("", 0)
        if not canon or any(not part for part in canon.split("|")):
            raise BankError("填空题必须有答案；几个空的答案用“|”分隔，不能有空着的。")
        return canon
    return text  # subjective: the reference answer as written


def _points(qtype: QuestionType, answer: str, score: float | None, old: list[dict]) -> list:
    """Key points of a corrected reference answer; keywords kept where the points line up."""
    from csapp.core.bankio.fields import key_points, render_keywords, split_points

    if not answer:
        return []
    total = score or sum(float(p.get("marks", 0)) for p in old) or DEFAULT_MARKS.get(qtype, 5.0)
    keywords = ""
    if old and len(split_points(answer)) == len(old):
        olds = [KeyPoint(p["text"], float(p["marks"]), p.get("keywords", [])) for p in old]
        keywords = render_keywords(olds)
    points, _notes = key_points(answer, total, keywords)
    return [{"text": p.text, "marks": p.marks, "keywords": p.keywords} for p in points]


def correct_question(
    engine: Engine, qid: int, *, answer: str | None = None, explanation: str | None = None
) -> QuestionDetail:
    """Correct a question's key and/or explanation in place (same id: history is kept)."""
    detail = question_detail(engine, qid)
    values: dict[str, Any] = {}
    if answer is not None:
        canon = normalize_answer(detail.qtype, answer, detail.options, detail.stem)
        if canon != detail.answer:
            values["answer"] = canon
            qtype = QuestionType(detail.qtype)
            if qtype in SUBJECTIVE_TYPES:
                values["key_points"] = _points(qtype, canon, detail.score, detail.key_points)
    if explanation is not None and explanation.strip() != detail.explanation:
        values["explanation"] = explanation.strip()
    if values:
        qt = Question.__table__
        with engine.begin() as conn:
            conn.execute(update(qt).where(qt.c.id == qid).values(**values, updated_at=now()))
    return question_detail(engine, qid)


# ---------------------------------------------------------------------------- export


def bank_drafts(engine: Engine, bank: int) -> tuple[list[QuestionDraft], list[CaseDraftData]]:
    """A bank as drafts (what the exporter writes), questions in bank order, cases in order."""
    qt, ct = Question.__table__, Case.__table__
    with engine.connect() as conn:
        _bank_row(conn, bank)
        cases = conn.execute(
            select(ct.c.id, ct.c.title, ct.c.material, ct.c.chapter)
            .where(ct.c.bank_id == bank)
            .order_by(ct.c.position, ct.c.id)
        ).all()
        rows = conn.execute(
            select(qt).where(qt.c.bank_id == bank).order_by(qt.c.position, qt.c.id)
        ).all()
    by_case: dict[int, CaseDraftData] = {
        cid: CaseDraftData(title=title, material=material, chapter=chapter)
        for cid, title, material, chapter in cases
    }
    questions: list[QuestionDraft] = []
    for r in rows:
        m = r._mapping
        draft = QuestionDraft(
            qtype=QuestionType(m["qtype"]),
            stem=m["stem"],
            options=list(m["options"] or []),
            answer=m["answer"],
            explanation=m["explanation"],
            chapter=m["chapter"],
            knowledge_point=m["knowledge_point"],
            difficulty=m["difficulty"],
            cognitive_level=m["cognitive_level"],
            score=m["score"],
            key_points=[
                KeyPoint(p["text"], float(p["marks"]), [list(g) for g in p.get("keywords", [])])
                for p in (m["key_points"] or [])
            ],
            tags=list(m["tags"] or []),
            source=m["source"],
        )
        case = by_case.get(m["case_id"]) if m["case_id"] is not None else None
        if case is not None:
            draft.case_title = case.title
            case.questions.append(draft)
        else:
            questions.append(draft)
    return questions, list(by_case.values())


def iter_export_bank(
    engine: Engine, bank: int, path: str | os.PathLike
) -> Generator[float, None, int]:
    """Write a bank to the canonical workbook; yields progress; returns the questions written.

    The writer runs on a helper thread fed row by row, so progress is real; closing the
    generator stops it before the file is replaced (the target is only ever written whole).
    """
    questions, cases = bank_drafts(engine, bank)
    total = max(1, len(questions) + sum(len(c.questions) for c in cases))
    state = {"done": 0, "error": None}
    stop = threading.Event()

    class _Stopped(Exception):
        pass

    def counted(items: list) -> Iterator:
        for item in items:
            if stop.is_set():
                raise _Stopped
            state["done"] += 1
            yield item

    def counted_cases() -> Iterator:
        for case in cases:
            if stop.is_set():
                raise _Stopped
            state["done"] += len(case.questions)
            yield case

    def work() -> None:
        try:
            export_workbook(path, counted(questions), counted_cases())
        except BaseException as exc:  # handed to the caller's thread below
            state["error"] = exc

    worker = threading.Thread(target=work, name="export-bank", daemon=True)
    yield 0.0  # closed here, nothing has been written
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
            yield min(0.95 * state["done"] / total, 0.95)
    finally:
        stop.set()
        worker.join()
    error = state["error"]
    if isinstance(error, _Stopped):
        return 0
    if error is not None:
        raise error
    yield 1.0
    return total


def export_bank(engine: Engine, name: str, path: str | os.PathLike) -> int:
    """Export the bank called ``name``; BankError when there is no such bank."""
    bank = bank_id(engine, name)
    if bank is None:
        raise BankError(f"没有名为“{name.strip()}”的题库。")
    return run(iter_export_bank(engine, bank, path))


# ---------------------------------------------------------------------------- preview


@dataclass(slots=True)
class PreviewRow:
    """One question as the reader understood it (or the row it could not), for the wizard."""

    sheet: str
    row: int
    qtype: str
    stem: str
    options: str
    answer: str
    status: str  # "error" (not imported), "warning" (imported, check it) or ""
    problems: str


@dataclass(slots=True)
class Preview:
    rows: list[PreviewRow]
    # Issues that belong to no question row (a header, a whole sheet), and skipped sheets.
    notes: list[str]

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.status == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.rows if r.status == "warning")


_ROWS_NOTE = re.compile(r"（共\d+行：第(.+?)(?:等)?行）$")


def _issue_rows(issue) -> list[int]:
    """The rows a (possibly collapsed) issue is about: ``（共5行：第3–6、9行）`` → 3,4,5,6,9."""
    m = _ROWS_NOTE.search(issue.message)
    if not m:
        return [issue.row]
    rows: list[int] = []
    for part in m.group(1).split("、"):
        bounds = [p for p in re.split(r"[–-]", part.strip()) if p.isdigit()]
        if len(bounds) == 2:
            rows.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        elif len(bounds) == 1:
            rows.append(int(bounds[0]))
    return rows or [issue.row]


def _options_text(options: Sequence[str]) -> str:
    shown = options[: len(LETTERS)]
    return "   ".join(f"{LETTERS[i]}. {_flat(o, 60)}" for i, o in enumerate(shown) if o)


def _flat(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def preview(result: ReadResult) -> Preview:
    """What the wizard shows: every question read and every row refused, in file order.

    Plain Python (no Qt), so the wizard builds it on the worker right after reading.
    """
    from csapp.core.bankio.vocab import header_field

    all_rows: list[PreviewRow] = []
    # (sheet, row) -> the preview rows there (one, unless a reader put two questions on a row)
    at: dict[tuple[str, int], list[PreviewRow]] = {}
    order: dict[str, int] = {}

    def put(row: PreviewRow) -> None:
        order.setdefault(row.sheet, len(order))
        all_rows.append(row)
        at.setdefault((row.sheet, row.row), []).append(row)

    for q in [*result.questions, *(q for case in result.cases for q in case.questions)]:
        put(
            PreviewRow(
                q.sheet,
                q.row,
                str(q.qtype),
                _flat(q.stem),
                _options_text(q.options),
                _flat(q.answer, 120),
                "",
                "",
            )
        )
    for pr in result.problem_rows:
        fields: dict[str, str] = {}
        options: list[str] = []
        for head, value in zip(pr.header, pr.values, strict=False):
            found = header_field(head) if head else None
            if not found or not value:
                continue
            name, _index = found
            if name in ("opt", "optnum"):
                options.append(value)
            elif name not in fields:
                fields[name] = value
        put(
            PreviewRow(
                pr.sheet,
                pr.row,
                fields.get("type", ""),
                _flat(fields.get("stem", "") or " ".join(v for v in pr.values if v)),
                _flat(fields.get("options", "")) or _options_text(options),
                _flat(fields.get("answer", ""), 120),
                "error",
                "",
            )
        )
    problems: dict[int, list[str]] = {}
    notes: list[str] = []
    text_format = result.report.format == "txt"
    for kind, issues in (("error", result.report.errors), ("warning", result.report.warnings)):
        for issue in issues:
            where = f"{issue.column}{'' if text_format else '列'}：" if issue.column else ""
            hit = False
            spread = _issue_rows(issue)
            for r in spread:
                for row in at.get((issue.sheet, r), ()):
                    if kind == "error" and row.status != "error":
                        continue  # an error belongs to the refused row, not a question beside it
                    hit = True
                    problems.setdefault(id(row), []).append(where + issue.message)
                    if not row.status:
                        row.status = "warning"
            if hit and len(spread) > 1:  # one line for many rows: worth reading as a whole
                notes.append(f"“{issue.sheet}”{where}{issue.message}")
            if not hit:
                place = f"“{issue.sheet}”第{issue.row}行" if issue.row else f"“{issue.sheet}”"
                label = "错误" if kind == "error" else "提示"
                notes.append(
                    f"{label}：{place}{'（' + issue.column + '）' if issue.column else ''}"
                    f"{issue.message}"
                )
    for row in all_rows:
        texts = problems.get(id(row))
        if texts:
            row.problems = "；".join(dict.fromkeys(texts))
    for skipped in result.report.skipped_sheets:
        notes.append(f"跳过工作表“{skipped['sheet']}”：{skipped['reason']}")
    ordered = sorted(all_rows, key=lambda r: (order.get(r.sheet, 1 << 30), r.row))
    return Preview(ordered, notes)
