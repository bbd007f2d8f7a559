"""Title lines (GB/T 9704 7.3.1): broken by words into lines that fit the 156 mm block, no
orphan, the writer's own lines kept and warned about in validate and check; the lines
titles.py decides are the lines in our PDF and DOCX."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import docx
import pytest

from generator.layout import MARGIN_LEFT_MM, TEXT_WIDTH_MM
from generator.titles import (
    CLOSING, OPENING, TITLE_CHARS_PER_LINE, is_orphan, title_lines, width,
    written_line_issues,
)
from search.analysis import words

from .clirun import gongwen
from .conftest import libreoffice_convert
from .pdfgeom import read_pages

# Our own words, in the shapes titles take: 关于 + verb + (《 unit + year + topic + 文件 》) + 的 + 文种.
UNITS = ["青山县", "河口镇", "青山县河口镇人民政府", "城东街道办事处", "县应急管理局", "第二实验小学",
         "县农业农村局", "北岭街道", "县教育体育局", "县卫生健康委员会", "镇党政办公室", "县人民政府办公室"]
YEARS = ["2024年", "2025年度", "2023年", ""]
TOPICS = ["防汛抗旱", "地质灾害防治", "森林防火", "安全生产", "农村自建房安全管理", "校园安全隐患排查整治",
          "秸秆禁烧", "疫情防控", "冬春季火灾防控", "乡村振兴重点任务", "人居环境整治", "燃气安全专项整治",
          "防汛应急演练", "重大事故隐患排查"]
FILES = ["工作方案", "实施方案", "应急预案", "工作制度", "考核办法", "责任清单", "行动计划"]
VERBS = ["印发", "转发", "做好", "开展", "加强", "进一步加强", "表彰"]
KINDS = ["通知", "紧急通知", "决定", "意见", "报告", "通报", "请示"]


def generated_titles(count: int, seed: int = 19) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        topic = "".join(rng.sample(TOPICS, rng.choice([1, 1, 2, 3])))
        if rng.random() < 0.3:
            topic = rng.choice(TOPICS) + "和" + topic
        named = rng.choice(UNITS) + rng.choice(YEARS) + topic + rng.choice(FILES)
        verb = rng.choice(VERBS)
        issuer = "、".join(rng.sample(UNITS, rng.choice([1, 1, 2]))) if rng.random() < 0.4 else ""
        if verb in ("印发", "转发"):
            inner = named
            if rng.random() < 0.2:  # a notice forwarding a notice
                inner = f"{rng.choice(UNITS)}关于{rng.choice(VERBS[2:])}{topic}工作的通知"
            elif rng.random() < 0.2:  # a notice forwarding an issuing notice: 〈〉 inside 《》
                inner = f"{rng.choice(UNITS)}关于印发〈{named}〉的通知"
            title = f"{issuer}关于{verb}《{inner}》的{rng.choice(['通知', '通知', '批复'])}"
        else:
            title = f"{issuer}关于{verb}{rng.choice(YEARS)}{topic}工作的{rng.choice(KINDS)}"
        if 10 <= len(title) <= 80:
            out.append(title)
    return out


TITLES = generated_titles(400)


def _breaks(lines: list[str]) -> list[int]:
    at, out = 0, []
    for line in lines[:-1]:
        at += len(line)
        out.append(at)
    return out


def _word_bounds(title: str) -> set[int]:
    at, out = 0, {0}
    for word in words(title):
        at += len(word)
        out.add(at)
    return out


def test_generated_titles_span_short_to_long():
    lengths = [len(t) for t in TITLES]
    assert min(lengths) < 20 and max(lengths) > 65
    assert sum(1 for t in TITLES if math.ceil(width(t) / TITLE_CHARS_PER_LINE) >= 3) >= 10


@pytest.mark.parametrize("title", TITLES)
def test_broken_title_keeps_every_rule(title):
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(width(line) <= TITLE_CHARS_PER_LINE for line in lines), lines
    assert len(lines) <= math.ceil(width(title) / TITLE_CHARS_PER_LINE) + 1, lines
    if len(lines) > 1:
        assert not any(is_orphan(line) for line in lines), lines
    for line in lines:
        assert line[0] not in CLOSING and line[-1] not in OPENING, lines
    assert set(_breaks(lines)) <= _word_bounds(title), lines  # no jieba word cut
    # 梯形 or 菱形: widths rise, then fall; never a line shorter than both neighbours
    widths = [width(line) for line in lines]
    for before, middle, after in zip(widths, widths[1:], widths[2:]):
        assert not (middle < before and middle < after), lines


def test_short_title_stays_on_one_line():
    assert title_lines("关于开展防汛应急演练的通知") == ["关于开展防汛应急演练的通知"]


def test_the_issue_title_breaks_between_phrases():
    """The issue's case: the automatic break gave "…2024年防汛 / 工作方案》的通知"."""
    lines = title_lines("关于印发《青山县河口镇2024年防汛工作方案》的通知")
    assert lines == ["关于印发《青山县河口镇", "2024年防汛工作方案》的通知"]
    lines = title_lines("关于印发《青山县河口镇2024年防汛抗旱工作方案》的通知")
    assert not any(line.endswith("防汛") for line in lines) and "2024年" in "".join(lines)
    assert all("2024年" in line or "2024" not in line for line in lines)


def test_book_title_kept_whole_when_it_fits_a_line():
    lines = title_lines("青山县河口镇人民政府关于印发《防汛工作方案》的通知")
    assert any("《防汛工作方案》" in line for line in lines), lines


def test_writer_lines_kept_and_only_an_overflowing_one_broken():
    title = "关于印发《青山县河口镇\n2024年防汛抗旱和地质灾害防治工作方案》的通知"
    lines = title_lines(title)
    assert lines[0] == "关于印发《青山县河口镇"
    assert "".join(lines[1:]) == "2024年防汛抗旱和地质灾害防治工作方案》的通知"
    assert len(lines) == 3 and all(width(line) <= TITLE_CHARS_PER_LINE for line in lines)
    assert title_lines("关于印发《河口镇防汛工作方案》\n的通知") == ["关于印发《河口镇防汛工作方案》", "的通知"]


def test_writer_breaks_warned_about():
    kinds = [(i.index, i.kind) for i in written_line_issues(
        "关于印发《青山县河口镇2024年防汛抗旱工作方案》的通\n知")]
    assert kinds == [(0, "overflow"), (0, "split-word"), (1, "orphan")]
    assert written_line_issues("关于印发《青山县河口镇2024年\n防汛工作方案》的通知") == []
    assert written_line_issues("关于印发《青山县河口镇2024年防汛工作方案》的通知") == []  # ours to break


# -- real output: the lines titles.py decides are the lines in the PDF and the DOCX

LONG_TITLE = "青山县河口镇人民政府关于印发《青山县河口镇2024年防汛抗旱和地质灾害防治工作方案》的通知"


def _spec(title_yaml: str) -> str:
    return f"""文种: 通知
发文机关标志: 青山县河口镇人民政府文件
发文字号: 河政发〔2024〕8号
标题: {title_yaml}
主送机关: [各村（社区）, 镇属各单位]
发文机关: 青山县河口镇人民政府
成文日期: 2024-04-18
正文:
  - 现将方案印发给你们，请结合各自实际认真组织实施。
"""


@pytest.fixture(scope="module")
def long_title_outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("titles")
    source = folder / "长标题通知.yaml"
    source.write_text(_spec(LONG_TITLE), encoding="utf-8")
    gongwen("generate", source, "-o", folder / "out", expect=0)
    return {"docx": folder / "out" / "长标题通知.docx", "pdf": folder / "out" / "长标题通知.pdf"}


def test_pdf_title_lines_are_the_lines_titles_py_decides(long_title_outputs):
    expected = title_lines(LONG_TITLE)
    assert len(expected) == 3
    page = read_pages(long_title_outputs["pdf"])[0]
    titles = [line for line in page.lines if abs(line.size - 22) < 0.3]
    assert [line.text for line in titles] == expected
    right = MARGIN_LEFT_MM + TEXT_WIDTH_MM
    for line in titles:
        assert line.x0 >= MARGIN_LEFT_MM - 0.2 and line.x1 <= right + 0.2
        assert abs((line.x0 + line.x1) / 2 - (MARGIN_LEFT_MM + right) / 2) < 1.0  # centred


def test_docx_title_paragraphs_are_the_lines_titles_py_decides(long_title_outputs):
    paragraphs = docx.Document(str(long_title_outputs["docx"])).paragraphs
    titles = [p.text for p in paragraphs if p.style.name == "公文标题"]
    assert titles == title_lines(LONG_TITLE)


def test_libreoffice_sets_the_same_title_lines(long_title_outputs, tmp_path):
    """A second client of the DOCX breaks nowhere else: every line fits, so nothing wraps."""
    libreoffice_convert([long_title_outputs["docx"]], tmp_path, tmp_path / "profile")
    page = read_pages(tmp_path / "长标题通知.pdf")[0]
    titles = [line for line in page.lines if abs(line.size - 22) < 0.3]
    assert [line.text for line in titles] == title_lines(LONG_TITLE)
    right = MARGIN_LEFT_MM + TEXT_WIDTH_MM
    assert all(line.x0 >= MARGIN_LEFT_MM - 0.2 and line.x1 <= right + 0.2 for line in titles)


def test_our_own_broken_title_checks_clean(long_title_outputs):
    result = gongwen("check", "--json", long_title_outputs["docx"], long_title_outputs["pdf"],
                     expect=0)
    found = [f["rule"] for f in json.loads(result.out)["files"][0]["findings"]]
    found += [f["rule"] for f in json.loads(result.out)["files"][1]["findings"]]
    assert "title-lines" not in found


# -- validate and check warn about a writer's own breaks

ORPHANED = "|-\n  关于印发《青山县河口镇2024年防汛抗旱工作方案》的通\n  知"


def test_validate_warns_but_passes(tmp_path):
    source = tmp_path / "断行不当.yaml"
    source.write_text(_spec(ORPHANED), encoding="utf-8")
    result = gongwen("validate", source, expect=0)
    assert "通过" in result.out
    assert "警告：标题第2行只有“知”" in result.out
    assert "警告：标题第1行" in result.out and "超出版心" in result.out
    good = tmp_path / "断行得当.yaml"
    good.write_text(_spec("|-\n  关于印发《青山县河口镇2024年\n  防汛抗旱工作方案》的通知"),
                    encoding="utf-8")
    assert "警告" not in gongwen("validate", good, expect=0).text


def test_generate_shows_the_same_warnings_and_still_generates(tmp_path):
    source = tmp_path / "断行不当.yaml"
    source.write_text(_spec(ORPHANED), encoding="utf-8")
    result = gongwen("generate", "-q", source, "-o", tmp_path / "out", expect=0)
    assert "警告：标题第2行只有“知”" in result.err and "断行不当.yaml:" in result.err
    assert (tmp_path / "out" / "断行不当.pdf").exists()


def test_check_finds_writer_breaks_in_yaml_docx_and_pdf(tmp_path):
    source = tmp_path / "断行不当.yaml"
    source.write_text(_spec(ORPHANED), encoding="utf-8")
    result = gongwen("check", "--json", source, expect=0)
    found = [(f["rule"], f["line"], f["severity"]) for f in json.loads(result.out)["files"][0]["findings"]]
    assert ("title-lines", 5, "warning") in found and ("title-lines", 6, "warning") in found
    gongwen("generate", source, "-o", tmp_path / "out", expect=0)
    for suffix in ("docx", "pdf"):
        result = gongwen("check", "--json", tmp_path / "out" / f"断行不当.{suffix}", expect=0)
        messages = [f["message"] for f in json.loads(result.out)["files"][0]["findings"]
                    if f["rule"] == "title-lines"]
        assert any("只有“知”" in m for m in messages), (suffix, messages)


def test_a_title_of_pages_is_filled_line_by_line():
    """No real title, but a YAML may hold one: lines still fit, no orphan, nothing lost."""
    title = "".join(TITLES[:30])
    lines = title_lines(title)
    assert "".join(lines) == title and len(lines) > 40
    assert all(width(line) <= TITLE_CHARS_PER_LINE for line in lines)
    assert not is_orphan(lines[-1])
