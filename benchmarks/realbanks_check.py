"""Run the bank reader over every real trainer file and print what it made of each.

    uv run python benchmarks/realbanks_check.py [DIR] [--issues]

DIR defaults to ../shared/realbanks next to the repository. Every file must give a report (or
one BankReadError sentence) and never a traceback; --issues also lists every error and warning
so the results can be checked file by file against SOURCES.md.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from csapp.core.bankio import BankReadError, read_bank  # noqa: E402
from csapp.core.questions import TYPE_ORDER  # noqa: E402

SHORT = {
    "单选题": "单选",
    "多选题": "多选",
    "判断题": "判断",
    "填空题": "填空",
    "名词解释": "名解",
    "简答题": "简答",
    "论述题": "论述",
    "案例分析题": "案例",
}


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", default=str(REPO.parent / "shared" / "realbanks"))
    parser.add_argument("--issues", action="store_true", help="list every error and warning")
    args = parser.parse_args(argv)
    folder = Path(args.directory)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "SOURCES.md")
    if not files:
        print(f"no files in {folder}")
        return 1
    rows = []
    details = []
    crashed = 0
    for path in files:
        start = time.perf_counter()
        try:
            result = read_bank(path)
        except BankReadError as exc:
            rows.append((path.name, "-", "", "", "", "", "", "", f"BankReadError: {exc}"))
            continue
        except Exception:
            crashed += 1
            rows.append((path.name, "CRASH", "", "", "", "", "", "", ""))
            details.append((path.name, traceback.format_exc()))
            continue
        rep = result.report
        by_type = " ".join(
            f"{SHORT[str(t)]}{rep.by_type[str(t)]}" for t in TYPE_ORDER if rep.by_type.get(str(t))
        )
        skipped = "; ".join(f"{s['sheet']}({s['reason']})" for s in rep.skipped_sheets)
        rows.append(
            (
                path.name,
                rep.format,
                str(rep.questions),
                by_type,
                str(rep.cases),
                str(len(rep.errors)),
                str(len(rep.warnings)),
                f"{time.perf_counter() - start:.2f}s",
                skipped,
            )
        )
        if args.issues:
            lines = [f"  E {i.sheet}!{i.row} [{i.column}] {i.message}" for i in rep.errors]
            lines += [f"  W {i.sheet}!{i.row} [{i.column}] {i.message}" for i in rep.warnings]
            details.append((path.name, "\n".join(lines)))
    header = (
        "file",
        "format",
        "questions",
        "by type",
        "cases",
        "errors",
        "warnings",
        "time",
        "skipped",
    )
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
    for r in rows:
        print("  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)).rstrip())
    for name, text in details:
        print(f"\n## {name}\n{text}")
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
