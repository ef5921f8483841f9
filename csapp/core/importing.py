"""Writing drafts into a bank: one transaction, matched by fingerprint, bulk through Core.

Importing the same questions twice changes nothing; a question whose answer or explanation was
corrected is updated in place, so the learner's answers, 错题本 entries and review state (all
keyed by question id) survive the correction.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine

from csapp.core.course import chapter_number
from csapp.core.models import Bank, Case, Question, now
from csapp.core.questions import CaseDraft, QuestionDraft

CHUNK = 2000
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
        "key_points": [asdict(p) for p in draft.key_points],
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
    with engine.begin() as conn:
        bank_id = _bank(conn, bank_name, source_file, builtin, source_digest)
        out = ImportOutcome(bank_id, bank_name)
        case_ids = _cases(conn, bank_id, cases, out)
        yield 0.05

        rows = [_row(q, bank_id, i) for i, q in enumerate(questions)]
        base = len(rows)
        for case, case_id in zip(cases, case_ids, strict=True):
            for q in case.questions:
                rows.append(_row(q, bank_id, base + len(rows), (case_id, case.chapter)))

        columns = [table.c.id, table.c.fingerprint, *(table.c[c] for c in _MUTABLE)]
        existing = {
            r[1]: r for r in conn.execute(select(*columns).where(table.c.bank_id == bank_id))
        }
        yield 0.15

        new, changed, seen = [], [], set()
        for row in rows:
            fp = row["fingerprint"]
            if fp in seen:
                continue  # the same question twice in one file counts once
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

        work = max(1, len(new) + len(changed))
        done = 0
        for start in range(0, len(new), CHUNK):
            chunk = new[start : start + CHUNK]
            conn.execute(insert(table), chunk)
            done += len(chunk)
            yield 0.15 + 0.85 * done / work
        if changed:
            stmt = (
                update(table)
                .where(table.c.id == bindparam("qid"))
                .values(
                    **{c: bindparam(f"v_{c}") for c in _MUTABLE},
                    updated_at=bindparam("now"),
                )
            )
            for start in range(0, len(changed), CHUNK):
                chunk = changed[start : start + CHUNK]
                conn.execute(stmt, chunk)
                done += len(chunk)
                yield 0.15 + 0.85 * done / work
        out.added = len(new)
        out.updated = len(changed)
    return out


def run(gen: Generator[float, None, Any]) -> Any:
    """Drive a progress generator to its result (for the CLI and tests)."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value
