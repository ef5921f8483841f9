"""Autosave of case answers: what it costs the GUI thread, and how soon text is on disk.

    uv run python benchmarks/case_autosave.py [--chars 1500]

Runs the real CaseEditor offscreen on a fresh data folder with the built-in bank, commits
Chinese characters through the input method (as an IME does) at about 15 per second — fast
typing — until the answer holds ``--chars`` characters, and reports:

- GUI-thread time per autosave tick (collecting the answer's HTML and handing it over);
- the writer thread's transaction time per save;
- latency from a change to its commit (the promise is: within 2 seconds);
- the longest gap between two typed characters as the event loop saw it (typing stalls).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT = (
    "客户服务要把客户的利益放在前面，小王替顾客清理米缸，把陈米铺在上面，"
    "根据记录推算每户吃完米的日子，赶在米见底之前送到。"
)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--interval-ms", type=int, default=66)
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # noqa: F841  (must outlive the widgets)
    from csapp.core import cases
    from csapp.core.library import open_library
    from csapp.ui.widgets.case_editor import AUTOSAVE_DELAY_MS, CaseEditor

    data = Path(tempfile.mkdtemp(prefix="csapp-autosave-"))
    library = open_library(data)
    case_id = cases.case_library(library.engine)[0].id
    editor = CaseEditor(library)
    editor.resize(1200, 720)
    editor.show()
    editor.open_case(case_id)
    edit = editor.answer_edit(0)
    edit.setFocus()

    gaps: list[float] = []
    last = [time.perf_counter()]
    typed = [0]
    loop = QEventLoop()

    def type_one() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        event = QInputMethodEvent("", [])
        event.setCommitString(TEXT[typed[0] % len(TEXT)])
        QApplication.sendEvent(edit, event)
        typed[0] += 1
        if typed[0] >= args.chars:
            timer.stop()
            QTimer.singleShot(1500, loop.quit)

    timer = QTimer()
    timer.timeout.connect(type_one)
    timer.start(args.interval_ms)
    loop.exec()
    editor.close_editor()

    collect = [c for c, _w in editor.save_times]
    write = [w for _c, w in editor.save_times]
    latency = [s * 1000 for s in editor.latencies]
    expected = args.interval_ms
    stalls = [g * 1000 - expected for g in gaps[1:]]
    print(f"typed {typed[0]} characters, one every {args.interval_ms} ms; debounce")
    print(f"{AUTOSAVE_DELAY_MS} ms; {len(editor.save_times)} saves\n")
    print(f"{'measure':<44} {'median':>8} {'p95':>8} {'max':>8}")
    for name, values in (
        ("GUI thread per autosave tick (ms)", collect),
        ("writer transaction per save (ms)", write),
        ("change → committed (ms), target ≤ 2000", latency),
        ("typing delay beyond the key interval (ms)", stalls),
    ):
        if values:
            print(
                f"{name:<44} {statistics.median(values):>8.1f} {pct(values, 0.95):>8.1f} "
                f"{max(values):>8.1f}"
            )
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
