"""OFD output (GB/T 33190): the same pages, text, places, fonts and red marks as our PDF,
read by our archive's reader and by an independent one (ofdkit)."""
from __future__ import annotations

import io
import random
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import pdfplumber
import pytest
import yaml
from fontTools.ttLib import TTFont

from generator.pipeline import generate_many
from tests.conftest import ROOT, run_cli

NS = {"ofd": "http://www.ofdspec.org/2016"}
MM = 25.4 / 72
CHOSEN = ["关于拨付柳溪镇防汛物资储备经费的请示", "关于印发疫情防控工作方案的通知",
          "柳溪镇2024年汛期值班和物资保障方案", "柳溪镇人民政府关于汛期河道管理的通告"]


def _spec(rng: random.Random, n: int) -> dict:
    clause = "各村要落实汛期值班制度，及时排查隐患并上报（电话 0000-1234567）；"
    spec = {"文种": "通知", "标题": "关于做好今年汛期各项准备工作的通知", "发文机关": "河口镇人民政府",
            "成文日期": "2024-05-21", "主送机关": ["各村民委员会"],
            "正文": ["为做好汛期工作，现将有关事项通知如下。", clause * rng.randint(1, 25) + "特此通知。"],
            "抄送": ["县应急管理局"], "印发机关": "河口镇党政办公室", "印发日期": "2024-05-21"}
    if rng.random() < 0.6:
        spec |= {"发文机关标志": "河口镇人民政府文件", "发文字号": f"河政发〔2024〕{n + 1}号"}
    if rng.random() < 0.4:
        spec["附件"] = [{"标题": "汛期值班表"}]
    return spec


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """name -> {"pdf": path, "ofd": path}: chosen samples and generated notices."""
    folder = tmp_path_factory.mktemp("ofd")
    rng = random.Random(33190)
    files = [ROOT / "samples" / f"{name}.yaml" for name in CHOSEN]
    for n in range(4):
        path = folder / f"通知{n}.yaml"
        path.write_text(yaml.safe_dump(_spec(rng, n), allow_unicode=True), encoding="utf-8")
        files.append(path)
    out = folder / "out"
    results = generate_many(files, out, ("pdf", "ofd"), jobs=2)
    return {r.source.stem: {p.suffix[1:]: p for p in r.outputs} for r in results}


def _cases(made):
    return [(name, paths["pdf"], paths["ofd"]) for name, paths in made.items()]


# ---- reading the package back (the test's own reading, kept plain) ----------------------

class Package:
    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        self.root = self.xml("OFD.xml")
        self.doc_path = self.root.find("ofd:DocBody/ofd:DocRoot", NS).text
        self.doc = self.xml(self.doc_path)
        base = PurePosixPath(self.doc_path).parent
        self.pages = [self.xml(str(base / p.get("BaseLoc")))
                      for p in self.doc.findall("ofd:Pages/ofd:Page", NS)]
        res_path = base / self.doc.find("ofd:CommonData/ofd:PublicRes", NS).text
        self.res = self.xml(str(res_path))
        self.res_base = res_path.parent / self.res.get("BaseLoc")

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.zip.read(name))

    def fonts(self) -> dict[str, TTFont]:
        return {f.get("ID"): TTFont(io.BytesIO(self.zip.read(str(self.res_base / f.find("ofd:FontFile", NS).text))))
                for f in self.res.findall("ofd:Fonts/ofd:Font", NS)}

    def chars(self, page: ET.Element):
        """(text, x, baseline, font id, colour) of every character, from X, Y and DeltaX."""
        for obj in page.iter(f"{{{NS['ofd']}}}TextObject"):
            bx, by = (float(v) for v in obj.get("Boundary").split()[:2])
            colour = obj.find("ofd:FillColor", NS)
            rgb = colour.get("Value") if colour is not None else "0 0 0"
            for code in obj.findall("ofd:TextCode", NS):
                x, y = bx + float(code.get("X")), by + float(code.get("Y"))
                steps = _expand(code.get("DeltaX", ""))
                for n, ch in enumerate(code.text):
                    if not ch.isspace():
                            yield ch, x + sum(steps[:n]), y, obj.get("Font"), rgb


def _expand(delta: str) -> list[float]:
    tokens, out, i = delta.split(), [], 0
    while i < len(tokens):
        if tokens[i] == "g":
            out += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _pdf_chars(page):
    for c in page.chars:
        if not c["text"].isspace():
            yield c["text"], c["matrix"][4] * MM, (page.height - c["matrix"][5]) * MM


def _squash(text: str) -> str:
    return "".join(text.split())


# ---- tests -----------------------------------------------------------------------------

def test_cli_writes_ofd_only_when_asked(tmp_path):
    sample = ROOT / "samples" / f"{CHOSEN[3]}.yaml"
    out = run_cli("generate", sample, "-f", "ofd", "-o", tmp_path / "a").stdout
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [f"{CHOSEN[3]}.ofd"]
    assert "已生成" in out and ".ofd" in out
    run_cli("generate", sample, "-o", tmp_path / "b", "-q")
    assert sorted(p.suffix for p in (tmp_path / "b").iterdir()) == [".docx", ".pdf"]


def test_package_is_well_formed(made):
    for name, _, ofd in _cases(made):
        with zipfile.ZipFile(ofd) as package:
            assert package.testzip() is None
            names = package.namelist()
            assert names[0] == "OFD.xml", name
            assert all(not n.startswith("/") and ".." not in n.split("/") and "\\" not in n for n in names)
            ids = []
            for n in names:
                if n.endswith(".xml"):
                    raw = package.read(n)
                    assert b"<!DOCTYPE" not in raw and b"<!ENTITY" not in raw
                    root = ET.fromstring(raw)
                    assert root.tag.startswith(f"{{{NS['ofd']}}}"), n
                    ids += [int(e.get("ID")) for e in root.iter() if e.get("ID") and not e.tag.endswith("DocID")]
        pkg = Package(ofd)
        assert pkg.root.get("Version") == "1.0" and pkg.root.get("DocType") == "OFD"
        assert len(ids) == len(set(ids)), f"{name}: IDs repeat"
        assert int(pkg.doc.find("ofd:CommonData/ofd:MaxUnitID", NS).text) == max(ids)
        assert pkg.doc.find("ofd:CommonData/ofd:PageArea/ofd:PhysicalBox", NS).text == "0 0 210 297"
        # the schema's order: CommonData is MaxUnitID, PageArea, PublicRes
        order = [e.tag.split("}")[1] for e in pkg.doc.find("ofd:CommonData", NS)]
        assert order == ["MaxUnitID", "PageArea", "PublicRes"]
        for page in pkg.pages:
            for obj in page.iter():
                tag = obj.tag.split("}")[1]
                if tag in ("TextObject", "PathObject"):
                    assert len(obj.get("Boundary").split()) == 4
                if tag == "PathObject":
                    kids = [k.tag.split("}")[1] for k in obj]
                    assert kids[-1] == "AbbreviatedData"
                    assert kids == sorted(kids, key=["Clips", "StrokeColor", "FillColor", "AbbreviatedData"].index)
                if tag == "TextObject":
                    kids = [k.tag.split("}")[1] for k in obj]
                    assert kids == sorted(kids, key=["FillColor", "StrokeColor", "TextCode"].index)
                    assert obj.find("ofd:TextCode", NS).get("X") is not None


def test_pages_and_every_character_in_place(made):
    for name, pdf, ofd in _cases(made):
        pkg = Package(ofd)
        with pdfplumber.open(pdf) as read:
            assert len(pkg.pages) == len(read.pages), name
            for number, (page, ofd_page) in enumerate(zip(read.pages, pkg.pages), start=1):
                placed = {}
                for ch, x, y, _, _ in pkg.chars(ofd_page):
                    placed.setdefault(ch, []).append((x, y))
                wanted = list(_pdf_chars(page))
                assert sum(map(len, placed.values())) == len(wanted), f"{name} p{number}"
                for ch, x, y in wanted:
                    near = [(abs(x - a), abs(y - b)) for a, b in placed.get(ch, [])]
                    assert any(dx < 0.5 and dy < 0.5 for dx, dy in near), f"{name} p{number}: {ch} at {x:.1f},{y:.1f}"


def test_fonts_embedded_and_cover_their_text(made):
    for name, pdf, ofd in _cases(made):
        pkg = Package(ofd)
        fonts = pkg.fonts()
        assert fonts, name
        with pdfplumber.open(pdf) as read:
            families = {c["fontname"].split("+")[-1].split("-")[0] for p in read.pages for c in p.chars}
        names = {f.get("FontName").split("-")[0] for f in pkg.res.findall("ofd:Fonts/ofd:Font", NS)}
        assert names == families, name
        for page in pkg.pages:
            for ch, _, _, font, _ in pkg.chars(page):
                assert font in fonts, f"{name}: font {font} not in PublicRes"
                assert ord(ch) in fonts[font].getBestCmap(), f"{name}: {ch} not in font {font}"
        assert ofd.stat().st_size < 1.2 * pdf.stat().st_size + 20_000  # subsets, not whole fonts


def test_red_mark_and_rules(made):
    pkg = Package(made["关于印发疫情防控工作方案的通知"]["ofd"])
    first, last = pkg.pages[0], pkg.pages[-1]
    red = [c for c in pkg.chars(first) if c[4] == "255 0 0"]
    assert "".join(c[0] for c in red) == "青山县第二实验小学文件"
    paths = []
    for page in (first, last):
        found = []
        for obj in page.iter(f"{{{NS['ofd']}}}PathObject"):
            x, y, w, h = (float(v) for v in obj.get("Boundary").split())
            fill = obj.find("ofd:FillColor", NS)
            found.append((round(x, 1), round(w, 1), round(h, 2), fill.get("Value") if fill is not None else None))
        paths.append(found)
    assert (28.0, 156.0, 0.5, "255 0 0") in paths[0]  # the red line under the 发文字号
    rules = sorted(h for x, w, h, c in paths[1] if (x, w, c) == (28.0, 156.0, "0 0 0"))
    assert rules == [0.25, 0.35, 0.35]  # 版记: thick first and last, thin between


def test_table_rules_are_stroked(made):
    pkg = Package(made["柳溪镇2024年汛期值班和物资保障方案"]["ofd"])
    with pdfplumber.open(made["柳溪镇2024年汛期值班和物资保障方案"]["pdf"]) as read:
        pdf_lines = sum(len(p.lines) for p in read.pages)
    stroked = [o for p in pkg.pages for o in p.iter(f"{{{NS['ofd']}}}PathObject") if o.get("Stroke") != "false"]
    assert len(stroked) == pdf_lines > 0
    assert all(abs(float(o.get("LineWidth")) - 0.5 * MM) < 0.01 for o in stroked)


def test_archive_reader_gets_the_pdf_text(made):
    from archive.extract import extract

    for name, pdf, ofd in _cases(made):
        from_pdf = extract(pdf.name, pdf.read_bytes())
        from_ofd = extract(ofd.name, ofd.read_bytes())
        assert from_ofd.pages == from_pdf.pages
        assert _squash(from_ofd.text) == _squash(from_pdf.text), name


def test_archive_add_of_a_generated_ofd(made, tmp_path):
    ofd = made["关于拨付柳溪镇防汛物资储备经费的请示"]["ofd"]
    alone = tmp_path / "in" / ofd.name
    alone.parent.mkdir()
    alone.write_bytes(ofd.read_bytes())
    run_cli("archive", "add", alone, "-A", tmp_path / "archive", "-q")
    shown = run_cli("archive", "show", "1", "-A", tmp_path / "archive", "--json").stdout
    assert "关于拨付柳溪镇防汛物资储备经费的请示" in shown and "柳政发〔2024〕21号" in shown


def test_an_independent_reader_opens_it(made):
    from ofdkit import OFDDocument

    for name, pdf, ofd in _cases(made):
        with OFDDocument(str(ofd)) as read, pdfplumber.open(pdf) as pdf_read:
            assert len(read.pages) == len(pdf_read.pages)
            assert all(p.box == (0.0, 0.0, 210.0, 297.0) for p in read.pages)
            pdf_text = "".join(c["text"] for p in pdf_read.pages for c in p.chars)
            # the same characters (its reading order is its own: 签发人 before the 发文字号)
            assert sorted(_squash(read.text())) == sorted(_squash(pdf_text)), name
            assert read.info.creator == "gongwen" and read.info.title
            for page, pdf_page in zip(read.pages, pdf_read.pages):
                starts = {(r.text[0], round(r.x), round(r.y)) for r in page.runs}
                lines = pdf_page.extract_text_lines()
                for line in lines:
                    c = next(c for c in line["chars"] if not c["text"].isspace())
                    x, y = c["matrix"][4] * MM, (pdf_page.height - c["matrix"][5]) * MM
                    assert any(t == c["text"] and abs(rx - x) <= 1 and abs(ry - y) <= 1
                               for t, rx, ry in starts), f"{name}: line {line['text']!r}"


def test_same_input_same_bytes(made, tmp_path):
    sample = ROOT / "samples" / f"{CHOSEN[0]}.yaml"
    again = generate_many([sample], tmp_path, ("ofd",), jobs=1)[0].outputs[0]
    assert again.read_bytes() == made[CHOSEN[0]]["ofd"].read_bytes()


def test_font_not_embedded_is_a_clear_message():
    from generator.errors import RenderError
    from generator.pdf_marks import read_marks

    with pytest.raises(RenderError, match="字体“Helvetica”没有嵌入"):
        read_marks(_pdf_with_helvetica())


def _pdf_with_helvetica() -> bytes:
    """A one-page PDF whose text uses a standard font that is not embedded."""
    stream = b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_landscape_table_page(tmp_path):
    """A 横向 table's page is 297 x 210 mm in the OFD too, its turned page number turned there."""
    spec = {"文种": "方案", "标题": "河口镇汛期物资清单方案", "发文机关": "河口镇人民政府",
            "成文日期": "2024-05-08",
            "正文": ["为做好物资保障，制定本方案。",
                     {"表格": {"标题": "河口镇防汛物资清单", "横向": True,
                              "表头": ["序号", "物资名称", "数量", "存放地点", "责任人", "联系电话"],
                              "行": [["1", "编织袋", "20000", "镇仓库", "王某某", "0000-1234567"]]}},
                     "各村要加强管理。"]}
    source = tmp_path / "横向.yaml"
    source.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    outputs = generate_many([source], tmp_path / "out", ("pdf", "ofd"), jobs=1)[0].outputs
    pdf, ofd = sorted(outputs, key=lambda p: p.suffix, reverse=True)
    pkg = Package(ofd)
    with pdfplumber.open(pdf) as read:
        sizes = [(round(p.width * MM), round(p.height * MM)) for p in read.pages]
        turned = [(c["text"], c["matrix"][4] * MM, (read.pages[n].height - c["matrix"][5]) * MM)
                  for n, p in enumerate(read.pages) for c in p.chars
                  if not c["upright"] and not c["text"].isspace()]
    assert (297, 210) in sizes and turned
    for page, size in zip(pkg.pages, sizes):
        area = page.find("ofd:Area/ofd:PhysicalBox", NS)
        assert (area.text if area is not None else "0 0 210 297") == f"0 0 {size[0]} {size[1]}"
    origins = []
    for page in pkg.pages:
        for obj in page.iter(f"{{{NS['ofd']}}}TextObject"):
            if obj.get("CTM"):
                bx, by = (float(v) for v in obj.get("Boundary").split()[:2])
                a, b, c, d, e, f = (float(v) for v in obj.get("CTM").split())
                assert (a, b, c, d) == (0, 1, -1, 0)  # the baseline runs down the page
                origins.append((obj.find("ofd:TextCode", NS).text, bx + e, by + f))
    assert len(origins) == len(turned)
    for (t, x, y), (u, ox, oy) in zip(turned, origins):
        assert t == u and abs(x - ox) < 0.5 and abs(y - oy) < 0.5
