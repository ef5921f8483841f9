"""Course search: FTS5 trigram for Chinese substrings, LIKE for short words, highlighted hits."""

from __future__ import annotations

from pathlib import Path

import pytest

from csapp.core.search import CourseIndex, course_index, split_sections

CH1 = """# 第1章 客户服务概述

## 学习目标

- 理解**客户服务**的含义。

## 1.1 客户服务的含义

客户服务是企业为使客户满意而开展的活动。

### 1.1.1 服务的特点

服务具有无形性、不可分离性、差异性、易消失性。

## 本章小结

客户服务是一切活动的总称。
"""

CH2 = """# 第2章 客服人员服务理念

## 2.1 客户满意

**客户满意**取决于可感知效果与期望值的比较；满意的客户会再来。

## 2.2 客户忠诚

忠诚的客户重复购买 PDCA_100% 这样的符号也能搜。
"""


@pytest.fixture
def index(tmp_path: Path) -> CourseIndex:
    (tmp_path / "index.toml").write_text(
        '[[chapter]]\nno = 1\ntitle = "客户服务概述"\nfile = "ch01.md"\n'
        '[[chapter]]\nno = 2\ntitle = "客服人员服务理念"\nfile = "ch02.md"\n'
        '[[chapter]]\nno = 3\ntitle = "还没写"\nfile = "ch03.md"\n',
        encoding="utf-8",
    )
    (tmp_path / "ch01.md").write_text(CH1, encoding="utf-8")
    (tmp_path / "ch02.md").write_text(CH2, encoding="utf-8")
    return CourseIndex(tmp_path)


def test_sections_keep_their_numbers_and_plain_text():
    parts = split_sections(1, CH1)
    assert [(s.anchor, s.heading) for s in parts] == [
        ("", "第1章 客户服务概述"),
        ("", "学习目标"),
        ("1.1", "1.1 客户服务的含义"),
        ("1.1.1", "1.1.1 服务的特点"),
        ("", "本章小结"),
    ]
    assert parts[1].body == "理解客户服务的含义。"  # no Markdown marks left


def test_a_chinese_substring_of_three_characters_matches(index):
    hits = index.search("不可分离")
    assert [(h.chapter_no, h.anchor) for h in hits] == [(1, "1.1.1")]
    assert "<b>不可分离</b>" in hits[0].snippet_html
    assert hits[0].target == "1.1.1"
    assert hits[0].chapter_title == "第1章 客户服务概述"


def test_hits_come_in_course_order_with_counts(index):
    hits = index.search("客户满意")
    assert [(h.chapter_no, h.heading) for h in hits] == [
        (1, "1.1 客户服务的含义"),
        (2, "2.1 客户满意"),
    ]
    assert hits[1].count == 2  # once in the heading, once in the text


@pytest.mark.parametrize(("query", "expected"), [("满意", 2), ("忠", 1), ("无形", 1)])
def test_one_or_two_characters_fall_back_to_like(index, query, expected):
    hits = index.search(query)
    assert len(hits) == expected
    assert all(f"<b>{query}</b>" in h.snippet_html for h in hits if query in h.snippet_html)


def test_several_words_must_all_appear(index):
    assert [h.anchor for h in index.search("客户 期望值")] == ["2.1"]
    assert index.search("客户 不存在的词") == []


def test_unnumbered_sections_are_found_by_their_heading(index):
    [hit] = index.search("一切活动")
    assert (hit.anchor, hit.target) == ("", "本章小结")


@pytest.mark.parametrize("query", ['"', "PDCA_100%", "a OR b", "*", "NEAR(", "  "])
def test_odd_queries_never_fail(index, query):
    index.search(query)  # no exception; whatever matches, matches


def test_symbols_are_matched_literally(index):
    assert [h.anchor for h in index.search("PDCA_100%")] == ["2.2"]
    assert index.search("D_A") == []  # "_" is not a wildcard (it would match "DCA")
    assert index.search("%") != []


def test_html_in_the_text_is_escaped_in_snippets(tmp_path: Path):
    (tmp_path / "index.toml").write_text(
        '[[chapter]]\nno = 1\ntitle = "x"\nfile = "a.md"\n', encoding="utf-8"
    )
    (tmp_path / "a.md").write_text("## 1.1 标题\n\n使用<script>标签的服务质量说明。\n", "utf-8")
    [hit] = CourseIndex(tmp_path).search("服务质量")
    assert "&lt;script&gt;" in hit.snippet_html


def test_the_built_in_course_is_searchable():
    hits = course_index().search("服务质量的五个维度")
    assert any(h.chapter_no == 4 and h.anchor == "4.1.2" for h in hits)
