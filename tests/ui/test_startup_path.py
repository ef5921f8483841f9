"""The way to the first painted window stays clear of Qt's enum-heavy classes.

PySide turns every enum of a class into a Python enum the first time the class is used; for
the ``Qt`` namespace that is ~130 enums and ~20 ms, which decides whether the window appears
within 1.3× the time of a bare PySide6 window (benchmarks/startup.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs main.py's GUI, records the name of every enum class Python creates, and prints them
# the moment the first frame is painted.
RECORDER = """
import enum, os, sys
made = []
create = enum.EnumType._create_
def recording(cls, name, *args, **kwargs):
    made.append(name)
    return create(cls, name, *args, **kwargs)
enum.EnumType._create_ = recording
sys.path.insert(0, sys.argv[1])
import csapp.app as app
def timing(event):
    if event == "first-paint":
        print(" ".join(made), flush=True)
        os._exit(0)
app._timing = timing
sys.exit(app.main(sys.argv[2:]))
"""

# One enum that only each class has; the Qt namespace builds all of its enums at once.
HEAVY = {
    "WidgetAttribute": "Qt",
    "ItemDataRole": "Qt",
    "Key": "Qt",
    "PixelMetric": "QStyle",
    "StandardButton": "QMessageBox",
    "StandardKey": "QKeySequence",
}


def test_first_paint_builds_no_heavy_enums(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", RECORDER, str(ROOT), "--screenshot", str(tmp_path / "s.png")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    made = set(proc.stdout.split())
    assert "ColorRole" in made, "the recorder saw no enums: PySide may build them differently"
    touched = sorted({HEAVY[name] for name in made & HEAVY.keys()})
    assert not touched, f"used before the first paint: {', '.join(touched)}"
