"""gongwen check: every rule found at its place in defective documents of our own (TXT,
DOCX, PDF, YAML), nothing found in clean ones, --fix safe and complete, archive check."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.shared import Mm, Pt

from cli import main
from generator.check.rules import RULES
from generator.check.run import check_file

from .conftest import FIXTURES, ROOT, SAMPLES

DEFECTIVE_TXT = FIXTURES / "check" / "农机安全检查通知（有缺陷）.txt"

# (rule, line) of every defect written into DEFECTIVE_TXT, and nothing else.
TXT_EXPECTED = [
    ("doc-number-form", 2), ("recipients-colon", 4), ("punct-half-width", 4),
    ("punct-half-width", 5), ("bracket-unbalanced", 9), ("number-form", 10),
    ("punct-ellipsis", 10), ("number-gap", 11), ("number-backward", 12),
    ("digit-full-width", 14), ("digit-full-width", 14), ("digit-full-width", 14),
    ("date-invalid", 14), ("punct-dash", 14), ("number-form", 15), ("number-repeat", 17),
    ("number-level", 18), ("number-start", 20), ("quote-unbalanced", 20),
    ("attachment-punct", 22), ("date-form", 25), ("cc-full-stop", 26),
]
TEXT_RULES = {rule for rule, _ in TXT_EXPECTED}


def run_check(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", "--json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def findings_of(path: Path) -> list[dict]:
    return check_file(path).as_dict()["findings"]


def rule_places(found: list[dict], key: str) -> list[tuple[str, int]]:
    return sorted((f["rule"], f[key]) for f in found)


# -- clean documents: nothing to say

def test_every_sample_yaml_checks_clean():
    files = sorted((ROOT / "samples").rglob("*.yaml"))
    assert len(files) >= 7
    code, report = run_check(*map(str, files))
    assert code == 0
    assert [(f["file"], f["findings"]) for f in report["files"] if f["findings"]] == []


def test_generated_docx_and_pdf_check_clean(rendered):
    files = [str(p) for paths in rendered.values() for p in paths.values()]
    assert len(files) == 2 * len(SAMPLES)
    code, report = run_check(*files)
    assert [(f["file"], f["findings"]) for f in report["files"] if f["findings"]] == []
    assert code == 0 and report["summary"]["files"] == len(files)


def test_received_documents_have_no_text_findings(received_files):
    """Hand-written documents from other tools: their layout is not ours, their text is right."""
    for path in received_files.values():
        text = [f for f in findings_of(path) if RULES[f["rule"]].applies_to == "text"]
        assert text == [], path.name


# -- defective documents: every defect at its place

def test_defective_txt_every_rule_at_its_line():
    assert rule_places(findings_of(DEFECTIVE_TXT), "line") == sorted(TXT_EXPECTED)


def test_defective_txt_spans_point_at_the_defect():
    lines = DEFECTIVE_TXT.read_text(encoding="utf-8").splitlines()
    spans = {(f["rule"], f["line"]): f["span"] for f in findings_of(DEFECTIVE_TXT) if f["span"]}
    start, end = spans[("punct-ellipsis", 10)]
    assert lines[9][start:end] == "..."
    start, end = spans[("bracket-unbalanced", 9)]
    assert lines[8][start:end] == "（" and lines[8][start + 1:].startswith("含实习证")
    start, end = spans[("quote-unbalanced", 20)]
    assert lines[19][start:start + 4] == "“全覆盖"


@pytest.fixture(scope="module")
def defective_docx(tmp_path_factory) -> Path:
    """The defective notice typed into Word's default template by python-docx: letter paper,
    11 pt theme font, no red, no page numbers."""
    path = tmp_path_factory.mktemp("defective") / "农机安全检查通知.docx"
    document = docx.Document()
    for line in DEFECTIVE_TXT.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def test_defective_docx_same_findings_by_paragraph(defective_docx):
    text = [f for f in findings_of(defective_docx) if f["rule"] in TEXT_RULES]
    assert rule_places(text, "paragraph") == sorted(TXT_EXPECTED)  # one paragraph per line


def test_defective_docx_layout(defective_docx):
    layout = {f["rule"]: f for f in findings_of(defective_docx) if RULES[f["rule"]].applies_to == "layout"}
    assert set(layout) == {"page-size", "page-margin", "body-font", "title-font", "font-east-asian",
                           "grid-lines", "grid-chars", "page-number", "red-header", "imprint-position"}
    assert "215.9 × 279.4" in layout["page-size"]["message"]
    assert layout["title-font"]["paragraph"] == 3
    imprint = [f["paragraph"] for f in findings_of(defective_docx) if f["rule"] == "imprint-position"]
    assert imprint == [26, 27]  # 抄送 and 印发 in 11 pt, not 四号


@pytest.fixture(scope="module")
def defective_pdf(defective_docx, tmp_path_factory) -> Path:
    """The same DOCX printed to PDF by LibreOffice, an independent client."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run `bash setup.sh test`"
    out = tmp_path_factory.mktemp("defective-pdf")
    profile = tmp_path_factory.mktemp("lo-profile-check")
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(defective_docx)],
                   check=True, capture_output=True, timeout=300)
    return out / f"{defective_docx.stem}.pdf"


def test_defective_pdf_same_text_findings_with_page_and_line(defective_pdf):
    import pdfplumber

    found = [f for f in findings_of(defective_pdf) if f["rule"] in TEXT_RULES]
    assert Counter(f["rule"] for f in found) == Counter(rule for rule, _ in TXT_EXPECTED)
    with pdfplumber.open(defective_pdf) as pdf:
        lines = {(n, k): line["text"] for n, page in enumerate(pdf.pages, start=1)
                 for k, line in enumerate(page.extract_text_lines(), start=1)}
    where = {f["rule"]: lines[(f["page"], f["line"])] for f in found}
    assert where["doc-number-form"].startswith("青农发[2021]")
    assert where["number-level"].startswith("（一）各单位")
    assert where["cc-full-stop"].startswith("抄送")


def test_defective_pdf_layout(defective_pdf):
    layout = {f["rule"] for f in findings_of(defective_pdf) if RULES[f["rule"]].applies_to == "layout"}
    assert {"page-size", "page-margin", "body-font", "title-font", "grid-lines", "page-number",
            "red-header"} <= layout


SMALL_CASES = [
    # (lines, rule, line of the finding)
    (["关于做好冬季森林防火工作的通知。", "各村委会：", "请各村做好巡查。", "青山镇人民政府", "2021年11月2日"],
     "title-punct", 1),
    (["关于做好冬季森林防火工作的通知", "各村委会", "请各村做好巡查，加强野外用火管理。", "青山镇人民政府",
      "2021年11月2日"], "recipients-colon", 2),
    (["关于做好冬季森林防火工作的通知", "各村委会：", "巡查记录表见附件3。", "附件：1.巡查记录表", "2.值班表",
      "青山镇人民政府", "2021年11月2日"], "attachment-mismatch", 3),
    (["青山镇冬季森林防火工作方案", "一、工作措施", "（一）加强巡查。每日巡山两次。", "（责任领导：王建国）",
      "青山镇人民政府", "2021年11月2日"], "measure-owner", 4),
    (["青山镇冬季森林防火工作方案", "一、工作措施", "（一）加强巡查。每日巡山两次。",
      "（责任领导：王建国　责任人：李春华赵秀英）", "（二）清理可燃物。清理林缘杂草。",
      "（责任领导：王建国　责任人：李春华）", "青山镇人民政府", "2021年11月2日"], "clause-form", 4),
    (["青山镇冬季森林防火工作方案", "一、工作措施", "（一）加强巡查。每日巡山两次。",
      "（责任领导：王建国　责任人：李春华）", "（二）清理可燃物。清理林缘杂草。", "（三）加强宣传。发放宣传单。",
      "（责任领导：王建国　责任人：赵秀英）", "青山镇人民政府", "2021年11月2日"], "measure-owner", 5),
]


@pytest.mark.parametrize("lines, rule, line", SMALL_CASES,
                         ids=[f"{rule}-{n}" for n, (_, rule, _) in enumerate(SMALL_CASES)])
def test_small_defects_found_alone(tmp_path, lines, rule, line):
    path = tmp_path / "case.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert rule_places(findings_of(path), "line") == [(rule, line)]


# -- YAML: field rules at line and column, and --fix

def _defective_yaml(tmp_path: Path) -> Path:
    text = (ROOT / "samples" / "实验小学疫情防控工作方案.yaml").read_text(encoding="utf-8")
    swaps = [("成文日期: 2020-02-21", "成文日期: 2020.2.21\n发文字号: 青二小发[2020]第03号"),
             ("身体健康第一，按照", "身体健康第一,按照(全校)..."),
             ("  - 标题: 组织领导", "  - 标题: 二、组织领导"),
             ("责任人: [黄磊, {角色: 当日值班人员}]", "责任人: [黄磊, 黄小磊]"),
             ("送临时观察室复测", "送临时观察室（复测，见附件3"),
             ("开学前3天", "开学前３天")]
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "方案.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _at(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of needle."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n, line.index(needle) + 1
    raise AssertionError(needle)


def test_yaml_findings_at_line_and_column(tmp_path):
    path = _defective_yaml(tmp_path)
    found = {(f["rule"], f["line"], f["column"]) for f in findings_of(path)}
    expected = {("date-form", *_at(path, "2020.2.21")),
                ("doc-number-form", *_at(path, "青二小发[")),
                ("punct-half-width", *_at(path, ",按照")),
                ("punct-half-width", *_at(path, "(全校)")),
                ("punct-ellipsis", *_at(path, "...")),
                ("number-manual", *_at(path, "二、组织")),
                ("person-not-in-roster", *_at(path, "黄小磊")),
                ("bracket-unbalanced", *_at(path, "（复测")),
                ("attachment-mismatch", *_at(path, "附件3")),
                ("digit-full-width", *_at(path, "３天"))}
    assert found == expected


def test_fix_applies_only_safe_fixes_and_a_second_check_is_clean_for_them(tmp_path):
    path = _defective_yaml(tmp_path)
    before = path.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--fix", str(path)])
    assert result.exit_code == 1  # the roster and the bracket still need a person
    assert "-成文日期: 2020.2.21" in result.stderr and "+成文日期: 2020-02-21" in result.stderr
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(before.splitlines()) == len(after.splitlines()) and len(changed) == 4
    assert "发文字号: 青二小发〔2020〕3号" in after
    assert "身体健康第一，按照（全校）……“早发现" in after and "开学前3天" in after
    left = {f["rule"] for f in findings_of(path)}
    assert left == {"number-manual", "person-not-in-roster", "bracket-unbalanced", "attachment-mismatch"}
    # nothing else moved: comments, flow lists and quoting are as they were
    assert before.splitlines()[0] == after.splitlines()[0] and "电话: \"0791-86601001\"" in after


def test_fix_leaves_a_clean_file_untouched(tmp_path):
    path = tmp_path / "方案.yaml"
    shutil.copy(ROOT / "samples" / "实验小学疫情防控工作方案.yaml", path)
    stamp = path.stat().st_mtime_ns
    result = CliRunner().invoke(main, ["check", "--fix", str(path)])
    assert result.exit_code == 0 and result.stderr == ""
    assert path.stat().st_mtime_ns == stamp


def test_yaml_syntax_error_is_a_finding_with_its_line(tmp_path):
    path = tmp_path / "坏.yaml"
    path.write_text("文种: 通知\n标题: [未闭合\n", encoding="utf-8")
    code, report = run_check(str(path))
    assert code == 1
    [f] = report["files"][0]["findings"]
    assert f["rule"] == "yaml-syntax" and f["line"] == 3


def test_measure_without_owner_in_yaml(tmp_path):
    text = (ROOT / "samples" / "实验小学疫情防控工作方案.yaml").read_text(encoding="utf-8")
    text = text.replace("            责任领导: 陈志刚\n            责任人: [黄磊, {角色: 当日值班人员}]\n", "", 1)
    path = tmp_path / "方案.yaml"
    path.write_text(text, encoding="utf-8")
    found = [f for f in findings_of(path)]
    assert [(f["rule"], f["severity"]) for f in found] == [("measure-owner", "error")]
    assert found[0]["line"] == _at(path, "标题: 严格校门管理")[0]


def test_title_lines_in_yaml_at_the_writers_line(tmp_path):
    """A writer's title break leaving one character alone (tests/test_titles.py has the rest)."""
    text = (ROOT / "samples" / "实验小学疫情防控工作方案.yaml").read_text(encoding="utf-8")
    text = text.replace("  新冠肺炎疫情防控工作方案\n", "  新冠肺炎疫情防控工作方\n  案\n", 1)
    path = tmp_path / "方案.yaml"
    path.write_text(text, encoding="utf-8")
    found = [f for f in findings_of(path) if f["rule"] == "title-lines"]
    assert [(f["severity"], f["line"]) for f in found if "单独成行" in f["message"]] == [
        ("warning", _at(path, "标题: |-")[0] + 3)]


# -- layout defects in gongwen's own files, one change each

def _mutated_docx(source: Path, target: Path) -> Path:
    document = docx.Document(source)
    section = document.sections[0]
    section.left_margin = Mm(20)
    styles = document.styles
    body = styles["公文正文"].element
    body.rPr.rFonts.set(docx.oxml.ns.qn("w:eastAsia"), "宋体")
    styles["一级标题"].element.rPr.rFonts.set(docx.oxml.ns.qn("w:eastAsia"), "仿宋_GB2312")
    styles["公文标题"].font.size = Pt(18)
    mark = styles["发文机关标志"].element.rPr
    mark.remove(mark.find(docx.oxml.ns.qn("w:color")))
    number = styles["发文字号"].element.pPr
    number.remove(number.find(docx.oxml.ns.qn("w:pBdr")))
    styles["版记"].font.size = Pt(12)
    for p in document.sections[0].footer.paragraphs:
        p.alignment = 1  # centred
    grid = section._sectPr.find(docx.oxml.ns.qn("w:docGrid"))
    grid.getparent().remove(grid)
    for name in ("Normal", "公文正文"):
        spacing = styles[name].element.pPr.find(docx.oxml.ns.qn("w:spacing"))
        spacing.set(docx.oxml.ns.qn("w:line"), "500")
    document.save(target)
    return target


def test_docx_layout_defects_found(rendered, tmp_path):
    path = _mutated_docx(rendered["关于印发疫情防控工作方案的通知"]["docx"], tmp_path / "改过的.docx")
    layout = {f["rule"]: f for f in findings_of(path) if RULES[f["rule"]].applies_to == "layout"}
    assert set(layout) == {"page-margin", "body-font", "heading-font", "title-font", "red-header",
                           "imprint-position", "page-number", "grid-lines", "grid-chars"}
    assert "左 20.0 mm" in layout["page-margin"]["message"]
    assert "宋体 16pt" in layout["body-font"]["message"]
    assert "单页页码居中" in layout["page-number"]["message"]
    assert "每页约25行" in layout["grid-lines"]["message"]
    assert "每行约29字" in layout["grid-chars"]["message"]  # the wider line from the 20 mm margin


def _pdf_with_css(document, css: str, target: Path) -> Path:
    import weasyprint

    from generator.render_pdf import render_html
    from generator.templates import TEMPLATE_DIR

    html = render_html(document).replace("</head>", f"<style>{css}</style></head>")
    weasyprint.HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(target)
    return target


PDF_DEFECTS = [
    ("@page { size: letter; }", "page-size"),
    ("@page { margin-left: 20mm; }", "page-margin"),
    ('html { font-family: "黑体"; }', "body-font"),
    ('.h1 .lead { font-family: "仿宋_GB2312"; }', "heading-font"),
    (".title { font-size: 18pt; }", "title-font"),
    ("html { line-height: 26pt; }", "grid-lines"),
    ("html { letter-spacing: 0; }", "grid-chars"),
    ('@page :right { @bottom-right { content: counter(page); } }', "page-number"),
    (".mark { color: #000; }", "red-header"),
    (".redline { border-bottom-color: #000; }", "red-header"),
]


@pytest.mark.parametrize("css, rule", PDF_DEFECTS, ids=[f"{r}-{n}" for n, (_, r) in enumerate(PDF_DEFECTS)])
def test_pdf_layout_defect_found(documents, tmp_path, css, rule):
    path = _pdf_with_css(documents["关于印发疫情防控工作方案的通知"], css, tmp_path / "改过的.pdf")
    found = {f["rule"] for f in findings_of(path)}
    assert rule in found


def test_pdf_imprint_not_at_the_foot(documents, tmp_path):
    css = ".imprint { float: none; position: static; margin-top: 0; }"
    path = _pdf_with_css(documents["关于做好开学前疫情防控准备工作的通知"], css, tmp_path / "版记.pdf")
    imprint = [f for f in findings_of(path) if f["rule"] == "imprint-position"]
    assert imprint and imprint[0]["page"] is not None


def test_pdf_font_not_embedded(tmp_path):
    path = tmp_path / "未嵌入.pdf"
    path.write_bytes(_pdf_with_base_font("Helvetica", "Notice 2021"))
    found = [f for f in findings_of(path) if f["rule"] == "font-embedded"]
    assert len(found) == 1 and "Helvetica" in found[0]["message"]


def _pdf_with_base_font(font: str, text: str) -> bytes:
    """A one-page A4 PDF drawing `text` in a standard font that is not embedded."""
    stream = f"BT /F1 16 Tf 80 700 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
               b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               f"<< /Type /Font /Subtype /Type1 /BaseFont /{font} >>".encode(),
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- the command

def test_human_output_groups_by_file_and_exit_codes(tmp_path):
    warn_only = tmp_path / "只有警告.txt"
    warn_only.write_text("关于做好冬季森林防火工作的通知\n各村委会：\n请各村做好巡查,加强管理。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(DEFECTIVE_TXT), str(warn_only)])
    assert result.exit_code == 1
    out = result.stdout
    assert out.index(str(DEFECTIVE_TXT)) < out.index("第2行  错误") < out.index(str(warn_only))
    assert "依据：GB/T 9704—2012 7.2.5" in out and "建议：改为“青农发〔2021〕7号”" in out
    assert re.search(r"共检查 2 个文件：错误 9 处，警告 14 处，提示 0 处。", out)
    assert CliRunner().invoke(main, ["check", str(warn_only)]).exit_code == 0


def test_unreadable_file_exit_2(tmp_path):
    bad = tmp_path / "坏的.docx"
    bad.write_bytes(b"not a zip")
    code, report = run_check(str(bad))
    assert code == 2 and report["files"][0]["unreadable"]


def test_every_rule_is_listed_and_tested():
    result = CliRunner().invoke(main, ["check", "--rules"])
    listed = {line.split()[0] for line in result.stdout.splitlines()}
    assert listed == set(RULES)
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [rule for rule in RULES if f'"{rule}"' not in source]
    assert untested == ["yaml-schema"] or untested == []


def test_archive_check_summarises_by_rule_and_unit(tmp_path, rendered):
    archive = tmp_path / "档案库"
    runner = CliRunner()
    assert runner.invoke(main, ["archive", "add", "-A", str(archive), "-q", str(DEFECTIVE_TXT),
                                str(rendered["实验小学疫情防控工作方案"]["pdf"])]).exit_code == 0
    result = runner.invoke(main, ["archive", "check", "-A", str(archive), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["by_rule"]["number-gap"] == {"error": 1, "warning": 0, "note": 0}
    assert report["by_unit"]["青山县农业农村局"]["failing"] == 1
    clean = [r for r in report["records"] if r["unit"] == "青山县第二实验小学"]
    assert clean and clean[0]["findings"] == []
    text = runner.invoke(main, ["archive", "check", "-A", str(archive)]).stdout
    assert "按规则：" in text and "青山县农业农村局：1 件，其中 1 件有错误" in text


def test_scan_says_it_has_no_text_layer_instead_of_no_problems(tmp_path, monkeypatch):
    from PIL import Image

    from archive import ocr

    monkeypatch.setattr(ocr, "_engine", lambda: None)  # as where OCR is not installed
    scan = tmp_path / "扫描件.pdf"
    Image.new("L", (400, 560), 255).save(scan, "PDF", resolution=50)
    code, report = run_check(str(scan))
    found = report["files"][0]["findings"]
    assert [f["rule"] for f in found if f["rule"] == "no-text-layer"] == ["no-text-layer"]
    assert any("无文字层（扫描件），未进行文字识别" in f["message"] for f in found)


# -- 文种 rules (generator/kinds.py): the same in a YAML and in a document read back

KIND_YAML = {"标题": "关于拨付汛期物资经费的请示", "发文机关": "河口镇人民政府", "成文日期": "2024-05-21",
             "正文": ["为做好汛期物资储备，现申请拨付经费二十万元。", "妥否，请批示。"]}

YAML_KIND_CASES = [
    # (fields over KIND_YAML, rule, the YAML key the finding stands at)
    ({"文种": "请示", "主送机关": ["县人民政府", "县财政局"], "附注": "联系人：王林，电话：0000-1234567"},
     "kind-recipients", "主送机关"),
    ({"文种": "请示", "主送机关": ["县人民政府"]}, "kind-contact", "文种"),
    ({"文种": "请示", "主送机关": ["县人民政府"], "附注": "联系人：王林，电话：0000-1234567",
      "发文机关标志": "河口镇人民政府文件", "发文字号": "河政发〔2024〕5号"}, "kind-signer-missing", "文种"),
    ({"文种": "通知", "主送机关": ["各村民委员会"], "签发人": "周明远",
      "发文机关标志": "河口镇人民政府文件", "发文字号": "河政发〔2024〕5号"}, "kind-signer", "签发人"),
    ({"文种": "报告", "标题": "关于汛期物资储备情况的报告", "主送机关": ["县人民政府"]}, "kind-mixed", "正文"),
    ({"文种": "公告", "标题": "关于汛期河道管理的公告", "主送机关": ["各村民委员会"],
      "正文": ["汛期禁止在河道内采砂。"]}, "kind-recipients", "主送机关"),
    ({"文种": "批复", "标题": "关于同意拨付汛期物资经费的批复", "主送机关": ["河口镇人民政府"],
      "正文": ["同意拨付经费二十万元。"]}, "kind-reply", "正文"),
    ({"文种": "议案", "标题": "关于提请审议河道管理办法的议案", "主送机关": ["县人民政府"],
      "正文": ["现提请审议。"]}, "kind-recipients", "主送机关"),
    ({"文种": "通知", "标题": "关于汛期物资调运的通知", "主送机关": ["各村民委员会"],
      "正文": ["请予协助。"], "出席": ["王林"]}, "kind-format", "出席"),
    ({"文种": "命令（令）", "标题": "公布河道管理规定", "签发人": "周明远", "签发人职务": "镇长",
      "正文": ["《河道管理规定》现予公布。"]}, "kind-order", "文种"),
]


@pytest.mark.parametrize("fields, rule, key", YAML_KIND_CASES,
                         ids=[f"{c[0]['文种']}-{c[1]}" for c in YAML_KIND_CASES])
def test_kind_rules_in_yaml(tmp_path, fields, rule, key):
    spec = {**KIND_YAML, **fields}
    path = tmp_path / "文种.yaml"
    text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    found = [f for f in findings_of(path) if f["rule"].startswith("kind-")]
    assert [f["rule"] for f in found] == [rule], found
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith(key + ":"))
    assert found[0]["line"] in (line, line + 1), (found[0], text)


def test_a_kind_error_stops_generation_and_a_warning_does_not(tmp_path):
    stopped = tmp_path / "函.yaml"
    stopped.write_text(yaml.safe_dump({**KIND_YAML, **YAML_KIND_CASES[-1][0]}, allow_unicode=True),
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", str(stopped), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "命令（令）须写令号" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    warned = tmp_path / "请示.yaml"
    warned.write_text(yaml.safe_dump({**KIND_YAML, **YAML_KIND_CASES[0][0]}, allow_unicode=True),
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "-q", str(warned), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "警告：请示一般只写一个主送机关" in result.output
    assert (tmp_path / "out" / "请示.pdf").exists()


TEXT_KIND_CASES = [
    # (lines of a received text, rule, line of the finding)
    (["青山镇防汛工作会议纪要", "会议研究了主汛期防汛工作，议定各村六月底前落实巡堤人员。", "青山镇人民政府",
      "2024年6月12日"], "kind-signature", 3),
    (["青山镇人民政府", "青政报〔2024〕3号", "关于拨付汛期物资经费的请示", "县人民政府：",
      "现申请拨付经费二十万元。", "妥否，请批示。", "青山镇人民政府", "2024年5月21日",
      "（联系人：王林，电话：0000-1234567）"], "kind-signer-missing", 3),
    (["关于汛期物资储备情况的请示报告", "县人民政府：", "现将物资储备情况报告如下。", "青山镇人民政府",
      "2024年5月21日"], "kind-mixed", 1),
    (["关于同意拨付汛期物资经费的批复", "青山镇人民政府：", "同意拨付经费二十万元。", "县人民政府",
      "2024年5月28日"], "kind-reply", 1),
]


@pytest.mark.parametrize("lines, rule, line", TEXT_KIND_CASES,
                         ids=[c[1] for c in TEXT_KIND_CASES])
def test_kind_rules_in_documents_read_back(tmp_path, lines, rule, line):
    path = tmp_path / "收文.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = [f for f in findings_of(path) if f["rule"].startswith("kind-")]
    assert rule_places(found, "line") == [(rule, line)], found


def test_every_kind_is_accepted_or_refused_with_its_format():
    from generator.errors import InputError
    from generator.kinds import BUILT_FORMATS, KINDS, Format
    from generator.load import load_document

    for name, kind in KINDS.items():
        spec = {**KIND_YAML, "文种": name, "主送机关": ["县人民代表大会常务委员会"],
                "正文": ["关于所请示事项，现说明如下。"], "附注": "联系人：王林，电话：0000-1234567"}
        if kind.recipients == "none":
            del spec["主送机关"]
        if kind.format is Format.ORDER:
            spec.update({"令号": 1, "签发人": "王林", "签发人职务": "镇长"})
        source = yaml.safe_dump(spec, allow_unicode=True)
        try:
            load_document(Path("文种.yaml"), text=source)
            accepted = True
        except InputError as exc:
            accepted = False
            assert any(p.rule == "kind-format" for p in exc.problems), (name, exc.problems)
        assert accepted == (kind.format in BUILT_FORMATS), name


def test_readme_lists_every_kind():
    from generator.kinds import KINDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### 文种"):readme.index("**YAML 中写的路径**")]
    assert [name for name in KINDS if name not in table] == []


def test_a_letterhead_without_its_lower_double_line_is_found(tmp_path):
    from .test_special_formats import _letter_pdf

    pdf = _letter_pdf(tmp_path / "信函.pdf", lower_rule=False, first_number=False)
    assert [f["page"] for f in findings_of(pdf) if f["rule"] == "letter-rules"] == [1]
