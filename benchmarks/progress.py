"""The 统计 page's figures on a big history: ``progress()`` over 100,000 questions.

    uv run python benchmarks/progress.py [--questions 100000] [--answers 200000] [--runs 20]
                                         [--dir DIR]

Target: ≤ 300 ms median. The page computes on the pool when it is shown after a change, so
this is how long the figures take to appear, not a pause of the window. About 120 ms of it
is one join: each answered question's answers to its chapter cell (one index seek per
question); a materialised per-question subquery instead was slower (~150 ms).

The database gets its schema from the app (``open_library``), then raw ``executemany`` inserts:
one bank of QUESTIONS questions over ten chapters and 350 knowledge points in the realistic
type mix, and ANSWERS answers spread over the last year (about 15 % of questions answered
again, 3 % left ungraded), with the time of day spread round the clock so local-day bucketing
has real work.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csapp import paths
from csapp.core.library import open_library
from csapp.core.progress import progress

MIX = (  # share of the bank per type
    ("单选题", 0.50), ("多选题", 0.20), ("判断题", 0.10), ("填空题", 0.05),
    ("名词解释", 0.05), ("简答题", 0.05), ("论述题", 0.05),
)  # fmt: skip


def build(data: Path, questions: int, answers: int, seed: int = 7) -> None:
    open_library(data, builtin=False).close()  # the schema, as the app creates it
    rng = random.Random(seed)
    types = [t for t, _ in MIX]
    weights = [w for _, w in MIX]
    con = sqlite3.connect(paths.db_path(data))
    with con:
        con.execute(
            "INSERT INTO bank (name, source_file, builtin, source_digest, imported_at, updated_at)"
            " VALUES ('基准题库', '', 0, '', '2030-01-01 00:00:00', '2030-01-01 00:00:00')"
        )
        bank_id = con.execute("SELECT id FROM bank").fetchone()[0]
        con.executemany(
            "INSERT INTO question (bank_id, qtype, stem, options, answer, explanation, chapter,"
            " chapter_no, knowledge_point, difficulty, cognitive_level, key_points, tags,"
            " source, fingerprint, position, updated_at)"
            " VALUES (?, ?, ?, '[\"甲\",\"乙\",\"丙\",\"丁\"]', 'A', ?, ?, ?, ?, '易', '',"
            " '[]', '[]', '', ?, ?, '2030-01-01 00:00:00')",
            (
                (
                    bank_id,
                    rng.choices(types, weights)[0],
                    f"{i}号题：关于客户服务的第{i}个说法（ ）。",
                    f"解析{i}",
                    f"第{i % 10 + 1}章 第{i % 10 + 1}章标题",
                    i % 10 + 1,
                    f"{i % 10 + 1}.{i % 50 // 10 + 1}.{i % 7 + 1} 知识点",  # 350 points
                    f"fp{i}",
                    i,
                )
                for i in range(questions)
            ),
        )
        first_id, last_id = con.execute("SELECT min(id), max(id) FROM question").fetchone()
        end = datetime.now(UTC).replace(tzinfo=None)
        seen: list[int] = []

        def answer_rows():
            for _ in range(answers):
                if seen and rng.random() < 0.15:
                    qid = rng.choice(seen)
                else:
                    qid = rng.randint(first_id, last_id)
                    seen.append(qid)
                at = end - timedelta(seconds=rng.randrange(365 * 86_400))
                r = rng.random()
                correct = None if r < 0.03 else int(r < 0.78)
                yield (qid, "A", correct, rng.uniform(3, 60), at.isoformat(sep=" "))

        con.executemany(
            "INSERT INTO answerrecord (question_id, response, correct, seconds, at)"
            " VALUES (?, ?, ?, ?, ?)",
            answer_rows(),
        )
    con.execute("ANALYZE")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--dir", type=Path, help="keep the database here (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.dir or Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        if not paths.db_path(data).exists():
            t0 = time.perf_counter()
            build(data, args.questions, args.answers)
            print(f"built {args.questions:,} questions + {args.answers:,} answers in "
                  f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        library = open_library(data, builtin=False)
        try:
            times = []
            result = progress(library.engine)  # warm the page cache, as a second visit would
            for _ in range(args.runs):
                t0 = time.perf_counter()
                result = progress(library.engine)
                times.append((time.perf_counter() - t0) * 1000)
        finally:
            library.close()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    t = result.totals
    print(
        f"history: {t.answers:,} answers, {t.done:,}/{t.questions:,} questions done, "
        f"{t.study_days} study days, {len(result.chapters)} chapters, {len(result.types)} types"
    )
    print()
    print(f"{'operation':<28}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'target':>10}")
    print(f"{'progress()':<28}{len(times):>6}{statistics.median(times):>12.1f}{p95:>10.1f}"
          f"{'≤ 300':>10}")  # fmt: skip


if __name__ == "__main__":
    main()
