"""Practice sessions: which questions, in what order, graded how, and remembered where.

A session is a ``StudySession`` row whose ``state`` holds the question ids, the position and
every answer given so far; it is written in the same transaction as each ``AnswerRecord``, so
a crash loses nothing and the session can be offered for resumption at the next start.

Modes: 章节练习 (a chapter in bank order, resumable), 随机练习 (chapters × types × difficulty,
N questions), 题型专项 (one type), 背题模式 (answer shown, nothing recorded as wrong), 章节测验
(10 单选 + 5 判断, graded on 交卷 and scored to 100), 知识点练习 (one section of the textbook),
错题/收藏练习 and 今日复习 (the questions FSRS says are due).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from csapp.core import review, wrongbook
from csapp.core.models import AnswerRecord, Case, Question, StudySession
from csapp.core.questions import (
    DEFAULT_MARKS,
    FALSE_ANSWER,
    LETTERS,
    OBJECTIVE_TYPES,
    TRUE_ANSWER,
    QuestionType,
    normalize_text,
)

QUIZ_SINGLE = 10
QUIZ_JUDGE = 5
QUIZ_PASS = 60.0
SUBJECTIVE_PASS = 0.6  # share of the 要点 marks that counts as "answered right"
DEFAULT_COUNT = 20
RESUMABLE_KINDS = ("practice", "quiz", "review")
_SECTION_NO = re.compile(r"^\s*(\d+(?:\.\d+)+)")  # "4.1.2" at the start of a knowledge point


class PracticeError(Exception):
    """A request the library cannot serve; ``str()`` is one Chinese sentence for the learner."""


class Mode(StrEnum):
    CHAPTER = "chapter"
    RANDOM = "random"
    TYPE = "type"
    MEMORIZE = "memorize"
    QUIZ = "quiz"
    SECTION = "section"
    WRONG = "wrong"
    FAVORITE = "favorite"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return MODE_LABELS[self]

    @property
    def graded_at_once(self) -> bool:
        """Modes that show ✓/✗ and the 解析 right after each answer."""
        return self not in (Mode.QUIZ, Mode.MEMORIZE)


MODE_LABELS = {
    Mode.CHAPTER: "章节练习",
    Mode.RANDOM: "随机练习",
    Mode.TYPE: "题型专项",
    Mode.MEMORIZE: "背题模式",
    Mode.QUIZ: "章节测验",
    Mode.SECTION: "知识点练习",
    Mode.WRONG: "错题练习",
    Mode.FAVORITE: "收藏练习",
    Mode.REVIEW: "今日复习",
}


@dataclass(slots=True)
class PracticeSpec:
    """What the learner asked for; travels in signals and is stored in StudySession.settings."""

    mode: Mode
    chapters: tuple[int, ...] = ()
    types: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    count: int = DEFAULT_COUNT
    section: str = ""  # a section anchor ("4.1.2") or heading, for 知识点练习
    question_ids: tuple[int, ...] = ()  # an explicit list (a selection in 错题本 or 收藏)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": str(self.mode),
            "chapters": list(self.chapters),
            "types": list(self.types),
            "difficulties": list(self.difficulties),
            "count": self.count,
            "section": self.section,
            "question_ids": list(self.question_ids),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PracticeSpec:
        return cls(
            mode=Mode(data.get("mode", Mode.CHAPTER)),
            chapters=tuple(int(c) for c in data.get("chapters", ())),
            types=tuple(str(t) for t in data.get("types", ())),
            difficulties=tuple(str(d) for d in data.get("difficulties", ())),
            count=int(data.get("count", DEFAULT_COUNT)),
            section=str(data.get("section", "")),
            question_ids=tuple(int(i) for i in data.get("question_ids", ())),
        )

    @property
    def kind(self) -> str:
        return {Mode.QUIZ: "quiz", Mode.REVIEW: "review"}.get(self.mode, "practice")

    def title(self) -> str:
        from csapp.core.course import chapters as course_chapters

        names = {c.no: c.label for c in course_chapters()}
        label = self.mode.label
        if self.mode == Mode.SECTION and self.section:
            return f"{label} · {self.section}"
        if self.mode == Mode.TYPE and self.types:
            return f"{label} · {'、'.join(self.types)}"
        if len(self.chapters) == 1:
            return f"{label} · {names.get(self.chapters[0], f'第{self.chapters[0]}章')}"
        if self.chapters:
            return f"{label} · {len(self.chapters)} 章"
        return label


# -- questions as the screens show them ---------------------------------------------------


@dataclass(slots=True)
class QuestionItem:
    """One question with everything a practice screen needs, detached from any session."""

    id: int
    qtype: str
    stem: str
    options: list[str]
    answer: str
    explanation: str = ""
    chapter: str = ""
    chapter_no: int | None = None
    knowledge_point: str = ""
    difficulty: str = ""
    score: float = 1.0
    key_points: list[dict[str, Any]] = field(default_factory=list)
    material: str = ""  # the 案例 text for 案例分析题
    case_title: str = ""

    @property
    def type(self) -> QuestionType | None:
        try:
            return QuestionType(self.qtype)
        except ValueError:
            return None

    @property
    def objective(self) -> bool:
        return self.type in OBJECTIVE_TYPES

    @property
    def blanks(self) -> int:
        return len(self.answer.split("|")) if self.type == QuestionType.FILL else 0

    @property
    def points(self) -> list[dict[str, Any]]:
        """The 要点 to self-mark; a subjective question without any gets one whole point."""
        if self.key_points:
            return self.key_points
        return [{"text": self.answer or "参考答案", "marks": self.score, "keywords": []}]

    @property
    def section_anchor(self) -> str:
        """``4.1.2`` from ``4.1.2 服务质量的五个维度``; empty when the point is not numbered."""
        m = _SECTION_NO.match(self.knowledge_point)
        return m.group(1) if m else ""

    def display_answer(self) -> str:
        return display_answer(self.qtype, self.answer)


def display_answer(qtype: str, answer: str) -> str:
    """An answer as a learner reads it: 填空 blanks joined by ；, alternatives shown with 或."""
    if qtype == QuestionType.FILL:
        return "；".join(" 或 ".join(a for a in b.split("&&") if a) for b in answer.split("|"))
    return answer


_ITEM_COLUMNS = (
    Question.id,
    Question.qtype,
    Question.stem,
    Question.options,
    Question.answer,
    Question.explanation,
    Question.chapter,
    Question.chapter_no,
    Question.knowledge_point,
    Question.difficulty,
    Question.score,
    Question.key_points,
    Case.material,
    Case.title,
)


def load_items(engine: Engine, ids: Iterable[int]) -> dict[int, QuestionItem]:
    """The questions ``ids`` (missing ones are simply absent: a bank may have been removed)."""
    ids = list(ids)
    found: dict[int, QuestionItem] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                select(*_ITEM_COLUMNS)
                .outerjoin(Case, Case.id == Question.case_id)
                .where(Question.id.in_(chunk))
            )
            for row in rows:
                (qid, qtype, stem, options, answer, expl, chapter, no, kp, diff, score, kps) = row[
                    :12
                ]
                found[qid] = QuestionItem(
                    id=qid,
                    qtype=qtype,
                    stem=stem,
                    options=list(options or []),
                    answer=answer,
                    explanation=expl,
                    chapter=chapter,
                    chapter_no=no,
                    knowledge_point=kp,
                    difficulty=diff,
                    score=float(score) if score else _default_score(qtype),
                    key_points=list(kps or []),
                    material=row[12] or "",
                    case_title=row[13] or "",
                )
    return found


def existing_ids(engine: Engine, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` still exist (a bank may have been removed since)."""
    found: set[int] = set()
    with engine.connect() as conn:
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            found.update(conn.execute(select(Question.id).where(Question.id.in_(chunk))).scalars())
    return found


def _default_score(qtype: str) -> float:
    try:
        return DEFAULT_MARKS[QuestionType(qtype)]
    except (ValueError, KeyError):
        return 1.0


# -- grading ------------------------------------------------------------------------------

_TRUE_WORDS = {"正确", "对", "√", "✓", "T", "TRUE", "Y", "YES", "是", "A"}
_FALSE_WORDS = {"错误", "错", "×", "✗", "X", "F", "FALSE", "N", "NO", "否", "B"}
_PUNCT = re.compile(r"[\s\u3000，,。.、；;：:！!？?“”\"‘’'（）()《》<>【】\[\]—\-_·]+")


@dataclass(slots=True)
class Grade:
    correct: bool
    fraction: float  # 0..1: share of the marks earned
    score: float  # marks earned
    max_score: float


def normalize_choice(response: str) -> str:
    """``"b, a"`` → ``"AB"``: letters only, upper case, sorted, each once."""
    text = unicodedata.normalize("NFKC", response).upper()
    return "".join(sorted({ch for ch in text if ch in LETTERS}))


def normalize_judge(response: str) -> str:
    """Any common way of writing true/false → ``正确``/``错误`` (empty when unclear)."""
    text = normalize_text(response).upper()
    if text in _TRUE_WORDS:
        return TRUE_ANSWER
    if text in _FALSE_WORDS:
        return FALSE_ANSWER
    return ""


def normalize_blank(text: str) -> str:
    """A 填空 answer as compared: NFKC, lower case, no spaces or punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def blank_hits(key: str, response: str) -> list[bool]:
    """For each blank of a 填空 key (``|`` blanks, ``&&`` alternatives): was it filled right?"""
    given = response.split("|")
    hits = []
    for i, blank in enumerate(key.split("|")):
        alternatives = {normalize_blank(a) for a in blank.split("&&") if a.strip()}
        answer = normalize_blank(given[i]) if i < len(given) else ""
        hits.append(bool(answer) and answer in alternatives)
    return hits


def grade_objective(qtype: str, key: str, response: str, max_score: float = 1.0) -> Grade:
    """Grade a 单选/多选/判断/填空 answer against its canonical key.

    多选 earns nothing unless exactly right (the 自考 rule); 填空 earns a share per blank but
    counts as right only when every blank is.
    """
    if qtype == QuestionType.FILL:
        marks = blank_hits(key, response)
        hits = sum(marks)
        fraction = hits / len(marks)
        return Grade(hits == len(marks), fraction, round(max_score * fraction, 2), max_score)
    if qtype == QuestionType.JUDGE:
        ok = normalize_judge(response) == normalize_judge(key) != ""
    else:
        ok = normalize_choice(response) == normalize_choice(key) != ""
    return Grade(ok, 1.0 if ok else 0.0, max_score if ok else 0.0, max_score)


def grade_subjective(points: Sequence[dict[str, Any]], marks: Sequence[float]) -> Grade:
    """Self-marking: ``marks[i]`` is how much of 要点 i was met (1 met, 0 not, 0.5 half)."""
    total = sum(float(p.get("marks", 1) or 0) for p in points) or float(len(points)) or 1.0
    got = 0.0
    for point, mark in zip(points, marks, strict=False):
        got += float(point.get("marks", 1) or 0) * max(0.0, min(1.0, float(mark)))
    fraction = got / total if total else 0.0
    return Grade(fraction >= SUBJECTIVE_PASS, fraction, round(got, 2), total)


def suggest_marks(points: Sequence[dict[str, Any]], text: str) -> list[float]:
    """A first guess for self-marking: a 要点 looks met when every keyword group appears."""
    norm = normalize_blank(text)
    marks = []
    for point in points:
        groups = point.get("keywords") or []
        met = (
            bool(groups)
            and bool(norm)
            and all(any(normalize_blank(alt) in norm for alt in group if alt) for group in groups)
        )
        marks.append(1.0 if met else 0.0)
    return marks


def grade(item: QuestionItem, response: str, marks: Sequence[float] | None = None) -> Grade:
    if item.objective:
        return grade_objective(item.qtype, item.answer, response, item.score)
    return grade_subjective(item.points, marks or [])


# -- sessions -----------------------------------------------------------------------------


@dataclass(slots=True)
class Answer:
    """One answer within a session (also what goes into StudySession.state)."""

    response: str
    correct: bool | None = None
    fraction: float | None = None
    score: float | None = None
    marks: list[float] = field(default_factory=list)
    seconds: float = 0.0
    graded: bool = True  # False: a 测验 answer waiting for 交卷

    def to_dict(self) -> dict[str, Any]:
        return {
            "r": self.response,
            "ok": self.correct,
            "f": self.fraction,
            "s": self.score,
            "m": self.marks,
            "t": round(self.seconds, 1),
            "g": self.graded,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        return cls(
            response=str(data.get("r", "")),
            correct=data.get("ok"),
            fraction=data.get("f"),
            score=data.get("s"),
            marks=[float(m) for m in data.get("m", [])],
            seconds=float(data.get("t", 0.0)),
            graded=bool(data.get("g", True)),
        )


@dataclass(slots=True)
class PracticeSession:
    id: int
    spec: PracticeSpec
    title: str
    ids: list[int]
    pos: int = 0
    answers: dict[int, Answer] = field(default_factory=dict)
    finished: bool = False
    score: float | None = None
    started_at: datetime | None = None
    touched: str = ""

    @property
    def mode(self) -> Mode:
        return self.spec.mode

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def current_id(self) -> int | None:
        return self.ids[self.pos] if 0 <= self.pos < len(self.ids) else None

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def correct(self) -> int:
        return sum(1 for a in self.answers.values() if a.correct)

    @property
    def wrong(self) -> int:
        return sum(1 for a in self.answers.values() if a.graded and a.correct is False)

    @property
    def seconds(self) -> float:
        return sum(a.seconds for a in self.answers.values())

    @property
    def complete(self) -> bool:
        return all(i in self.answers for i in self.ids)

    def next_unanswered(self, after: int = -1) -> int | None:
        """The first position after ``after`` without an answer (wrapping round), or None."""
        n = len(self.ids)
        for step in range(1, n + 1):
            pos = (after + step) % n
            if self.ids[pos] not in self.answers:
                return pos
        return None

    def state(self) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "pos": self.pos,
            "answers": {str(k): v.to_dict() for k, v in self.answers.items()},
            "touched": self.touched,
        }

    def counts(self) -> tuple[int, int]:
        """(answers right, answers that count): a 测验 counts every question, unanswered = wrong;
        other modes count what was graded."""
        graded = [a for a in self.answers.values() if a.graded]
        correct = sum(1 for a in graded if a.correct)
        return correct, len(self.ids) if self.mode == Mode.QUIZ else len(graded)

    def result(self) -> QuizResult:
        """The outcome of a finished session, as its result screen shows it."""
        correct, total = self.counts()
        score = self.score or 0
        return QuizResult(float(score), correct, total, score >= QUIZ_PASS)


@dataclass(slots=True)
class SessionInfo:
    """An unfinished session, as the resume offer describes it."""

    id: int
    title: str
    mode: Mode
    total: int
    answered: int
    touched: str
    pos: int = 0

    @property
    def progress(self) -> str:
        return f"做到第 {min(self.pos + 1, self.total)} / {self.total} 题，已答 {self.answered} 题"


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _base_filter(spec: PracticeSpec) -> list[Any]:
    conds: list[Any] = [Question.case_id.is_(None)]
    if spec.chapters:
        conds.append(Question.chapter_no.in_(spec.chapters))
    if spec.types:
        conds.append(Question.qtype.in_(spec.types))
    if spec.difficulties:
        conds.append(Question.difficulty.in_(spec.difficulties))
    return conds


def section_condition(section: str) -> Any:
    """Questions on a section: its heading or anchor, or any of its sub-sections' ones."""
    section = section.strip()
    m = re.match(r"^(\d+(?:\.\d+)+)\s*(.*)$", section)
    kp = Question.knowledge_point
    if not m:
        return kp == section
    anchor, title = m.group(1), m.group(2)
    conds = [kp == anchor, kp.like(f"{anchor} %"), kp.like(f"{anchor}.%")]
    if title:
        conds.append(kp == title)
    return or_(*conds)


def select_ids(
    engine: Engine,
    spec: PracticeSpec,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> list[int]:
    """The questions a new session of ``spec`` asks, in the order they will be shown."""
    rng = rng or random.Random()
    mode = spec.mode
    order = (Question.chapter_no, Question.bank_id, Question.position, Question.id)
    if spec.question_ids:
        present = existing_ids(engine, spec.question_ids)
        return [i for i in spec.question_ids if i in present]
    with engine.connect() as conn:
        if mode == Mode.WRONG:
            return [r.question_id for r in wrongbook.entries(engine)]
        if mode == Mode.FAVORITE:
            return [r.question_id for r in wrongbook.favorites(engine)]
        if mode == Mode.REVIEW:
            return review.due_ids(engine, now=now, limit=spec.count or None)
        if mode == Mode.QUIZ:
            return _quiz_ids(conn, spec, rng)
        conds = _base_filter(spec)
        if mode == Mode.SECTION and spec.section:
            conds.append(section_condition(spec.section))
        ids = list(conn.execute(select(Question.id).where(*conds).order_by(*order)).scalars())
    if mode == Mode.RANDOM:
        rng.shuffle(ids)
        return ids[: max(1, spec.count)]
    return ids


def _quiz_ids(conn: Connection, spec: PracticeSpec, rng: random.Random) -> list[int]:
    picked = []
    for qtype, n in ((QuestionType.SINGLE, QUIZ_SINGLE), (QuestionType.JUDGE, QUIZ_JUDGE)):
        conds = [*_base_filter(PracticeSpec(Mode.QUIZ, chapters=spec.chapters))]
        conds.append(Question.qtype == str(qtype))
        pool = list(conn.execute(select(Question.id).where(*conds).order_by(Question.id)).scalars())
        picked += rng.sample(pool, min(n, len(pool)))
    return picked


def _empty_message(spec: PracticeSpec) -> str:
    if spec.mode == Mode.WRONG:
        return "错题本是空的，没有需要再练的题。"
    if spec.mode == Mode.FAVORITE:
        return "还没有收藏题目。练习时按 F 可以收藏当前题。"
    if spec.mode == Mode.REVIEW:
        return "今天没有到期的复习题。"
    if spec.mode == Mode.QUIZ:
        return "所选章节没有单选题或判断题，无法组成章节测验。"
    if spec.mode == Mode.SECTION:
        return f"“{spec.section}”这一节还没有练习题。"
    return "没有符合条件的题目，请放宽章节、题型或难度的选择。"


def start(
    engine: Engine,
    spec: PracticeSpec,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> PracticeSession:
    """Pick the questions and open a new session (raises PracticeError when there are none)."""
    ids = select_ids(engine, spec, rng, now)
    if not ids:
        raise PracticeError(_empty_message(spec))
    moment = _now(now)
    session = PracticeSession(
        id=0, spec=spec, title=spec.title(), ids=ids, started_at=moment, touched=moment.isoformat()
    )
    with engine.begin() as conn:
        session.id = conn.execute(
            insert(StudySession.__table__).values(
                kind=spec.kind,
                title=session.title,
                settings=spec.to_dict(),
                state=session.state(),
                started_at=moment,
            )
        ).inserted_primary_key[0]
    return session


def load(engine: Engine, session_id: int) -> PracticeSession:
    with engine.connect() as conn:
        row = conn.execute(
            select(
                StudySession.id,
                StudySession.title,
                StudySession.settings,
                StudySession.state,
                StudySession.submitted_at,
                StudySession.score,
                StudySession.started_at,
            ).where(StudySession.id == session_id)
        ).first()
    if row is None:
        raise PracticeError("找不到这次练习的记录。")
    sid, title, settings, state, submitted, score, started = row
    ids = [int(i) for i in state.get("ids", [])]
    session = PracticeSession(
        id=sid,
        spec=PracticeSpec.from_dict(settings),
        title=title,
        ids=ids,
        pos=min(int(state.get("pos", 0)), max(0, len(ids) - 1)),
        answers={int(k): Answer.from_dict(v) for k, v in state.get("answers", {}).items()},
        finished=submitted is not None,
        score=score,
        started_at=started,
        touched=str(state.get("touched", "")),
    )
    present = existing_ids(engine, ids)
    if len(present) != len(ids):  # a bank was removed since: drop what is gone
        current = session.current_id
        session.ids = [i for i in ids if i in present]
        session.pos = session.ids.index(current) if current in present else 0
    return session


def _save_state(conn: Connection, session: PracticeSession, now: datetime) -> None:
    session.touched = now.isoformat()
    conn.execute(
        update(StudySession.__table__)
        .where(StudySession.__table__.c.id == session.id)
        .values(state=session.state())
    )


def _patch_state(
    conn: Connection, session: PracticeSession, now: datetime, answer_of: int | None = None
) -> None:
    """Write the position (and one answer) into the stored state in place.

    SQLite's json_set edits the document without Python re-encoding the whole id list, which
    for a 10,000-question session is most of the cost of a save.
    """
    session.touched = now.isoformat()
    sets = "'$.pos', ?, '$.touched', ?"
    params: list[Any] = [session.pos, session.touched]
    if answer_of is not None:
        sets += f", '$.answers.\"{int(answer_of)}\"', json(?)"
        params.append(json.dumps(session.answers[answer_of].to_dict()))
    conn.exec_driver_sql(
        f"UPDATE studysession SET state = json_set(state, {sets}) WHERE id = ?",
        (*params, session.id),
    )


def move(engine: Engine, session: PracticeSession, pos: int, now: datetime | None = None) -> None:
    """Remember the position (so a resumed session opens on the same question)."""
    session.pos = max(0, min(pos, len(session.ids) - 1))
    with engine.begin() as conn:
        _patch_state(conn, session, _now(now))


def record_answer(
    conn: Connection,
    session_id: int | None,
    question_id: int,
    answer: Answer,
    moment: datetime,
    leave_after: int,
    exam_date: Any,
    subjective_self_marked: bool,
) -> None:
    """One graded answer: its AnswerRecord, the 错题本 and the review schedule (a practice
    answer and an exam answer alike). ``leave_after`` and ``exam_date`` come from
    ``learner_settings``."""
    conn.execute(
        insert(AnswerRecord.__table__).values(
            question_id=question_id,
            session_id=session_id,
            response=answer.response,
            correct=answer.correct,
            score=answer.score,
            seconds=round(answer.seconds, 2),
            at=moment,
        )
    )
    wrongbook.record(conn, question_id, bool(answer.correct), moment, leave_after)
    rating = review.rating_for(bool(answer.correct), answer.fraction, subjective_self_marked)
    review.schedule(conn, question_id, rating, moment, exam_date=exam_date)


def submit(
    engine: Engine,
    session: PracticeSession,
    item: QuestionItem,
    response: str,
    seconds: float,
    marks: Sequence[float] | None = None,
    now: datetime | None = None,
) -> Answer:
    """Grade and record one answer; for a 测验 only keep it until 交卷.

    The AnswerRecord, the 错题本, the review schedule and the session's state change in one
    transaction: either all of them or none.
    """
    moment = _now(now)
    previous = session.answers.get(item.id)
    if previous is not None and previous.graded and session.mode != Mode.QUIZ:
        return previous  # already recorded in this session; showing it again changes nothing
    if not session.mode.graded_at_once:  # kept ungraded: nothing recorded yet
        if session.mode == Mode.QUIZ:
            seconds += previous.seconds if previous else 0.0
        else:
            response = ""
        answer = Answer(response=response, seconds=seconds, graded=False)
        session.answers[item.id] = answer
        with engine.begin() as conn:
            _patch_state(conn, session, moment, item.id)
        return answer
    result = grade(item, response, marks)
    answer = Answer(
        response=response,
        correct=result.correct,
        fraction=round(result.fraction, 4),
        score=result.score,
        marks=list(marks or []),
        seconds=seconds,
    )
    leave_after, exam_date = learner_settings(engine)
    session.answers[item.id] = answer
    with engine.begin() as conn:
        record_answer(
            conn, session.id, item.id, answer, moment, leave_after, exam_date, not item.objective
        )
        _patch_state(conn, session, moment, item.id)
    return answer


def learner_settings(engine: Engine) -> tuple[int, Any]:
    """The settings ``record_answer`` needs: the 错题本's leave-after count and the exam date."""
    from csapp.core import settings

    return settings.get(engine, wrongbook.LEAVE_AFTER), settings.get(engine, review.EXAM_DATE)


@dataclass(slots=True)
class QuizResult:
    score: float
    correct: int
    total: int
    passed: bool

    @property
    def message(self) -> str:
        if self.score >= 90:
            return "优秀！这一章掌握得很扎实。"
        if self.passed:
            return "通过了。看看答错的题和解析，把漏洞补上。"
        return "还没有通过。先回到教材读一读答错的知识点，再测一次。"


def finish(engine: Engine, session: PracticeSession, now: datetime | None = None) -> QuizResult:
    """End a session. A 测验 is graded here: every answer recorded, scored to 100.

    Unanswered 测验 questions count as wrong (and go to the 错题本), as in a real test.
    """
    moment = _now(now)
    grading = session.mode == Mode.QUIZ and not session.finished
    items = load_items(engine, session.ids) if grading else {}
    leave_after, exam_date = learner_settings(engine)
    with engine.begin() as conn:
        if grading:
            for qid in session.ids:
                item = items.get(qid)
                if item is None:
                    continue
                given = session.answers.get(qid) or Answer(response="", seconds=0.0)
                result = grade(item, given.response)
                answer = Answer(
                    response=given.response,
                    correct=result.correct,
                    fraction=result.fraction,
                    score=result.score,
                    seconds=given.seconds,
                )
                session.answers[qid] = answer
                record_answer(conn, session.id, qid, answer, moment, leave_after, exam_date, False)
        correct, base = session.counts()
        score = round(100.0 * correct / base) if base else None
        session.finished = True
        session.score = score
        _save_state(conn, session, moment)
        conn.execute(
            update(StudySession.__table__)
            .where(StudySession.__table__.c.id == session.id)
            .values(submitted_at=moment, score=score)
        )
    return session.result()


def abandon(engine: Engine, session_id: int, now: datetime | None = None) -> None:
    """Close a session without finishing it (the answers already recorded stay)."""
    with engine.begin() as conn:
        conn.execute(
            update(StudySession.__table__)
            .where(StudySession.__table__.c.id == session_id)
            .values(submitted_at=_now(now))
        )


def unfinished(engine: Engine, spec: PracticeSpec | None = None) -> list[SessionInfo]:
    """Practice sessions left open (by a crash, or by leaving mid-way), latest first.

    With ``spec``, only sessions that asked for the same thing (a chapter's 章节练习 resumes
    where it stopped).
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(StudySession.id, StudySession.title, StudySession.settings, StudySession.state)
            .where(
                StudySession.submitted_at.is_(None),
                StudySession.kind.in_(RESUMABLE_KINDS),
            )
            .order_by(StudySession.id.desc())
            .limit(200)
        ).all()
    found = []
    for sid, title, settings, state in rows:
        try:
            their = PracticeSpec.from_dict(settings)
        except (ValueError, TypeError):
            continue
        answers = state.get("answers", {})
        if not answers and not state.get("pos"):
            continue  # opened and left at once: nothing worth offering
        if spec is not None and (their.mode, their.chapters, their.types, their.section) != (
            spec.mode,
            spec.chapters,
            spec.types,
            spec.section,
        ):
            continue
        total = len(state.get("ids", []))
        if len(answers) >= total and their.mode != Mode.QUIZ:
            continue
        found.append(
            SessionInfo(
                sid,
                title,
                their.mode,
                total,
                len(answers),
                str(state.get("touched", "")),
                int(state.get("pos", 0)),
            )
        )
    found.sort(key=lambda s: s.touched, reverse=True)
    return found


def section_counts(engine: Engine, chapter_no: int, anchors: Sequence[str]) -> dict[str, int]:
    """How many questions each section (with its sub-sections) has, for the reader's links."""
    with engine.connect() as conn:
        points = conn.execute(
            select(Question.knowledge_point, func.count())
            .where(
                Question.case_id.is_(None),
                or_(Question.chapter_no == chapter_no, Question.chapter_no.is_(None)),
            )
            .group_by(Question.knowledge_point)
        ).all()
    counts = dict.fromkeys(anchors, 0)
    for kp, n in points:
        m = _SECTION_NO.match(kp or "")
        if not m:
            continue
        own = m.group(1)
        for anchor in anchors:
            if own == anchor or own.startswith(anchor + "."):
                counts[anchor] += n
    return counts


def chapter_progress(engine: Engine, chapter_no: int) -> tuple[int, int]:
    """(questions answered at least once, questions) in a chapter, for the chooser."""
    with engine.connect() as conn:
        total = conn.execute(
            select(func.count()).where(
                Question.chapter_no == chapter_no, Question.case_id.is_(None)
            )
        ).scalar_one()
        done = conn.execute(
            select(func.count(func.distinct(AnswerRecord.question_id)))
            .join(Question, Question.id == AnswerRecord.question_id)
            .where(and_(Question.chapter_no == chapter_no, Question.case_id.is_(None)))
        ).scalar_one()
    return int(done), int(total)


def available(engine: Engine, spec: PracticeSpec) -> int:
    """How many questions match ``spec``'s filters (the chooser shows it before starting)."""
    conds = _base_filter(spec)
    if spec.mode == Mode.SECTION and spec.section:
        conds.append(section_condition(spec.section))
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(*conds)).scalar_one())
