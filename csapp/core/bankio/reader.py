"""Reading a bank file: the progress generator, the per-format row sources, pasted text."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from .build import ReadContext
from .model import BankReadError, ReadResult
from .sources import csv_rows, detect_format, guard_zip, looks_like_csv, os_error, read_text_file
from .table import MAX_COLUMNS, SheetReader
from .text import cell_text
from .textfmt import TextParser
from .vocab import legend_pairs

PROGRESS_EVERY = 200
LEGEND_SCAN_ROWS = 100

_DAMAGED = "文件已损坏或格式不正确，请在 Excel 或 WPS 中重新保存为 .xlsx 后再导入。"


def _library_errors() -> tuple[type[BaseException], ...]:
    """Exceptions openpyxl/xlrd raise on broken or hostile content."""
    errs: list[type[BaseException]] = [
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ParseError,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
        UnicodeDecodeError,
        AssertionError,
        RecursionError,
    ]
    try:
        from defusedxml import DefusedXmlException

        errs.append(DefusedXmlException)
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        pass
    return tuple(errs)


def _hostile_or_damaged(exc: BaseException) -> BankReadError:
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover
        DefusedXmlException = ()  # type: ignore[assignment]
    seen: BaseException | None = exc
    for _ in range(10):  # openpyxl wraps the parser's exception in its own ValueError
        if seen is None:
            break
        if isinstance(seen, DefusedXmlException):
            return BankReadError("文件含有不安全的 XML 结构（可能是恶意文件），已拒绝读取。")
        seen = seen.__cause__ or seen.__context__
    return BankReadError(_DAMAGED)


def iter_read_bank(path: str | os.PathLike) -> Generator[float, None, ReadResult]:
    """Read a bank file, yielding progress (0..1) at least every 200 rows.

    The ReadResult is the generator's return value (``StopIteration.value``). Closing the
    generator stops the read and releases the file. Raises BankReadError when the file cannot
    be read at all; everything else ends up in the report.
    """
    fmt = detect_format(path)
    ctx = ReadContext(Path(path).name, fmt)
    # A big bank creates millions of long-lived objects: the cyclic GC would rescan them all
    # again and again (a third of the read time at 100,000 questions). Nothing here makes
    # reference cycles, so it is paused for the read and restored however the read ends.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if fmt == "xlsx":
            yield from _read_xlsx(path, ctx)
        elif fmt == "xls":
            yield from _read_xls(path, ctx)
        elif fmt == "csv":
            text = read_text_file(path)
            yield from _read_rows(
                ctx, Path(path).stem or "CSV", csv_rows(text), text.count("\n") + 1
            )
        else:
            text = read_text_file(path)
            yield from _read_lines(ctx, Path(path).stem or "文本", text)
    except OSError as exc:
        raise os_error(exc, path) from None
    except MemoryError:
        raise BankReadError("文件太大，内存不足，无法读取。") from None
    finally:
        if gc_was_enabled:
            gc.enable()
    yield 1.0
    return ctx.result()


def read_bank(path: str | os.PathLike) -> ReadResult:
    """Read a bank file completely (no progress)."""
    gen = iter_read_bank(path)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def read_text(text: str, name: str = "粘贴文本") -> ReadResult:
    """Read pasted text: numbered questions (§7), or cells copied from a spreadsheet (tabs)."""
    ctx = ReadContext(name, "txt")
    if "\t" in text and looks_like_csv(text):
        from .sources import _csv_rows

        gen = _read_rows(ctx, name, _csv_rows(text, "\t"), text.count("\n") + 1)
    else:
        gen = _read_lines(ctx, name, text)
    for _ in gen:
        pass
    return ctx.result()


# ---------------------------------------------------------------------------- text & csv


def _read_lines(ctx: ReadContext, sheet: str, text: str) -> Iterator[float]:
    lines = text.splitlines()
    total = max(len(lines), 1)
    parser = TextParser(ctx, sheet)
    for i, line in enumerate(lines, 1):
        parser.feed(line, i)
        if i % PROGRESS_EVERY == 0:
            yield min(i / total, 0.99)
    parser.finish()
    if parser.produced == 0 and parser.rejected == 0:
        ctx.skip_sheet(sheet, "没有找到编号的题目（如“1. 题干”）")
    ctx.flush_sheet(sheet)


def _read_rows(ctx: ReadContext, sheet: str, rows: Iterable[list], total: int) -> Iterator[float]:
    reader = SheetReader(ctx, sheet)
    total = max(total, 1)
    for i, row in enumerate(rows, 1):
        if not reader.feed(i, tuple(row[:MAX_COLUMNS])):
            break
        if i % PROGRESS_EVERY == 0:
            yield min(i / total, 0.99)
    reader.finish()


# ---------------------------------------------------------------------------- xlsx


def _read_xlsx(path, ctx: ReadContext) -> Iterator[float]:
    guard_zip(path)
    yield 0.0
    errors = _library_errors()
    # openpyxl warns about features it drops (data-validation extensions, …): not our news.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")
    if True:
        try:
            wb, fh = yield from _open_xlsx(path)
        except OSError:
            raise
        except errors as exc:
            raise _hostile_or_damaged(exc) from None
        except Exception as exc:  # openpyxl's own InvalidFileException and friends
            raise BankReadError(_DAMAGED) from exc
        try:
            sheets = list(wb.worksheets)
            estimates = []
            for ws in sheets:
                est = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 0 else 1000
                estimates.append(min(est, 1_000_000))
            total = max(sum(estimates), 1)
            ctx.legend_finder = _xlsx_legend_finder(sheets, errors)
            done = 0
            for ws, est in zip(sheets, estimates, strict=True):
                width = _xlsx_width(ws)
                ws.reset_dimensions()  # a wrong <dimension> must not cut the sheet short
                reader = SheetReader(ctx, ws.title)
                rows = ws.iter_rows(max_col=width, values_only=True)
                rowno = 0
                while True:
                    try:
                        values = next(rows)
                    except StopIteration:
                        break
                    except OSError:
                        raise
                    except errors as exc:
                        raise _hostile_or_damaged(exc) from None
                    rowno += 1
                    if not reader.feed(rowno, values):
                        break
                    if rowno % PROGRESS_EVERY == 0:
                        yield _after_open((done + min(rowno, est)) / total)
                rows.close()
                reader.finish()
                done += est
                yield _after_open(done / total)
        finally:
            wb.close()
            fh.close()  # openpyxl leaves a file object it was given open


OPEN_SHARE = 0.2  # of the progress bar: opening parses the shared strings before any row
OPEN_POLL = 0.1  # seconds between progress reports while openpyxl opens the file


def _after_open(fraction: float) -> float:
    return min(OPEN_SHARE + (1 - OPEN_SHARE) * fraction, 0.99)


class _CountingFile(io.RawIOBase):
    """A file that remembers how far into it the zip reader has got: real progress while
    openpyxl parses the shared-strings table (seconds on a big Excel or WPS file)."""

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        self._fh = open(path, "rb")  # noqa: SIM115 (closed with the workbook)
        self.read_bytes = 0
        self.expected = max(_open_cost(self._fh), 1)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._fh.readinto(buffer)
        self.read_bytes += n or 0
        return n

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def close(self) -> None:
        self._fh.close()
        super().close()


def _open_cost(fh) -> int:
    """Bytes openpyxl reads to open a workbook: every part but the worksheets themselves."""
    try:
        with zipfile.ZipFile(fh) as archive:
            cost = sum(
                info.compress_size
                for info in archive.infolist()
                if not info.filename.startswith("xl/worksheets/")
            )
    except (zipfile.BadZipFile, OSError):
        cost = 0
    fh.seek(0)
    return cost


def _open_xlsx(path) -> Generator[float, None, tuple[object, _CountingFile]]:
    """Open the workbook on a helper thread, reporting how much of the file has been read.

    openpyxl is imported there too: the import alone takes a quarter of a second.
    """
    fh = _CountingFile(path)
    box: dict[str, object] = {}

    def work() -> None:
        try:
            import openpyxl

            box["wb"] = openpyxl.load_workbook(
                io.BufferedReader(fh), read_only=True, data_only=True, keep_links=False
            )
        except BaseException as exc:
            box["exc"] = exc

    worker = threading.Thread(target=work, name="open-xlsx", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(OPEN_POLL)
            yield OPEN_SHARE * min(fh.read_bytes / fh.expected, 1.0)
    except GeneratorExit:
        worker.join()  # cancelled: let the open finish, then let go of the file
        fh.close()
        raise
    if "exc" in box:
        fh.close()
        raise box["exc"]  # type: ignore[misc]
    return box["wb"], fh


def _xlsx_width(ws) -> int:
    """Columns to read: the used range, but never the 16,384 of a formatted-to-the-end sheet."""
    max_col = ws.max_column
    if not isinstance(max_col, int) or max_col <= 1:
        return MAX_COLUMNS  # no or a dummy <dimension>: look at the first 64 columns
    return min(max_col, MAX_COLUMNS)


def _xlsx_legend_finder(sheets, errors) -> Callable[[], dict]:
    def find() -> dict:
        found: dict = {}
        for ws in sheets:
            try:
                for i, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)):
                    if i >= LEGEND_SCAN_ROWS:
                        break
                    text = " ".join(cell_text(v)[0] for v in row if v is not None)
                    for code, qtype in legend_pairs(text).items():
                        found.setdefault(code, qtype)
            except errors:
                continue
        return found

    return find


# ---------------------------------------------------------------------------- xls


def _read_xls(path, ctx: ReadContext) -> Iterator[float]:
    import xlrd

    try:
        book = xlrd.open_workbook(
            path, on_demand=True, formatting_info=False, logfile=io.StringIO()
        )
    except OSError:
        raise
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise BankReadError(
                "这个工作簿设置了打开密码，请在 Excel 或 WPS 中取消密码、另存后再导入。"
            ) from None
        raise BankReadError(_DAMAGED) from None
    except Exception:
        raise BankReadError(_DAMAGED) from None
    try:
        names = book.sheet_names()
        try:
            sheets = [book.sheet_by_index(i) for i in range(book.nsheets)]
        except Exception:
            raise BankReadError(_DAMAGED) from None
        total = max(sum(s.nrows for s in sheets), 1)

        def legend() -> dict:
            found: dict = {}
            for sh in sheets:
                for r in range(min(sh.nrows, LEGEND_SCAN_ROWS)):
                    text = " ".join(
                        cell_text(v)[0] for v in sh.row_values(r, 0, min(sh.ncols, MAX_COLUMNS))
                    )
                    for code, qtype in legend_pairs(text).items():
                        found.setdefault(code, qtype)
            return found

        ctx.legend_finder = legend
        done = 0
        for name, sh in zip(names, sheets, strict=True):
            reader = SheetReader(ctx, name)
            ncols = min(sh.ncols, MAX_COLUMNS)
            for r in range(sh.nrows):
                values = _xls_row(sh, r, ncols, book.datemode, xlrd)
                if not reader.feed(r + 1, values):
                    break
                if (r + 1) % PROGRESS_EVERY == 0:
                    yield min((done + r + 1) / total, 0.99)
            reader.finish()
            done += sh.nrows
            yield min(done / total, 0.99)
    finally:
        book.release_resources()


def _xls_row(sh, r: int, ncols: int, datemode: int, xlrd) -> tuple:
    width = min(ncols, sh.row_len(r))
    if width <= 0:
        return ()
    types = sh.row_types(r, 0, width)
    vals = sh.row_values(r, 0, width)
    out = []
    for t, v in zip(types, vals, strict=True):
        if t == xlrd.XL_CELL_DATE:
            with contextlib.suppress(Exception):
                v = xlrd.xldate.xldate_as_datetime(v, datemode)
        elif t == xlrd.XL_CELL_BOOLEAN:
            v = bool(v)
        elif t in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            v = None
        out.append(v)
    return tuple(out)
