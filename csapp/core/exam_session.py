"""Sitting a mock exam: the clock, the answers, continuous saving, marking and the report.

An exam is a ``StudySession`` of kind ``exam``. Its ``settings`` hold the whole paper as it was
composed (questions, marks, 要点 — so a report stays readable even if a bank is later changed
or removed); its ``state`` is small and rewritten after every answer:

    {"phase": "answering" | "marking" | "done" | "abandoned",
     "answers": {item index: response}, "marked": [item index, ...],
     "remaining": seconds left, "current": item index, "mode": "question" | "section",
     "seconds": {item index: seconds spent}, "warned": [900, 300],
     "results": {item index: {"score", "correct"}},        # objective, after 交卷
     "self_marks": {item index: [fraction per 要点 or null]}}  # subjective, after 交卷

The clock only runs while the exam is on screen: close the app (or lose it to a crash) and the
exam resumes with the time that was left at the last save (at most ``AUTOSAVE_SECONDS`` old).
Saves go through ``StateWriter``, one worker thread that coalesces them, so the GUI thread only
hands over a dictionary.

Marking: objective items are graded at 交卷 (多选 all or nothing, 填空 per blank). The learner
marks each subjective 要点 as met, half met or missed; an unanswered subjective item is marked
zero by itself. A subjective item counts as right (✓) at 60 % of its marks. Every item that is
not right — unanswered ones included — goes to the 错题本 through ``wrongbook.record``, and
every answer feeds the review schedule, exactly as a practice answer does.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from csapp.core.db import write_transaction
from csapp.core.exam import Paper, PaperItem, fmt_marks
from csapp.core.models import StudySession
from csapp.core.questions import QuestionType

log = logging.getLogger(__name__)

KIND = "exam"
WARNINGS = (15 * 60, 5 * 60)  # seconds left at which the learner is warned
AUTOSAVE_SECONDS = 5.0  # how often the running clock is saved even without answers
SUBJECTIVE_PASS = 0.6  # share of an item's marks that makes a subjective answer right

_S = StudySession.__table__


def _utc(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def is_answered(response: str) -> bool:
    """An answer counts when it has content (``"|"`` is two empty 填空 blanks)."""
    return bool(response.replace("|", "").strip())


def numbers_text(nos: list[str]) -> str:
    """``["3", "4", "5", "9", "37(1)"]`` → ``3–5、9、37(1)``: question numbers, runs shortened."""
    parts: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            parts.append(f"{run[0]}–{run[-1]}" if len(run) > 2 else "、".join(map(str, run)))
            run.clear()

    for no in nos:
        if no.isdigit() and (not run or int(no) == run[-1] + 1):
            run.append(int(no))
            continue
        flush()
        if no.isdigit():
            run.append(int(no))
        else:
            parts.append(no)
    flush()
    return "、".join(parts)


# -- the clock ---------------------------------------------------------------------------


class ExamClock:
    """A countdown that runs only between ``start`` and ``pause``; ``now`` is injectable."""

    def __init__(self, remaining: float, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._base = max(0.0, float(remaining))
        self._since: float | None = None

    @property
    def running(self) -> bool:
        return self._since is not None

    def start(self) -> None:
        if self._since is None:
            self._since = self._now()

    def pause(self) -> None:
        if self._since is not None:
            self._base = self.remaining()
            self._since = None

    def remaining(self) -> float:
        if self._since is None:
            return self._base
        return max(0.0, self._base - (self._now() - self._since))


def clock_text(seconds: float) -> str:
    """``5400`` → ``1:30:00``; ``59`` → ``0:59``: how the countdown reads."""
    total = max(0, int(seconds + 0.999))  # never show 0:00 while time is left
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def duration_text(seconds: float) -> str:
    """``4520`` → ``75 分 20 秒``: how time spent reads in a report."""
    total = round(seconds)
    m, s = divmod(total, 60)
    if not m:
        return f"{s} 秒"
    return f"{m} 分 {s} 秒" if s else f"{m} 分"


# -- an exam in progress -----------------------------------------------------------------


class ExamRun:
    """The exam while it is sat: answers, marks for review, position, clock and time spent.

    Pure Python: the screen calls ``answer``/``goto``/``toggle_mark`` and ``tick`` (a few times
    a second) and hands ``snapshot()`` to a ``StateWriter``.
    """

    def __init__(
        self,
        session_id: int,
        paper: Paper,
        state: dict[str, Any] | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        state = state or {}
        self.session_id = session_id
        self.paper = paper
        self._now = now
        self.limit = paper.blueprint.minutes * 60.0
        self.phase: str = state.get("phase", "answering")
        self.answers: dict[int, str] = {int(k): str(v) for k, v in state.get("answers", {}).items()}
        self.marked: set[int] = {int(i) for i in state.get("marked", [])}
        self.seconds: dict[int, float] = {
            int(k): float(v) for k, v in state.get("seconds", {}).items()
        }
        self.mode: str = state.get("mode", "question")
        self.current: int = min(int(state.get("current", 0)), max(0, len(paper.items) - 1))
        remaining = float(state.get("remaining", self.limit))
        if "warned" in state:
            self.warned: set[int] = {int(w) for w in state["warned"]}
        else:  # a paper shorter than a warning needs no such warning
            self.warned = {w for w in WARNINGS if self.limit <= w}
        self.clock = ExamClock(remaining, now)
        self._mark: float | None = None  # when time started counting for ``current``
        self._last_save = now()
        # An exam saved at 0:00 (the app closed between time-up and 交卷) is still being
        # answered: its first tick after ``start`` reports ``timeup`` so it hands itself in.
        self.time_up = False

    # answering

    @property
    def items(self) -> list[PaperItem]:
        return self.paper.items

    def response(self, index: int) -> str:
        return self.answers.get(index, "")

    def answer(self, index: int, response: str) -> None:
        if response:
            self.answers[index] = response
        else:
            self.answers.pop(index, None)

    def is_answered(self, index: int) -> bool:
        return is_answered(self.answers.get(index, ""))

    def toggle_mark(self, index: int) -> bool:
        """Mark (or unmark) an item for review; returns whether it is marked now."""
        if index in self.marked:
            self.marked.discard(index)
            return False
        self.marked.add(index)
        return True

    def goto(self, index: int) -> None:
        self._account()
        self.current = max(0, min(index, len(self.items) - 1))

    def unanswered(self) -> list[int]:
        return [i.index for i in self.items if not self.is_answered(i.index)]

    def answered_count(self) -> int:
        return sum(1 for i in self.items if self.is_answered(i.index))

    # time

    def start(self) -> None:
        self.clock.start()
        self._mark = self._now()

    def pause(self) -> None:
        self._account()
        self.clock.pause()
        self._mark = None

    @property
    def running(self) -> bool:
        return self.clock.running

    def remaining(self) -> float:
        return self.clock.remaining()

    def _account(self) -> None:
        """Add the time since the last mark to the current item."""
        if self._mark is None:
            return
        now = self._now()
        spent = max(0.0, now - self._mark)
        self.seconds[self.current] = self.seconds.get(self.current, 0.0) + spent
        self._mark = now

    def tick(self) -> list[str]:
        """Events due now: ``warn15``/``warn5`` once each, ``timeup`` once, ``save`` every few s."""
        if not self.running:
            return []
        self._account()
        events: list[str] = []
        left = self.remaining()
        due = [w for w in WARNINGS if left <= w and w not in self.warned]
        if due and left > 0:
            self.warned.update(due)
            events.append(f"warn{min(due) // 60}")  # resuming at 3 minutes warns once
        if left <= 0 and not self.time_up:
            self.time_up = True
            events.append("timeup")
        if self._now() - self._last_save >= AUTOSAVE_SECONDS:
            events.append("save")
        return events

    def section_seconds(self, section: int) -> float:
        return sum(self.seconds.get(i, 0.0) for i in self.paper.sections[section].items)

    def snapshot(self) -> dict[str, Any]:
        """The state to save: a fresh dictionary the writer thread may keep."""
        self._account()
        self._last_save = self._now()
        return {
            "phase": self.phase,
            "answers": {str(k): v for k, v in self.answers.items()},
            "marked": sorted(self.marked),
            "remaining": round(self.remaining(), 2),
            "current": self.current,
            "mode": self.mode,
            "seconds": {str(k): round(v, 2) for k, v in self.seconds.items()},
            "warned": sorted(self.warned),
        }


# -- saving ------------------------------------------------------------------------------


class StateWriter:
    """Writes exam states on one worker thread, newest state wins.

    ``save`` only stores a reference and wakes the worker (microseconds), so it is safe to
    call after every keystroke; while a write is running, later saves coalesce into one.
    Each save is a full state, so a failed write is repaired by the next one; ``error`` keeps
    the last failure for the screen to mention.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cond = threading.Condition()
        self._pending: dict[int, dict[str, Any]] = {}
        self._busy = False
        self._closed = False
        self.error: BaseException | None = None
        self.writes = 0
        self._thread = threading.Thread(target=self._loop, name="exam-state", daemon=True)
        self._thread.start()

    def save(self, session_id: int, state: dict[str, Any]) -> None:
        with self._cond:
            if self._closed:
                raise RuntimeError("StateWriter is closed")
            self._pending[session_id] = state
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything handed over is written (or failed); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def close(self) -> None:
        self.flush()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return
                batch, self._pending = self._pending, {}
                self._busy = True
            try:
                write_states(self._engine, batch)
                self.writes += 1
                self.error = None
            except Exception as exc:
                log.exception("saving the exam state failed")
                self.error = exc
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


def write_states(engine: Engine, states: dict[int, dict[str, Any]]) -> None:
    """One transaction: the new state of each session (its phase must still be open)."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE studysession SET state = ? WHERE id = ? AND submitted_at IS NULL",
            [(json.dumps(state, ensure_ascii=False), sid) for sid, state in states.items()],
        )


# -- sessions ----------------------------------------------------------------------------


@dataclass(slots=True)
class ExamBrief:
    """An exam not yet submitted, as the resume offer shows it."""

    session_id: int
    title: str
    started_at: datetime
    remaining: float
    answered: int
    items: int

    @property
    def text(self) -> str:
        return (
            f"{self.title}：已答 {self.answered}/{self.items} 题，"
            f"剩余时间 {clock_text(self.remaining)}"
        )


def start_exam(engine: Engine, paper: Paper, now: datetime | None = None) -> int:
    """Create the exam's session (paper and empty state); returns its id."""
    run = ExamRun(0, paper)
    with engine.begin() as conn:
        result = conn.execute(
            insert(_S).values(
                kind=KIND,
                title=paper.title,
                settings={"paper": paper.to_dict()},
                state=run.snapshot(),
                started_at=_utc(now),
            )
        )
        return int(result.inserted_primary_key[0])


def load_paper(engine: Engine, session_id: int) -> tuple[Paper, dict[str, Any], datetime | None]:
    with engine.connect() as conn:
        row = conn.execute(
            select(_S.c.settings, _S.c.state, _S.c.submitted_at).where(
                _S.c.id == session_id, _S.c.kind == KIND
            )
        ).first()
    if row is None:
        raise LookupError(f"没有找到这场考试（编号 {session_id}）。")
    return Paper.from_dict(row.settings["paper"]), dict(row.state or {}), row.submitted_at


def load_run(engine: Engine, session_id: int, now: Callable[[], float] = time.monotonic) -> ExamRun:
    """The exam as it was last saved, ready to go on (the clock is paused until ``start``)."""
    paper, state, _submitted = load_paper(engine, session_id)
    return ExamRun(session_id, paper, state, now)


def unfinished_exam(engine: Engine) -> ExamBrief | None:
    """The newest exam still being answered, if any (what start-up offers to resume).

    Runs on the GUI thread at start-up, so SQLite picks the one row (phase read with
    ``json_extract``) and counts its paper's items with ``json_array_length``: no paper is
    decoded in Python, only the chosen exam's small ``state``.
    """
    newest = (
        select(_S.c.id)
        .where(
            _S.c.kind == KIND,
            _S.c.submitted_at.is_(None),
            # as ``state.get("phase", "answering") == "answering"``: a missing phase is
            # answering, an explicit null is not
            or_(
                func.json_type(_S.c.state, "$.phase").is_(None),
                func.json_extract(_S.c.state, "$.phase") == "answering",
            ),
        )
        .order_by(_S.c.started_at.desc(), _S.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    with engine.connect() as conn:
        row = conn.execute(
            select(
                _S.c.id,
                _S.c.title,
                _S.c.started_at,
                _S.c.state,
                func.coalesce(func.json_array_length(_S.c.settings, "$.paper.items"), 0),
            ).where(_S.c.id == newest)
        ).first()
    if row is None:
        return None
    sid, title, started_at, state, items = row
    state = state or {}
    answered = sum(1 for v in state.get("answers", {}).values() if is_answered(str(v)))
    return ExamBrief(sid, title, started_at, float(state.get("remaining", 0)), answered, items)


def abandon_exam(engine: Engine, session_id: int, now: datetime | None = None) -> None:
    """Put an unfinished exam aside: kept in the database, left out of resume and history."""
    with write_transaction(engine) as conn:  # read-modify-write of the state
        state = conn.execute(select(_S.c.state).where(_S.c.id == session_id)).scalar() or {}
        conn.execute(
            update(_S)
            .where(_S.c.id == session_id)
            .values(state={**state, "phase": "abandoned"}, submitted_at=_utc(now))
        )


# -- marking -----------------------------------------------------------------------------


def _existing_questions(conn: Connection, ids: list[int]) -> set[int]:
    """Questions still in the bank (a report of an exam outlives a deleted bank)."""
    from csapp.core.models import Question

    table = Question.__table__
    return {r[0] for r in conn.execute(select(table.c.id).where(table.c.id.in_(ids)))}


def subjective_score(item: PaperItem, fractions: list[float | None]) -> float:
    """Marks earned from the learner's per-要点 fractions (unmarked points count nothing)."""
    got = sum(
        float(p["marks"]) * max(0.0, min(1.0, float(f)))
        for p, f in zip(item.points, fractions, strict=False)
        if f is not None
    )
    return round(got, 2)


def marking_complete(item: PaperItem, fractions: list[float | None] | None) -> bool:
    return (
        fractions is not None
        and len(fractions) == len(item.points)
        and all(f is not None for f in fractions)
    )


@dataclass(slots=True)
class Submitted:
    session_id: int
    objective_score: float
    to_mark: list[int]  # subjective items waiting for the learner's marks


def submit_exam(
    engine: Engine,
    run: ExamRun,
    writer: StateWriter | None = None,
    now: datetime | None = None,
) -> Submitted:
    """交卷: grade the objective items, record them, and open self-marking (or finish).

    Pending saves are flushed first, so a late autosave can never overwrite the result.

    Idempotent: a double click racing the timer's auto-submit, or a second caller, must not
    grade and record the answers twice. The session is claimed with ``UPDATE … WHERE
    submitted_at IS NULL`` as the transaction's first statement (SQLite's write lock makes a
    second caller wait for the first to commit), and the answers are recorded only by the
    caller whose claim changed the row. Every later call records nothing, leaves the stored
    result alone and returns the stored outcome (``to_mark``: the items still waiting for
    marks); ``run.phase`` follows the stored phase. Raises ``ValueError`` (one sentence) for
    an exam that was put aside with ``abandon_exam`` and ``LookupError`` for no such exam.
    """
    from csapp.core.practice import Answer, grade_objective, learner_settings, record_answer

    if writer is not None:
        writer.flush()
    run.pause()
    moment = _utc(now)
    state = run.snapshot()
    results: dict[str, dict[str, Any]] = {}
    self_marks: dict[str, list[float | None]] = {}
    graded: list[tuple[PaperItem, str, float, bool, float]] = []
    for item in run.items:
        response = run.response(item.index)
        if item.objective:
            g = grade_objective(item.qtype, item.answer, response, item.marks)
            results[str(item.index)] = {"score": g.score, "correct": g.correct}
            graded.append((item, response, g.score, g.correct, g.fraction))
        elif not is_answered(response):
            self_marks[str(item.index)] = [0.0] * len(item.points)  # nothing to mark
        else:
            self_marks[str(item.index)] = [None] * len(item.points)
    to_mark = [int(k) for k, v in self_marks.items() if any(f is None for f in v)]
    state.update(phase="marking", results=results, self_marks=self_marks)
    leave_after, exam_date = learner_settings(engine)
    with engine.begin() as conn:
        claimed = conn.execute(
            update(_S)
            .where(_S.c.id == run.session_id, _S.c.kind == KIND, _S.c.submitted_at.is_(None))
            .values(state=state, submitted_at=moment)
        ).rowcount
        if claimed:
            live = _existing_questions(conn, [i.qid for i in run.items])
            for item, response, score, correct, fraction in graded:
                if item.qid in live:
                    answer = Answer(
                        response,
                        correct=correct,
                        fraction=fraction,
                        score=score,
                        seconds=run.seconds.get(item.index, 0.0),
                    )
                    record_answer(
                        conn, run.session_id, item.qid, answer, moment, leave_after, exam_date,
                        not item.objective,
                    )  # fmt: skip
    if not claimed:
        return _submitted_already(engine, run)
    run.phase = "marking"
    if not to_mark:
        finish_marking(engine, run.session_id, now=moment)
        run.phase = "done"
    objective = sum(r["score"] for r in results.values())
    return Submitted(run.session_id, objective, sorted(to_mark))


def _submitted_already(engine: Engine, run: ExamRun) -> Submitted:
    """The outcome of an exam another call has submitted, read back from what it stored."""
    paper, state, _submitted = load_paper(engine, run.session_id)
    phase = state.get("phase", "answering")
    if phase == "abandoned":
        raise ValueError("这场考试已经放弃，不能再交卷。")
    run.phase = phase
    marks = state.get("self_marks", {})
    to_mark = [
        i.index
        for i in paper.items
        if not i.objective and not marking_complete(i, marks.get(str(i.index)))
    ]
    objective = sum(r["score"] for r in state.get("results", {}).values())
    return Submitted(run.session_id, objective, to_mark)


def set_self_marks(
    engine: Engine, session_id: int, index: int, fractions: list[float | None]
) -> None:
    """Keep the learner's marks for one item (per 要点: 1 met, 0.5 half, 0 missed, None not yet)."""
    with write_transaction(engine) as conn:  # read-modify-write of the state
        state = conn.execute(select(_S.c.state).where(_S.c.id == session_id)).scalar() or {}
        if state.get("phase") != "marking":
            raise ValueError("这场考试已经批改完毕，分数不能再改。")
        marks = dict(state.get("self_marks", {}))
        marks[str(index)] = [None if f is None else float(f) for f in fractions]
        conn.execute(
            update(_S).where(_S.c.id == session_id).values(state={**state, "self_marks": marks})
        )


def finish_marking(engine: Engine, session_id: int, now: datetime | None = None) -> float:
    """Close marking: record the subjective answers and the final score; returns the score.

    The transaction starts with the write that closes the exam (``phase`` not yet "done"), so
    it waits for a concurrent writer instead of failing on a stale read, and a second caller
    records nothing and gets the "already marked" sentence.
    """
    from csapp.core.practice import Answer, learner_settings, record_answer

    paper, state, _submitted = load_paper(engine, session_id)
    if state.get("phase") == "done":
        raise ValueError("这场考试已经批改完毕。")
    marks = state.get("self_marks", {})
    missing = [
        i.no
        for i in paper.items
        if not i.objective and not marking_complete(i, marks.get(str(i.index)))
    ]
    if missing:
        raise ValueError(f"还有题目没有批改：第 {numbers_text(missing)} 题。")
    moment = _utc(now)
    leave_after, exam_date = learner_settings(engine)
    answers = state.get("answers", {})
    seconds = state.get("seconds", {})
    total = sum(float(r["score"]) for r in state.get("results", {}).values())
    scored: list[tuple[PaperItem, float]] = []
    for item in paper.items:
        if not item.objective:
            score = subjective_score(item, marks[str(item.index)])
            total += score
            scored.append((item, score))
    total = round(total, 2)
    phase = func.coalesce(func.json_extract(_S.c.state, "$.phase"), "")
    with engine.begin() as conn:
        closed = conn.execute(
            update(_S)
            .where(_S.c.id == session_id, phase != "done")
            .values(state={**state, "phase": "done"}, score=total)
        ).rowcount
        if not closed:
            raise ValueError("这场考试已经批改完毕。")
        live = _existing_questions(conn, [i.qid for i in paper.items])
        for item, score in scored:
            fraction = score / item.marks if item.marks else 0.0
            if item.qid in live:
                answer = Answer(
                    answers.get(str(item.index), ""),
                    correct=fraction >= SUBJECTIVE_PASS,
                    fraction=fraction,
                    score=score,
                    seconds=float(seconds.get(str(item.index), 0)),
                )
                record_answer(
                    conn, session_id, item.qid, answer, moment, leave_after, exam_date,
                    not item.objective,
                )  # fmt: skip
    return total


# -- report ------------------------------------------------------------------------------


@dataclass(slots=True)
class ReportItem:
    item: PaperItem
    response: str
    score: float | None  # None: waiting for self-marking
    correct: bool | None
    seconds: float
    fractions: list[float | None] | None = None  # subjective: the learner's marks per 要点
    marked_for_review: bool = False

    @property
    def answered(self) -> bool:
        return is_answered(self.response)


@dataclass(slots=True)
class Line:
    """One row of a breakdown: marks earned of marks possible, right of count."""

    label: str
    score: float = 0.0
    marks: float = 0.0
    count: int = 0
    right: int = 0
    seconds: float = 0.0
    pending: int = 0

    @property
    def rate(self) -> float | None:
        return self.score / self.marks if self.marks else None


@dataclass(slots=True)
class ExamReport:
    session_id: int
    title: str
    phase: str
    started_at: datetime
    submitted_at: datetime | None
    score: float  # marks earned so far (all of them once marking is done)
    total: float
    pass_mark: float
    used_seconds: float
    limit_seconds: float
    by_type: list[Line]
    by_chapter: list[Line]
    by_section: list[Line]
    items: list[ReportItem]
    notes: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(1 for r in self.items if r.score is None)

    @property
    def final(self) -> bool:
        return self.phase == "done"

    @property
    def passed(self) -> bool | None:
        """None while marks are still missing and they could change the verdict."""
        if self.score >= self.pass_mark:
            return True
        if self.final:
            return False
        could_reach = self.score + sum(r.item.marks for r in self.items if r.score is None)
        return None if could_reach >= self.pass_mark else False

    @property
    def verdict(self) -> str:
        return {True: "及格", False: "未及格", None: "待批改"}[self.passed]

    def wrong(self) -> list[ReportItem]:
        return [r for r in self.items if r.correct is False]


def report(engine: Engine, session_id: int) -> ExamReport:
    """Where every mark went: by type, by chapter, by section (with time), item by item."""
    with engine.connect() as conn:
        row = conn.execute(
            select(_S.c.settings, _S.c.state, _S.c.started_at, _S.c.submitted_at, _S.c.score).where(
                _S.c.id == session_id, _S.c.kind == KIND
            )
        ).first()
    if row is None:
        raise LookupError(f"没有找到这场考试（编号 {session_id}）。")
    paper = Paper.from_dict(row.settings["paper"])
    state = row.state or {}
    answers = state.get("answers", {})
    results = state.get("results", {})
    marks = state.get("self_marks", {})
    seconds = state.get("seconds", {})
    marked = {int(i) for i in state.get("marked", [])}
    items: list[ReportItem] = []
    for item in paper.items:
        key = str(item.index)
        response = str(answers.get(key, ""))
        fractions = marks.get(key)
        if item.objective:
            result = results.get(key)
            score = float(result["score"]) if result else None
            correct = bool(result["correct"]) if result else None
        elif marking_complete(item, fractions):
            score = subjective_score(item, fractions)
            correct = score >= SUBJECTIVE_PASS * item.marks - 1e-9
        else:
            score, correct = None, None
        items.append(
            ReportItem(
                item,
                response,
                score,
                correct,
                float(seconds.get(key, 0.0)),
                fractions,
                item.index in marked,
            )
        )

    def breakdown(label_of: Callable[[ReportItem], tuple[Any, str]]) -> list[Line]:
        lines: dict[Any, Line] = {}
        for r in items:
            order, label = label_of(r)
            line = lines.setdefault(order, Line(label))
            line.marks += r.item.marks
            line.count += 1
            line.seconds += r.seconds
            if r.score is None:
                line.pending += 1
            else:
                line.score += r.score
                line.right += bool(r.correct)
        return [lines[k] for k in sorted(lines)]

    def type_key(r: ReportItem) -> tuple[Any, str]:
        order = list(QuestionType).index(QuestionType(r.item.qtype))
        return order, str(r.item.qtype)

    def chapter_key(r: ReportItem) -> tuple[Any, str]:
        no = r.item.chapter_no
        return (no if no is not None else 10_000), (r.item.chapter or "未分章节")

    def section_key(r: ReportItem) -> tuple[Any, str]:
        return r.item.section, paper.sections[r.item.section].heading

    limit = paper.blueprint.minutes * 60.0
    used = max(0.0, limit - float(state.get("remaining", limit)))
    score = sum(r.score or 0.0 for r in items)
    return ExamReport(
        session_id=session_id,
        title=paper.title,
        phase=state.get("phase", "answering"),
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        score=round(score, 2),
        total=paper.total,
        pass_mark=paper.blueprint.pass_mark,
        used_seconds=used,
        limit_seconds=limit,
        by_type=breakdown(type_key),
        by_chapter=breakdown(chapter_key),
        by_section=breakdown(section_key),
        items=items,
        notes=list(paper.notes),
    )


@dataclass(slots=True)
class HistoryRow:
    session_id: int
    title: str
    started_at: datetime
    phase: str
    score: float | None  # final score; None while marking
    objective: float  # marks known so far
    total: float
    pass_mark: float
    used_seconds: float

    @property
    def passed(self) -> bool | None:
        return None if self.score is None else self.score >= self.pass_mark

    @property
    def result_text(self) -> str:
        if self.score is None:
            return f"待批改（已得 {fmt_marks(self.objective)} 分）"
        return "及格" if self.passed else "未及格"

    @property
    def percent(self) -> float | None:
        return None if self.score is None or not self.total else 100 * self.score / self.total


def history(engine: Engine) -> list[HistoryRow]:
    """Submitted exams, oldest first (the trend reads left to right)."""
    rows: list[HistoryRow] = []
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for sid, title, started, score, state_json, paper_meta in raw.execute(
            "SELECT id, title, started_at, score, state, "
            "json_object('minutes', json_extract(settings, '$.paper.blueprint.minutes'), "
            "'pass', json_extract(settings, '$.paper.blueprint.pass_mark'), "
            "'total', (SELECT sum(json_extract(value, '$.marks')) "
            "FROM json_each(settings, '$.paper.items'))) "
            "FROM studysession WHERE kind = ? AND submitted_at IS NOT NULL "
            "ORDER BY started_at, id",
            (KIND,),
        ):
            state = json.loads(state_json or "{}")
            phase = state.get("phase", "")
            if phase not in ("marking", "done"):
                continue
            meta = json.loads(paper_meta)
            limit = float(meta["minutes"] or 0) * 60
            objective = sum(float(r["score"]) for r in state.get("results", {}).values())
            rows.append(
                HistoryRow(
                    session_id=sid,
                    title=title,
                    started_at=_parse_time(started),
                    phase=phase,
                    score=float(score) if score is not None and phase == "done" else None,
                    objective=round(objective, 2),
                    total=float(meta["total"] or 0),
                    pass_mark=float(meta["pass"] or 0),
                    used_seconds=max(0.0, limit - float(state.get("remaining", limit))),
                )
            )
    return rows


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
