"""gongwen import: the body's structure on shapes real documents have (职责 lists under a
leading group, working groups written as prose, level-2 numbers in mixed forms, a 印发通知
copied with the document it issues), and no text lost on generated documents.
Every text here is made up for the test."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build_document
from generator.importer.commands import output_paths
from generator.importer.document import import_file
from generator.importer.findings import Level
from generator.importer.paragraphs import read_paragraphs
from generator.importer.textloss import KEPT, imported_loss, lost_text
from generator.load import load_document

from .conftest import run_cli


def write(tmp_path: Path, lines: list[str], name: str = "原文.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def body_item(imported, *path):
    item = imported.fields["正文"]
    for key in path:
        item = item[key]
    return item


def defects(imported) -> list[str]:
    return [f.message for f in imported.all_findings if f.level is Level.DEFECT]


# -- 职责 under a leading group

@pytest.mark.parametrize("label", ["职 责：", "职　责：", "职责："])
def test_numbered_duties_after_a_spaced_label_belong_to_the_leading_group(tmp_path, label):
    source = write(tmp_path, [
        "松林镇中心小学安全管理制度",
        "一、组织机构",
        "成立松林镇中心小学安全工作领导小组。",
        "组  长：王建国  校长",
        "副组长：李秀兰  副校长",
        "成  员：各年级组长",
        label,
        "1.统筹全校安全工作；",
        "2.研究解决安全管理中的重大问题；",
        "3.督促检查各项安全措施落实。",
        "二、日常管理",
        "实行每日巡查，发现隐患及时上报。",
        "松林镇中心小学",
        "2023年3月6日",
    ])
    imported = import_file(source)
    section = body_item(imported, 0)
    assert section["标题"] == "组织机构" and len(section["内容"]) == 1
    group = section["内容"][0]["领导小组"]
    assert (group["名称"], group["组长"], group["副组长"]) == (
        "松林镇中心小学安全工作领导小组", "王建国", ["李秀兰"])
    assert group["职责"] == ["统筹全校安全工作；", "研究解决安全管理中的重大问题；",
                           "督促检查各项安全措施落实。"]
    assert body_item(imported, 1)["标题"] == "日常管理"


# -- working groups written as prose

PROSE_GROUPS = [
    "松林镇秋季防汛工作方案",
    "为做好秋季防汛工作，制定本方案。",
    "一、工作分工",
    "（一）综合协调组：由镇党政办牵头，镇财政所、镇派出所参加。其职责是：负责统筹协调、信息汇总和督查督办。",
    "（二）宣传引导组：由镇宣传办负责。其职责是：负责宣传报道和舆论引导。",
    "二、后勤保障",
    "物资供应组：由镇农业服务中心负责。其主要职责是：负责防汛物资的储备和调运。",
    "各组要密切配合，确保工作落实。",
    "松林镇人民政府",
    "2023年8月2日",
]


def test_working_groups_written_as_prose(tmp_path):
    imported = import_file(write(tmp_path, PROSE_GROUPS))
    groups = body_item(imported, 1, "内容", 0, "工作组")
    assert groups == [
        {"名称": "综合协调组", "负责部门": "镇党政办",
         "组员": [{"角色": "镇财政所"}, {"角色": "镇派出所"}],
         "职责": ["负责统筹协调、信息汇总和督查督办。"]},
        {"名称": "宣传引导组", "负责部门": "镇宣传办", "职责": ["负责宣传报道和舆论引导。"]},
    ]
    unnumbered = body_item(imported, 2, "内容")
    assert unnumbered[0] == {"工作组": [{"名称": "物资供应组", "负责部门": "镇农业服务中心",
                                      "职责": ["负责防汛物资的储备和调运。"]}]}
    assert unnumbered[1] == "各组要密切配合，确保工作落实。"
    what, summary, at = imported.recognised[0]
    assert (what, summary, at.line) == ("工作组", "综合协调组（由镇党政办牵头，镇财政所、镇派出所参加；职责1条）", 4)


def test_a_department_led_group_generates_with_the_departments_taking_part(tmp_path):
    out = tmp_path / "方案.yaml"
    run_cli("import", write(tmp_path, PROSE_GROUPS), "-o", out)
    document = build_document(load_document(out))
    text = "\n".join(p.text for p in document.body if getattr(p, "text", None))
    assert "由镇党政办牵头，镇财政所、镇派出所参加。" in text
    assert "由镇宣传办负责。" in text


# -- level-2 numbers in mixed forms

MIXED_LEVELS = [
    "松林镇秋季防汛工作方案",
    "为做好秋季防汛工作，制定本方案。",
    "一、工作机构",
    "（一）指挥调度组",
    "组长：王建国",
    "副组长：李秀兰",
    "成员：各村主任",
    "职责：负责统一指挥调度。",
    "2.现场处置组",
    "组长：张志强",
    "副组长：刘海燕",
    "成员：各村民兵连长",
    "职责：负责险情现场处置。",
    "（三）后勤保障组",
    "组长：陈国庆",
    "副组长：杨丽华",
    "职责：负责物资保障。",
    "二、工作要求",
    "各组要密切配合。",
    "松林镇人民政府",
    "2023年8月2日",
]


def test_level_two_numbers_in_mixed_forms_stay_one_level(tmp_path):
    imported = import_file(write(tmp_path, MIXED_LEVELS))
    section = body_item(imported, 1)
    assert section["标题"] == "工作机构"
    assert len(section["内容"]) == 1 and "领导小组" not in section["内容"][0]
    groups = section["内容"][0]["工作组"]
    assert [(g["名称"], g["组长"], g["副组长"], g["职责"]) for g in groups] == [
        ("指挥调度组", "王建国", ["李秀兰"], ["负责统一指挥调度。"]),
        ("现场处置组", "张志强", ["刘海燕"], ["负责险情现场处置。"]),
        ("后勤保障组", "陈国庆", ["杨丽华"], ["负责物资保障。"]),
    ]
    assert "同级编号形式不一：“2.”接在“（一）”之后，应为“（二）”" in defects(imported)


def test_a_mixed_form_number_back_on_the_level_of_the_numbered_list(tmp_path):
    """"1." then "（二）": the second goes on from the first, not a level above it."""
    lines = MIXED_LEVELS[:3] + ["1.指挥调度组"] + MIXED_LEVELS[4:8] + ["（二）现场处置组"] + \
        MIXED_LEVELS[9:13] + ["3.后勤保障组"] + MIXED_LEVELS[14:]
    imported = import_file(write(tmp_path, lines))
    groups = body_item(imported, 1, "内容", 0, "工作组")
    assert [(g["名称"], g["组长"], g["副组长"]) for g in groups] == [
        ("指挥调度组", "王建国", ["李秀兰"]), ("现场处置组", "张志强", ["刘海燕"]),
        ("后勤保障组", "陈国庆", ["杨丽华"])]


def test_a_working_group_without_duties_is_never_read_as_a_leading_group(tmp_path):
    lines = [line for line in MIXED_LEVELS if line != "职责：负责统一指挥调度。"]
    imported = import_file(write(tmp_path, lines))
    section = body_item(imported, 1, "内容")
    assert section[0] == {"标题": "指挥调度组", "内容": ["组长：王建国", "副组长：李秀兰", "成员：各村主任"]}
    assert [g["名称"] for g in section[1]["工作组"]] == ["现场处置组", "后勤保障组"]
    assert not any("领导小组" in item for item in section if isinstance(item, dict))


# -- a 印发通知 and the document it issues

NOTICE = [
    "各村（社区）、镇属各单位：",
    "现将《松林镇秋季防汛工作方案》印发给你们，请结合实际，认真贯彻执行。",
    "松林镇人民政府",
    "2023年8月1日",
]
ISSUED = [
    "松林镇秋季防汛工作方案",
    "为做好秋季防汛工作，制定本方案。",
    "一、工作要求",
    "各村要落实值班值守制度。",
]


@pytest.mark.parametrize("between", [[], ["附件"]], ids=["title-follows-date", "附件-line"])
def test_an_issuing_notice_copied_from_its_recipients_is_split_from_what_it_issues(
        tmp_path, between):
    source = write(tmp_path, NOTICE + between + ISSUED, "松林镇防汛.txt")
    out = tmp_path / "通知.yaml"
    run_cli("import", source, "-o", out)
    notice = load_document(out).spec
    assert notice.title == "松林镇人民政府关于印发松林镇秋季防汛工作方案的通知"
    assert notice.recipients == ["各村（社区）", "镇属各单位"]
    assert (notice.organ, str(notice.date)) == ("松林镇人民政府", "2023-08-01")
    assert notice.sections == ["现将《松林镇秋季防汛工作方案》印发给你们，请结合实际，认真贯彻执行。"]
    plan = load_document(tmp_path / "通知-附件1.yaml").spec
    assert (plan.kind, plan.title) == ("方案", "松林镇秋季防汛工作方案")
    assert plan.sections[0] == "为做好秋季防汛工作，制定本方案。"
    assert plan.sections[1].title == "工作要求"
    imported = import_file(source)
    assert not any("附件说明" in m for m in defects(imported))
    generated = run_cli("generate", out, "-o", tmp_path / "out", "-q")
    assert generated.exit_code == 0 and (tmp_path / "out" / "通知.pdf").exists()


def test_a_notice_title_in_the_copy_is_kept(tmp_path):
    imported = import_file(write(tmp_path, ["松林镇人民政府关于印发防汛方案的通知"] + NOTICE + ISSUED))
    assert imported.fields["标题"] == "松林镇人民政府关于印发防汛方案的通知"
    assert len(imported.attached) == 1


def test_a_notice_without_the_issued_document_has_no_attachment(tmp_path):
    imported = import_file(write(tmp_path, NOTICE))
    assert imported.attached == [] and imported.fields["标题"].endswith("的通知")


# -- no text lost

def test_the_loss_measure_sees_a_missing_paragraph(tmp_path):
    paragraphs = read_paragraphs(write(tmp_path, ["松林镇防汛工作方案", "各村要落实值班值守制度。"]))
    assert lost_text(paragraphs, ["标题: 松林镇防汛工作方案\n"]).chars == len("各村要落实值班值守制度")
    assert lost_text(paragraphs, ["标题: 松林镇防汛工作方案\n正文: [各村要落实值班值守制度。]\n"]).chars == 0


def test_text_no_recogniser_placed_is_kept_at_the_end_and_reported(tmp_path, monkeypatch):
    """The last line of defence, tried by making the body reader drop a paragraph."""
    from generator.importer import blocks

    real = blocks.items_of

    def dropping(nodes, ctx, in_article=False):
        return [item for item in real(nodes, ctx, in_article) if item != "各村要落实值班值守制度。"]

    monkeypatch.setattr("generator.importer.document.items_of", dropping)
    source = write(tmp_path, ["松林镇防汛工作方案", "为做好防汛工作，制定本方案。", "各村要落实值班值守制度。",
                              "松林镇人民政府", "2023年8月2日"])
    imported = import_file(source)
    assert imported.fields["正文"] == ["为做好防汛工作，制定本方案。", "各村要落实值班值守制度。"]
    kept = [(f.line, f.message) for f in imported.findings if KEPT in f.message]
    assert kept == [(3, "“各村要落实值班值守制度”等文字未能归入结构，整段附在正文末尾，请移回原处")]


_PHRASES = ["加强组织领导", "压实工作责任", "做好隐患排查", "强化应急值守", "开展宣传教育", "落实物资储备",
            "健全工作台账", "严格督查考核", "完善联络机制", "及时报送信息"]
_CLAUSES = ["各村要明确专人负责", "发现问题及时整改", "每月至少检查一次", "确保不留死角",
            "做到早发现、早报告、早处置", "相关情况报镇党政办", "按照“谁主管、谁负责”的原则落实",
            "经费纳入年度预算（专款专用）", "时间为2023年9月1日至10月31日", "重点检查3类场所"]
_PEOPLE = [("王建国", "镇长"), ("李秀兰", "副镇长"), ("张志强", "武装部长"), ("刘海燕", "党政办主任"),
           ("陈国庆", "派出所所长"), ("杨丽华", "财政所所长")]
_DEPARTMENTS = ["镇党政办", "镇财政所", "镇派出所", "镇农业服务中心", "镇卫生院"]


@st.composite
def sentences(draw, least: int = 1) -> str:
    clauses = draw(st.lists(st.sampled_from(_CLAUSES), min_size=least, max_size=3))
    return "，".join(clauses) + "。"


@st.composite
def leading_group(draw) -> list[str]:
    leader, deputy, member = draw(st.permutations(_PEOPLE))[:3]
    label = draw(st.sampled_from(["职责：", "职 责：", "主要职责："]))
    duties = draw(st.lists(sentences(), min_size=1, max_size=3))
    if draw(st.booleans()):
        roster = [f"组  长：{leader[0]}  {leader[1]}"] if draw(st.integers(0, 3)) else []  # or none
        return ["成立松林镇防汛工作领导小组。", *roster, f"副组长：{deputy[0]}  {deputy[1]}",
                f"成  员：{member[0]}  {member[1]}", label,
                *[f"{n}.{d}" for n, d in enumerate(duties, start=1)]]
    founding = (f"成立松林镇防汛工作领导小组，由{leader[1]}{leader[0]}任组长，{deputy[1]}{deputy[0]}任副组长，"
                f"成员由{'、'.join(_DEPARTMENTS[:3])}负责人组成")
    if draw(st.booleans()):
        founding += f"，{draw(st.sampled_from(_CLAUSES))}"
    if draw(st.booleans()):
        founding += (f"。领导小组下设办公室，办公室设在{_DEPARTMENTS[0]}，由{member[0]}兼任办公室主任，"
                     f"联系电话：0123-4567890，{draw(st.sampled_from(_CLAUSES))}")
    return [founding + "。"] + ([f"领导小组主要职责：{duties[0]}"] if draw(st.booleans()) else [])


@st.composite
def measures(draw) -> list[str]:
    out = []
    for n in range(1, draw(st.integers(1, 3)) + 1):
        leader, doer = draw(st.permutations(_PEOPLE))[:2]
        clause = f"（责任领导：{leader[0]}　责任人：{doer[0]}）"
        after = draw(st.sampled_from(["", "", "每周报送进展情况。"]))
        if not draw(st.integers(0, 2)):  # a clause naming no 责任人
            clause = f"（责任领导：{leader[0]}）"
        marker = draw(st.sampled_from([f"（{'一二三'[n - 1]}）", ""]))
        text = f"{marker}{draw(st.sampled_from(_PHRASES))}。{draw(sentences())}"
        if draw(st.booleans()):
            out.append(text + clause + after)
        else:
            out += [text, clause + after]
    return out


@st.composite
def working_groups(draw) -> list[str]:
    out = []
    forms = draw(st.lists(st.sampled_from(["（{}）", "{}."]), min_size=1, max_size=3))
    for n, form in enumerate(forms, start=1):
        marker = form.format("一二三"[n - 1] if form.startswith("（") else n)
        name = ["综合协调组", "现场处置组", "后勤保障组"][n - 1]
        lead, *others = draw(st.permutations(_DEPARTMENTS))[:3]
        duty = draw(sentences())
        if draw(st.booleans()):
            out.append(f"{marker}{name}：由{lead}牵头，{'、'.join(others)}参加。其职责是：{duty}")
        else:
            person = draw(st.sampled_from(_PEOPLE))
            out += [f"{marker}{name}", f"组长：{person[0]}", f"职责：{duty}"]
    return out


@st.composite
def numbered_items(draw) -> list[str]:
    out = []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        title = draw(st.sampled_from(_PHRASES))
        form = draw(st.sampled_from(["（{}）", "{}."]))
        marker = form.format("一二三四"[n - 1] if form.startswith("（") else n)
        out.append(f"{marker}{title}。{draw(sentences())}")
        if draw(st.booleans()):
            out.append(draw(sentences(2)))
    return out


@st.composite
def source_text(draw) -> list[str]:
    lines = ["松林镇秋季防汛工作方案"] if draw(st.booleans()) else []
    if draw(st.booleans()):
        lines.append("各村（社区）、镇属各单位：")
    lines.append(draw(sentences(2)))
    parts = draw(st.lists(st.sampled_from(["items", "group", "working", "measures", "text"]),
                          min_size=1, max_size=4))
    for n, part in enumerate(parts, start=1):
        heading = "工作组" if part == "working" and draw(st.booleans()) else draw(st.sampled_from(_PHRASES))
        lines.append(f"{'一二三四'[n - 1]}、{heading}")
        if part == "items":
            lines += draw(numbered_items())
        elif part == "group":
            lines += draw(leading_group())
        elif part == "working":
            lines += draw(working_groups())
        elif part == "measures":
            lines += draw(measures())
        else:
            lines += draw(st.lists(sentences(), min_size=1, max_size=3))
    if draw(st.booleans()):
        lines.append("特此通知。")
    if draw(st.booleans()):
        lines += ["附件：1.防汛值班表", "2.防汛联络表"]
    lines += ["松林镇人民政府", "2023年8月2日"]
    if draw(st.booleans()):
        lines.append("（联系人：杨丽华，电话：0123-4567891）")
    if draw(st.integers(0, 3)) == 0:  # copied with the 印发通知 that issues it
        lines = NOTICE + draw(st.sampled_from([[], ["附件"]])) + ["松林镇秋季防汛工作方案"] + [
            line for line in lines[:-2] if line != "松林镇秋季防汛工作方案"]
    return lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=source_text())
def test_no_text_is_lost_and_the_yaml_generates(tmp_path, lines):
    source = write(tmp_path, lines)
    paragraphs = read_paragraphs(source)
    imported = import_file(source, paragraphs)
    kept = [f for f in imported.findings if KEPT in f.message]
    assert kept == []  # every piece of text went where a recogniser put it
    loss = imported_loss(paragraphs, imported)
    assert loss.pieces == [], loss.pieces
    out = tmp_path / "导入.yaml"
    attached = output_paths(out, len(imported.attached))[1:]
    for path, child in zip(attached, imported.attached):
        path.write_text(child.yaml_text(), encoding="utf-8")
    out.write_text(imported.yaml_text([p.name for p in attached]), encoding="utf-8")
    build_document(load_document(out))
