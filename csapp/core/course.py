"""The built-in course: chapter index and chapter texts in resources/course/."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import NamedTuple

from csapp.paths import COURSE_DIR

_SECTION = re.compile(r"^(#{2,3})\s+(\d+(?:\.\d+)+)\s+(.+?)\s*$")


class Chapter(NamedTuple):
    no: int
    title: str
    path: Path

    @property
    def label(self) -> str:
        """The chapter as banks name it: ``第1章 客户服务概述``."""
        return f"第{self.no}章 {self.title}"

    @property
    def available(self) -> bool:
        return self.path.is_file()

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


class Section(NamedTuple):
    anchor: str  # "1.2" — stable, used by knowledge points and links
    title: str  # "客户服务的特点"
    level: int  # 2 for ##, 3 for ###

    @property
    def heading(self) -> str:
        return f"{self.anchor} {self.title}"


@cache
def chapters(course_dir: Path = COURSE_DIR) -> tuple[Chapter, ...]:
    import tomllib

    with open(course_dir / "index.toml", "rb") as fh:
        data = tomllib.load(fh)
    return tuple(
        Chapter(no=int(c["no"]), title=str(c["title"]), path=course_dir / c["file"])
        for c in sorted(data["chapter"], key=lambda c: int(c["no"]))
    )


def next_to_read(done: Collection[int], course_dir: Path = COURSE_DIR) -> int | None:
    """The chapter a learner goes on with: the first one not read to the end.

    When every chapter is done it is the first one again (for revision); None only when the
    course has no chapter text at all.
    """
    available = [c for c in chapters(course_dir) if c.available]
    unread = [c for c in available if c.no not in done]
    if unread:
        return unread[0].no
    return available[0].no if available else None


def sections(markdown: str) -> list[Section]:
    """The numbered headings of a chapter, in order."""
    found = []
    for line in markdown.splitlines():
        m = _SECTION.match(line)
        if m:
            found.append(Section(anchor=m.group(2), title=m.group(3), level=len(m.group(1))))
    return found


_CHAPTER_LABEL = re.compile(r"第\s*([0-9一二三四五六七八九十]+)\s*章")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def chapter_number(label: str) -> int | None:
    """``第3章 …``/``第三章`` → 3; a leading ``3.`` or plain ``3`` too; otherwise None."""
    label = label.strip()
    m = _CHAPTER_LABEL.search(label)
    if m:
        token = m.group(1)
        if token.isdigit():
            return int(token)
        if token == "十":
            return 10
        if token.startswith("十"):
            return 10 + _CN_DIGITS[token[1]]
        if token.endswith("十"):
            return _CN_DIGITS[token[0]] * 10
        if len(token) == 3 and token[1] == "十":
            return _CN_DIGITS[token[0]] * 10 + _CN_DIGITS[token[2]]
        return _CN_DIGITS.get(token)
    m = re.match(r"^(\d{1,3})(?:[.、\s]|$)", label)
    return int(m.group(1)) if m else None
