"""错题本 and 收藏: filter, read with the answer and 解析, keep a 备忘录, practise, print.

Both tabs are the same pane over a different core query: a filter bar (chapter, type, how
often missed, words in the stem), a table (model/view: ten thousand rows scroll smoothly), the
selected question with its answer and 解析 and a link to the textbook, and the note, saved as
the learner types. Practise all that the filter shows or only the selection; export to Excel
or to PDF (the core writes the rows and the HTML; Qt prints the HTML here).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSignalBlocker, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csapp.core import practice, settings, wrongbook
from csapp.core.questions import TYPE_ORDER
from csapp.ui.context import AppContext
from csapp.ui.models.table import RowsModel
from csapp.ui.tasks import Task
from csapp.ui.widgets.common import EmptyState, PageHeader, button, label, page_layout

NOTE_SAVE_MS = 600
FILTER_DELAY_MS = 200
BOOK_SCHEME = "book"


def print_pdf(document_html: str, path: Path, title: str = "错题本") -> Path:
    """Lay out the HTML on A4 pages and write a PDF (runs on a worker thread)."""
    from csapp.ui.pdf import print_html

    return print_html(document_html, path, title, margins=(16, 16, 16, 16), resolution=96)


def question_html(item: practice.QuestionItem, note_count: int | None = None) -> str:
    """The selected question as the preview shows it: stem, options, key, 解析, textbook link."""
    esc = lambda t: html.escape(t).replace("\n", "<br>")  # noqa: E731
    parts = []
    meta = " · ".join(x for x in (item.qtype, item.chapter, item.knowledge_point) if x)
    parts.append(f"<p style='color:gray'>{esc(meta)}</p>")
    if item.material:
        parts.append(f"<p>【案例】{esc(item.material)}</p>")
    parts.append(f"<p style='line-height:150%'><b>{esc(item.stem)}</b></p>")
    if item.options:
        opts = "<br>".join(f"{'ABCDEFGH'[i]}. {esc(o)}" for i, o in enumerate(item.options))
        parts.append(f"<p style='line-height:150%'>{opts}</p>")
    if item.objective:
        parts.append(f"<p><b>正确答案：</b>{esc(item.display_answer())}</p>")
    else:
        points = "".join(
            f"<li>{esc(str(p.get('text', '')))}（{float(p.get('marks', 0) or 0):g} 分）</li>"
            for p in item.points
        )
        parts.append(f"<p><b>答案要点：</b></p><ol>{points}</ol>")
    if item.explanation:
        parts.append(f"<p style='line-height:150%'><b>解析：</b>{esc(item.explanation)}</p>")
    if item.chapter_no is not None:
        target = item.section_anchor or item.knowledge_point
        href = f"{BOOK_SCHEME}:{item.chapter_no}/{target}"
        text = esc(item.knowledge_point or item.chapter)
        parts.append(f"<p><a href='{html.escape(href)}'>查看教材：{text} →</a></p>")
    return "".join(parts)


class ListPane(QWidget):
    """One list (错题本 or 收藏) with its filters, preview, note and actions."""

    practice_requested = Signal(dict)
    open_chapter_requested = Signal(int, str)
    changed = Signal()

    def __init__(self, ctx: AppContext, kind: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.kind = kind  # "wrong" or "favorite"
        self._all: list[wrongbook.Row] = []
        self._rows: list[wrongbook.Row] = []
        self._current: int | None = None
        self._note_dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("章节"))
        self.chapter = QComboBox()
        self.chapter.addItem("全部章节", 0)  # not None: PySide6 mishandles empty item data
        from csapp.core.course import chapters

        for c in chapters():
            self.chapter.addItem(c.label, c.no)
        bar.addWidget(self.chapter)
        bar.addWidget(label("题型"))
        self.qtype = QComboBox()
        self.qtype.addItem("全部题型", "")
        for t in TYPE_ORDER:
            self.qtype.addItem(str(t), str(t))
        bar.addWidget(self.qtype)
        bar.addWidget(label("答错"))
        self.count = QComboBox()
        for n in (1, 2, 3, 5):
            self.count.addItem("不限" if n == 1 else f"≥ {n} 次", n)
        bar.addWidget(self.count)
        self.text = QLineEdit()
        self.text.setPlaceholderText("题干里的字词")
        self.text.setClearButtonEnabled(True)
        bar.addWidget(self.text, 1)
        self.total = label("", "muted")
        bar.addWidget(self.total)
        layout.addLayout(bar)

        self.stack = QStackedWidget()
        if kind == "wrong":
            message = "错题本是空的。做练习时答错的题会自动收进这里，连续答对后移出。"
        else:
            message = "还没有收藏题目。练习时按 F（或点题目右上角的☆）就能收藏。"
        self.empty = EmptyState(message, "去练习")
        self.empty.action.connect(lambda: self.practice_requested.emit({"mode": "chooser"}))
        self.stack.addWidget(self.empty)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        columns = [
            ("题目", lambda r: " ".join(r.stem.split())),
            ("题型", lambda r: r.qtype),
            ("章节", lambda r: f"第{r.chapter_no}章" if r.chapter_no else r.chapter),
            ("答错", lambda r: r.wrong_count),
        ]
        if kind == "wrong":
            columns.append(("连对", lambda r: r.correct_streak))
        columns.append(("备忘", lambda r: "✎" if r.note else ""))
        self.model = RowsModel(columns, self.table)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths from the font, not ResizeToContents: that measures all 10,000 rows on
        # every filter change.
        metrics = self.fontMetrics()
        samples = {1: "名词解释", 2: "第10章", 3: "答错"}
        for col in range(1, len(columns)):
            text = samples.get(col, columns[col][0])
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, metrics.horizontalAdvance(text) + 20)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        splitter.addWidget(self.table)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(6)
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.anchorClicked.connect(self._link)
        self.preview.document().setDocumentMargin(12)
        side_layout.addWidget(self.preview, 3)
        side_layout.addWidget(label("备忘录（自动保存）", "muted"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("记下为什么会错、该记住什么。考前翻一翻。")
        self.note.setMaximumHeight(120)
        side_layout.addWidget(self.note, 1)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        self.stack.addWidget(splitter)
        layout.addWidget(self.stack, 1)

        actions = QHBoxLayout()
        self.practise_all = button("练习全部", primary=True)
        self.practise_selected = button("练习所选")
        self.remove = button("移出错题本" if kind == "wrong" else "取消收藏")
        for b in (self.practise_all, self.practise_selected, self.remove):
            actions.addWidget(b)
        actions.addStretch()
        self.export_xlsx = button("导出 Excel")
        self.export_pdf = button("导出 PDF（打印用）")
        actions.addWidget(self.export_xlsx)
        actions.addWidget(self.export_pdf)
        layout.addLayout(actions)

        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filters)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_MS)
        self._note_timer.timeout.connect(self.save_note)
        for combo in (self.chapter, self.qtype, self.count):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.text.textChanged.connect(lambda _t: self._filter_timer.start())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.note.textChanged.connect(self._note_edited)
        self.practise_all.clicked.connect(self._practise_all)
        self.practise_selected.clicked.connect(self._practise_selected)
        self.remove.clicked.connect(self._remove)
        self.export_xlsx.clicked.connect(self._export_xlsx)
        self.export_pdf.clicked.connect(self._export_pdf)
        self.table.activated.connect(lambda _i: self._practise_selected())

    @property
    def engine(self):
        return self.ctx.library.engine if self.ctx.library else None

    def current_filter(self) -> wrongbook.Filter:
        return wrongbook.Filter(
            chapter_no=self.chapter.currentData() or None,
            qtype=self.qtype.currentData() or "",
            min_count=int(self.count.currentData() or 1),
            text=self.text.text(),
        )

    def refresh(self) -> None:
        """Load the whole list again (the library changed), then apply the filters."""
        if self.engine is None:
            return
        fetch = wrongbook.entries if self.kind == "wrong" else wrongbook.favorites
        self._all = fetch(self.engine)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Show the loaded rows that pass the filters; the selected question stays selected."""
        if self.engine is None:
            return
        self.save_note()
        flt = self.current_filter()
        rows = wrongbook.apply_filter(self._all, flt)
        keep = self._current
        self._rows = rows
        self.model.set_rows(rows)
        filtered = flt.chapter_no is not None or flt.qtype or flt.min_count > 1 or flt.text
        unit = "道错题" if self.kind == "wrong" else "道收藏"
        self.total.setText(f"{len(rows)} {unit}")
        anything = bool(rows) or bool(filtered)
        self.stack.setCurrentIndex(1 if anything else 0)
        for b in (self.practise_all, self.export_xlsx, self.export_pdf):
            b.setEnabled(bool(rows))
        self.practise_all.setText(f"练习全部（{len(rows)}）" if rows else "练习全部")
        row = next((i for i, r in enumerate(rows) if r.question_id == keep), 0 if rows else -1)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._show(None)
        self._selection_changed()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self._rows[r].question_id for r in rows if r < len(self._rows)]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.practise_selected.setEnabled(bool(ids))
        self.remove.setEnabled(bool(ids))
        self.practise_selected.setText(f"练习所选（{len(ids)}）" if ids else "练习所选")
        index = self.table.selectionModel().currentIndex()
        row = index.row() if index.isValid() else -1
        self._show(self._rows[row] if 0 <= row < len(self._rows) and ids else None)

    def _show(self, row: wrongbook.Row | None) -> None:
        qid = row.question_id if row else None
        if qid == self._current and row is not None:
            return
        self.save_note()
        self._current = qid
        if row is None:
            self.preview.setHtml("<p style='color:gray'>选中一道题，这里显示答案和解析。</p>")
            with QSignalBlocker(self.note):
                self.note.clear()
            self.note.setEnabled(False)
            return
        item = practice.load_items(self.engine, [row.question_id]).get(row.question_id)
        self.preview.setHtml(question_html(item) if item else "")
        with QSignalBlocker(self.note):
            self.note.setPlainText(wrongbook.note(self.engine, row.question_id))
        self.note.setEnabled(True)

    def _note_edited(self) -> None:
        self._note_dirty = True
        self._note_timer.start()

    def save_note(self) -> None:
        """Write the 备忘录 now (called on a pause in typing, on selection change and on close)."""
        self._note_timer.stop()
        if not self._note_dirty or self._current is None or self.engine is None:
            return
        self._note_dirty = False
        text = self.note.toPlainText()
        wrongbook.set_note(self.engine, self._current, text)
        for i, r in enumerate(self._rows):
            if r.question_id == self._current and bool(r.note) != bool(text):
                r.note = text
                last = self.model.columnCount() - 1
                self.model.dataChanged.emit(self.model.index(i, last), self.model.index(i, last))

    def _link(self, url: QUrl) -> None:
        if url.scheme() == BOOK_SCHEME:
            no, _sep, target = url.toString().split(":", 1)[1].partition("/")
            self.open_chapter_requested.emit(int(no), target)

    def _practise_all(self) -> None:
        self._practise([r.question_id for r in self._rows])

    def _practise_selected(self) -> None:
        self._practise(self.selected_ids())

    def _practise(self, ids: list[int]) -> None:
        if ids:
            self.practice_requested.emit({"mode": self.kind, "question_ids": ids})

    def _remove(self) -> None:
        ids = self.selected_ids()
        if not ids or self.engine is None:
            return
        if self.kind == "wrong":
            wrongbook.remove(self.engine, ids)
        else:
            for qid in ids:
                wrongbook.set_favorite(self.engine, qid, False)
        self._current = None
        self.refresh()
        self.changed.emit()

    # -- export --------------------------------------------------------------------------

    def _title(self) -> str:
        return "错题本" if self.kind == "wrong" else "收藏"

    def _export_ids(self) -> list[int]:
        """The selection when several rows are selected, else every row the filters show."""
        selected = self.selected_ids()
        return selected if len(selected) > 1 else [r.question_id for r in self._rows]

    def _save_path(self, suffix: str, kind: str) -> Path | None:
        start = str(Path.home() / f"{self._title()}.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, f"导出{self._title()}", start, kind)
        if not path:
            return None
        path = Path(path)
        return path if path.suffix.lower() == f".{suffix}" else path.with_suffix(f".{suffix}")

    def _export_xlsx(self) -> None:
        path = self._save_path("xlsx", "Excel 工作簿 (*.xlsx)")
        if path is None:
            return
        engine, ids, title = self.engine, self._export_ids(), self._title()
        self._run(
            "正在导出 Excel…",
            lambda: wrongbook.export_xlsx(engine, ids, path, title),
            f"已导出 {len(ids)} 道题到：{path}",
        )

    def _export_pdf(self) -> None:
        path = self._save_path("pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return
        engine, ids, title = self.engine, self._export_ids(), self._title()

        def job():
            yield 0.1
            doc = wrongbook.document_html(engine, ids, title)
            yield 0.4
            print_pdf(doc, path, title)
            yield 1.0
            return path

        self._run("正在生成 PDF…", job, f"已导出 {len(ids)} 道题到：{path}")

    def _run(self, text: str, job, done_text: str) -> None:
        """Run an export on the thread pool with a real progress bar and 取消."""
        dialog = QProgressDialog(text, "取消", 0, 100, self)
        dialog.setWindowTitle("导出")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        task = Task(job, name="wrongbook-export")
        self._task = task
        task.progress.connect(lambda f: dialog.setValue(int(f * 100)))
        dialog.canceled.connect(task.cancel)

        def finished(_result: Any) -> None:
            dialog.reset()
            self.exported.emit(done_text)

        def failed(exc: BaseException) -> None:
            from csapp.core.errors import user_message

            dialog.reset()
            QMessageBox.warning(
                self, "导出", user_message(exc) or "导出没有完成，详细信息已记录在日志中。"
            )

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.cancelled.connect(dialog.reset)
        task.start()

    exported = Signal(str)


class WrongBookPage(QWidget):
    navigate_requested = Signal(str)
    practice_requested = Signal(dict)
    open_chapter_requested = Signal(int, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = page_layout(self)
        top = QHBoxLayout()
        self.header = PageHeader(
            "错题本", "答错的题自动收进这里；连续答对设定的次数后移出。考前把它和备忘录过一遍。"
        )
        top.addWidget(self.header, 1)
        top.addWidget(label("连续答对"), 0, Qt.AlignmentFlag.AlignVCenter)
        self.leave_after = QSpinBox()
        self.leave_after.setRange(1, 5)
        self.leave_after.setSuffix(" 次后移出")
        self.leave_after.setToolTip("一道错题连续答对几次后移出错题本（1–5 次）")
        top.addWidget(self.leave_after, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.wrong = ListPane(ctx, "wrong")
        self.favorites = ListPane(ctx, "favorite")
        self.tabs.addTab(self.wrong, "错题本")
        self.tabs.addTab(self.favorites, "收藏")
        layout.addWidget(self.tabs, 1)
        self.status = label("", "muted", wrap=True)
        layout.addWidget(self.status)

        for pane in (self.wrong, self.favorites):
            pane.practice_requested.connect(self.practice_requested)
            pane.open_chapter_requested.connect(self.open_chapter_requested)
            pane.changed.connect(self.ctx.notify_changed)
            pane.exported.connect(self.status.setText)
        self.leave_after.valueChanged.connect(self._set_leave_after)
        ctx.library_ready.connect(self.refresh)
        ctx.library_changed.connect(self._changed)
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.library is None:
            return
        self._stale = False
        with QSignalBlocker(self.leave_after):
            self.leave_after.setValue(settings.get(self.ctx.library.engine, wrongbook.LEAVE_AFTER))
        self.wrong.refresh()
        self.favorites.refresh()
        self.tabs.setTabText(0, f"错题本（{len(self.wrong._rows)}）")
        self.tabs.setTabText(1, f"收藏（{len(self.favorites._rows)}）")

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # refreshed when shown: no work for a page nobody looks at

    def showEvent(self, event) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def _set_leave_after(self, n: int) -> None:
        if self.ctx.library is not None:
            settings.put(self.ctx.library.engine, wrongbook.LEAVE_AFTER, n)
            self.status.setText(f"已设定：一道错题连续答对 {n} 次后移出错题本。")

    def save_state(self) -> None:
        self.wrong.save_note()
        self.favorites.save_note()
