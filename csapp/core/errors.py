"""Turn failures a user can cause into one Chinese sentence; the traceback goes to the log."""

from __future__ import annotations

import errno
import sqlite3

from csapp.paths import os_reason

_WRITE_ERRNOS = (errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS)


def user_message(exc: BaseException) -> str | None:
    """The sentence to show for ``exc``, or None when it is a bug rather than a condition."""
    from csapp.core.db import DatabaseProblem

    if isinstance(exc, DatabaseProblem):
        return str(exc)
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the DB-API error
    if isinstance(orig, BaseException):
        exc = orig
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return "数据文件正被其他程序占用，刚才的操作没有完成。请稍后再试。"
        if "full" in text:
            return "磁盘已满，刚才的更改没有保存。请腾出空间后再试。"
        if "readonly" in text or "read-only" in text:
            return "数据文件是只读的，刚才的更改没有保存。请检查文件夹权限。"
        if "disk i/o" in text:
            return "读写数据文件时出错（磁盘错误），刚才的更改没有保存。"
    if isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc).lower():
        return "数据文件已损坏。请重新启动 csapp，它会帮你从备份恢复。"
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        name = f"“{exc.filename}”" if exc.filename else "文件"
        return f"无法写入{name}：{os_reason(exc)}。"
    return None
