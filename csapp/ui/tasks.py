"""Run core work off the GUI thread, with progress and cancel.

A job is a callable returning either a value or a generator that yields progress fractions
(0..1) and returns its value. Cancel closes the generator at its next yield, so the core's
``with`` blocks roll their transactions back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import GeneratorType
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals: smooth, without flooding


class Task(QObject):
    """Public signals are emitted on the GUI thread, so any slot (lambdas too) runs there."""

    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    # Emitted by the worker; queued over to the thread the Task lives in.
    _progress = Signal(float)
    _finished = Signal(object)
    _failed = Signal(object)
    _cancelled = Signal()

    _running: ClassVar[set[Task]] = set()

    def __init__(self, job: Callable[[], Any], name: str = "task") -> None:
        super().__init__()
        self._job = job
        self._name = name
        self._cancel = threading.Event()
        self.done = threading.Event()
        queued = Qt.ConnectionType.QueuedConnection
        self._progress.connect(self.progress, queued)
        self._finished.connect(self._finish, queued)
        self._failed.connect(self._fail, queued)
        self._cancelled.connect(self._cancel_done, queued)

    def start(self, pool: QThreadPool | None = None) -> Task:
        Task._running.add(self)
        runnable = QRunnable.create(self._run)
        (pool or QThreadPool.globalInstance()).start(runnable)
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _run(self) -> None:
        try:
            result = self._job()
            if isinstance(result, GeneratorType):
                result = self._drive(result)
                if result is _CANCELLED:
                    self._cancelled.emit()
                    return
            self._finished.emit(result)
        except BaseException as exc:
            log.exception("background task %s failed", self._name)
            self._failed.emit(exc)
        finally:
            self.done.set()

    def _finish(self, result: object) -> None:
        Task._running.discard(self)
        self.finished.emit(result)

    def _fail(self, exc: object) -> None:
        Task._running.discard(self)
        self.failed.emit(exc)

    def _cancel_done(self) -> None:
        Task._running.discard(self)
        self.cancelled.emit()

    def _drive(self, gen: Any) -> Any:
        last = 0.0
        try:
            while True:
                if self._cancel.is_set():
                    gen.close()
                    return _CANCELLED
                fraction = next(gen)
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL:
                    last = now
                    self._progress.emit(float(fraction))
        except StopIteration as stop:
            self._progress.emit(1.0)
            return stop.value


_CANCELLED = object()


def run_task(
    job: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    name: str = "task",
) -> Task:
    task = Task(job, name)
    if on_done:
        task.finished.connect(on_done)
    if on_error:
        task.failed.connect(on_error)
    return task.start()


class Recompute(QObject):
    """Figures recomputed on the pool whenever asked, one computation at a time.

    Asked again while one runs, it runs once more when that one ends and only that newest
    result is delivered, so what a page shows always ends up matching the library however
    often it changes. ``make_job`` is called on the GUI thread each time a run starts and
    returns the job, or None when there is nothing to compute (the library is closed).
    """

    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self, make_job: Callable[[], Callable[[], Any] | None], name: str, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._make_job = make_job
        self._name = name
        self._task: Task | None = None
        self.pending = False  # asked again while running

    @property
    def busy(self) -> bool:
        return self._task is not None

    def request(self) -> None:
        if self._task is not None:
            self.pending = True
            return
        job = self._make_job()
        if job is not None:
            self._task = run_task(job, self._done, self._fail, name=self._name)

    def _done(self, result: object) -> None:
        self._task = None
        if self.pending:
            self.pending = False
            self.request()
        else:
            self.finished.emit(result)

    def _fail(self, exc: object) -> None:
        self._task = None
        if self.pending:
            self.pending = False
            self.request()
        else:
            self.failed.emit(exc)
