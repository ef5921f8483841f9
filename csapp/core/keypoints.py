"""Does a written answer cover each 答案要点? The automatic judgement behind self-marking.

The learner's text is read as Chinese words (jieba) and compared with each point's keyword
groups (all groups needed, any alternative of a group counts), their near forms and simple
synonyms, and, failing those, with the point's own wording. A keyword counts only inside a
real sentence with enough of the learner's own words around it, so keyword lists, repeated
keywords and filler do not score, and neither does a negated keyword (没有及时处理) unless
the point or the question is about a lack. docs/keypoint_judgement.md explains every rule and
benchmarks/keypoints.py measures it against hand-labelled answers.

jieba is loaded lazily (``warm_up()`` on a worker thread), never on the start-up path. Its
prefix dictionary is cached in chunks in the app's cache folder, so loading never holds the
interpreter lock long enough to stall the screen.
"""

from __future__ import annotations

import logging
import marshal
import os
import re
import tempfile
import threading
import time
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csapp.core.questions import KeyPoint

log = logging.getLogger(__name__)

# -- jieba, loaded lazily ------------------------------------------------------------------

_lock = threading.RLock()
_tokenizer: Any = None
_cache_dir: Path | None = None
CACHE_NAME = "jieba-prefix-v1.bin"
CHUNK_ENTRIES = 15_000  # one marshal chunk holds the interpreter lock for ~30 ms at most


def configure(cache_dir: Path | str | None) -> None:
    """Where jieba's dictionary cache lives (the app's data folder); default: a temp dir."""
    global _cache_dir
    _cache_dir = Path(cache_dir) if cache_dir else None


def is_ready() -> bool:
    return _tokenizer is not None


def warm_up() -> None:
    """Load jieba now (call it on a worker thread); later calls return at once."""
    _get_tokenizer()


def _cache_path() -> Path:
    folder = _cache_dir or Path(tempfile.gettempdir()) / "csapp-cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / CACHE_NAME


def _get_tokenizer() -> Any:
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is not None:
            return _tokenizer
        started = time.perf_counter()
        with warnings.catch_warnings():  # jieba's regexes predate raw strings
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", SyntaxWarning)
            import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.tmp_dir = str(_cache_path().parent)
        stamp = f"{jieba.__version__}:{os.path.getsize(tok.get_dict_file().name)}"
        freq_total = _load_cache(_cache_path(), stamp)
        if freq_total is None:
            freq_total = tok.gen_pfdict(tok.get_dict_file())  # pure Python: yields the GIL
            try:
                _write_cache(_cache_path(), stamp, *freq_total)
            except OSError:
                log.warning("could not write the jieba cache", exc_info=True)
        tok.FREQ, tok.total = freq_total
        tok.initialized = True
        _tokenizer = tok
        log.info("jieba ready in %.2f s", time.perf_counter() - started)
        return tok


def _load_cache(path: Path, stamp: str) -> tuple[dict[str, int], int] | None:
    """Read the chunked cache, releasing the GIL between chunks; None if absent or stale."""
    try:
        with open(path, "rb") as fh:
            header = marshal.load(fh)
            if not isinstance(header, tuple) or header[0] != stamp:
                return None
            _stamp, total, chunks = header
            freq: dict[str, int] = {}
            for _ in range(chunks):
                freq.update(marshal.load(fh))
                time.sleep(0)  # let the GUI thread run between chunks
            return freq, total
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write_cache(path: Path, stamp: str, freq: dict[str, int], total: int) -> None:
    items = list(freq.items())
    chunks = [dict(items[i : i + CHUNK_ENTRIES]) for i in range(0, len(items), CHUNK_ENTRIES)]
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        marshal.dump((stamp, total, len(chunks)), fh)
        for chunk in chunks:
            marshal.dump(chunk, fh)
            time.sleep(0)
    os.replace(tmp, path)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for ``text``, which should already be normalised."""
    tok = _get_tokenizer()
    with _lock:
        return list(tok.tokenize(text, HMM=True))


# -- text helpers --------------------------------------------------------------------------

SENTENCE_ENDS = frozenset("。！？!?；;\n…")


def normalize(text: str) -> str:
    """NFKC and lower case, character by character, so offsets stay those of ``text``."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n.lower() if len(n) == 1 else ch)
    return "".join(out).replace("\u3000", " ").replace("\xa0", " ")


def is_content(ch: str) -> bool:
    """A character that carries meaning: a CJK ideograph, a letter or a digit."""
    return ch.isalnum()


def count_chars(text: str) -> int:
    """Characters written, as a Chinese teacher counts them: everything but white space."""
    return sum(1 for ch in text if not ch.isspace())


def suggested_length(marks: float | None) -> int:
    """A sensible answer length for a question worth ``marks``: about 50 characters a mark."""
    return max(60, round((marks or 0) * 50 / 10.0) * 10)


# -- vocabulary ----------------------------------------------------------------------------

# Words that mean the same thing in an answer; the first is the canonical form.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("客户", "顾客", "用户", "消费者", "客人"),
    ("企业", "公司", "商家"),
    ("员工", "职工", "店员", "服务人员"),
    ("期望", "期待", "预期", "预想"),
    ("超出", "超过", "超越", "超乎", "高于"),
    ("及时", "迅速", "快速", "尽快", "第一时间", "立即", "马上"),
    ("道歉", "致歉", "赔礼", "赔不是", "表示歉意"),
    ("投诉", "抱怨", "申诉"),
    ("沟通", "交流"),
    ("培训", "训练"),
    ("考核", "考评"),
    ("改进", "改善", "完善"),
    ("档案", "底册", "资料卡"),
    ("回访", "跟进", "跟踪"),
    ("忠诚", "忠实"),
    ("口碑", "转介绍"),
    ("个性化", "量身定制", "因人而异"),
    ("倾听", "聆听"),
    ("情绪", "心情"),
    ("方案", "办法", "措施", "对策"),
    ("授权", "放权", "赋权"),
    ("激励", "奖励"),
    ("实事求是", "如实"),
    ("承诺", "许诺"),
    ("首次解决", "一次解决", "第一次就解决", "第一次解决"),
    ("感受", "感觉", "体验", "感知"),
    ("价格", "价钱", "票价", "运价"),
    ("不可靠", "靠不住", "不牢靠"),
    ("品牌", "牌子", "招牌"),
    ("争辩", "争吵", "顶嘴", "争执"),
    ("推卸", "推脱", "推诿"),
    ("选择", "挑选", "拿主意"),
    ("兑现", "说到做到"),
    ("主动", "抢先", "主动地"),
    ("失误", "差错", "出错", "过失"),
    ("型", "性"),
)
_CANON: dict[str, str] = {w: group[0] for group in SYNONYMS for w in group}
_VARIANTS: dict[str, tuple[str, ...]] = {w: group for group in SYNONYMS for w in group}


# Tokens that give a clause grammar: particles, prepositions, auxiliaries, connectives.
# Bare conjunctions (和, 与, 及, 或) are left out on purpose: they glue keyword lists.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STRUCTURE_WORDS = _words(
    """
    的 地 得 了 着 过 是 在 把 被 将 对 从 向 为 为了 因为 所以 因此 如果 虽然 但是 但 却 而
    并 并且 就 才 也 都 还 又 要 能 会 应 应该 应当 可以 需要 必须 使 让 给 由 通过 由于 只有 只要
    不 没有 没 很 更 最 这 那 这种 这样 其 他 她 他们 我们 它 有 做 做到 进行 提供 体现 说明
    导致 造成 属于 可见 首先 其次 最后 同时 就是 指 是指 得到 看到 觉得 认为 比 先 再 后 等
    """
)

# Words too common in this course to show that an answer talks about a particular point.
GENERIC_WORDS = _words(
    """
    客户 顾客 服务 企业 公司 员工 问题 工作 管理 进行 提供 重要 需要 能够 可以 通过 没有 这种
    一个 方面 情况 案例 分析 说明 体现 结合 作用 我们 他们 这些 那些 因为 所以 因此 如果 但是
    应该 应当 必须 就是 不是 也是 还是 一定 非常 十分 比较 一些 什么 怎样 如何 为什么 掌握 理论
    方法 原因 结果 目的 要求 内容 过程 主要 一般 所有 各种 其他 自己 已经 可能 出现 发生 问题
    了解 知道 认为 觉得 做好 做到 提高 加强 注意 重视 部门 客户服务 特点 原则 启示 当然 还有
    以及 并且 而且 同时 首先 其次 最后 第一 第二 第三 第四 第五 一是 二是 三是 四是 五是 六是
    """
)


def canon(word: str) -> str:
    return _CANON.get(word, word)


@lru_cache(maxsize=4096)
def _variants(phrase: str) -> tuple[str, ...]:
    """The phrase with each synonym swapped in (the phrase itself first), at most 16."""
    out = [phrase]
    for word, group in _VARIANTS.items():
        if len(word) < 2 or word not in phrase:
            continue
        for other in group:
            if other != word:
                for base in list(out):
                    if word in base and len(out) < 16:
                        candidate = base.replace(word, other)
                        if candidate not in out:
                            out.append(candidate)
    return tuple(out)


@lru_cache(maxsize=4096)
def _pieces(phrase: str) -> tuple[str, ...]:
    """A keyword phrase as its content words (``服务基础上的忠诚`` → 服务, 基础, 上, 忠诚)."""
    words = [w for w, _s, _e in tokenize(phrase)]
    return tuple(w for w in words if any(is_content(c) for c in w) and w not in ("的", "之", "了"))


@lru_cache(maxsize=256)
def _content_words(text: str) -> frozenset[str]:
    """Distinctive words of a reference text (a point's wording, the case material)."""
    norm = normalize(text)
    return frozenset(
        canon(w)
        for w, _s, _e in tokenize(norm)
        if len(w) >= 2 and all(is_content(c) for c in w) and w not in GENERIC_WORDS
    )


def _edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / longer length."""
    if a == b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return 1.0 - prev[-1] / max(len(a), len(b))


# -- negation ------------------------------------------------------------------------------

# A clause ends at these; normalize() has already turned ，；！？： into , ; ! ? :.
CLAUSE_STOPS = SENTENCE_ENDS | frozenset(",、:")
NEGATION_GAP = 4  # content characters allowed between a negator and the phrase it negates

# jieba words that negate what follows. Words that only begin with a negating character are
# other words to jieba and are not listed, so they never negate: 不断 不少 不仅 不但 不管
# 不论 无论 无疑 非常 毫不犹豫 特别 分别 别的 未来 除非 不满 不同; nor are the double
# negatives and obligations 不得不 不能不 不可不 无不 (必须, 务必 carry no negator at all).
NEGATORS = _words(
    """
    不 没 没有 未 无 非 别 勿 莫 不要 不能 不会 不必 不用 无需 不该 不应 不应该 不可 不可以
    不肯 不愿 不愿意 不敢 不曾 不再 不够 不太 不是 不算 未能 没能 无法 没法 难以 未必 并非
    并不 并未 并没有 从不 从未 从没 从来不 从来没有 绝不 决不 毫不 毫无 缺乏 缺少 欠缺 忽视
    忽略 拒绝 违背 违反 无人
    """
)
# Auxiliaries right after a negator belong to it (不 应该 和客户争辩, 没 能 及时); anywhere
# else they begin another predicate (客户不满意时 要 及时处理), which the negation does not reach.
MODALS = _words("要 应 应该 应当 该 能 能够 会 可 可以 必须 务必 需 需要 愿意 肯 敢 一定 可能")
# Connectives and verbs of change after which the phrase is no longer what is negated:
# 没有推诿而是及时处理, 没有倾听还推诿, 从不满意走向忠诚.
SCOPE_BREAKERS = MODALS | _words(
    """
    而 而是 而且 并且 却 但 但是 可是 不过 然而 反而 还 还要 也要 都要 同时 然后 再 就 才 便
    所以 因此 于是 只要 只有 如果 一旦 从而 走向 变成 变为 成为 转为 转化为 转变为
    """
)
_NOT_NEGATING = _words("重要 主要 必要 摘要 纲要")  # they end in 要 but are no modal
_NOT_ONLY = _words("只 只是 仅 仅仅 光 单 但")  # 不 只 …: "not only", no negation
DOUBLE_GAP = 2  # content characters allowed inside a double negative (没有 人 不 及时)

# A question that asks what went wrong: there "没有及时处理" is exactly the answer.
FAULT_STEM = re.compile(
    r"问题|失误|违背|违反|不足|不当|不妥|错误|缺点|缺陷|教训|原因|失败"
    r"|为什么.{0,8}?(?:没|不|仍|还|会)|为何.{0,8}?(?:没|不|仍|还|会)"
)


def _content_len(word: str) -> int:
    return sum(1 for ch in word if is_content(ch))


def _breaks_scope(word: str) -> bool:
    return word in SCOPE_BREAKERS or (
        len(word) >= 2 and word[-1] in "要就才" and word not in _NOT_NEGATING
    )


def _negator_before(t: _Text, start: int, end: int) -> int | None:
    """Where the negator of the phrase at [start, end) begins; None if it is not negated.

    The negator must stand in the same clause, at most NEGATION_GAP content characters
    before the phrase, with no connective or new predicate in between. Two negators next to
    each other (不会不, 没有不, 不是没有) cancel out, and so does 非 … 不可.
    """
    lo = t.clause_start[start]
    tokens = t.tokens
    k = t.tok_at[start]
    # The words before the phrase, nearest first; a phrase may begin inside a jieba word
    # (不及时 read as one word), and then the part before it is a word of its own.
    before: list[tuple[str, int, int]] = []
    if tokens[k][1] < start:
        before.append((t.norm[tokens[k][1] : start], tokens[k][1], start))
    for j in range(k - 1, -1, -1):
        if tokens[j][1] < lo:
            break
        before.append(tokens[j])
    gap = 0
    for i, (word, s, _e) in enumerate(before):
        nearer = before[i - 1][0] if i else ""
        earlier = before[i + 1][0] if i + 1 < len(before) else ""
        if word in NEGATORS and not (word == "不" and nearer in _NOT_ONLY):
            # A double negative: another negator just before this one.
            inner = 0
            for other, _s2, _e2 in before[i + 1 :]:
                if other in NEGATORS:
                    return None
                inner += _content_len(other)
                if inner > DOUBLE_GAP or _breaks_scope(other):
                    break
            after = t.norm[end : end + 6]
            after = after[: next((i for i, ch in enumerate(after) if ch in CLAUSE_STOPS), 6)]
            if word == "非" and ("不可" in after or "不行" in after):
                return None  # 非 … 不可: it must be done
            return s
        if word in MODALS and earlier in NEGATORS:
            continue  # 不 应该 …: part of the negator
        if _breaks_scope(word):
            return None
        gap += _content_len(word)
        if gap > NEGATION_GAP:
            return None
    return None


@lru_cache(maxsize=512)
def _point_states_a_lack(ptext: str, alternatives: tuple[str, ...]) -> bool:
    """Does the point's own wording negate one of its keywords (没有建立资料卡, 违背了及时处理)?"""
    if not ptext.strip():
        return False
    t = _prepare(ptext)
    for alt in alternatives:
        for variant in _variants(alt):
            for i in _find_all(t.norm, variant):
                if _negator_before(t, i, i + len(variant)) is not None:
                    return True
    return False


def negation_applies(ptext: str, groups: Sequence[Sequence[str]], stem: str = "") -> bool:
    """Whether a negated keyword fails to cover this point.

    Not when the point itself is about a lack (its wording negates one of its keywords) or
    the question asks what went wrong: then "没有及时处理" is what the answer should say.
    """
    if stem and FAULT_STEM.search(normalize(stem)):
        return False
    alternatives = tuple(n for n in (normalize(a).strip() for g in groups for a in g) if n)
    return not _point_states_a_lack(ptext, alternatives)


# -- the judgement ---------------------------------------------------------------------------

# Tuned on benchmarks/keypoint_eval (see docs/keypoint_judgement.md).
CONTEXT_MIN = 6  # distinct own-word bigrams a point's sentence needs around its keywords
CONTEXT_PER_OTHER = 4  # ... plus this many for every other point's keyword in that sentence
STUFFED_DENSITY = 0.45  # keyword characters / all characters above which an answer is a list
STUFFED_REPEAT = 2.5  # keyword occurrences / distinct keywords above which it repeats itself
NEAR_SIMILARITY = 0.75  # edit similarity for a near form of a keyword (3+ characters)
GAP_CHARS = 4  # characters allowed between the words of a multi-word keyword
PARAPHRASE_WORDS = 3  # distinctive words of a point's wording needed without its keywords
PARAPHRASE_WEIGHT = 2.2


@dataclass(slots=True)
class Match:
    start: int
    end: int
    strength: float  # 1 exact, 0.9 synonym or split words, ~0.75 near form
    group: int
    alternative: str


@dataclass(slots=True)
class PointResult:
    """The judgement of one 要点; ``spans`` index the learner's text."""

    index: int
    text: str
    marks: float
    covered: bool
    mentioned: bool  # its keywords are there but not explained
    how: str  # "keywords", "paraphrase", "mentioned", "partial", "missing"
    confidence: float
    spans: list[tuple[int, int]] = field(default_factory=list)
    window: tuple[int, int] | None = None  # the sentence(s) that cover it
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def suggested(self) -> float:
        return self.marks if self.covered else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "marks": self.marks,
            "covered": self.covered,
            "mentioned": self.mentioned,
            "how": self.how,
            "confidence": round(self.confidence, 3),
            "spans": [list(s) for s in self.spans],
            "window": list(self.window) if self.window else None,
            "found": self.found,
            "missing": self.missing,
            "reason": self.reason,
            "suggested": self.suggested,
        }


@dataclass(slots=True)
class Judgement:
    points: list[PointResult]
    stuffing: float  # 0 (prose) .. 1 (a keyword list)
    warnings: list[str] = field(default_factory=list)

    @property
    def suggested_total(self) -> float:
        return sum(p.suggested for p in self.points)

    def coverage(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.points]


@dataclass(slots=True)
class _Unit:
    start: int
    end: int


@dataclass(slots=True)
class _Text:
    raw: str
    norm: str
    tokens: list[tuple[str, int, int]]
    units: list[_Unit]
    unit_of: list[int]  # character index → unit index
    clause_start: list[int]  # character index → where its clause begins
    tok_at: list[int]  # character index → the token that holds it


def _as_points(points: Sequence[KeyPoint | Mapping[str, Any]]) -> list[tuple[str, float, list]]:
    out = []
    for p in points:
        if isinstance(p, Mapping):
            out.append((str(p.get("text", "")), float(p.get("marks") or 0), p.get("keywords", [])))
        else:
            out.append((p.text, float(p.marks), p.keywords))
    return out


def _prepare(text: str) -> _Text:
    norm = normalize(text)
    units: list[_Unit] = []
    start = 0
    for i, ch in enumerate(norm):
        if ch in SENTENCE_ENDS:
            if any(is_content(c) for c in norm[start:i]):
                units.append(_Unit(start, i + 1))
            start = i + 1
    if any(is_content(c) for c in norm[start:]):
        units.append(_Unit(start, len(norm)))
    unit_of = [-1] * len(norm)
    for k, u in enumerate(units):
        for i in range(u.start, u.end):
            unit_of[i] = k
    clause_start = [0] * len(norm)
    start = 0
    for i, ch in enumerate(norm):
        clause_start[i] = start
        if ch in CLAUSE_STOPS:
            start = i + 1
    tokens = tokenize(norm)
    tok_at = [0] * len(norm)
    for k, (_w, s, e) in enumerate(tokens):
        for i in range(s, e):
            tok_at[i] = k
    return _Text(text, norm, tokens, units, unit_of, clause_start, tok_at)


def _find_all(haystack: str, needle: str) -> Iterable[int]:
    i = haystack.find(needle)
    while i >= 0:
        yield i
        i = haystack.find(needle, i + 1)


def _keyword_matches(t: _Text, groups: list[list[str]]) -> list[Match]:
    """Every place an alternative of a group occurs: exactly, via synonyms, split or near."""
    found: list[Match] = []
    for g, group in enumerate(groups):
        for alt in group:
            alt_n = normalize(alt).strip()
            if not alt_n:
                continue
            for k, variant in enumerate(_variants(alt_n)):
                strength = 1.0 if k == 0 else 0.9
                for i in _find_all(t.norm, variant):
                    found.append(Match(i, i + len(variant), strength, g, alt))
            found.extend(_split_matches(t, alt_n, g, alt))
            if len(alt_n) >= 3:
                found.extend(_near_matches(t, alt_n, g, alt))
    return found


def _split_matches(t: _Text, alt: str, g: int, label: str) -> list[Match]:
    """The words of a keyword in order, a few characters apart, in one sentence."""
    pieces = _pieces(alt)
    if len(pieces) < 2:
        return []
    out = []
    first = _variants(pieces[0])
    starts = sorted({i for v in first for i in _find_all(t.norm, v)})
    for s in starts:
        pos = s + next(len(v) for v in first if t.norm.startswith(v, s))
        ok = True
        for piece in pieces[1:]:
            best = None
            for v in _variants(piece):
                j = t.norm.find(v, pos, pos + GAP_CHARS + len(v))
                if j >= 0 and (best is None or j < best[0]):
                    best = (j, j + len(v))
            if best is None or t.unit_of[best[0]] != t.unit_of[s]:
                ok = False
                break
            pos = best[1]
        if ok:
            out.append(Match(s, pos, 0.9, g, label))
    return out


def _near_matches(t: _Text, alt: str, g: int, label: str) -> list[Match]:
    """Runs of one to three words whose spelling is close to the keyword (垄断型忠诚)."""
    out = []
    altset = set(alt)
    tokens = t.tokens
    n = len(alt)
    for i in range(len(tokens)):
        if tokens[i][0][0] not in altset:
            continue
        text = ""
        for j in range(i, min(i + 3, len(tokens))):
            text += tokens[j][0]
            if len(text) > n + 2:
                break
            if len(text) >= n - 1 and text != alt and len(set(text) & altset) >= n - 1:
                sim = _edit_similarity(text, alt)
                if sim >= NEAR_SIMILARITY:
                    out.append(Match(tokens[i][1], tokens[j][2], 0.85 * sim, g, label))
    return out


def _context(
    t: _Text, lo: int, hi: int, covered: list[bool], stem_bigrams: frozenset[str]
) -> tuple[int, set[str]]:
    """Distinct bigrams of the learner's own words in [lo, hi), and its content words."""
    bigrams = set()
    norm = t.norm
    for i in range(lo, hi - 1):
        a, b = norm[i], norm[i + 1]
        if is_content(a) and is_content(b) and not covered[i] and not covered[i + 1]:
            pair = a + b
            if pair not in stem_bigrams:
                bigrams.add(pair)
    words = {
        canon(w)
        for w, s, e in t.tokens
        if s >= lo and e <= hi and len(w) >= 2 and not any(covered[s:e])
    }
    return len(bigrams), words


def _has_structure(t: _Text, lo: int, hi: int) -> bool:
    return any(w in STRUCTURE_WORDS for w, s, e in t.tokens if s >= lo and e <= hi)


def judge(
    text: str,
    points: Sequence[KeyPoint | Mapping[str, Any]],
    *,
    stem: str = "",
    material: str = "",
) -> Judgement:
    """Judge which of ``points`` the answer ``text`` covers (see the module docstring)."""
    plist = _as_points(points)
    t = _prepare(text)
    n = len(t.norm)
    stem_n = normalize(stem)
    stem_bigrams = frozenset(stem_n[i : i + 2] for i in range(len(stem_n) - 1))

    # Every keyword occurrence of every point: the vocabulary an answer could be stuffed with.
    matches = [_keyword_matches(t, groups) for _t, _m, groups in plist]
    covered_char = [False] * n
    occurrences: dict[str, int] = {}
    for point_matches in matches:
        for m in point_matches:
            for i in range(m.start, m.end):
                covered_char[i] = True
    for point_matches in matches:
        seen = set()
        for m in point_matches:
            key = (m.start, t.norm[m.start : m.end])
            if key not in seen and m.strength >= 0.9:
                seen.add(key)
                occurrences[key[1]] = occurrences.get(key[1], 0) + 1
    content = sum(1 for ch in t.norm if is_content(ch)) or 1
    kw_chars = sum(1 for i, ch in enumerate(t.norm) if covered_char[i] and is_content(ch))
    density = kw_chars / content
    hits = sum(occurrences.values())
    repeat = hits / len(occurrences) if occurrences else 0.0
    stuffed = (density > STUFFED_DENSITY and hits >= 3) or (repeat > STUFFED_REPEAT and hits >= 6)
    stuffing = max(
        min(1.0, max(0.0, (density - 0.25) / (STUFFED_DENSITY + 0.2 - 0.25))),
        min(1.0, max(0.0, (repeat - 1.5) / (STUFFED_REPEAT + 1 - 1.5))) if hits >= 6 else 0.0,
    )
    warnings = []
    if stuffed:
        warnings.append("答案里关键词堆得很密，句子很少；关键词要放进结合案例的完整句子里才算数。")

    material_n = normalize(material)
    material_words = _content_words(material) if material else frozenset()
    point_words = [_content_words(ptext) for ptext, _m, _g in plist]

    results = []
    for idx, ((ptext, marks, groups), pmatches) in enumerate(zip(plist, matches, strict=True)):
        others = [m for j, ms in enumerate(matches) if j != idx for m in ms]
        # Words that tie a sentence to this case or this point; they only count where they
        # stand outside every keyword (see _context).
        relevant = material_words | point_words[idx]
        # A negated keyword (没有及时处理) covers nothing, and is not highlighted either:
        # everything below, spans included, sees only the matches that are not negated.
        negate = negation_applies(ptext, groups, stem)
        usable, negated = pmatches, []
        if negate:
            usable = []
            for m in pmatches:
                start = _negator_before(t, m.start, m.end)
                if start is None:
                    usable.append(m)
                else:
                    negated.append((start, m.end))
        result = _judge_point(
            t,
            idx,
            ptext,
            marks,
            groups,
            usable,
            others,
            covered_char,
            stem_bigrams,
            relevant,
            point_words,
            stuffed,
            material_n,
            negate,
            negated,
        )
        results.append(result)
    return Judgement(results, round(stuffing, 3), warnings)


def _windows(t: _Text) -> Iterable[tuple[int, int]]:
    """One sentence, or a sentence and the next (a heading and its explanation)."""
    for k, u in enumerate(t.units):
        yield u.start, u.end
        if k + 1 < len(t.units):
            yield u.start, t.units[k + 1].end


def _judge_point(
    t: _Text,
    idx: int,
    ptext: str,
    marks: float,
    groups: list[list[str]],
    pmatches: list[Match],
    others: list[Match],
    covered_char: list[bool],
    stem_bigrams: frozenset[str],
    relevant: frozenset[str] | set[str],
    point_words: list[frozenset[str]],
    stuffed: bool,
    material: str,
    negate: bool = False,
    negated: Sequence[tuple[int, int]] = (),
) -> PointResult:
    """``pmatches`` are the point's keyword matches that are not negated; ``negated`` spans
    each negated one from its negator (没有及时), for the reason shown to the learner."""
    result = PointResult(idx, ptext, marks, False, False, "missing", 0.0)
    labels = [g[0] for g in groups if g]
    best: tuple[float, tuple[int, int], list[Match]] | None = None
    mentioned: tuple[int, int] | None = None

    def _weak(m: Match) -> bool:
        return len(m.alternative) <= 2 and material.count(m.alternative) >= 2

    for lo, hi in _windows(t) if groups else ():
        chosen = []
        for g in range(len(groups)):
            inside = [m for m in pmatches if m.group == g and m.start >= lo and m.end <= hi]
            if not inside:
                break
            chosen.append(max(inside, key=lambda m: (m.strength, not _weak(m), -m.start)))
        else:
            strength = min(m.strength for m in chosen)
            ctx, words = _context(t, lo, hi, covered_char, stem_bigrams)
            own = {t.norm[m.start : m.end] for m in chosen}
            other_kw = {
                t.norm[m.start : m.end]
                for m in others
                if m.start >= lo and m.end <= hi and t.norm[m.start : m.end] not in own
            }
            need = CONTEXT_MIN + CONTEXT_PER_OTHER * len(other_kw)
            if stuffed:
                need *= 2
            # A short keyword the case itself uses everywhere (司机, 信息) proves little: the
            # sentence must then share a word with the point's own wording.
            weak = all(_weak(m) for m in chosen)
            rel = len(words & (point_words[idx] if weak else relevant))
            ok = ctx >= need and rel >= 1 and _has_structure(t, lo, hi)
            if ok:
                score = strength * min(1.0, 0.6 + 0.4 * ctx / (2 * need))
                # On a tie prefer one sentence, then a heading followed by its explanation.
                single = t.unit_of[lo] == t.unit_of[hi - 1]
                leading = all(t.unit_of[m.start] == t.unit_of[lo] for m in chosen)
                rank = (round(score, 6), single, leading)
                if best is None or rank > best[0]:
                    best = (rank, (lo, hi), chosen)
            elif mentioned is None:
                mentioned = (lo, hi)
    if best is not None:
        (score, _single, _leading), window, chosen = best
        result.covered = True
        result.how = "keywords"
        result.confidence = score
        result.window = window
        result.spans = _merge_spans((m.start, m.end) for m in chosen)
        result.found = [t.raw[s:e] for s, e in result.spans]
        result.reason = "答到了：" + "、".join(f"“{f}”" for f in result.found) + "。"
        return result

    # No sentence carries all the keywords with enough context: is the idea there in other words?
    keywords = {normalize(a).strip() for g in groups for a in g}
    para = _paraphrase(
        t, idx, point_words, keywords, pmatches, stuffed, stem_bigrams, material, negate, negated
    )
    if para is not None:
        window, words, spans, weight = para
        result.covered = True
        result.how = "paraphrase"
        result.confidence = min(0.8, 0.4 + 0.1 * weight)
        result.window = window
        result.spans = spans
        result.found = words
        result.reason = "意思相近：答案里说到了" + "、".join(f"“{w}”" for w in words[:5]) + "。"
        return result

    found_groups = {m.group for m in pmatches}
    result.missing = [labels[g] for g in range(len(groups)) if g not in found_groups and labels]
    if mentioned is not None:
        result.mentioned = True
        result.how = "mentioned"
        result.window = mentioned
        result.spans = _merge_spans(
            (m.start, m.end) for m in pmatches if m.start >= mentioned[0] and m.end <= mentioned[1]
        )
        result.found = [t.raw[s:e] for s, e in result.spans]
        names = "、".join(f"“{f}”" for f in dict.fromkeys(result.found))
        result.reason = f"提到了{names}，但没有结合案例展开说明。"
    elif found_groups and len(found_groups) < len(groups):
        result.how = "partial"
        result.spans = _merge_spans((m.start, m.end) for m in pmatches)
        result.found = [t.raw[s:e] for s, e in result.spans]
        result.reason = "还缺少：" + "、".join(f"“{w}”" for w in result.missing) + "。"
    elif found_groups:
        result.mentioned = True
        result.how = "mentioned"
        result.spans = _merge_spans((m.start, m.end) for m in pmatches)
        result.found = [t.raw[s:e] for s, e in result.spans]
        result.reason = "相关的词分散在不同的句子里，没有连成完整的意思。"
    else:
        result.reason = "答案里没有找到这一点" + (
            "（关键词：" + "、".join(labels) + "）。" if labels else "。"
        )
    if negated:
        phrases = []
        for s, e in _merge_spans(negated):
            while e > s and not is_content(t.norm[e - 1]):
                e -= 1
            phrases.append(f"“{t.raw[s:e]}”")
        names = "、".join(dict.fromkeys(phrases))
        if result.how == "missing":
            result.reason = f"答案里说的是{names}，这是否定的说法，不算答到这一点" + (
                "（关键词：" + "、".join(labels) + "）。" if labels else "。"
            )
        else:
            result.reason += f"{names}是否定的说法，不算答到这一点。"
    return result


def _paraphrase(
    t: _Text,
    idx: int,
    point_words: list[frozenset[str]],
    keywords: set[str],
    pmatches: list[Match],
    stuffed: bool,
    stem_bigrams: frozenset[str],
    material: str,
    negate: bool = False,
    negated: Sequence[tuple[int, int]] = (),
) -> tuple[tuple[int, int], list[str], list[tuple[int, int]], float] | None:
    """The sentence(s) sharing the most distinctive words with the point's own wording."""
    if stuffed:
        return None
    # The point's own words, less its keywords (those count through their groups).
    mine = {w for w in point_words[idx] if not any(w in k or k in w for k in keywords)}
    if not mine:
        return None
    # A word is distinctive when few of the question's other points use it; names the case
    # repeats (云海酒店, 小王) say little about which point the learner is making.
    names = {w for w in mine if material.count(w) >= 3}
    spread = {w: sum(1 for pw in point_words if w in pw) * (4 if w in names else 1) for w in mine}
    best = None
    for lo, hi in _windows(t):
        if any(lo <= s and e <= hi for s, e in negated):
            continue  # "并不是价格忠诚，……": the learner says it is not this point
        hits: dict[str, list[tuple[int, int]]] = {}
        for w, s, e in t.tokens:
            if s < lo or e > hi or len(w) < 2 or w in GENERIC_WORDS:
                continue
            c = canon(w)
            target = c if c in mine else next((m for m in mine if len(c) >= 2 and c in m), None)
            if target is None and len(c) >= 3:
                target = next((m for m in mine if m in c), None)
            if target is not None and not (negate and _negator_before(t, s, e) is not None):
                hits.setdefault(target, []).append((s, e))
        if not hits:
            continue
        weight = sum(1.0 / spread[w] for w in hits)
        weight += 0.5 * len({m.group for m in pmatches if m.start >= lo and m.end <= hi})
        own = len(set(hits) - names)
        if len(hits) >= PARAPHRASE_WORDS and own >= 2 and weight >= PARAPHRASE_WEIGHT:
            ctx, _words = _context(t, lo, hi, [False] * len(t.norm), stem_bigrams)
            if ctx < CONTEXT_MIN or not _has_structure(t, lo, hi):
                continue
            if best is None or weight > best[3]:
                spans = _merge_spans(sp for v in hits.values() for sp in v)
                words = list(dict.fromkeys(t.raw[s:e] for s, e in spans))
                best = ((lo, hi), words, spans, weight)
    return best


def _merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]
