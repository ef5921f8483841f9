"""A small, fully known bank for the study-loop tests (practice, 错题本, review)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from csapp.core.importing import import_drafts, run
from csapp.core.models import Question
from csapp.core.questions import KeyPoint, QuestionDraft, QuestionType

CH4 = "第4章 客户服务质量管理"
CH5 = "第5章 大客户服务管理"
T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)  # the fake clock's start: a Friday morning


def drafts() -> list[QuestionDraft]:
    out: list[QuestionDraft] = []
    points = ("4.1.1 服务质量的含义", "4.1.2 服务质量的五个维度", "4.2 客户满意度与服务质量")
    for i in range(12):
        out.append(
            QuestionDraft(
                qtype=QuestionType.SINGLE,
                stem=f"第四章单选题{i}：服务质量的哪个维度（ ）？",
                options=["可靠性", "响应性", "保证性", "移情性"],
                answer="ABCD"[i % 4],
                explanation=f"解析{i}",
                chapter=CH4,
                knowledge_point=points[i % 3],
                difficulty=("易", "较易", "较难", "难")[i % 4],
            )
        )
    for i in range(6):
        out.append(
            QuestionDraft(
                qtype=QuestionType.JUDGE,
                stem=f"第四章判断题{i}：可靠性是最核心的维度。",
                answer="正确" if i % 2 == 0 else "错误",
                chapter=CH4,
                knowledge_point="4.1.2 服务质量的五个维度",
                difficulty="易",
            )
        )
    out.append(
        QuestionDraft(
            qtype=QuestionType.MULTI,
            stem="服务质量的维度包括（ ）。",
            options=["可靠性", "响应性", "价格", "有形性", "广告"],
            answer="ABD",
            chapter=CH4,
            knowledge_point="4.1.2 服务质量的五个维度",
            difficulty="较难",
        )
    )
    out.append(
        QuestionDraft(
            qtype=QuestionType.FILL,
            stem="客户满意度 = 可感知效果 − （ ）；PDCA 中的 C 指（ ）。",
            answer="期望值&&客户期望值|检查",
            chapter=CH4,
            knowledge_point="4.2 客户满意度与服务质量",
            difficulty="较易",
        )
    )
    out.append(
        QuestionDraft(
            qtype=QuestionType.SHORT,
            stem="简述服务质量的五个维度。",
            answer="见要点",
            score=5,
            key_points=[
                KeyPoint("可靠性", 1, [["可靠"]]),
                KeyPoint("响应性", 1, [["响应"]]),
                KeyPoint("保证性", 1, [["保证"]]),
                KeyPoint("移情性", 1, [["移情"]]),
                KeyPoint("有形性", 1, [["有形"]]),
            ],
            chapter=CH4,
            knowledge_point="4.1.2 服务质量的五个维度",
            difficulty="较难",
        )
    )
    for i in range(4):
        out.append(
            QuestionDraft(
                qtype=QuestionType.SINGLE,
                stem=f"第五章单选题{i}：核心客户又称（ ）。",
                options=["大客户", "潜在客户", "内部客户", "过去客户"],
                answer="A",
                chapter=CH5,
                knowledge_point="5.1 核心客户",
                difficulty="易",
            )
        )
    return out


def load(library) -> dict[str, list[int]]:
    """Import the bank; returns question ids by stem prefix group, in bank order."""
    run(import_drafts(library.engine, "学习循环测试", drafts()))
    with library.session() as s:
        rows = s.execute(
            select(Question.id, Question.qtype, Question.chapter_no).order_by(Question.position)
        ).all()
    ids: dict[str, list[int]] = {}
    for qid, qtype, no in rows:
        ids.setdefault(f"{no}:{qtype}", []).append(qid)
        ids.setdefault("all", []).append(qid)
    return ids
