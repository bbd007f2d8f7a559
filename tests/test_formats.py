"""Received files in their real shapes, each a fixture written here: PDFs with running headers
and page numbers, old .doc/.wps, OFD packages, scanned PDFs."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from archive.extract import ExtractError, extract
from generator.importer.paragraphs import read_paragraphs
from tests.clirun import gongwen

HEADER = "青石县人民政府规章"
FOOTER = "青石县人民政府发布"
# Long paragraphs, so sentences wrap across lines and pages
SENTENCES = ["为了做好山林巡护和水源保护工作，各乡镇应当组织人员按片区开展巡查",
             "发现火灾隐患和违法用火的，巡护人员应当及时登记并报告乡镇林业站",
             "乡镇林业站接到报告后限期整改，整改情况纳入年度考核",
             "村民委员会协助做好护林宣传，引导村民文明祭扫、安全用火",
             "县林业局每季度通报各乡镇巡护情况，对成绩突出的给予表扬"]
NUMERALS = "一二三四五六七八"
ARTICLES = [f"第{n}条 " + "，".join(SENTENCES[i % 5:] + SENTENCES[:i % 5]) + f"，详见第{n}项。"
            for i, n in enumerate(NUMERALS)]


def page_pdf(path: Path, number_form: str = '"- " counter(page) " -"') -> Path:
    """A PDF of several pages with a running header and footer and page numbers, made
    by WeasyPrint, paragraphs indented as offices set them."""
    from weasyprint import HTML

    body = "".join(f"<p>{a}</p>" for a in ARTICLES)
    html = f"""<html><head><style>
      @page {{ size: A4; margin: 30mm 26mm;
        @top-left {{ content: "{HEADER}"; font-size: 12pt }}
        @bottom-right {{ content: {number_form}; font-size: 12pt; vertical-align: top }}
        @bottom-center {{ content: "{FOOTER}"; font-size: 12pt; vertical-align: bottom }} }}
      body {{ font-family: FandolSong; font-size: 16pt; line-height: 1.8 }}
      p {{ text-indent: 2em; margin: 0; text-align: justify }}
      h1 {{ font-size: 22pt; text-align: center }}
    </style></head><body><h1>青石县山林巡护办法</h1>{body}</body></html>"""
    HTML(string=html).write_pdf(path)
    return path


@pytest.mark.parametrize("number_form", ['"- " counter(page) " -"', '"— " counter(page) " —"',
                                         '"第 " counter(page) " 页 共 " counter(pages) " 页"'])
def test_pdf_furniture_is_removed_listed_and_sentences_rejoined(tmp_path, number_form):
    pdf = page_pdf(tmp_path / "规章.pdf", number_form)
    got = extract(pdf.name, pdf.read_bytes())
    assert got.pages >= 3
    assert HEADER not in got.text and FOOTER not in got.text
    reasons = {(f.page, f.reason) for f in got.removed}
    for page in range(1, got.pages + 1):
        assert {(page, "页眉"), (page, "页脚"), (page, "页码")} <= reasons
    assert got.text.split("\n") == ["青石县山林巡护办法", *ARTICLES]

    paragraphs = read_paragraphs(pdf)
    assert [p.text for p in paragraphs] == ["青石县山林巡护办法", *ARTICLES]
    assert len({p.page for p in paragraphs}) > 1  # articles start on later pages too


def test_a_lone_line_on_each_page_is_text_not_a_header(tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "两页.pdf"
    HTML(string="<p>巡护记录第1页</p><p style='break-before: page'>巡护记录第2页</p>").write_pdf(pdf)
    got = extract(pdf.name, pdf.read_bytes())
    assert got.text == "巡护记录第1页\n巡护记录第2页" and got.removed == ()


# -- .doc and .wps

def docx_bytes(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


LEGACY_LINES = ["青石县林业局关于开展春季巡山的通知", "各乡镇林业站：", "请于三月底前完成第一轮巡山。"]


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装（setup.sh test 会安装）")
    folder = tmp_path_factory.mktemp("legacy")
    source = folder / "巡山.docx"
    source.write_bytes(docx_bytes(LEGACY_LINES))
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    doc = folder / "巡山.doc"
    assert doc.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE compound file
    return doc


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_is_converted_by_libreoffice(legacy_doc, tmp_path, suffix):
    copy = tmp_path / f"巡山{suffix}"
    copy.write_bytes(legacy_doc.read_bytes())
    assert extract(copy.name, copy.read_bytes()).text.split("\n") == LEGACY_LINES
    assert [p.text for p in read_paragraphs(copy)] == LEGACY_LINES
    ran = gongwen("archive", "add", copy, "-A", tmp_path / "arc", expect=0)
    assert "已归档" in ran.text or "归档" in ran.text
    checked = gongwen("check", copy, expect=None).text
    assert "未发现问题" in checked and "不支持" not in checked  # read as the DOCX it became


def test_legacy_word_without_libreoffice_is_refused_saying_how_to_convert(legacy_doc, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("python3") or "/usr/bin/python3", bin_dir / "python3")
    ran = gongwen("archive", "add", legacy_doc, "-A", tmp_path / "arc", expect=1,
                  env={"PATH": str(bin_dir)})
    assert "需要 LibreOffice" in ran.err and "另存为” .docx" in ran.err


# -- OFD

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd_package(pages: list[list[str]], title: str = "青石县巡山通知", members: dict | None = None
                ) -> bytes:
    """An OFD written by hand: OFD.xml with DocInfo, Document.xml, one Content.xml a page,
    each line a TextObject 5 mm high, 7 mm apart, left margin 28 mm."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>
<ofd:DocID>0</ofd:DocID><ofd:Title>{title}</ofd:Title><ofd:Author>青石县林业局</ofd:Author>
<ofd:CreationDate>2024-03-01</ofd:CreationDate></ofd:DocInfo>
<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>""")
        refs = "".join(f'<ofd:Page ID="{n}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
                       for n in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document {NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>
</ofd:PageArea></ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>""")
        for n, lines in enumerate(pages):
            objects = "".join(
                f'<ofd:TextObject ID="{i}" Boundary="{28 + (10 if x.startswith("　") else 0)} '
                f'{37 + 7 * i} 160 6" Font="1" Size="5"><ofd:TextCode X="0" Y="5">{x.strip("　")}'
                f'</ofd:TextCode></ofd:TextObject>' for i, x in enumerate(lines))
            z.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page {NS}><ofd:Content><ofd:Layer ID="0">{objects}</ofd:Layer></ofd:Content></ofd:Page>""")
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def test_ofd_text_pages_and_doc_info_are_read():
    data = ofd_package([["　青石县巡山通知", "各乡镇林业站：", "　请于三月底前完成第一轮巡山。", "- 1 -"],
                        ["　巡山记录报县林业局。", "- 2 -"]])
    got = extract("通知.ofd", data)
    assert got.pages == 2
    assert (got.info.title, got.info.author, got.info.created) == (
        "青石县巡山通知", "青石县林业局", "2024-03-01")
    assert got.text.split("\n") == ["青石县巡山通知", "各乡镇林业站：", "请于三月底前完成第一轮巡山。",
                                    "巡山记录报县林业局。"]
    assert [(f.page, f.reason) for f in got.removed] == [(1, "页码"), (2, "页码")]


def test_ofd_is_archived_and_imported(tmp_path):
    path = tmp_path / "通知.ofd"
    path.write_bytes(ofd_package([["　青石县巡山通知", "　请于三月底前完成第一轮巡山。"]]))
    assert [p.text for p in read_paragraphs(path)] == ["青石县巡山通知", "请于三月底前完成第一轮巡山。"]
    gongwen("archive", "add", path, "-A", tmp_path / "arc", expect=0)
    assert "第一轮巡山" in gongwen("search", "巡山", "-A", tmp_path / "arc", expect=0).text
    checked = gongwen("check", path, expect=None).text
    assert "无法读取" not in checked and "不支持" not in checked and "共检查 1 个文件" in checked


@pytest.mark.parametrize("damage, said", [
    ({"Doc_0/Pages/Page_0/Content.xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}, "DTD"),
    ({"bomb.xml": b"0" * (8 * 1024 * 1024)}, "压缩比"),
])
def test_hostile_ofd_is_refused_in_chinese(damage, said):
    data = ofd_package([["　一行"]], members=damage) if "bomb.xml" in damage else None
    if data is None:  # the page itself replaced by one with a DTD
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(ofd_package([["　一行"]]))) as src, \
                zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                dst.writestr(item.filename, damage.get(item.filename) or src.read(item))
        data = out.getvalue()
    with pytest.raises(ExtractError, match=said):
        extract("坏.ofd", data)


def test_not_a_zip_is_a_damaged_ofd():
    with pytest.raises(ExtractError, match="OFD|损坏"):
        extract("坏.ofd", b"not a zip at all")


# -- scans

@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory) -> Path:
    """The furniture PDF printed to grey images, as a scanner gives it: no text layer."""
    import pypdfium2

    folder = tmp_path_factory.mktemp("scan")
    text_pdf = page_pdf(folder / "原件.pdf")
    document = pypdfium2.PdfDocument(text_pdf.read_bytes())
    images = [document[i].render(scale=200 / 72, grayscale=True).to_pil() for i in range(2)]
    scan = folder / "扫描件.pdf"
    images[0].save(scan, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return scan


def test_scan_without_ocr_archives_with_a_warning(scan_pdf, monkeypatch):
    from archive import ocr

    monkeypatch.setattr(ocr, "_engine", lambda: None)
    got = extract(scan_pdf.name, scan_pdf.read_bytes())
    assert got.text == "" and not got.ocr
    assert "无文字层（扫描件），未进行文字识别" in got.notes[0]


def test_scan_is_ocrd_and_marked(scan_pdf, tmp_path):
    from archive import ocr

    if not ocr.available():
        pytest.skip("未安装 rapidocr-onnxruntime")
    got = extract(scan_pdf.name, scan_pdf.read_bytes())
    assert got.ocr and "文字由 OCR 识别" in got.notes[0]
    assert "山林巡护" in got.text and "水源保护" in got.text and HEADER not in got.text
    checked = gongwen("check", scan_pdf, timeout=600).text
    assert "无文字层（扫描件），已进行文字识别" in checked and "未发现问题" not in checked
