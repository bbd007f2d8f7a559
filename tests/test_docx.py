"""Our DOCX files, opened again with python-docx and read as XML."""
from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn

from generator import layout as L
from generator.build import build_document
from generator.render_docx import render_docx
from generator.load import load_document

from .conftest import FIXTURES, SAMPLES
from .test_pdf import NOTICE, PLAN


def _twips(length) -> int:
    return round(length / 635)  # EMU -> twips


@pytest.mark.parametrize("stem", [s.stem for s in SAMPLES])
def test_page_setup(rendered, stem):
    section = docx.Document(rendered[stem]["docx"]).sections[0]
    assert abs(_twips(section.page_width) - 11906) <= 1
    assert abs(_twips(section.page_height) - 16838) <= 1
    # GB/T 9704 figures in twips: top 2098, bottom 1984, left 1588, right 1474
    for got, want in ((section.top_margin, 2098), (section.bottom_margin, 1984),
                      (section.left_margin, 1588), (section.right_margin, 1474)):
        assert abs(_twips(got) - want) <= 2, (_twips(got), want)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == str(L.LINE_PITCH_TWIPS)
    assert L.LINES_PER_PAGE * L.LINE_PITCH_TWIPS <= L.mm_to_twips(L.TEXT_HEIGHT_MM)
    assert (L.LINES_PER_PAGE + 1) * L.LINE_PITCH_TWIPS > L.mm_to_twips(L.TEXT_HEIGHT_MM)


def test_east_asian_faces_and_sizes(rendered):
    document = docx.Document(rendered[PLAN]["docx"])
    expected = {"公文正文": ("仿宋_GB2312", 16), "公文标题": ("方正小标宋简体", 22),
                "一级标题": ("黑体", 16), "二级标题": ("楷体_GB2312", 16),
                "三级标题": ("仿宋_GB2312", 16), "页码": ("宋体", 14), "版记": ("仿宋_GB2312", 14)}
    for name, (face, size) in expected.items():
        style = document.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == face, name
        assert fonts.get(qn("w:hint")) == "eastAsia", name
        assert style.font.size.pt == size, name
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rfonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert rfonts.get(qn("w:eastAsiaTheme")) is None  # no theme font (MS Mincho)


def test_paragraph_styles_follow_the_model(rendered, documents):
    document = docx.Document(rendered[PLAN]["docx"])
    model = documents[PLAN]
    by_style = {"h1": "一级标题", "h2": "二级标题", "h3": "三级标题", "h4": "四级标题",
                "roster": "名单", "body": "公文正文"}
    paragraphs = [p for p in document.paragraphs
                  if p.style.name in by_style.values() or p.style.name == "名单续行"]

    def style(p) -> str:  # a 名单 line without a label stands under the first name
        return "名单续行" if p.style.value == "roster" and not p.lead else by_style[p.style.value]

    assert [(p.style.name, p.text) for p in paragraphs] == [
        (style(p), p.lead + p.text) for p in model.body]
    h1 = next(p for p in paragraphs if p.text == "一、总体目标")
    assert h1.paragraph_format.first_line_indent is None  # from the style: two characters
    assert document.styles["一级标题"].paragraph_format.first_line_indent.pt == pytest.approx(
        2 * L.CHAR_PITCH_PT, abs=0.1)


def test_odd_and_even_footers_with_page_field(rendered):
    document = docx.Document(rendered[PLAN]["docx"])
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for paragraph in (odd, even):
        instr = "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert odd.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT


def test_masthead_is_red_and_ruled(rendered, documents):
    document = docx.Document(rendered[NOTICE]["docx"])
    mark = next(p for p in document.paragraphs if p.style.name == "发文机关标志")
    assert mark.text == "青山县教育局文件"
    assert str(document.styles["发文机关标志"].font.color.rgb) == L.RED
    number = next(p for p in document.paragraphs if p.style.name == "发文字号")
    assert number.text == "青教字〔2020〕15号"
    bottom = document.styles["发文字号"].element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == L.RED
    signature = next(p for p in document.paragraphs if p.style.name == "发文机关署名")
    date = next(p for p in document.paragraphs if p.style.name == "成文日期")
    assert (signature.text, date.text) == ("青山县教育局", "2020年2月18日")
    sig = documents[NOTICE].signature
    assert (sig.date_right_chars, sig.organ_right_chars) == (2.0, 4.5)  # date longer than name
    assert signature.paragraph_format.right_indent.pt == pytest.approx(
        sig.organ_right_chars * L.CHAR_PITCH_PT, abs=0.1)
    assert date.paragraph_format.right_indent.pt == pytest.approx(
        sig.date_right_chars * L.CHAR_PITCH_PT, abs=0.1)


def test_special_characters_are_escaped(tmp_path):
    """& < > in users' text must come out as text, not break the XML (docxtpl #557)."""
    doc = build_document(load_document(FIXTURES / "escapes.yaml"))
    target = tmp_path / "escapes.docx"
    render_docx(doc, target)
    text = "\n".join(p.text for p in docx.Document(target).paragraphs)
    assert "A&B <测试> 单位" in text
    assert "x < y && y > z" in text
