"""Mock-exam blueprints and paper composition.

A blueprint says which types, how many, how many marks, how long and what passes; optionally
how the questions spread over chapters (soft weights) and over difficulty (易/较易/较难/难 in
percent). ``compose`` turns a blueprint into a ``Paper``: concrete questions, numbered and
grouped into sections like a real 自考 paper, with every mark decided.

Decisions worth knowing (also in docs/ARCHITECTURE.md):

- User blueprints live in the ``Setting`` table under ``exam.blueprints`` as a JSON list. A
  built-in blueprint that the learner edited is stored there too, under its own name, and
  "deleting" it restores the default.
- Chapter weights and the difficulty mix are honoured where the bank allows: quotas are
  filled first, and a slot the quotas cannot fill takes any other question of its type in
  scope. Only a slot with too few questions *of its type* is a shortage, reported before the
  exam starts with exact numbers.
- Every question of a slot is worth the slot's marks, whatever the bank says; its 答案要点 are
  scaled to that total. A 案例分析 slot counts *cases*: each case comes whole (all of its 2–3
  questions) and is worth the slot's marks; the case's own question scores are kept when they
  already add up to that, otherwise scaled in proportion (half marks, the last question taking
  the rounding).
- No question appears twice on a paper, not even as a copy in another bank (same fingerprint).
  Among the candidates, questions never answered come first, then the ones seen longest ago.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from itertools import filterfalse
from typing import TYPE_CHECKING, Any

from csapp.core.questions import DIFFICULTIES, QuestionType

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

SETTING_KEY = "exam.blueprints"

# How a type is called on a paper.
SECTION_NAMES: dict[str, str] = {
    QuestionType.SINGLE: "单项选择题",
    QuestionType.MULTI: "多项选择题",
    QuestionType.JUDGE: "判断题",
    QuestionType.FILL: "填空题",
    QuestionType.TERM: "名词解释题",
    QuestionType.SHORT: "简答题",
    QuestionType.ESSAY: "论述题",
    QuestionType.CASE: "案例分析题",
}
_CN_NUMERALS = "一二三四五六七八九十"


class BlueprintError(ValueError):
    """A blueprint the learner cannot save or use; ``str()`` is one Chinese sentence."""


class ShortageError(BlueprintError):
    """The bank cannot fill the blueprint; ``shortages`` says exactly where."""

    def __init__(self, shortages: list[Shortage]) -> None:
        self.shortages = shortages
        super().__init__(shortage_message(shortages))


def fmt_marks(value: float) -> str:
    """``1.0`` → ``1``, ``2.5`` → ``2.5``: how marks are written on a paper."""
    return f"{value:g}" if value == round(value, 2) else f"{value:.2f}"


def cn_numeral(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 …, for section headings."""
    if n <= 10:
        return _CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_NUMERALS[tens - 1]
    return f"{head}十{_CN_NUMERALS[ones - 1] if ones else ''}"


# -- blueprints --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """One section of the paper: ``count`` questions (cases, for 案例分析) of ``marks`` each."""

    qtype: QuestionType
    count: int
    marks: float

    @property
    def total(self) -> float:
        return self.count * self.marks

    @property
    def unit(self) -> str:
        return "个案例" if self.qtype == QuestionType.CASE else "道"


@dataclass(frozen=True)
class Blueprint:
    name: str
    minutes: int
    pass_mark: float
    slots: tuple[Slot, ...]
    # Soft spread over chapters: {chapter_no: weight}; empty = as the bank comes.
    chapter_weights: dict[int, float] = field(default_factory=dict)
    # Soft spread over difficulty, in percent: {"易": 20, ...}; empty = any.
    difficulty_mix: dict[str, float] = field(default_factory=dict)
    # A 章节测验: the learner picks the chapter when starting.
    chapter_quiz: bool = False
    builtin: bool = False

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def total(self) -> float:
        return sum(s.total for s in self.slots)

    def shortages(self, available: dict[str, int]) -> list[tuple[Slot, int]]:
        """The slots the library cannot fill, with how many questions it has for each."""
        return [
            (s, available.get(s.qtype, 0))
            for s in self.slots
            if available.get(s.qtype, 0) < s.count
        ]

    def size_text(self) -> str:
        """``36 道题、1 个案例``: how big the paper is, cases counted whole."""
        questions = sum(s.count for s in self.slots if s.qtype != QuestionType.CASE)
        cases = sum(s.count for s in self.slots if s.qtype == QuestionType.CASE)
        return f"{questions} 道题" + (f"、{cases} 个案例" if cases else "")

    def describe(self) -> str:
        """``满分 100 分 · 150 分钟 · 60 分及格``."""
        return (
            f"满分 {fmt_marks(self.total)} 分 · {self.minutes} 分钟 · "
            f"{fmt_marks(self.pass_mark)} 分及格"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "minutes": self.minutes,
            "pass_mark": self.pass_mark,
            "slots": [[str(s.qtype), s.count, s.marks] for s in self.slots],
            "chapter_weights": {str(k): v for k, v in self.chapter_weights.items()},
            "difficulty_mix": dict(self.difficulty_mix),
            "chapter_quiz": self.chapter_quiz,
            "builtin": self.builtin,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Blueprint:
        return cls(
            name=str(data["name"]),
            minutes=int(data["minutes"]),
            pass_mark=float(data["pass_mark"]),
            slots=tuple(
                Slot(QuestionType(t), int(c), float(m)) for t, c, m in data.get("slots", [])
            ),
            chapter_weights={
                int(k): float(v) for k, v in (data.get("chapter_weights") or {}).items()
            },
            difficulty_mix={
                str(k): float(v) for k, v in (data.get("difficulty_mix") or {}).items()
            },
            chapter_quiz=bool(data.get("chapter_quiz", False)),
            builtin=bool(data.get("builtin", False)),
        )

    def validate(self) -> None:
        """Raise BlueprintError with the first thing that is wrong, in the learner's words."""
        if not self.name.strip():
            raise BlueprintError("请给试卷蓝图起一个名字。")
        if len(self.name) > 40:
            raise BlueprintError("试卷蓝图的名字太长了，请控制在 40 个字以内。")
        if not self.slots:
            raise BlueprintError("试卷蓝图至少要有一种题型。")
        seen: set[str] = set()
        for s in self.slots:
            if s.qtype in seen:
                raise BlueprintError(f"同一题型只能出现一次：{s.qtype}。")
            seen.add(s.qtype)
            if s.count < 1:
                raise BlueprintError(f"{s.qtype}的题数至少为 1。")
            if s.marks <= 0:
                raise BlueprintError(f"{s.qtype}的每题分值必须大于 0。")
        if not 1 <= self.minutes <= 600:
            raise BlueprintError("考试时间应在 1 到 600 分钟之间。")
        if not 0 < self.pass_mark <= self.total:
            raise BlueprintError(f"及格分应大于 0，且不超过总分（{fmt_marks(self.total)} 分）。")
        if self.difficulty_mix:
            unknown = [d for d in self.difficulty_mix if d not in DIFFICULTIES]
            if unknown:
                raise BlueprintError(f"难度只能是{'、'.join(DIFFICULTIES)}，不能是“{unknown[0]}”。")
            if any(v < 0 for v in self.difficulty_mix.values()):
                raise BlueprintError("难度比例不能是负数。")
            share = sum(self.difficulty_mix.values())
            if abs(share - 100) > 0.01:
                raise BlueprintError(f"难度比例加起来应为 100%，现在是 {fmt_marks(share)}%。")
        if self.chapter_weights:
            if any(v < 0 for v in self.chapter_weights.values()):
                raise BlueprintError("章节权重不能是负数。")
            if not any(v > 0 for v in self.chapter_weights.values()):
                raise BlueprintError("章节权重至少要有一章大于 0。")


# The 自考 10421 paper as COURSE.md describes it: 100 分, 150 分钟, pass 60, the outline's
# difficulty mix, all ten chapters weighted alike.
ZIKAO_10421 = Blueprint(
    name="自考10421 仿真",
    minutes=150,
    pass_mark=60,
    slots=(
        Slot(QuestionType.SINGLE, 20, 1),
        Slot(QuestionType.MULTI, 5, 2),
        Slot(QuestionType.TERM, 5, 3),
        Slot(QuestionType.SHORT, 5, 5),
        Slot(QuestionType.ESSAY, 1, 15),
        Slot(QuestionType.CASE, 1, 15),
    ),
    chapter_weights={no: 1.0 for no in range(1, 11)},
    difficulty_mix={"易": 20, "较易": 30, "较难": 30, "难": 20},
    builtin=True,
)

# The online-course chapter test of the seeds: 10 单选 + 5 判断 scored to 100.
CHAPTER_QUIZ = Blueprint(
    name="章节测验",
    minutes=20,
    pass_mark=60,
    slots=(Slot(QuestionType.SINGLE, 10, 7), Slot(QuestionType.JUDGE, 5, 6)),
    chapter_quiz=True,
    builtin=True,
)

BUILTINS: tuple[Blueprint, ...] = (ZIKAO_10421, CHAPTER_QUIZ)
_BUILTIN_NAMES = {b.name: b for b in BUILTINS}


def _stored(engine: Engine) -> list[Blueprint]:
    from sqlmodel import Session

    from csapp.core.models import Setting

    with Session(engine) as s:
        row = s.get(Setting, SETTING_KEY)
        raw = row.value if row is not None and isinstance(row.value, list) else []
    result = []
    for item in raw:
        try:
            result.append(Blueprint.from_dict(item))
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry must not hide the others
    return result


def _store(engine: Engine, items: list[Blueprint]) -> None:
    from sqlmodel import Session

    from csapp.core.models import Setting

    with Session(engine) as s, s.begin():
        row = s.get(Setting, SETTING_KEY)
        value = [b.to_dict() for b in items]
        if row is None:
            s.add(Setting(key=SETTING_KEY, value=value))
        else:
            row.value = value


def blueprints(engine: Engine) -> list[Blueprint]:
    """Built-ins first (as the learner edited them, if they did), then the learner's own."""
    stored = _stored(engine)
    by_name = {b.name: b for b in stored}
    result = [replace(by_name[b.name], builtin=True) if b.name in by_name else b for b in BUILTINS]
    result += [b for b in stored if b.name not in _BUILTIN_NAMES]
    return result


def get_blueprint(engine: Engine, name: str) -> Blueprint:
    known = blueprints(engine)
    for b in known:
        if b.name == name.strip():
            return b
    squeezed = "".join(name.split())
    for b in known:  # "自考10421仿真" typed without the space still finds it
        if "".join(b.name.split()) == squeezed:
            return b
    names = "、".join(b.name for b in known)
    raise BlueprintError(f"没有名为“{name}”的试卷蓝图。现有的蓝图：{names}。")


def is_modified_builtin(engine: Engine, name: str) -> bool:
    return name in _BUILTIN_NAMES and any(b.name == name for b in _stored(engine))


def save_blueprint(engine: Engine, blueprint: Blueprint, old_name: str | None = None) -> Blueprint:
    """Create (``old_name`` None) or replace a blueprint; a built-in keeps its name."""
    blueprint = replace(blueprint, name=blueprint.name.strip())
    if old_name in _BUILTIN_NAMES and blueprint.name != old_name:
        raise BlueprintError("内置蓝图不能改名；可以先复制一份再改。")
    blueprint = replace(blueprint, builtin=blueprint.name in _BUILTIN_NAMES)
    blueprint.validate()
    stored = _stored(engine)
    taken = {b.name for b in stored} | set(_BUILTIN_NAMES)
    if blueprint.name != old_name and blueprint.name in taken:
        raise BlueprintError(f"已经有一个名为“{blueprint.name}”的试卷蓝图。")
    known = old_name is None or old_name in _BUILTIN_NAMES
    if not known and not any(b.name == old_name for b in stored):
        raise BlueprintError(f"没有名为“{old_name}”的试卷蓝图。")
    kept = [b for b in stored if b.name not in (old_name, blueprint.name)]
    position = next((i for i, b in enumerate(stored) if b.name == old_name), len(kept))
    kept.insert(min(position, len(kept)), blueprint)
    _store(engine, kept)
    return blueprint


def duplicate_blueprint(engine: Engine, name: str) -> Blueprint:
    """A copy named ``… 副本`` (``… 副本2`` …) that the learner can change freely."""
    source = get_blueprint(engine, name)
    taken = {b.name for b in blueprints(engine)}
    base = f"{source.name} 副本"
    new_name, n = base, 2
    while new_name in taken:
        new_name, n = f"{base}{n}", n + 1
    return save_blueprint(engine, replace(source, name=new_name, builtin=False))


def delete_blueprint(engine: Engine, name: str) -> Blueprint | None:
    """Delete a learner's blueprint; for a built-in, undo the learner's edits.

    Returns the built-in default when one was restored.
    """
    stored = _stored(engine)
    if name not in _BUILTIN_NAMES and not any(b.name == name for b in stored):
        raise BlueprintError(f"没有名为“{name}”的试卷蓝图。")
    _store(engine, [b for b in stored if b.name != name])
    return _BUILTIN_NAMES.get(name)


# -- what the bank holds ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shortage:
    slot: Slot
    available: int
    scope: tuple[int, ...] = ()

    @property
    def missing(self) -> int:
        return self.slot.count - self.available

    @property
    def message(self) -> str:
        where = f"第{'、'.join(map(str, self.scope))}章" if self.scope else "题库"
        unit = self.slot.unit
        return (
            f"{self.slot.qtype}需要 {self.slot.count} {unit}，{where}只有 {self.available} {unit}，"
            f"还差 {self.missing} {unit}"
        )


def shortage_message(shortages: list[Shortage]) -> str:
    """One paragraph the exam screen shows before the start button."""
    if not shortages:
        return ""
    return "题目不够组成这份试卷：" + "；".join(s.message for s in shortages) + "。"


def _scope_sql(scope: tuple[int, ...], column: str = "chapter_no") -> str:
    if not scope:
        return ""
    return f" AND {column} IN ({','.join(str(int(n)) for n in scope)})"


def availability(engine: Engine, scope: tuple[int, ...] = ()) -> dict[str, int]:
    """Distinct questions per type in scope (cases counted as whole cases), for the checks."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        (banks,) = conn.exec_driver_sql("SELECT count(*) FROM bank").fetchone()
        # One bank holds each fingerprint once and the covering index counts it in a few ms;
        # several banks need the distinct count, fastest as one plain pass over the table.
        what = "count(DISTINCT fingerprint)" if banks > 1 else "count(*)"
        source = "question NOT INDEXED" if banks > 1 else "question"
        for qtype, n in conn.exec_driver_sql(
            f"SELECT qtype, {what} FROM {source} "
            f"WHERE case_id IS NULL{_scope_sql(scope)} GROUP BY qtype"
        ):
            counts[qtype] = n
        (cases,) = conn.exec_driver_sql(
            "SELECT count(*) FROM cases WHERE EXISTS "
            "(SELECT 1 FROM question q WHERE q.case_id = cases.id)"
            f"{_scope_sql(scope, 'cases.chapter_no')}"
        ).fetchone()
    # Standalone 案例分析题 (material in the stem) count as one-question cases.
    counts[QuestionType.CASE] = cases + counts.get(QuestionType.CASE, 0)
    return counts


def check(engine: Engine, blueprint: Blueprint, scope: tuple[int, ...] = ()) -> list[Shortage]:
    """The slots the bank cannot fill, before anything is composed."""
    available = availability(engine, scope)
    return [Shortage(slot, n, tuple(scope)) for slot, n in blueprint.shortages(available)]


# -- papers ------------------------------------------------------------------------------


@dataclass(slots=True)
class PaperItem:
    """One question as it stands on the paper: its number, its marks, its 要点."""

    index: int
    no: str  # "12", or "37(2)" for the second question of a case
    section: int
    qid: int
    qtype: str
    stem: str
    options: list[str]
    answer: str
    explanation: str
    marks: float
    points: list[dict[str, Any]]  # [{"text", "marks", "keywords"}], scaled to ``marks``
    chapter_no: int | None = None
    chapter: str = ""
    difficulty: str = ""
    knowledge_point: str = ""
    case_id: int | None = None

    @property
    def objective(self) -> bool:
        return QuestionType(self.qtype).is_objective

    @property
    def anchor(self) -> str:
        """The course section the question is about (``1.1.3``), or ``""``."""
        head = self.knowledge_point.split(" ", 1)[0]
        return head if head[:1].isdigit() and "." in head else ""


@dataclass(slots=True)
class PaperSection:
    index: int
    qtype: str
    heading: str  # "一、单项选择题"
    instructions: str
    count: int
    marks_each: float
    total: float
    items: list[int]  # item indexes


@dataclass(slots=True)
class Paper:
    title: str
    blueprint: Blueprint
    scope: tuple[int, ...]
    sections: list[PaperSection]
    items: list[PaperItem]
    cases: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (title, material)
    notes: list[str] = field(default_factory=list)
    composed_at: str = ""

    @property
    def total(self) -> float:
        return sum(i.marks for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "blueprint": self.blueprint.to_dict(),
            "scope": list(self.scope),
            "sections": [asdict(s) for s in self.sections],
            "items": [asdict(i) for i in self.items],
            "cases": {str(k): list(v) for k, v in self.cases.items()},
            "notes": list(self.notes),
            "composed_at": self.composed_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            title=data["title"],
            blueprint=Blueprint.from_dict(data["blueprint"]),
            scope=tuple(data.get("scope", ())),
            sections=[PaperSection(**s) for s in data["sections"]],
            items=[PaperItem(**i) for i in data["items"]],
            cases={int(k): (v[0], v[1]) for k, v in data.get("cases", {}).items()},
            notes=list(data.get("notes", [])),
            composed_at=data.get("composed_at", ""),
        )


def section_instructions(slot: Slot) -> str:
    """What a 自考 paper prints after a section's heading."""
    count, each, total = slot.count, fmt_marks(slot.marks), fmt_marks(slot.total)
    head = (
        f"本题{total}分。" if count == 1 else f"本大题共{count}小题，每小题{each}分，共{total}分。"
    )
    tail = {
        QuestionType.SINGLE: "在每小题列出的备选项中只有一项是最符合题目要求的，请将其选出。",
        QuestionType.MULTI: (
            "在每小题列出的备选项中至少有两项是符合题目要求的，请将其选出，错选、多选或少选均无分。"
        ),
        QuestionType.JUDGE: "判断下列各题的正误，正确的选“正确”，错误的选“错误”。",
        QuestionType.FILL: "请在每小题的空格中填上正确答案。",
        QuestionType.CASE: "阅读案例材料，回答后面的问题。",
    }.get(slot.qtype, "")
    return head + tail


def _half_round(values: list[float], total: float) -> list[float]:
    """Round shares to half marks so they still add up to ``total`` (the last one adjusts)."""
    if not values:
        return []
    rounded = [round(v * 2) / 2 for v in values[:-1]]
    last = total - sum(rounded)
    if last <= 0 or any(r == 0 for r in rounded):
        rounded = [round(v, 2) for v in values[:-1]]
        last = round(total - sum(rounded), 2)
    return [*rounded, last]


def scale_marks(weights: list[float | None], total: float) -> list[float]:
    """Shares of ``total`` in proportion to ``weights`` (even shares when any is unknown)."""
    if not weights:
        return []
    if any(w is None or w <= 0 for w in weights):
        weights = [1.0] * len(weights)
    have = sum(weights)  # type: ignore[arg-type]
    if abs(have - total) < 1e-9:
        return [float(w) for w in weights]  # type: ignore[arg-type]
    return _half_round([float(w) * total / have for w in weights], total)  # type: ignore[operator]


def item_points(key_points: list[dict[str, Any]], answer: str, marks: float) -> list[dict]:
    """The 要点 of a subjective item, their marks scaled to what the item is worth."""
    points = [p for p in key_points if str(p.get("text", "")).strip()]
    if not points:
        return [{"text": answer.strip() or "（参考答案见解析）", "marks": marks, "keywords": []}]
    shares = scale_marks([float(p.get("marks") or 0) or None for p in points], marks)
    return [
        {"text": str(p["text"]), "marks": share, "keywords": p.get("keywords") or []}
        for p, share in zip(points, shares, strict=True)
    ]


class _Cell:
    """Candidates of one chapter × difficulty: question ids (or case keys), as text.

    The ids arrive from SQLite as one comma-separated string; they are split, and sorted into
    never-answered and answered-before, only when a pick first draws from the cell, and only
    the picked ones become numbers. A bank of 100,000 questions costs little more than the
    few cells a paper really uses.
    """

    __slots__ = ("_ids", "count", "raw", "seen", "taken", "unseen")

    def __init__(self, raw: str = "", count: int = 0) -> None:
        self.raw = raw
        self.count = count
        self._ids: list[str] | None = None  # split from ``raw`` on first use
        self.unseen: list[str] | None = None
        self.seen: list[str] = []  # newest first: pop() gives the one seen longest ago
        self.taken = 0

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = self.raw.split(",") if self.raw else []
            self.raw = ""
        return self._ids

    def add(self, key: int) -> None:
        self.ids.append(str(key))
        self.count += 1

    def extend(self, other: _Cell) -> None:
        if self._ids is None and other._ids is None:  # still text: join it unsplit
            self.raw = f"{self.raw},{other.raw}" if self.raw else other.raw
        else:
            self.ids.extend(other.ids)
        self.count += other.count

    def __len__(self) -> int:
        return self.count - self.taken

    def take(self, rng: random.Random, last_seen: dict[str, str]) -> int:
        if self.unseen is None:
            ids = self.ids
            self.unseen = list(filterfalse(last_seen.__contains__, ids))
            self.seen = sorted(
                filter(last_seen.__contains__, ids), key=last_seen.__getitem__, reverse=True
            )
        self.taken += 1
        if self.unseen:
            k = rng.randrange(len(self.unseen))
            self.unseen[k], self.unseen[-1] = self.unseen[-1], self.unseen[k]
            return int(self.unseen.pop())
        return int(self.seen.pop())


Cells = dict[tuple[int | None, str], _Cell]


def allocate(n: int, weights: dict[Any, float], rng: random.Random) -> dict[Any, int]:
    """Split ``n`` in proportion to ``weights`` (largest remainder, ties broken at random)."""
    positive = {k: w for k, w in weights.items() if w > 0}
    total = sum(positive.values())
    if not positive or n <= 0:
        return {}
    raw = {k: n * w / total for k, w in positive.items()}
    quota = {k: math.floor(v) for k, v in raw.items()}
    rest = n - sum(quota.values())
    order = sorted(positive, key=lambda k: (-(raw[k] - quota[k]), rng.random()))
    for k in order[:rest]:
        quota[k] += 1
    return quota


def _pick(
    cells: Cells,
    n: int,
    weights: dict[int, float],
    mix: dict[str, float],
    rng: random.Random,
    last_seen: dict[str, str],
) -> tuple[list[tuple[int, tuple[int | None, str]]], Cells, dict[str, int], dict[str, int]]:
    """Draw ``n`` candidates honouring the chapter and difficulty quotas where cells allow.

    Returns the picks as (id, cell key), the cells drawn from (for replacements), and the
    quotas left unmet (difficulty, chapter).
    """
    if not mix:  # difficulty plays no part: merge the cells of each chapter
        merged: Cells = {}
        for (chapter, _level), cell in cells.items():
            merged.setdefault((chapter, ""), _Cell()).extend(cell)
        cells = merged
    # Quotas go only to chapters and difficulties the candidates have: a chapter without any
    # 名词解释 simply gets none, and only a real shortfall is left to report.
    chapters = {k[0] for k, c in cells.items() if c.count}
    levels = {k[1] for k, c in cells.items() if c.count}
    ch_quota: dict[Any, int] = (
        allocate(n, {k: w for k, w in weights.items() if k in chapters}, rng) if weights else {}
    )
    d_quota: dict[Any, int] = (
        allocate(n, {k: w for k, w in mix.items() if k in levels}, rng) if mix else {}
    )
    picks: list[tuple[int, tuple[int | None, str]]] = []
    for _ in range(n):
        best_score, best, sizes = -1, [], []
        for key, cell in cells.items():
            size = len(cell)
            if not size:
                continue
            score = 2 * (d_quota.get(key[1], 0) > 0) + (ch_quota.get(key[0], 0) > 0)
            if score > best_score:
                best_score, best, sizes = score, [key], [size]
            elif score == best_score:
                best.append(key)
                sizes.append(size)
        if not best:
            break
        key = rng.choices(best, weights=sizes)[0]
        picks.append((cells[key].take(rng, last_seen), key))
        if d_quota.get(key[1], 0) > 0:
            d_quota[key[1]] -= 1
        if ch_quota.get(key[0], 0) > 0:
            ch_quota[key[0]] -= 1
    unmet_d = {str(k): v for k, v in d_quota.items() if v > 0}
    unmet_ch = {str(k): v for k, v in ch_quota.items() if v > 0}
    return picks, cells, unmet_d, unmet_ch


@dataclass(slots=True)
class _Pool:
    """Everything composition draws from: cells per type, whole cases, who was seen when."""

    cells: dict[str, Cells]
    counts: dict[str, int]
    case_cells: Cells
    case_members: dict[int, tuple[int, ...]]  # case key → its question ids
    last_seen: dict[str, str]  # question id or case key (as text) → when last answered
    several_banks: bool  # copies of a question may sit in two banks: check fingerprints


def _load_pool(engine: Engine, types: set[str], scope: tuple[int, ...]) -> _Pool:
    """Candidates per type and cell, and the answer history.

    Cells may hold copies of one question from different banks; ``compose`` replaces a picked
    copy (see ``_drop_copies``), which costs far less than deduplicating a big bank up front.
    """
    want = [t for t in types if t != QuestionType.CASE]
    cells: dict[str, Cells] = {t: {} for t in want}
    counts: dict[str, int] = dict.fromkeys(want, 0)
    case_cells: Cells = {}
    members: dict[int, tuple[int, ...]] = {}
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        # In time order, so each question keeps its latest answer (faster than GROUP BY).
        last_seen: dict[str, str] = dict(
            raw.execute("SELECT CAST(question_id AS TEXT), at FROM answerrecord ORDER BY at")
        )
        (banks,) = raw.execute("SELECT count(*) FROM bank").fetchone()
        fps: set[str] = set()
        if want:
            marks = ",".join("?" * len(want))
            where = f"qtype IN ({marks}) AND case_id IS NULL{_scope_sql(scope)}"
            for qtype, chapter_no, level, n, ids in raw.execute(
                "SELECT qtype, chapter_no, difficulty, count(*), group_concat(id) FROM question "
                f"WHERE {where} GROUP BY qtype, chapter_no, difficulty",
                want,
            ):
                key = (chapter_no, level or "")
                cell = cells[qtype].get(key)
                if cell is None:
                    cells[qtype][key] = _Cell(ids, n)
                else:  # "" and NULL difficulty meet in one cell
                    cell.extend(_Cell(ids, n))
                counts[qtype] += n
        if QuestionType.CASE in types:
            # The importer types every question of a case 案例分析题; one without a case (the
            # material in its stem) is a case of its own, keyed by its negative id.
            grouped: dict[int, list[int]] = {}
            for qid, case_id, no, fp in raw.execute(
                "SELECT id, case_id, chapter_no, fingerprint FROM question WHERE qtype = ? "
                "ORDER BY position, id",
                (str(QuestionType.CASE),),
            ):
                if case_id is not None:
                    grouped.setdefault(case_id, []).append(qid)
                elif fp not in fps and (not scope or no in scope):
                    fps.add(fp)
                    members[-qid] = (qid,)
                    case_cells.setdefault((no, ""), _Cell()).add(-qid)
            for case_id, no in raw.execute(
                f"SELECT id, chapter_no FROM cases WHERE 1=1{_scope_sql(scope)}"
            ):
                ids = grouped.get(case_id)
                if ids:
                    members[case_id] = tuple(ids)
                    case_cells.setdefault((no, ""), _Cell()).add(case_id)
            for key, ids in members.items():  # a case was seen when any of its questions was
                last = max((last_seen.get(str(q), "") for q in ids), default="")
                if last:
                    last_seen[str(key)] = last
    counts[QuestionType.CASE] = len(members)
    return _Pool(cells, counts, case_cells, members, last_seen, banks > 1)


def _fingerprints(engine: Engine, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                raw.execute(f"SELECT id, fingerprint FROM question WHERE id IN ({marks})", chunk)
            )
    return out


def _distinct(engine: Engine, slot: Slot, scope: tuple[int, ...]) -> int:
    """How many different questions (cases) of the slot's type the bank really holds."""
    return availability(engine, scope).get(slot.qtype, 0)


def _drop_copies(
    engine: Engine,
    pool: _Pool,
    drawn: list[tuple[Slot, list[tuple[int, tuple[int | None, str]]], Cells]],
    rng: random.Random,
    scope: tuple[int, ...],
) -> None:
    """Replace any pick that repeats a question already on the paper (a copy in another bank)."""
    members = pool.case_members
    is_case = {id(picks): slot.qtype == QuestionType.CASE for slot, picks, _cells in drawn}

    def questions(picks: list, key: int) -> tuple[int, ...]:
        return members[key] if is_case[id(picks)] else (key,)

    fps = _fingerprints(
        engine, [q for _s, picks, _c in drawn for k, _ck in picks for q in questions(picks, k)]
    )
    used: set[str] = set()
    for slot, picks, cells in drawn:
        for n, (key, cell_key) in enumerate(picks):
            while True:
                ids = questions(picks, key)
                missing = [q for q in ids if q not in fps]
                if missing:
                    fps.update(_fingerprints(engine, missing))
                prints = {fps[q] for q in ids}
                if not prints & used:
                    used |= prints
                    picks[n] = (key, cell_key)
                    break
                if not len(cells[cell_key]):  # that cell is spent: any cell of the slot
                    cell_key = next((k for k, c in cells.items() if len(c)), None)
                    if cell_key is None:
                        raise ShortageError([Shortage(slot, _distinct(engine, slot, scope), scope)])
                key = cells[cell_key].take(rng, pool.last_seen)


_QUESTION_COLUMNS = (
    "id, qtype, stem, options, answer, explanation, chapter, chapter_no, difficulty, "
    "knowledge_point, score, key_points, case_id"
)


def _fetch_questions(engine: Engine, ids: list[int]) -> dict[int, dict[str, Any]]:
    import json

    rows: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cur = raw.execute(
                f"SELECT {_QUESTION_COLUMNS} FROM question WHERE id IN "
                f"({','.join('?' * len(chunk))})",
                chunk,
            )
            names = [d[0] for d in cur.description]
            for values in cur:
                row = dict(zip(names, values, strict=True))
                row["options"] = json.loads(row["options"] or "[]")
                row["key_points"] = json.loads(row["key_points"] or "[]")
                rows[row["id"]] = row
    return rows


def _fetch_cases(engine: Engine, ids: list[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        return {
            cid: (title, material)
            for cid, title, material in raw.execute(
                f"SELECT id, title, material FROM cases WHERE id IN ({','.join('?' * len(ids))})",
                ids,
            )
        }


def _difficulty_note(slot: Slot, unmet: dict[str, int]) -> str:
    parts = "、".join(f"“{d}”少 {n} 道" for d, n in unmet.items())
    return f"{slot.qtype}：没能完全按难度比例出题（{parts}），由其他难度的题补足。"


def _chapter_note(slot: Slot, unmet: dict[str, int]) -> str:
    parts = "、".join(f"第{c}章少 {n} 道" for c, n in unmet.items() if c != "None")
    return f"{slot.qtype}：没能完全按章节权重出题（{parts}），由其他章节的题补足。"


def paper_title(blueprint: Blueprint, scope: tuple[int, ...]) -> str:
    if scope:
        return f"{blueprint.name}（第{'、'.join(map(str, scope))}章）"
    return blueprint.name


def compose(
    engine: Engine,
    blueprint: Blueprint,
    scope: tuple[int, ...] = (),
    seed: int | None = None,
    now: datetime | None = None,
) -> Paper:
    """Draw a paper for ``blueprint`` from the bank; raises ShortageError before anything else.

    ``scope`` limits the chapters (a 章节测验 passes its chapter). ``seed`` makes a paper
    reproducible (a trainer printing the same paper again).
    """
    from csapp.core.models import now as utc_now

    blueprint.validate()
    scope = tuple(sorted(set(scope)))
    rng = random.Random(seed)
    pool = _load_pool(engine, {s.qtype for s in blueprint.slots}, scope)
    shortages = [
        Shortage(slot, pool.counts.get(slot.qtype, 0), scope)
        for slot in blueprint.slots
        if pool.counts.get(slot.qtype, 0) < slot.count
    ]
    if shortages:
        raise ShortageError(shortages)

    weights = {} if scope else blueprint.chapter_weights
    notes: list[str] = []
    drawn = []
    for slot in blueprint.slots:
        is_case = slot.qtype == QuestionType.CASE
        cells = pool.case_cells if is_case else pool.cells[slot.qtype]
        mix = {} if is_case else blueprint.difficulty_mix
        chosen, used, unmet_d, unmet_ch = _pick(
            cells, slot.count, weights, mix, rng, pool.last_seen
        )
        if unmet_d:
            notes.append(_difficulty_note(slot, unmet_d))
        if unmet_ch and any(c != "None" for c in unmet_ch):
            notes.append(_chapter_note(slot, unmet_ch))
        drawn.append((slot, chosen, used))
    if pool.several_banks:
        _drop_copies(engine, pool, drawn, rng, scope)
    picked: list[tuple[Slot, list[tuple[int, ...]]]] = []
    for slot, chosen, _cells in drawn:
        is_case = slot.qtype == QuestionType.CASE
        chosen.sort(key=lambda pick: (99 if pick[1][0] is None else pick[1][0], abs(pick[0])))
        picked.append((slot, [pool.case_members[k] if is_case else (k,) for k, _ck in chosen]))

    ids = [q for _slot, units in picked for unit in units for q in unit]
    rows = _fetch_questions(engine, ids)
    case_ids = sorted({rows[q]["case_id"] for q in ids if q in rows and rows[q]["case_id"]})
    case_text = _fetch_cases(engine, case_ids)

    items: list[PaperItem] = []
    sections: list[PaperSection] = []
    number = 0
    for s_index, (slot, units) in enumerate(picked):
        section = PaperSection(
            index=s_index,
            qtype=str(slot.qtype),
            heading=f"{cn_numeral(s_index + 1)}、{SECTION_NAMES.get(slot.qtype, slot.qtype)}",
            instructions=section_instructions(slot),
            count=slot.count,
            marks_each=slot.marks,
            total=slot.total,
            items=[],
        )
        for unit in units:
            number += 1
            members = [rows[q] for q in unit if q in rows]
            shares = (
                scale_marks([r["score"] for r in members], slot.marks)
                if len(members) > 1
                else [slot.marks]
            )
            for k, (row, marks) in enumerate(zip(members, shares, strict=True)):
                no = f"{number}({k + 1})" if len(members) > 1 else str(number)
                objective = slot.qtype.is_objective
                item = PaperItem(
                    index=len(items),
                    no=no,
                    section=s_index,
                    qid=row["id"],
                    qtype=str(slot.qtype),
                    stem=row["stem"],
                    options=list(row["options"]),
                    answer=row["answer"],
                    explanation=row["explanation"] or "",
                    marks=marks,
                    points=[]
                    if objective
                    else item_points(row["key_points"], row["answer"], marks),
                    chapter_no=row["chapter_no"],
                    chapter=row["chapter"] or "",
                    difficulty=row["difficulty"] or "",
                    knowledge_point=row["knowledge_point"] or "",
                    case_id=row["case_id"],
                )
                section.items.append(item.index)
                items.append(item)
        sections.append(section)
    return Paper(
        title=paper_title(blueprint, scope),
        blueprint=blueprint,
        scope=scope,
        sections=sections,
        items=items,
        cases=case_text,
        notes=notes,
        composed_at=(now or utc_now()).isoformat(),
    )


def difficulty_counts(paper: Paper, section: int) -> Counter[str]:
    """How many questions of each difficulty a section got (for tests and the notes)."""
    return Counter(paper.items[i].difficulty for i in paper.sections[section].items)
