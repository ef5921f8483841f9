"""Mock-exam blueprints: which types, how many, how many marks."""

from __future__ import annotations

from dataclasses import dataclass

from csapp.core.questions import QuestionType


@dataclass(frozen=True, slots=True)
class Slot:
    qtype: QuestionType
    count: int
    marks: float

    @property
    def total(self) -> float:
        return self.count * self.marks


@dataclass(frozen=True, slots=True)
class Blueprint:
    name: str
    minutes: int
    pass_mark: float
    slots: tuple[Slot, ...]

    @property
    def total(self) -> float:
        return sum(s.total for s in self.slots)

    def shortages(self, available: dict[str, int]) -> list[tuple[Slot, int]]:
        """The slots the library cannot fill, with how many questions it has for each."""
        return [
            (s, available.get(s.qtype, 0))
            for s in self.slots
            if available.get(s.qtype, 0) < s.count
        ]


# The 自考 10421 paper as COURSE.md describes it: 100 分, 150 分钟, pass 60.
ZIKAO_10421 = Blueprint(
    name="自考10421 仿真",
    minutes=150,
    pass_mark=60,
    slots=(
        Slot(QuestionType.SINGLE, 20, 1),
        Slot(QuestionType.MULTI, 5, 2),
        Slot(QuestionType.TERM, 5, 3),
        Slot(QuestionType.SHORT, 5, 5),
        Slot(QuestionType.ESSAY, 1, 15),
        Slot(QuestionType.CASE, 1, 15),
    ),
)
