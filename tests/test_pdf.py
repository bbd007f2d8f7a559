"""Our PDFs, opened again and measured."""
from __future__ import annotations

import pytest

from generator import layout as L

from generator.kinds import Format

from .conftest import SAMPLES
from .geometry import (
    check_characters_per_line, check_lines_per_page, check_page_geometry, check_page_numbers,
)
from .pdfgeom import embedded_fonts, read_pages

PLAN = "实验小学疫情防控工作方案"
NOTICE = "关于做好开学前疫情防控准备工作的通知"
ISSUING = "关于印发疫情防控工作方案的通知"


@pytest.mark.parametrize("stem", [s.stem for s in SAMPLES])
def test_page_geometry(rendered, documents, stem):
    check_page_geometry(rendered[stem]["pdf"])
    check_page_numbers(rendered[stem]["pdf"], documents[stem].format is Format.LETTER)


@pytest.mark.parametrize("stem", [s.stem for s in SAMPLES])
def test_fonts_are_embedded_subsets(rendered, stem):
    fonts = embedded_fonts(rendered[stem]["pdf"])
    assert fonts and all(fonts.values()), fonts
    assert all("+" in name for name in fonts), "fonts should be subset (ABCDEF+Name)"
    assert any("FandolFang" in name for name in fonts)


def test_grid_of_a_full_plan(rendered):
    check_lines_per_page(rendered[PLAN]["pdf"])
    check_characters_per_line(rendered[PLAN]["pdf"])


def test_faces_by_role(rendered):
    pages = read_pages(rendered[PLAN]["pdf"])
    lines = [line for page in pages for line in page.lines]
    title = next(l for l in lines if l.text.startswith("青山县第二实验小学"))
    assert title.size == L.TITLE_SIZE_PT and title.fonts == {"FandolSong-Bold"}
    h1 = next(l for l in lines if l.text.startswith("一、总体目标"))
    assert h1.fonts == {"FandolHei"}
    run_in = next(l for l in lines if l.text.startswith("（一）摸清师生底数"))
    assert {"FandolKai", "FandolFang"} <= run_in.fonts
    body = next(l for l in lines if l.text.startswith("坚持师生生命安全"))
    assert body.fonts == {"FandolFang"} and body.size == L.BODY_SIZE_PT
    # first-line indent: two characters
    assert abs(body.x0 - (L.MARGIN_LEFT_MM + 2 * L.CHAR_PITCH_PT * 25.4 / 72)) < 0.5


def test_text_order_and_numbering(rendered):
    text = "".join(l.text for p in read_pages(rendered[PLAN]["pdf"]) for l in p.lines)
    heads = ["一、总体目标", "二、组织领导", "三、工作措施", "四、工作要求"]
    positions = [text.index(h) for h in heads]
    assert positions == sorted(positions)
    measures = [f"（{n}）" for n in "一二三四五六七八九十"]
    at = [text.index(m + t) for m, t in zip(measures, ["摸清", "严格校门", "落实晨午检"])]
    assert at == sorted(at)
    assert "（十）加强值班值守。" in text
    assert "（责任领导：周明远责任人：王丽、全体行政人员）" in text  # U+3000 is whitespace
    assert text.endswith(f"青山县第二实验小学2020年2月21日—{len(read_pages(rendered[PLAN]['pdf']))}—")


def test_masthead_signature_and_imprint(rendered, documents):
    pages = read_pages(rendered[NOTICE]["pdf"])
    first = pages[0]
    mark = next(l for l in first.lines if l.text == "青山县教育局文件")
    # mark's top edge 35 mm below the text block's top (glyph box, within 2 mm)
    assert abs(mark.top - (L.MARGIN_TOP_MM + L.MARK_TOP_MM)) < 2.5, mark.top
    assert next(l for l in first.lines if l.text == "青教字〔2020〕15号")
    last = pages[-1]
    texts = [l.text for l in last.lines]
    organ = next(l for l in last.lines if l.text == "青山县教育局")
    date = next(l for l in last.lines if l.text == "2020年2月18日")
    sig = documents[NOTICE].signature
    char = L.CHAR_PITCH_PT * 25.4 / 72
    right = L.PAGE_WIDTH_MM - L.MARGIN_RIGHT_MM
    assert abs((right - organ.x1) - sig.organ_right_chars * char) < 0.8
    assert abs((right - date.x1) - sig.date_right_chars * char) < 0.8
    # 版记 at the foot of the last page: the 印发 line is the lowest line of the block
    printed = next(l for l in last.lines if l.text.startswith("青山县教育局办公室"))
    assert printed.text.endswith("2020年2月18日印发")
    assert printed.size == L.IMPRINT_SIZE_PT
    assert printed.bottom > 250, printed.bottom
    assert any(t.startswith("抄送：县疫情防控指挥部，县卫生健康委员会。") for t in texts)


def test_attached_plan_follows_with_continuous_numbers(rendered):
    pages = read_pages(rendered[ISSUING]["pdf"])
    assert len(pages) >= 3
    label_pages = [p.number for p in pages if p.lines and p.lines[0].text == "附件"]
    assert label_pages == [2]
    assert pages[1].lines[1].text.startswith("青山县第二实验小学")
    assert [p.footer().text.replace(" ", "") for p in pages] == [
        f"—{n}—" for n in range(1, len(pages) + 1)]
