"""Pieces of one question: options in one cell, answer letters, blanks, key points.

Pure functions on already cleaned text; the builder decides what to do with their results.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from csapp.core.questions import LETTERS, KeyPoint

from .text import clean, key

# ---------------------------------------------------------------------------- options

# A label that opens an option: "A.", "A、", "A．", "A:", "A)", "(A)", "（A）".
_LABEL_RE = re.compile(
    r"[(（]\s*([A-Ha-h])\s*[)）]"
    r"|(?<![A-Za-z0-9_])([A-Ha-h])\s*[.．、:：)）](?![\\/])"
)
_OWN_PREFIX_RE = re.compile(
    r"^\s*(?:[(（]\s*([A-Ha-h])\s*[)）]|([A-Ha-h])\s*[.．、:：)）](?![\\/]))\s*"
)
_TRAIL_SEP = " \t|/;；,，、"
_SEP_BEFORE = set(" \t\n|/;；,，、")


def strip_own_prefix(text: str, index: int) -> str:
    """Drop ``C.  `` from an option cell in column C; a prefix of another letter stays."""
    m = _OWN_PREFIX_RE.match(text)
    if not m:
        return text
    letter = (m.group(1) or m.group(2)).upper()
    if index >= len(LETTERS) or letter != LETTERS[index]:
        return text
    rest = text[m.end() :]
    return rest.strip() if rest.strip() else text


def _candidates(text: str) -> list[tuple[int, int, int]]:
    """Every option label in ``text`` that stands after a separator (or at the start)."""
    found = []
    for m in _LABEL_RE.finditer(text):
        letter = m.group(1) or m.group(2)
        start = m.start()
        if start > 0 and text[start - 1] not in _SEP_BEFORE and m.group(1) is None:
            continue
        found.append((ord(letter.upper()) - ord("A"), start, m.end()))
    return found


def _labels(text: str, start: int = 0) -> list[tuple[int, int, int]]:
    """(letter index, label start, text start) of labels that run A, B, C … in order.

    ``start`` is the letter the run begins with (2 for a line that continues at C).
    """
    found: list[tuple[int, int, int]] = []
    want = start
    for cand in _candidates(text):
        if cand[0] == want:
            found.append(cand)
            want += 1
    return found


def split_labeled(text: str, min_count: int = 2, start: int = 0) -> tuple[str, list[str]] | None:
    """Split ``…A.x  B.y`` into (text before A, [x, y]) when at least ``min_count`` labels run.

    Labels typed out of order (``(A)x (C)z (B)y``) are accepted when each letter of a
    contiguous run appears exactly once.
    """
    labels = _labels(text, start)
    cands = _candidates(text)
    if len(labels) < len(cands):
        cands = [c for c in cands if c[1] >= (labels[0][1] if labels else 0)]
        letters = sorted(c[0] for c in cands)
        if len(cands) >= min_count and letters == list(range(start, start + len(cands))):
            texts = {}
            for i, (idx, _s, end) in enumerate(cands):
                stop = cands[i + 1][1] if i + 1 < len(cands) else len(text)
                texts[idx] = text[end:stop].strip().rstrip(_TRAIL_SEP).strip()
            return text[: cands[0][1]], [texts[i] for i in range(start, start + len(cands))]
    if len(labels) < min_count:
        return None
    head = text[: labels[0][1]]
    opts = []
    for i, (_idx, _start, end) in enumerate(labels):
        stop = labels[i + 1][1] if i + 1 < len(labels) else len(text)
        opts.append(text[end:stop].strip().rstrip(_TRAIL_SEP).strip())
    return head, opts


def _json_list(text: str) -> list | None:
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        try:
            data = json.loads(text.replace("'", '"'), strict=False)
        except ValueError:
            return None
    return data if isinstance(data, list) else None


def _json_item_text(item: object) -> str:
    if isinstance(item, dict):
        for name in ("optionContent", "content", "text", "value", "option", "label", "name"):
            if name in item and item[name] is not None:
                return str(item[name])
        for value in item.values():
            if isinstance(value, str):
                return value
        return ""
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return "" if item is None else str(item)


def split_options_cell(text: str) -> list[str]:
    """All options written in one cell: ``A.x/B.y``, ``A. x | B. y``, ``(A)x (B)y``, JSON, lines."""
    text = text.strip()
    if not text:
        return []
    items = _json_list(text)
    if items is not None:
        opts = [clean(_json_item_text(i)) for i in items]
        return [strip_own_prefix(o, i) for i, o in enumerate(opts)]
    labeled = split_labeled(text)
    if labeled is not None and not labeled[0].strip(_TRAIL_SEP + "\n"):
        return labeled[1]
    for sep in ("||", "|", "\n", "；", ";"):
        if sep in text:
            parts = [p.strip() for p in text.split(sep)]
            while parts and not parts[-1]:
                parts.pop()
            return [strip_own_prefix(p, i) for i, p in enumerate(parts)]
    return [strip_own_prefix(text, 0)]


def options_from_stem(stem: str) -> tuple[str, list[str]] | None:
    """Options typed into the stem cell after the question (``…\\nA. x\\nB. y``)."""
    lines = stem.split("\n")
    for i, line in enumerate(lines):
        if i == 0:
            continue
        m = _LABEL_RE.match(line.strip())
        if m and (m.group(1) or m.group(2)).upper() == "A":
            rest = "\n".join(ln.strip() for ln in lines[i:])
            got = split_labeled(rest)
            if got is not None and not got[0].strip():
                opts = [o.replace("\n", " ").strip() for o in got[1]]
                return "\n".join(lines[:i]).strip(), opts
    # Options on the stem's own line: "…的是（ ）A. x  B. y  C. z".
    got = split_labeled(stem, min_count=3)
    if got is not None and got[0].strip():
        head = got[0]
        first = _labels(stem)[0][1]
        if first > 0 and stem[first - 1] in " \t\n":
            return head.strip(), [o.replace("\n", " ").strip() for o in got[1]]
    return None


def is_option_label_start(text: str) -> int | None:
    """Index of the option letter a line starts with (``A.``/``(A)``), or None."""
    m = _LABEL_RE.match(text.lstrip())
    if not m:
        return None
    return ord((m.group(1) or m.group(2)).upper()) - ord("A")


# ---------------------------------------------------------------------------- answers

_LETTER_SEPS = re.compile(r"[\s,，、;；|/和及与+&]+")
_QUOTES = "\"'“”‘’[]【】()（）"


@lru_cache(maxsize=4096)
def answer_letters(text: str) -> str | None:
    """Sorted unique letters of ``ABD``, ``A,B,D``, ``a、b``, ``["B"]``; None if not letters."""
    k = clean(text)
    if not k:
        return None
    items = _json_list(k)
    if items is not None:
        k = ",".join(_json_item_text(i) for i in items)
    k = key(k).upper()
    k = k.strip(_QUOTES + "。.")
    k = _LETTER_SEPS.sub("", k)
    k = k.replace('"', "").replace("'", "")
    if not k or len(k) > 8 or any(c not in LETTERS for c in k):
        return None
    return "".join(sorted(set(k)))


def answer_numbers(text: str) -> list[int] | None:
    """1-based option numbers ``2`` / ``1,3`` (only meaningful where options are numbered)."""
    k = key(text).strip(_QUOTES)
    parts = [p for p in _LETTER_SEPS.split(k) if p]
    if not parts or not all(p.isdigit() and 1 <= int(p) <= 8 for p in parts):
        if k.isdigit() and len(k) > 1 and all(c in "12345678" for c in k):
            return sorted({int(c) for c in k})
        return None
    return sorted({int(p) for p in parts})


def match_option_text(text: str, options: list[str]) -> int | None:
    """Index of the option whose text is ``text`` (``《史记》`` or ``B、《史记》``)."""
    k = key(text).rstrip("。.")
    if not k:
        return None
    keys = [key(o).rstrip("。.") for o in options]
    hits = [i for i, o in enumerate(keys) if o and o == k]
    if len(hits) == 1:
        return hits[0]
    m = _OWN_PREFIX_RE.match(text)
    if m:
        idx = ord((m.group(1) or m.group(2)).upper()) - ord("A")
        rest = key(text[m.end() :]).rstrip("。.")
        if idx < len(keys) and rest and keys[idx] == rest:
            return idx
    return None


_BRACKET_ANSWER_RE = re.compile(r"([(（])\s*([A-Ha-h](?:\s*[,，、]?\s*[A-Ha-h]){0,7})\s*([)）])")
_BRACKET_TF_RE = re.compile(r"([(（])\s*(√|✓|✔|×|✗|✘|对|错|正确|错误|T|F)\s*([)）])")


def answer_in_stem(stem: str, tf: bool = False) -> tuple[str, str] | None:
    """``…的是（ B ）。`` → (``…的是（ ）。``, ``B``) when exactly one bracket holds the answer."""
    pattern = _BRACKET_TF_RE if tf else _BRACKET_ANSWER_RE
    hits = list(pattern.finditer(stem))
    if len(hits) != 1:
        return None
    m = hits[0]
    # Lower case only in full-width brackets: "print(a)" in a code stem is not an answer.
    if not tf and any(c.islower() for c in m.group(2)) and m.group(1) != "（":
        return None
    blank = "（ ）" if m.group(1) == "（" else "( )"
    return stem[: m.start()] + blank + stem[m.end() :], m.group(2)


# ---------------------------------------------------------------------------- blanks

_BLANK_RE = re.compile(r"[(（]\s*[)）]|_{2,}|＿{2,}|[(（]\s{2,}[)）]")
_ALT_SLASH_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s*/\s*(?=[\u4e00-\u9fff])|\s+/\s+")


def count_blanks(stem: str) -> int:
    return len(_BLANK_RE.findall(stem))


def has_blank(stem: str) -> bool:
    return _BLANK_RE.search(stem) is not None


def fill_answer(answer: str, blanks: int) -> tuple[str, int]:
    """Canonical 填空 answer (blanks ``|``, alternatives ``&&``) and how many blanks it has.

    ``、``/``；``/spaces split blanks only when that gives exactly the stem's blank count;
    ``，`` never does (one blank's answer may contain commas).
    """
    text = answer.strip()
    if "||" in text:
        parts = text.split("||")
    elif "|" in text:
        parts = text.split("|")
    else:
        parts = [text]
        if blanks > 1:
            for sep in ("、", "；", ";", "\n"):
                cand = [p for p in (s.strip() for s in text.split(sep)) if p]
                if len(cand) == blanks:
                    parts = cand
                    break
            else:
                cand = text.split()
                if len(cand) == blanks:
                    parts = cand
    out = []
    for part in parts:
        part = part.strip()
        alts = part.split("&&") if "&&" in part else _ALT_SLASH_RE.split(part)
        alts = [a.strip() for a in alts if a.strip()]
        out.append("&&".join(alts))
    while out and not out[-1]:
        out.pop()
    return "|".join(out), len(out)


# ---------------------------------------------------------------------------- key points

_ANSWER_PREFIX_RE = re.compile(r"^(?:答案要点|参考答案|答题要点|答案|答)\s*[:：]\s*")
_MARKS_RE = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*[。.;；,，]?\s*$")
_CN_NUM = "一二三四五六七八九十"
_LINE_ITEM_RES = (
    ("dot", re.compile(r"^(\d{1,2})\s*(?:[.．](?!\d)|、)\s*")),
    ("paren", re.compile(r"^[(（]\s*(\d{1,2})\s*[)）]\s*")),
    ("rparen", re.compile(r"^(\d{1,2})\s*[)）]\s*")),
    ("circle", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
    ("cn", re.compile(r"^第?([一二三四五六七八九十]{1,2})\s*(?:是|点|条)?\s*[、，,.．:：]\s*")),
    ("cnparen", re.compile(r"^[(（]\s*([一二三四五六七八九十]{1,2})\s*[)）]\s*")),
)
_INLINE_ITEM_RE = re.compile(
    r"(?:^|(?<=[\s：:；;。，,]))(?:(\d{1,2})\s*[.．、](?!\d)|[(（](\d{1,2})[)）]|([①②③④⑤⑥⑦⑧⑨⑩]))"
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _item_number(style: str, token: str) -> int:
    if style == "circle":
        return _CIRCLED.index(token) + 1
    if style in ("cn", "cnparen"):
        if token == "十":
            return 10
        if token.startswith("十"):
            return 10 + _CN_NUM.index(token[1]) + 1
        if len(token) == 2 and token[1] == "十":
            return (_CN_NUM.index(token[0]) + 1) * 10
        return _CN_NUM.index(token[0]) + 1
    return int(token)


def strip_answer_prefix(answer: str) -> str:
    return _ANSWER_PREFIX_RE.sub("", answer.strip(), count=1).strip()


def _line_items(lines: list[str]) -> list[str] | None:
    for style, rx in _LINE_ITEM_RES:
        items: list[str] = []
        want = 1
        started = False
        for line in lines:
            m = rx.match(line)
            if m and _item_number(style, m.group(1)) == want:
                items.append(line[m.end() :].strip())
                want += 1
                started = True
            elif started and line.strip():
                items[-1] = (items[-1] + "\n" + line.strip()).strip()
        if len(items) >= 2:
            return items
    return None


def _single_item(lines: list[str]) -> list[str] | None:
    """One numbered point only (``1. 全部内容…``): the point without its number."""
    for _style, rx in _LINE_ITEM_RES:
        m = rx.match(lines[0])
        if m and m.group(1) in ("1", "①", "一"):
            return ["\n".join([lines[0][m.end() :].strip(), *lines[1:]]).strip()]
    return None


def _inline_items(text: str) -> list[str] | None:
    marks = []
    want = 1
    for m in _INLINE_ITEM_RE.finditer(text):
        num = _CIRCLED.index(m.group(3)) + 1 if m.group(3) else int(m.group(1) or m.group(2))
        if num == want:
            marks.append(m)
            want += 1
    if len(marks) < 2:
        return None
    items = []
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append(text[m.end() : stop].strip().rstrip("；;，,").strip())
    # The last item often runs into a closing remark: keep its first sentence only.
    last = items[-1]
    for stop_char in ("。", "\n"):
        pos = last.find(stop_char)
        if 0 < pos < len(last) - 1:
            items[-1] = last[: pos + 1] if stop_char == "。" else last[:pos]
            break
    return [i for i in items if i]


def split_points(answer: str) -> list[str]:
    """The 答案要点 of a reference answer: numbered items, else its lines."""
    text = strip_answer_prefix(answer)
    if not text:
        return []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    items = _line_items(lines)
    if items is None:
        items = _inline_items(text)
    if items is None:
        items = _single_item(lines)
    if items is None:
        items = lines
    return [i for i in items if i]


_NO_KEYWORDS = frozenset({"-", "—", "－", "无", "/"})


def split_keyword_groups(line: str) -> list[list[str]]:
    if line.strip() in _NO_KEYWORDS:
        return []
    groups = []
    for part in re.split(r"[、,，;；\t]+", line):
        alts = [a.strip() for a in part.split("|") if a.strip()]
        if alts:
            groups.append(alts)
    return groups


_KW_SPLIT_RE = re.compile(r"[，,、；;。：:（）()“”\"'《》\s！!？?]+")
_KW_HEAD_RE = re.compile(r"^(.{2,12}?)\s*(?:[:：]|——|--)")


_KW_STOP = frozenset(
    (
        "一方面",
        "另一方面",
        "首先",
        "其次",
        "再次",
        "最后",
        "因此",
        "所以",
        "同时",
        "此外",
        "另外",
        "总之",
        "例如",
        "比如",
        "如",
        "即",
        "也就是说",
        "包括",
        "主要有",
        "如下",
        "以下",
        "具体来说",
        "具体而言",
        "一是",
        "二是",
        "三是",
        "四是",
        "五是",
        "第一",
        "第二",
        "第三",
        "第四",
        "第五",
        "等等",
        "等",
    )
)  # fmt: skip


def derive_keywords(point: str) -> list[list[str]]:
    """Keywords for a point when the file gives none: its heading, else its short phrases.

    Phrases of 2–12 characters between punctuation, taken from the start of the point (its
    first sentence says what the point is about), at most three, connectives left out.
    """
    m = _KW_HEAD_RE.match(point)
    if m:
        return [[m.group(1).strip()]]
    segs: list[str] = []
    for seg in _KW_SPLIT_RE.split(point):
        seg = seg.strip()
        if 2 <= len(seg) <= 12 and seg not in segs and seg not in _KW_STOP:
            segs.append(seg)
        if len(segs) == 3:
            break
    return [[s] for s in segs]


def _shares(total: float, count: int) -> list[float]:
    if count <= 0:
        return []
    each = round(total / count, 2)
    out = [each] * (count - 1)
    out.append(round(total - each * (count - 1), 2))
    return out


def key_points(answer: str, total: float, keywords: str = "") -> tuple[list[KeyPoint], list[str]]:
    """Key points of a subjective answer and any notes for the report.

    Marks: a point's own ``（2分）``; the rest of ``total`` shared equally by the others.
    Keywords: one line of the keywords cell per point, in point order; ``、``/``,`` between
    keywords, ``|`` between alternatives. With a different number of lines, each keyword goes
    to the first point that contains it (else to the first point). Without the cell, keywords
    are derived from each point.
    """
    notes: list[str] = []
    texts = split_points(answer)
    if not texts:
        return [], notes
    marks: list[float | None] = []
    clean_texts = []
    for t in texts:
        m = _MARKS_RE.search(t)
        if m:
            marks.append(float(m.group(1)))
            t = t[: m.start()].rstrip()
        else:
            marks.append(None)
        clean_texts.append(t or texts[0])
    unmarked = [i for i, m in enumerate(marks) if m is None]
    if unmarked:
        given = sum(m for m in marks if m is not None)
        rest = total - given
        if rest <= 0 and len(unmarked) < len(marks):
            notes.append("答案要点的分值之和已达到本题分值，未标分值的要点按0分计")
            rest = 0.0
        for i, share in zip(unmarked, _shares(max(rest, 0.0), len(unmarked)), strict=True):
            marks[i] = share
    points = [
        KeyPoint(text=t, marks=float(m or 0.0)) for t, m in zip(clean_texts, marks, strict=True)
    ]
    kw_lines = (keywords or "").split("\n") if (keywords or "").strip() else []
    if kw_lines and len(kw_lines) != len(points):
        while kw_lines and not kw_lines[-1].strip():
            kw_lines.pop()
    if kw_lines:
        if len(kw_lines) == len(points):
            for p, line in zip(points, kw_lines, strict=True):
                p.keywords = split_keyword_groups(line)
        else:
            notes.append(
                f"关键词有{len(kw_lines)}行，答案要点有{len(points)}条，已按内容把关键词分给各要点"
            )
            for line in kw_lines:
                for group in split_keyword_groups(line):
                    target = next(
                        (p for p in points if any(key(a) and key(a) in key(p.text) for a in group)),
                        points[0],
                    )
                    target.keywords.append(group)
    else:
        for p in points:
            p.keywords = derive_keywords(p.text)
    return points, notes


def render_keywords(points: list[KeyPoint]) -> str:
    """The keywords cell for ``points`` (inverse of the convention in ``key_points``)."""
    lines = ["、".join("|".join(group) for group in p.keywords) for p in points]
    if not any(lines):
        return ""
    return "\n".join(lines)


def render_points(points: list[KeyPoint]) -> str:
    """A reference answer that reads back to exactly ``points`` (numbered, with marks)."""
    return "\n".join(f"{i}. {p.text}（{_fmt_marks(p.marks)}分）" for i, p in enumerate(points, 1))


def _fmt_marks(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(round(value, 2))
