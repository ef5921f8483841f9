"""Rule 1 of the house: the core never imports PySide6."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import importlib, pkgutil, sys
import csapp.core
names = [m.name for m in pkgutil.walk_packages(csapp.core.__path__, "csapp.core.")]
for name in names:
    importlib.import_module(name)
import csapp.cli, csapp.commands, csapp.paths
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(len(names), loaded)
assert not loaded, loaded
"""


def test_every_core_module_imports_without_qt():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split()[0])
    assert count >= 7  # the walk found the modules, not an empty package
