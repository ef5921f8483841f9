"""The learner's library: the banks in the database and the queries the screens need.

A Library owns the app's one engine. Every method opens its own short session, so a Library
can be shared by the GUI thread and background jobs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from csapp import paths
from csapp.core import db
from csapp.core.importing import ImportOutcome
from csapp.core.models import Bank
from csapp.core.summary import LibrarySummary, summarize

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Reading:
    chapter_no: int
    position: int
    percent: float
    done: bool


class Library:
    """The banks and the learner's history; the one object the screens and the CLI query."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.data_dir = data_dir

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def summary(self) -> LibrarySummary:
        with self.engine.connect() as conn:
            return summarize(conn.connection.dbapi_connection)

    def reading(self) -> dict[int, Reading]:
        from csapp.core.models import ReadingProgress

        with self.session() as s:
            rows = s.execute(select(ReadingProgress)).scalars().all()
        return {r.chapter_no: Reading(r.chapter_no, r.position, r.percent, r.done) for r in rows}

    def save_reading(self, chapter_no: int, position: int, percent: float) -> Reading:
        """Remember where the learner is; reaching the end marks the chapter done for good."""
        from csapp.core.models import ReadingProgress, now

        percent = max(0.0, min(100.0, percent))
        with self.session() as s, s.begin():
            row = s.get(ReadingProgress, chapter_no)
            if row is None:
                row = ReadingProgress(chapter_no=chapter_no)
                s.add(row)
            row.position = position
            row.percent = max(row.percent, percent)
            row.done = row.done or percent >= 99.0
            row.updated_at = now()
            return Reading(chapter_no, row.position, row.percent, row.done)


def sync_builtin_bank(library: Library, path: Path | None = None) -> ImportOutcome | None:
    """Load the built-in course bank from its workbook, or bring it up to date; None if current.

    The workbook (``question_banks/客户服务管理.xlsx``) goes through the same reader as any
    trainer's file. Its sha1 is remembered, so an unchanged file is not read again; a changed
    one is matched by fingerprint, so a corrected key keeps the learner's history.
    """
    import hashlib

    from csapp.core import course_bank
    from csapp.core.bankio import BankReadError, read_bank
    from csapp.core.importing import import_drafts, run

    workbook = Path(path) if path is not None else paths.BUILTIN_BANK
    try:
        digest = hashlib.sha1(workbook.read_bytes()).hexdigest()
    except OSError:
        log.warning("built-in bank %s is missing; the library starts without it", workbook)
        return None
    with library.session() as s:
        current = s.execute(
            select(Bank.source_digest).where(Bank.name == course_bank.BANK_NAME)
        ).scalar()
    if current == digest:
        return None
    try:
        result = read_bank(workbook)
    except BankReadError as exc:
        log.error("built-in bank %s cannot be read: %s", workbook, exc)
        return None
    if result.report.errors or result.report.warnings:
        log.warning("built-in bank report: %s", result.report.to_json())
    outcome = run(
        import_drafts(
            library.engine,
            course_bank.BANK_NAME,
            result.questions,
            result.cases,
            source_file=f"{paths.QUESTION_BANKS.name}/{workbook.name}",
            builtin=True,
            source_digest=digest,
        )
    )
    log.info("built-in bank synced: %s", outcome)
    return outcome


def open_library(data_dir: Path, builtin: bool = True) -> Library:
    """Open (creating or migrating) the database in ``data_dir`` and make today's backup.

    Raises db.CorruptDatabase for a damaged file: the caller decides, with the user, whether
    to restore a backup (see ``recover``).
    """
    db_file = paths.db_path(data_dir)
    backups = paths.backups_dir(data_dir)
    engine = db.open_database(db_file, backups)
    try:
        db.daily_backup(db_file, backups)
    except OSError:
        log.exception("daily backup failed")  # never stops the learner from working
    library = Library(engine, data_dir)
    if builtin:
        sync_builtin_bank(library)
    return library


def recover(data_dir: Path, use_backup: bool) -> Path:
    """Move the damaged database aside, then restore the newest backup or start fresh.

    Returns where the damaged file now lies.
    """
    db_file = paths.db_path(data_dir)
    moved = db.quarantine(db_file)
    if use_backup:
        backups = db.list_backups(paths.backups_dir(data_dir))
        if backups:
            db.restore_backup(backups[0], db_file)
    return moved
