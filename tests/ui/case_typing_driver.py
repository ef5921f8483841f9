"""Types into the real case editor, offscreen, until it is killed.

    python tests/ui/case_typing_driver.py DATA_DIR CASE_ID

Used by test_case_crash.py: it opens the library in DATA_DIR, shows a CaseEditor on the case,
and commits one character every few milliseconds through the input method (the way Chinese
text really arrives), printing ``typed N TIME`` after each one. It never stops by itself.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TEXT = (
    "客户服务要把客户的利益放在前面，小王替顾客清理米缸，把陈米铺在上面，"
    "根据记录推算每户吃完米的日子，赶在米见底之前送到。"
)
INTERVAL_MS = 12


def typed_text(n: int) -> str:
    """The first ``n`` characters the driver types."""
    return (TEXT * (n // len(TEXT) + 1))[:n]


def main() -> int:
    data_dir, case_id = Path(sys.argv[1]), int(sys.argv[2])
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from csapp.core.library import open_library
    from csapp.ui.widgets.case_editor import CaseEditor

    library = open_library(data_dir, builtin=False)
    editor = CaseEditor(library)
    editor.resize(1100, 700)
    editor.show()
    editor.open_case(case_id)
    edit = editor.answer_edit(0)
    edit.setFocus()
    count = 0

    def type_one() -> None:
        nonlocal count
        event = QInputMethodEvent("", [])
        event.setCommitString(TEXT[count % len(TEXT)])
        QApplication.sendEvent(edit, event)
        count += 1
        print(f"typed {count} {time.time():.4f}", flush=True)

    timer = QTimer()
    timer.timeout.connect(type_one)
    timer.start(INTERVAL_MS)
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
