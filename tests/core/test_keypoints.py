"""The automatic 要点 judgement on fixtures: full, partial, off-topic, stuffed, paraphrased."""

from __future__ import annotations

import subprocess
import sys

import pytest

from csapp.core import keypoints
from csapp.core.questions import KeyPoint
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bank():
    from csapp.core import course_bank

    _questions, cases = course_bank.load_sources()
    return {c.title: c for c in cases}


def judge(bank, title: str, number: int, text: str) -> keypoints.Judgement:
    case = bank[title]
    q = case.questions[number - 1]
    return keypoints.judge(text, q.key_points, stem=q.stem, material=case.material)


def covered(result: keypoints.Judgement) -> list[int]:
    return [p.index + 1 for p in result.points if p.covered]


RICE = ("米店学徒的记事本", 1)
RICE_FULL = """
小王的送米服务体现了客户服务的几个特点。
第一是层次性。客户服务要先考虑客户的利益，再考虑企业自己的利益。小王替顾客清理米缸，把陈米铺在新米上面，先保障了顾客的利益。
第二是及时性。小王根据本子上的记录算出每家米快吃完的日子，提前把米送到门口，顾客不会断顿。
第三是多样性。每户人家人口、饭量、口味都不一样，小王分别记录、分别安排，为不同的客户提供不同的服务。
第四是变革性。别的伙计放下米就走，小王却改成清缸、换米、主动按时送货，不断改进和创新服务方式。
"""


def test_a_full_answer_covers_every_point_and_marks_where(bank):
    result = judge(bank, *RICE, RICE_FULL)
    assert covered(result) == [1, 2, 3, 4]
    assert result.suggested_total == 6
    assert result.stuffing < 0.3 and not result.warnings
    for point in result.points:
        assert point.how == "keywords"
        found = [RICE_FULL[s:e] for s, e in point.spans]
        assert found == point.found and found  # the spans index the learner's own text
    assert "层次性" in result.points[0].found
    lo, hi = result.points[1].window
    assert "及时性" in RICE_FULL[lo:hi] and "断顿" in RICE_FULL[lo:hi]


def test_a_partial_answer_covers_only_what_it_says(bank):
    text = (
        "小王的服务首先体现了及时性，他算好每户人家的米什么时候吃完，在米见底之前就送到，"
        "顾客不用担心断顿。其次体现了变革性，一般伙计放下米袋就走，他却多做了清缸、换米"
        "这些事，对送米服务进行了创新。"
    )
    result = judge(bank, *RICE, text)
    assert covered(result) == [2, 4]
    missing = result.points[0]
    assert missing.how == "missing" and "层次性" in missing.reason
    assert missing.suggested == 0


def test_an_off_topic_answer_covers_nothing(bank):
    text = (
        "小王是一个非常勤劳的学徒，每天晚上还在油灯下整理记录，说明他很敬业。做服务工作要有"
        "吃苦耐劳的精神，还要对企业忠诚。米店老板应该给小王涨工资，这样才能留住人才。"
    )
    assert covered(judge(bank, *RICE, text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "层次性 及时性 多样性 变革性 客户利益 顾客利益 个性化 创新 改善 及时",
        "层次性\n及时性\n多样性\n变革性\n客户利益",
        "层次性层次性层次性，及时性及时性，多样性多样性多样性，变革性，客户利益客户利益。",
        "小王的服务体现了层次性、及时性、多样性、变革性，客户利益，个性化，创新，改善。",
        "这个问题可以用层次性来说明，也可以用及时性来说明，还可以用多样性、变革性来说明，"
        "这些都很重要，都要掌握。",
    ],
    ids=["list", "lines", "repeated", "one-sentence-list", "filler"],
)
def test_keyword_stuffing_scores_nothing(bank, text):
    result = judge(bank, *RICE, text)
    assert covered(result) == []
    assert result.suggested_total == 0
    # The learner is told why: the keywords were seen, just not explained.
    assert any(p.how == "mentioned" for p in result.points)


def test_a_keyword_list_is_flagged_as_stuffing(bank):
    result = judge(bank, *RICE, "层次性 及时性 多样性 变革性 客户利益 层次性 及时性 多样性")
    assert result.stuffing > 0.8
    assert result.warnings and "关键词" in result.warnings[0]


def test_near_forms_and_synonyms_count(bank):
    text = (
        "客户的忠诚大致有六类。兴奋型的忠诚来自客户对企业形象和理念的认同，客户会死心塌地地"
        "跟着企业。价格型的忠诚建立在便宜上，哪家价钱低客户就去哪家，最靠不住。刺激型的忠诚"
        "靠积分、返利之类的好处换来。垄断型的忠诚是客户根本没得选，只能用这一家，心里并不情愿。"
        "习惯型的忠诚是用惯了懒得换。以服务为基础的忠诚是企业服务做得好、让客户觉得值，这是最"
        "牢靠的。"
    )
    result = judge(bank, "出租车涨价之后", 1, text)
    assert covered(result) == [1, 2, 3, 4, 5, 6]
    assert "价格型的忠诚" in result.points[1].found  # split words: 价格 … 忠诚
    assert "服务为基础" in result.points[5].found  # 服务 … 基础, two characters apart


def test_the_idea_in_other_words_can_count_without_the_keywords(bank):
    text = (
        "邮政部门忙着调车转运，把邮件从济南运到北京，却没有告知孙先生，客户的知情需要和心理感受"
        "都没有被照顾到，这是只顾事、不顾人。"
    )
    result = judge(bank, "晚到半天的特快专递", 1, text)
    assert 1 in covered(result)


def test_a_short_keyword_the_case_repeats_needs_the_points_own_words(bank):
    # 司机 is a keyword of "重视服务人员" and a word the taxi case uses all the time.
    text = "我认为出租车涨价是合理的，因为油价上涨了，司机的收入也要保障，乘客应该理解司机。"
    assert 5 not in covered(judge(bank, "出租车涨价之后", 2, text))


def test_spans_stay_right_with_full_width_and_rare_characters(bank):
    text = "𠀀ＡＢＣ。小王的服务体现了层次性：他先替顾客清理米缸，把客户的利益放在前面。"
    result = judge(bank, *RICE, text)
    point = result.points[0]
    assert point.covered
    assert [text[s:e] for s, e in point.spans] == ["层次性", "客户的利益"]


def test_points_without_keywords_are_judged_by_their_wording():
    points = [
        KeyPoint("客户满意取决于可感知效果与期望值的比较", 2),
        KeyPoint("培训需求分析要从岗位任务出发", 2),
    ]
    text = "顾客是否满意，取决于他可感知的效果和事先期望值之间的比较，效果低于期望就会不满。"
    result = keypoints.judge(text, points)
    assert [p.covered for p in result.points] == [True, False]
    assert result.points[0].how == "paraphrase"


def test_an_empty_answer_and_empty_points():
    assert keypoints.judge("", [KeyPoint("层次性", 2, [["层次性"]])]).points[0].how == "missing"
    assert keypoints.judge("随便写点什么", []).points == []


def test_coverage_is_plain_json():
    import json

    result = keypoints.judge(
        "小王的服务体现了及时性，他根据记录提前把米送到门口，顾客不会断顿。",
        [{"text": "及时性：赶在米见底之前送到", "marks": 2, "keywords": [["及时性", "及时"]]}],
    )
    data = json.loads(json.dumps(result.coverage()))
    assert data[0]["covered"] is True and data[0]["suggested"] == 2


def test_lengths():
    assert keypoints.count_chars("客户 服务\n管理。") == 7
    assert keypoints.suggested_length(6) == 300
    assert keypoints.suggested_length(1) == 60


def test_jieba_loads_quietly_into_the_given_cache_and_never_at_start_up(tmp_path):
    probe = f"""
import sys
import csapp.app, csapp.ui.main_window, csapp.ui.pages.cases, csapp.core.cases
assert "jieba" not in sys.modules, "jieba on the start-up path"
from csapp.core import keypoints
keypoints.configure({str(tmp_path)!r})
keypoints.warm_up()
assert keypoints.is_ready()
import os
print(sorted(os.listdir({str(tmp_path)!r})))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert keypoints.CACHE_NAME in result.stdout
    assert "Building prefix dict" not in result.stderr and "Loading model" not in result.stderr
    # The second start reads the chunked cache instead of building the dictionary.
    again = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert again.returncode == 0, again.stderr


# -- negation ------------------------------------------------------------------------------

# 要点 2 of the rice case is 及时性: this covers it when nothing in the first clause negates 及时.
TIMELY = "{}，小王根据本子上的记录算出每家米快吃完的日子，把米送到门口，顾客不会断顿。"


@pytest.mark.parametrize(
    "clause",
    [
        "小王送米没有及时",
        "小王送米不及时",
        "小王送米并不及时",
        "小王送米一点也不及时",
        "小王送米不够及时",
        "小王未能及时送米",
        "小王没能及时送米",
        "小王无法及时送米",
        "小王不能及时送米",
        "小王从来不及时送米",
        "小王没有认真及时地送米",  # up to 4 characters between the negator and the phrase
        "小王的服务缺乏及时性",
    ],
)
def test_a_negated_keyword_covers_nothing_and_is_not_highlighted(bank, clause):
    point = judge(bank, *RICE, TIMELY.format(clause)).points[1]
    assert not point.covered and point.suggested == 0
    assert point.spans == [] and point.found == []  # nothing is coloured as covering
    assert "否定" in point.reason and "及时" in point.reason


@pytest.mark.parametrize(
    "clause",
    [
        "小王不断地及时送米",  # 不断: "keeps on"
        "小王不仅及时送米而且清缸换米",  # 不仅 … 而且
        "小王无论多忙都及时送米",  # 无论
        "小王给不少人家及时送米",  # 不少
        "小王送米非常及时",  # 非常
        "小王送米无疑是及时的",  # 无疑
        "小王毫不犹豫地及时送米",  # 毫不犹豫
        "小王不得不及时送米",  # obligation
        "小王不能不及时送米",  # double negative
        "小王没有一次不及时送米",  # double negative
        "小王非及时送米不可",  # 非 … 不可
        "小王必须及时送米",
        "小王务必及时送米",
    ],
)
def test_words_that_only_look_negative_do_not_negate(bank, clause):
    text = TIMELY.format(clause)
    point = judge(bank, *RICE, text).points[1]
    assert point.covered, point.reason
    assert [text[s:e] for s, e in point.spans] == ["及时"]


@pytest.mark.parametrize(
    "clause",
    [
        "不要让顾客跑店，要及时送米",  # 不要…，要…: the negator has a clause of its own
        "小王从不让顾客跑店、及时送米",  # 、 ends the negated clause too
        "不要让顾客跑店而要及时送米",  # 而 / 要 start another predicate
        "没有人催过的小王每次都及时送米",  # the negation is of something much earlier
    ],
)
def test_a_negation_of_something_else_does_not_count(bank, clause):
    assert judge(bank, *RICE, TIMELY.format(clause)).points[1].covered


def test_only_the_negated_occurrence_is_left_out(bank):
    text = (
        "别的伙计送米从来不及时，顾客的米吃完了还得自己跑到店里去买。"
        "小王却总是及时，他根据本子上的记录算出每家米快吃完的日子，把米送到门口。"
    )
    point = judge(bank, *RICE, text).points[1]
    assert point.covered
    first, second = text.index("及时"), text.rindex("及时")
    assert point.spans == [(second, second + 2)]
    assert point.window[0] > first  # the sentence about 小王, not the one about the others


def test_when_the_question_asks_what_went_wrong_the_negation_is_the_answer(bank):
    # 餐桌 第2问 asks which principles the salesman broke: "没有及时处理" covers 及时处理.
    text = (
        "郑女士打电话来反映餐桌开裂，导购没有及时处理，挂断电话以后问题一直被搁置，"
        "小问题演变成了网上的负面舆论。"
    )
    point = judge(bank, "一张开裂的餐桌", 2, text).points[2]
    assert point.covered and point.found == ["及时"]


def test_a_point_that_states_a_lack_is_covered_by_the_lack():
    material = "乙公司是甲公司的头号客户，它的包装要求、旺季规律都只记在老赵的脑子里。"
    text = "甲公司没有建立客户档案，乙公司的包装要求和旺季规律都只记在老赵脑子里，老赵一走就断了。"
    keywords = [["资料卡", "客户资料", "档案"]]
    lack = {
        "text": "没有建立核心客户资料卡：关键信息只在老赵手里",
        "marks": 2,
        "keywords": keywords,
    }
    remedy = {
        "text": "为核心客户建立资料卡，记下包装要求和旺季规律",
        "marks": 2,
        "keywords": keywords,
    }
    assert keypoints.judge(text, [lack], material=material).points[0].covered
    assert not keypoints.judge(text, [remedy], material=material).points[0].covered


def test_saying_it_is_not_this_point_covers_nothing(bank):
    text = (
        "乘客回流并不是价格忠诚，涨价以后坐车更贵了，乘客并不是因为便宜才回来的。\n"
        "主要属于垄断性忠诚：全市出租车运价统一，行业不打价格战，乘客换哪家都一样，"
        "赶时间时没得选，只能接受涨价，心里并不情愿。"
    )
    assert covered(judge(bank, "出租车涨价之后", 1, text)) == [4]
    text = (
        "乘客涨价后又回来了，说明这种忠诚并不脆弱，乘客离不开出租车，企业不用担心乘客流失。\n"
        "出租车公司也不必开通网上预约叫车，乘客在路边招手就能打到车。"
    )
    result = judge(bank, "出租车涨价之后", 2, text)
    assert covered(result) == []
    assert "“不必开通网上预约”" in result.points[3].reason
