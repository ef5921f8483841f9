"""The home page's figures straight from SQLite, without loading SQLAlchemy.

Importing the ORM costs about a second; these few counts take milliseconds. The app shows
them right after the first paint and opens the full library behind them. The Library uses
the same queries, so both faces always agree.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class BankSummary:
    id: int
    name: str
    builtin: bool
    cases: int
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        return sum(self.by_type.values())


@dataclass(slots=True)
class LibrarySummary:
    banks: list[BankSummary]
    answered: int  # answers given, repeats included
    answered_correct: int
    wrong_open: int
    done: int = 0  # distinct questions answered at least once
    graded: int = 0  # answers whose correctness is known (accuracy is correct / graded)
    chapters_done: tuple[int, ...] = ()  # chapter numbers read to the end
    reading_started: bool = False

    @property
    def questions(self) -> int:
        return sum(b.questions for b in self.banks)

    @property
    def cases(self) -> int:
        return sum(b.cases for b in self.banks)

    @property
    def by_type(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for b in self.banks:
            total.update(b.by_type)
        return dict(total)


def summarize(con: sqlite3.Connection) -> LibrarySummary:
    banks = con.execute("SELECT id, name, builtin FROM bank ORDER BY builtin DESC, name").fetchall()
    counts: dict[int, Counter[str]] = {bank_id: Counter() for bank_id, _n, _b in banks}
    for bank_id, qtype, n in con.execute(
        "SELECT bank_id, qtype, count(*) FROM question GROUP BY bank_id, qtype"
    ):
        counts[bank_id][qtype] = n
    cases = dict(con.execute("SELECT bank_id, count(*) FROM cases GROUP BY bank_id").fetchall())
    answered, graded, correct, done = con.execute(
        "SELECT count(*), count(correct), coalesce(sum(correct), 0), count(DISTINCT question_id)"
        " FROM answerrecord"
    ).fetchone()
    (wrong_open,) = con.execute(
        "SELECT count(*) FROM wrongbookentry WHERE mastered_at IS NULL"
    ).fetchone()
    reading = con.execute("SELECT chapter_no, done FROM readingprogress").fetchall()
    return LibrarySummary(
        banks=[
            BankSummary(
                id=bank_id,
                name=name,
                builtin=bool(builtin),
                cases=cases.get(bank_id, 0),
                by_type=dict(counts[bank_id]),
            )
            for bank_id, name, builtin in banks
        ],
        answered=answered,
        answered_correct=int(correct),
        wrong_open=wrong_open,
        done=done,
        graded=graded,
        chapters_done=tuple(sorted(no for no, done in reading if done)),
        reading_started=bool(reading),
    )


def quick_summary(db: Path, schema_version: int) -> LibrarySummary | None:
    """The summary of an existing, current database; None when it must be opened properly."""
    if not db.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            if con.execute("PRAGMA user_version").fetchone()[0] != schema_version:
                return None
            return summarize(con)
        finally:
            con.close()
    except sqlite3.Error:
        return None  # the full open will diagnose it and tell the user
