"""The learner's rich-text answers, read without Qt.

The answer editor stores its document as HTML (what ``QTextEdit.toHtml()`` writes: paragraphs,
bullet and numbered lists, bold/italic/underline spans). The core needs that text as blocks
and runs to judge it, compare versions and write .docx files; this module reads that subset
of HTML with the standard library. Plain text (no ``<``) is accepted too, one paragraph a line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(slots=True)
class Block:
    kind: str = "p"  # "p", "ul" (bullet item) or "ol" (numbered item)
    level: int = 0  # list nesting, 1 for a top-level item
    number: int = 0  # the item's number in a numbered list
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def marker(self) -> str:
        if self.kind == "ul":
            return "• "
        if self.kind == "ol":
            return f"{self.number}. "
        return ""


_WEIGHT = re.compile(r"font-weight:\s*(\d+|bold)")
_ITALIC = re.compile(r"font-style:\s*italic")
_UNDERLINE = re.compile(r"text-decoration:[^;]*underline")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._current: Block | None = None
        self._styles: list[tuple[str, bool | None, bool | None, bool | None]] = []
        self._lists: list[list] = []  # [kind, counter]
        self._skip = 0
        self._empty_paragraph = False

    # formatting in effect: the innermost element that says something wins
    def _flag(self, i: int) -> bool:
        for entry in reversed(self._styles):
            if entry[i] is not None:
                return bool(entry[i])
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        style = dict(attrs).get("style") or ""
        if tag in ("head", "style", "script", "title"):
            self._skip += 1
            return
        if tag in ("ul", "ol"):
            self._lists.append([tag, 0])
        elif tag == "li":
            kind = self._lists[-1][0] if self._lists else "ul"
            if self._lists:
                self._lists[-1][1] += 1
            number = self._lists[-1][1] if self._lists else 0
            self._start_block(Block(kind, len(self._lists) or 1, number))
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6"):
            self._empty_paragraph = "-qt-paragraph-type:empty" in style
            if self._lists and self._current is not None and self._current.kind != "p":
                pass  # a paragraph inside a list item continues the item
            else:
                self._start_block(Block("p"))
        elif tag == "br":
            if not self._empty_paragraph:
                self._text("\n")
            return
        bold = italic = underline = None
        m = _WEIGHT.search(style)
        if m:
            bold = m.group(1) == "bold" or int(m.group(1)) >= 600
        if _ITALIC.search(style):
            italic = True
        if _UNDERLINE.search(style):
            underline = True
        if tag in ("b", "strong"):
            bold = True
        elif tag in ("i", "em"):
            italic = True
        elif tag == "u":
            underline = True
        if tag == "body":
            bold = bold if bold else None  # the body's weight (400) is the default
        self._styles.append((tag, bold, italic, underline))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script", "title"):
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
            self._current = None
        elif tag in ("li", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6"):
            if tag == "li" or not (self._current and self._current.kind != "p"):
                self._current = None
            self._empty_paragraph = False
        for i in range(len(self._styles) - 1, -1, -1):
            if self._styles[i][0] == tag:
                del self._styles[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._current is None:
            if not data.strip():
                return  # white space between block elements
            self._start_block(Block("p"))
        self._text(data)

    def _start_block(self, block: Block) -> None:
        self.blocks.append(block)
        self._current = block

    def _text(self, text: str) -> None:
        if self._current is None:
            self._start_block(Block("p"))
        text = text.replace("\u2028", "\n").replace("\xa0", " ")
        run = Run(text, self._flag(1), self._flag(2), self._flag(3))
        runs = self._current.runs
        if runs and (runs[-1].bold, runs[-1].italic, runs[-1].underline) == (
            run.bold,
            run.italic,
            run.underline,
        ):
            runs[-1].text += text
        else:
            runs.append(run)


def looks_like_html(content: str) -> bool:
    head = content.lstrip()[:200].lower()
    return head.startswith("<!doctype") or head.startswith("<html") or head.startswith("<p")


def blocks(content: str) -> list[Block]:
    """The answer as paragraphs and list items with formatted runs."""
    if not content:
        return []
    if not looks_like_html(content):
        return [Block("p", runs=[Run(line)] if line else []) for line in content.split("\n")]
    reader = _Reader()
    reader.feed(content)
    reader.close()
    return reader.blocks


def plain_text(content: str) -> str:
    """The answer as plain text: one line per block, list items with their marker."""
    return "\n".join(b.marker + b.text for b in blocks(content)).strip("\n")


def from_plain_text(text: str) -> str:
    """Minimal HTML for a plain-text answer (tests, imports): one paragraph a line."""
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))


def to_html(content: str) -> str:
    """Clean HTML of the answer for export and printing (no editor styles)."""
    out: list[str] = []
    open_list = ""
    for b in blocks(content):
        kind = b.kind if b.kind in ("ul", "ol") else ""
        if kind != open_list:
            if open_list:
                out.append(f"</{open_list}>")
            if kind:
                out.append(f"<{kind}>")
            open_list = kind
        inner = "".join(_run_html(r) for r in b.runs) or "&nbsp;"
        out.append(f"<li>{inner}</li>" if kind else f"<p>{inner}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)


def _run_html(run: Run) -> str:
    text = html.escape(run.text).replace("\n", "<br>")
    if run.bold:
        text = f"<b>{text}</b>"
    if run.italic:
        text = f"<i>{text}</i>"
    if run.underline:
        text = f"<u>{text}</u>"
    return text
