"""Cold start of csapp against a bare PySide6 window, alternated in one run.

    uv run python benchmarks/startup.py [--runs 7]

Both programs run offscreen as fresh processes with the same interpreter. Times are wall
clock from just before the process is spawned to the mark it prints: the bare window's and
csapp's first paint (both taken in the event-loop turn after the first paint event), and the
moment csapp's home page shows the library's real figures.
Peak RSS at idle is the app's own ru_maxrss when it goes idle (library open, pages refreshed);
the peak at exit adds rendering and encoding the screenshot. The data folder is made once
before timing (the first start, which loads the built-in bank, is reported on its own line).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
w = QLabel("hello")
def done():
    print(f"csapp-timing first-paint {time.time():.6f}", flush=True)
    app.quit()
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:  # measured as csapp does: once the paint is done
            QTimer.singleShot(0, done)
            w.removeEventFilter(self)
        return False
f = F(); w.installEventFilter(f); w.resize(1366, 768); w.show()
app.exec()
"""


def _spawn(cmd: list[str], env: dict[str, str]) -> tuple[dict[str, float], float]:
    """Like _run, but reaps the child itself so ru_maxrss is that child's alone."""
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()}")
    marks: dict[str, float] = {}
    for line in out.decode().splitlines():
        if line.startswith("csapp-timing "):
            _tag, event, stamp, *peak = line.split()
            marks.setdefault(event, float(stamp) - start)  # the first time it happened
            if peak:
                marks.setdefault(f"{event}-rss", int(peak[0]) / 1024)
    return marks, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CSAPP_TIMING": "1"}
    # Measure what a learner gets: Python caches compiled modules (some CI images turn that
    # off, which makes every start recompile every module). The first run below warms it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    data = Path(tempfile.mkdtemp(prefix="csapp-bench-"))
    shot = data / "shot.png"
    app_cmd = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data / "d")]
    app_cmd += ["--screenshot", str(shot)]
    bare_cmd = [sys.executable, "-c", BARE]

    _spawn(bare_cmd, env)
    first, _ = _spawn(app_cmd, env)
    bare_t, paint_t, home_t, idle_rss, exit_rss = [], [], [], [], []
    for _ in range(args.runs):
        marks, _ = _spawn(bare_cmd, env)
        bare_t.append(marks["first-paint"])
        marks, peak = _spawn(app_cmd, env)
        paint_t.append(marks["first-paint"])
        home_t.append(marks["home-ready"])
        idle_rss.append(marks["idle-rss"])
        exit_rss.append(peak)

    bare = statistics.median(bare_t)
    # Each csapp start runs right after a bare one, so their ratio cancels slow drift in the
    # machine's load; its median is a steadier figure than the ratio of the two medians.
    paired = statistics.median(p / b for p, b in zip(paint_t, bare_t, strict=True))
    rows = [
        ("bare PySide6 window, first paint", bare),
        ("csapp, first painted window", statistics.median(paint_t)),
        ("csapp, home page with real figures", statistics.median(home_t)),
        ("csapp, very first start (new data folder)", first["home-ready"]),
    ]
    print(f"runs: {args.runs} alternated, medians; machine: {os.cpu_count()} cores")
    print(f"{'what':44} {'seconds':>8} {'× bare':>7}")
    for name, seconds in rows:
        print(f"{name:44} {seconds:8.3f} {seconds / bare:7.2f}")
    print(f"{'first paint ÷ bare, median of the pairs':44} {'':8} {paired:7.2f}")
    print(f"{'peak RSS at idle (library open), max of runs':44} {max(idle_rss):8.0f} MB")
    print(f"{'peak RSS at exit (after rendering the PNG)':44} {max(exit_rss):8.0f} MB")
    print("targets: first paint ≤ 1.30× bare; home ready ≤ 3.00× bare; peak RSS at idle ≤ 150 MB")


if __name__ == "__main__":
    main()
