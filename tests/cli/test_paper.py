"""``main.py paper``: a printable 自考-style paper and its answer key, as PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import run_main

HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
SINGLE_INSTRUCTIONS = (
    "一、单项选择题：本大题共20小题，每小题1分，共20分。"
    "在每小题列出的备选项中只有一项是最符合题目要求的，请将其选出。"
)


def squeeze(text: str) -> str:
    """pdftotext breaks lines where the page did; compare without any whitespace."""
    return "".join(text.split())


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_paper_and_key_are_written(tmp_path):
    out, key = tmp_path / "paper.pdf", tmp_path / "key.pdf"
    result = run_main(
        "paper", "--blueprint", "自考10421 仿真", "--out", str(out), "--answers", str(key),
        "--seed", "7",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "试卷已写入" in result.stdout and "满分 100 分" in result.stdout
    assert "参考答案已写入" in result.stdout
    assert out.read_bytes().startswith(b"%PDF") and key.read_bytes().startswith(b"%PDF")
    if not HAVE_POPPLER:
        pytest.skip("poppler-utils (pdftotext, pdffonts) are not installed")
    paper = squeeze(pdf_text(out))
    for expected in (
        "客户服务管理模拟试卷",
        "考试时间：150分钟",
        "总分：100分",
        "第一部分选择题",
        "第二部分非选择题",
        SINGLE_INSTRUCTIONS,
        "二、多项选择题：本大题共5小题，每小题2分，共10分。",
        "三、名词解释题：本大题共5小题，每小题3分，共15分。",
        "五、论述题：本题15分。",
        "六、案例分析题：本题15分。",
        "1．",
        "36．",
        "37．",
        "第1页（共",
    ):
        assert expected in paper, expected
    assert "参考答案" not in paper and "答案要点（共" not in paper  # the key stays apart
    answers = squeeze(pdf_text(key))
    assert "参考答案及评分标准" in answers and "答案要点（共" in answers
    assert "1．" in answers and "（1分）" in answers
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # emb: every font embedded


def test_the_same_seed_prints_the_same_paper(tmp_path):
    if not HAVE_POPPLER:
        pytest.skip("poppler-utils (pdftotext) are not installed")
    texts = []
    for name in ("a.pdf", "b.pdf"):
        out = tmp_path / name
        args = ("paper", "--blueprint", "章节测验", "--chapter", "3", "--seed", "11")
        assert run_main(*args, "--out", str(out)).returncode == 0
        texts.append(squeeze(pdf_text(out)))
    assert texts[0] == texts[1]
    assert "章节测验（第3章）" in texts[0]
    assert "二、判断题：本大题共5小题，每小题6分，共30分。" in texts[0]


def test_mistakes_are_one_sentence(tmp_path, data_dir):
    out = str(tmp_path / "p.pdf")
    unknown = run_main("paper", "--blueprint", "期末考", "--out", out)
    assert unknown.returncode == 2
    assert "没有名为“期末考”的试卷蓝图" in unknown.stderr and "自考10421 仿真" in unknown.stderr
    quiz = run_main("paper", "--blueprint", "章节测验", "--out", out)
    assert quiz.returncode == 2 and "--chapter" in quiz.stderr

    from dataclasses import replace

    from csapp.core import exam
    from csapp.core.library import open_library
    from csapp.core.questions import QuestionType

    library = open_library(data_dir)
    big = exam.Blueprint("论述大赛", 60, 60, (exam.Slot(QuestionType.ESSAY, 500, 1),))
    exam.save_blueprint(library.engine, replace(big, pass_mark=300))
    essays = exam.availability(library.engine)[QuestionType.ESSAY]
    library.close()
    short = run_main("paper", "--blueprint", "论述大赛", "--out", out)
    assert short.returncode == 2
    assert f"论述题需要 500 道，题库只有 {essays} 道，还差 {500 - essays} 道" in short.stderr
    unwritable = run_main(
        "paper", "--blueprint", "自考10421 仿真", "--out", str(tmp_path / "no" / "p.pdf")
    )
    assert unwritable.returncode == 1 and "路径不存在" in unwritable.stderr
    for result in (unknown, quiz, short, unwritable):
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "p.pdf").exists()


def test_the_paper_text_without_poppler(library):
    """The HTML the printer lays out holds the same paper (checked without any PDF tool)."""
    from csapp.core import exam
    from csapp.core.exam_paper import key_html, paper_html, plain_text
    from tests.core.test_exam import add_bank, full_bank

    drafts, cases = full_bank()
    add_bank(library, drafts, cases)
    paper = exam.compose(library.engine, exam.ZIKAO_10421, seed=3)
    text = squeeze(plain_text(paper_html(paper)))
    assert SINGLE_INSTRUCTIONS in text
    assert "考试时间：150分钟" in text and "得分" in text
    for item in paper.items:
        assert squeeze(item.stem) in text
    first = paper.items[0]
    assert f"A．{first.options[0]}" in text
    key = squeeze(plain_text(key_html(paper)))
    assert f"1．{first.answer}" in key
    essay = paper.items[paper.sections[4].items[0]]
    assert squeeze(essay.points[0]["text"]) in key
