"""Where csapp keeps its data and finds its resources.

The data folder holds everything a learner would lose sleep over (the database, backups,
logs), so it can be moved as a whole: ``--data-dir DIR`` or ``CSAPP_DATA_DIR`` point it at a
USB stick for portable use.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "csapp"
ENV_DATA_DIR = "CSAPP_DATA_DIR"

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
COURSE_DIR = RESOURCES / "course"
QUESTION_BANKS = ROOT / "question_banks"
BUILTIN_BANK = QUESTION_BANKS / "客户服务管理.xlsx"

DB_NAME = "csapp.db"


class DataDirError(Exception):
    """The data folder cannot be used; ``str()`` is one Chinese sentence for the user."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: command line first, then the environment, then the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def prepare_data_dir(path: Path) -> Path:
    """Create the folder if needed and prove it is writable before anything is opened in it."""
    import tempfile

    try:
        path.mkdir(parents=True, exist_ok=True)
    except PermissionError as exc:
        raise DataDirError(
            f"无法创建数据文件夹“{path}”：没有权限。请用 --data-dir 指定另一个文件夹。"
        ) from exc
    except OSError as exc:
        raise DataDirError(f"无法创建数据文件夹“{path}”：{os_reason(exc)}。") from exc
    if not path.is_dir():
        raise DataDirError(f"数据文件夹“{path}”不是一个文件夹。请用 --data-dir 指定另一个文件夹。")
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-", delete=True):
            pass
    except OSError as exc:
        raise DataDirError(
            f"数据文件夹“{path}”无法写入（{os_reason(exc)}）。"
            "请用 --data-dir 指定一个可以写入的文件夹。"
        ) from exc
    return path


def os_reason(exc: OSError) -> str:
    import errno

    reasons = {
        errno.EACCES: "没有权限",
        errno.EPERM: "没有权限",
        errno.EROFS: "磁盘是只读的",
        errno.ENOSPC: "磁盘已满",
        errno.ENOENT: "路径不存在",
    }
    return reasons.get(exc.errno or 0, exc.strerror or "系统错误")


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def backups_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "logs"
