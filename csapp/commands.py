"""The CLI subcommands. Each is a thin face over a core function."""

from __future__ import annotations

import argparse
import sys

from csapp.cli import command, open_library_or_exit


def _write_failed(exc: OSError, path: object) -> int:
    """One sentence for a file that could not be written (full disk, no permission, …)."""
    from csapp.paths import os_reason

    # Name the file the user asked for, not the temporary file it is written through.
    print(f"无法写入“{path}”：{os_reason(exc)}。", file=sys.stderr)
    return 1


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


# ---------------------------------------------------------------------------- bank files

_REPORT_LIMIT = 200  # issues printed per kind; --json has them all


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        indent + "  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in rows
    ]


def _issue_lines(title: str, issues: list) -> list[str]:
    if not issues:
        return []
    lines = [title]
    rows = [["工作表", "行", "列", "说明"]]
    for issue in issues[:_REPORT_LIMIT]:
        rows.append([issue.sheet, str(issue.row or ""), issue.column or "", issue.message])
    lines += _table(rows)
    if len(issues) > _REPORT_LIMIT:
        lines.append(f"  ……另有 {len(issues) - _REPORT_LIMIT} 条，用 --json 查看全部。")
    return lines


def format_report(report) -> str:  # report: bankio.ImportReport
    """The §9 report as a trainer reads it: counts by type, then every row to fix."""
    lines = [f"文件：{report.file}（{report.format}）"]
    lines.append(f"读到题目 {report.questions} 道，案例 {report.cases} 个。")
    if report.by_type:
        rows = [["题型", "题数"]]
        rows += [[t, str(n)] for t, n in report.to_dict()["by_type"].items()]
        lines += _table(rows)
    if report.inferred_types:
        lines.append(f"其中 {report.inferred_types} 道题没有写明题型，已按内容推断，请核对。")
    if report.unchanged or report.updated:
        lines.append(
            f"与题库中已有的题目相比：未变 {report.unchanged} 道，更新 {report.updated} 道。"
        )
    error_rows = len({(i.sheet, i.row) for i in report.errors})
    if report.errors:
        lines += _issue_lines(
            f"错误 {len(report.errors)} 处（{error_rows} 行，这些行不会导入）：", report.errors
        )
    else:
        lines.append("没有错误。")
    lines += _issue_lines(f"警告 {len(report.warnings)} 条（已导入，请核对）：", report.warnings)
    if report.skipped_sheets:
        skipped = "；".join(f"{s['sheet']}（{s['reason']}）" for s in report.skipped_sheets)
        lines.append(f"跳过的工作表：{skipped}")
    return "\n".join(lines)


def _progress_printer():
    """A one-line progress indicator on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        return lambda _f: None
    last = [-1]

    def show(fraction: float) -> None:
        pct = int(fraction * 100)
        if pct != last[0]:
            last[0] = pct
            end = "\n" if pct >= 100 else ""
            print(f"\r正在导入… {pct:3d}%", end=end, file=sys.stderr, flush=True)

    return show


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="题库文件（xlsx、xls、csv 或 txt）")
    parser.add_argument("--json", action="store_true", help="按 JSON 输出报告")


@command("check", "检查题库文件：读取并校验，不写入资料库，输出报告", _check_arguments)
def check(args: argparse.Namespace) -> int:
    from csapp.core.bankio import BankReadError
    from csapp.core.banks import read_file

    try:
        result = read_file(args.file)
    except BankReadError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(result.report.to_json(indent=2) if args.json else format_report(result.report))
    return 0


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="题库文件（xlsx、xls、csv 或 txt）")
    parser.add_argument("--bank", metavar="NAME", help="导入到哪个题库（默认：文件名）")
    parser.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="只要有一行有错误就什么都不导入（默认：导入没有错误的题目，报告其余的行）",
    )
    parser.add_argument("--json", action="store_true", help="按 JSON 输出报告")


@command("import", "把题库文件导入资料库（一次完成，中途失败不留半截）", _import_arguments)
def import_bank(args: argparse.Namespace) -> int:
    from csapp.core import banks
    from csapp.core.bankio import BankReadError
    from csapp.core.importing import run

    library = open_library_or_exit(args)
    try:
        show = _progress_printer()
        gen = banks.iter_import_file(
            library.engine, args.file, args.bank, all_or_nothing=args.all_or_nothing
        )

        def reporting():
            while True:
                try:
                    fraction = next(gen)
                except StopIteration as stop:
                    return stop.value
                show(fraction)
                yield fraction

        done = run(reporting())
    except (BankReadError, banks.BankError) as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        library.close()
    if args.json:
        print(done.report.to_json(indent=2))
    else:
        print(format_report(done.report))
        print(done.summary())
    return 0


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bank", metavar="BANK", help="题库名称（见 banks 命令）")
    parser.add_argument("out", metavar="OUT.xlsx", help="要写入的 Excel 文件")


@command("export", "把一个题库导出为标准格式的 Excel 文件", _export_arguments)
def export(args: argparse.Namespace) -> int:
    from csapp.core import banks

    library = open_library_or_exit(args)
    try:
        count = banks.export_bank(library.engine, args.bank, args.out)
    except banks.BankError as exc:
        names = "、".join(b.name for b in library.summary().banks)
        print(f"{exc}现有题库：{names or '（无）'}", file=sys.stderr)
        return 1
    except OSError as exc:
        return _write_failed(exc, args.out)
    finally:
        library.close()
    print(f"已把题库“{args.bank}”的 {count} 道题导出到 {args.out}")
    return 0


def _template_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="OUT.xlsx", help="要写入的 Excel 文件")


@command("template", "生成一份空白题库模板（含示例和填写说明）", _template_arguments)
def template(args: argparse.Namespace) -> int:
    from csapp.core.bankio import write_template

    try:
        write_template(args.out)
    except OSError as exc:
        return _write_failed(exc, args.out)
    print(f"已生成题库模板：{args.out}（“说明”工作表介绍了填写方法）")
    return 0


def _build_course_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out", metavar="OUT", nargs="?", help="要写入的 Excel 文件（默认：内置题库的位置）"
    )


@command(
    "build-course-bank",
    "由 resources/course/bank/*.toml 重新生成内置题库 Excel（编辑课程题目后运行）",
    _build_course_arguments,
)
def build_course_bank(args: argparse.Namespace) -> int:
    from csapp.core import course_bank
    from csapp.core.bankio import read_bank

    try:
        path = course_bank.build_workbook(args.out)
    except OSError as exc:
        return _write_failed(exc, args.out or "内置题库")
    report = read_bank(path).report
    print(f"已写入 {path}：题目 {report.questions} 道，案例 {report.cases} 个。")
    if report.errors or report.warnings:
        print(format_report(report))
        return 1
    return 0


def _paper_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--blueprint", metavar="NAME", required=True, help="试卷蓝图的名称")
    parser.add_argument("--out", metavar="PDF", required=True, help="试卷要写入的 PDF 文件")
    parser.add_argument("--answers", metavar="PDF", help="同时写出参考答案到这个 PDF 文件")
    parser.add_argument(
        "--chapter", metavar="N", type=int, action="append", help="只从第 N 章出题（可重复）"
    )
    parser.add_argument("--seed", type=int, help="随机种子：同一个种子、同一个题库组出同一份试卷")


@command("paper", "按试卷蓝图组一份试卷，打印成 PDF（可同时输出参考答案）", _paper_arguments)
def paper(args: argparse.Namespace) -> int:
    from pathlib import Path

    from csapp.core import exam

    library = open_library_or_exit(args)
    try:
        blueprint = exam.get_blueprint(library.engine, args.blueprint)
        scope = tuple(args.chapter or ())
        if blueprint.chapter_quiz and not scope:
            raise exam.BlueprintError("“章节测验”要指定章节，例如 --chapter 3。")
        composed = exam.compose(library.engine, blueprint, scope, seed=args.seed)
    except exam.BlueprintError as exc:
        print(exc, file=sys.stderr)
        return 2
    from csapp.ui.paper_pdf import write_paper  # Qt only now, never at import

    out, answers = Path(args.out), Path(args.answers) if args.answers else None
    try:
        pages, key_pages = write_paper(composed, out, answers)
    except OSError as exc:
        return _write_failed(exc, out)
    total = exam.fmt_marks(composed.total)
    print(f"试卷已写入 {out}：{len(composed.items)} 道题，满分 {total} 分，{pages} 页。")
    if answers is not None:
        print(f"参考答案已写入 {answers}：{key_pages} 页。")
    for note in composed.notes:
        print(f"说明：{note}")
    return 0
