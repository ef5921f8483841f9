"""The database file: WAL, migrations, corruption, backups — the faults a learner can hit."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from csapp import paths
from csapp.core import db
from csapp.core.library import open_library, recover


def _rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_new_database_is_wal_with_foreign_keys_and_current_version(library, data_dir):
    with library.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert db.user_version(paths.db_path(data_dir)) == db.SCHEMA_VERSION


def test_foreign_keys_cascade_bank_deletion(library):
    from sqlalchemy import delete, func, select

    from csapp.core.models import Bank, Question

    with library.session() as s, s.begin():
        bank = Bank(name="测试")
        s.add(bank)
        s.flush()
        s.add(
            Question(bank_id=bank.id, qtype="判断题", stem="对吗？", answer="正确", fingerprint="x")
        )
    with library.session() as s, s.begin():
        s.execute(delete(Bank))
    with library.session() as s:
        assert s.execute(select(func.count()).select_from(Question)).scalar() == 0


V1_DATABASE = Path(__file__).resolve().parent.parent / "fixtures" / "db" / "csapp-v1.db"


def test_a_database_written_by_version_1_upgrades_and_keeps_everything(tmp_path):
    """tests/fixtures/db/csapp-v1.db was written by the app at schema version 1 (a bank of two
    questions, two answers, a 错题本 note, a favourite, a reading position). Opening it with
    this version migrates it after a copy is made, keeps every row, and leaves exactly the
    indexes a new database has (migration 2: the 统计 page's covering indexes)."""
    import shutil

    old, fresh = tmp_path / "old", tmp_path / "fresh"
    old.mkdir()
    fresh.mkdir()
    shutil.copy(V1_DATABASE, paths.db_path(old))
    assert db.user_version(paths.db_path(old)) == 1

    open_library(old, builtin=False).close()
    open_library(fresh, builtin=False).close()

    path = paths.db_path(old)
    assert db.user_version(path) == db.SCHEMA_VERSION == 2
    (copy,) = paths.backups_dir(old).glob("before-v2-*.db")
    assert db.user_version(copy) == 1
    assert _rows(path, "SELECT stem FROM question ORDER BY position") == [
        ("客户服务的核心是（ ）。",),
        ("投诉都是坏事。",),
    ]
    assert _rows(path, "SELECT response, correct, seconds FROM answerrecord ORDER BY id") == [
        ("B", 1, 12.5),
        ("正确", 0, 8.0),
    ]
    assert _rows(path, "SELECT note FROM wrongbookentry") == [("投诉是改进的机会",)]
    assert _rows(path, "SELECT count(*) FROM favorite") == [(1,)]
    assert _rows(path, "SELECT chapter_no, position, percent FROM readingprogress") == [
        (1, 300, 42.0)
    ]
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    migrated = _rows(path, indexes)
    assert migrated == _rows(paths.db_path(fresh), indexes)
    assert {"ix_answer_question", "ix_answer_at", "ix_question_chapter"} <= {n for n, _ in migrated}
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]


def _old_database(path: Path) -> None:
    """A version-1 database with one row of learner data in it."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO note (text) VALUES ('我的笔记')")
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()


def test_migration_upgrades_after_copying_the_file(tmp_path):
    path = tmp_path / "csapp.db"
    backups = tmp_path / "backups"
    _old_database(path)

    def add_column(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE note ADD COLUMN tag TEXT DEFAULT '旧'")

    def fill(con: sqlite3.Connection) -> None:
        con.execute("UPDATE note SET tag = '已升级'")

    applied = db.migrate(path, backups, migrations={2: add_column, 3: fill}, target=3)

    assert applied == [2, 3]
    assert db.user_version(path) == 3
    assert _rows(path, "SELECT text, tag FROM note") == [("我的笔记", "已升级")]
    (copy,) = backups.glob("before-v3-*.db")
    assert _rows(copy, "SELECT text FROM note") == [("我的笔记",)]
    assert db.user_version(copy) == 1


def test_failed_migration_leaves_the_last_good_version(tmp_path):
    path = tmp_path / "csapp.db"
    _old_database(path)

    def good(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE note ADD COLUMN tag TEXT")

    def bad(con: sqlite3.Connection) -> None:
        con.execute("UPDATE note SET text = '被改坏了'")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        db.migrate(path, tmp_path / "b", migrations={2: good, 3: bad}, target=3)

    assert db.user_version(path) == 2
    assert _rows(path, "SELECT text FROM note") == [("我的笔记",)]


def test_missing_migration_step_is_refused_before_anything_changes(tmp_path):
    path = tmp_path / "csapp.db"
    _old_database(path)
    with pytest.raises(db.DatabaseProblem, match="第 3 步"):
        db.migrate(path, tmp_path / "b", migrations={2: lambda con: None}, target=3)
    assert db.user_version(path) == 1
    assert not (tmp_path / "b").exists()


def test_database_from_a_newer_app_is_not_touched(data_dir):
    path = paths.db_path(data_dir)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE future (x)")
    con.execute(f"PRAGMA user_version={db.SCHEMA_VERSION + 5}")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(db.DatabaseTooNew, match="更新版本"):
        open_library(data_dir, builtin=False)
    assert path.read_bytes() == before


def test_garbage_file_is_reported_as_corrupt(data_dir):
    paths.db_path(data_dir).write_bytes(b"this is not a database" * 100)
    with pytest.raises(db.CorruptDatabase, match="损坏"):
        open_library(data_dir, builtin=False)


def test_damaged_pages_are_found(data_dir):
    lib = open_library(data_dir, builtin=False)
    lib.close()
    path = paths.db_path(data_dir)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for i in range(page_size + 100, len(data), 97):  # scribble over every page but the first
        data[i] = 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(db.CorruptDatabase):
        db.check_health(path)


def test_recover_moves_the_damaged_file_aside_and_restores_the_latest_backup(data_dir):
    lib = open_library(data_dir, builtin=False)  # makes today's backup
    lib.save_reading(3, 120, 40.0)
    lib.close()
    backups = paths.backups_dir(data_dir)
    newest = db.list_backups(backups)[0]
    # The backup was taken before the reading was saved: restoring it gives the empty state.
    paths.db_path(data_dir).write_bytes(b"garbage" * 1000)

    moved = recover(data_dir, use_backup=True)

    assert moved.read_bytes() == b"garbage" * 1000  # never deleted
    lib = open_library(data_dir, builtin=False)
    assert lib.reading() == {}
    lib.close()
    assert newest.exists()


def test_recover_fresh_start_keeps_the_damaged_file(data_dir):
    paths.db_path(data_dir).write_bytes(b"garbage")
    moved = recover(data_dir, use_backup=False)
    assert moved.exists()
    lib = open_library(data_dir, builtin=False)
    assert lib.summary().banks == []
    lib.close()


def test_daily_backups_rotate_to_the_last_seven(tmp_path):
    database = tmp_path / "csapp.db"
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.close()
    backups = tmp_path / "backups"
    start = date(2026, 11, 1)
    for day in range(10):
        db.daily_backup(database, backups, today=start + timedelta(days=day))
    kept = db.list_backups(backups)
    assert [p.name for p in kept] == [
        f"csapp-{start + timedelta(days=d):%Y-%m-%d}.db" for d in range(9, 2, -1)
    ]
    assert db.daily_backup(database, backups, today=start + timedelta(days=9)) is None
    db.check_health(kept[0])


def test_backup_is_a_consistent_copy_while_the_app_writes(library, data_dir):
    library.save_reading(2, 10, 10.0)
    copy = db.copy_database(paths.db_path(data_dir), data_dir / "copy.db")
    assert _rows(copy, "SELECT chapter_no, percent FROM readingprogress") == [(2, 10.0)]


def test_unusable_data_folder_is_one_sentence(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(paths.DataDirError, match="数据文件夹"):
        paths.prepare_data_dir(blocker / "data")

    import errno
    import tempfile

    def read_only(*_a, **_k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    with pytest.raises(paths.DataDirError, match="只读"):
        paths.prepare_data_dir(tmp_path / "ok")


def test_user_messages_for_conditions_not_bugs():
    from csapp.core.errors import user_message

    assert "占用" in user_message(sqlite3.OperationalError("database is locked"))
    assert "磁盘已满" in user_message(sqlite3.OperationalError("database or disk is full"))
    assert user_message(ValueError("a bug")) is None


def test_locked_database_gives_a_sentence_not_a_traceback(library, data_dir):
    from sqlalchemy.exc import OperationalError

    from csapp.core.errors import user_message

    holder = sqlite3.connect(paths.db_path(data_dir), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        library.engine.dispose()
        from sqlalchemy import event

        @event.listens_for(library.engine, "connect")
        def short_timeout(con, _rec):
            con.execute("PRAGMA busy_timeout=50")

        with pytest.raises(OperationalError) as info:
            library.save_reading(1, 0, 1.0)
        assert "占用" in user_message(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_write_transactions_wait_for_each_other_instead_of_failing(library):
    """Read-modify-write under db.write_transaction: concurrent writers take turns, and no
    increment is lost (a plain BEGIN fails with "database is locked" on the stale read)."""
    import threading

    from sqlalchemy import text

    engine = library.engine
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    errors: list[BaseException] = []
    gate = threading.Barrier(4)

    def bump() -> None:
        gate.wait()
        for _ in range(10):
            try:
                with db.write_transaction(engine) as conn:
                    n = conn.execute(text("SELECT n FROM counter")).scalar()
                    conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
            except BaseException as exc:  # the assertion below shows it
                errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar() == 40
