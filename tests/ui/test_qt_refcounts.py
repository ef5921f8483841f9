"""PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call; the app then
aborted with ``none_dealloc`` after a few thousand calls. pyproject pins Qt below it; this
test fails if a Qt upgrade brings the bug back."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLabel


def test_qt_calls_do_not_leak_references_to_singletons(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItem("x")
    model = QStandardItemModel()
    model.appendRow(QStandardItem("a"))

    def refs() -> tuple[int, int, int]:
        return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)

    before = refs()
    for _ in range(1000):
        label.setText("x")
        label.setVisible(False)
        label.update()
        model.index(0, 0).data(Qt.ItemDataRole.UserRole)
        combo.currentData()
        label.isVisible()
    after = refs()
    assert all(a - b > -100 for a, b in zip(after, before, strict=True)), (before, after)
