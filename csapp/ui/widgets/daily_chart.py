"""Answers per day: a small QPainter bar chart (no chart library) for the 统计 page.

Each bar is one local day's answers; its lower, solid part is the answers that were right, so
the day's accuracy shows as how much of the bar is solid, and hovering a bar tells the exact
numbers. Empty days keep their slot, so gaps in the learner's routine stay visible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from csapp.core.progress import DayProgress
from csapp.ui import theme

WEEKDAYS = "一二三四五六日"
LABEL_EVERY = 7  # a date under every 7th bar, counted back from today


def day_label(day: date) -> str:
    return f"{day.month}/{day.day}"


def day_tooltip(d: DayProgress) -> str:
    """One day in words: what the bar means, exactly."""
    head = f"{d.day.month}月{d.day.day}日 星期{WEEKDAYS[d.day.weekday()]}"
    if not d.answers:
        return f"{head}\n没有作答"
    text = f"{head}\n作答 {d.answers} 次，答对 {d.correct} 次"
    if d.accuracy is not None:
        text += f"\n正确率 {d.accuracy:.0%}"
    if d.graded < d.answers:
        text += f"（{d.answers - d.graded} 次未评分，不计入）"
    return text


def nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 × 10ⁿ at or above ``value`` (at least 4, so ticks stay whole)."""
    value = max(4, value)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


class DailyChart(QWidget):
    """Bars for answers per day, oldest on the left; the solid part is the right answers."""

    def __init__(self) -> None:
        super().__init__()
        self.days: list[DayProgress] = []
        self._hover = -1
        self.setMouseTracking(True)
        self.setMinimumSize(300, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(640, 160)

    def set_days(self, days: Sequence[DayProgress]) -> None:
        self.days = list(days)
        self._hover = -1
        total = sum(d.answers for d in self.days)
        self.setAccessibleDescription(
            f"近 {len(self.days)} 天作答 {total} 次" if self.days else "没有数据"
        )
        self.update()

    # -- geometry (shared by painting, hovering and the tests) ---------------------------

    def _font(self) -> QFont:
        font = QFont(self.font())
        if font.pixelSize() > 0:
            font.setPixelSize(max(11, round(font.pixelSize() * 0.85)))
        return font

    def _plot(self) -> QRectF:
        from PySide6.QtGui import QFontMetrics

        fm = QFontMetrics(self._font())
        left = fm.horizontalAdvance("0000") + 10
        top = fm.height() + 8  # room for the legend
        return QRectF(left, top, self.width() - left - 8, self.height() - top - fm.height() - 10)

    def _top(self) -> int:
        return nice_ceiling(max((d.answers for d in self.days), default=0))

    def slot_rects(self) -> list[QRectF]:
        """Each day's full-height column: where hovering shows that day."""
        plot = self._plot()
        n = len(self.days)
        if not n:
            return []
        width = plot.width() / n
        return [QRectF(plot.left() + i * width, plot.top(), width, plot.height()) for i in range(n)]

    def bar_rects(self) -> list[QRectF]:
        """One bar per day (zero height on a day without answers)."""
        plot = self._plot()
        top = self._top()
        bars = []
        for slot, day in zip(self.slot_rects(), self.days, strict=True):
            gap = max(1.0, slot.width() * 0.22)
            height = plot.height() * day.answers / top
            bars.append(
                QRectF(slot.left() + gap / 2, plot.bottom() - height, slot.width() - gap, height)
            )
        return bars

    def index_at(self, x: float) -> int:
        for i, slot in enumerate(self.slot_rects()):
            if slot.left() <= x < slot.right():
                return i
        return -1

    # -- events --------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().x())
        if index != self._hover:
            self._hover = index
            self.update()
            if index >= 0:
                QToolTip.showText(
                    event.globalPosition().toPoint(), day_tooltip(self.days[index]), self
                )
            else:
                QToolTip.hideText()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = -1
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, _event) -> None:
        c = theme.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self._font())
        fm = p.fontMetrics()
        plot = self._plot()
        muted = QColor(c.muted)
        top = self._top()
        right_align = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        slots = self.slot_rects()
        if 0 <= self._hover < len(slots):
            hover = QColor(c.text)
            hover.setAlphaF(0.07)  # a faint column in either theme, behind the grid and bars
            p.fillRect(slots[self._hover], hover)
        for value in (0, top // 2, top):
            y = plot.bottom() - plot.height() * value / top
            p.setPen(QPen(QColor(c.border), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(muted)
            axis = QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height())
            p.drawText(axis, right_align, str(value))

        solid = QColor(c.accent)
        light = QColor(c.accent)
        light.setAlphaF(0.32)
        self._legend(p, solid, light, plot)
        if not any(d.answers for d in self.days):
            p.setPen(muted)
            p.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "这段时间没有作答")
        p.setPen(Qt.PenStyle.NoPen)
        for bar, day in zip(self.bar_rects(), self.days, strict=True):
            if not day.answers:
                continue
            p.setBrush(light)
            p.drawRect(bar)
            right = bar.height() * day.correct / day.answers
            p.setBrush(solid)
            p.drawRect(QRectF(bar.left(), bar.bottom() - right, bar.width(), right))
        p.setPen(muted)
        last = len(self.days) - 1
        for i in range(last, -1, -LABEL_EVERY):
            slot = slots[i]
            text = day_label(self.days[i].day)
            width = fm.horizontalAdvance(text) + 4
            x = min(max(slot.center().x() - width / 2, 0), self.width() - width)
            p.drawText(
                QRectF(x, plot.bottom() + 4, width, fm.height()),
                int(Qt.AlignmentFlag.AlignCenter),
                text,
            )
        p.end()

    def _legend(self, p: QPainter, solid: QColor, light: QColor, plot: QRectF) -> None:
        fm = p.fontMetrics()
        box = fm.height() * 0.6
        x = plot.right()
        for text, color in (("答错或未评分", light), ("答对", solid)):
            width = fm.horizontalAdvance(text)
            x -= width
            p.setPen(QColor(theme.colors().muted))
            p.drawText(QRectF(x, 0, width, fm.height()), int(Qt.AlignmentFlag.AlignVCenter), text)
            x -= box + 6
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRect(QRectF(x, (fm.height() - box) / 2, box, box))
            x -= 16
