"""The database file: health check, schema version, migrations, backups, the one engine.

Health checks, migrations and backups talk to SQLite through the standard ``sqlite3`` module:
they must work on a file that SQLAlchemy could not even reflect, and each migration must be a
real transaction (pysqlite's implicit transactions skip DDL).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

# The schema written by ``models.py`` today. Bump it together with a new entry in MIGRATIONS.
SCHEMA_VERSION = 2

Migration = Callable[[sqlite3.Connection], None]


def _v2_progress_indexes(con: sqlite3.Connection) -> None:
    """Covering indexes for the 统计 page's aggregates (see models.py), each replacing the
    one-column index it extends."""
    for old in ("ix_answerrecord_question_id", "ix_answerrecord_at", "ix_question_chapter_no"):
        con.execute(f"DROP INDEX IF EXISTS {old}")
    con.execute(
        "CREATE INDEX IF NOT EXISTS ix_answer_question"
        " ON answerrecord (question_id, correct, seconds)"
    )
    con.execute("CREATE INDEX IF NOT EXISTS ix_answer_at ON answerrecord (at, correct)")
    con.execute(
        "CREATE INDEX IF NOT EXISTS ix_question_chapter"
        " ON question (chapter_no, chapter, qtype, knowledge_point)"
    )


# MIGRATIONS[n] upgrades a database from version n-1 to n. Version 1 is the first schema and
# is created from the models, so it has no entry.
MIGRATIONS: dict[int, Migration] = {2: _v2_progress_indexes}

BACKUP_PREFIX = "csapp-"
BACKUPS_KEPT = 7
BUSY_TIMEOUT_MS = 5000


class DatabaseProblem(Exception):
    """A database that must not be opened as it is; ``str()`` is one Chinese sentence."""


class CorruptDatabase(DatabaseProblem):
    pass


class DatabaseTooNew(DatabaseProblem):
    pass


def check_health(path: Path) -> None:
    """Raise CorruptDatabase unless ``path`` is a readable SQLite database (or absent)."""
    if not path.exists():
        return
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        con.text_factory = lambda raw: raw.decode("utf-8", "replace")  # reports quote bad bytes
        try:
            rows = con.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc):
            raise DatabaseProblem("数据文件正被其他程序占用，请关闭该程序后再试。") from exc
        raise CorruptDatabase(f"数据文件已损坏，无法读取（{exc}）。") from exc
    except UnicodeDecodeError as exc:  # SQLite's own error text quoted the damaged bytes
        raise CorruptDatabase("数据文件已损坏，无法读取。") from exc
    if rows != [("ok",)]:
        raise CorruptDatabase(f"数据文件已损坏（完整性检查：{rows[0][0]}）。")


def user_version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()


def _has_tables(path: Path) -> bool:
    con = sqlite3.connect(path)
    try:
        return bool(
            con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        )
    finally:
        con.close()


def migrate(
    path: Path,
    backups: Path,
    migrations: Mapping[int, Migration] | None = None,
    target: int | None = None,
) -> list[int]:
    """Bring an existing database up to ``target``; returns the versions applied.

    A copy of the file is made first; each step runs in its own transaction together with its
    version bump, so a failure leaves the database at the last good version.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    target = SCHEMA_VERSION if target is None else target
    current = user_version(path)
    if current > target:
        raise DatabaseTooNew(
            f"这个数据文件来自更新版本的 csapp（数据版本 {current}），请先升级 csapp 再打开。"
        )
    if current == target:
        return []
    missing = [v for v in range(current + 1, target + 1) if v not in migrations]
    if missing:
        raise DatabaseProblem(f"无法升级数据文件：缺少第 {missing[0]} 步升级。")
    copy_database(path, backups / f"before-v{target}-{datetime.now():%Y%m%d-%H%M%S}.db")
    applied = []
    con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        con.execute("PRAGMA foreign_keys=OFF")  # table rebuilds need this off
        for version in range(current + 1, target + 1):
            con.execute("BEGIN IMMEDIATE")
            try:
                migrations[version](con)
                con.execute(f"PRAGMA user_version={version}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            log.info("database migrated to version %d", version)
            applied.append(version)
    finally:
        con.close()
    return applied


def copy_database(src: Path, dest: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while WAL is active)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    source = sqlite3.connect(src)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    os.replace(tmp, dest)
    return dest


def daily_backup(
    db: Path, backups: Path, today: date | None = None, keep: int = BACKUPS_KEPT
) -> Path | None:
    """Make today's backup if there is none yet, then keep only the newest ``keep``."""
    if not db.exists():
        return None
    today = today or date.today()
    dest = backups / f"{BACKUP_PREFIX}{today:%Y-%m-%d}.db"
    made = None
    if not dest.exists():
        made = copy_database(db, dest)
    for old in list_backups(backups)[keep:]:
        old.unlink()
    return made


def list_backups(backups: Path) -> list[Path]:
    """Daily backups, newest first."""
    if not backups.is_dir():
        return []
    return sorted(backups.glob(f"{BACKUP_PREFIX}????-??-??.db"), reverse=True)


def quarantine(db: Path) -> Path:
    """Move a bad database (and its WAL files) aside; never delete what might be rescued."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    moved = db.with_name(f"{db.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(db) + suffix)
        if part.exists():
            shutil.move(part, Path(str(moved) + suffix))
    log.warning("moved damaged database to %s", moved)
    return moved


def restore_backup(backup: Path, db: Path) -> None:
    """Put a backup in place of the (already quarantined) database."""
    check_health(backup)
    copy_database(backup, db)


def make_engine(db: Path) -> Engine:
    """The app's one engine: WAL, foreign keys, real transactions, a busy timeout."""
    from sqlalchemy import create_engine, event

    engine = create_engine(
        f"sqlite:///{db}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: sqlite3.Connection, _record: object) -> None:
        dbapi_con.isolation_level = None  # we emit BEGIN ourselves (see below)
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds SQLite's write lock from its first statement.

    For read-modify-write (read a JSON state, change it, write it back): under a plain BEGIN
    a second writer that committed in between makes the write fail at once ("database is
    locked": the read is stale); here the second one waits its turn (busy timeout) and reads
    what the first wrote. Reads elsewhere are not blocked (WAL).
    """
    with engine.connect() as conn:
        conn.execution_options(immediate=True)
        with conn.begin():
            yield conn


def open_database(db: Path, backups: Path) -> Engine:
    """Check, create or migrate the database file and return the engine.

    Raises CorruptDatabase (the caller moves the file aside and offers a backup),
    DatabaseTooNew, or DatabaseProblem.
    """
    check_health(db)
    fresh = not db.exists() or not _has_tables(db)
    if not fresh:
        migrate(db, backups)
    engine = make_engine(db)
    if fresh:
        from sqlmodel import SQLModel

        from csapp.core import models  # noqa: F401  (registers the tables)

        SQLModel.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
    return engine
