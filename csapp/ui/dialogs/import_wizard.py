"""导入题库: choose a file or paste text → see what was understood → import → fix the rest.

Reading and writing both run on a worker (``ui.tasks``) with a real progress bar and cancel.
Cancelling the write closes the core generator, which rolls the one transaction back: the
database is exactly as it was.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csapp.core import banks
from csapp.ui import theme
from csapp.ui.context import AppContext
from csapp.ui.tasks import Task
from csapp.ui.widgets.common import button, card, label, restyle

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex

FILE_FILTER = "题库文件 (*.xlsx *.xlsm *.xls *.csv *.txt);;所有文件 (*)"
PASTE_NAME = "粘贴的题目"
PASTE_EXAMPLE = (
    "例如：\n"
    "1. 客户满意度等于可感知效果减去（ ）。\n"
    "A. 实际值  B. 期望值  C. 心理反差值  D. 失落感\n"
    "答案：B\n"
    "解析：客户满意度是可感知效果与期望值之差。\n\n"
    "2. 客户服务只发生在售后阶段。\n"
    "答案：错误"
)
STEPS = ("选择来源", "预览", "导入设置", "完成")


def soft(color: str, amount: float = 0.18) -> QColor:
    """``color`` laid thinly over the surface: a row tint readable in light and dark."""
    c = theme.colors()
    top, base = QColor(color), QColor(c.surface)
    mix = [round(base_v + (top_v - base_v) * amount) for top_v, base_v in (
        (top.red(), base.red()), (top.green(), base.green()), (top.blue(), base.blue())
    )]  # fmt: skip
    return QColor(*mix)


def ask_save_xlsx(parent: QWidget, ctx: AppContext, title: str, name: str) -> str:
    """A save dialog for a workbook, starting in (and remembering) the last folder used."""
    start = str(ctx.settings.value("import/last_dir", str(Path.home())))
    path, _ = QFileDialog.getSaveFileName(
        parent, title, os.path.join(start, name), "Excel 工作簿 (*.xlsx)"
    )
    if path and not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    if path:
        ctx.settings.setValue("import/last_dir", str(Path(path).parent))
    return path


# ---------------------------------------------------------------------------- preview table


class PreviewModel(QAbstractTableModel):
    """The rows of ``banks.Preview``: error rows tinted red, warning rows amber."""

    HEADERS = ("行", "题型", "题干", "选项", "答案", "问题")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[banks.PreviewRow] = []
        self._sheets = 1

    def set_rows(self, rows: list[banks.PreviewRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._sheets = len({r.sheet for r in rows})
        self.endResetModel()

    def row_object(self, row: int) -> banks.PreviewRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def _text(self, r: banks.PreviewRow, column: int) -> str:
        if column == 0:
            return f"{r.sheet} · {r.row}" if self._sheets > 1 else str(r.row)
        return (r.qtype, r.stem, r.options, r.answer, r.problems)[column - 1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._text(r, col)
            if col == 5 and r.status:
                text = ("✖ 不导入：" if r.status == "error" else "⚠ 请核对：") + text
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._text(r, col)
            return text if len(text) > 24 else None
        if role == Qt.ItemDataRole.BackgroundRole and r.status:
            c = theme.colors()
            return soft(c.bad if r.status == "error" else c.warn)
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and r.status:
            c = theme.colors()
            return QColor(c.bad if r.status == "error" else c.warn)
        if role == Qt.ItemDataRole.UserRole:
            return r.status
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class ProblemFilter(QSortFilterProxyModel):
    """ "只看有问题的行": keeps rows with an error or a warning."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.only_problems = False

    def set_only_problems(self, on: bool) -> None:
        self.beginFilterChange()
        self.only_problems = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.only_problems:
            return True
        model = self.sourceModel()
        return bool(model.data(model.index(source_row, 0), Qt.ItemDataRole.UserRole))


# ---------------------------------------------------------------------------- the wizard


class ImportWizard(QDialog):
    """One dialog, four steps; a busy step with progress sits between them while work runs."""

    imported = Signal(object)  # banks.BankImport, after the database changed
    practice_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, paste: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导入题库")
        self.setMinimumSize(900, 600)
        self.resize(1120, 700)
        self.task: Task | None = None
        self._close_when_idle = False
        self.source_path: Path | None = None
        self.source_name = ""
        self.result = None  # bankio.ReadResult
        self.preview: banks.Preview | None = None
        self.done_import: banks.BankImport | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.setSpacing(12)
        self.steps_label = QLabel()
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.steps_label)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)

        self.source_page = self._build_source()
        self.busy_page = self._build_busy()
        self.preview_page = self._build_preview()
        self.settings_page = self._build_settings()
        self.done_page = self._build_done()
        for page in (
            self.source_page,
            self.busy_page,
            self.preview_page,
            self.settings_page,
            self.done_page,
        ):
            self.stack.addWidget(page)
        self._show(self.source_page, 0)
        if paste:
            self.paste_edit.setFocus()

    # -- layout helpers ----------------------------------------------------------------

    def _show(self, page: QWidget, step: int) -> None:
        c = theme.colors()
        parts = []
        for i, name in enumerate(STEPS):
            text = f"{i + 1} {name}"
            if i == step:
                parts.append(f'<span style="color:{c.accent}; font-weight:700">{text}</span>')
            else:
                parts.append(f'<span style="color:{c.muted}">{text}</span>')
        self.steps_label.setText("&nbsp;&nbsp;›&nbsp;&nbsp;".join(parts))
        self.stack.setCurrentWidget(page)

    @staticmethod
    def _page() -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        return page, layout

    # -- step 1: source ----------------------------------------------------------------

    def _build_source(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(label("从哪里导入？", "h1"))
        layout.addWidget(
            label(
                "先把题目读一遍给你看：读懂了什么、哪一行有问题、为什么。确认之后才写入资料库。",
                "muted",
                wrap=True,
            )
        )
        cards = QHBoxLayout()
        cards.setSpacing(14)

        file_card, file_box = card()
        file_box.addWidget(label("Excel、CSV 或文本文件", "h2"))
        for line in (
            "支持 Excel（.xlsx、.xls）、CSV 和文本（.txt）文件",
            "表头不必在第一行，列的顺序随意，多个工作表一起读入",
            "答案写成 B、ABD、A,B,D、对/错、√/× 都能识别",
            "“案例”工作表里的案例和问题会一起导入",
            "先看预览，确认后才写入；同一个文件导入两次不会重复",
        ):
            file_box.addWidget(label(f"• {line}", wrap=True))
        file_box.addSpacing(6)
        self.file_button = button("选择文件…", primary=True)
        self.file_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file_button)
        row.addStretch()
        file_box.addLayout(row)
        file_box.addStretch()
        cards.addWidget(file_card, 1)

        paste_card, paste_box = card()
        paste_box.addWidget(label("粘贴文本", "h2"))
        paste_box.addWidget(
            label("从 Word、网页或表格中复制带编号的题目，粘贴到这里。", "muted", wrap=True)
        )
        self.paste_edit = QPlainTextEdit()
        self.paste_edit.setPlaceholderText(PASTE_EXAMPLE)
        self.paste_edit.setTabChangesFocus(True)
        self.paste_edit.textChanged.connect(
            lambda: self.paste_button.setEnabled(bool(self.paste_edit.toPlainText().strip()))
        )
        paste_box.addWidget(self.paste_edit, 1)
        self.paste_button = button("读取粘贴的文本")
        self.paste_button.setEnabled(False)
        self.paste_button.clicked.connect(self.read_paste)
        row = QHBoxLayout()
        row.addWidget(self.paste_button)
        row.addStretch()
        paste_box.addLayout(row)
        cards.addWidget(paste_card, 1)
        layout.addLayout(cards, 1)

        self.source_error = label("", "bad", wrap=True)
        self.source_error.setVisible(False)
        layout.addWidget(self.source_error)

        bottom = QHBoxLayout()
        bottom.addWidget(label("还没有题库文件？下载模板，照着示例填写：", "muted"))
        self.template_button = button("下载模板…")
        self.template_button.clicked.connect(self.save_template)
        bottom.addWidget(self.template_button)
        bottom.addStretch()
        close = button("关闭")
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        return page

    def _source_message(self, text: str) -> None:
        self.source_error.setText(text)
        self.source_error.setVisible(bool(text))

    def choose_file(self) -> None:
        start = str(self.ctx.settings.value("import/last_dir", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, "选择题库文件", start, FILE_FILTER)
        if path:
            self.ctx.settings.setValue("import/last_dir", str(Path(path).parent))
            self.read_file(Path(path))

    def read_file(self, path: Path) -> None:
        """Read ``path`` on a worker; the preview follows."""
        self.source_path = path
        self.source_name = path.name
        self._source_message("")

        def job():
            return banks.iter_read_file(path)

        self._run(job, f"正在读取“{path.name}”…", "取消不会改动任何东西。",
                  self._read_done, self._read_stopped, determinate=True)  # fmt: skip

    def read_paste(self) -> None:
        text = self.paste_edit.toPlainText()
        if not text.strip():
            return
        self.source_path = None
        self.source_name = PASTE_NAME
        self._source_message("")

        def job():
            result = banks.read_text(text, PASTE_NAME)
            return result, banks.preview(result)

        self._run(job, "正在读取粘贴的文本…", "", self._read_done, self._read_stopped, False)

    def _read_done(self, value: Any) -> None:
        self.result, self.preview = value
        self._fill_preview()
        self._show(self.preview_page, 1)

    def _read_stopped(self, exc: BaseException | None) -> None:
        self._show(self.source_page, 0)
        if exc is None:
            self._source_message("已取消读取。")
        else:
            self._source_message(self._error_text(exc))

    def save_template(self) -> None:
        from csapp.core.bankio import write_template

        path = ask_save_xlsx(self, self.ctx, "保存题库模板", "题库模板.xlsx")
        if not path:
            return
        try:
            write_template(path)
        except OSError as exc:
            log.exception("saving the template to %s failed", path)
            self._source_message(self._error_text(exc))
            return
        self._source_message("")
        self.template_button.setText("模板已保存")
        self.template_button.setToolTip(str(path))

    # -- the busy step -----------------------------------------------------------------

    def _build_busy(self) -> QWidget:
        page, layout = self._page()
        layout.addStretch(1)
        self.busy_title = label("", "h2")
        self.busy_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.busy_title)
        self.busy_detail = label("", "muted", wrap=True)
        self.busy_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.busy_detail)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.progress, 4)
        row.addStretch(1)
        layout.addLayout(row)
        self.cancel_button = button("取消")
        self.cancel_button.clicked.connect(self.cancel_task)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.cancel_button)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    def _run(self, job, title, detail, on_done, on_stopped, determinate: bool) -> None:
        self.busy_title.setText(title)
        self.busy_detail.setText(detail)
        self.busy_detail.setVisible(bool(detail))
        # A moving busy bar until the first real fraction arrives (opening a big workbook
        # takes a few seconds before the first row is read).
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("取消")
        self.stack.setCurrentWidget(self.busy_page)
        task = Task(job, name="import-wizard")
        task.progress.connect(lambda f: self._progress(f, determinate))
        task.finished.connect(lambda value: self._task_ended(on_done, value))
        task.failed.connect(lambda exc: self._task_ended(on_stopped, exc))
        task.cancelled.connect(lambda: self._task_ended(on_stopped, None))
        self.task = task
        task.start()

    def _progress(self, fraction: float, determinate: bool) -> None:
        if not determinate or fraction <= 0.001:
            return
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1000)
        self.progress.setValue(round(fraction * 1000))

    def _task_ended(self, handler, value) -> None:
        self.task = None
        handler(value)
        if self._close_when_idle:
            self._close_when_idle = False
            super().reject()

    def cancel_task(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("正在取消…")

    def is_busy(self) -> bool:
        return self.task is not None

    # -- step 2: preview ---------------------------------------------------------------

    def _build_preview(self) -> QWidget:
        page, layout = self._page()
        self.preview_title = label("", "h1")
        layout.addWidget(self.preview_title)
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        self.preview_summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.preview_summary)
        self.preview_notes = label("", "muted", wrap=True)
        layout.addWidget(self.preview_notes)

        row = QHBoxLayout()
        self.only_problems = QCheckBox("只看有问题的行")
        self.only_problems.toggled.connect(self._filter_problems)
        row.addWidget(self.only_problems)
        row.addStretch()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.legend)
        layout.addLayout(row)

        self.preview_model = PreviewModel(self)
        self.preview_proxy = ProblemFilter(self)
        self.preview_proxy.setSourceModel(self.preview_model)
        self.preview_table = QTableView()
        self.preview_table.setModel(self.preview_proxy)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setWordWrap(False)
        self.preview_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.verticalHeader().setDefaultSectionSize(
            round(self.fontMetrics().height() * 1.9)
        )
        header = self.preview_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.preview_table, 1)
        self.preview_detail = QLabel()
        self.preview_detail.setWordWrap(True)
        self.preview_detail.setTextFormat(Qt.TextFormat.RichText)
        self.preview_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.preview_detail.setMinimumHeight(round(self.fontMetrics().height() * 4.6))
        self.preview_detail.setProperty("card", True)
        self.preview_detail.setMargin(10)
        layout.addWidget(self.preview_detail)
        self.preview_table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._show_detail(cur)
        )
        self.preview_empty = label("", wrap=True)
        self.preview_empty.setVisible(False)
        layout.addWidget(self.preview_empty)
        layout.addStretch(0)  # takes the room only when the table is hidden

        buttons = QHBoxLayout()
        back = button("‹ 重新选择")
        back.clicked.connect(lambda: self._show(self.source_page, 0))
        buttons.addWidget(back)
        buttons.addStretch()
        self.preview_next = button("下一步 ›", primary=True)
        self.preview_next.clicked.connect(self._to_settings)
        buttons.addWidget(self.preview_next)
        layout.addLayout(buttons)
        return page

    def _fill_preview(self) -> None:
        assert self.result is not None and self.preview is not None
        report = self.result.report
        preview = self.preview
        c = theme.colors()
        self.preview_title.setText(f"从“{self.source_name}”读到了什么")
        kinds = "、".join(f"{t} {n}" for t, n in report.to_dict()["by_type"].items())
        text = (
            f"读到 <b>{report.questions}</b> 道题"
            if report.questions or preview.rows
            else f'<span style="color:{c.bad}">没有读到题目</span>'
        )
        if kinds:
            text += f"（{kinds}）"
        if report.cases:
            text += f"，案例 {report.cases} 个"
        text += "。"
        errors, warnings = preview.errors, preview.warnings
        if errors:
            text += (
                f' <span style="color:{c.bad}"><b>{errors}</b> 行有错误，不会导入</span>，'
                "可以在最后一步导出这些行，改好再导入。"
            )
        if warnings:
            text += (
                f' <span style="color:{c.warn}"><b>{warnings}</b> 行有警告</span>：已读入，请核对。'
            )
        if not errors and not warnings and report.questions:
            text += f' <span style="color:{c.good}">没有发现问题。</span>'
        if report.inferred_types:
            text += f" 有 {report.inferred_types} 道题没写题型，已按内容推断。"
        self.preview_summary.setText(text)
        notes = preview.notes
        shown = notes[:4]
        if len(notes) > 4:
            shown.append(f"……另有 {len(notes) - 4} 条说明")
        self.preview_notes.setText("\n".join(shown))
        self.preview_notes.setVisible(bool(shown))
        self.legend.setText(
            f'<span style="background:{soft(c.bad).name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span>'
            f" 有错误，不会导入&nbsp;&nbsp;&nbsp;"
            f'<span style="background:{soft(c.warn).name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span>'
            " 有警告，请核对"
        )
        self.only_problems.setText(f"只看有问题的行（{errors + warnings}）")
        self.only_problems.setEnabled(bool(errors + warnings))
        self.only_problems.setChecked(False)
        self.preview_model.set_rows(preview.rows)
        self._size_preview_columns()
        first = next((i for i, r in enumerate(preview.rows) if r.status), 0)
        if preview.rows:
            self.preview_table.selectRow(first)
            self.preview_table.scrollTo(self.preview_proxy.index(first, 0))
        else:
            self._show_detail(QModelIndex())
        self.preview_detail.setVisible(bool(preview.rows))
        has_rows = bool(preview.rows)
        self.preview_table.setVisible(has_rows)
        self.only_problems.setVisible(has_rows)
        self.legend.setVisible(has_rows)
        self.preview_empty.setVisible(not has_rows)
        self.preview_empty.setText(
            "没有读到题目。请确认文件里有表头（如 题型、题干、选项A、答案）或带编号的题目；"
            "不清楚怎么填写时，可以下载模板照着填。"
        )
        can_import = bool(self.result.questions or self.result.cases)
        self.preview_next.setEnabled(can_import)

    def _size_preview_columns(self) -> None:
        fm = self.fontMetrics()
        header = self.preview_table.horizontalHeader()
        first = "Sheet1 · 0000_" if self.preview_model._sheets > 1 else "00000_"
        header.resizeSection(0, fm.horizontalAdvance(first))
        header.resizeSection(1, fm.horizontalAdvance("案例分析题__"))
        header.resizeSection(2, fm.horizontalAdvance("字" * 20))
        header.resizeSection(3, fm.horizontalAdvance("字" * 11))
        header.resizeSection(4, fm.horizontalAdvance("字" * 5))

    def _filter_problems(self, on: bool) -> None:
        self.preview_proxy.set_only_problems(on)
        if self.preview_proxy.rowCount():
            self.preview_table.selectRow(0)

    def _show_detail(self, index: QModelIndex) -> None:
        """The whole of the selected row: where it is, what was read, what is wrong with it."""
        from html import escape

        if not index.isValid():
            muted = theme.colors().muted
            self.preview_detail.setText(
                f'<span style="color:{muted}">点一行查看它的全部内容和问题。</span>'
            )
            return
        r = self.preview_model.row_object(self.preview_proxy.mapToSource(index).row())
        c = theme.colors()
        place = (
            f"工作表“{escape(r.sheet)}”第 {r.row} 行"
            if self.preview_model._sheets > 1
            else (f"第 {r.row} 行")
        )
        lines = [f"<b>{place}</b>　{escape(r.qtype)}　{escape(r.stem)}"]
        if r.options:
            lines.append(f"选项：{escape(r.options)}")
        if r.answer:
            lines.append(f"答案：{escape(r.answer)}")
        if r.status:
            color = c.bad if r.status == "error" else c.warn
            verdict = "这一行不会导入，请改正：" if r.status == "error" else "已读入，请核对："
            lines.append(f'<span style="color:{color}">{verdict}{escape(r.problems)}</span>')
        self.preview_detail.setText("<br>".join(lines))

    # -- step 3: settings --------------------------------------------------------------

    def _build_settings(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(label("导入到哪个题库", "h1"))
        self.bank_combo = QComboBox()
        self.bank_combo.setEditable(True)
        self.bank_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.bank_combo.setMinimumWidth(420)
        self.bank_combo.editTextChanged.connect(self._check_name)
        row = QHBoxLayout()
        row.addWidget(self.bank_combo)
        row.addStretch()
        layout.addLayout(row)
        self.name_hint = label("", "muted", wrap=True)
        layout.addWidget(self.name_hint)

        layout.addSpacing(8)
        layout.addWidget(label("有错误的行怎么办", "h2"))
        self.mode_group = QButtonGroup(self)
        self.mode_valid = QRadioButton()
        self.mode_all = QRadioButton()
        self.mode_valid.setChecked(True)
        for b in (self.mode_valid, self.mode_all):
            self.mode_group.addButton(b)
            layout.addWidget(b)
        self.mode_hint = label("", "muted", wrap=True)
        layout.addWidget(self.mode_hint)
        layout.addStretch()
        self.settings_error = label("", "bad", wrap=True)
        self.settings_error.setVisible(False)
        layout.addWidget(self.settings_error)

        buttons = QHBoxLayout()
        back = button("‹ 上一步")
        back.clicked.connect(lambda: self._show(self.preview_page, 1))
        buttons.addWidget(back)
        buttons.addStretch()
        self.import_button = button("开始导入", primary=True)
        self.import_button.clicked.connect(self.start_import)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        return page

    def _to_settings(self) -> None:
        assert self.result is not None and self.preview is not None
        names = []
        if self.ctx.library is not None:
            names = [b.name for b in self.ctx.library.summary().banks if not b.builtin]
        default = banks.default_bank_name(self.source_path) if self.source_path else PASTE_NAME
        self.bank_combo.blockSignals(True)
        self.bank_combo.clear()
        self.bank_combo.addItems(names)
        self.bank_combo.setEditText(default)
        self.bank_combo.blockSignals(False)
        good = len(self.result.questions) + sum(len(c.questions) for c in self.result.cases)
        errors = self.preview.errors
        self.mode_valid.setText(
            f"导入没有错误的 {good} 道题，跳过有错误的 {errors} 行（之后可导出这些行，改好再导入）"
            if errors
            else f"导入全部 {good} 道题"
        )
        self.mode_all.setText("全部无误才导入：只要有一行有错误，就一道题也不导入")
        self.mode_hint.setText(
            "两种方式都是一次完成：中途取消或出错时，资料库保持原样。"
            if errors
            else "文件没有错误，两种方式结果相同。"
        )
        self.settings_error.setVisible(False)
        self._check_name(default)
        self._show(self.settings_page, 2)

    def _check_name(self, text: str) -> None:
        if self.ctx.library is None:
            return
        try:
            name, exists = banks.check_bank_name(self.ctx.library.engine, text)
        except banks.BankError as exc:
            self.name_hint.setText(str(exc))
            self.name_hint.setProperty("role", "bad")
            self.import_button.setEnabled(False)
        else:
            self.name_hint.setProperty("role", "muted")
            self.import_button.setEnabled(True)
            if exists:
                self.name_hint.setText(
                    f"题库“{name}”已经存在，将更新它：相同的题目保持不变，答案或解析改过的题目"
                    "会被更新，新题目会加进去；已有的作答记录、错题本都会保留。"
                )
            else:
                self.name_hint.setText(f"将新建题库“{name}”。")
        restyle(self.name_hint)

    def start_import(self) -> None:
        library = self.ctx.library
        if library is None or self.result is None:
            return
        try:
            name, _exists = banks.check_bank_name(library.engine, self.bank_combo.currentText())
        except banks.BankError as exc:
            self._settings_message(str(exc))
            return
        all_or_nothing = self.mode_all.isChecked()
        result = self.result
        source = str(self.source_path) if self.source_path else ""
        engine = library.engine

        def job():
            return banks.iter_import_result(
                engine, result, name, all_or_nothing=all_or_nothing, source_file=source
            )

        self._run(job, f"正在导入到“{name}”…", "一次写入：取消后资料库保持原样。",
                  self._import_done, self._import_stopped, determinate=True)  # fmt: skip

    def _settings_message(self, text: str) -> None:
        self.settings_error.setText(text)
        self.settings_error.setVisible(bool(text))

    def _import_stopped(self, exc: BaseException | None) -> None:
        self._show(self.settings_page, 2)
        if exc is None:
            self._settings_message("已取消导入，资料库保持原样。")
        else:
            self._settings_message(self._error_text(exc, "导入没有完成，资料库保持原样。"))

    def _import_done(self, done: banks.BankImport) -> None:
        self.done_import = done
        if done.written:
            self.ctx.notify_changed()
            self.imported.emit(done)
        self._fill_done()
        self._show(self.done_page, 3)

    # -- step 4: done ------------------------------------------------------------------

    def _build_done(self) -> QWidget:
        page, layout = self._page()
        self.done_title = label("", "h1")
        layout.addWidget(self.done_title)
        figures = QHBoxLayout()
        figures.setSpacing(14)
        self.figures: dict[str, QLabel] = {}
        for key, title in (
            ("added", "新增"),
            ("updated", "更新"),
            ("unchanged", "未变"),
            ("errors", "有错误未导入"),
        ):
            frame, box = card()
            box.addWidget(label(title, "muted"))
            value = label("0", "figure")
            box.addWidget(value)
            figures.addWidget(frame, 1)
            self.figures[key] = value
        layout.addLayout(figures)
        self.done_summary = label("", wrap=True)
        layout.addWidget(self.done_summary)

        self.problems_frame, problems_box = card()
        problems_box.addWidget(label("需要修改的行", "h2"))
        self.problems_text = label("", "muted", wrap=True)
        problems_box.addWidget(self.problems_text)
        row = QHBoxLayout()
        self.export_problems_button = button("导出问题行…", primary=True)
        self.export_problems_button.clicked.connect(self.export_problem_rows)
        row.addWidget(self.export_problems_button)
        self.problems_saved = label("", "muted", wrap=True)
        row.addWidget(self.problems_saved, 1)
        problems_box.addLayout(row)
        layout.addWidget(self.problems_frame)
        layout.addStretch()

        buttons = QHBoxLayout()
        self.again_button = button("再导入一个")
        self.again_button.clicked.connect(self._restart)
        buttons.addWidget(self.again_button)
        buttons.addStretch()
        self.practice_button = button("去练习")
        self.practice_button.clicked.connect(self._practice)
        buttons.addWidget(self.practice_button)
        self.finish_button = button("完成", primary=True)
        self.finish_button.clicked.connect(self.accept)
        buttons.addWidget(self.finish_button)
        layout.addLayout(buttons)
        return page

    def _fill_done(self) -> None:
        done = self.done_import
        assert done is not None
        o = done.outcome
        self.done_title.setText("导入完成" if done.written else "没有导入")
        values = {
            "added": o.added if o else 0,
            "updated": o.updated if o else 0,
            "unchanged": o.unchanged if o else 0,
            "errors": done.error_rows,
        }
        for key, value in values.items():
            self.figures[key].setText(str(value))
        bad = theme.colors().bad if done.error_rows else ""
        self.figures["errors"].setStyleSheet(f"color: {bad};" if bad else "")
        self.done_summary.setText(done.summary())
        rows = len(done.problem_rows)
        self.problems_frame.setVisible(rows > 0)
        self.problems_text.setText(
            f"{rows} 行没有导入。导出这些行（每行后面写明了原因），在 Excel 或 WPS 中改好，"
            "再导入原来的文件或导出的文件都可以：已导入的题目不会重复。"
        )
        self.problems_saved.setText("")
        self.practice_button.setVisible(done.written)
        self.finish_button.setFocus()

    def export_problem_rows(self) -> None:
        from csapp.core.bankio import write_problem_rows

        done = self.done_import
        if done is None or not done.problem_rows or self.task is not None:
            return
        stem = Path(self.source_name).stem or "题库"
        path = ask_save_xlsx(self, self.ctx, "导出问题行", f"{stem}_需要修改的行.xlsx")
        if not path:
            return
        rows = done.problem_rows
        self._problem_rows_busy(True)
        self.problems_saved.setText("正在保存…")
        # Written on the pool like every other export; while it runs the wizard counts as
        # busy, so closing it waits for the file instead of leaving it half written.
        task = Task(lambda: write_problem_rows(path, rows), name="problem-rows")
        task.finished.connect(lambda _v: self._task_ended(self._problem_rows_saved, path))
        task.failed.connect(
            lambda exc: self._task_ended(lambda e: self._problem_rows_failed(e, path), exc)
        )
        self.task = task
        task.start()

    def _problem_rows_busy(self, busy: bool) -> None:
        self.export_problems_button.setEnabled(not busy)
        self.again_button.setEnabled(not busy)  # a new import would reuse the busy step

    def _problem_rows_saved(self, path: str) -> None:
        self._problem_rows_busy(False)
        self.problems_saved.setText(f"已保存到 {path}")

    def _problem_rows_failed(self, exc: BaseException, path: str) -> None:
        from csapp.paths import os_reason

        self._problem_rows_busy(False)
        if isinstance(exc, OSError):  # name the file the trainer chose
            self.problems_saved.setText(f"无法写入“{path}”：{os_reason(exc)}。")
        else:
            self.problems_saved.setText(self._error_text(exc))

    def _restart(self) -> None:
        self.result = self.preview = self.done_import = None
        self.paste_edit.clear()
        self._source_message("")
        self._show(self.source_page, 0)

    def _practice(self) -> None:
        self.practice_requested.emit()
        self.accept()

    # -- shared ------------------------------------------------------------------------

    def _error_text(self, exc: BaseException, fallback: str = "") -> str:
        return (
            banks.error_text(exc)
            or fallback
            or f"出现了意外的错误，详细信息已记录在日志：{self.ctx.log_file}"
        )

    def reject(self) -> None:
        """Esc or 关闭: a running job is cancelled first, then the dialog closes."""
        if self.task is not None:
            self._close_when_idle = True
            self.cancel_task()
            return
        super().reject()
