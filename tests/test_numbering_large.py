"""Numbers past 999 (issue 16): Chinese numerals to 一千、一千零一 … 九万九千九百九十九 and beyond,
and a document with 1,001 sections and 1,001 measures renders to DOCX and PDF."""
from __future__ import annotations

import pdfplumber
import pytest
from docx import Document as open_docx

from generator.limits import MAX_NUMBERED_ITEMS, MAX_YAML_NODES
from generator.numbering import chinese_numeral, marker, parse_numeral

from .clirun import gongwen


@pytest.mark.parametrize("n, text", [
    (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (1011, "一千零一十一"),
    (1100, "一千一百"), (1234, "一千二百三十四"), (2005, "二千零五"), (9999, "九千九百九十九"),
    (10000, "一万"), (10001, "一万零一"), (10010, "一万零一十"), (10100, "一万零一百"),
    (11000, "一万一千"), (20300, "二万零三百"), (99999, "九万九千九百九十九"),
    (100000, "十万"), (110011, "十一万零一十一"), (1000000, "一百万"),
])
def test_numerals_past_a_thousand(n, text):
    assert chinese_numeral(n) == text
    assert parse_numeral(text) == n


def test_every_numeral_to_99999_reads_back():
    wrong = [n for n in range(1, 100_000) if parse_numeral(chinese_numeral(n)) != n]
    assert wrong == []


def test_no_list_a_document_can_hold_runs_out_of_numbers():
    assert MAX_YAML_NODES < MAX_NUMBERED_ITEMS
    assert marker(1, MAX_YAML_NODES) and marker(2, MAX_YAML_NODES)
    with pytest.raises(ValueError):
        chinese_numeral(MAX_NUMBERED_ITEMS + 1)


def long_plan(sections: int, measures: int) -> str:
    lines = ["文种: 方案", "标题: 长篇工作方案", "发文机关: 某某局", "成文日期: 2021-03-04",
             "人员:", "  - {姓名: 赵甲, 职务: 局长}", "  - {姓名: 钱乙}", "正文:",
             "  - 标题: 工作措施", "    内容:", "      - 工作措施:"]
    for n in range(1, measures + 1):
        lines += [f"          - 标题: 措施{n}", f"            内容: 落实第{n}项。",
                  "            责任领导: 赵甲", "            责任人: [钱乙]"]
    for n in range(2, sections + 1):
        lines += [f"  - 标题: 事项{n}", f"    内容: 办理第{n}项。"]
    return "\n".join(lines) + "\n"


def test_a_thousand_sections_and_a_thousand_and_one_measures_render(tmp_path):
    """One render for both counts: 1,000 sections (the last is 一千、) and 1,001 measures (the
    last is （一千零一）), to DOCX and PDF."""
    source = tmp_path / "长篇.yaml"
    source.write_text(long_plan(sections=1000, measures=1001), encoding="utf-8")
    out = tmp_path / "out"
    gongwen("generate", source, "-o", out, "-q", expect=0, timeout=900)
    docx = "\n".join(p.text for p in open_docx(out / "长篇.docx").paragraphs)
    assert "九百九十九、事项999。" in docx and "一千、事项1000。" in docx
    assert "（一千）措施1000。" in docx and "（一千零一）措施1001。" in docx
    with pdfplumber.open(out / "长篇.pdf") as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "")
    assert "（一千零一）措施1001" in text and text.rstrip().count("一千、事项1000") == 1
    assert sorted(p.name for p in out.iterdir()) == ["长篇.docx", "长篇.pdf"]
