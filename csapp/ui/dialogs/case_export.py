"""Export a case answer to hand in: PDF (printed by Qt) or Word (.docx, written by the core)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from csapp.ui import theme
from csapp.ui.pdf import print_html
from csapp.ui.widgets.common import button, label


@dataclass(frozen=True, slots=True)
class ExportChoice:
    pdf: bool
    include_case: bool
    include_points: bool

    @property
    def suffix(self) -> str:
        return ".pdf" if self.pdf else ".docx"


class ExportDialog(QDialog):
    """What to put in the file, and which kind of file."""

    def __init__(self, parent: QWidget | None, submitted: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出答案")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        layout.addWidget(label("导出这份案例分析，方便打印或交给老师。", wrap=True))
        self.include_case = QCheckBox("包含案例材料")
        self.include_case.setChecked(True)
        self.include_points = QCheckBox("包含答案要点和自评分数" if submitted else "包含答案要点")
        self.include_points.setChecked(submitted)
        layout.addWidget(self.include_case)
        layout.addWidget(self.include_points)
        kinds = QHBoxLayout()
        kinds.addWidget(label("格式："))
        self.pdf = QRadioButton("PDF")
        self.docx = QRadioButton("Word（.docx）")
        self.pdf.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.pdf)
        group.addButton(self.docx)
        kinds.addWidget(self.pdf)
        kinds.addWidget(self.docx)
        kinds.addStretch()
        layout.addLayout(kinds)
        row = QHBoxLayout()
        row.addStretch()
        cancel = button("取消")
        cancel.clicked.connect(self.reject)
        ok = button("选择保存位置…", primary=True)
        ok.clicked.connect(self.accept)
        row.addWidget(cancel)
        row.addWidget(ok)
        layout.addLayout(row)

    def choice(self) -> ExportChoice:
        return ExportChoice(
            self.pdf.isChecked(), self.include_case.isChecked(), self.include_points.isChecked()
        )

    @classmethod
    def ask(cls, parent: QWidget | None, submitted: bool) -> tuple[ExportChoice | None, bool]:
        dialog = cls(parent, submitted)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        return (dialog.choice() if ok else None), ok


PDF_MARGINS = (18, 18, 18, 18)  # mm
PDF_RESOLUTION = 150
PDF_STYLE = (
    "h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 14px; } "
    "h3 { font-size: 12pt; margin-top: 8px; } p { line-height: 160%; }"
)


def write_pdf(html: str, path: str | Path) -> Path:
    """Print the export HTML to an A4 PDF with a Chinese font; raises OSError on failure.

    Runs on a worker thread (see ``csapp.ui.pdf`` for why that is safe).
    """
    font = QFont()
    font.setFamilies(theme.FAMILIES)
    font.setPointSizeF(11)
    return print_html(
        html,
        Path(path),
        "案例分析",
        margins=PDF_MARGINS,
        resolution=PDF_RESOLUTION,
        font=font,
        style_sheet=PDF_STYLE,
    )
