"""Mock exams on a big bank: composing a paper, and saving the exam state after an answer.

    uv run python benchmarks/exam.py [--questions 100000] [--runs 15] [--dir DIR]

Targets (issue 6): composing a 100-question paper from a 100,000-question bank ≤ 200 ms;
saving the exam state after an answer ≤ 10 ms and never on the GUI thread's critical path.

The bank is written with the importer's bulk insert (all eight types, ten chapters, four
difficulties, cases of three questions) plus 20,000 earlier answers, so "not seen lately" has
real history to sort. Composition is timed with the heaviest blueprint: a difficulty mix and
chapter weights on every slot. Saving is timed twice: what the GUI thread pays (answer +
snapshot + hand-over to the writer thread) and the latency until the state is committed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csapp.core import exam
from csapp.core import exam_session as es
from csapp.core.importing import import_drafts, run
from csapp.core.library import open_library
from csapp.core.questions import CaseDraft, KeyPoint, QuestionDraft, QuestionType

T = QuestionType
LEVELS = ("易", "较易", "较难", "难")
MIX = (  # share of the bank per type (案例 questions come in cases of three)
    (T.SINGLE, 0.50), (T.MULTI, 0.20), (T.JUDGE, 0.10), (T.FILL, 0.05),
    (T.TERM, 0.05), (T.SHORT, 0.05), (T.ESSAY, 0.02), (T.CASE, 0.03),
)  # fmt: skip

HUNDRED = exam.Blueprint(
    name="百题卷",
    minutes=150,
    pass_mark=60,
    slots=(
        exam.Slot(T.SINGLE, 50, 1),
        exam.Slot(T.MULTI, 15, 1),
        exam.Slot(T.JUDGE, 10, 0.5),
        exam.Slot(T.FILL, 5, 1),
        exam.Slot(T.TERM, 7, 2),
        exam.Slot(T.SHORT, 7, 2),
        exam.Slot(T.ESSAY, 3, 2),
        exam.Slot(T.CASE, 1, 6),  # three questions: 97 + 3 = 100
    ),
    chapter_weights={n: 1.0 for n in range(1, 11)},
    difficulty_mix={"易": 20, "较易": 30, "较难": 30, "难": 20},
)


def _draft(rng: random.Random, qtype: QuestionType, i: int) -> QuestionDraft:
    chapter = f"第{i % 10 + 1}章 第{i % 10 + 1}章标题"
    d = QuestionDraft(
        qtype=qtype,
        stem=f"{i}号题：关于客户服务的第{i}个说法（ ）。",
        chapter=chapter,
        difficulty=LEVELS[rng.randrange(4)],
        knowledge_point=f"{i % 10 + 1}.{i % 7 + 1} 知识点",
        explanation=f"解析{i}",
    )
    if qtype in (T.SINGLE, T.MULTI):
        d.options = [f"选项{k}{i}" for k in range(5)]
        d.answer = "B" if qtype == T.SINGLE else "AC"
    elif qtype == T.JUDGE:
        d.answer = "正确"
    elif qtype == T.FILL:
        d.answer = "满意|期望"
    else:
        d.answer = "要点"
        d.key_points = [KeyPoint(f"要点{k}", 1, [["客户"]]) for k in range(4)]
    return d


def build(data: Path, count: int) -> None:
    rng = random.Random(6)
    drafts: list[QuestionDraft] = []
    cases: list[CaseDraft] = []
    i = 0
    for qtype, share in MIX:
        n = int(count * share)
        if qtype == T.CASE:
            for c in range(n // 3):
                questions = [_draft(rng, T.CASE, i + k) for k in range(3)]
                i += 3
                cases.append(
                    CaseDraft(f"案例{c}", f"案例{c}的材料。", f"第{c % 10 + 1}章 标题", questions)
                )
        else:
            for _ in range(n):
                drafts.append(_draft(rng, qtype, i))
                i += 1
    library = open_library(data, builtin=False)
    run(import_drafts(library.engine, "大题库", drafts, cases))
    # 20,000 earlier answers spread over a year, so recency has something to sort.
    with library.engine.begin() as conn:
        start = datetime(2025, 1, 1, tzinfo=UTC)
        rows = [
            (
                rng.randint(1, i),
                "A",
                rng.random() < 0.6,
                (start + timedelta(minutes=k * 25)).isoformat(),
            )
            for k in range(20_000)
        ]
        conn.exec_driver_sql(
            "INSERT INTO answerrecord (question_id, response, correct, seconds, at) "
            "VALUES (?, ?, ?, 0, ?)",
            rows,
        )
    library.close()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--dir", help="data folder to use (default: a fresh temporary one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="csapp-exam-bench-") as tmp:
        data = Path(args.dir or tmp)
        data.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        build(data, args.questions)
        print(f"bank of {args.questions:,} questions + 20,000 answers built in "
              f"{time.perf_counter() - t:.1f} s\n")  # fmt: skip
        library = open_library(data, builtin=False)
        engine = library.engine

        rows: list[tuple[str, list[float], float]] = []
        compose_times = []
        paper = None
        for k in range(args.runs):
            t = time.perf_counter()
            paper = exam.compose(engine, HUNDRED, seed=k)
            compose_times.append(time.perf_counter() - t)
        assert paper is not None and len(paper.items) == 100, len(paper.items)
        rows.append(("compose a 100-question paper (mix + weights)", compose_times, 0.200))
        zikao = []
        for k in range(args.runs):
            t = time.perf_counter()
            exam.compose(engine, exam.ZIKAO_10421, seed=k)
            zikao.append(time.perf_counter() - t)
        rows.append(("compose 自考10421 仿真 (37 questions + a case)", zikao, 0.200))
        # A second bank (the built-in one, say) makes copies possible: fingerprints are checked.
        run(
            import_drafts(
                engine, "第二个题库", [_draft(random.Random(1), T.SINGLE, -k) for k in range(1, 50)]
            )
        )
        two = []
        for k in range(args.runs):
            t = time.perf_counter()
            exam.compose(engine, HUNDRED, seed=k)
            two.append(time.perf_counter() - t)
        rows.append(("compose a 100-question paper, two banks", two, 0.200))
        starts = []
        for _ in range(5):
            t = time.perf_counter()
            sid = es.start_exam(engine, paper)
            starts.append(time.perf_counter() - t)
        rows.append(("store the paper as a new exam session", starts, 0.200))

        writer = es.StateWriter(engine)
        exam_run = es.ExamRun(sid, paper)
        exam_run.start()
        gui, latency = [], []
        rng = random.Random(2)
        for n in range(300):
            item = paper.items[n % len(paper.items)]
            response = "B" if item.objective else "客户服务的要点" * rng.randint(5, 40)
            t = time.perf_counter()
            exam_run.answer(item.index, response)
            exam_run.goto(item.index)
            writer.save(sid, exam_run.snapshot())
            handed = time.perf_counter()
            gui.append(handed - t)
            writer.flush()
            latency.append(time.perf_counter() - t)
        writer.close()
        rows.append(("save after an answer: GUI-thread cost", gui, 0.010))
        rows.append(("save after an answer: until committed", latency, 0.010))
        library.close()

    print(f"{'step':50} {'median ms':>10} {'p95 ms':>9} {'max ms':>9} {'target':>8}  ok")
    for name, times, target in rows:
        times = sorted(times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        ok = "yes" if p95 <= target else "NO"
        print(
            f"{name:50} {ms(statistics.median(times)):>10} {ms(p95):>9} {ms(times[-1]):>9} "
            f"{target * 1000:>6.0f}ms  {ok}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
