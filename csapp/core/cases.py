"""案例分析: the case library, answers that are never lost, submissions and self-marking,
every version kept, highlights and notes on the material, export to .docx.

What the learner writes is precious: every keystroke reaches the database within two seconds
(``DraftWriter`` on its own thread, one short transaction per save), each editing session
keeps its own snapshot (CaseDraftVersion), and each submission its own CaseAttempt rows, so
any two versions can be compared and any one restored. A submission groups its attempts in a
StudySession of kind "case", whose score is the sum of the learner's self-marks.

Every function takes the engine and opens its own short transaction, so the GUI thread and
workers can call them side by side.
"""

from __future__ import annotations

import difflib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from csapp.core import richtext
from csapp.core.db import write_transaction
from csapp.core.keypoints import count_chars, suggested_length
from csapp.core.models import (
    Bank,
    Case,
    CaseAttempt,
    CaseDraft,
    CaseDraftVersion,
    CaseNote,
    Question,
    StudySession,
)
from csapp.core.questions import KeyPoint

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

NOT_STARTED = "未开始"
DRAFT = "草稿"
SUBMITTED = "已提交"
STATUSES = (NOT_STARTED, DRAFT, SUBMITTED)
SESSION_KIND = "case"
NOTE_MAX_CHARS = 200


class CaseError(Exception):
    """Something the learner asked for cannot be done; ``str()`` is one Chinese sentence."""


def _now(now: datetime | None = None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# -- the library -------------------------------------------------------------------------


@dataclass(slots=True)
class CaseListRow:
    id: int
    title: str
    bank: str
    chapter: str
    chapter_no: int | None
    questions: int
    marks: float
    status: str
    best: float | None  # best submitted score
    submissions: int
    last_activity: datetime | None
    material: str = ""

    @property
    def best_text(self) -> str:
        return "—" if self.best is None else f"{self.best:g} / {self.marks:g}"


def _case_key(no: int | None, chapter: str, position: int, title: str) -> tuple:
    return (no if no is not None else 10_000, chapter, position, title)


def case_library(
    engine: Engine, chapter_no: int | None = None, status: str | None = None
) -> list[CaseListRow]:
    """Every case with its status (未开始 / 草稿 / 已提交) and best score, in chapter order."""
    with engine.connect() as conn:
        query = select(
            Case.id,
            Case.title,
            Bank.name,
            Case.chapter,
            Case.chapter_no,
            Case.position,
            Case.material,
        ).join(Bank, Bank.id == Case.bank_id)
        if chapter_no is not None:
            query = query.where(Case.chapter_no == chapter_no)
        cases = conn.execute(query).all()
        per_case = {
            cid: (n, marks or 0.0)
            for cid, n, marks in conn.execute(
                select(Question.case_id, func.count(), func.sum(Question.score))
                .where(Question.case_id.is_not(None))
                .group_by(Question.case_id)
            )
        }
        drafts = {
            cid: _aware(updated)
            for cid, updated in conn.execute(
                select(Question.case_id, func.max(CaseDraft.updated_at))
                .join(CaseDraft, CaseDraft.question_id == Question.id)
                .where(Question.case_id.is_not(None), CaseDraft.content != "")
                .group_by(Question.case_id)
            )
        }
        case_of = func.json_extract(StudySession.settings, "$.case_id")
        submitted = {
            int(cid): (best, n, _aware(last))
            for cid, best, n, last in conn.execute(
                select(
                    case_of,
                    func.max(StudySession.score),
                    func.count(),
                    func.max(StudySession.submitted_at),
                )
                .where(StudySession.kind == SESSION_KIND, StudySession.submitted_at.is_not(None))
                .group_by(case_of)
            )
            if cid is not None
        }
    rows = []
    for cid, title, bank, chapter, no, _position, material in cases:
        n, marks = per_case.get(cid, (0, 0.0))
        draft_at = drafts.get(cid)
        best, count, last = submitted.get(cid, (None, 0, None))
        if draft_at is not None and (last is None or draft_at > last):
            state = DRAFT
        elif count:
            state = SUBMITTED
        else:
            state = NOT_STARTED
        if status and state != status:
            continue
        activity = max((d for d in (draft_at, last) if d is not None), default=None)
        rows.append(
            CaseListRow(
                cid, title, bank, chapter, no, n, marks, state, best, count, activity, material
            )
        )
    order = {cid: _case_key(no, ch, pos, t) for cid, t, _b, ch, no, pos, _m in cases}
    rows.sort(key=lambda r: order[r.id])
    return rows


def case_chapters(engine: Engine) -> list[tuple[int | None, str]]:
    """The chapters that have cases, in order, for the chapter filter."""
    with engine.connect() as conn:
        found = conn.execute(select(Case.chapter_no, Case.chapter).distinct()).all()
    seen: dict[tuple[int | None, str], None] = {}
    for no, chapter in sorted(found, key=lambda r: (r[0] if r[0] is not None else 10_000, r[1])):
        seen[(no, chapter)] = None
    return list(seen)


# -- one case ----------------------------------------------------------------------------


@dataclass(slots=True)
class CaseQuestion:
    id: int
    number: int
    stem: str
    marks: float
    key_points: list[KeyPoint]
    reference: str
    draft: str = ""
    draft_updated: datetime | None = None

    @property
    def suggested_chars(self) -> int:
        return suggested_length(self.marks)


@dataclass(slots=True)
class CaseDetail:
    id: int
    title: str
    material: str
    chapter: str
    chapter_no: int | None
    bank: str
    questions: list[CaseQuestion]

    @property
    def marks(self) -> float:
        return sum(q.marks for q in self.questions)


def _key_points(raw: list[dict[str, Any]]) -> list[KeyPoint]:
    return [
        KeyPoint(
            str(p.get("text", "")),
            float(p.get("marks") or 0),
            [list(g) for g in p.get("keywords", [])],
        )
        for p in raw or []
    ]


def _material(text_: str) -> str:
    return text_.replace("\r\n", "\n").replace("\r", "\n")


def load_case(engine: Engine, case_id: int) -> CaseDetail:
    """A case with its questions and the learner's current drafts."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Case.id, Case.title, Case.material, Case.chapter, Case.chapter_no, Bank.name)
            .join(Bank, Bank.id == Case.bank_id)
            .where(Case.id == case_id)
        ).first()
        if row is None:
            raise CaseError("找不到这个案例，它可能已随题库一起删除。")
        questions = conn.execute(
            select(
                Question.id,
                Question.stem,
                Question.score,
                Question.key_points,
                Question.answer,
                CaseDraft.content,
                CaseDraft.updated_at,
            )
            .outerjoin(CaseDraft, CaseDraft.question_id == Question.id)
            .where(Question.case_id == case_id)
            .order_by(Question.position, Question.id)
        ).all()
    items = []
    for number, (qid, stem, score, points, answer, draft, updated) in enumerate(questions, 1):
        kps = _key_points(points)
        marks = score if score is not None else sum(p.marks for p in kps)
        items.append(
            CaseQuestion(
                qid, number, stem, float(marks or 0), kps, answer, draft or "", _aware(updated)
            )
        )
    cid, title, material, chapter, no, bank = row
    return CaseDetail(cid, title, _material(material), chapter, no, bank, items)


# -- editing sessions and drafts ---------------------------------------------------------


@dataclass(slots=True)
class EditingSession:
    """One visit to the editor. Its StudySession row is made by the first save, so merely
    opening a case leaves no trace; ``id`` is set once that row exists."""

    case_id: int
    timed_minutes: int | None = None
    id: int | None = None


def _insert_session(conn: Connection, case_id: int, timed_minutes: int | None, at: datetime) -> int:
    title = conn.execute(select(Case.title).where(Case.id == case_id)).scalar()
    return conn.execute(
        StudySession.__table__.insert().values(
            kind=SESSION_KIND,
            title=title or "",
            settings={"case_id": case_id, "timed_minutes": timed_minutes},
            state={},
            started_at=at,
        )
    ).inserted_primary_key[0]


def start_session(
    engine: Engine,
    case_id: int,
    *,
    timed_minutes: int | None = None,
    now: datetime | None = None,
) -> int:
    """Open an editing session now (the editor lets DraftWriter do it on the first save)."""
    with engine.begin() as conn:
        return _insert_session(conn, case_id, timed_minutes, _now(now))


def _store_draft(
    conn: Connection, question_id: int, content: str, session_id: int | None, at: datetime
) -> None:
    from sqlalchemy.dialects.sqlite import insert

    stored = content if richtext.plain_text(content).strip() else ""
    drafts = CaseDraft.__table__
    stmt = insert(drafts).values(question_id=question_id, content=stored, updated_at=at)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[drafts.c.question_id],
            set_={"content": stmt.excluded.content, "updated_at": stmt.excluded.updated_at},
        )
    )
    if session_id is None:
        return
    versions_ = CaseDraftVersion.__table__
    updated = conn.execute(
        versions_.update()
        .where(versions_.c.session_id == session_id, versions_.c.question_id == question_id)
        .values(content=stored, updated_at=at)
    ).rowcount
    if not updated:
        conn.execute(
            versions_.insert().values(
                question_id=question_id,
                session_id=session_id,
                content=stored,
                started_at=at,
                updated_at=at,
            )
        )


def save_draft(
    engine: Engine,
    question_id: int,
    content: str,
    *,
    session_id: int | None = None,
    now: datetime | None = None,
) -> datetime:
    """Save one answer (the draft and the session's snapshot) in one short transaction."""
    at = _now(now)
    with engine.begin() as conn:
        _store_draft(conn, question_id, content, session_id, at)
    return at


class DraftWriter:
    """Writes autosaved answers on its own thread, so typing never waits for the disk.

    ``put`` only records the newest content per question and wakes the thread; the thread
    writes everything pending in one short transaction. A failed write keeps the content and
    retries; ``flush`` waits until everything is written. What happened is queued for
    ``drain()`` (a screen polls it on its own thread) and also passed to the optional
    callbacks, which run on the writer thread.
    """

    RETRY_SECONDS = 1.0

    def __init__(
        self,
        engine: Engine,
        on_saved: Callable[[list[int], datetime, float], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.on_saved = on_saved
        self.on_error = on_error
        self._clock = clock or (lambda: datetime.now(UTC))
        self._pending: dict[int, tuple[str, EditingSession | int | None]] = {}
        self._cond = threading.Condition()
        self._busy = False
        self._closed = False
        self._events: list[tuple[str, Any]] = []
        self.last_error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="case-draft-writer", daemon=True)
        self._thread.start()

    def put(
        self, question_id: int, content: str, session: EditingSession | int | None = None
    ) -> None:
        """Hand in the newest content of one answer; returns at once."""
        with self._cond:
            if self._closed:
                raise CaseError("自动保存已经停止。")
            self._pending[question_id] = (content, session)
            self._cond.notify_all()

    @property
    def pending(self) -> bool:
        with self._cond:
            return bool(self._pending) or self._busy

    def drain(self) -> list[tuple[str, Any]]:
        """What happened since the last call: ("saved", (ids, at, seconds)) or ("error", exc)."""
        with self._cond:
            events, self._events = self._events, []
        return events

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every answer handed in so far is written; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return self.last_error is None

    def close(self, timeout: float = 5.0) -> bool:
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        return done

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                if not self._pending and self._closed:
                    return
                batch, self._pending = self._pending, {}
                self._busy = True
            started = time.perf_counter()
            at = self._clock()
            made: list[EditingSession] = []
            try:
                with self.engine.begin() as conn:
                    for qid, (content, session) in batch.items():
                        if isinstance(session, EditingSession):
                            if session.id is None:
                                session.id = _insert_session(
                                    conn, session.case_id, session.timed_minutes, at
                                )
                                made.append(session)
                            session_id = session.id
                        else:
                            session_id = session
                        _store_draft(conn, qid, content, session_id, at)
            except BaseException as exc:
                for session in made:
                    session.id = None  # rolled back with the rest
                log.exception("autosave failed; will retry")
                with self._cond:
                    for qid, value in batch.items():
                        self._pending.setdefault(qid, value)  # newer content wins
                    self._busy = False
                    self.last_error = exc
                    self._events.append(("error", exc))
                    self._cond.notify_all()
                if self.on_error:
                    self.on_error(exc)
                time.sleep(self.RETRY_SECONDS)
                continue
            seconds = time.perf_counter() - started
            with self._cond:
                self._busy = False
                self.last_error = None
                self._events.append(("saved", (list(batch), at, seconds)))
                del self._events[:-100]  # nobody polling: keep only the recent past
                self._cond.notify_all()
            if self.on_saved:
                self.on_saved(list(batch), at, seconds)


def _keep_version(conn: Connection, question_id: int, content: str, at: datetime) -> None:
    """Keep ``content`` as a version of its own (outside any editing session)."""
    conn.execute(
        CaseDraftVersion.__table__.insert().values(
            question_id=question_id, session_id=None, content=content, started_at=at, updated_at=at
        )
    )


def clear_drafts(engine: Engine, case_id: int, now: datetime | None = None) -> None:
    """Start the case again with empty answers; what was written stays in the versions."""
    at = _now(now)
    with write_transaction(engine) as conn:  # the draft writer may write meanwhile
        rows = conn.execute(
            select(CaseDraft.question_id, CaseDraft.content)
            .join(Question, Question.id == CaseDraft.question_id)
            .where(Question.case_id == case_id, CaseDraft.content != "")
        ).all()
        for qid, content in rows:
            kept = conn.execute(
                select(func.count())
                .select_from(CaseDraftVersion)
                .where(CaseDraftVersion.question_id == qid, CaseDraftVersion.content == content)
            ).scalar()
            submitted = conn.execute(
                select(func.count())
                .select_from(CaseAttempt)
                .where(CaseAttempt.question_id == qid, CaseAttempt.content == content)
            ).scalar()
            if not kept and not submitted:
                _keep_version(conn, qid, content, at)
            conn.execute(
                CaseDraft.__table__.update()
                .where(CaseDraft.question_id == qid)
                .values(content="", updated_at=at)
            )


# -- submission and self-marking ---------------------------------------------------------


@dataclass(slots=True)
class AttemptView:
    id: int
    question_id: int
    number: int
    stem: str
    marks: float
    content: str
    key_points: list[KeyPoint]
    coverage: list[dict[str, Any]]
    self_marks: list[float]
    total: float

    @property
    def text(self) -> str:
        """The plain text the judgement's spans index."""
        return richtext.plain_text(self.content)

    @property
    def chars(self) -> int:
        return count_chars(self.text)

    @property
    def missed(self) -> list[int]:
        """Points (0-based) the learner's self-mark gives nothing for."""
        return [i for i, m in enumerate(self.self_marks) if m <= 0]


@dataclass(slots=True)
class Submission:
    session_id: int
    case_id: int
    title: str
    submitted_at: datetime
    attempts: list[AttemptView]
    seconds: float | None = None
    timed_minutes: int | None = None

    @property
    def total(self) -> float:
        return sum(a.total for a in self.attempts)

    @property
    def marks(self) -> float:
        return sum(a.marks for a in self.attempts)


def judge_answer(question: CaseQuestion, content: str, material: str) -> list[dict[str, Any]]:
    """The automatic judgement of one answer, as stored in CaseAttempt.coverage."""
    from csapp.core import keypoints

    result = keypoints.judge(
        richtext.plain_text(content), question.key_points, stem=question.stem, material=material
    )
    coverage = result.coverage()
    if result.warnings:
        for item in coverage:
            item["warning"] = result.warnings[0]
    return coverage


def submit_case(
    engine: Engine,
    case_id: int,
    *,
    session_id: int | None = None,
    answers: dict[int, str] | None = None,
    seconds: float | None = None,
    timed_minutes: int | None = None,
    now: datetime | None = None,
) -> Submission:
    """Judge every answer of the case and keep it as an attempt; returns the submission.

    ``answers`` (question id → HTML) defaults to the saved drafts; given answers are saved as
    drafts in the same transaction. Loads jieba if needed: call it from a worker thread.
    """
    case = load_case(engine, case_id)
    at = _now(now)
    contents = {q.id: (answers or {}).get(q.id, q.draft) for q in case.questions}
    judged = {q.id: judge_answer(q, contents[q.id], case.material) for q in case.questions}
    with engine.begin() as conn:
        if session_id is None:
            session_id = _insert_session(conn, case_id, timed_minutes, at)
        attempt_ids = {}
        total = 0.0
        for q in case.questions:
            if answers is not None and q.id in answers:
                _store_draft(conn, q.id, contents[q.id], session_id, at)
            coverage = judged[q.id]
            marks = [float(c["suggested"]) for c in coverage]
            total += sum(marks)
            attempt_ids[str(q.id)] = conn.execute(
                CaseAttempt.__table__.insert().values(
                    question_id=q.id,
                    content=contents[q.id],
                    coverage=coverage,
                    self_marks=marks,
                    total=sum(marks),
                    submitted_at=at,
                )
            ).inserted_primary_key[0]
        table = StudySession.__table__
        settings, state = conn.execute(
            select(table.c.settings, table.c.state).where(table.c.id == session_id)
        ).one()
        settings, state = dict(settings or {}), dict(state or {})
        state["attempts"] = attempt_ids
        if seconds is not None:
            state["seconds"] = round(seconds, 1)
        if timed_minutes is not None:
            settings["timed_minutes"] = timed_minutes
        conn.execute(
            table.update()
            .where(table.c.id == session_id)
            .values(submitted_at=at, score=total, state=state, settings=settings)
        )
    return load_submission(engine, session_id)


def load_submission(engine: Engine, session_id: int) -> Submission:
    with engine.connect() as conn:
        row = conn.execute(
            select(
                StudySession.settings,
                StudySession.state,
                StudySession.submitted_at,
                StudySession.title,
            ).where(StudySession.id == session_id, StudySession.kind == SESSION_KIND)
        ).first()
        if row is None or row[2] is None:
            raise CaseError("找不到这次提交的记录。")
        settings, state, submitted_at, title = row
        ids = [int(a) for a in (state or {}).get("attempts", {}).values()]
        attempts = conn.execute(
            select(
                CaseAttempt.id,
                CaseAttempt.question_id,
                CaseAttempt.content,
                CaseAttempt.coverage,
                CaseAttempt.self_marks,
                CaseAttempt.total,
                Question.stem,
                Question.score,
                Question.key_points,
                Question.position,
            )
            .join(Question, Question.id == CaseAttempt.question_id)
            .where(CaseAttempt.id.in_(ids))
            .order_by(Question.position, Question.id)
        ).all()
    views = []
    for number, (aid, qid, content, coverage, marks, total, stem, score, kps, _pos) in enumerate(
        attempts, 1
    ):
        points = _key_points(kps)
        views.append(
            AttemptView(
                aid,
                qid,
                number,
                stem,
                float(score if score is not None else sum(p.marks for p in points)),
                content,
                points,
                list(coverage or []),
                [float(m) for m in marks or []],
                float(total or 0),
            )
        )
    return Submission(
        session_id,
        int((settings or {}).get("case_id") or 0),
        title,
        _aware(submitted_at),
        views,
        (state or {}).get("seconds"),
        (settings or {}).get("timed_minutes"),
    )


def set_self_mark(engine: Engine, attempt_id: int, point: int, marks: float) -> Submission:
    """The learner's own mark for one point (0 … the point's marks); totals follow."""
    with write_transaction(engine) as conn:  # read-modify-write
        row = conn.execute(
            select(CaseAttempt.self_marks, CaseAttempt.coverage, Question.key_points)
            .join(Question, Question.id == CaseAttempt.question_id)
            .where(CaseAttempt.id == attempt_id)
        ).first()
        if row is None:
            raise CaseError("找不到这次作答的记录。")
        self_marks, coverage, kps = list(row[0] or []), row[1] or [], _key_points(row[2])
        if not 0 <= point < len(kps):
            raise CaseError("没有这一条答案要点。")
        cap = kps[point].marks
        if not 0 <= marks <= cap:
            raise CaseError(f"这一点最多 {cap:g} 分。")
        found = _session_of_attempt(conn, attempt_id)
        if found is None:
            raise CaseError("找不到这次提交的记录。")
        session_id, sibling_ids = found
        while len(self_marks) < len(kps):  # the bank gained points since: start from the judgement
            i = len(self_marks)
            self_marks.append(float(coverage[i].get("suggested", 0)) if i < len(coverage) else 0.0)
        self_marks[point] = float(marks)
        conn.execute(
            CaseAttempt.__table__.update()
            .where(CaseAttempt.__table__.c.id == attempt_id)
            .values(self_marks=self_marks, total=sum(self_marks))
        )
        score = conn.execute(
            select(func.sum(CaseAttempt.total)).where(CaseAttempt.id.in_(sibling_ids))
        ).scalar()
        conn.execute(
            StudySession.__table__.update()
            .where(StudySession.__table__.c.id == session_id)
            .values(score=score)
        )
    return load_submission(engine, session_id)


def _session_of_attempt(conn: Connection, attempt_id: int) -> tuple[int, list[int]] | None:
    """The submission holding ``attempt_id``, with all of its attempts' ids."""
    rows = conn.execute(
        select(StudySession.id, StudySession.state).where(
            StudySession.kind == SESSION_KIND, StudySession.submitted_at.is_not(None)
        )
    ).all()
    for sid, state in rows:
        ids = [int(a) for a in (state or {}).get("attempts", {}).values()]
        if attempt_id in ids:
            return sid, ids
    return None


@dataclass(slots=True)
class SubmissionRow:
    session_id: int
    submitted_at: datetime
    total: float
    marks: float
    seconds: float | None
    timed_minutes: int | None


def submissions(engine: Engine, case_id: int) -> list[SubmissionRow]:
    """The case's submissions, newest first."""
    marks = sum(q.marks for q in load_case(engine, case_id).questions)
    case_of = func.json_extract(StudySession.settings, "$.case_id")
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                StudySession.id,
                StudySession.submitted_at,
                StudySession.score,
                StudySession.state,
                StudySession.settings,
            )
            .where(
                StudySession.kind == SESSION_KIND,
                StudySession.submitted_at.is_not(None),
                case_of == case_id,
            )
            .order_by(StudySession.submitted_at.desc(), StudySession.id.desc())
        ).all()
    return [
        SubmissionRow(
            sid,
            _aware(at),
            float(score or 0),
            marks,
            (state or {}).get("seconds"),
            (settings or {}).get("timed_minutes"),
        )
        for sid, at, score, state, settings in rows
    ]


# -- versions and differences ------------------------------------------------------------


@dataclass(slots=True)
class Version:
    key: str  # "attempt:12", "session:5", "draft"
    kind: str  # "提交", "编辑", "草稿"
    at: datetime
    content: str
    score: float | None = None
    started_at: datetime | None = None

    @property
    def text(self) -> str:
        return richtext.plain_text(self.content)

    @property
    def chars(self) -> int:
        return count_chars(self.text)

    @property
    def label(self) -> str:
        when = self.at.astimezone().strftime("%m-%d %H:%M")
        if self.kind == "提交":
            score = f" · {self.score:g} 分" if self.score is not None else ""
            return f"提交 {when}{score} · {self.chars} 字"
        if self.kind == "编辑" and self.started_at is not None:
            start = self.started_at.astimezone().strftime("%m-%d %H:%M")
            return f"编辑 {start}–{self.at.astimezone():%H:%M} · {self.chars} 字"
        return f"{self.kind} {when} · {self.chars} 字"


def versions(engine: Engine, question_id: int) -> list[Version]:
    """Every submission and every editing session of one answer, newest first."""
    with engine.connect() as conn:
        attempts = conn.execute(
            select(
                CaseAttempt.id, CaseAttempt.submitted_at, CaseAttempt.content, CaseAttempt.total
            ).where(CaseAttempt.question_id == question_id)
        ).all()
        sessions = conn.execute(
            select(
                CaseDraftVersion.id,
                CaseDraftVersion.updated_at,
                CaseDraftVersion.content,
                CaseDraftVersion.started_at,
            ).where(CaseDraftVersion.question_id == question_id)
        ).all()
        draft = conn.execute(
            select(CaseDraft.content, CaseDraft.updated_at).where(
                CaseDraft.question_id == question_id
            )
        ).first()
    out = [Version(f"attempt:{i}", "提交", _aware(at), c, total) for i, at, c, total in attempts]
    out += [
        Version(f"session:{i}", "编辑", _aware(at), c, None, _aware(started))
        for i, at, c, started in sessions
        if richtext.plain_text(c).strip()
    ]
    if draft is not None and draft[0] and not any(v.content == draft[0] for v in out):
        out.append(Version("draft", "草稿", _aware(draft[1]), draft[0]))
    out.sort(key=lambda v: (v.at, v.kind == "提交"), reverse=True)
    # A session that ended in a submission holds the same text as the submission: keep one.
    kept: list[Version] = []
    for v in out:
        if kept and kept[-1].content == v.content:
            if v.kind == "提交" and kept[-1].kind != "提交":
                kept[-1] = v
            continue
        kept.append(v)
    return kept


@dataclass(slots=True)
class DiffSpan:
    start: int
    end: int
    kind: str  # "delete" (left only), "insert" (right only), "replace" (both sides)


@dataclass(slots=True)
class Diff:
    left: list[DiffSpan]
    right: list[DiffSpan]
    removed: int  # characters
    added: int

    @property
    def same(self) -> bool:
        return not self.left and not self.right


def _diff_tokens(text_: str) -> list[tuple[int, int]]:
    """Chinese characters one by one, Latin words and numbers whole, white space in runs."""
    spans = []
    i = 0
    n = len(text_)
    while i < n:
        ch = text_[i]
        j = i + 1
        if ch.isascii() and ch.isalnum():
            while j < n and text_[j].isascii() and text_[j].isalnum():
                j += 1
        elif ch.isspace():
            while j < n and text_[j].isspace() and text_[j] != "\n":
                j += 1
        spans.append((i, j))
        i = j
    return spans


def diff(old: str, new: str) -> Diff:
    """Where two versions differ, as spans for each side; tiny equal islands are absorbed."""
    a_spans, b_spans = _diff_tokens(old), _diff_tokens(new)
    a = [old[s:e] for s, e in a_spans]
    b = [new[s:e] for s, e in b_spans]
    ops = [list(op) for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    # An equal run of one token between two changes reads better as part of the change.
    merged: list[list] = []
    for op in ops:
        if (
            len(merged) >= 2
            and merged[-1][0] == "equal"
            and merged[-1][2] - merged[-1][1] <= 1
            and merged[-2][0] != "equal"
            and op[0] != "equal"
        ):
            del merged[-1]  # the equal island
            prev = merged.pop()
            op = ["replace", prev[1], op[2], prev[3], op[4]]
        merged.append(op)
    left: list[DiffSpan] = []
    right: list[DiffSpan] = []
    removed = added = 0

    def char_range(spans: list[tuple[int, int]], i: int, j: int) -> tuple[int, int]:
        if i >= j:
            return (spans[i][0], spans[i][0]) if i < len(spans) else (0, 0)
        return spans[i][0], spans[j - 1][1]

    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            continue
        if i2 > i1:
            s, e = char_range(a_spans, i1, i2)
            left.append(DiffSpan(s, e, "delete" if j2 == j1 else "replace"))
            removed += count_chars(old[s:e])
        if j2 > j1:
            s, e = char_range(b_spans, j1, j2)
            right.append(DiffSpan(s, e, "insert" if i2 == i1 else "replace"))
            added += count_chars(new[s:e])
    return Diff(left, right, removed, added)


def restore_version(
    engine: Engine,
    question_id: int,
    content: str,
    *,
    session_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Make an old version the current draft; the draft it replaces stays a version."""
    at = _now(now)
    with write_transaction(engine) as conn:  # the draft writer may write meanwhile
        current = conn.execute(
            select(CaseDraft.content).where(CaseDraft.question_id == question_id)
        ).scalar()
        if current:
            _keep_version(conn, question_id, current, at)
        _store_draft(conn, question_id, content, session_id, at)


# -- highlights and notes on the material -------------------------------------------------


@dataclass(slots=True)
class Highlight:
    id: int
    start: int
    end: int
    quote: str
    note: str
    lost: bool = False  # the material changed and the passage is no longer in it


def _anchor(material: str, start: int, end: int, quote: str) -> tuple[int, int] | None:
    if material[start:end] == quote:
        return start, end
    if not quote:
        return None
    hits = []
    i = material.find(quote)
    while i >= 0:
        hits.append(i)
        i = material.find(quote, i + 1)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(quote)


def highlights(engine: Engine, case_id: int) -> list[Highlight]:
    """The learner's marks on the material, found again if the material was corrected."""
    with engine.connect() as conn:
        material = _material(
            conn.execute(select(Case.material).where(Case.id == case_id)).scalar() or ""
        )
        rows = conn.execute(
            select(CaseNote.id, CaseNote.start, CaseNote.end, CaseNote.quote, CaseNote.note)
            .where(CaseNote.case_id == case_id)
            .order_by(CaseNote.start, CaseNote.id)
        ).all()
    out = []
    for nid, start, end, quote, note in rows:
        place = _anchor(material, start, end, quote)
        if place is None:
            out.append(Highlight(nid, start, end, quote, note, lost=True))
        else:
            out.append(Highlight(nid, place[0], place[1], quote, note))
    out.sort(key=lambda h: (h.lost, h.start))
    return out


def add_highlight(engine: Engine, case_id: int, start: int, end: int, note: str = "") -> Highlight:
    """Highlight material[start:end] (and pin ``note`` to it if given)."""
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise CaseError(f"批注最多 {NOTE_MAX_CHARS} 个字。")
    with engine.begin() as conn:
        material = _material(
            conn.execute(select(Case.material).where(Case.id == case_id)).scalar() or ""
        )
        start, end = max(0, min(start, end)), min(len(material), max(start, end))
        quote = material[start:end]
        if not quote.strip():
            raise CaseError("请先在案例材料中选中一段文字。")
        nid = conn.execute(
            CaseNote.__table__.insert().values(
                case_id=case_id, start=start, end=end, quote=quote, note=note, created_at=_now()
            )
        ).inserted_primary_key[0]
    return Highlight(nid, start, end, quote, note)


def set_note(engine: Engine, note_id: int, note: str) -> None:
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise CaseError(f"批注最多 {NOTE_MAX_CHARS} 个字。")
    with engine.begin() as conn:
        conn.execute(
            CaseNote.__table__.update().where(CaseNote.__table__.c.id == note_id).values(note=note)
        )


def delete_highlight(engine: Engine, note_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(CaseNote.__table__.delete().where(CaseNote.__table__.c.id == note_id))


def remove_highlights(engine: Engine, case_id: int, start: int, end: int) -> int:
    """Remove every highlight overlapping material[start:end]; returns how many."""
    gone = [
        h.id for h in highlights(engine, case_id) if not h.lost and h.start < end and h.end > start
    ]
    with engine.begin() as conn:
        for nid in gone:
            conn.execute(CaseNote.__table__.delete().where(CaseNote.__table__.c.id == nid))
    return len(gone)


# -- export ------------------------------------------------------------------------------


@dataclass(slots=True)
class _ExportQuestion:
    number: int
    stem: str
    marks: float
    content: str
    key_points: list[KeyPoint]
    coverage: list[dict[str, Any]] = field(default_factory=list)
    self_marks: list[float] = field(default_factory=list)
    total: float | None = None


@dataclass(slots=True)
class _Export:
    title: str
    chapter: str
    material: str
    questions: list[_ExportQuestion]
    submitted_at: datetime | None
    total: float | None
    marks: float


def _export_model(engine: Engine, case_id: int, session_id: int | None) -> _Export:
    case = load_case(engine, case_id)
    if session_id is None:
        questions = [
            _ExportQuestion(q.number, q.stem, q.marks, q.draft, q.key_points)
            for q in case.questions
        ]
        return _Export(case.title, case.chapter, case.material, questions, None, None, case.marks)
    sub = load_submission(engine, session_id)
    questions = [
        _ExportQuestion(
            a.number, a.stem, a.marks, a.content, a.key_points, a.coverage, a.self_marks, a.total
        )
        for a in sub.attempts
    ]
    return _Export(
        case.title, case.chapter, case.material, questions, sub.submitted_at, sub.total, sub.marks
    )


def _meta_line(model: _Export, include_points: bool) -> str:
    """Chapter, submission time and self-marked total, as one line under the title."""
    meta = [model.chapter] if model.chapter else []
    if model.submitted_at:
        meta.append(f"提交于 {model.submitted_at.astimezone():%Y-%m-%d %H:%M}")
    if model.total is not None and include_points:
        meta.append(f"自评得分 {model.total:g} / {model.marks:g}")
    return "　".join(meta)


def _paragraphs(text_: str) -> list[str]:
    return [p.strip() for p in text_.split("\n") if p.strip()]


def _point_lines(q: _ExportQuestion) -> list[tuple[str, str, str]]:
    """(the point's text, its verdict, the verdict's colour) for each point, for export."""
    lines = []
    for i, point in enumerate(q.key_points):
        head = f"{i + 1}. {point.text}（{point.marks:g}分）"
        if i >= len(q.self_marks):
            lines.append((head, "", ""))
            continue
        got = q.self_marks[i]
        if got >= point.marks:
            sign, colour = "✓", "#1f7a4d"
        elif got > 0:
            sign, colour = "△", "#9a6700"
        else:
            sign, colour = "✗", "#b42318"
        lines.append((head, f"{sign} 得 {got:g} 分", colour))
    return lines


def _answered(body: list[richtext.Block]) -> bool:
    return any(b.text.strip() for b in body)


def _question_total(q: _ExportQuestion) -> str:
    return f"本问自评：{q.total:g} / {q.marks:g} 分"


def export_docx(
    engine: Engine,
    path: Path | str,
    case_id: int,
    *,
    session_id: int | None = None,
    include_case: bool = True,
    include_points: bool = True,
) -> Path:
    """Write the answer (a submission, or the current drafts) as a Word document to hand in."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    model = _export_model(engine, case_id, session_id)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for style in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[style].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    doc.add_heading(f"案例分析：{model.title}", level=1)
    meta = _meta_line(model, include_points)
    if meta:
        doc.add_paragraph(meta).alignment = WD_ALIGN_PARAGRAPH.LEFT
    if include_case:
        doc.add_heading("案例材料", level=2)
        for para in _paragraphs(model.material):
            doc.add_paragraph(para)
    for q in model.questions:
        doc.add_heading(f"第{q.number}问（{q.marks:g}分）", level=2)
        doc.add_paragraph(q.stem)
        doc.add_heading("我的答案", level=3)
        body = richtext.blocks(q.content)
        if not _answered(body):
            doc.add_paragraph("（未作答）")
        for block in body:
            style = {"ul": "List Bullet", "ol": "List Number"}.get(block.kind)
            para = doc.add_paragraph(style=style) if style else doc.add_paragraph()
            for run in block.runs:
                r = para.add_run(run.text)
                r.bold, r.italic, r.underline = run.bold, run.italic, run.underline
        if include_points and q.key_points:
            doc.add_heading("答案要点", level=3)
            for head, verdict, colour in _point_lines(q):
                para = doc.add_paragraph(head)
                if verdict:
                    r = para.add_run("　" + verdict)
                    r.bold = True
                    r.font.color.rgb = RGBColor.from_string(colour[1:].upper())
            if q.total is not None:
                doc.add_paragraph(_question_total(q))
    return _atomic_save(path, doc.save)


def _atomic_save(path: Path | str, save: Callable[[str], Any]) -> Path:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        save(str(tmp))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def export_html(
    engine: Engine,
    case_id: int,
    *,
    session_id: int | None = None,
    include_case: bool = True,
    include_points: bool = True,
) -> str:
    """The same document as HTML (the screen prints it to PDF)."""
    import html as h

    model = _export_model(engine, case_id, session_id)
    parts = [f"<h1>案例分析：{h.escape(model.title)}</h1>"]
    meta = _meta_line(model, include_points)
    if meta:
        parts.append(f"<p style='color:#5f6670'>{h.escape(meta)}</p>")
    if include_case:
        parts.append("<h2>案例材料</h2>")
        parts += [f"<p>{h.escape(p)}</p>" for p in _paragraphs(model.material)]
    for q in model.questions:
        parts.append(f"<h2>第{q.number}问（{q.marks:g}分）</h2><p>{h.escape(q.stem)}</p>")
        parts.append("<h3>我的答案</h3>")
        answered = _answered(richtext.blocks(q.content))
        parts.append(richtext.to_html(q.content) if answered else "<p>（未作答）</p>")
        if include_points and q.key_points:
            parts.append("<h3>答案要点</h3>")
            for head, verdict, colour in _point_lines(q):
                tail = f"　<b style='color:{colour}'>{verdict}</b>" if verdict else ""
                parts.append(f"<p>{h.escape(head)}{tail}</p>")
            if q.total is not None:
                parts.append(f"<p><b>{_question_total(q)}</b></p>")
    return "\n".join(parts)
