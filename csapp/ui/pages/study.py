"""学习: the chapter list and the reader, with search across the course and practice links.

The place is kept per chapter and the chapter is marked read at its end. Each numbered section
carries a "练习本节" link (to the questions on that knowledge point, sub-sections included);
"练习本章" starts the chapter's 章节练习. Search (Ctrl+F) runs over every chapter through the
core's FTS5 index; hits are listed with their context, and the matches are highlighted in the
text, F3 / Shift+F3 (or Enter / Shift+Enter in the box) stepping through them chapter by
chapter.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSignalBlocker, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QKeySequence,
    QPalette,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from csapp.core.course import Chapter, chapters, next_to_read, sections
from csapp.ui import theme
from csapp.ui.context import AppContext
from csapp.ui.widgets.common import PageHeader, button, label, page_layout

if TYPE_CHECKING:
    from csapp.core.search import Hit

LINE_HEIGHT = 165  # percent: generous spacing for Chinese body text
SAVE_DELAY_MS = 800
SEARCH_DELAY_MS = 250
PRACTICE_SCHEME = "practice"
HIT_ROLE = Qt.ItemDataRole.UserRole + 1


def reading_status(reading) -> str:  # reading: csapp.core.library.Reading | None
    """未读 / 刚开始读 / 已读 42% / ✓ 已读完: opened and left at once is not "已读 0%"."""
    if reading is None:
        return "未读"
    if reading.done:
        return "✓ 已读完"
    return f"已读 {reading.percent:.0f}%" if reading.percent >= 1 else "刚开始读"


class HtmlDelegate(QStyledItemDelegate):
    """List items whose text is a little HTML (search hits with the match in bold)."""

    def _doc(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        # A second line in <span class="muted"> (a chapter's reading status) reads quieter,
        # except on the selected row, where the highlight's own text colour keeps it legible.
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        muted = (
            option.palette.color(QPalette.ColorRole.HighlightedText).name()
            if selected
            else theme.colors().muted
        )
        doc.setDefaultStyleSheet(f"span.muted {{ color: {muted}; }}")
        doc.setHtml(index.data(Qt.ItemDataRole.DisplayRole) or "")
        doc.setTextWidth(max(80, option.rect.width() - 16))
        return doc

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._doc(option, index)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.left() + 8, option.rect.top() + 6)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        doc = self._doc(option, index)
        return QSize(int(doc.idealWidth()) + 16, int(doc.size().height()) + 12)


class StudyPage(QWidget):
    navigate_requested = Signal(str)
    practice_requested = Signal(dict)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._chapter: Chapter | None = None
        self._query = ""
        self._hits: list[Hit] = []
        self._matches: list[QTextCursor] = []
        self._match = -1
        layout = page_layout(self)
        top = QHBoxLayout()
        self.header = PageHeader("学习", "按章节阅读教材；读到最后，这一章就记为读完。")
        top.addWidget(self.header, 1)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("搜索教材（Ctrl+F），如：服务质量、PDCA")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(320)
        top.addWidget(self.search_box, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.left = QStackedWidget()
        self.list = QListView()
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.model = QStandardItemModel(self.list)
        self.list.setModel(self.model)
        self.list.setMinimumWidth(230)
        self.list.setWordWrap(True)
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left.addWidget(self.list)

        results = QWidget()
        rl = QVBoxLayout(results)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(6)
        head = QHBoxLayout()
        self.results_label = label("", "muted")
        head.addWidget(self.results_label, 1)
        self.close_results = button("章节列表")
        self.close_results.setToolTip("关闭搜索结果，回到章节列表（Esc）")
        head.addWidget(self.close_results)
        rl.addLayout(head)
        self.hits_view = QListView()
        self.hits_view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.hits_view.setWordWrap(True)
        self.hits_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hits_view.setItemDelegate(HtmlDelegate(self.hits_view))
        self.hits_model = QStandardItemModel(self.hits_view)
        self.hits_view.setModel(self.hits_model)
        rl.addWidget(self.hits_view, 1)
        self.left.addWidget(results)
        splitter.addWidget(self.left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(8)
        bar = QHBoxLayout()
        bar.addWidget(label("本章目录", "muted"))
        self.toc = QComboBox()
        self.toc.setMinimumWidth(240)
        self.toc.activated.connect(lambda i: self.jump_to(self.toc.itemData(i)))
        bar.addWidget(self.toc, 1)
        self.read_label = label("", "muted")
        bar.addWidget(self.read_label)
        self.practice_button = button("练习本章", primary=True)
        self.practice_button.setToolTip("按顺序练习这一章的题目（章节练习）")
        self.practice_button.clicked.connect(self._practice_chapter)
        bar.addWidget(self.practice_button)
        right_layout.addLayout(bar)

        self.find_bar = QWidget()
        fb = QHBoxLayout(self.find_bar)
        fb.setContentsMargins(0, 0, 0, 0)
        self.find_label = label("", "muted")
        fb.addWidget(self.find_label, 1)
        self.prev_hit = button("↑ 上一处")
        self.prev_hit.setToolTip("上一处（Shift+F3）")
        self.next_hit = button("↓ 下一处")
        self.next_hit.setToolTip("下一处（F3）")
        fb.addWidget(self.prev_hit)
        fb.addWidget(self.next_hit)
        self.find_bar.setVisible(False)
        right_layout.addWidget(self.find_bar)

        self.reader = QTextBrowser()
        self.reader.setOpenLinks(False)
        self.reader.setOpenExternalLinks(False)
        self.reader.document().setDocumentMargin(24)
        self.reader.anchorClicked.connect(self._link)
        right_layout.addWidget(self.reader, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 900])
        layout.addWidget(splitter, 1)

        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.search(self.search_box.text()))
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self._save_timer.start())
        self.list.selectionModel().currentChanged.connect(
            lambda cur, _prev: (
                cur.isValid() and self.open_chapter(cur.data(Qt.ItemDataRole.UserRole))
            )
        )
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self._search_enter)
        self.hits_view.clicked.connect(self._open_hit)
        self.hits_view.activated.connect(self._open_hit)
        self.close_results.clicked.connect(self.clear_search)
        self.next_hit.clicked.connect(self.next_match)
        self.prev_hit.clicked.connect(self.prev_match)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence.StandardKey.FindNext, self, self.next_match)
        QShortcut(QKeySequence.StandardKey.FindPrevious, self, self.prev_match)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_box, self.clear_search)
        esc.setContext(Qt.ShortcutContext.WidgetShortcut)
        ctx.library_ready.connect(self._fill_list)
        ctx.library_changed.connect(self._library_changed)
        self._fill_list()

    # -- chapter list --------------------------------------------------------------------

    def _fill_list(self) -> None:
        reading = self.ctx.library.reading() if self.ctx.library else {}
        current = self._chapter.no if self._chapter else None
        blocker = QSignalBlocker(self.list.selectionModel())
        self.model.clear()
        for chapter in chapters():
            r = reading.get(chapter.no)
            status = reading_status(r)
            item = QStandardItem(
                f"{html.escape(chapter.label)}<br><span class='muted'>{status}</span>"
            )
            item.setData(chapter.no, Qt.ItemDataRole.UserRole)
            item.setEnabled(chapter.available)
            self.model.appendRow(item)
        del blocker
        if current is not None:
            self._select_row(current)
            self._update_read_label(reading.get(current))
        elif self.ctx.library is not None:
            # Never an empty reader: open where the learner goes on (home's 继续阅读 too).
            chapter_no = next_to_read({no for no, r in reading.items() if r.done})
            if chapter_no is not None:
                self.open_chapter(chapter_no)

    def _library_changed(self) -> None:
        # Questions may have been imported: the section links' counts change.
        if self._chapter is not None and self.ctx.library is not None:
            position = self.reader.verticalScrollBar().value()
            self._render(self._chapter)
            self.reader.verticalScrollBar().setValue(position)

    def _select_row(self, chapter_no: int) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(Qt.ItemDataRole.UserRole) == chapter_no:
                with QSignalBlocker(self.list.selectionModel()):
                    self.list.setCurrentIndex(self.model.index(row, 0))

    def _update_read_label(self, reading) -> None:
        self.read_label.setText(reading_status(reading))

    # -- reader --------------------------------------------------------------------------

    def open_chapter(self, chapter_no: int, anchor: str = "") -> None:
        """Show a chapter, at ``anchor`` (a section number or heading) or where it was left."""
        chapter = next((c for c in chapters() if c.no == chapter_no), None)
        if chapter is None or not chapter.available:
            return
        if self._chapter and self._chapter.no != chapter_no:
            self.save_state()
        if self._chapter is None or self._chapter.no != chapter_no:
            self._chapter = chapter
            self._render(chapter)
        self._select_row(chapter_no)
        reading = self.ctx.library.reading().get(chapter_no) if self.ctx.library else None
        self._update_read_label(reading)
        if anchor:
            self.jump_to(anchor)
        else:
            self.reader.verticalScrollBar().setValue(reading.position if reading else 0)

    def _section_links(self, chapter: Chapter, text: str) -> str:
        """The chapter's Markdown with a "练习本节" link under each section that has questions."""
        if self.ctx.library is None:
            return text
        from csapp.core.practice import section_counts

        anchors = [s.anchor for s in sections(text)]
        counts = section_counts(self.ctx.library.engine, chapter.no, anchors)
        out = []
        for line in text.splitlines():
            out.append(line)
            heading = sections(line)  # the line's numbered heading, if it is one
            n = counts.get(heading[0].anchor) if heading else 0
            if n:
                out.append("")
                out.append(f"[▸ 练习本节（{n} 题）]({PRACTICE_SCHEME}:{heading[0].anchor})")
        return "\n".join(out)

    def _render(self, chapter: Chapter) -> None:
        text = chapter.text()
        with QSignalBlocker(self.reader.verticalScrollBar()):
            self.reader.setMarkdown(self._section_links(chapter, text))
            self._space_lines()
        self.header.title.setText(chapter.label)
        self.header.set_subtitle("读到最后，这一章就记为读完；每一节标题下可以直接练习这一节。")
        self.toc.clear()
        for section in sections(text):
            indent = "" if section.level == 2 else "    "
            self.toc.addItem(f"{indent}{section.heading}", section.anchor)
        self._find_matches()

    def _space_lines(self) -> None:
        doc = self.reader.document()
        cursor = QTextCursor(doc)
        cursor.select(QTextCursor.SelectionType.Document)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setBottomMargin(8)
        cursor.mergeBlockFormat(fmt)

    def _heading_block(self, anchor: str):
        doc = self.reader.document()
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().headingLevel():
                text = block.text().strip()
                if text == anchor or text.startswith(f"{anchor} "):
                    return block
            block = block.next()
        return None

    def jump_to(self, anchor: str) -> bool:
        """Scroll so the heading numbered (or titled) ``anchor`` is at the top."""
        anchor = anchor.strip()
        m = re.match(r"^(\d+(?:\.\d+)+)", anchor)
        block = self._heading_block(m.group(1) if m else anchor)
        if block is None and m:
            # A knowledge point deeper than the headings: fall back to its parent section.
            parts = m.group(1).split(".")
            while block is None and len(parts) > 2:
                parts.pop()
                block = self._heading_block(".".join(parts))
        if block is None:
            return False
        rect = self.reader.document().documentLayout().blockBoundingRect(block)
        self.reader.verticalScrollBar().setValue(int(rect.top()))
        number = block.text().split(" ", 1)[0]
        index = self.toc.findData(number)
        if index >= 0:
            self.toc.setCurrentIndex(index)
        return True

    def _link(self, url: QUrl) -> None:
        if url.scheme() == PRACTICE_SCHEME and self._chapter is not None:
            anchor = url.path() or url.toString().split(":", 1)[-1]
            heading = next(
                (s.heading for s in sections(self._chapter.text()) if s.anchor == anchor), anchor
            )
            self.practice_requested.emit(
                {"mode": "section", "chapters": [self._chapter.no], "section": heading}
            )

    def _practice_chapter(self) -> None:
        if self._chapter is not None:
            self.save_state()
            self.practice_requested.emit({"mode": "chapter", "chapters": [self._chapter.no]})

    def save_state(self) -> None:
        if self._chapter is None or self.ctx.library is None:
            return
        bar = self.reader.verticalScrollBar()
        percent = 100.0 if bar.maximum() == 0 else 100.0 * bar.value() / bar.maximum()
        before = self.ctx.library.reading().get(self._chapter.no)
        after = self.ctx.library.save_reading(self._chapter.no, bar.value(), percent)
        self._update_read_label(after)
        if before is None or before.done != after.done or int(before.percent) != int(after.percent):
            self._fill_list()
            if before is None or before.done != after.done:
                self.ctx.notify_changed()

    # -- search --------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _search_enter(self) -> None:
        text = self.search_box.text().strip()
        if text != self._query:
            self._search_timer.stop()
            self.search(text)
            if self._hits:
                self.open_hit(0)
        elif self._hits:
            self.next_match()

    def search(self, query: str) -> list[Hit]:
        """Search every chapter; list the sections that match and highlight the matches."""
        from csapp.core.search import search

        query = query.strip()
        self._query = query
        if self.search_box.text().strip() != query:
            with QSignalBlocker(self.search_box):
                self.search_box.setText(query)
        if not query:
            self.clear_search()
            return []
        self._hits = search(query)
        self.hits_model.clear()
        for i, hit in enumerate(self._hits):
            title = hit.heading
            if not title.startswith(f"第{hit.chapter_no}章"):
                title = f"第{hit.chapter_no}章 · {title}"
            text = f"<b>{html.escape(title)}</b><br><span>{hit.snippet_html}</span>"
            item = QStandardItem(text)
            item.setData(i, HIT_ROLE)
            self.hits_model.appendRow(item)
        total = sum(h.count for h in self._hits)
        if self._hits:
            self.results_label.setText(f"“{query}”：{len(self._hits)} 节，共 {total} 处")
        else:
            self.results_label.setText(f"没有找到“{query}”。换个说法试试，比如只搜关键的两三个字。")
        self.left.setCurrentIndex(1)
        self._find_matches()
        return self._hits

    def clear_search(self) -> None:
        self._query = ""
        self._hits = []
        with QSignalBlocker(self.search_box):
            self.search_box.clear()
        self.hits_model.clear()
        self.left.setCurrentIndex(0)
        self._find_matches()

    def _open_hit(self, index: QModelIndex) -> None:
        self.open_hit(int(index.data(HIT_ROLE)))

    def open_hit(self, i: int) -> None:
        """Open the chapter of hit ``i`` at its section and select the first match there."""
        if not 0 <= i < len(self._hits):
            return
        hit = self._hits[i]
        self.open_chapter(hit.chapter_no, hit.target)
        with QSignalBlocker(self.hits_view.selectionModel()):
            self.hits_view.setCurrentIndex(self.hits_model.index(i, 0))
        block = self._heading_block(hit.target) if hit.target else None
        start = block.position() if block is not None else 0
        first = next((k for k, c in enumerate(self._matches) if c.selectionStart() >= start), 0)
        self._select_match(first)

    def _terms(self) -> list[str]:
        return [t for t in self._query.split() if t]

    def _find_matches(self) -> None:
        """Every match of the query in the open chapter, highlighted."""
        self._matches = []
        self._match = -1
        doc = self.reader.document()
        for term in self._terms():
            cursor = QTextCursor(doc)
            while True:
                cursor = doc.find(term, cursor)
                if cursor.isNull():
                    break
                self._matches.append(QTextCursor(cursor))
        self._matches.sort(key=lambda c: c.selectionStart())
        self._paint_matches()

    def _paint_matches(self) -> None:
        c = theme.colors()
        plain = QTextCharFormat()
        plain.setBackground(QColor("#6b5a12" if c.dark else "#fff1a8"))
        current = QTextCharFormat()
        current.setBackground(QColor(c.warn))
        current.setForeground(QColor(c.surface))
        selections = []
        for i, cursor in enumerate(self._matches):
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format = current if i == self._match else plain
            selections.append(sel)
        self.reader.setExtraSelections(selections)
        # Stepping through matches needs a match somewhere; "没有找到" on the left says the rest.
        self.find_bar.setVisible(bool(self._query and self._hits))
        if self._query:
            where = f"第 {self._match + 1} / {len(self._matches)} 处" if self._match >= 0 else ""
            here = f"本章 {len(self._matches)} 处" if not where else f"本章{where}"
            self.find_label.setText(f"搜索“{self._query}”：{here}（F3 下一处，Shift+F3 上一处）")

    def _select_match(self, i: int) -> None:
        if not self._matches:
            self._paint_matches()
            return
        self._match = i % len(self._matches)
        cursor = self._matches[self._match]
        self._paint_matches()
        rect = self.reader.cursorRect(cursor)
        bar = self.reader.verticalScrollBar()
        viewport = self.reader.viewport().height()
        if rect.top() < 0 or rect.bottom() > viewport:
            bar.setValue(bar.value() + rect.top() - viewport // 3)

    def _other_chapter_hit(self, forward: bool) -> int | None:
        """The index of the first (or last) hit in the next (or previous) chapter with hits."""
        if not self._hits:
            return None
        here = self._chapter.no if self._chapter else 0
        if forward:
            later = (i for i, h in enumerate(self._hits) if h.chapter_no > here)
            return next(later, 0)
        earlier = [i for i, h in enumerate(self._hits) if h.chapter_no < here]
        return earlier[-1] if earlier else len(self._hits) - 1

    def next_match(self) -> None:
        if not self._query:
            return
        if self._match + 1 < len(self._matches):
            self._select_match(self._match + 1)
            return
        target = self._other_chapter_hit(forward=True)
        if target is None:
            return
        if self._chapter and self._hits[target].chapter_no == self._chapter.no:
            self._select_match(0)  # the only chapter with hits: wrap round
        else:
            self.open_hit(target)

    def prev_match(self) -> None:
        if not self._query:
            return
        if self._match > 0:
            self._select_match(self._match - 1)
            return
        target = self._other_chapter_hit(forward=False)
        if target is None:
            return
        if self._chapter and self._hits[target].chapter_no == self._chapter.no:
            self._select_match(len(self._matches) - 1)
        else:
            hit = self._hits[target]
            self.open_chapter(hit.chapter_no, hit.target)
            self._select_match(len(self._matches) - 1)
