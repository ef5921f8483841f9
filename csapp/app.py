"""Entry point: argv → a CLI subcommand, or the GUI.

The path to the first painted window imports only Qt: the database layer (SQLModel,
SQLAlchemy) loads on a worker thread once the window is up, and the home page fills itself
when the library is ready.
"""

from __future__ import annotations

import os
import sys
import time

_T0 = time.perf_counter()


def main(argv: list[str] | None = None) -> int:
    from csapp import cli

    args = cli.parse(argv)
    if args.command:
        return cli.run(args)
    if args.page and not args.screenshot:
        print("--page 需要与 --screenshot 一起使用。", file=sys.stderr)
        return 2
    return run_gui(args)


def _timing(event: str) -> None:
    """With CSAPP_TIMING set, print wall-clock marks and peak RSS for benchmarks/startup.py."""
    if os.environ.get("CSAPP_TIMING"):
        import resource

        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"csapp-timing {event} {time.time():.6f} {peak_kb}", flush=True)


def run_gui(args) -> int:  # args: argparse.Namespace
    from csapp import paths

    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    # Nothing on the way to the first frame may touch the ``Qt`` namespace, QStyle or
    # QMessageBox from Python: PySide builds every enum of a class the first time the class is
    # used, ~20 ms for ``Qt`` alone (tests/ui/test_startup_path.py keeps it so).
    from PySide6.QtCore import QLockFile, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([*sys.argv[:1], "-style", "fusion"])
        app.setProperty("csapp_fusion", True)
    app.setApplicationName("csapp")
    app.setApplicationDisplayName("客户服务管理")
    app.setOrganizationName("csapp")
    interactive = not args.screenshot

    def refuse(message: str, status: int) -> int:
        print(message, file=sys.stderr)
        if interactive:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "客户服务管理", message)
        return status

    try:
        data_dir = paths.prepare_data_dir(paths.resolve_data_dir(args.data_dir))
    except paths.DataDirError as exc:
        return refuse(str(exc), 2)
    from csapp.logs import log_path, setup_logging

    log_file = log_path(data_dir)

    lock = QLockFile(str(data_dir / "csapp.lock"))
    lock.setStaleLockTime(0)  # a lock is stale only when its process is gone
    if not lock.tryLock(200):
        return refuse(
            f"csapp 已经在使用这个数据文件夹（{data_dir}）。请切换到已经打开的窗口；"
            "如果要同时打开两个，请用 --data-dir 指定另一个文件夹。",
            3,
        )

    from csapp.ui import theme
    from csapp.ui.context import AppContext
    from csapp.ui.errors import install_exception_hook
    from csapp.ui.main_window import MainWindow

    install_exception_hook(log_file, interactive=interactive)
    ctx = AppContext(data_dir, log_file)
    theme.apply(app, ctx.settings, override=args.theme)
    window = MainWindow(ctx)
    if args.screenshot:
        window.resize(*args.size)
    else:
        window.restore_geometry(default_size=args.size)
    window.first_painted.connect(lambda: _timing("first-paint"))
    # The database layer is opened only once the window is on screen: its imports would
    # otherwise hold the GIL while Qt tries to paint.
    window.first_painted.connect(
        lambda: (setup_logging(data_dir), _install_qt_translations(app), ctx.start(interactive))
    )
    window.show()
    ctx.library_ready.connect(lambda: _timing("library-ready"))
    # Idle: the library is open and every page listening to it has refreshed.
    ctx.library_ready.connect(lambda: QTimer.singleShot(0, lambda: _timing("idle")))
    window.home_ready.connect(lambda: _timing("home-ready"))

    if args.screenshot:
        from csapp.ui.screenshot import ScreenshotJob

        job = ScreenshotJob(window, ctx, args.screenshot, args.page)
        job.start()
    status = app.exec()
    ctx.close()
    lock.unlock()
    if args.screenshot:
        return job.status
    return status


def _install_qt_translations(app) -> None:  # app: QApplication
    """Qt's own dialogs (file chooser, colour picker) in Chinese, like the rest of the app."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        app.installTranslator(translator)
