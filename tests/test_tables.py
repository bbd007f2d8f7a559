"""Issue 20 item 4: 表格 in the YAML become real Word tables (merged cells, 表头 rows repeated
on every page, landscape sections) and the same tables in our PDF; LibreOffice lays the DOCX
out alike; check, import and the archive read the cells back. Every text here is made up."""
from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from archive.extract import body_paragraphs, extract, paragraph_text
from generator import layout as L
from generator.errors import InputError
from generator.importer.paragraphs import read_paragraphs
from generator.load import load_document
from generator.pipeline import FORMATS, generate_file

from .conftest import libreoffice_convert, run_cli
from .pdfgeom import read_pages

NAMES = "邵明川 季文涛 柏雪晴 卞立春 荀嘉树 屠晓岚 伍承志 阮清和 骆一鸣 尚可欣".split()
INTRO = ("为做好汛期防汛值守工作，确保险情早发现、早报告、早处置，结合本村实际，"
         "制定本方案，请各组认真遵照执行，并做好值班记录和交接班登记。")
HEADER = [[{"文字": "日期", "合并行": 2}, {"文字": "值班安排", "合并列": 2}, {"文字": "联系电话", "合并行": 2}],
          ["带班人", "值班人"]]


def duty_rows(count: int) -> list[list]:
    """`count` rows of 日期 | 带班人 (merged over two days) | 值班人 | 电话, all texts unique."""
    rows = []
    for n in range(count):
        row = [f"7月{n + 1}日"]
        if n % 2 == 0:
            row.append({"文字": f"带班{NAMES[n // 2 % len(NAMES)]}{n:02d}", "合并行": 2 if n + 1 < count else 1})
        row += [f"值班{NAMES[n % len(NAMES)]}", f"0000-55{n:05d}"]
        rows.append(row)
    return rows


SUPPLIES = {"标题": "青苇村防汛物资清单", "横向": True,
            "表头": ["序号", "物资名称", "规格型号", "单位", "数量", "存放地点", "管理人", "检查日期"],
            "列宽": ["15mm", "35mm", "35mm", "15mm", "20mm", "45mm", "25mm", "30mm"],
            "行": [[1, "编织袋", "五十乘八十", "条", 3000, "村委会仓库", "屠晓岚", "6月1日"],
                  [2, "救生圈", "标准型", "个", 40, "村委会仓库", "屠晓岚", "6月1日"],
                  [{"文字": "物资每月清点一次", "合并列": 8}]]}


def plan(rows: int = 36) -> dict:
    return {
        "文种": "方案", "标题": "青苇村汛期值班工作方案", "发文机关": "青苇村民委员会",
        "成文日期": "2024-06-20",
        "正文": [
            INTRO,
            {"标题": "值班安排", "内容": [
                INTRO,
                {"表格": {"标题": "青苇村七月防汛值班表", "表头": HEADER, "行": duty_rows(rows),
                          "列宽": [2, 3, 3, 3]}},
                "值班人员须坚守岗位，不得擅自离岗，确需调换的须经带班人同意并报村委会备案，"
                "接到险情报告后立即报告带班人并按程序上报。"]},
            {"标题": "物资保障", "内容": [INTRO, {"表格": SUPPLIES}]},
            {"标题": "工作要求", "内容": [INTRO, INTRO]},
        ],
    }


def cell_texts(spec_table: dict) -> list[str]:
    """Every cell text a writer typed, in reading order."""
    rows = spec_table.get("表头", [])
    rows = rows if rows and all(isinstance(r, list) for r in rows) else [rows]
    out = []
    for row in rows + spec_table["行"]:
        for cell in row:
            out.append(str(cell["文字"] if isinstance(cell, dict) else cell))
    return out


ALL_CELLS = cell_texts(plan()["正文"][1]["内容"][1]["表格"]) + cell_texts(SUPPLIES)


def write_yaml(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """The plan as our DOCX and PDF, and LibreOffice's PDF of the DOCX."""
    folder = tmp_path_factory.mktemp("tables")
    source = write_yaml(folder / "青苇村汛期值班工作方案.yaml", plan())
    outputs = {p.suffix[1:]: p for p in generate_file(source, folder / "out", FORMATS).outputs}
    libreoffice_convert([outputs["docx"]], folder / "lo", tmp_path_factory.mktemp("lo-profile"))
    return {"yaml": source, **outputs, "lo": folder / "lo" / outputs["docx"].with_suffix(".pdf").name}


def _squash(text: str) -> str:
    return "".join(text.split())


# -- DOCX

def test_every_cell_is_in_the_docx_tables_in_order(made):
    document = docx.Document(str(made["docx"]))
    assert len(document.tables) == 2
    seen = []
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if not seen or seen[-1] is not cell._tc:  # a merged cell repeats across its columns
                    seen.append(cell._tc)
    texts = [t for tc in seen if (t := "".join(x.text or "" for x in tc.iter(qn("w:t"))))]
    order = [t for t in texts if t in ALL_CELLS]
    assert sorted(set(order)) == sorted(set(ALL_CELLS))
    # and the project's one reader of DOCX yields them in document order, after the title
    lines = [paragraph_text(p) for p in body_paragraphs(document)]
    at = [lines.index(t) for t in ALL_CELLS[:8]]
    assert lines.index("青苇村七月防汛值班表") < at[0] and at == sorted(at)


def test_header_rows_repeat_on_every_page_in_the_docx(made):
    document = docx.Document(str(made["docx"]))
    duty, supplies = document.tables
    flags = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
             for row in duty.rows]
    assert flags[:2] == [True, True] and not any(flags[2:])
    assert [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in supplies.rows][:2] == [True, False]


def test_merged_cells_are_word_merges(made):
    duty = docx.Document(str(made["docx"])).tables[0]._tbl
    spans = [int(s.get(qn("w:val"))) for s in duty.iter(qn("w:gridSpan"))]
    assert spans == [2]  # 值班安排 over 带班人 and 值班人
    merges = [v.get(qn("w:val")) for v in duty.iter(qn("w:vMerge"))]
    # 日期 and 联系电话 down the two header rows; each 带班 cell down two days
    assert merges.count("restart") == 2 + 18
    assert len(merges) - merges.count("restart") == 2 + 18
    grid = [int(c.get(qn("w:w"))) for c in duty.iter(qn("w:gridCol"))]
    assert len(grid) == 4 and grid[1] == grid[2] == grid[3] and abs(grid[1] / grid[0] - 1.5) < 0.01


def test_a_landscape_table_has_a_landscape_section_of_its_own(made):
    document = docx.Document(str(made["docx"]))
    sizes = [(s.page_width.mm > s.page_height.mm, s.top_margin.mm) for s in document.sections]
    assert [wide for wide, _ in sizes] == [False, True, False]
    assert round(sizes[1][1]) == 28  # the block turned: its top is the 订口 side
    # the landscape section's last paragraph follows the supplies table
    body = document.element.body
    supplies = document.tables[1]._tbl
    assert supplies.getnext().find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    assert body.index(supplies) < body.index(supplies.getnext())


# -- PDF (ours and LibreOffice's)

@pytest.mark.parametrize("which", ["pdf", "lo"])
def test_every_cell_is_in_the_pdf_text(made, which):
    text = _squash(extract(made[which].name, made[which].read_bytes()).text)
    missing = [t for t in ALL_CELLS if _squash(t) not in text]
    assert not missing


@pytest.mark.parametrize("which", ["pdf", "lo"])
def test_the_long_table_runs_over_pages_with_its_header_on_each(made, which):
    pages = read_pages(made[which])
    with_rows = [p for p in pages if any("7月" in line.text and "值班" in line.text for line in p.lines)]
    assert len(with_rows) >= 2
    for page in with_rows:
        heads = [line for line in page.lines if _squash(line.text).startswith("日期")]
        first_row = next(line for line in page.lines if "7月" in line.text and "值班" in line.text)
        assert heads and heads[0].top < first_row.top, f"第{page.number}页没有表头"
    # on the page the table runs on to, the header is the first thing in the text block
    assert _squash(with_rows[1].lines[0].text).startswith(("日期", "值班安排"))


@pytest.mark.parametrize("which", ["pdf", "lo"])
def test_the_landscape_table_is_on_a_landscape_page_with_its_number(made, which):
    pages = read_pages(made[which])
    wide = [p for p in pages if p.width > p.height]
    assert len(wide) == 1
    page = wide[0]
    text = _squash("".join(line.text for line in page.lines))
    assert "青苇村防汛物资清单" in text and "物资每月清点一次" in text
    assert pages[page.number].width < pages[page.number].height  # upright again after it
    # where the other pages have it once the sheet is turned upright (section 8): in the
    # left margin, 7 mm from the block, one character from the block's bottom (odd pages)
    # or top (even pages), reading top to bottom; in the DOCX a text box in the footer
    text, x1, top, bottom = turned_number(made[which], page.number)
    assert text == f"—{page.number}—"
    assert abs(x1 - (L.LANDSCAPE_MARGIN_LEFT_MM - L.PAGE_NUMBER_GAP_MM)) < 1
    one = L.PAGE_NUMBER_SIZE_PT * 25.4 / 72
    if page.number % 2:
        assert abs(bottom - (L.PAGE_WIDTH_MM - L.LANDSCAPE_MARGIN_BOTTOM_MM - one)) < TURNED_SLACK[which]
    else:
        assert abs(top - (L.LANDSCAPE_MARGIN_TOP_MM + one)) < TURNED_SLACK[which]


# LibreOffice 7.4 sets the DOCX's turned number on some landscape pages about 2 mm further
# down than its text box says (on others exactly; cause not found, README says so)
TURNED_SLACK = {"pdf": 1.0, "lo": 2.5}


def turned_number(pdf: Path, number: int):
    """(text, right edge, top, bottom) in mm of the characters set a quarter turn on page
    `number`, or None."""
    import pdfplumber

    mm = 25.4 / 72
    with pdfplumber.open(pdf) as doc:
        chars = sorted((c for c in doc.pages[number - 1].chars if not c["upright"]),
                       key=lambda c: c["top"])
    if not chars:
        return None
    return (_squash("".join(c["text"] for c in chars)), max(c["x1"] for c in chars) * mm,
            chars[0]["top"] * mm, chars[-1]["bottom"] * mm)


def test_table_cells_are_set_one_size_below_the_body_in_fangsong(made):
    pages = read_pages(made["pdf"])
    cell = next(line for p in pages for line in p.lines if line.text.startswith("7月1日"))
    assert abs(cell.size - 14) < 0.3
    assert any("Fang" in f for f in cell.fonts)


def test_check_passes_our_docx_and_pdfs(made):
    result = run_cli("check", made["yaml"], made["docx"], made["pdf"], made["lo"])
    assert "错误 0 处" in result.output


# -- reading back

def test_import_reads_the_cells(made):
    texts = [p.text for p in read_paragraphs(made["docx"])]
    assert "带班邵明川00" in texts and "物资每月清点一次" in texts
    assert texts.index("青苇村七月防汛值班表") < texts.index("7月1日") < texts.index("7月2日")


def test_table_cells_are_searchable_in_the_archive(made, tmp_path):
    root = tmp_path / "arc"
    run_cli("generate", made["yaml"], "-o", tmp_path / "out", "--archive", "-A", root, "-q")
    run_cli("archive", "add", made["docx"], "-A", root, "-q")  # the same file, as received
    hits = json.loads(run_cli("search", "带班阮清和14", "--json", "-A", root).stdout)
    assert hits["total"] == 2


def test_a_table_in_an_attached_plan(tmp_path):
    small = plan(rows=3)
    write_yaml(tmp_path / "plan.yaml", small)
    notice = {"文种": "通知", "标题": "关于印发青苇村汛期值班工作方案的通知",
              "发文机关": "青苇村民委员会", "成文日期": "2024-06-20", "主送机关": ["各村民小组"],
              "正文": ["现将方案印发给你们，请认真贯彻执行。"], "附件": [{"文档": "plan.yaml"}]}
    source = write_yaml(tmp_path / "notice.yaml", notice)
    outputs = {p.suffix[1:]: p for p in generate_file(source, tmp_path / "out", FORMATS).outputs}
    document = docx.Document(str(outputs["docx"]))
    assert len(document.tables) == 2
    text = _squash(extract("x.pdf", outputs["pdf"].read_bytes()).text)
    assert "带班邵明川00" in text and "7月3日" in text


# -- validation

BASE = """\
文种: 方案
标题: 测试方案
发文机关: 某村民委员会
成文日期: 2024-06-20
正文:
  - 表格:
"""


def problems_of(tmp_path: Path, table: str):
    path = tmp_path / "plan.yaml"
    path.write_text(BASE + table, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_document(path)
    return caught.value.problems


@pytest.mark.parametrize("table, line, field, words", [
    # a row one cell short
    ("      表头: [甲, 乙, 丙]\n      行:\n        - [一, 二, 三]\n        - [四, 五]\n",
     10, "正文[1].表格.行[2]", ["第2行只有 2 列", "应为 3 列"]),
    # a row longer than the header
    ("      表头: [甲, 乙]\n      行:\n        - [一, 二, 三]\n",
     9, "正文[1].表格.行[1]", ["3 列", "表头为 2 列"]),
    # merged right past the last column
    ("      行:\n        - [一, 二, 三]\n        - [四, {文字: 五, 合并列: 3}]\n",
     9, "正文[1].表格.行[2][2].合并列", ["合并 3 列", "超出表格的 3 列"]),
    # merged down past the last row
    ("      行:\n        - [一, {文字: 二, 合并行: 3}]\n        - [三]\n",
     8, "正文[1].表格.行[1][2].合并行", ["合并 3 行", "本行以下只有 1 行"]),
    # merged right into a cell merged down from above
    ("      行:\n        - [一, {文字: 二, 合并行: 2}, 三]\n        - [{文字: 四, 合并列: 2}, 五]\n",
     9, "正文[1].表格.行[2][1].合并列", ["重叠"]),
    # 列宽 for two columns of three
    ("      行:\n        - [一, 二, 三]\n      列宽: [1, 2]\n",
     9, "正文[1].表格.列宽", ["2 项", "3 列"]),
    # widths in mm wider than the block
    ("      行:\n        - [一, 二]\n      列宽: [100mm, 80mm]\n",
     9, "正文[1].表格.列宽", ["180 mm", "156 mm", "横向"]),
    # a width neither a number nor mm
    ("      行:\n        - [一, 二]\n      列宽: [1, 宽]\n",
     9, "正文[1].表格.列宽", ["第2项", "30mm"]),
    # a table without rows
    ("      表头: [甲, 乙]\n      行: []\n", 8, "正文[1].表格.行", ["不能为空"]),
    ("      标题: 空表\n", 7, "正文[1].表格.行", ["缺少"]),
    # a cell mapping with a key it does not have
    ("      行:\n        - [一, {文字: 二, 合并: 2}]\n",
     8, "正文[1].表格.行[1][2].合并", ["未知字段"]),
    # more columns than any page holds (refused before any cell is placed)
    ("      行:\n        - [一, {文字: 二, 合并列: 1000000000}]\n",
     8, "正文[1].表格.行[1]", ["1000000001 列", "40 列的上限"]),
    # a header row in a multi-row header that is too short
    ("      表头: [[{文字: 甲, 合并列: 2}], [乙]]\n      行:\n        - [一, 二]\n",
     7, "正文[1].表格.表头[2]", ["表头第2行只有 1 列"]),
])
def test_bad_tables_are_refused_with_the_field_and_line(tmp_path, table, line, field, words):
    problems = problems_of(tmp_path, table)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.field, problem.line) == (field, line), problem
    assert all(w in problem.message for w in words), problem.message


def test_bad_table_reported_by_the_cli_in_chinese(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(BASE + "      行:\n        - [一, 二]\n        - [三]\n", encoding="utf-8")
    result = run_cli("generate", path, "-o", tmp_path / "out", expect=2)
    assert "plan.yaml:9:" in result.output and "第2行只有 1 列" in result.output
    assert not (tmp_path / "out").exists()


def test_a_table_ending_the_body_keeps_the_closing_with_its_last_row(tmp_path):
    spec = plan(rows=30)
    spec["正文"] = [INTRO, spec["正文"][1]["内容"][1]]  # the table is the body's last item
    source = write_yaml(tmp_path / "plan.yaml", spec)
    outputs = {p.suffix[1:]: p for p in generate_file(source, tmp_path / "out", FORMATS).outputs}
    last_row = docx.Document(str(outputs["docx"])).tables[0].rows[-1]
    assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in last_row.cells)
    libreoffice_convert([outputs["docx"]], tmp_path / "lo", tmp_path / "lo-profile")
    pages = read_pages(tmp_path / "lo" / "plan.pdf")
    signed = next(p for p in pages if any(line.text == "青苇村民委员会" for line in p.lines))
    assert any("7月30日" in line.text for line in signed.lines)


def test_tables_one_after_another_stay_apart_and_share_a_landscape_section(tmp_path):
    def small(mark: str, landscape: bool) -> dict:
        return {"表格": {"横向": landscape, "行": [[f"{mark}甲", f"{mark}乙"], [f"{mark}丙", f"{mark}丁"]]}}

    spec = plan(rows=2)
    spec["正文"] = [INTRO, small("横一", True), small("横二", True), INTRO,
                  small("竖一", False), small("竖二", False), INTRO]
    source = write_yaml(tmp_path / "plan.yaml", spec)
    outputs = {p.suffix[1:]: p for p in generate_file(source, tmp_path / "out", FORMATS).outputs}
    document = docx.Document(str(outputs["docx"]))
    assert [t.cell(0, 0).text for t in document.tables] == ["横一甲", "横二甲", "竖一甲", "竖二甲"]
    assert [s.page_width.mm > s.page_height.mm for s in document.sections] == [False, True, False]
    pages = read_pages(outputs["pdf"])
    wide = [p for p in pages if p.width > p.height]
    assert len(wide) == 1
    text = _squash("".join(line.text for line in wide[0].lines))
    assert "横一甲" in text and "横二丁" in text and "竖一甲" not in text


def test_on_an_odd_landscape_page_the_number_is_at_the_blocks_bottom_end(tmp_path):
    attached = plan(rows=2)
    attached["正文"] = [INTRO, {"表格": SUPPLIES}, INTRO]
    write_yaml(tmp_path / "plan.yaml", attached)
    notice = {"文种": "通知", "标题": "关于印发青苇村防汛物资清单的通知", "发文机关": "青苇村民委员会",
              "成文日期": "2024-06-20", "主送机关": ["各村民小组"],
              "正文": ["现将清单印发给你们，请认真核对。"], "附件": [{"文档": "plan.yaml"}]}
    source = write_yaml(tmp_path / "notice.yaml", notice)
    outputs = {p.suffix[1:]: p for p in generate_file(source, tmp_path / "out", FORMATS).outputs}
    libreoffice_convert([outputs["docx"]], tmp_path / "lo", tmp_path / "lo-profile")
    one = L.PAGE_NUMBER_SIZE_PT * 25.4 / 72
    for which, pdf in (("pdf", outputs["pdf"]), ("lo", tmp_path / "lo" / "notice.pdf")):
        pages = read_pages(pdf)
        assert [p.width > p.height for p in pages] == [False, False, True, False]
        text, x1, top, bottom = turned_number(pdf, 3)
        assert text == "—3—"
        assert abs(bottom - (L.PAGE_WIDTH_MM - L.LANDSCAPE_MARGIN_BOTTOM_MM - one)) < TURNED_SLACK[which]
        assert abs(x1 - (L.LANDSCAPE_MARGIN_LEFT_MM - L.PAGE_NUMBER_GAP_MM)) < 1
    result = run_cli("check", outputs["pdf"], outputs["docx"])
    assert "错误 0 处" in result.output and "警告 0 处" in result.output


def test_check_reads_cells_as_text_and_leaves_table_titles_unnumbered(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(BASE + "      标题: 一、值班表\n      行:\n        - [值班, \"张三,李四\"]\n",
                    encoding="utf-8")
    result = run_cli("check", path, expect=None)
    assert "number-manual" not in result.output  # gongwen does not number tables
    assert "第9行" in result.output and "punct-half-width" in result.output
