"""学习: the chapter list and the reader, with the place kept per chapter."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListView,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csapp.core.course import Chapter, chapters, sections
from csapp.ui.context import AppContext
from csapp.ui.widgets.common import PageHeader, label, page_layout

LINE_HEIGHT = 165  # percent: generous spacing for Chinese body text
SAVE_DELAY_MS = 800


class StudyPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._chapter: Chapter | None = None
        layout = page_layout(self)
        self.header = PageHeader("学习", "按章节阅读教材；读到最后一页，这一章就记为读完。")
        layout.addWidget(self.header)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListView()
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.model = QStandardItemModel(self.list)
        self.list.setModel(self.model)
        self.list.setMinimumWidth(220)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(self.list)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(label("本章目录", "muted"))
        self.toc = QComboBox()
        self.toc.setMinimumWidth(260)
        self.toc.activated.connect(lambda i: self.jump_to(self.toc.itemData(i)))
        bar.addWidget(self.toc, 1)
        right_layout.addLayout(bar)
        self.reader = QTextBrowser()
        self.reader.setOpenExternalLinks(False)
        self.reader.document().setDocumentMargin(24)
        right_layout.addWidget(self.reader, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        layout.addWidget(splitter, 1)

        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self._save_timer.start())
        self.list.selectionModel().currentChanged.connect(
            lambda cur, _prev: self.open_chapter(cur.data(Qt.ItemDataRole.UserRole))
        )
        ctx.library_ready.connect(self._fill_list)
        self._fill_list()

    def _fill_list(self) -> None:
        reading = self.ctx.library.reading() if self.ctx.library else {}
        current = self._chapter.no if self._chapter else None
        blocker = QSignalBlocker(self.list.selectionModel())
        self.model.clear()
        for chapter in chapters():
            r = reading.get(chapter.no)
            status = "✓ 已读完" if r and r.done else (f"已读 {r.percent:.0f}%" if r else "未读")
            item = QStandardItem(f"{chapter.label}\n{status}")
            item.setData(chapter.no, Qt.ItemDataRole.UserRole)
            item.setEnabled(chapter.available)
            self.model.appendRow(item)
        del blocker
        if current is not None:
            self._select_row(current)

    def _select_row(self, chapter_no: int) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(Qt.ItemDataRole.UserRole) == chapter_no:
                with QSignalBlocker(self.list.selectionModel()):
                    self.list.setCurrentIndex(self.model.index(row, 0))

    def open_chapter(self, chapter_no: int, anchor: str = "") -> None:
        """Show a chapter, at ``anchor`` (a section number) or where the learner left it."""
        chapter = next((c for c in chapters() if c.no == chapter_no), None)
        if chapter is None or not chapter.available:
            return
        if self._chapter and self._chapter.no != chapter_no:
            self.save_state()
        if self._chapter is None or self._chapter.no != chapter_no:
            self._chapter = chapter
            self._render(chapter)
        self._select_row(chapter_no)
        if anchor:
            self.jump_to(anchor)
        else:
            reading = self.ctx.library.reading().get(chapter_no) if self.ctx.library else None
            self.reader.verticalScrollBar().setValue(reading.position if reading else 0)

    def _render(self, chapter: Chapter) -> None:
        text = chapter.text()
        with QSignalBlocker(self.reader.verticalScrollBar()):
            self.reader.setMarkdown(text)
            self._space_lines()
        self.header.title.setText(chapter.label)
        self.toc.clear()
        for section in sections(text):
            indent = "" if section.level == 2 else "    "
            self.toc.addItem(f"{indent}{section.heading}", section.anchor)

    def _space_lines(self) -> None:
        doc = self.reader.document()
        cursor = QTextCursor(doc)
        cursor.select(QTextCursor.SelectionType.Document)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setBottomMargin(8)
        cursor.mergeBlockFormat(fmt)

    def jump_to(self, anchor: str) -> bool:
        """Scroll so the heading numbered ``anchor`` is at the top."""
        doc = self.reader.document()
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and block.text().startswith(f"{anchor} "):
                rect = doc.documentLayout().blockBoundingRect(block)
                self.reader.verticalScrollBar().setValue(int(rect.top()))
                self.toc.setCurrentIndex(max(0, self.toc.findData(anchor)))
                return True
            block = block.next()
        return False

    def save_state(self) -> None:
        if self._chapter is None or self.ctx.library is None:
            return
        bar = self.reader.verticalScrollBar()
        percent = 100.0 if bar.maximum() == 0 else 100.0 * bar.value() / bar.maximum()
        before = self.ctx.library.reading().get(self._chapter.no)
        after = self.ctx.library.save_reading(self._chapter.no, bar.value(), percent)
        if before is None or before.done != after.done or int(before.percent) != int(after.percent):
            self._fill_list()
            if before is None or before.done != after.done:
                self.ctx.notify_changed()
