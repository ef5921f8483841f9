"""Time ``read_bank`` against a bare openpyxl read-only iteration of the same file (the floor).

    uv run python benchmarks/read_bank.py [--sizes 10000 100000] [--strings shared inline]

Times are CPU seconds of the child (user + system, including start-up and imports), which
stay honest on a busy machine; wall-clock seconds are printed too. Each measurement runs in
its own subprocess so that peak RSS (ru_maxrss) belongs to that
measurement alone; the banks are generated in subprocesses too (on Linux a child inherits the
parent's peak RSS, so the parent must stay small). Target: the read stays within
1.5 × floor + 0.5 s, and 100,000 questions stay under ~250 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENBANK = REPO / "benchmarks" / "genbank.py"

_CHILD = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "floor":
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            rows += 1
    wb.close()
    count = rows - 1
else:
    from csapp.core.bankio import read_bank
    result = read_bank(path)
    count = result.report.questions
    assert not result.report.errors, result.report.errors[:3]
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
rss = usage.ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "cpu": cpu, "rss_mb": rss, "count": count}))
"""


def measure(mode: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--strings", nargs="+", default=["shared", "inline"])
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = parser.parse_args(argv)
    header = (
        f"{'questions':>9}  {'strings':<7}  {'floor cpu':>9}  {'read cpu':>8}  {'ratio':>5}  "
        f"{'budget':>6}  {'floor wall':>10}  {'read wall':>9}  {'floor MB':>8}  {'read MB':>7}  ok"
    )
    print(header)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for kind in args.strings:
                path = Path(tmp) / f"bank_{size}_{kind}.xlsx"
                subprocess.run(
                    [sys.executable, str(GENBANK), str(size), str(path), "--strings", kind],
                    check=True,
                    capture_output=True,
                )
                runs = args.repeat
                floor = min((measure("floor", path) for _ in range(runs)), key=lambda m: m["cpu"])
                read = min((measure("read", path) for _ in range(runs)), key=lambda m: m["cpu"])
                assert read["count"] == size, read
                budget = 1.5 * floor["cpu"] + 0.5
                ok = read["cpu"] <= budget and (size < 100_000 or read["rss_mb"] < 250)
                failed |= not ok
                print(
                    f"{size:>9}  {kind:<7}  {floor['cpu']:>9.2f}  {read['cpu']:>8.2f}  "
                    f"{read['cpu'] / floor['cpu']:>5.2f}  {budget:>6.2f}  "
                    f"{floor['seconds']:>10.2f}  {read['seconds']:>9.2f}  "
                    f"{floor['rss_mb']:>8.0f}  {read['rss_mb']:>7.0f}  {'yes' if ok else 'NO'}"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
