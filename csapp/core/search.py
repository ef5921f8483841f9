"""Full-text search across the course's chapters (SQLite FTS5 with the trigram tokenizer).

The trigram tokenizer indexes every three-character run, so any Chinese substring of three or
more characters matches without a word segmenter. Queries of one or two characters fall back
to ``LIKE`` (a scan, which the small course answers in a millisecond or two).

The index is derived data: it is built in memory from ``resources/course`` on first use (a few
milliseconds) and never touches the learner's database.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from csapp.core.course import chapters
from csapp.paths import COURSE_DIR

_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*$")
_ANCHOR = re.compile(r"^(\d+(?:\.\d+)+)\s+(.+)$")
SNIPPET_CHARS = 24


@dataclass(frozen=True, slots=True)
class CourseSection:
    chapter_no: int
    seq: int  # order within the chapter
    anchor: str  # "4.1.2", or "" for 学习目标 / 本章小结
    heading: str  # "4.1.2 服务质量的五个维度"
    body: str  # plain text


@dataclass(frozen=True, slots=True)
class Hit:
    chapter_no: int
    chapter_title: str
    anchor: str
    heading: str
    snippet_html: str  # escaped text with <b>…</b> around each match
    count: int  # occurrences in the section (heading included)

    @property
    def target(self) -> str:
        """What the reader jumps to: the section number, or the heading when unnumbered."""
        return self.anchor or self.heading


def plain(markdown_line: str) -> str:
    """A Markdown line as readable text: no emphasis marks, quote marks or table pipes."""
    text = re.sub(r"^\s*(?:[-*+]\s+|>\s*)", "", markdown_line)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("|", " ")
    return text.strip()


def split_sections(chapter_no: int, markdown: str) -> list[CourseSection]:
    """A chapter cut at its headings; each piece keeps its heading's number when it has one."""
    out: list[CourseSection] = []
    heading, anchor, lines = "", "", []

    def flush() -> None:
        body = "\n".join(t for t in (plain(x) for x in lines) if t)
        if heading or body:
            out.append(CourseSection(chapter_no, len(out), anchor, heading, body))

    for line in markdown.splitlines():
        m = _HEADING.match(line)
        if m:
            flush()
            heading = m.group(2).strip()
            a = _ANCHOR.match(heading)
            anchor = a.group(1) if a else ""
            lines = []
        else:
            lines.append(line)
    flush()
    return out


def _terms(query: str) -> list[str]:
    return [t for t in query.split() if t]


def _mark(text: str, terms: list[str]) -> tuple[str, int]:
    """Escaped ``text`` with every match in bold, and how many matches there were."""
    if not terms:
        return html.escape(text), 0
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    pieces, last, count = [], 0, 0
    for m in pattern.finditer(text):
        pieces.append(html.escape(text[last : m.start()]))
        pieces.append(f"<b>{html.escape(m.group(0))}</b>")
        last = m.end()
        count += 1
    pieces.append(html.escape(text[last:]))
    return "".join(pieces), count


def snippet(body: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """The text around the first match, on one line, with the matches in bold."""
    flat = " ".join(body.split())
    low = flat.lower()
    first = min((i for i in (low.find(t.lower()) for t in terms) if i >= 0), default=0)
    start = max(0, first - width)
    end = min(len(flat), first + width * 2)
    marked, _n = _mark(flat[start:end], terms)
    return ("…" if start else "") + marked + ("…" if end < len(flat) else "")


class CourseIndex:
    """The course's sections in an in-memory FTS5 table; safe to share between threads."""

    def __init__(self, course_dir: Path = COURSE_DIR) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE section USING fts5("
            "heading, body, chapter_no UNINDEXED, seq UNINDEXED, anchor UNINDEXED, "
            "tokenize='trigram')"
        )
        self.titles: dict[int, str] = {}
        self.sections: list[CourseSection] = []
        for chapter in chapters(course_dir):
            if not chapter.available:
                continue
            self.titles[chapter.no] = chapter.label
            self.sections += split_sections(chapter.no, chapter.text())
        self._db.executemany(
            "INSERT INTO section(rowid, heading, body, chapter_no, seq, anchor) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i, s.heading, s.body, s.chapter_no, s.seq, s.anchor)
                for i, s in enumerate(self.sections)
            ],
        )

    def search(self, query: str, limit: int = 200) -> list[Hit]:
        """Sections containing every word of ``query``, in the order of the course."""
        terms = _terms(query)
        if not terms:
            return []
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        where, params = [], []
        if long_terms:
            where.append("section MATCH ?")
            params.append(" ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
        for t in short_terms:
            like = "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(heading LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')")
            params += [like, like]
        sql = (
            "SELECT rowid FROM section WHERE "
            + " AND ".join(where)
            + " ORDER BY chapter_no, seq LIMIT ?"
        )
        with self._lock:
            try:
                rows = self._db.execute(sql, [*params, limit]).fetchall()
            except sqlite3.OperationalError:
                return []  # a query FTS cannot parse matches nothing rather than failing
        hits = []
        for (rowid,) in rows:
            s = self.sections[rowid]
            _h, in_heading = _mark(s.heading, terms)
            _b, in_body = _mark(s.body, terms)
            hits.append(
                Hit(
                    chapter_no=s.chapter_no,
                    chapter_title=self.titles.get(s.chapter_no, ""),
                    anchor=s.anchor,
                    heading=s.heading,
                    snippet_html=snippet(s.body, terms) if in_body else _h,
                    count=in_heading + in_body,
                )
            )
        return hits


@cache
def course_index(course_dir: Path = COURSE_DIR) -> CourseIndex:
    """The one index of the built-in course (built on first use)."""
    return CourseIndex(course_dir)


def search(query: str) -> list[Hit]:
    return course_index().search(query)
