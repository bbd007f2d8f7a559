"""GB/T 9704 chapter 10: the 信函格式 (10.1), 命令（令）格式 (10.2) and 纪要格式 (10.3), measured
on our PDF and on LibreOffice's PDF of our DOCX; and the YAML fields each format takes."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
import yaml

from generator import layout as L
from generator.errors import InputError
from generator.load import load_document

from .conftest import generated_in_both_clients
from .pdfgeom import read_pages

MM = 25.4 / 72
CHAR_MM = L.TEXT_WIDTH_MM / L.CHARS_PER_LINE
PITCH_MM = L.LINE_PITCH_PT * MM
LEFT = L.MARGIN_LEFT_MM
RIGHT = L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM
CENTRE = L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM / 2  # centred on the text block
CLIENTS = ["pdf", "lo"]

LONG = ("两镇交界的堤段由双方共同巡查，发现险情及时通报，所需物资就近调用，事后据实结算，"
        "请贵镇研究后函复。")
LETTER = {
    "文种": "函", "发文机关标志": "河口镇人民政府", "发文字号": "河政函〔2024〕7号",
    "份号": "000017", "密级": "秘密", "标题": "关于商请共同巡查交界堤段的函",
    "主送机关": ["东岭镇人民政府"], "发文机关": "河口镇人民政府", "成文日期": "2024-06-05",
    "正文": [LONG] * 14, "抄送": ["县防汛抗旱指挥部办公室"],
}
ORDER = {
    "文种": "命令（令）", "令号": 3, "标题": "公布河口镇集镇环境卫生管理规定", "发文机关": "河口镇人民政府",
    "签发人": "孟庆和", "签发人职务": "镇长", "成文日期": "2024-07-01",
    "正文": ["《河口镇集镇环境卫生管理规定》已经镇人民政府常务会议通过，现予公布，自2024年8月1日起施行。"],
}
ATTENDEES = [{"姓名": f"{surname}明", "职务": "镇农业农村办公室副主任"} for surname in "赵钱孙李周吴郑王冯陈"]
MINUTES = {
    "文种": "纪要", "发文机关标志": "河口镇防汛工作会议纪要", "标题": "河口镇防汛工作会议纪要",
    "发文机关": "河口镇人民政府", "成文日期": "2024-06-12",
    "正文": ["会议研究了主汛期防汛工作，听取了各村汛前准备情况的汇报，对巡堤、物资和转移避险作了部署，议定事项如下。",
             "各村落实巡堤人员，六月底前到岗。"],
    "出席": ATTENDEES, "请假": ["蒋华"], "列席": [{"姓名": "沈丽", "职务": "镇党政办公室"}],
    "印发机关": "河口镇党政办公室", "印发日期": "2024-06-12",
}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("formats")
    specs = [(folder / f"{name}.yaml", spec) for name, spec in
             (("信函", LETTER), ("令", ORDER), ("纪要", MINUTES))]
    cases = generated_in_both_clients(specs, folder, tmp_path_factory)
    return dict(zip(("letter", "order", "minutes"), cases))


def _page_chars(pdf: Path, page: int = 0) -> list[dict]:
    with pdfplumber.open(pdf) as document:
        chars = [c for c in document.pages[page].chars if c["text"].strip()]
    return sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"]))


def _find(pdf: Path, text: str, page: int = 0) -> list[dict]:
    chars = _page_chars(pdf, page)
    stream = "".join(c["text"] for c in chars)
    start = stream.find(text)
    assert start >= 0, (pdf.name, text, stream[:200])
    return chars[start:start + len(text)]


def _box(chars: list[dict]) -> tuple[float, float, float, float]:
    """top, bottom, left, right in mm"""
    return (min(c["top"] for c in chars) * MM, max(c["bottom"] for c in chars) * MM,
            min(c["x0"] for c in chars) * MM, max(c["x1"] for c in chars) * MM)


def _red(colour) -> bool:
    return isinstance(colour, (tuple, list)) and len(colour) == 3 and colour[0] > 0.9 \
        and colour[1] < 0.2 and colour[2] < 0.2


def _red_rules(pdf: Path, page: int = 0) -> list[tuple[float, float, float, float]]:
    """Red filled shapes wider than 100 mm, as (top, bottom, left, right) mm."""
    with pdfplumber.open(pdf) as document:
        p = document.pages[page]
        shapes = [s for s in p.rects + p.curves if _red(s.get("non_stroking_color"))
                  and (s["x1"] - s["x0"]) * MM > 100]
    return sorted((s["top"] * MM, s["bottom"] * MM, s["x0"] * MM, s["x1"] * MM) for s in shapes)


# -- 信函格式 (10.1)

@pytest.mark.parametrize("client", CLIENTS)
def test_letter_mark_30_mm_from_the_page_top_red_and_centred(made, client):
    chars = _find(made["letter"][client], "河口镇人民政府")
    top, _, left, right = _box(chars)
    assert abs(top - L.LETTER_MARK_TOP_MM) < 1.0, top
    assert abs((left + right) / 2 - CENTRE) < 1.0
    assert all(_red(c["non_stroking_color"]) for c in chars)


@pytest.mark.parametrize("client", CLIENTS)
def test_letter_double_lines_4_mm_under_the_mark_and_20_mm_above_the_bottom(made, client):
    rules = _red_rules(made["letter"][client])
    upper = [r for r in rules if r[0] < 100]
    lower = [r for r in rules if r[0] > 200]
    size = L.mark_size_pt(LETTER["发文机关标志"])
    mark_bottom = _box(_find(made["letter"][client], "河口镇人民政府"))[0] + size * MM
    for group in (upper, lower):
        assert group, rules
        for _, _, left, right in group:  # 170 mm, centred
            assert abs(left - L.LETTER_RULE_LEFT_MM) < 0.5 and abs(right - left - 170) < 0.5
    assert abs(min(r[0] for r in upper) - (mark_bottom + L.LETTER_RULE_GAP_MM)) < 1.0
    assert abs(max(r[1] for r in upper) - min(r[0] for r in upper)
               - L.LETTER_RULE_HEIGHT_MM) < 0.3
    assert abs(max(r[1] for r in lower) - (L.PAGE_HEIGHT_MM - L.LETTER_RULE_BOTTOM_MM)) < 0.5
    assert len(read_pages(made["letter"][client])) > 1
    assert _red_rules(made["letter"][client], page=1) == []  # a letterhead: page 1 only


@pytest.mark.parametrize("client", CLIENTS)
def test_letter_thick_line_over_thin_then_thin_over_thick(made, client):
    if client == "pdf":
        pytest.skip("WeasyPrint fills a border as one frame; its weights are read in the DOCX's PDF")
    rules = _red_rules(made["letter"][client])
    upper, lower = rules[:2], rules[-2:]
    height = [r[1] - r[0] for r in upper + lower]
    assert height[0] > height[1] and height[2] < height[3], height


@pytest.mark.parametrize("client", CLIENTS)
def test_letter_copy_number_left_and_doc_number_right_under_the_line(made, client):
    pdf = made["letter"][client]
    copy, secrecy, number = (_box(_find(pdf, t)) for t in ("000017", "秘密", "河政函"))
    number_right = _box(_find(pdf, "〔2024〕7号"))[3]
    line_bottom = max(r[1] for r in _red_rules(pdf) if r[0] < 100)
    assert abs(copy[2] - LEFT) < 1.0 and abs(secrecy[2] - LEFT) < 1.0
    assert abs(number_right - RIGHT) < 1.0
    assert abs(copy[0] - number[0]) < 0.5  # on the first element's line
    assert abs(copy[0] - line_bottom - L.LETTER_TEXT_GAP_MM) < 0.8, copy[0] - line_bottom
    assert abs(secrecy[0] - copy[0] - PITCH_MM) < 0.5
    title = _box(_find(pdf, "关于商请共同巡查交界堤段的函"))
    assert title[0] > secrecy[1] + 2 * PITCH_MM - 1  # two lines under the last element


@pytest.mark.parametrize("client", CLIENTS)
def test_letter_no_page_number_on_the_first_page(made, client):
    pages = read_pages(made["letter"][client])
    assert pages[0].footer() is None, pages[0].footer()
    assert pages[1].footer() is not None and "2" in pages[1].footer().text


@pytest.mark.parametrize("client", CLIENTS)
def test_letter_imprint_only_cc_without_rules(made, client):
    pdf = made["letter"][client]
    with pdfplumber.open(pdf) as document:
        last = document.pages[-1]
        black = [s for s in last.rects + last.curves + last.lines
                 if (s["x1"] - s["x0"]) * MM > 100 and not _red(s.get("non_stroking_color"))
                 and not _red(s.get("stroking_color"))]
        text = last.extract_text()
    assert "抄送：县防汛抗旱指挥部办公室。" in text.replace(" ", "")
    assert "印发" not in text and black == []


# -- 命令（令）格式 (10.2)

@pytest.mark.parametrize("client", CLIENTS)
def test_order_mark_20_mm_below_the_block_top_and_order_number_two_lines_under(made, client):
    pdf = made["order"][client]
    mark = _find(pdf, "河口镇人民政府令")
    top, bottom, left, right = _box(mark)
    assert abs(top - (L.MARGIN_TOP_MM + L.ORDER_MARK_TOP_MM)) < 1.0, top
    assert abs((left + right) / 2 - CENTRE) < 1.0 and all(_red(c["non_stroking_color"]) for c in mark)
    number = _box(_find(pdf, "第3号"))
    assert abs((number[2] + number[3]) / 2 - CENTRE) < 1.0
    # two blank lines between the mark and the 令号
    assert 2 * PITCH_MM < number[0] - bottom < 3 * PITCH_MM, number[0] - bottom
    body = _box(_find(pdf, "《河口镇"))
    assert abs(body[0] - number[0] - 3 * PITCH_MM) < 0.8  # two blank lines, then the body
    assert _red_rules(pdf) == []  # no red separator line
    assert ORDER["标题"] not in "".join(c["text"] for c in _page_chars(pdf))  # no title


@pytest.mark.parametrize("client", CLIENTS)
def test_order_post_and_name_four_characters_in_date_under(made, client):
    pdf = made["order"][client]
    post, name, date = (_box(_find(pdf, t)) for t in ("镇长", "孟庆和", "2024年7月1日"))
    assert abs(name[3] - (RIGHT - 4 * CHAR_MM)) < 1.0, name
    assert abs(name[2] - post[3] - 2 * CHAR_MM) < 1.0  # the post two characters left of it
    assert abs(post[0] - name[0]) < 0.5
    assert abs(date[3] - (RIGHT - 4 * CHAR_MM)) < 1.0
    assert abs(date[0] - name[0] - 2 * PITCH_MM) < 0.8  # one blank line between
    body_end = _box(_find(pdf, "起施行。"))
    assert abs(name[0] - body_end[0] - 3 * PITCH_MM) < 0.8  # two blank lines under the text


# -- 纪要格式 (10.3)

def _lines_starting(pdf: Path, label: str) -> list[list[dict]]:
    """The lines of the list that begins with `label`, in order."""
    chars = _page_chars(pdf, len(read_pages(pdf)) - 1)
    rows: dict[int, list[dict]] = {}
    for c in chars:
        rows.setdefault(round(c["bottom"]), []).append(c)
    lines = [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items())]
    start = next(i for i, l in enumerate(lines) if "".join(c["text"] for c in l).startswith(label))
    out = [lines[start]]
    for line in lines[start + 1:]:
        if line[0]["x0"] * MM < LEFT + 4 * CHAR_MM or round(line[0]["size"]) != 16:
            break
        out.append(line)
    return out


@pytest.mark.parametrize("client", CLIENTS)
def test_minutes_attendance_label_heiti_two_in_and_wrapped_lines_under_the_names(made, client):
    pdf = made["minutes"][client]
    lines = _lines_starting(pdf, "出席：")
    assert len(lines) >= 2, [("".join(c["text"] for c in l)) for l in lines]
    first = lines[0]
    assert abs(first[0]["x0"] * MM - (LEFT + 2 * CHAR_MM)) < 1.0
    assert all("Hei" in c["fontname"] for c in first[:2])
    assert all("Fang" in c["fontname"] for c in first[3:8])
    after_colon = first[3]["x0"] * MM
    for line in lines[1:]:
        assert abs(line[0]["x0"] * MM - after_colon) < 1.0
    for label in ("请假：", "列席："):
        line = _lines_starting(pdf, label)[0]
        assert abs(line[0]["x0"] * MM - (LEFT + 2 * CHAR_MM)) < 1.0
    text = "".join(c["text"] for c in _page_chars(pdf, len(read_pages(pdf)) - 1))
    assert text.index("出席：") < text.index("请假：") < text.index("列席：")


@pytest.mark.parametrize("client", CLIENTS)
def test_minutes_mark_in_the_masthead_place_and_no_signature(made, client):
    pdf = made["minutes"][client]
    mark = _box(_find(pdf, "河口镇防汛工作会议纪要"))
    assert abs(mark[0] - (L.MARGIN_TOP_MM + L.MARK_TOP_MM)) < 1.0
    pages = read_pages(pdf)
    texts = [line.text for page in pages for line in page.lines]
    assert "河口镇人民政府" not in texts and "2024年6月12日" not in [t.replace(" ", "") for t in texts]


# -- the YAML each format takes

def _load(spec: dict):
    return load_document(Path("格式.yaml"), text=yaml.safe_dump(spec, allow_unicode=True,
                                                               sort_keys=False))


def _problems(spec: dict) -> list:
    with pytest.raises(InputError) as exc:
        _load(spec)
    return exc.value.problems


def _line_of(spec: dict, key: str) -> int:
    text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)
    return next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith(key + ":"))


@pytest.mark.parametrize("key, value", [("出席", ["王明"]), ("令号", 3), ("签发人职务", "镇长")])
def test_a_field_of_another_format_is_refused_at_its_line(key, value):
    spec = {**{k: v for k, v in LETTER.items() if k != "正文"}, "文种": "通知",
            key: value, "正文": ["请做好准备。"]}
    found = _problems(spec)
    assert [p.rule for p in found] == ["kind-format"], found
    assert found[0].line in (_line_of(spec, key), _line_of(spec, key) + 1)
    assert key in found[0].message
    assert "只用于" in found[0].message


def test_an_order_without_its_number_and_signer_names_each_field():
    spec = {k: v for k, v in ORDER.items() if k not in ("令号", "签发人职务")}
    found = _problems(spec)
    said = " ".join(p.message for p in found)
    assert {p.rule for p in found} == {"kind-order"} and "令号" in said and "签发人职务" in said


@pytest.mark.parametrize("value", ["第三号", "0", "abc"])
def test_an_order_number_not_a_number_is_refused_in_chinese(value):
    spec = {**ORDER, "令号": value}
    found = _problems(spec)
    assert any("令号" in p.field and "令号应为序号" in p.message for p in found), found
    assert found[0].line == _line_of(spec, "令号")


@pytest.mark.parametrize("value, ok", [(3, "第3号"), ("3", "第3号"), ("第12号", "第12号")])
def test_order_number_forms(value, ok):
    assert _load({**ORDER, "令号": value}).spec.order_number == ok


def test_a_writer_asks_for_the_letter_format_and_a_letter_may_ask_for_the_document_format():
    from generator.build import build_document
    from generator.kinds import Format

    notice = {**LETTER, "文种": "通知", "格式": "信函"}
    assert build_document(_load(notice)).format is Format.LETTER
    plain = {**LETTER, "格式": "文件"}
    assert build_document(_load(plain)).format is Format.DOCUMENT
    assert build_document(_load(LETTER)).format is Format.LETTER


@pytest.mark.parametrize("kind, asked", [("通知", "纪要"), ("纪要", "信函"), ("函", "公报")])
def test_a_format_the_kind_does_not_take_is_refused_at_the_format_line(kind, asked):
    spec = {**LETTER, "文种": kind, "格式": asked}
    if kind == "纪要":
        spec.pop("主送机关")
    found = [p for p in _problems(spec) if p.rule == "kind-format"]
    assert found and found[0].line == _line_of(spec, "格式"), found


def test_a_letter_with_a_printer_is_refused():
    spec = {**LETTER, "印发机关": "河口镇党政办公室", "印发日期": "2024-06-05"}
    found = _problems(spec)
    assert [p.rule for p in found] == ["kind-format"] and "印发机关" in found[0].message


@pytest.mark.parametrize("count", [1, 3, 9, 20])
def test_attendance_joins_every_name_with_its_post_in_order(count):
    from generator.build import build_document

    people = [{"姓名": f"甲{n}", "职务": "村主任"} if n % 2 else f"乙{n}" for n in range(count)]
    doc = build_document(_load({**MINUTES, "出席": people, "请假": [], "列席": []}))
    assert [a.label for a in doc.attendance] == ["出席"]
    names = doc.attendance[0].names.split("、")
    assert names == [f"村主任甲{n}" if n % 2 else f"乙{n}" for n in range(count)]


# -- gongwen check knows each format in a document read back

def _findings(path: Path) -> list[dict]:
    from generator.check.run import check_file

    return check_file(path).as_dict()["findings"]


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("name", ["letter", "order", "minutes"])
def test_our_formats_check_clean_in_both_clients(made, name, client):
    assert _findings(made[name][client]) == []


def test_our_formats_docx_check_clean_and_import_keeps_the_kind(made, tmp_path):
    from generator.importer.document import import_file

    for name, kind in (("letter", "函"), ("order", "命令（令）"), ("minutes", "纪要")):
        assert _findings(made[name]["docx"]) == [], name
        for client in ("docx", "pdf"):
            fields = import_file(made[name][client]).fields
            assert fields["文种"] == kind, (name, client, fields["文种"])
    order = import_file(made["order"]["pdf"]).fields
    assert (order["令号"], order["签发人"], order["签发人职务"]) == ("第3号", "孟庆和", "镇长")
    minutes = import_file(made["minutes"]["pdf"]).fields
    assert minutes["出席"] == [f"{p['职务']}{p['姓名']}" for p in ATTENDEES]  # wrapped lines joined
    assert minutes["请假"] == ["蒋华"] and minutes["列席"] == ["镇党政办公室沈丽"]


def test_an_imported_order_and_minutes_generate_again(made, tmp_path):
    from generator.importer.document import import_file

    for name in ("order", "minutes"):
        imported = import_file(made[name]["docx"])
        source = tmp_path / f"{name}.yaml"
        source.write_text(imported.yaml_text(), encoding="utf-8")
        assert load_document(source).spec.kind == made[name]["spec"]["文种"]


def test_a_signed_minutes_is_flagged(tmp_path):
    path = tmp_path / "纪要.txt"
    path.write_text("\n".join([
        "河口镇防汛工作会议纪要", "会议研究了主汛期防汛工作。", "各村落实巡堤人员，六月底前到岗。",
        "河口镇人民政府", "2024年6月12日"]), encoding="utf-8")
    assert [f["rule"] for f in _findings(path) if f["rule"].startswith("kind-")] == ["kind-signature"]


def _letter_pdf(path: Path, lower_rule: bool, first_number: bool) -> Path:
    """A letter written by hand: a red mark above the text block, rules drawn or not."""
    from weasyprint import HTML

    number = '"— " counter(page) " —"'
    first = "" if first_number else "@page :first { @bottom-right { content: none } }"
    rule = ('<div style="position: absolute; left: -7mm; top: 238mm; width: 170mm; '
            'border-top: 1mm solid red; height: 0.5mm"></div>') if lower_rule else ""
    body = "".join(f"<p>{LONG}</p>" for _ in range(14))
    HTML(string=f"""<html><head><style>
      @page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
      @page :right {{ @bottom-right {{ content: {number}; font-family: FandolSong; font-size: 14pt;
                         vertical-align: top; padding-top: 7mm; margin-right: 14pt }} }}
      @page :left {{ @bottom-left {{ content: {number}; font-family: FandolSong; font-size: 14pt;
                         vertical-align: top; padding-top: 7mm; margin-left: 14pt }} }}
      {first}
      body {{ font-family: FandolFang; font-size: 16pt; line-height: 28.95pt }}
      p {{ margin: 0; text-indent: 2em; text-align: justify }}
      .mark {{ color: red; font-family: FandolSong; font-weight: bold; font-size: 36pt;
               line-height: 1; text-align: center; margin-top: -7mm; text-indent: 0 }}
      .rule {{ margin: 4mm 0 0 -7mm; width: 170mm; border-top: 1mm solid red; height: 0.5mm }}
    </style></head><body><p class="mark">河口镇人民政府</p><div class="rule"></div>{rule}
      <p style="text-align: right; text-indent: 0; margin-top: 5mm">河政函〔2024〕7号</p>
      <p style="text-align: center; font-size: 22pt; margin-top: 58pt; text-indent: 0">关于商请共同巡查交界堤段的函</p>
      <p style="text-indent: 0">东岭镇人民政府：</p>{body}
      <p style="text-align: right; margin-top: 28.95pt">河口镇人民政府</p>
      <p style="text-align: right">2024年6月5日</p></body></html>""").write_pdf(path)
    return path


def test_a_letter_written_by_hand_is_checked_against_the_letter_format(tmp_path):
    good = _letter_pdf(tmp_path / "信函.pdf", lower_rule=True, first_number=False)
    layout = {"letter-rules", "red-header", "page-number"}
    assert [f for f in _findings(good) if f["rule"] in layout] == []
    no_rule = _letter_pdf(tmp_path / "无双线.pdf", lower_rule=False, first_number=False)
    found = [f for f in _findings(no_rule) if f["rule"] in layout]
    assert [(f["rule"], f["page"]) for f in found] == [("letter-rules", 1)], found
    assert "页面下端没有红色双线" in found[0]["message"]
    numbered = _letter_pdf(tmp_path / "首页页码.pdf", lower_rule=True, first_number=True)
    found = [f for f in _findings(numbered) if f["rule"] in layout]
    assert [(f["rule"], f["page"]) for f in found] == [("page-number", 1)], found
    assert "首页不显示页码" in found[0]["message"]


def test_a_letter_without_a_mark_takes_the_organs_name():
    from generator.build import build_document

    spec = {k: v for k, v in LETTER.items() if k != "发文机关标志"}
    doc = build_document(_load(spec))
    assert doc.masthead.mark == "河口镇人民政府" and doc.imprint.ruled is False


MARKS = ["青山镇人民政府", "青山县农业农村局青山县水利局", "青山县人民政府防汛抗旱指挥部办公室综合协调组"]


@pytest.fixture(scope="module")
def marks(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("marks")
    specs = [(folder / f"标志{n}.yaml", {**LETTER, "发文机关标志": mark, "正文": ["请研究后函复。"],
                                          "份号": None, "密级": None})
             for n, mark in enumerate(MARKS)]
    for _, spec in specs:
        del spec["份号"], spec["密级"]
    return generated_in_both_clients(specs, folder, tmp_path_factory)


@pytest.mark.parametrize("client", CLIENTS)
def test_whatever_the_marks_length_the_line_is_4_mm_under_it_and_the_number_under_the_line(
        marks, client):
    for case in marks:
        pdf, mark = case[client], case["spec"]["发文机关标志"]
        size = L.mark_size_pt(mark)
        top, _, left, right = _box(_find(pdf, mark))
        assert abs(top - L.LETTER_MARK_TOP_MM) < 1.0 and right - left < L.TEXT_WIDTH_MM + 0.5
        upper = [r for r in _red_rules(pdf) if r[0] < 100]
        assert abs(min(r[0] for r in upper) - (top + size * MM + L.LETTER_RULE_GAP_MM)) < 1.0
        number = _box(_find(pdf, "河政函"))
        assert abs(number[0] - L.letter_text_top_mm(size)) < 0.8, (mark, number[0])
        assert abs(_box(_find(pdf, "〔2024〕7号"))[3] - RIGHT) < 1.0
