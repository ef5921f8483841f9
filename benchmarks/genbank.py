"""Generate question banks of N questions for benchmarks.

    uv run python benchmarks/genbank.py N OUT.xlsx [--strings shared|inline]

The workbook is written directly as XML (openpyxl would take minutes for 100,000 rows and only
writes inline strings): one sheet ``题目`` in the canonical layout with a realistic mix of
types, and either a shared-strings table (what Excel writes) or inline strings (what openpyxl
and many export tools write).
"""

from __future__ import annotations

import argparse
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = (
    "题型", "章节", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G",
    "选项H", "答案", "解析", "难度", "认知层次", "知识点", "分值", "关键词", "标签",
)  # fmt: skip

_WORDS = (
    "客户", "服务", "满意", "忠诚", "投诉", "期望", "质量", "沟通", "价值", "关系", "管理",
    "体验", "渠道", "流程", "标准", "员工", "承诺", "反馈", "信任", "回访",
)  # fmt: skip


def _phrase(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(n))


def question_rows(count: int, seed: int = 7):
    """Rows of a realistic bank: 50% 单选, 20% 多选, 15% 判断, 5% 填空, 10% 简答."""
    rng = random.Random(seed)
    for i in range(count):
        r = rng.random()
        chapter = f"第{i % 10 + 1}章 {_phrase(rng, 2)}"
        stem = f"{i + 1}号题：{_phrase(rng, 6)}的是（ ）。"
        opts = [""] * 8
        expl = _phrase(rng, 8)
        if r < 0.5:
            qtype = "单选题"
            opts[:4] = [_phrase(rng, 3) + str(k) for k in range(4)]
            answer = "ABCD"[rng.randrange(4)]
        elif r < 0.7:
            qtype = "多选题"
            opts[:5] = [_phrase(rng, 3) + str(k) for k in range(5)]
            answer = "".join(sorted(rng.sample("ABCDE", rng.randint(2, 4))))
        elif r < 0.85:
            qtype = "判断题"
            stem = f"{i + 1}号题：{_phrase(rng, 8)}。"
            answer = rng.choice(("正确", "错误"))
        elif r < 0.9:
            qtype = "填空题"
            answer = _phrase(rng, 2)
        else:
            qtype = "简答题"
            stem = f"{i + 1}号题：简述{_phrase(rng, 3)}。"
            answer = "\n".join(f"{k}. {_phrase(rng, 5)}（2分）" for k in range(1, 4))
        diff = rng.choice(("易", "较易", "较难", "难"))
        yield (
            qtype, chapter, stem, *opts, answer, expl, diff, "识记", _phrase(rng, 2),
            2, "", "标签",
        )  # fmt: skip


def _col(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def write_xlsx(path: str | Path, rows, shared: bool = True) -> int:
    """Write ``HEADER`` + ``rows`` as a one-sheet workbook; returns the number of data rows."""
    strings: dict[str, int] = {}
    parts: list[str] = []
    count = 0
    for r, row in enumerate(((*HEADER,), *rows), start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            ref = f"{_col(c)}{r}"
            if isinstance(value, (int, float)):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif shared:
                idx = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{idx}</v></c>')
            else:
                text = escape(value)
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        count = r - 1
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
        f'<dimension ref="A1:{_col(len(HEADER))}{count + 1}"/><sheetData>{"".join(parts)}'
        "</sheetData></worksheet>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} {rel_ns}>'
        '<sheets><sheet name="题目" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/>'
            if shared
            else ""
        )
        + "</Relationships>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        + (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            if shared
            else ""
        )
        + "</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared:
            items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
            zf.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {ns} '
                f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
            )
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("out")
    parser.add_argument("--strings", choices=("shared", "inline"), default="shared")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    n = write_xlsx(args.out, question_rows(args.count, args.seed), args.strings == "shared")
    print(f"wrote {n} questions to {args.out} ({args.strings} strings)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
