"""The score trend of past exams: a small QPainter line chart (no chart library)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from csapp.ui import theme


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str  # "11/22"
    percent: float  # 0..100
    pass_percent: float  # 0..100


class ScoreTrend(QWidget):
    """Scores as a share of full marks, oldest on the left; a dashed line at the pass mark."""

    def __init__(self) -> None:
        super().__init__()
        self.points: list[TrendPoint] = []
        self.setMinimumSize(260, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    def set_points(self, points: list[TrendPoint]) -> None:
        self.points = list(points)[-30:]  # the last thirty exams stay readable
        self.setToolTip(
            "、".join(f"{p.label} {p.percent:.0f}%" for p in self.points[-10:])
            if self.points
            else ""
        )
        self.update()

    def paintEvent(self, _event) -> None:
        c = theme.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        if font.pixelSize() > 0:
            font.setPixelSize(max(11, round(font.pixelSize() * 0.85)))
        p.setFont(font)
        fm = p.fontMetrics()
        left = fm.horizontalAdvance("100%") + 10
        plot = QRectF(left, 10, self.width() - left - 16, self.height() - fm.height() - 24)
        muted = QColor(c.muted)
        grid = QColor(c.border)

        def y_of(percent: float) -> float:
            return plot.bottom() - plot.height() * max(0.0, min(100.0, percent)) / 100

        for value in (0, 50, 100):
            y = y_of(value)
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(muted)
            p.drawText(
                QRectF(0, y - fm.height() / 2, left - 6, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{value}%",
            )
        if not self.points:
            p.setPen(muted)
            p.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "考完第一场，这里会画出成绩走势")
            p.end()
            return
        pass_y = y_of(self.points[-1].pass_percent)
        pen = QPen(QColor(c.warn), 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(plot.left(), pass_y), QPointF(plot.right(), pass_y))
        p.drawText(
            QRectF(plot.left() + 4, pass_y - fm.height() - 2, 120, fm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
            "及格线",
        )
        n = len(self.points)
        step = plot.width() / max(1, n - 1) if n > 1 else 0
        xs = [plot.left() + step * i if n > 1 else plot.center().x() for i in range(n)]
        path = QPainterPath()
        for i, point in enumerate(self.points):
            pos = QPointF(xs[i], y_of(point.percent))
            if i == 0:
                path.moveTo(pos)
            else:
                path.lineTo(pos)
        p.setPen(QPen(QColor(c.accent), 2.2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        every = max(1, n // 8)
        for i, point in enumerate(self.points):
            passed = point.percent >= point.pass_percent
            pos = QPointF(xs[i], y_of(point.percent))
            p.setPen(QPen(QColor(c.surface), 1.5))
            p.setBrush(QColor(c.good if passed else c.bad))
            p.drawEllipse(pos, 4.5, 4.5)
            if i % every == 0 or i == n - 1:
                p.setPen(muted)
                p.drawText(
                    QRectF(xs[i] - 40, plot.bottom() + 6, 80, fm.height()),
                    int(Qt.AlignmentFlag.AlignCenter),
                    point.label,
                )
        last = self.points[-1]
        pos = QPointF(xs[-1], y_of(last.percent))
        p.setPen(QColor(c.text))
        text = f"{last.percent:.0f}%"
        width = fm.horizontalAdvance(text) + 4
        x = min(pos.x() - width / 2, plot.right() - width + 12)
        y = pos.y() - fm.height() - 6 if pos.y() - fm.height() - 6 > plot.top() else pos.y() + 8
        p.drawText(QRectF(x, y, width, fm.height()), int(Qt.AlignmentFlag.AlignCenter), text)
        p.end()
