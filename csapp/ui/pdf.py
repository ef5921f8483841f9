"""A4 PDFs printed by Qt: the page set-up every PDF of the app shares, and HTML → PDF.

Three files are printed here: the exam paper (``paper_pdf``, its own block layout on
``a4_writer``), the case answer (``dialogs.case_export``) and the 错题本 (``pages.wrongbook``),
both through ``print_html``. Qt embeds the (subset) fonts it used, so Chinese shows anywhere.

Safe to call on a worker thread, and the exports do: QPdfWriter is a paint device with no
window behind it, QTextDocument lays text out without any widget (its images, if it had any,
are loaded as QImage off the GUI thread), and QFont/QFontDatabase may be used from any thread
since Qt 5. Nothing here touches a QWidget or a QPixmap. Every object is created, used and
destroyed on the calling thread.
"""

from __future__ import annotations

import contextlib
import errno
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

Margins = tuple[float, float, float, float]  # left, top, right, bottom, in millimetres


def a4_writer(
    path: Path, title: str, margins: Margins, resolution: int, creator: str
) -> QPdfWriter:
    """A QPdfWriter on A4 portrait pages with ``margins`` (mm).

    The file is opened first: Qt only fails silently when it cannot write, Python raises an
    OSError that says why (no permission, full disk, no such folder) and names the file.
    """
    with open(path, "wb"):
        pass
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setTitle(title)
    writer.setCreator(creator)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(*margins),
            QPageLayout.Unit.Millimeter,
        )
    )
    return writer


def print_html(
    html: str,
    path: Path,
    title: str,
    *,
    margins: Margins,
    resolution: int,
    font: QFont | None = None,
    style_sheet: str = "",
    creator: str = "csapp",
) -> Path:
    """Lay ``html`` out on A4 pages into ``path``; raises OSError naming ``path`` on failure.

    The PDF is written next to ``path`` and moved over it when complete, so a failed export
    never leaves a broken file in place of a good one. Without ``font`` the document uses the
    application's font.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        try:
            writer = a4_writer(tmp, title, margins, resolution, creator)
        except OSError as exc:  # name the file the user chose, not the temporary one
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        doc = QTextDocument()
        if font is not None:
            doc.setDefaultFont(font)
        if style_sheet:
            doc.setDefaultStyleSheet(style_sheet)
        doc.setHtml(html)
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        doc.setPageSize(QSizeF(rect.width(), rect.height()))
        doc.print_(writer)
        del writer  # finishes the file
        if tmp.stat().st_size == 0:
            raise OSError(errno.EIO, "写入失败", str(path))
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    return path
