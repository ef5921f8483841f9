"""The CLI subcommands. Each is a thin face over a core function."""

from __future__ import annotations

import argparse

from csapp.cli import command, open_library_or_exit


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    pass


@command("banks", "列出资料库中的题库及题目数量", _no_arguments)
def banks(args: argparse.Namespace) -> int:
    library = open_library_or_exit(args)
    summary = library.summary()
    if not summary.banks:
        print("资料库中还没有题库。用 `csapp import 文件.xlsx` 导入一个。")
        return 0
    for bank in summary.banks:
        kinds = "，".join(f"{t} {n}" for t, n in bank.by_type.items())
        builtin = "（内置）" if bank.builtin else ""
        print(f"{bank.name}{builtin}：{bank.questions} 题，{bank.cases} 个案例  {kinds}")
    return 0
