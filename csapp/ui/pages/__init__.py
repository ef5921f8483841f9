"""The page registry: adding a page to the app is one line here.

Pages are imported and built on first visit, so start-up pays only for the home page.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from csapp.ui.context import AppContext


class PageSpec(NamedTuple):
    key: str
    title: str
    target: str  # "module:Class" under csapp.ui.pages

    def create(self, ctx: AppContext) -> QWidget:
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(f"csapp.ui.pages.{module}"), cls)(ctx)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "首页", "home:HomePage"),
    PageSpec("study", "学习", "study:StudyPage"),
    PageSpec("practice", "练习", "practice:PracticePage"),
    PageSpec("exam", "模拟考试", "exam:ExamPage"),
    PageSpec("cases", "案例分析", "cases:CasesPage"),
    PageSpec("wrongbook", "错题本", "wrongbook:WrongBookPage"),
    PageSpec("stats", "统计", "stats:StatsPage"),
    PageSpec("banks", "题库管理", "banks:BanksPage"),
)

PAGE_KEYS = tuple(p.key for p in PAGES)
