"""Where the closing (署名, 成文日期) and the 版记 fall, in our PDF and in LibreOffice's PDF of
our DOCX, over notices whose last paragraph runs from a few lines to most of a page."""
from __future__ import annotations

import random
from pathlib import Path

import docx
import pytest

from tests.conftest import generated_in_both_clients
from tests.pdfgeom import Page, read_pages

ORGAN = "河口镇人民政府"
CLAUSE = "各村要落实汛期值班制度，及时排查隐患并上报，"


def _squash(text: str) -> str:
    return "".join(text.split()).replace("　", "")


def _last_paragraph(length: int) -> str:
    return (CLAUSE * (length // len(CLAUSE) + 1))[:length - 1] + "。"


def _notice(rng: random.Random, length: int) -> dict:
    spec = {"文种": "通知", "标题": "关于做好今年汛期各项准备工作的通知", "发文机关": ORGAN,
            "成文日期": "2024-05-21", "主送机关": ["各村民委员会"],
            "正文": ["为做好汛期工作，现将有关事项通知如下。", _last_paragraph(length)],
            "抄送": ["县应急管理局"]}
    if rng.random() < 0.7:
        spec |= {"印发机关": "河口镇党政办公室", "印发日期": "2024-05-21"}
    if rng.random() < 0.6:
        spec["附件"] = [{"标题": "汛期值班表"}]
    if rng.random() < 0.3:
        spec |= {"发文机关标志": "河口镇人民政府文件", "发文字号": "河政发〔2024〕9号"}
    if rng.random() < 0.3:
        spec["附注"] = "联系人：党政办公室，电话 0000-1234567"
    return spec


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> list[dict]:
    rng = random.Random(1909)
    folder = tmp_path_factory.mktemp("paging")
    # the lengths around a page's end are where the closing is at risk
    lengths = sorted({rng.randint(150, 780) for _ in range(14)} | {300, 450})
    specs = [(folder / f"通知{n}.yaml", _notice(rng, length)) for n, length in enumerate(lengths)]
    cases = generated_in_both_clients(specs, folder, tmp_path_factory)
    for case, length in zip(cases, lengths):
        case["length"] = length
    return cases


def _sign(pages: list[Page]) -> tuple[Page, int]:
    """The page of the 署名 and the line's index on it."""
    for page in pages:
        for index, line in enumerate(page.lines):
            if line.text == ORGAN and line.x1 > 150:
                return page, index
    raise AssertionError("no 署名 found")


def _closing_report(pdf: Path, spec: dict) -> dict:
    pages = read_pages(pdf)
    page, index = _sign(pages)
    last = _squash(spec["正文"][-1])
    body_above = [l for l in page.lines[:index] if len(l.text) > 2 and _squash(l.text) in last]
    imprint = [p.number for p in pages for l in p.lines if l.text.startswith("抄送：")]
    return {"sign_page": page.number, "body_above": len(body_above),
            "imprint_pages": imprint, "pages": pages}


@pytest.mark.parametrize("client", ["pdf", "lo"])
def test_the_closing_never_stands_without_body_text(cases, client):
    for case in cases:
        report = _closing_report(case[client], case["spec"])
        assert report["body_above"] >= 1, (case["length"], client, report["sign_page"])


@pytest.mark.parametrize("client", ["pdf", "lo"])
def test_the_imprint_is_whole_on_the_closing_page_when_the_text_ends_there(cases, client):
    for case in cases:
        if "附件" in case["spec"]:
            continue  # an attachment with a title only: no page of its own, so still the case
        report = _closing_report(case[client], case["spec"])
        assert report["imprint_pages"] == [report["sign_page"]], case["length"]
        last = report["pages"][-1]
        assert any(l.text.startswith("抄送：") for l in last.lines), case["length"]


def test_both_clients_put_the_closing_on_the_same_page(cases):
    for case in cases:
        ours = _closing_report(case["pdf"], case["spec"])
        theirs = _closing_report(case["lo"], case["spec"])
        assert ours["sign_page"] == theirs["sign_page"], case["length"]
        assert len(ours["pages"]) == len(theirs["pages"]), case["length"]


@pytest.mark.parametrize("client", ["pdf", "lo"])
def test_page_one_is_not_left_almost_empty(cases, client):
    """When the text goes on to page 2, page 1 is filled to below its middle: only the
    closing that did not fit (five lines, the 版记's three) and two carried lines may be
    missing from its foot; a paragraph moved whole would leave more."""
    pitch = 225 / 22  # mm: GB/T 9704's 22 lines in the 225 mm text block
    for case in cases:
        pages = read_pages(case[client])
        if len(pages) == 1:
            continue
        lowest = max(l.bottom for l in pages[0].body_lines())
        assert (262 - lowest) / pitch <= 10.5, (case["length"], client, lowest, str(case["pdf"]))


def test_carried_lines_lose_no_text_and_begin_a_page_in_the_docx(cases):
    """Where the last lines were carried to the closing's page, the DOCX holds them as a
    paragraph with no first-line indent and a page break before, and head + tail are the
    writer's paragraph exactly."""
    carried = 0
    for case in cases:
        paragraphs = [p for p in docx.Document(str(case["docx"])).paragraphs if p.text.strip()]
        texts = [p.text for p in paragraphs]
        sign = texts.index(ORGAN)
        before = [p for p in paragraphs[:sign] if p.style.name not in ("附件说明",)]
        tail, head = before[-1], before[-2]
        if not tail.paragraph_format.page_break_before:
            assert tail.text == case["spec"]["正文"][-1]
            continue
        carried += 1
        if tail.text != case["spec"]["正文"][-1]:  # split, not moved whole
            assert head.text + tail.text == case["spec"]["正文"][-1]
            assert tail.paragraph_format.first_line_indent == 0
        assert tail.paragraph_format.keep_with_next
    assert carried >= 2  # the lengths chosen do reach the case
