"""kill -9 mid-typing loses at most the last two seconds: a real process, a real SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

DRIVER = ROOT / "tests" / "ui" / "case_typing_driver.py"
TYPING_SECONDS = 4.0  # of the driver's own clock before the kill
LOSS_ALLOWED = 2.0  # the promise


def _prepare(data_dir: Path) -> tuple[int, int]:
    from csapp.core import cases
    from csapp.core.library import open_library

    library = open_library(data_dir)  # loads the built-in bank once
    try:
        case = cases.load_case(library.engine, cases.case_library(library.engine)[0].id)
    finally:
        library.close()
    return case.id, case.questions[0].id


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killing_the_editor_mid_typing_keeps_all_but_the_last_two_seconds(data_dir):
    from csapp.core import richtext
    from tests.ui.case_typing_driver import typed_text

    case_id, question_id = _prepare(data_dir)
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data_dir), str(case_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
    )
    lines: list[tuple[int, float]] = []
    ready = threading.Event()
    started = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if line.startswith("ready"):
                ready.set()
            elif line.startswith("typed "):
                _, n, at = line.split()
                lines.append((int(n), float(at)))
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(120), "the driver did not start"
        assert started.wait(30), "the driver did not type"
        first_at = lines[0][1]
        while time.time() < first_at + TYPING_SECONDS and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the driver stopped by itself"
        killed_at = time.time()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)

    typed_total = max(n for n, _ in lines)
    must_have = max((n for n, at in lines if at <= killed_at - LOSS_ALLOWED), default=0)
    assert must_have > 50  # the test really typed for a while before the window it forgives

    con = sqlite3.connect(data_dir / "csapp.db")
    try:
        row = con.execute(
            "SELECT content FROM casedraft WHERE question_id = ?", (question_id,)
        ).fetchone()
        sessions = con.execute(
            "SELECT count(*) FROM casedraftversion WHERE question_id = ?", (question_id,)
        ).fetchone()[0]
    finally:
        con.close()
    assert row is not None, "nothing was saved"
    saved = richtext.plain_text(row[0])
    assert typed_text(typed_total).startswith(saved)  # exactly what was typed, in order
    assert len(saved) >= must_have, (len(saved), must_have, typed_total)
    assert sessions == 1  # the editing session's snapshot survived too
