"""Importing big banks: check and import against a bare openpyxl read of the same file.

    uv run python benchmarks/import_bank.py [--sizes 10000 100000] [--keep DIR]

For each size the bank is generated twice by ``benchmarks/genbank.py``: with a shared-strings
table (what Excel and WPS write) and with inline strings (what openpyxl writes — verified
below on a file openpyxl itself saves). Every measurement runs in a fresh process, reaped
with ``os.wait4`` so its peak RSS (ru_maxrss) is its own:

- ``bare``   openpyxl ``read_only=True, data_only=True`` iterating every row (the floor);
- ``check``  ``bankio.iter_read_bank`` with the collector paused — what ``main.py check`` does;
- ``import`` ``banks.iter_import_file`` into a fresh database — what ``main.py import`` and the
  wizard do (read, then one transaction of Core bulk inserts); its database part is timed
  from the end of the read to the end of the import.

Times are the work inside the process (interpreter start and imports excluded, the same for
all three). "open" is the time to the first progress value (openpyxl opening the workbook,
which parses a shared-strings table whole; the wizard shows a moving busy bar meanwhile);
"gap" is the longest stretch without a progress value after that, up to the last value (the
bar then stands at 100 % while SQLite commits: "commit"): the GUI shows a new value at most
every 50 ms, so a gap under 0.2 s means at least 5 updates a second.

Targets (issue 3): 10,000 questions import ≤ 1.5 × bare + 0.5 s, database part ≤ 30 % of the
import; 100,000 questions peak RSS ≤ 300 MB, progress ≥ 5/s. The machine is shared: run it
when nothing else is busy, or the times say more about the neighbours than about csapp.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------- children


def _bare(path: str) -> dict:
    import openpyxl

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            rows += 1
    wb.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def _gaps(gen) -> tuple[object, float, int, list[float]]:
    """Drive a progress generator: (result, longest gap, values, times of each value)."""
    stamps = [time.perf_counter()]
    values = 0
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            stamps.append(time.perf_counter())
            gaps = [b - a for a, b in itertools.pairwise(stamps)]
            return stop.value, max(gaps), values, stamps
        values += 1
        stamps.append(time.perf_counter())


def _check(path: str) -> dict:
    from csapp.core.bankio import iter_read_bank
    from csapp.core.banks import gc_paused

    t0 = time.perf_counter()
    with gc_paused():  # as main.py check does
        result, _gap, values, stamps = _gaps(iter_read_bank(path))
    seconds = time.perf_counter() - t0
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    return {
        "seconds": seconds,
        "questions": result.report.questions,
        "errors": len(result.report.errors),
        "first": gaps[0],
        "max_gap": max(gaps[1:]),
        "values": values,
    }


def _import(path: str) -> dict:
    from csapp.core import banks
    from csapp.core.library import open_library

    data = tempfile.mkdtemp(prefix="csapp-bench-")
    library = open_library(Path(data), builtin=False)
    gen = banks.iter_import_file(library.engine, path, "基准")
    stamps = [time.perf_counter()]
    t0 = stamps[0]
    read_end = None
    values = 0
    while True:
        try:
            fraction = next(gen)
        except StopIteration as stop:
            done = stop.value
            break
        now = time.perf_counter()
        stamps.append(now)
        values += 1
        if fraction <= banks.READ_SHARE + 1e-9:
            read_end = now
    end = time.perf_counter()
    stamps.append(end)
    library.close()
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    return {
        "first": gaps[0],
        "commit": gaps[-1],  # after the last value: the transaction's commit (and checkpoint)
        "seconds": end - t0,
        "db_seconds": end - (read_end or t0),
        "added": done.outcome.added,
        "max_gap": max(gaps[1:-1]),
        "values": values,
    }


def child(kind: str, path: str) -> None:
    result = {"bare": _bare, "check": _check, "import": _import}[kind](path)
    print(json.dumps(result))


# ---------------------------------------------------------------------------- parent


def measure(kind: str, path: Path) -> dict:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} {path.name} failed:\n{err.decode()}")
    result = json.loads(out)
    result["rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def string_kind(path: Path) -> str:
    """'shared' or 'inline', from the file itself."""
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")[:200_000]
    if b't="s"' in sheet:
        return "shared"
    return "inline" if b't="inlineStr"' in sheet else "none"


def openpyxl_writes(folder: Path) -> str:
    """Save a workbook with openpyxl (in a child: the parent stays small) and look inside."""
    path = folder / "openpyxl-probe.xlsx"
    code = (
        "import sys; from openpyxl import Workbook; wb = Workbook(); "
        "wb.active.append(['题干', '答案']); wb.save(sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    return string_kind(path)


def generate(size: int, path: Path, shared: bool) -> None:
    """genbank.py in a child process: on Linux a child's ru_maxrss starts from its parent's
    RSS at fork time, so the parent must never hold a generated workbook in memory."""
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "genbank.py"), str(size), str(path),
         "--strings", "shared" if shared else "inline"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files here")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="csapp-banks-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"openpyxl itself writes {openpyxl_writes(folder)} strings; genbank writes both kinds.")
    print()
    head = (
        f"{'questions':>9} {'strings':<7} {'bare s':>7} {'check s':>8} {'import s':>9} "
        f"{'db s':>6} {'db %':>5} {'target s':>9} {'open s':>7} {'gap s':>6} {'upd/s':>6} "
        f"{'commit s':>8} "
        f"{'RSS bare':>9} {'RSS check':>10} {'RSS imp':>8}  verdict"
    )
    print(head)
    print("-" * len(head))
    for size in args.sizes:
        for shared in (True, False):
            path = folder / f"bank_{size}_{'shared' if shared else 'inline'}.xlsx"
            if not path.exists():
                generate(size, path, shared)
            kind = string_kind(path)
            bare = measure("bare", path)
            check = measure("check", path)
            imp = measure("import", path)
            assert imp["added"] == size, imp
            share = imp["db_seconds"] / imp["seconds"]
            opened = max(check["first"], imp["first"])
            gap = max(check["max_gap"], imp["max_gap"])
            target = 1.5 * bare["seconds"] + 0.5
            verdict = []
            if size <= 10_000:
                verdict.append("time ok" if imp["seconds"] <= target else "TIME OVER")
                verdict.append("db ok" if share <= 0.30 else "DB OVER")
            else:
                verdict.append("rss ok" if imp["rss_mb"] <= 300 else "RSS OVER")
            verdict.append("progress ok" if gap < 0.2 else "PROGRESS SLOW")
            print(
                f"{size:>9,} {kind:<7} {bare['seconds']:>7.2f} {check['seconds']:>8.2f} "
                f"{imp['seconds']:>9.2f} {imp['db_seconds']:>6.2f} {share * 100:>4.0f}% "
                f"{target:>9.2f} {opened:>7.2f} {gap:>6.3f} {1 / gap:>6.0f} "
                f"{imp['commit']:>8.2f} "
                f"{bare['rss_mb']:>7.0f}MB {check['rss_mb']:>8.0f}MB {imp['rss_mb']:>6.0f}MB  "
                f"{', '.join(verdict)}",
                flush=True,
            )
    print()
    print("target s = 1.5 × bare + 0.5 (applies to 10,000). open s = time to the first progress")
    print("value (openpyxl opening the file, shared strings parsed whole); gap s = longest gap")
    print("between progress values after that, up to the last one; upd/s = 1 / gap; commit s =")
    print("from the last progress value (100 %) to the end: SQLite committing the one transaction.")
    if not args.keep:
        print(f"(generated files in {folder})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
