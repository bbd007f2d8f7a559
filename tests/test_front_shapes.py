"""Front matter and web-page shapes of received documents, each on a fixture written here
(made-up organs, names and titles that reproduce the shapes real copies have)."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.importer.clean import clean
from generator.importer.document import import_file
from generator.importer.front import split_outside_brackets, split_parts
from generator.importer.names import is_name
from generator.importer.paragraphs import Paragraph
from generator.importer.people import parse_refs


def paras(*lines: str, sizes: dict[int, float] | None = None) -> list[Paragraph]:
    sizes = sizes or {}
    return [Paragraph(text, n + 1, size=sizes.get(n)) for n, text in enumerate(lines)]


def read(*lines: str, sizes=None):
    cleaned = clean(paras(*lines, sizes=sizes))
    return cleaned, split_parts(cleaned.paragraphs)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "副本.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


NOTICE_BODY = ("各镇人民政府，县直各单位：", "现将《青禾县河道清淤工作方案》印发给你们，请认真贯彻执行。",
               "青禾县人民政府办公室", "2023年5月6日")


# -- web furniture

def test_breadcrumb_counter_and_buttons_are_removed_and_listed():
    cleaned, parts = read("首页 | 政务公开 | 政策文件 | 县政府文件", "访问量：1234", "【打印】 【关闭】",
                          "分享到：", "关于做好河道清淤工作的通知", *NOTICE_BODY)
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons["首页 | 政务公开 | 政策文件 | 县政府文件"] == "网页导航"
    assert reasons["访问量：1234"] == "网页访问计数"
    assert reasons["【打印】 【关闭】"] == "网页按钮"
    assert parts.fields["标题"] == "关于做好河道清淤工作的通知"
    assert parts.fields["主送机关"] == ["各镇人民政府", "县直各单位"]


def test_a_title_glued_to_the_info_table_is_freed_and_the_table_kept():
    cleaned, parts = read("文件编号: 青政办〔2023〕7号 有效性: 有效 公开范围: 主动公开 青禾县河道清淤工作方案",
                          "一、总体要求", "做好清淤。")
    assert parts.fields["标题"] == "青禾县河道清淤工作方案"
    assert [r.reason for r in cleaned.removed] == ["网页信息栏"]
    assert "青禾县河道清淤工作方案" not in cleaned.removed[0].text
    assert cleaned.web_meta["有效性"] == "有效"
    assert cleaned.web_meta["文号"] == "青政办〔2023〕7号"


def test_visits_line_is_never_the_recipients():
    _, parts = read("关于做好河道清淤工作的通知", "访问量：", "各镇人民政府：", "做好清淤。")
    assert parts.fields["主送机关"] == ["各镇人民政府"]


@pytest.mark.parametrize("sep", ["：", ":", "\t"])
def test_info_table_gives_fallbacks_marked_as_such(sep):
    cleaned, parts = read(f"索引号{sep}00123-4567", f"发布机构{sep}青禾县水利局", f"生成日期{sep}2023-05-06",
                          f"文号{sep}青水发〔2023〕3号", "关于做好河道清淤工作的通知", "各镇人民政府：",
                          "做好清淤。")
    found = {f.field: (f.value, f.label) for f in cleaned.fallbacks(set(parts.fields))}
    assert found == {"成文日期": ("2023-05-06", "生成日期"), "发文字号": ("青水发〔2023〕3号", "文号"),
                     "发文机关": ("青禾县水利局", "发布机构")}
    assert all(r.reason == "网页信息栏" for r in cleaned.removed)


def test_fallbacks_never_replace_what_the_text_states():
    cleaned, parts = read("发布机构：青禾县水利局", "发布时间：2023-05-09", *NOTICE_BODY)
    assert parts.fields["发文机关"] == "青禾县人民政府办公室"
    assert cleaned.fallbacks(set(parts.fields)) == []


def test_info_table_reaches_the_imported_fields(tmp_path):
    imported = import_file(write(tmp_path, "发布机构：青禾县水利局", "生成日期：2023年5月6日",
                                 "文号：青水发〔2023〕3号", "关于做好河道清淤工作的通知", "各镇人民政府：",
                                 "一、做好清淤。"))
    assert imported.fields["发文字号"] == "青水发〔2023〕3号"
    assert str(imported.fields["成文日期"]) == "2023-05-06"
    said = [f.message for f in imported.findings]
    assert "发文字号取自网页信息栏“文号”：青水发〔2023〕3号" in said
    assert any(m.startswith("成文日期取自网页信息栏“生成日期”") for m in said)
    assert any(m.startswith("发文机关取自网页信息栏“发布机构”") for m in said)


def test_info_table_is_not_said_for_what_the_text_states(tmp_path):
    imported = import_file(write(tmp_path, "文号：青水发〔2023〕3号", "关于做好河道清淤工作的通知",
                                 "青水发〔2023〕9号", "各镇人民政府：", "一、做好清淤。",
                                 "青禾县水利局", "2023年5月6日"))
    assert imported.fields["发文字号"] == "青水发〔2023〕9号"
    assert not any("取自网页信息栏" in f.message for f in imported.findings)


# -- titles and 发文字号

def test_a_title_over_three_lines():
    _, parts = read("关于印发青禾县河道清淤", "和堤防加固三年行动", "方案的通知", *NOTICE_BODY)
    assert parts.fields["标题"] == "关于印发青禾县河道清淤\n和堤防加固三年行动\n方案的通知"


@pytest.mark.parametrize("above", [True, False])
def test_doc_number_above_or_below_the_title(above):
    title, number = "关于做好河道清淤工作的通知", "青政办发〔2023〕12号"
    head = (number, title) if above else (title, number)
    _, parts = read(*head, *NOTICE_BODY)
    assert parts.fields["标题"] == title
    assert parts.fields["发文字号"] == number
    assert parts.fields["主送机关"] == ["各镇人民政府", "县直各单位"]


def test_organ_line_over_a_title_in_large_type_is_the_organ_not_the_title():
    _, parts = read("青禾县人民政府办公室", "关于印发青禾县河道清淤", "工作方案的通知", "青政办发〔2023〕12号",
                    *NOTICE_BODY, sizes={0: 22, 1: 22, 2: 22})
    assert parts.fields["标题"] == "关于印发青禾县河道清淤\n工作方案的通知"
    assert parts.fields["发文字号"] == "青政办发〔2023〕12号"


def test_copy_beginning_at_the_recipients_gets_its_title_rebuilt(tmp_path):
    imported = import_file(write(tmp_path, *NOTICE_BODY, "青禾县河道清淤工作方案", "一、总体要求", "做好清淤。"))
    fields = imported.fields
    assert fields["标题"] == "青禾县人民政府办公室关于印发青禾县河道清淤工作方案的通知"
    assert any(f.message.startswith("原文没有标题") and f.about == "标题" for f in imported.findings)
    assert fields["发文机关"] == "青禾县人民政府办公室"
    assert str(fields["成文日期"]) == "2023-05-06"
    assert imported.attached[0].fields["标题"] == "青禾县河道清淤工作方案"


@pytest.mark.parametrize("line", [
    ["（2023年3月2日青禾市人民政府第12次常务会议审议通过 2023年3月8日青禾市人民政府令第45号公布"
     " 自2023年6月1日起施行）"],
    ["（2023 年 3 月 8 日青禾市人民政府第 45 号令公布 自", "2023 年 6 月 1 日起施行）"],
])
def test_rules_issuing_line_gives_published_and_in_force_dates(line):
    _, parts = read("青禾市人民政府规章", "青禾市河道管理办法", *line, "第一章 总则", "第一条 为了管好河道，制定本办法。",
                    sizes={1: 22})
    assert parts.fields["标题"] == "青禾市河道管理办法"
    assert str(parts.fields["成文日期"]) == "2023-03-08"
    assert str(parts.fields["施行日期"]) == "2023-06-01"
    assert parts.fields["发文机关"] == "青禾市人民政府"
    assert [r.reason for r in parts.removed] == ["规章页眉"]
    assert "".join(p.text for p in parts.body[:len(line)]) == "".join(line)  # kept: no text lost
    assert parts.fields["发布说明"] == "".join(line)


# -- 主送机关 and names

def test_recipients_split_only_outside_brackets():
    assert split_outside_brackets("各县（市、区）人民政府，青禾高新区管委会、市级有关部门（单位）", "，,、") == [
        "各县（市、区）人民政府", "青禾高新区管委会", "市级有关部门（单位）"]
    _, parts = read("关于做好河道清淤工作的通知", "各县（市、区）人民政府，市直各部门：", "做好清淤。")
    assert parts.fields["主送机关"] == ["各县（市、区）人民政府", "市直各部门"]


@pytest.mark.parametrize("text, expected", [
    ("林  岚（副乡长）", [("林岚", "副乡长")]),
    ("林　岚　副乡长", [("林岚", "副乡长")]),
    ("副乡长林岚", [("林岚", "副乡长")]),
    ("郗明远、禚文、仉晓（乡长）", [("郗明远", ""), ("禚文", ""), ("仉晓", "乡长")]),
    ("钟离远（副乡长）", [("钟离远", "副乡长")]),
])
def test_names_padded_posted_and_rare(text, expected):
    refs = parse_refs(text, set()).refs
    assert [(r.name, r.post) for r in refs] == expected
    assert not any(r.role for r in refs)


def test_rare_surnames_are_names_but_roles_stay_roles():
    assert is_name("訾红") and is_name("宗政明")
    assert not is_name("各班班主任")
    assert parse_refs("全体人员", set()).refs[0].role


# -- traditional text with pinyin

def test_pinyin_annotations_are_removed_so_the_simplified_copy_is_found():
    cleaned = clean(paras("成立防汛領(lǐng)導(dǎo)小組(zǔ)，統一指揮。"))
    assert cleaned.paragraphs[0].text == "成立防汛领导小组，统一指挥。"
    assert [r.reason for r in cleaned.removed] == ["拼音注音"]
    assert cleaned.removed[0].text == "(lǐng)(dǎo)(zǔ)"


def test_latin_in_brackets_without_tone_marks_is_kept():
    cleaned = clean(paras("使用全球定位系统(GPS)和APP(app)。"))
    assert "(GPS)" in cleaned.paragraphs[0].text and not cleaned.removed


# -- not an official document

def test_newspaper_page_is_not_a_document():
    _, parts = read("青禾日报 2023年5月6日 星期六", "要闻 2023年5月6日 星期六 责编：林岚", "（上接第2版）",
                    "青禾县人民政府办公室", "全县河道清淤进展顺利。", "2023年5月6日")
    assert parts.not_document.startswith("报纸版面")
    assert "发文机关" not in parts.fields and "标题" not in parts.fields
    assert [p.text for p in parts.body][0] == "青禾日报 2023年5月6日 星期六"


def test_newspaper_page_imports_with_no_kind_or_organ(tmp_path):
    imported = import_file(write(tmp_path, "青禾日报 2023年5月6日 星期六", "要闻 2023年5月6日 星期六 责编：林岚",
                                 "（上接第2版）", "关于河道清淤的通知", "全县河道清淤进展顺利。"))
    assert imported.fields["文种"] is None and imported.fields["发文机关"] is None
    assert any("不是公文" in f.message for f in imported.findings)


def test_a_notice_mentioning_a_newspaper_is_still_a_document():
    _, parts = read("关于订阅青禾日报的通知", "各镇人民政府：", "请订阅青禾日报。", "青禾县人民政府办公室",
                    "2023年5月6日")
    assert parts.not_document == ""
    assert parts.fields["发文机关"] == "青禾县人民政府办公室"


def test_unbracketed_issuing_lines_take_the_last_publication():
    _, parts = read("青禾市河道管理条例", "2001年3月2日 青禾市人民政府令第7号发布", "2019年4月1日 青禾市人民政府第9次常务会议修订通过",
                    "2019年4月8日 青禾市人民政府令第45号公布", "2019年6月1日 施行", "第一条 为了管好河道，制定本条例。")
    assert parts.fields["标题"] == "青禾市河道管理条例"
    assert str(parts.fields["成文日期"]) == "2019-04-08"
    assert str(parts.fields["施行日期"]) == "2019-06-01"
    assert parts.body[4].text.startswith("第一条")


@pytest.mark.parametrize("title", ["青禾市河道管理条例", "青禾市河道清淤工作规范（试行）", "青禾县人民代表大会关于河道清淤的决议"])
def test_titles_naming_other_kinds(title):
    _, parts = read(title, "第一条 为了管好河道，制定本条例。")
    assert parts.fields["标题"] == title


def test_empty_info_table_values_and_a_title_glued_with_no_space():
    cleaned, parts = read("文件编号: 有效性: 有效公开范围: 主动公开青禾县河道清淤工作方案", "一、总体要求", "做好清淤。")
    assert parts.fields["标题"] == "青禾县河道清淤工作方案"
    assert cleaned.info_table == {"有效性": "有效", "公开范围": "主动公开"}
    assert cleaned.fallbacks(set(parts.fields)) == []


def test_a_title_glued_after_the_breadcrumb_is_kept():
    cleaned, parts = read("首页 > 政务公开 > 政策文件 > 关于做好河道清淤工作的通知", "各镇人民政府：", "做好清淤。")
    assert parts.fields["标题"] == "关于做好河道清淤工作的通知"
    assert [(r.text, r.reason) for r in cleaned.removed] == [("首页 > 政务公开 > 政策文件 >", "网页导航")]


def test_title_rebuilt_from_an_already_approved_line(tmp_path):
    imported = import_file(write(tmp_path, "各镇人民政府：",
                                 "《青禾县河道清淤工作方案》已经县政府同意，现印发你们，请认真执行。",
                                 "青禾县人民政府办公室", "2023年5月6日"))
    assert imported.fields["标题"] == "青禾县人民政府办公室关于印发青禾县河道清淤工作方案的通知"
