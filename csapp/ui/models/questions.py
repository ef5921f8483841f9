"""Table models for question lists that may hold 100,000 rows.

``LazyQuestionsModel`` holds only the ids of the matching questions; the rows the view asks
for are fetched in blocks and a few blocks are kept, so scrolling a huge bank stays smooth
and memory stays flat.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex

BLOCK = 200
KEEP_BLOCKS = 40


class LazyQuestionsModel(QAbstractTableModel):
    """Rows are ids; ``fetch(ids) -> rows`` (same order) fills them in on demand."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[Any], Any]]],
        fetch: Callable[[Sequence[int]], list[Any]],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._fetch = fetch
        self._ids: list[int] = []
        self._blocks: OrderedDict[int, list[Any]] = OrderedDict()

    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._blocks.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def refresh_rows(self) -> None:
        """Drop the cached rows (the data changed, the ids did not) and repaint."""
        self._blocks.clear()
        if self._ids:
            last = self.index(len(self._ids) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def question_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, qid: int) -> int | None:
        try:
            return self._ids.index(qid)
        except ValueError:
            return None

    def row_object(self, row: int) -> Any:
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            start = block * BLOCK
            ids = self._ids[start : start + BLOCK]
            fetched = self._fetch(ids)
            by_id = {r.id: r for r in fetched}
            rows = [by_id.get(i) for i in ids]
            self._blocks[block] = rows
            while len(self._blocks) > KEEP_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        return rows[row - block * BLOCK]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        obj = self.row_object(index.row())
        if obj is None:
            return "（已删除）" if role == Qt.ItemDataRole.DisplayRole else None
        value = self._columns[index.column()][1](obj)
        text = "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > 30 else None
        return text

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][0]
        return None
