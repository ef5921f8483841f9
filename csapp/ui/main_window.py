"""The switchboard: owns the pages and wires their intent signals in one place."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QSignalBlocker, QSize, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from csapp.ui import theme
from csapp.ui.context import AppContext
from csapp.ui.pages import PAGE_KEYS, PAGES

MIN_SIZE = QSize(1000, 640)


class MainWindow(QMainWindow):
    first_painted = Signal()
    home_ready = Signal()
    page_shown = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("客户服务管理 · 学习与考试")
        self.setMinimumSize(MIN_SIZE)
        self._pages: dict[str, QWidget] = {}
        self._painted = False

        root = QWidget()
        layout = QHBoxLayout(root)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        # The shell stays clear of the ``Qt`` namespace and other enum-heavy classes until
        # the first frame is painted (see app.run_gui); a QFrame paints its style-sheet
        # background without WA_StyledBackground.
        side = QFrame()
        side.setObjectName("side")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 1, 0)  # keep the border-right line uncovered
        side_layout.setSpacing(0)
        title = QLabel("客户服务管理")
        title.setObjectName("appTitle")
        side_layout.addWidget(title)
        self.nav = QListView()
        self.nav.setObjectName("nav")
        self.nav.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self._nav_model = QStandardItemModel(self.nav)
        for i, spec in enumerate(PAGES):
            item = QStandardItem(spec.title)
            item.setToolTip(f"{spec.title}（Ctrl+{i + 1}）")
            self._nav_model.appendRow(item)
        self.nav.setModel(self._nav_model)
        side_layout.addWidget(self.nav, 1)
        side.setFixedWidth(176)
        layout.addWidget(side)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(root)

        self.nav.selectionModel().currentChanged.connect(
            lambda current, _prev: self.show_page(PAGE_KEYS[current.row()])
        )
        # The first frame is the shell; the home page is built right after it is on screen.
        with QSignalBlocker(self.nav.selectionModel()):
            self.nav.setCurrentIndex(self._nav_model.index(0, 0))
        self.installEventFilter(self)

    # -- pages -------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self._pages:
            spec = next(p for p in PAGES if p.key == key)
            page = spec.create(self.ctx)
            page.setObjectName(f"page_{key}")
            self._pages[key] = page
            self.stack.addWidget(page)
            self._connect_signals(key, page)
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = PAGE_KEYS.index(key)
        if self.nav.currentIndex().row() != row:
            self.nav.setCurrentIndex(self._nav_model.index(row, 0))
        self.page_shown.emit(key)
        return page

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        self._install_shortcuts()
        if self.stack.count() == 0:
            self.show_page(PAGE_KEYS[self.nav.currentIndex().row()])

    def current_page_key(self) -> str:
        return self.stack.currentWidget().objectName().removeprefix("page_")

    def _connect_signals(self, key: str, page: QWidget) -> None:
        """Every page-to-page path of the app is here: pages only emit what they want."""
        if hasattr(page, "navigate_requested"):
            page.navigate_requested.connect(self.show_page)
        if hasattr(page, "open_chapter_requested"):
            page.open_chapter_requested.connect(self._open_chapter)
        if key == "home":
            page.ready.connect(self.home_ready)
        if hasattr(page, "practice_requested"):
            page.practice_requested.connect(self._start_practice)
        if hasattr(page, "exam_resume_requested"):
            page.exam_resume_requested.connect(self._resume_exam)

    def _open_chapter(self, chapter_no: int, anchor: str) -> None:
        self.show_page("study").open_chapter(chapter_no, anchor)

    def _resume_exam(self, session_id: int) -> None:
        """Go on with an unfinished mock exam where its clock stopped."""
        self.show_page("exam").resume(session_id)

    def _start_practice(self, request: dict) -> None:
        """A page asked for a practice session (练习本章, 错题再练, 今日复习, resume, …)."""
        self.show_page("practice").start(request)

    # -- window ------------------------------------------------------------------------

    def _install_shortcuts(self) -> None:
        from PySide6.QtGui import QKeySequence, QShortcut

        app = QApplication.instance()
        zooms = (
            (QKeySequence.StandardKey.ZoomIn, 1),
            ("Ctrl+=", 1),
            (QKeySequence.StandardKey.ZoomOut, -1),
            ("Ctrl+0", 0),
        )
        for seq, step in zooms:
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.activated.connect(lambda s=step: theme.zoom(app, self.ctx.settings, s))
        for i, spec in enumerate(PAGES):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda k=spec.key: self.show_page(k))

    def restore_geometry(self, default_size: tuple[int, int]) -> None:
        data = self.ctx.settings.value("window/geometry")
        if isinstance(data, QByteArray) and self.restoreGeometry(data):
            return
        self.resize(*default_size)

    def closeEvent(self, event) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.sync()
        for page in self._pages.values():
            if hasattr(page, "save_state"):
                page.save_state()
        super().closeEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self._painted and obj is self and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._after_first_paint)  # once this paint has reached the screen
        return super().eventFilter(obj, event)
