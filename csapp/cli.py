"""Command line: the options of the app and its subcommands. No Qt is imported here.

A subcommand is one entry in COMMANDS: a name, a help line, a function that adds its
arguments and a function that runs it and returns the exit status.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from csapp import __version__, paths

log = logging.getLogger(__name__)


class Command(NamedTuple):
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a subcommand; the decorated function runs it."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = Command(name, help, add_arguments, run)
        return run

    return register


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("尺寸应写成 宽x高，例如 1366x768") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError("尺寸应在 200 到 8000 像素之间")
    return w, h


def build_parser(with_commands: bool = True, add_help: bool = True) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"数据文件夹（默认：系统的用户数据目录；也可用环境变量 {paths.ENV_DATA_DIR}）",
    )
    parser = argparse.ArgumentParser(
        prog="csapp",
        description="客户服务管理 学习与考试训练（自考 10421 / 客户服务管理师）",
        parents=[common],
        add_help=add_help,
    )
    parser.add_argument("--version", action="version", version=f"csapp {__version__}")
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="在后台启动，页面就绪后把窗口保存为 PNG 并退出",
    )
    parser.add_argument("--page", metavar="NAME", help="与 --screenshot 一起使用：要截图的页面")
    parser.add_argument(
        "--size", metavar="WxH", type=_size, default=(1366, 768), help="窗口尺寸，默认 1366x768"
    )
    parser.add_argument("--theme", choices=("auto", "light", "dark"), default=None, help="配色")
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help, parents=[common])
        cmd.add_arguments(p)
    return parser


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line; the subcommands are loaded only when one may be asked for.

    Starting the app (no command) then skips importing and building a dozen subparsers.
    """
    argv = sys.argv[1:] if argv is None else argv
    args, rest = build_parser(with_commands=False, add_help=False).parse_known_args(argv)
    if rest:  # a command, -h/--help, or a mistake: the full parser answers all three
        _load_commands()
        args = build_parser().parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    return args


def run(args: argparse.Namespace) -> int:
    cmd = COMMANDS[args.command]
    try:
        return cmd.run(args)
    except KeyboardInterrupt:
        return 130


def _load_commands() -> None:
    """Commands live next to the core they drive; importing registers them."""
    from csapp import commands  # noqa: F401


def data_dir_or_exit(args: argparse.Namespace) -> Path:
    """The prepared data folder, or one sentence on stderr and exit status 2."""
    from csapp.logs import setup_logging

    try:
        data_dir = paths.prepare_data_dir(paths.resolve_data_dir(args.data_dir))
    except paths.DataDirError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from exc
    setup_logging(data_dir)
    return data_dir


def open_library_or_exit(args: argparse.Namespace):  # -> Library (sqlmodel imported lazily)
    from csapp.core import db
    from csapp.core.library import open_library

    data_dir = data_dir_or_exit(args)
    try:
        return open_library(data_dir)
    except db.DatabaseProblem as exc:
        extra = "启动图形界面可从备份恢复。" if isinstance(exc, db.CorruptDatabase) else ""
        print(f"{exc}{extra}", file=sys.stderr)
        raise SystemExit(2) from exc
