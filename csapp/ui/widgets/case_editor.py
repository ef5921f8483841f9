"""The case editor: the material (highlights, pinned notes) beside the questions, each with a
rich-text answer; autosave that never blocks typing; an optional countdown.

Autosave: the first change after a save starts a short timer (``AUTOSAVE_DELAY_MS``); when it
fires, the GUI thread only collects each changed answer's HTML (about a millisecond) and hands
it to ``cases.DraftWriter``, whose own thread writes it in one short transaction. So whatever
was typed is in the database well within two seconds, and typing never waits for the disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeySequence,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QListView,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from csapp.core import cases
from csapp.core.keypoints import count_chars
from csapp.ui import theme
from csapp.ui.models.table import RowsModel
from csapp.ui.widgets.common import button, label, restyle

if TYPE_CHECKING:
    from csapp.core.library import Library

log = logging.getLogger(__name__)

AUTOSAVE_DELAY_MS = 600  # ≤ 1 s from the first unsaved change to handing the text over
TIMER_CHOICES = (10, 15, 20, 30, 45)
DEFAULT_MINUTES = 20


# -- offsets: Python counts code points, Qt counts UTF-16 units ----------------------------


def qt_pos(text: str, index: int) -> int:
    """Qt's position for ``text[index]`` (differs only after characters beyond U+FFFF)."""
    head = text[:index]
    return index + sum(1 for ch in head if ord(ch) > 0xFFFF)


def py_index(text: str, pos: int) -> int:
    """The Python index for Qt position ``pos`` in ``text``."""
    units = 0
    for i, ch in enumerate(text):
        if units >= pos:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def text_range(view: QTextEdit, text: str, start: int, end: int) -> QTextCursor:
    """A cursor selecting ``text[start:end]`` (Python indices) in ``view``, which shows ``text``."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_pos(text, start))
    cursor.setPosition(qt_pos(text, end), QTextCursor.MoveMode.KeepAnchor)
    return cursor


def extra_selection(
    view: QTextEdit, text: str, start: int, end: int, fmt: QTextCharFormat
) -> QTextEdit.ExtraSelection:
    """``fmt`` painted over ``text[start:end]`` without touching the document."""
    sel = QTextEdit.ExtraSelection()
    sel.cursor = text_range(view, text, start, end)
    sel.format = fmt
    return sel


def _soft(color: str, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def set_reading_format(
    doc_owner: QTextEdit, line_height: int = 165, gap: int = 8, shrink_blank: bool = True
) -> None:
    """Generous line spacing for every paragraph (kept out of the undo history).

    ``shrink_blank`` turns blank lines into small gaps: for read-only text only, since a
    blank block one types into would keep the small line height.
    """
    doc = doc_owner.document()
    enabled = doc.isUndoRedoEnabled()
    doc.setUndoRedoEnabled(False)
    cursor = QTextCursor(doc)
    cursor.select(QTextCursor.SelectionType.Document)
    fmt = QTextBlockFormat()
    fmt.setLineHeight(line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    fmt.setBottomMargin(gap)
    cursor.mergeBlockFormat(fmt)
    # Blank lines between paragraphs become a small gap instead of a whole empty line.
    block = doc.begin() if shrink_blank else doc.end()
    while block.isValid():
        if not block.text().strip() and block.textList() is None:
            small = QTextBlockFormat()
            small.setLineHeight(35, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            small.setBottomMargin(0)
            QTextCursor(block).mergeBlockFormat(small)
        block = block.next()
    doc.setUndoRedoEnabled(enabled)


# -- the material ------------------------------------------------------------------------


class MaterialView(QWidget):
    """The case material, read-only; select a passage to highlight it or pin a note to it."""

    failed = Signal(str)

    def __init__(self, library: Library | None = None) -> None:
        super().__init__()
        self.library = library
        self.case_id: int | None = None
        self.material = ""
        self.marks: list[cases.Highlight] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(label("案例材料", "h2"))
        bar.addStretch()
        self.highlight_button = self._tool("高亮", "把选中的文字标出来（Ctrl+H）", "Ctrl+H")
        self.highlight_button.clicked.connect(lambda: self.highlight_selection())
        self.note_button = self._tool("批注", "给选中的文字加一条批注（Ctrl+M）", "Ctrl+M")
        self.note_button.clicked.connect(self.note_selection)
        self.clear_button = self._tool("取消标记", "去掉选中文字上的高亮和批注", "")
        self.clear_button.clicked.connect(self.clear_selection)
        for b in (self.highlight_button, self.note_button, self.clear_button):
            bar.addWidget(b)
        layout.addLayout(bar)

        self.split = QSplitter(Qt.Orientation.Vertical)
        self.view = QTextBrowser()
        self.view.setObjectName("caseMaterial")
        self.view.setOpenLinks(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionChanged.connect(self._update_buttons)
        self.view.viewport().installEventFilter(self)
        self.view.viewport().setMouseTracking(True)
        self.split.addWidget(self.view)

        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 4, 0, 0)
        notes_layout.setSpacing(4)
        self.notes_title = label("我的标记", "muted")
        notes_layout.addWidget(self.notes_title)
        self.notes = QListView()
        self.notes.setWordWrap(True)
        self.notes.setUniformItemSizes(False)
        self.notes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notes_model = RowsModel([("标记", self._note_text)], self.notes)
        self.notes.setModel(self.notes_model)
        self.notes.clicked.connect(self._show_mark)
        self.notes.activated.connect(self._edit_mark)
        self.notes.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.notes.customContextMenuRequested.connect(self._notes_menu)
        notes_layout.addWidget(self.notes)
        self.split.addWidget(notes_box)
        self.split.setStretchFactor(0, 4)
        self.split.setStretchFactor(1, 1)
        layout.addWidget(self.split, 1)
        self._update_buttons()

    def _tool(self, text: str, tip: str, shortcut: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        if shortcut:
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(b.click)
            self.addAction(action)
        return b

    @staticmethod
    def _note_text(h: cases.Highlight) -> str:
        quote = h.quote if len(h.quote) <= 40 else h.quote[:38] + "…"
        lost = "（材料已修改，原文找不到了）" if h.lost else ""
        if h.note:
            return f"“{quote}”{lost}\n批注：{h.note}"
        return f"“{quote}”{lost}"

    # -- content --

    def set_case(self, case_id: int, material: str) -> None:
        self.case_id = case_id
        self.material = material
        self.view.setPlainText(material)
        set_reading_format(self.view, 175, 10)
        self.reload_marks()

    def reload_marks(self) -> None:
        if self.library is None or self.case_id is None:
            self.marks = []
        else:
            self.marks = cases.highlights(self.library.engine, self.case_id)
        self.notes_model.set_rows(self.marks)
        self.notes.parentWidget().setVisible(bool(self.marks))
        self.notes_title.setText(f"我的标记（{len(self.marks)}）")
        self.paint_marks()

    def paint_marks(self) -> None:
        c = theme.colors()
        selections = []
        for h in self.marks:
            if h.lost:
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(_soft(c.warn, 95 if c.dark else 70))
            if h.note:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(QColor(c.warn))
            selections.append(extra_selection(self.view, self.material, h.start, h.end, fmt))
        self.view.setExtraSelections(selections)

    def selection_range(self) -> tuple[int, int] | None:
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return None
        start = py_index(self.material, cursor.selectionStart())
        end = py_index(self.material, cursor.selectionEnd())
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        self.view.setTextCursor(text_range(self.view, self.material, start, end))
        self.view.ensureCursorVisible()

    # -- actions --

    def _update_buttons(self) -> None:
        has = self.selection_range() is not None
        for b in (self.highlight_button, self.note_button):
            b.setEnabled(has)
        self.clear_button.setEnabled(has and self._marks_in_selection())

    def _marks_in_selection(self) -> bool:
        sel = self.selection_range()
        return bool(sel) and any(h.start < sel[1] and h.end > sel[0] for h in self.marks)

    def highlight_selection(self, note: str = "") -> cases.Highlight | None:
        sel = self.selection_range()
        if sel is None or self.library is None or self.case_id is None:
            return None
        try:
            mark = cases.add_highlight(self.library.engine, self.case_id, *sel, note=note)
        except cases.CaseError as exc:
            self.failed.emit(str(exc))
            return None
        self.reload_marks()
        return mark

    def note_selection(self) -> cases.Highlight | None:
        if self.selection_range() is None:
            return None
        text, ok = QInputDialog.getText(
            self, "批注", f"写一句批注（最多 {cases.NOTE_MAX_CHARS} 字）："
        )
        if not ok or not text.strip():
            return None
        return self.highlight_selection(note=text)

    def clear_selection(self) -> int:
        sel = self.selection_range()
        if sel is None or self.library is None or self.case_id is None:
            return 0
        n = cases.remove_highlights(self.library.engine, self.case_id, *sel)
        self.reload_marks()
        return n

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        has = self.selection_range() is not None
        menu.addAction("复制", self.view.copy).setEnabled(has)
        menu.addSeparator()
        menu.addAction("高亮", lambda: self.highlight_selection()).setEnabled(has)
        menu.addAction("批注…", self.note_selection).setEnabled(has)
        menu.addAction("取消标记", self.clear_selection).setEnabled(
            has and self._marks_in_selection()
        )
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _show_mark(self, index) -> None:
        h = self.notes_model.row_object(index.row())
        if not h.lost:
            self.select_range(h.start, h.end)

    def _edit_mark(self, index) -> None:
        h = self.notes_model.row_object(index.row())
        text, ok = QInputDialog.getText(self, "批注", "修改批注（留空则只保留高亮）：", text=h.note)
        if ok and self.library is not None:
            try:
                cases.set_note(self.library.engine, h.id, text)
            except cases.CaseError as exc:
                self.failed.emit(str(exc))
            self.reload_marks()

    def _notes_menu(self, pos) -> None:
        index = self.notes.indexAt(pos)
        if not index.isValid() or self.library is None:
            return
        h = self.notes_model.row_object(index.row())
        menu = QMenu(self)
        menu.addAction("编辑批注…", lambda: self._edit_mark(index))
        menu.addAction("删除这条标记", lambda: self._delete_mark(h.id))
        menu.exec(self.notes.viewport().mapToGlobal(pos))

    def _delete_mark(self, mark_id: int) -> None:
        if self.library is not None:
            cases.delete_highlight(self.library.engine, mark_id)
            self.reload_marks()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and obj is self.view.viewport():
            pos = py_index(self.material, self.view.cursorForPosition(event.pos()).position())
            notes = [h.note for h in self.marks if h.note and not h.lost and h.start <= pos < h.end]
            if notes:
                QToolTip.showText(event.globalPos(), "\n".join(notes), self.view)
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(obj, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.paint_marks()
        super().changeEvent(event)


# -- one answer --------------------------------------------------------------------------


class _AnswerEdit(QTextEdit):
    """A QTextEdit that pastes plain text (formatting from other programs stays outside) and
    handles its formatting keys itself, so they work wherever the focus came from."""

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptRichText(False)
        self.setTabChangesFocus(False)
        self.keys: list[tuple[QKeySequence, object]] = []

    def keyPressEvent(self, event) -> None:
        pressed = QKeySequence(event.keyCombination())
        for seq, slot in self.keys:
            if seq.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                slot()
                event.accept()
                return
        super().keyPressEvent(event)


class AnswerEditor(QWidget):
    """One question: its stem, a formatting toolbar, the answer, and a live character count.

    The keystroke path calls plain Python callbacks (``on_change``) rather than emitting
    signals, and touches Qt setters only when a shown value really changes (the count is
    refreshed on a short timer). Typing stays cheap, and the path is immune to binding bugs
    such as PySide6 6.12's lost references on Python 3.11 (see tests/ui/test_qt_refcounts.py).
    """

    COUNT_REFRESH_MS = 250

    def __init__(self, question: cases.CaseQuestion) -> None:
        super().__init__()
        self.question = question
        self.on_change: Callable[[], None] | None = None
        self.on_counted: Callable[[int], None] | None = None
        self._count_text = ""
        self._count_role = ""
        self._bold = False
        self._list_style: object = None
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(self.COUNT_REFRESH_MS)
        self._refresh.timeout.connect(self._update_count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        stem = label(f"{question.number}. {question.stem}", wrap=True)
        stem.setObjectName("caseStem")
        font = stem.font()
        font.setWeight(QFont.Weight.DemiBold)
        stem.setFont(font)
        layout.addWidget(stem)
        self.hint = label(
            f"本问 {question.marks:g} 分 · 建议写 {question.suggested_chars} 字左右，"
            "先点出要点，再结合案例说明",
            "muted",
            wrap=True,
        )
        layout.addWidget(self.hint)

        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.edit = _AnswerEdit()
        self.edit.setObjectName("caseAnswer")
        self.edit.setPlaceholderText("在这里作答。每写一个要点，最好另起一段，并说明案例中的依据。")
        self.bold_button = self._tool("B", "加粗（Ctrl+B）", "Ctrl+B", self.toggle_bold, True)
        bold_font = self.bold_button.font()
        bold_font.setBold(True)
        self.bold_button.setFont(bold_font)
        self.bullet_button = self._tool(
            "• 列表", "项目符号列表（Ctrl+Shift+8）", "Ctrl+Shift+8", self.toggle_bullets, True
        )
        self.number_button = self._tool(
            "1. 编号", "编号列表（Ctrl+Shift+7）", "Ctrl+Shift+7", self.toggle_numbers, True
        )
        self.undo_button = self._tool("撤销", "撤销（Ctrl+Z）", "", self.edit.undo, False)
        self.redo_button = self._tool("重做", "重做（Ctrl+Shift+Z）", "", self.edit.redo, False)
        for b in (self.bold_button, self.bullet_button, self.number_button):
            bar.addWidget(b)
        sep = QFrame()
        sep.setFrameShape(QFrame.Shape.VLine)
        bar.addWidget(sep)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)
        bar.addStretch()
        self.count = label("", "muted")
        bar.addWidget(self.count)
        layout.addLayout(bar)
        layout.addWidget(self.edit, 1)

        # Ctrl+Y as well as the platform's redo key (Ctrl+Shift+Z, built into QTextEdit).
        self.edit.keys.append((QKeySequence("Ctrl+Y"), self.edit.redo))

        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.edit.undoAvailable.connect(self.undo_button.setEnabled)
        self.edit.redoAvailable.connect(self.redo_button.setEnabled)
        self.edit.currentCharFormatChanged.connect(self._format_changed)
        self.edit.cursorPositionChanged.connect(self._list_changed)
        self.set_html(question.draft)
        self.edit.textChanged.connect(self._text_changed)

    def _tool(self, text, tip, shortcut, slot, checkable) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setCheckable(checkable)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the caret in the answer
        b.clicked.connect(slot)
        if shortcut:
            self.edit.keys.append((QKeySequence(shortcut), slot))
        return b

    # -- content --

    def set_html(self, content: str, undoable: bool = False) -> None:
        """Show ``content`` (HTML or plain text); undoable=True keeps it one Ctrl+Z away."""
        from csapp.core import richtext

        if undoable:
            cursor = self.edit.textCursor()
            cursor.beginEditBlock()
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.removeSelectedText()
            if richtext.looks_like_html(content):
                cursor.insertHtml(content)
            else:
                cursor.insertText(content)
            cursor.endEditBlock()
        else:
            blocked = self.edit.blockSignals(True)
            if richtext.looks_like_html(content):
                self.edit.setHtml(content)
            else:
                self.edit.setPlainText(content)
            self.edit.blockSignals(blocked)
            set_reading_format(self.edit, shrink_blank=False)
            self.edit.document().clearUndoRedoStacks()
            self.edit.document().setModified(False)
        self._update_count()

    def html(self) -> str:
        return self.edit.toHtml()

    def plain(self) -> str:
        return self.edit.toPlainText()

    def chars(self) -> int:
        return count_chars(self.edit.toPlainText())

    def _text_changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
        if not self._refresh.isActive():
            self._refresh.start()

    def _update_count(self) -> None:
        n = self.chars()
        target = self.question.suggested_chars
        text = f"已写 {n} 字 / 建议 {target} 字"
        if text != self._count_text:
            self._count_text = text
            self.count.setText(text)
        role = "muted" if n < target * 1.6 else "bad"
        if role != self._count_role:
            self._count_role = role
            self.count.setProperty("role", role)
            restyle(self.count)
        if self.on_counted is not None:
            self.on_counted(n)

    # -- formatting --

    def toggle_bold(self) -> None:
        bold = self.edit.fontWeight() < QFont.Weight.DemiBold.value
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold.value if bold else QFont.Weight.Normal.value)
        self.edit.mergeCurrentCharFormat(fmt)
        self._bold = bold
        self.bold_button.setChecked(bold)

    def _selected_blocks(self) -> list:
        cursor = self.edit.textCursor()
        doc = self.edit.document()
        block = doc.findBlock(cursor.selectionStart())
        last = doc.findBlock(cursor.selectionEnd())
        out = []
        while block.isValid():
            out.append(block)
            if block == last:
                break
            block = block.next()
        return out

    def _toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.edit.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            for block in self._selected_blocks():
                lst = block.textList()
                if lst is not None:
                    lst.remove(block)
                    fmt = block.blockFormat()
                    fmt.setIndent(0)
                    QTextCursor(block).setBlockFormat(fmt)
        elif current is not None:
            fmt = current.format()
            fmt.setStyle(style)
            current.setFormat(fmt)
        else:
            fmt = QTextListFormat()
            fmt.setStyle(style)
            cursor.createList(fmt)
        cursor.endEditBlock()
        self._list_changed()

    def toggle_bullets(self) -> None:
        self._toggle_list(QTextListFormat.Style.ListDisc)

    def toggle_numbers(self) -> None:
        self._toggle_list(QTextListFormat.Style.ListDecimal)

    def _format_changed(self, fmt: QTextCharFormat) -> None:
        bold = fmt.fontWeight() >= QFont.Weight.DemiBold.value
        if bold != self._bold:
            self._bold = bold
            self.bold_button.setChecked(bold)

    def _list_changed(self) -> None:
        current = self.edit.textCursor().currentList()
        style = current.format().style() if current is not None else None
        if style != self._list_style:
            self._list_style = style
            self.bullet_button.setChecked(style == QTextListFormat.Style.ListDisc)
            self.number_button.setChecked(style == QTextListFormat.Style.ListDecimal)


# -- the whole editor --------------------------------------------------------------------


class CaseEditor(QWidget):
    """Write the answers to one case. Emits intents; the page decides what happens next."""

    back_requested = Signal()
    submit_requested = Signal()
    versions_requested = Signal()
    export_requested = Signal()
    POLL_MS = 200  # how often the screen asks the writer thread what it has saved

    def __init__(self, library: Library | None = None) -> None:
        super().__init__()
        self.library: Library | None = None
        self.writer: cases.DraftWriter | None = None
        self.case: cases.CaseDetail | None = None
        self.session: cases.EditingSession | None = None
        self.editors: list[AnswerEditor] = []
        self._dirty: set[int] = set()
        self._label_state = ""
        self.last_collect_ms = 0.0  # GUI-thread time of the last autosave tick (benchmarks)
        self.save_times: list[tuple[float, float]] = []  # (collect ms, write ms)
        self.latencies: list[float] = []  # seconds from a change to its commit (benchmarks)
        self._pending_since: dict[int, float] = {}  # first change not yet handed over
        self._in_flight: dict[int, float] = {}  # ... handed over, not yet known saved

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.save_now)
        # The writer thread never calls into Qt; the screen collects its news instead.
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._poll_writer)

        self.minutes: int | None = None
        self._deadline_ms = 0
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_timer)
        self.time_up = False

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.back_button = button("← 案例列表")
        self.back_button.clicked.connect(self.back_requested)
        top.addWidget(self.back_button)
        self.title = label("", "h2")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        top.addWidget(self.title, 1)
        self.save_label = label("", "muted")
        self.save_label.setObjectName("caseSaveState")
        top.addWidget(self.save_label)
        self.timer_button = button("限时作答")
        self.timer_button.setObjectName("caseTimer")
        self.timer_menu = QMenu(self.timer_button)
        self.timer_button.setMenu(self.timer_menu)
        top.addWidget(self.timer_button)
        self.versions_button = button("版本记录")
        self.versions_button.clicked.connect(self.versions_requested)
        self.export_button = button("导出")
        self.export_button.clicked.connect(self.export_requested)
        self.submit_button = button("提交并对照要点", primary=True)
        self.submit_button.clicked.connect(self.submit_requested)
        for b in (self.versions_button, self.export_button, self.submit_button):
            top.addWidget(b)
        root.addLayout(top)

        self.banner = QFrame()
        self.banner.setProperty("card", True)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(14, 8, 14, 8)
        self.banner_text = label("", wrap=True)
        banner_layout.addWidget(self.banner_text, 1)
        self.banner_submit = button("现在提交", primary=True)
        self.banner_submit.clicked.connect(self.submit_requested)
        banner_layout.addWidget(self.banner_submit)
        self.banner.setVisible(False)
        root.addWidget(self.banner)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.material = MaterialView(None)
        self.split.addWidget(self.material)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        right_layout.addWidget(self.tabs)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 9)
        self.split.setStretchFactor(1, 11)
        self.split.setChildrenCollapsible(False)
        root.addWidget(self.split, 1)
        self._sized = False
        self._fill_timer_menu()
        if library is not None:
            self.set_library(library)

    # -- set-up --

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized and self.split.width() > 200:
            self._sized = True
            w = self.split.width()
            self.split.setSizes([int(w * 0.46), w - int(w * 0.46)])

    def set_library(self, library: Library) -> None:
        if self.writer is not None:
            self.writer.close()
        self.library = library
        self.material.library = library
        self.writer = cases.DraftWriter(library.engine)

    def open_case(self, case_id: int, contents: dict[int, str] | None = None) -> None:
        """Show a case with the learner's drafts (or ``contents``, e.g. a restored version)."""
        assert self.library is not None
        self.flush()
        self.case = cases.load_case(self.library.engine, case_id)
        self.stop_timer()
        self.session = cases.EditingSession(case_id, None)
        self.title.setText(self.case.title)
        self.title.setToolTip(f"{self.case.chapter} · {self.case.bank}")
        self.material.set_case(case_id, self.case.material)
        self.tabs.clear()
        self.editors = []
        for q in self.case.questions:
            editor = AnswerEditor(q)
            editor.on_change = lambda qid=q.id: self._changed(qid)
            editor.on_counted = lambda _n, e=editor: self._update_tab(e)
            self.editors.append(editor)
            self.tabs.addTab(editor, self._tab_title(editor))
        for qid, content in (contents or {}).items():
            editor = self.editor_for(qid)
            if editor is not None:
                editor.set_html(content, undoable=True)
        self._clock.start()
        self._set_save_label()
        if self.editors:
            self.editors[0].edit.setFocus()

    def editor_for(self, question_id: int) -> AnswerEditor | None:
        return next((e for e in self.editors if e.question.id == question_id), None)

    def answer_edit(self, index: int) -> QTextEdit:
        return self.editors[index].edit

    def _tab_title(self, editor: AnswerEditor) -> str:
        n = editor.chars()
        return f"第{editor.question.number}问 · {editor.question.marks:g}分" + (
            f" · {n}字" if n else ""
        )

    # -- autosave --

    def _update_tab(self, editor: AnswerEditor) -> None:
        title = self._tab_title(editor)
        i = self.tabs.indexOf(editor)
        if i >= 0 and self.tabs.tabText(i) != title:
            self.tabs.setTabText(i, title)

    def _changed(self, question_id: int) -> None:
        """Called on every keystroke: bookkeeping in Python, Qt only when a state changes."""
        self._dirty.add(question_id)
        self._pending_since.setdefault(question_id, time.monotonic())
        if not self._autosave.isActive():
            self._autosave.start()
        if self._label_state != "dirty":
            self._label_state = "dirty"
            self.save_label.setText("有改动，马上保存…")

    def save_now(self) -> None:
        """Collect the changed answers' HTML and hand them to the writer thread."""
        if not self._dirty or self.writer is None or self.session is None:
            return
        started = time.perf_counter()
        dirty, self._dirty = self._dirty, set()
        for qid in dirty:
            if qid in self._pending_since:
                self._in_flight.setdefault(qid, self._pending_since.pop(qid))
            editor = self.editor_for(qid)
            if editor is not None:
                self.writer.put(qid, editor.html(), self.session)
        self.last_collect_ms = (time.perf_counter() - started) * 1000
        if not self._poll.isActive():
            self._poll.start()

    def _poll_writer(self) -> None:
        if self.writer is None:
            self._poll.stop()
            return
        self._handle(self.writer.drain())
        if not self.writer.pending and not self._dirty:
            self._poll.stop()
            self._handle(self.writer.drain())  # what finished meanwhile

    def _handle(self, events: list[tuple[str, object]]) -> None:
        for kind, payload in events:
            if kind == "saved":
                self._saved(*payload)
            else:
                self._save_failed(payload)

    def flush(self, wait: bool = False, timeout: float = 3.0) -> bool:
        """Save everything now; with ``wait``, block until it is in the database."""
        self._autosave.stop()
        self.save_now()
        if wait and self.writer is not None:
            return self.writer.flush(timeout)
        return True

    def _saved(self, ids: list[int], at: datetime, seconds: float) -> None:
        now = time.monotonic()
        for qid in ids:
            since = self._in_flight.pop(qid, None)
            if since is not None:  # an upper bound: the commit was earlier than this poll
                self.latencies.append(now - since)
        self.save_times.append((self.last_collect_ms, seconds * 1000))
        if not self._dirty:
            self._set_save_label(at)

    def _save_failed(self, exc: BaseException) -> None:
        from csapp.core.errors import user_message

        reason = user_message(exc) or "写入数据文件时出错。"
        self._label_state = "error"
        self.save_label.setText("⚠ 自动保存失败，正在重试")
        self.save_label.setToolTip(f"{reason}你写的内容仍在窗口中，不会丢失。")
        self.save_label.setProperty("role", "bad")
        restyle(self.save_label)

    def _set_save_label(self, at: datetime | None = None) -> None:
        self._label_state = "saved"
        self.save_label.setProperty("role", "muted")
        restyle(self.save_label)
        self.save_label.setToolTip("每次改动都会在两秒内自动保存，关掉程序也不会丢。")
        if at is None:
            self.save_label.setText("自动保存已开启")
        else:
            self.save_label.setText(f"已自动保存 {at.astimezone():%H:%M:%S}")

    def answers(self) -> dict[int, str]:
        return {e.question.id: e.html() for e in self.editors}

    def empty_questions(self) -> list[int]:
        return [e.question.number for e in self.editors if not e.plain().strip()]

    def elapsed_seconds(self) -> float:
        return self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0

    def start_new_session(self) -> None:
        """After a submission, further edits belong to a new editing session."""
        if self.case is not None:
            self.session = cases.EditingSession(self.case.id, self.minutes)

    # -- timed mode --

    def _fill_timer_menu(self) -> None:
        self.timer_menu.clear()
        if self.minutes is None:
            for m in TIMER_CHOICES:
                self.timer_menu.addAction(f"限时 {m} 分钟", lambda m=m: self.start_timer(m))
            self.timer_button.setText("限时作答")
            self.timer_button.setToolTip("像考试一样计时；时间到了会提醒你提交，但不会强行收卷。")
        else:
            self.timer_menu.addAction("停止计时", self.stop_timer)

    def start_timer(self, minutes: int = DEFAULT_MINUTES) -> None:
        self.minutes = minutes
        if self.session is not None and self.session.id is None:
            self.session.timed_minutes = minutes
        if not self._clock.isValid():
            self._clock.start()
        self._deadline_ms = self._clock.elapsed() + minutes * 60_000
        self.time_up = False
        self.banner.setVisible(False)
        self._tick.start()
        self._fill_timer_menu()
        self._update_timer()

    def stop_timer(self) -> None:
        self.minutes = None
        self._tick.stop()
        self.time_up = False
        self.banner.setVisible(False)
        self.timer_button.setStyleSheet("")
        self._fill_timer_menu()

    def remaining_seconds(self) -> int:
        if self.minutes is None:
            return 0
        return max(0, (self._deadline_ms - self._clock.elapsed()) // 1000)

    def _update_timer(self) -> None:
        if self.minutes is None:
            return
        left = self.remaining_seconds()
        self.timer_button.setText(f"剩余 {left // 60:02d}:{left % 60:02d}")
        if left <= 0 and not self.time_up:
            self.time_up = True
            self.timer_button.setText("时间到")
            self.timer_button.setStyleSheet(f"color: {theme.colors().bad}; font-weight: 600;")
            self.banner_text.setText(
                f"{self.minutes} 分钟到了。可以现在提交，也可以写完再交（会记下实际用时）。"
            )
            self.banner.setVisible(True)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.submit_button.setEnabled(not busy)
        self.banner_submit.setEnabled(not busy)
        if text:
            self.save_label.setText(text)

    def close_editor(self) -> None:
        """Stop the writer after everything is saved (the app is closing)."""
        self.flush(wait=True)
        self._poll.stop()
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def confirm_submit(parent: QWidget, empty: list[int]) -> bool:
    """Ask before submitting with unanswered questions."""
    if not empty:
        return True
    names = "、".join(f"第{n}问" for n in empty)
    answer = QMessageBox.question(
        parent,
        "提交答案",
        f"{names}还没有作答。仍然提交吗？没答的问会按 0 分记。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
