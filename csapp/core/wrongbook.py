"""错题本 and 收藏: the questions a learner keeps coming back to.

A wrong answer puts the question in the 错题本 (or counts once more); it leaves after it is
answered right N times in a row (N is a setting, 1–5, default 2) and comes back if it is
missed again. Each entry keeps a personal note (备忘录). The lists can be exported to Excel,
and to a printable document whose HTML the UI prints to PDF (Qt's printing stays in the UI).
"""

from __future__ import annotations

import html
import os
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, insert, select, type_coerce, update
from sqlalchemy.engine import Connection, Engine

from csapp.core import settings
from csapp.core.models import Favorite, Question, WrongBookEntry
from csapp.core.questions import OBJECTIVE_TYPES

LEAVE_AFTER = settings.int_key("wrongbook.leave_after", 2, 1, 5)

_W = WrongBookEntry.__table__
_F = Favorite.__table__
_Q = Question.__table__


def record(
    conn: Connection, question_id: int, correct: bool, now: datetime, leave_after: int = 2
) -> None:
    """Count one answer: a miss enters (or re-enters) the book; right answers in a row leave it."""
    row = conn.execute(
        select(_W.c.id, _W.c.correct_streak, _W.c.mastered_at).where(
            _W.c.question_id == question_id
        )
    ).first()
    if not correct:
        if row is None:
            conn.execute(
                insert(_W).values(
                    question_id=question_id,
                    wrong_count=1,
                    correct_streak=0,
                    note="",
                    added_at=now,
                    last_wrong_at=now,
                )
            )
        else:
            conn.execute(
                update(_W)
                .where(_W.c.id == row.id)
                .values(
                    wrong_count=_W.c.wrong_count + 1,
                    correct_streak=0,
                    last_wrong_at=now,
                    mastered_at=None,
                )
            )
        return
    if row is None or row.mastered_at is not None:
        return
    streak = row.correct_streak + 1
    conn.execute(
        update(_W)
        .where(_W.c.id == row.id)
        .values(correct_streak=streak, mastered_at=now if streak >= leave_after else None)
    )


@dataclass(slots=True)
class Filter:
    """What the 错题本 or 收藏 list shows; empty fields mean "all"."""

    chapter_no: int | None = None
    qtype: str = ""
    min_count: int = 1
    text: str = ""


@dataclass(slots=True)
class Row:
    question_id: int
    stem: str
    qtype: str
    chapter: str
    chapter_no: int | None
    knowledge_point: str
    wrong_count: int
    correct_streak: int
    note: str
    at: str  # last wrong (错题本) or added (收藏), as stored (UTC); only for ordering and display


def matches(row: Row, flt: Filter) -> bool:
    """Whether a listed row passes ``flt``."""
    if flt.chapter_no is not None and row.chapter_no != flt.chapter_no:
        return False
    if flt.qtype and row.qtype != flt.qtype:
        return False
    if flt.min_count > 1 and row.wrong_count < flt.min_count:
        return False
    needle = flt.text.strip().lower()
    return not needle or needle in row.stem.lower()


def apply_filter(rows: Sequence[Row], flt: Filter) -> list[Row]:
    """Filter rows already loaded: the screen loads the book once and filters in memory, so
    changing a filter on 10,000 entries takes milliseconds."""
    return [r for r in rows if matches(r, flt)]


def _select_rows(question_id: ColumnElement[int], at: ColumnElement[Any]) -> Select:
    """The columns of a listed ``Row``, keyed by ``question_id``; ``at`` is read as stored."""
    return select(
        question_id,
        _Q.c.stem,
        _Q.c.qtype,
        _Q.c.chapter,
        _Q.c.chapter_no,
        _Q.c.knowledge_point,
        _W.c.wrong_count,
        _W.c.correct_streak,
        _W.c.note,
        type_coerce(at, String),  # no datetime parsing for 10,000 rows
    )


def entries(engine: Engine, flt: Filter | None = None) -> list[Row]:
    """Open 错题本 entries, most-missed first, then the most recently missed."""
    stmt = (
        _select_rows(_W.c.question_id, _W.c.last_wrong_at)
        .join(_Q, _Q.c.id == _W.c.question_id)
        .where(_W.c.mastered_at.is_(None))
        .order_by(_W.c.wrong_count.desc(), _W.c.last_wrong_at.desc())
    )
    with engine.connect() as conn:
        rows = [Row(*r) for r in conn.execute(stmt).all()]
    return rows if flt is None else apply_filter(rows, flt)


def favorites(engine: Engine, flt: Filter | None = None) -> list[Row]:
    """收藏, newest first, with the 错题本 count and note when the question has them."""
    stmt = (
        _select_rows(_F.c.question_id, _F.c.added_at)
        .join(_Q, _Q.c.id == _F.c.question_id)
        .outerjoin(_W, _W.c.question_id == _F.c.question_id)
        .order_by(_F.c.added_at.desc())
    )
    with engine.connect() as conn:
        rows = [Row(*r) for r in conn.execute(stmt).all()]
    for r in rows:
        r.wrong_count = r.wrong_count or 0
        r.correct_streak = r.correct_streak or 0
        r.note = r.note or ""
    return rows if flt is None else apply_filter(rows, flt)


def open_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).where(_W.c.mastered_at.is_(None))).scalar_one()
        )


def note(engine: Engine, question_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(select(_W.c.note).where(_W.c.question_id == question_id)).scalar() or ""


def set_note(engine: Engine, question_id: int, text: str, now: datetime | None = None) -> None:
    """Keep the learner's 备忘录 for a question (a question not in the book gets an entry that
    stays out of the list, so the note is never lost)."""
    with engine.begin() as conn:
        done = conn.execute(
            update(_W).where(_W.c.question_id == question_id).values(note=text)
        ).rowcount
        if not done:
            moment = now or datetime.now(UTC)
            conn.execute(
                insert(_W).values(
                    question_id=question_id,
                    wrong_count=0,
                    correct_streak=0,
                    note=text,
                    added_at=moment,
                    last_wrong_at=moment,
                    mastered_at=moment,
                )
            )


def remove(engine: Engine, question_ids: Sequence[int], now: datetime | None = None) -> int:
    """Take questions out of the 错题本 by hand (marked mastered; the history and note stay)."""
    moment = now or datetime.now(UTC)
    with engine.begin() as conn:
        return conn.execute(
            update(_W)
            .where(_W.c.question_id.in_(list(question_ids)), _W.c.mastered_at.is_(None))
            .values(mastered_at=moment)
        ).rowcount


def is_favorite(engine: Engine, question_id: int) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(select(_F.c.question_id).where(_F.c.question_id == question_id)).first()
            is not None
        )


def set_favorite(engine: Engine, question_id: int, on: bool, now: datetime | None = None) -> bool:
    with engine.begin() as conn:
        present = conn.execute(
            select(_F.c.question_id).where(_F.c.question_id == question_id)
        ).first()
        if on and present is None:
            conn.execute(
                insert(_F).values(question_id=question_id, added_at=now or datetime.now(UTC))
            )
        elif not on and present is not None:
            conn.execute(_F.delete().where(_F.c.question_id == question_id))
    return on


def toggle_favorite(engine: Engine, question_id: int, now: datetime | None = None) -> bool:
    """Add or remove a 收藏; returns whether the question is now a favourite."""
    return set_favorite(engine, question_id, not is_favorite(engine, question_id), now)


def favorite_ids(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(_F.c.question_id)).scalars())


# -- export -------------------------------------------------------------------------------


@dataclass(slots=True)
class ExportItem:
    no: int
    question_id: int
    chapter: str
    knowledge_point: str
    qtype: str
    stem: str
    options: list[str]
    answer: str
    explanation: str
    wrong_count: int
    note: str
    material: str


def export_items(engine: Engine, question_ids: Sequence[int]) -> list[ExportItem]:
    """Full questions for printing or Excel, in the order given."""
    from csapp.core.practice import load_items

    items = load_items(engine, question_ids)
    with engine.connect() as conn:
        extra = {
            qid: (count, text)
            for qid, count, text in conn.execute(
                select(_W.c.question_id, _W.c.wrong_count, _W.c.note)
            )
        }
    out = []
    for qid in question_ids:
        item = items.get(qid)
        if item is None:
            continue
        count, text = extra.get(qid, (0, ""))
        out.append(
            ExportItem(
                no=len(out) + 1,
                question_id=qid,
                chapter=item.chapter,
                knowledge_point=item.knowledge_point,
                qtype=item.qtype,
                stem=item.stem,
                options=item.options,
                answer=item.display_answer(),
                explanation=item.explanation,
                wrong_count=count or 0,
                note=text or "",
                material=item.material,
            )
        )
    return out


XLSX_HEADER = (
    "序号", "章节", "知识点", "题型", "题目", "选项", "正确答案", "解析", "答错次数", "备忘录",
)  # fmt: skip


def export_xlsx(
    engine: Engine, question_ids: Sequence[int], path: Path, title: str = "错题本"
) -> Generator[float, None, Path]:
    """Write the questions to ``path`` as a workbook (atomic: a temp file, then replace)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    items = export_items(engine, question_ids)
    yield 0.1
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(XLSX_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, it in enumerate(items):
        options = "\n".join(f"{'ABCDEFGH'[k]}. {o}" for k, o in enumerate(it.options))
        sheet.append(
            [
                it.no,
                it.chapter,
                it.knowledge_point,
                it.qtype,
                it.stem,
                options,
                it.answer,
                it.explanation,
                it.wrong_count,
                it.note,
            ]
        )
        if i % 500 == 0:
            yield 0.1 + 0.8 * i / max(1, len(items))
    widths = (6, 22, 24, 10, 50, 36, 16, 50, 10, 30)
    for col, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[col].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    os.replace(tmp, path)
    yield 1.0
    return path


def _p(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def document_html(
    engine: Engine, question_ids: Sequence[int], title: str = "错题本", today: date | None = None
) -> str:
    """A printable document of the questions with answers, 解析 and 备忘录 (HTML for Qt)."""
    items = export_items(engine, question_ids)
    today = today or date.today()
    parts = [
        "<html><head><meta charset='utf-8'><style>"
        "body{font-size:11pt;line-height:150%;}"
        "h1{font-size:18pt;margin-bottom:2pt;}"
        ".meta{color:#5f6670;font-size:9pt;}"
        ".q{margin-top:12pt;}"
        ".stem{font-weight:600;}"
        ".key{color:#1f7a4d;font-weight:600;}"
        ".note{background:#fff6d6;padding:4pt;}"
        "</style></head><body>",
        f"<h1>{_p(title)}</h1>",
        f"<p class='meta'>共 {len(items)} 题 · {today.year}年{today.month}月{today.day}日</p>",
    ]
    for it in items:
        meta = " · ".join(x for x in (it.qtype, it.chapter, it.knowledge_point) if x)
        if it.wrong_count:
            meta += f" · 答错 {it.wrong_count} 次"
        parts.append("<div class='q'>")
        parts.append(f"<p class='meta'>{_p(meta)}</p>")
        if it.material:
            parts.append(f"<p>【案例】{_p(it.material)}</p>")
        parts.append(f"<p class='stem'>{it.no}. {_p(it.stem)}</p>")
        if it.options:
            opts = "<br>".join(
                f"{'ABCDEFGH'[k]}. {html.escape(o)}" for k, o in enumerate(it.options)
            )
            parts.append(f"<p>{opts}</p>")
        key = "正确答案" if it.qtype in OBJECTIVE_TYPES else "答案要点"
        parts.append(f"<p><span class='key'>{key}：</span>{_p(it.answer)}</p>")
        if it.explanation:
            parts.append(f"<p><b>解析：</b>{_p(it.explanation)}</p>")
        if it.note:
            parts.append(f"<p class='note'><b>备忘录：</b>{_p(it.note)}</p>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)
