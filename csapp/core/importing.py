"""Writing drafts into a bank: one transaction, matched by fingerprint, bulk through Core.

Importing the same questions twice changes nothing; a question whose answer or explanation was
corrected is updated in place, so the learner's answers, 错题本 entries and review state (all
keyed by question id) survive the correction.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine

from csapp.core.course import chapter_number
from csapp.core.models import Bank, Case, Question, now
from csapp.core.questions import CaseDraft, QuestionDraft

CHUNK = 1000
PROGRESS_EVERY = 500
# Columns that a corrected file may change without making it another question.
_MUTABLE = (
    "answer",
    "explanation",
    "chapter",
    "chapter_no",
    "knowledge_point",
    "difficulty",
    "cognitive_level",
    "score",
    "key_points",
    "tags",
    "source",
    "case_id",
    "position",
)


@dataclass(slots=True)
class ImportOutcome:
    bank_id: int
    bank_name: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    cases_added: int = 0
    cases_updated: int = 0

    @property
    def questions(self) -> int:
        return self.added + self.updated + self.unchanged


def _row(
    draft: QuestionDraft, bank_id: int, position: int, case: tuple[int, str] | None = None
) -> dict[str, Any]:
    case_id, case_chapter = case if case else (None, "")
    chapter = draft.chapter or case_chapter
    return {
        "bank_id": bank_id,
        "qtype": str(draft.qtype),
        "stem": draft.stem,
        "options": list(draft.options),
        "answer": draft.answer,
        "explanation": draft.explanation,
        "chapter": chapter,
        "chapter_no": chapter_number(chapter) if chapter else None,
        "knowledge_point": draft.knowledge_point,
        "difficulty": draft.difficulty,
        "cognitive_level": draft.cognitive_level,
        "score": draft.score,
        "key_points": [
            {"text": p.text, "marks": p.marks, "keywords": [list(g) for g in p.keywords]}
            for p in draft.key_points
        ],
        "tags": list(draft.tags),
        "source": draft.source,
        "case_id": case_id,
        "fingerprint": draft.fingerprint,
        "position": position,
        "updated_at": now(),
    }


def _bank(conn: Connection, name: str, source_file: str, builtin: bool, digest: str) -> int:
    table = Bank.__table__
    bank_id = conn.execute(select(table.c.id).where(table.c.name == name)).scalar()
    values = {"source_file": source_file, "source_digest": digest, "updated_at": now()}
    if bank_id is None:
        values |= {"name": name, "builtin": builtin, "imported_at": now()}
        return conn.execute(insert(table).values(**values)).inserted_primary_key[0]
    conn.execute(update(table).where(table.c.id == bank_id).values(**values))
    return bank_id


def _cases(conn: Connection, bank_id: int, cases: list[CaseDraft], out: ImportOutcome) -> list[int]:
    table = Case.__table__
    existing = {
        title: (cid, material, chapter)
        for cid, title, material, chapter in conn.execute(
            select(table.c.id, table.c.title, table.c.material, table.c.chapter).where(
                table.c.bank_id == bank_id
            )
        )
    }
    ids = []
    for position, case in enumerate(cases):
        values = {
            "material": case.material,
            "chapter": case.chapter,
            "chapter_no": chapter_number(case.chapter) if case.chapter else None,
            "position": position,
        }
        if case.title in existing:
            cid, material, chapter = existing[case.title]
            if (material, chapter) != (case.material, case.chapter):
                conn.execute(update(table).where(table.c.id == cid).values(**values))
                out.cases_updated += 1
        else:
            values |= {"bank_id": bank_id, "title": case.title}
            cid = conn.execute(insert(table).values(**values)).inserted_primary_key[0]
            out.cases_added += 1
        ids.append(cid)
    return ids


def import_drafts(
    engine: Engine,
    bank_name: str,
    questions: Iterable[QuestionDraft],
    cases: Iterable[CaseDraft] = (),
    *,
    source_file: str = "",
    builtin: bool = False,
    source_digest: str = "",
) -> Generator[float, None, ImportOutcome]:
    """Import into ``bank_name`` (created if new) as one transaction; yields progress 0..1.

    Closing the generator before it finishes rolls everything back.
    """
    questions = list(questions)
    cases = list(cases)
    table = Question.__table__
    total = max(1, len(questions) + sum(len(c.questions) for c in cases))
    with engine.begin() as conn:
        bank_id = _bank(conn, bank_name, source_file, builtin, source_digest)
        out = ImportOutcome(bank_id, bank_name)
        case_ids = _cases(conn, bank_id, cases, out)
        yield 0.05

        # What the bank holds already, read in slices so progress keeps coming.
        columns = [table.c.id, table.c.fingerprint, *(table.c[c] for c in _MUTABLE)]
        existing = {}
        result = conn.execute(select(*columns).where(table.c.bank_id == bank_id))
        for part in result.partitions(CHUNK):
            for r in part:
                existing[r[1]] = r
            yield 0.05
        yield 0.1

        def rows():
            for i, q in enumerate(questions):
                yield _row(q, bank_id, i)
            position = len(questions)
            for case, case_id in zip(cases, case_ids, strict=True):
                for q in case.questions:
                    yield _row(q, bank_id, position, (case_id, case.chapter))
                    position += 1

        stmt = (
            update(table)
            .where(table.c.id == bindparam("qid"))
            .values(
                **{c: bindparam(f"v_{c}") for c in _MUTABLE},
                updated_at=bindparam("now"),
            )
        )
        # Rows are built, matched and written one slice at a time: memory stays flat and the
        # progress bar moves every PROGRESS_EVERY questions.
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        seen: set[str] = set()
        for k, row in enumerate(rows(), 1):
            fp = row["fingerprint"]
            if fp not in seen:  # the same question twice in one file counts once
                seen.add(fp)
                old = existing.get(fp)
                if old is None:
                    new.append(row)
                elif tuple(old[2:]) != tuple(row[c] for c in _MUTABLE):
                    changed.append(
                        {"qid": old[0], **{f"v_{c}": row[c] for c in _MUTABLE}, "now": now()}
                    )
                else:
                    out.unchanged += 1
            if len(new) >= CHUNK:
                conn.execute(insert(table), new)
                out.added += len(new)
                new = []
            if len(changed) >= CHUNK:
                conn.execute(stmt, changed)
                out.updated += len(changed)
                changed = []
            if k % PROGRESS_EVERY == 0:
                yield 0.1 + 0.9 * k / total
        if new:
            conn.execute(insert(table), new)
            out.added += len(new)
        if changed:
            conn.execute(stmt, changed)
            out.updated += len(changed)
        yield 1.0
    return out


def run(gen: Generator[float, None, Any]) -> Any:
    """Drive a progress generator to its result (for the CLI and tests)."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value
