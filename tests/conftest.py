"""Every test runs offscreen, in a data folder of its own."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, also seen by subprocesses through CSAPP_DATA_DIR."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("CSAPP_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def library(data_dir: Path):
    from csapp.core.library import open_library

    lib = open_library(data_dir, builtin=False)
    yield lib
    lib.close()


def run_main(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run ``main.py`` as a user would, in a subprocess."""
    import subprocess

    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )
