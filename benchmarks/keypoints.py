"""How good is the automatic 要点 judgement, and how fast?

    uv run python benchmarks/keypoints.py [--verbose]

Judges every hand-labelled answer in benchmarks/keypoint_eval/answers.toml against the
built-in cases and prints precision and recall of "covered" per 要点 and overall, the same by
kind of answer (full, partial, off-topic, keyword-stuffed, paraphrased, negated), the share
of the marks the judgement would suggest for each kind, and the time to judge a 1,500-character
answer once jieba is loaded (target ≤ 100 ms). No database is involved: the cases are read
from the course sources, exactly what the built-in bank is imported from.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csapp.core import course_bank, keypoints  # noqa: E402

DATA = ROOT / "benchmarks" / "keypoint_eval" / "answers.toml"
HOLDOUT = ROOT / "benchmarks" / "keypoint_eval" / "holdout.toml"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, truth: bool, said: bool) -> None:
        if truth and said:
            self.tp += 1
        elif said:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def pct(value: float | None) -> str:
    return "   —" if value is None else f"{value * 100:4.0f}%"


def load(path: Path) -> list[dict]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)["answer"]


def evaluate(cases: dict, answers: list[dict], name: str, verbose: bool) -> None:
    per_point: dict[tuple[str, int, int], Tally] = defaultdict(Tally)
    per_kind: dict[str, Tally] = defaultdict(Tally)
    share: dict[str, list[float]] = defaultdict(list)
    overall = Tally()
    questions = set()
    for n, a in enumerate(answers, 1):
        case = cases[a["case"]]
        q = case.questions[a["question"] - 1]
        questions.add((a["case"], a["question"]))
        result = keypoints.judge(a["text"], q.key_points, stem=q.stem, material=case.material)
        truth = set(a["covered"])
        total = sum(p.marks for p in q.key_points)
        share[a["kind"]].append(result.suggested_total / total)
        for p in result.points:
            label = p.index + 1 in truth
            for tally in (per_point[(a["case"], a["question"], p.index + 1)], per_kind[a["kind"]]):
                tally.add(label, p.covered)
            overall.add(label, p.covered)
            if label != p.covered and verbose:
                print(
                    f"#{n:02d} {a['kind']:<11} {a['case']} 第{a['question']}问 要点{p.index + 1}: "
                    f"label={'覆盖' if label else '未覆盖'} judged={p.how} {p.reason}"
                )

    titles = {a["case"] for a in answers}
    print(
        f"\n== {name}: {len(answers)} answers, {len(questions)} questions, {len(titles)} cases =="
    )
    print(f"{'case · question · point':<40} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3}  prec  recall")
    for (title, qn, pn), t in sorted(per_point.items()):
        label = f"{title} · 第{qn}问 · 要点{pn}"
        pad = 40 - sum(2 if ord(c) > 0x2E80 else 1 for c in label)
        print(
            f"{label}{' ' * max(pad, 1)}{t.tp:>3} {t.fp:>3} {t.fn:>3} {t.tn:>3} "
            f" {pct(t.precision)} {pct(t.recall)}"
        )
    print(f"\n{'kind':<12} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  prec  recall  marks suggested")
    for kind in ("full", "partial", "offtopic", "stuffed", "paraphrased", "negated"):
        t = per_kind[kind]
        if not share[kind]:
            continue
        mean = statistics.mean(share[kind])
        print(
            f"{kind:<12} {t.tp:>4} {t.fp:>4} {t.fn:>4} {t.tn:>4}  {pct(t.precision)} "
            f"{pct(t.recall)}  {mean * 100:5.1f}% (max {max(share[kind]) * 100:.0f}%)"
        )
    t = overall
    print(
        f"{'overall':<12} {t.tp:>4} {t.fp:>4} {t.fn:>4} {t.tn:>4}  {pct(t.precision)} "
        f"{pct(t.recall)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true", help="list every wrong judgement")
    args = parser.parse_args()

    started = time.perf_counter()
    keypoints.warm_up()
    load_s = time.perf_counter() - started
    _questions, case_list = course_bank.load_sources()
    cases = {c.title: c for c in case_list}
    answers = load(DATA)
    evaluate(cases, answers, "tuning set (answers.toml)", args.verbose)
    evaluate(cases, load(HOLDOUT), "held-out set (holdout.toml, never tuned on)", args.verbose)

    # Speed: a 1,500-character answer to the question with the most points.
    case = cases["出租车涨价之后"]
    q = case.questions[0]
    pool = [a["text"].strip() for a in answers if a["kind"] in ("full", "paraphrased", "partial")]
    long_text = ""
    for text in pool:
        long_text += text + "\n"
        if len(long_text) >= 1500:
            break
    long_text = long_text[:1500]
    keypoints._content_words.cache_clear()
    t0 = time.perf_counter()
    keypoints.judge(long_text, q.key_points, stem=q.stem, material=case.material)
    cold = time.perf_counter() - t0
    runs = []
    for _ in range(30):
        t0 = time.perf_counter()
        keypoints.judge(long_text, q.key_points, stem=q.stem, material=case.material)
        runs.append(time.perf_counter() - t0)
    runs.sort()
    print(f"\njieba load (first call of warm_up, this process): {load_s * 1000:.0f} ms")
    print(f"judge {len(long_text)} characters, {len(q.key_points)} 要点 (target ≤ 100 ms):")
    print(f"  first judgement of this question: {cold * 1000:.1f} ms")
    print(
        f"  repeated: median {statistics.median(runs) * 1000:.1f} ms, "
        f"max {runs[-1] * 1000:.1f} ms over {len(runs)} runs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
