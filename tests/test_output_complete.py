"""Issue 19: nothing a writer puts in a YAML is dropped, the 版记 sits at the foot of the
last page in LibreOffice as in our PDF, and every element has its face and place."""
from __future__ import annotations

import random
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
import yaml

from archive.extract import body_paragraphs, paragraph_text
from generator import layout as L

from generator.kinds import Format

from .conftest import SAMPLES, generated_in_both_clients
from .pdfgeom import read_pages

BOTTOM = L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
GIVEN = "建国海波文静晓燕志刚丽华明远春生秋月玉兰国栋立新红梅德胜"
POSTS = ["镇长", "副镇长", "党委委员", "办公室主任", "派出所所长", "卫生院院长", "水利站站长"]
WORDS = ["加强巡查值守", "落实防汛物资", "及时转移群众", "做好信息报送", "开展应急演练",
         "排查隐患点位", "明确责任分工", "强化宣传教育", "保障通信畅通", "加固病险堤段"]
ORGANS = ["县人民政府办公室", "县应急管理局", "县水利局", "县气象局", "县交通运输局"]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
        if name not in used:
            used.add(name)
            return name


def _sentence(rng: random.Random) -> str:
    return "，".join(rng.sample(WORDS, rng.randint(2, 4))) + "。"


def random_plan(rng: random.Random, own_attachments: bool) -> dict:
    used: set[str] = set()
    people = [{"姓名": _name(rng, used), "职务": rng.choice(POSTS)} for _ in range(rng.randint(4, 9))]
    names = [p["姓名"] for p in people]
    body: list = [_sentence(rng)]
    body.append({"领导小组": {"名称": "防汛工作领导小组", "组长": names[0],
                              "副组长": names[1:2], "成员": names[2:],
                              "职责": [_sentence(rng) for _ in range(rng.randint(1, 3))]}})
    body.append({"工作措施": [
        {"标题": rng.choice(WORDS), "内容": [_sentence(rng)], "责任领导": rng.choice(names),
         "责任人": rng.sample(names, rng.randint(1, 2)), "完成时限": "2024年6月30日"}
        for _ in range(rng.randint(1, 6))]})
    body.append({"标题": "工作要求", "内容": [_sentence(rng) for _ in range(rng.randint(1, 4))]})
    plan = {"文种": "方案", "标题": f"{rng.choice(['河口', '青石', '柳湾'])}镇防汛工作方案",
            "发文机关": "河口镇人民政府", "成文日期": "2024-05-20", "人员": people, "正文": body}
    if own_attachments:
        plan["附件"] = [{"标题": f"防汛{w}表"} for w in rng.sample(["物资", "值班", "联络"], 2)]
    return plan


def random_notice(rng: random.Random, plan_file: str | None) -> dict:
    notice = {"文种": "通知", "标题": "关于做好今年汛期各项准备工作的通知",
              "发文机关": "河口镇人民政府", "成文日期": "2024-05-21",
              "主送机关": ["各村民委员会", "镇直各单位"],
              "正文": [_sentence(rng) for _ in range(rng.randint(1, 12))]}
    if rng.random() < 0.7:
        notice["抄送"] = rng.sample(ORGANS, rng.randint(1, 3))
    if rng.random() < 0.6 or "抄送" not in notice:
        notice |= {"印发机关": "河口镇党政办公室", "印发日期": "2024-05-21"}
    if rng.random() < 0.5:
        notice |= {"发文机关标志": "河口镇人民政府文件", "发文字号": "河政发〔2024〕9号",
                   "密级": "秘密", "紧急程度": "特急"}
    if rng.random() < 0.5:
        notice["附注"] = "联系人：党政办公室，电话 0000-1234567"
    if plan_file:
        notice["附件"] = [{"文档": plan_file}]
    return notice


def written_texts(spec: dict, folder: Path) -> list[str]:
    """Every text a writer typed that must be printed, attached files included (an
    attached plan is signed by the notice: its 发文机关 and dates are not printed)."""
    out: list[str] = [spec["发文机关"]]

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "文档":
                    attached = yaml.safe_load((folder / v).read_text("utf-8"))
                    out.extend(written_texts(attached, folder)[1:])
                elif k not in ("文种", "成文日期", "印发日期", "发文机关"):
                    walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            out.append(node)

    walk(spec)
    return out


def _squash(text: str) -> str:
    return "".join(text.split()).replace("　", "")


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "".join(paragraph_text(p) for p in body_paragraphs(document))


def _pdf_text(path: Path) -> str:
    """The text of a PDF without its page numbers (a sentence may run on across pages)."""
    return "".join(line.text for page in read_pages(path) for line in page.lines
                   if line is not page.footer())


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[dict]:
    """Random notices (some with an attached plan that has its own 附件), each generated
    by gongwen and its DOCX laid out again by LibreOffice."""
    rng = random.Random(19)
    folder = tmp_path_factory.mktemp("specs")
    specs = []
    for n in range(10):
        plan_file = None
        if n % 2:
            plan_file = f"方案{n}.yaml"
            (folder / plan_file).write_text(
                yaml.safe_dump(random_plan(rng, own_attachments=True), allow_unicode=True),
                encoding="utf-8")
        specs.append((folder / f"通知{n}.yaml", random_notice(rng, plan_file)))
    cases = generated_in_both_clients(specs, tmp_path_factory.mktemp("generated"), tmp_path_factory)
    return [case | {"folder": folder} for case in cases]


def test_every_written_text_is_in_both_outputs(generated):
    for case in generated:
        texts = [_squash(t) for t in written_texts(case["spec"], case["folder"])]
        outputs = {"PDF": _squash(_pdf_text(case["pdf"])),
                   "DOCX": _squash(_docx_text(case["docx"])),
                   "LibreOffice PDF": _squash(_pdf_text(case["lo"]))}
        for name, text in outputs.items():
            missing = [t for t in texts if t not in text]
            assert not missing, (case["docx"].name, name, missing)


def _imprint_lines(pdf: Path) -> list:
    page = read_pages(pdf)[-1]
    return [line for line in page.lines
            if abs(line.size - L.IMPRINT_SIZE_PT) < 0.3 and line.bottom < BOTTOM + 1]


def _rules(pdf: Path) -> list[tuple[float, float, float]]:
    """Dark horizontal rules on the last page, (y mm, x0 mm, x1 mm), edges within 0.6 mm
    taken as one rule (a filled bar has two edges)."""
    import pdfplumber

    mm = 25.4 / 72
    with pdfplumber.open(pdf) as doc:
        edges = []
        for edge in doc.pages[-1].edges:
            colour = edge.get("stroking_color") or edge.get("non_stroking_color")
            white = isinstance(colour, (tuple, list)) and len(colour) > 0 and min(colour) > 0.9
            red = isinstance(colour, (tuple, list)) and len(colour) == 3 and colour[0] > 0.7 \
                and colour[1] < 0.4  # a 信函's double line, not a 版记 rule
            if edge["orientation"] == "h" and edge["width"] * mm > 100 and not white and not red:
                edges.append((edge["top"] * mm, edge["x0"] * mm, edge["x1"] * mm))
    rules: list[tuple[float, float, float]] = []
    for y, x0, x1 in sorted(edges):
        if rules and y - rules[-1][0] < 0.6:
            continue
        rules.append((y, x0, x1))
    return [r for r in rules if r[0] > BOTTOM - 60]


def _check_imprint(pdf: Path, with_cc: bool, ruled: bool = True) -> list:
    """`ruled` False: the 信函格式's 版记, only its 抄送, no rules (GB/T 9704 10.1)."""
    lines = _imprint_lines(pdf)
    printed = [l for l in lines if not l.text.startswith("抄送")]
    cc = [l for l in lines if l.text.startswith("抄送")]
    assert cc if with_cc else not cc, [l.text for l in lines]
    rules = _rules(pdf)
    if not ruled:
        assert not rules and not printed, (rules, [l.text for l in printed])
        assert BOTTOM - L.LINE_PITCH_PT * 25.4 / 72 < cc[-1].bottom < BOTTOM + 0.5, cc[-1]
        return lines
    assert rules, "no 版记 rules"
    # the last rule on the text block's bottom edge, every rule the block's width
    assert abs(rules[-1][0] - BOTTOM) < 1.0, rules
    for _, x0, x1 in rules:
        assert abs(x0 - L.MARGIN_LEFT_MM) < 0.6 and abs(x1 - (L.PAGE_WIDTH_MM - L.MARGIN_RIGHT_MM)) < 0.6
    body = [l for l in read_pages(pdf)[-1].body_lines()]
    if body:  # nothing of the body under the 版记
        assert max(l.bottom for l in body) < min(l.top for l in lines), [l.text for l in lines]
    if cc and printed:
        assert cc[0].bottom < printed[-1].top
    return lines


def test_the_imprint_sits_at_the_foot_of_the_last_page_in_both_clients(generated):
    for case in generated:
        with_cc = "抄送" in case["spec"]
        ours = _check_imprint(case["pdf"], with_cc)
        theirs = _check_imprint(case["lo"], with_cc)
        assert len(read_pages(case["pdf"])) == len(read_pages(case["lo"])), case["docx"].name
        assert abs(ours[-1].bottom - theirs[-1].bottom) < 1.0


@pytest.mark.parametrize("stem", [s.stem for s in SAMPLES])
def test_samples_imprint_in_libreoffice(rendered, libreoffice_pdfs, documents, stem):
    spec = yaml.safe_load((SAMPLES[0].parent / f"{stem}.yaml").read_text("utf-8"))
    if not (spec.get("抄送") or spec.get("印发机关")):
        pytest.skip("no 版记")
    ruled = documents[stem].imprint.ruled
    ours = _check_imprint(rendered[stem]["pdf"], bool(spec.get("抄送")), ruled)
    theirs = _check_imprint(libreoffice_pdfs[stem], bool(spec.get("抄送")), ruled)
    assert abs(ours[-1].bottom - theirs[-1].bottom) < 1.0


def test_core_properties_are_the_documents_own(rendered, documents):
    stem = SAMPLES[0].stem
    path = rendered[stem]["docx"]
    props = docx.Document(str(path)).core_properties
    doc = documents[stem]
    assert props.title == "".join(doc.title_lines)
    assert props.author == doc.signature.organ
    created = props.created.replace(tzinfo=props.created.tzinfo or timezone.utc)
    assert datetime.now(timezone.utc) - created < timedelta(hours=3)
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if "thumbnail" in n]


def test_cjk_latin_autospace_is_off_for_word_and_wps(rendered):
    with zipfile.ZipFile(rendered[SAMPLES[0].stem]["docx"]) as z:
        styles = z.read("word/styles.xml").decode()
    normal = styles[styles.index('w:styleId="Normal"'):]
    normal = normal[:normal.index("</w:style>")]
    assert '<w:autoSpaceDE w:val="0"/>' in normal and '<w:autoSpaceDN w:val="0"/>' in normal


def _roster_rows(pdf: Path) -> list:
    rows = []
    for page in read_pages(pdf):
        for line in page.body_lines():
            rows.append(line)
    return rows


def test_roster_names_stand_under_the_first_name(rendered, libreoffice_pdfs):
    stem = next(s.stem for s in SAMPLES if "成员" in s.read_text("utf-8")
                and "领导小组" in s.read_text("utf-8"))
    for pdf in (rendered[stem]["pdf"], libreoffice_pdfs[stem]):
        rows = _roster_rows(pdf)
        labelled = [r for r in rows if r.text.startswith(("成　员：", "成员：", "副组长："))]
        assert labelled, pdf
        first = labelled[0]
        after = rows[rows.index(first) + 1]
        one = L.CHAR_PITCH_PT * 25.4 / 72
        # the next line holds a name only, 4 characters right of the label's start
        assert abs(after.x0 - (first.x0 + 4 * one)) < 1.0, (pdf.name, first.text, after.text)


def test_copy_number_and_urgency_are_heiti_in_our_pdf(rendered):
    stem = next(s.stem for s in SAMPLES if "紧急程度" in s.read_text("utf-8"))
    first = read_pages(rendered[stem]["pdf"])[0]
    above = [l for l in first.lines if l.text in ("000126", "特急")]
    assert len(above) == 2
    for line in above:
        assert all("Hei" in f for f in line.fonts), line.fonts


def _masthead_geometry(pdf: Path) -> dict[str, float]:
    """Top of the red 发文机关标志, bottom of the 发文字号 line, the red rule's top (mm)."""
    import pdfplumber

    mm = 25.4 / 72

    def red(colour) -> bool:
        return (isinstance(colour, (tuple, list)) and len(colour) >= 3 and colour[0] > 0.7
                and colour[1] < 0.4)

    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        mark = [c for c in page.chars if red(c["non_stroking_color"])]
        number = [c for c in page.chars if c["text"] == "〔"]
        rules = [e["top"] * mm for e in page.edges if e["orientation"] == "h"
                 and e["width"] * mm > 100 and red(e.get("stroking_color") or e.get("non_stroking_color"))
                 and e["top"] > number[0]["bottom"]]
        return {"mark": min(c["top"] for c in mark) * mm,
                "number": number[0]["bottom"] * mm, "rule": min(rules)}


def test_the_red_masthead_is_where_our_pdf_puts_it_in_libreoffice(rendered, libreoffice_pdfs,
                                                                  documents):
    # the 版头 of 7.2 (the 信函's and the 令's are tests/test_special_formats.py's)
    stems = [s.stem for s in SAMPLES if documents[s.stem].masthead
             and documents[s.stem].format in (Format.DOCUMENT, Format.MINUTES)]
    assert stems
    for stem in stems:
        ours = _masthead_geometry(rendered[stem]["pdf"])
        theirs = _masthead_geometry(libreoffice_pdfs[stem])
        assert abs(ours["mark"] - (L.MARGIN_TOP_MM + L.MARK_TOP_MM)) < 0.5, ours
        for key in ours:
            assert abs(ours[key] - theirs[key]) < 1.0, (stem, key, ours, theirs)
