"""Cell text clean-up: what every value goes through before anything looks at it.

Two forms exist on purpose. ``clean`` is the text we store and show: letters and digits typed
in full width become ASCII, odd spaces become plain spaces, radical look-alikes from PDF
extraction become the ordinary characters, but Chinese punctuation (，：（）) and ①²℃ stay as the
trainer typed them (full NFKC would turn ``m²`` into ``m2`` and ``①②`` into ``12``).
``key`` is the matching form (full NFKC, case-folded, no spaces) used for headers, labels,
answers and option comparison; the fingerprint uses ``normalize_text`` on top of ``clean``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from functools import lru_cache

# Full-width punctuation Chinese text uses on purpose: kept in stored text.
_KEEP_FULLWIDTH = set("，：；！？（）")

# CJK Radicals Supplement look-alikes (NFKC leaves most of this block alone).
_RADICAL_SUPPLEMENT = {
    0x2E85: "亻",
    0x2E8A: "卜",
    0x2E92: "巳",
    0x2E93: "幺",
    0x2E95: "彐",
    0x2E96: "忄",
    0x2E98: "扌",
    0x2E99: "攵",
    0x2E9C: "日",
    0x2E9D: "月",
    0x2E9F: "母",
    0x2EA0: "民",
    0x2EA1: "氵",
    0x2EA2: "氺",
    0x2EA3: "灬",
    0x2EA4: "爫",
    0x2EA7: "牛",
    0x2EA8: "犭",
    0x2EA9: "王",
    0x2EAA: "疋",
    0x2EAC: "示",
    0x2EAD: "礻",
    0x2EAE: "竹",
    0x2EAF: "糸",
    0x2EB0: "纟",
    0x2EB2: "罒",
    0x2EB6: "羊",
    0x2EB7: "羊",
    0x2EB9: "耂",
    0x2EBA: "肀",
    0x2EBB: "聿",
    0x2EBC: "月",
    0x2EBD: "臼",
    0x2EBE: "艹",
    0x2EBF: "艹",
    0x2EC0: "艹",
    0x2EC1: "虎",
    0x2EC2: "衤",
    0x2EC3: "西",
    0x2EC4: "西",
    0x2EC5: "见",
    0x2EC6: "角",
    0x2EC7: "角",
    0x2EC8: "讠",
    0x2EC9: "贝",
    0x2ECB: "车",
    0x2ECC: "辶",
    0x2ECD: "辶",
    0x2ECE: "辶",
    0x2ECF: "阝",
    0x2ED0: "钅",
    0x2ED1: "長",
    0x2ED2: "镸",
    0x2ED3: "长",
    0x2ED4: "门",
    0x2ED5: "阜",
    0x2ED6: "阝",
    0x2ED7: "雨",
    0x2ED8: "青",
    0x2ED9: "韦",
    0x2EDA: "页",
    0x2EDB: "风",
    0x2EDC: "飞",
    0x2EDD: "食",
    0x2EDE: "食",
    0x2EDF: "食",
    0x2EE0: "饣",
    0x2EE1: "首",
    0x2EE2: "马",
    0x2EE3: "骨",
    0x2EE4: "鬼",
    0x2EE5: "鱼",
    0x2EE6: "鸟",
    0x2EE7: "卤",
    0x2EE8: "麦",
    0x2EE9: "黄",
    0x2EEA: "黾",
    0x2EEB: "斉",
    0x2EEC: "齐",
    0x2EED: "歯",
    0x2EEE: "齿",
    0x2EEF: "竜",
    0x2EF0: "龙",
    0x2EF1: "龜",
    0x2EF2: "亀",
    0x2EF3: "龟",
}


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Control characters (Excel and Word leave them behind); \t and \n survive.
    for cp in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F):
        table[cp] = None
    for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[cp] = " "
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD):
        table[cp] = None
    for cp in range(0xFF01, 0xFF5F):
        ch = chr(cp)
        if ch not in _KEEP_FULLWIDTH:
            table[cp] = unicodedata.normalize("NFKC", ch)
    # Kangxi radicals: NFKC maps each to the ordinary ideograph.
    for cp in range(0x2F00, 0x2FD6):
        table[cp] = unicodedata.normalize("NFKC", chr(cp))
    # CJK compatibility ideographs (canonical duplicates).
    for cp in range(0xF900, 0xFADA):
        norm = unicodedata.normalize("NFKC", chr(cp))
        if norm != chr(cp):
            table[cp] = norm
    for cp, ch in _RADICAL_SUPPLEMENT.items():
        table[cp] = ch
    return table


_TABLE = _build_table()


def _char_class(codes) -> str:
    return "".join(re.escape(chr(c)) for c in sorted(codes))


# One C-speed scan tells whether a cell needs translating at all (most do not).
_ODD_RE = re.compile("[" + _char_class(_TABLE) + "]")


def clean(text: str) -> str:
    """The stored form of a piece of text (see module docstring), trimmed."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ODD_RE.search(text) is not None:
        text = text.translate(_TABLE)
    return text.strip()


@lru_cache(maxsize=8192)
def key(text: str) -> str:
    """Matching form: full NFKC, casefolded, without any whitespace (cached: labels repeat)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text.translate(_TABLE))
    return "".join(text.split()).casefold()


def number_text(value: float) -> str:
    """A numeric cell as a person reads it: ``3`` not ``3.0``, ``3.5`` as is."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(value, "f").rstrip("0").rstrip(".")
    return text


def cell_text(value: object) -> tuple[str, str]:
    """(text, kind) of a raw cell value; kind is "", "float" or "date" for the caller's notes."""
    if value is None:
        return "", ""
    if isinstance(value, str):
        return clean(value), ""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), ""
    if isinstance(value, int):
        return str(value), ""
    if isinstance(value, float):
        text = number_text(value)
        return text, ("" if value.is_integer() else "float")
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat(), "date"
        return value.strftime("%Y-%m-%d %H:%M"), "date"
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat(), "date"
    if isinstance(value, _dt.timedelta):
        return str(value), "date"
    return clean(str(value)), ""
