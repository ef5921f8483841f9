"""The built-in bank's sources (resources/course/bank/*.toml) as drafts.

The TOML files are what authors edit; ``question_banks/客户服务管理.xlsx`` is written from these
drafts by the exporter, and the app loads that workbook through the importer like any
trainer's file. See docs/course_authoring.md for the format.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from csapp.core.bankio.fields import render_points, split_keyword_groups
from csapp.core.course import chapters
from csapp.core.questions import (
    DEFAULT_MARKS,
    CaseDraft,
    KeyPoint,
    QuestionDraft,
    QuestionType,
)
from csapp.paths import COURSE_DIR

BANK_NAME = "客户服务管理"


def _points(raw: list[dict]) -> list[KeyPoint]:
    # Keywords are written as in a workbook's cell: ``客户满意|顾客满意、期望``.
    return [
        KeyPoint(
            text=str(p["text"]).strip(),
            marks=float(p["marks"]),
            keywords=split_keyword_groups(str(p.get("keywords", ""))),
        )
        for p in raw
    ]


def _question(raw: dict, chapter_label: str, source: str) -> QuestionDraft:
    qtype = QuestionType(raw["type"])
    points = _points(raw.get("points", []))
    answer = render_points(points) if points else str(raw.get("answer", "")).strip()
    return QuestionDraft(
        qtype=qtype,
        stem=str(raw["stem"]).strip(),
        options=[str(o).strip() for o in raw.get("options", [])],
        answer=answer,
        explanation=str(raw.get("explanation", "")).strip(),
        chapter=chapter_label,
        knowledge_point=str(raw.get("knowledge_point", "")).strip(),
        difficulty=str(raw.get("difficulty", "")).strip(),
        cognitive_level=str(raw.get("level", "")).strip(),
        score=float(raw.get("score", DEFAULT_MARKS.get(qtype, 1.0))),
        key_points=points,
        source=source,
    )


def load_sources(course_dir: Path = COURSE_DIR) -> tuple[list[QuestionDraft], list[CaseDraft]]:
    """Every question and case of the built-in course, in chapter order."""
    labels = {c.no: c.label for c in chapters(course_dir)}
    questions: list[QuestionDraft] = []
    for no, label in labels.items():
        path = course_dir / "bank" / f"ch{no:02d}.toml"
        if not path.exists():
            continue
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for i, raw in enumerate(data.get("question", []), 1):
            questions.append(_question(raw, label, f"{path.name}#{i}"))
    cases: list[CaseDraft] = []
    path = course_dir / "bank" / "cases.toml"
    if path.exists():
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for raw in data.get("case", []):
            label = labels.get(int(raw["chapter"]), "")
            case = CaseDraft(
                title=str(raw["title"]).strip(),
                material=str(raw["material"]).strip(),
                chapter=label,
            )
            for q in raw.get("question", []):
                points = _points(q.get("points", []))
                case.questions.append(
                    QuestionDraft(
                        qtype=QuestionType.CASE,
                        stem=str(q["stem"]).strip(),
                        answer=render_points(points),
                        chapter=label,
                        score=float(q["score"]),
                        key_points=points,
                        case_title=case.title,
                    )
                )
            cases.append(case)
    return questions, cases


def build_workbook(path: Path | None = None, course_dir: Path = COURSE_DIR) -> Path:
    """Write the built-in workbook from the TOML sources (run after editing them).

    The app loads the built-in bank from this workbook through the ordinary reader, so what a
    learner studies is exactly what a trainer's import of the same file would give.
    """
    from csapp.core.bankio import export_workbook
    from csapp.paths import BUILTIN_BANK

    target = Path(path) if path is not None else BUILTIN_BANK
    target.parent.mkdir(parents=True, exist_ok=True)
    questions, cases = load_sources(course_dir)
    export_workbook(target, questions, cases)
    return target
