"""Print a composed paper (and its answer key) to PDF with Qt's own printing.

QTextDocument lays the HTML of ``core.exam_paper`` out on A4 pages of a QPdfWriter (the page
set-up of ``ui.pdf``, shared with the app's other PDFs); each page gets a footer with its
number. Qt embeds the (subset) fonts it used, so the Chinese text shows on any computer.
Safe to call on a worker thread: everything here is created and used there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QTextDocument

from csapp.core.exam import Paper
from csapp.core.exam_paper import STYLE, Block, footer_text, key_blocks, paper_blocks
from csapp.ui.pdf import a4_writer

# A paper is set in a 宋体-like serif where the system has one; 黑体-like fonts otherwise.
if sys.platform == "win32":
    SERIF = ["SimSun", "NSimSun", "Microsoft YaHei"]
elif sys.platform == "darwin":
    SERIF = ["Songti SC", "STSong", "PingFang SC"]
else:
    SERIF = ["Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"]
SANS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "Microsoft YaHei",
        "PingFang SC", "Heiti SC"]  # fmt: skip
DPI = 600
MARGINS = (20, 16, 20, 12)  # mm: left, top, right, bottom
LAYOUT_DPI = 96


def ensure_gui_app() -> None:
    """The CLI has no application object; fonts and painting need a (headless) one."""
    if QGuiApplication.instance() is None:
        QGuiApplication(["csapp", "-platform", "offscreen"])


def paper_font() -> QFont:
    available = set(QFontDatabase.families())
    families = [f for f in SERIF + SANS if f in available] or SANS
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(10.5)  # 五号, the size of a printed paper's body text
    return font


@dataclass(slots=True)
class _Placed:
    page: int
    y: float
    doc: QTextDocument
    first_page_of_tall: bool = False  # a block taller than a page, paginated by itself


def _layout_device() -> QImage:
    """Lay text out at 96 px per inch, where every px length of the HTML means what it says;
    the painter scales the result to the PDF's resolution (Qt's own print() does the same)."""
    image = QImage(1, 1, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(LAYOUT_DPI / 0.0254))
    image.setDotsPerMeterY(round(LAYOUT_DPI / 0.0254))
    return image


def _layout(blocks: list[Block], device: QImage, width: float, height: float) -> list[_Placed]:
    """Put blocks on pages: whole, glued to the next where asked, tall ones split by lines."""
    docs = []
    for block in blocks:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(device)
        doc.setUseDesignMetrics(True)
        doc.setDefaultFont(paper_font())
        doc.setDefaultStyleSheet(STYLE)
        doc.setDocumentMargin(0)
        doc.setTextWidth(width)
        doc.setHtml(block.html)
        docs.append(doc)
    heights = [d.size().height() for d in docs]
    placed: list[_Placed] = []
    page, y = 0, 0.0
    for i, doc in enumerate(docs):
        h = heights[i]
        need, j = h, i
        while blocks[j].keep_with_next and j + 1 < len(docs):
            j += 1
            need += heights[j]
        if need > height:
            need = h
        if y > 0 and y + need > height:
            page, y = page + 1, 0.0
        if h <= height:
            placed.append(_Placed(page, y, doc))
            y += h
            continue
        doc.setPageSize(QSizeF(width, height))
        placed.append(_Placed(page, 0.0, doc, first_page_of_tall=True))
        page += doc.pageCount() - 1
        y = doc.size().height() - (doc.pageCount() - 1) * height
    return placed


def write_pdf(
    blocks: list[Block], path: Path, title: str, footer: Callable[[int, int], str]
) -> int:
    """Print ``blocks`` on A4 pages into ``path``; returns the number of pages."""
    path = Path(path)
    writer = a4_writer(path, title, MARGINS, DPI, creator="csapp 客户服务管理")
    area = writer.pageLayout().paintRectPixels(DPI)
    footer_height = DPI * 0.45  # about 11 mm
    scale = DPI / LAYOUT_DPI
    width, height = area.width() / scale, (area.height() - footer_height) / scale
    device = _layout_device()
    placed = _layout(blocks, device, width, height)
    pages = (
        max((p.page + (p.doc.pageCount() - 1 if p.first_page_of_tall else 0)) for p in placed) + 1
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"无法写入“{path}”。")
    small = paper_font()
    small.setPointSizeF(9)
    current = 0

    def turn_to(page: int) -> None:
        nonlocal current
        while current < page:
            _footer(painter, small, area.width(), area.height(), footer_height,
                    footer(current + 1, pages))  # fmt: skip
            writer.newPage()
            current += 1

    try:
        for p in placed:
            turn_to(p.page)
            if not p.first_page_of_tall:
                painter.save()
                painter.scale(scale, scale)
                painter.translate(0, p.y)
                p.doc.drawContents(painter)
                painter.restore()
                continue
            for k in range(p.doc.pageCount()):
                turn_to(p.page + k)
                painter.save()
                painter.scale(scale, scale)
                painter.translate(0, -k * height)
                clip = QRectF(0, k * height, width, height)
                p.doc.drawContents(painter, clip)
                painter.restore()
        _footer(painter, small, area.width(), area.height(), footer_height,
                footer(current + 1, pages))  # fmt: skip
    finally:
        painter.end()
    return pages


def _footer(painter: QPainter, font: QFont, width: float, height: float, band: float, text: str):
    painter.setFont(font)
    painter.drawText(
        QRectF(0, height - band * 0.7, width, band * 0.7), int(Qt.AlignmentFlag.AlignCenter), text
    )


def write_paper(paper: Paper, out: Path, answers: Path | None = None) -> tuple[int, int]:
    """The question paper in ``out`` and, if asked, the answer key in ``answers``.

    Returns the page counts (paper, key; 0 when no key was written).
    """
    ensure_gui_app()
    pages = write_pdf(
        paper_blocks(paper),
        out,
        f"{paper.title} 模拟试卷",
        lambda n, total: footer_text(paper, False, n, total),
    )
    key_pages = 0
    if answers is not None:
        key_pages = write_pdf(
            key_blocks(paper),
            answers,
            f"{paper.title} 参考答案",
            lambda n, total: footer_text(paper, True, n, total),
        )
    return pages, key_pages
