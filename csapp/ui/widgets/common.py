"""Small building blocks shared by the pages, so every page looks like one app."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def label(text: str, role: str | None = None, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def button(text: str, primary: bool = False) -> QPushButton:
    widget = QPushButton(text)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if primary:
        widget.setProperty("primary", True)
    return widget


def restyle(*widgets: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (role, state, …) changed."""
    for widget in widgets:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def row_card(
    margins: tuple[int, int, int, int] = (18, 12, 18, 12), spacing: int = 12
) -> tuple[QFrame, QHBoxLayout]:
    """A card whose content runs left to right (a title block, then its buttons)."""
    frame = QFrame()
    frame.setProperty("card", True)
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return frame, layout


def titled_text(title: str, spacing: int = 2) -> tuple[QVBoxLayout, QLabel]:
    """A heading over a muted, wrapped line; returns the column and the line to fill."""
    column = QVBoxLayout()
    column.setSpacing(spacing)
    column.addWidget(label(title, "h2"))
    text = label("", "muted", wrap=True)
    column.addWidget(text)
    return column, text


class ClickableRow(QFrame):
    """A row that emits ``clicked(index)`` when a left click is released inside it."""

    clicked = Signal(int)

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit(self.index)
        super().mouseReleaseEvent(event)


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(6)
    return frame, layout


def figure_card(
    title: str, value: str = "", detail: str = "", wrap_detail: bool = False
) -> tuple[QFrame, QLabel, QLabel]:
    """A card with a muted title, a large figure and a muted line under it."""
    frame, box = card()
    box.addWidget(label(title, "muted"))
    value_label = label(value, "figure")
    detail_label = label(detail, "muted", wrap=wrap_detail)
    box.addWidget(value_label)
    box.addWidget(detail_label)
    return frame, value_label, detail_label


class PageHeader(QWidget):
    """Title and one line of explanation at the top of a page."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        self.title = label(title, "h1")
        layout.addWidget(self.title)
        self.subtitle = label(subtitle, "muted", wrap=True)
        layout.addWidget(self.subtitle)
        self.subtitle.setVisible(bool(subtitle))

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))


class EmptyState(QFrame):
    """What a page shows when there is nothing yet: why, and the step that fills it."""

    action = Signal()

    def __init__(self, message: str, action_text: str = "") -> None:
        super().__init__()
        self.setProperty("card", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(12)
        self.message = label(message, wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        self.button = button(action_text, primary=True)
        self.button.setVisible(bool(action_text))
        self.button.clicked.connect(self.action)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.button)
        row.addStretch()
        layout.addLayout(row)

    def set_message(self, text: str) -> None:
        self.message.setText(text)


class CardColumns(QWidget):
    """Cards side by side while each keeps ``min_column`` px, fewer columns when narrower.

    A fixed row of cards would make a page wider than a 1000 px window (the app's minimum)
    and push its right edge under a horizontal scroll bar. The grid does not impose its
    minimum width on the page (SetNoConstraint): the column count follows the width instead.
    """

    def __init__(self, min_column: int, max_columns: int, spacing: int = 14) -> None:
        super().__init__()
        self.min_column = min_column
        self.max_columns = max_columns
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(spacing)
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.cards: list[QWidget] = []
        self.columns = 0

    def add(self, widget: QWidget) -> None:
        self.cards.append(widget)
        self._arrange(self._fit(self.width()) if self.width() > 0 else self.max_columns)

    def _fit(self, width: int) -> int:
        spacing = self.grid.horizontalSpacing()
        # A card's own minimum wins over ``min_column``: it grows with the text size (zoom).
        column = max([self.min_column, *(w.minimumSizeHint().width() for w in self.cards)])
        fits = (width + spacing) // (column + spacing)
        return max(1, min(self.max_columns, fits))

    def _arrange(self, columns: int) -> None:
        for widget in self.cards:
            self.grid.removeWidget(widget)
        for col in range(self.max_columns):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
        for i, widget in enumerate(self.cards):
            self.grid.addWidget(widget, i // columns, i % columns)
        self.columns = columns
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        columns = self._fit(event.size().width())
        if columns != self.columns:
            self._arrange(columns)
        super().resizeEvent(event)


def page_layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(28, 22, 28, 22)
    layout.setSpacing(14)
    return layout
