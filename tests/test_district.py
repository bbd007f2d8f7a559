"""District templates: rosters, unit plans (继承), init, batch and the coverage audit.

Everything runs on the shipped template and the three units' rosters (YAML, CSV, Excel), with
real DOCX and PDF files read back."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from docx import Document as open_docx

from generator.district.roster import read_rosters
from generator.district.template import slots
from generator.district.unit import load_template
from generator.errors import InputError
from generator.load import load_document

from .conftest import ROOT, run_cli

DISTRICT = ROOT / "samples" / "district"
TEMPLATE_NAME = "教育系统联防联控制度.yaml"
UNITS = ("青山县第二实验小学", "青山县城东中学", "青山县实验幼儿园")


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """A copy of samples/district: tests may add files to it."""
    target = tmp_path_factory.mktemp("district") / "district"
    shutil.copytree(DISTRICT, target)
    return target


@pytest.fixture(scope="module")
def batch(district) -> Path:
    """All three units' plans generated in one batch run (YAML, DOCX and PDF)."""
    out = district.parent / "out"
    run_cli("batch", "--from", district / TEMPLATE_NAME, "--rosters", district / "花名册",
            "-o", out, "-q")
    return out


@pytest.fixture(scope="module")
def rosters(district) -> dict:
    found, problems = read_rosters(district / "花名册")
    assert problems == []
    return {roster.unit: roster for roster in found}


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in open_docx(path).paragraphs)


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((page.extract_text() or "").replace("\n", "") for page in pdf.pages)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def messages(excinfo) -> str:
    return "\n".join(str(p) for p in excinfo.value.problems)


# ---- the shipped template and rosters -------------------------------------------------

def test_template_has_six_working_groups_each_with_an_id():
    template, problems = load_template(DISTRICT / TEMPLATE_NAME)
    assert problems == []
    groups = [s.id for s in slots(template.source.data) if s.kind == "工作组"]
    assert groups == ["G1", "G2", "G3", "G4", "G5", "G6"]
    assert {"G1", "M01", "R2"} <= template.required
    assert "G4" not in template.required


def test_rosters_are_read_from_yaml_csv_and_excel(rosters):
    assert set(rosters) == set(UNITS)
    # Excel: header "手机号码" is the phone column, the padded name "蒋　伟" loses its space,
    # "分管领导、宣传负责人" is two roles.
    kindergarten = rosters["青山县实验幼儿园"]
    deputy = kindergarten.person("袁丽华")
    assert deputy.roles == ("分管领导", "宣传负责人") and deputy.phone == "13907913002"
    assert kindergarten.person("蒋伟") is not None
    # 单位信息.csv gives each unit its fill-in fields
    assert rosters["青山县城东中学"].fills["值班电话"] == "0791-86612110"


# ---- three unit plans, generated ----------------------------------------------------------

def test_batch_writes_a_plan_per_unit(batch):
    for unit in UNITS:
        for suffix in ("yaml", "docx", "pdf"):
            assert (batch / f"{unit}.{suffix}").stat().st_size > 0


@pytest.mark.parametrize("unit", UNITS)
def test_every_role_is_filled_by_the_units_own_people(batch, rosters, unit):
    roster = rosters[unit]
    others = {p.name for u, r in rosters.items() if u != unit for p in r.people}
    spec = load_document(batch / f"{unit}.yaml").spec
    text = docx_text(batch / f"{unit}.docx")
    pdf = pdf_text(batch / f"{unit}.pdf")
    head = roster.holders("主要负责人")[0]
    deputy = roster.holders("分管领导")[0]
    leading = next(item for item in spec.sections if getattr(item, "title", "") == "组织机构")
    group = leading.content[0].leading_group
    assert group.leader == head.name and group.deputies == [deputy.name]
    assert re.search(rf"组\s*长：{head.name}\s*{head.post}", text)
    assert f"（责任领导：{deputy.name}" in text
    for role in ("办公室主任", "安全干部", "卫生保健员", "后勤负责人", "宣传负责人"):
        for person in roster.holders(role):
            assert person.name in text and person.name in pdf
    assert f"{unit}疫情联防联控工作制度" in pdf.replace(" ", "")
    assert not any(name in text for name in others)
    assert "【" not in text and "【" not in pdf
    names_used = {p.name for p in spec.people}
    assert names_used == {p.name for p in roster.people}


def test_fill_in_fields_come_from_the_unit_information_table(batch):
    text = docx_text(batch / "青山县城东中学.docx")
    assert "联系电话：0791-86612110" in text and "在校医室东侧设置临时观察室" in text
    # a template default the unit did not change
    assert "每日下午4时前报县教育局" in text


def test_a_person_appears_once_per_group(batch):
    # The kindergarten's deputy head is also its 宣传负责人, a member by role: listed once.
    spec = load_document(batch / "青山县实验幼儿园.yaml").spec
    group = spec.sections[1].content[0].leading_group
    assert group.deputies == ["袁丽华"] and "袁丽华" not in group.members


def test_libreoffice_reads_the_unit_plans(batch, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run `bash setup.sh test`"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "txt:Text", "--outdir", str(tmp_path),
                    *[str(batch / f"{u}.docx") for u in UNITS]],
                   check=True, capture_output=True, timeout=300)
    text = (tmp_path / "青山县城东中学.txt").read_text(encoding="utf-8-sig")
    assert "李建国" in text and "（责任领导：张卫红" in text and "【" not in text


# ---- a unit plan that states only what differs -------------------------------------------

def test_sample_unit_plan_changes_drops_and_adds(district):
    plan = district / "单位" / "青山县第二实验小学联防联控制度.yaml"
    spec = load_document(plan).spec
    measures = spec.sections[3].content[0].measures
    titles = [m.title for m in measures]
    assert titles[-1] == "错峰上下学" and measures[-1].id == "X01"
    assert measures[1].content == ["只开放东门一个出入口，实行门岗测温登记，外来人员未经值班领导同意不得进入。"]
    groups = [g.id for g in spec.sections[2].content[0].working_groups]
    assert groups == ["G1", "G2", "G3", "G4", "G6"]
    assert spec.drops == {"G5": "本校宣传工作由综合协调组承担，不另设宣传教育组。"}
    assert spec.date.isoformat() == "2020-02-14"


UNIT_HEAD = """\
继承: ../教育系统联防联控制度.yaml
单位: 青山县城东中学
花名册: ../花名册/
"""


def unit_problems(district: Path, body: str, name: str = "plan.yaml"):
    folder = district / "单位"
    path = write(folder / name, UNIT_HEAD + body)
    with pytest.raises(InputError) as excinfo:
        load_document(path)
    return excinfo


def test_dropping_a_required_item_needs_a_reason(district):
    excinfo = unit_problems(district, "删除:\n  M02:\n  M05:\n")
    (problem,) = excinfo.value.problems  # M05 is optional: no reason needed
    assert problem.file.endswith("plan.yaml") and problem.line == 5
    assert "M02" in problem.message and "说明" in problem.message


def test_dropping_a_section_that_holds_required_items_needs_a_reason(district):
    excinfo = unit_problems(district, "删除:\n  S3: ''\n")
    assert "M01、M02、M03" in messages(excinfo)


def test_unknown_ids_and_fields_are_named_with_a_suggestion(district):
    excinfo = unit_problems(district, "修改:\n  M2: {内容: 新内容。}\n填写:\n  值班电化: '1'\n")
    text = messages(excinfo)
    assert "plan.yaml:5:3" in text and "是否应为“M02”" in text
    assert "是否应为“值班电话”" in text


def test_a_changed_field_is_checked_where_the_unit_wrote_it(district):
    excinfo = unit_problems(district, "修改:\n  M02:\n    责任人: [王五]\n")
    (problem,) = excinfo.value.problems
    assert problem.file.endswith("plan.yaml") and problem.line == 6
    assert "（M02）" in problem.field and "“王五”不在“人员”名单中" in problem.message


def test_an_addition_needs_a_place_and_a_free_id(district):
    excinfo = unit_problems(district, "新增:\n  - {标题: 甲, 内容: 乙。, 责任领导: 李建国, 责任人: 马骏}\n"
                                      "  - {之后: M06, 编号: M01, 标题: 甲, 内容: 乙。, 责任领导: 李建国,"
                                      " 责任人: 马骏}\n")
    text = messages(excinfo)
    assert "须写明位置" in text and "编号“M01”已被模板或其他新增内容使用" in text


def test_unheld_roles_and_undeclared_roles_are_named(district, tmp_path):
    roster = write(tmp_path / "roster.csv",
                   "姓名,职务,角色\n李建国,校长,主要负责人\n张卫红,副校长,分管领到\n")
    plan = write(district / "单位" / "roles.yaml",
                 UNIT_HEAD.replace("../花名册/", str(roster)) + "填写: {值班电话: '1'}\n")
    with pytest.raises(InputError) as excinfo:
        load_document(plan)
    (problem,) = excinfo.value.problems
    assert problem.file == str(roster) and problem.line == 3
    assert "“分管领到”模板中没有定义；是否应为“分管领导”" in problem.message
    write(roster, "姓名,职务,角色\n李建国,校长,主要负责人\n张卫红,副校长,分管领导\n")
    with pytest.raises(InputError) as excinfo:
        load_document(plan)
    text = messages(excinfo)
    assert "角色“办公室主任”在“青山县城东中学”无人担任" in text
    assert "教育系统联防联控制度.yaml 第" in text


def test_role_head_counts_follow_the_template(district, tmp_path):
    rows = ["姓名,职务,角色", "李建国,校长,主要负责人", "王二,副校长,主要负责人"]
    rows += [f"人{n},职务,{role}" for n, role in enumerate(
        ["分管领导", "办公室主任", "安全干部", "卫生保健员", "后勤负责人", "宣传负责人"])]
    roster = write(tmp_path / "roster.csv", "\n".join(rows) + "\n")
    plan = write(district / "单位" / "count.yaml",
                 UNIT_HEAD.replace("../花名册/", str(roster)) + "填写: {值班电话: '1'}\n")
    with pytest.raises(InputError) as excinfo:
        load_document(plan)
    text = messages(excinfo)
    assert "角色“主要负责人”应有 1 人" in text and "李建国、王二" in text
    assert "“组长”只能是一人" in text


def test_unfilled_and_undefined_placeholders_are_errors(district, tmp_path):
    template = (district / TEMPLATE_NAME).read_text(encoding="utf-8")
    broken = write(district / "broken-template.yaml",
                   template.replace("值班电话：【值班电话】", "值班电话：【值班电号】"))
    with pytest.raises(InputError) as excinfo:
        load_document(broken)
    (problem,) = excinfo.value.problems
    assert problem.file == str(broken) and "【值班电号】" in problem.message
    assert "是否应为【值班电话】" in problem.message
    plan = write(district / "unfilled.yaml", "继承: 教育系统联防联控制度.yaml\n单位: 青山县城东中学\n"
                 "花名册: 花名册/青山县城东中学.csv\n")
    with pytest.raises(InputError) as excinfo:
        load_document(plan)
    assert "未填写“值班电话”" in messages(excinfo)


def test_a_template_alone_renders_as_a_preview(district, tmp_path):
    generated = run_cli("generate", district / TEMPLATE_NAME, "-o", tmp_path, "-f", "docx")
    assert generated.exit_code == 0
    text = docx_text(tmp_path / "教育系统联防联控制度.docx")
    assert "【单位名称】疫情联防联控工作制度" in text and "组　长：【主要负责人】" in text


# ---- rosters: headers, sheets, bad rows -------------------------------------------------------

def test_excel_roster_with_a_unit_column_and_bad_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "全县"
    for row in [("学校名称", "姓名（必填）", "岗位", "承担角色", "联系电话"),
                ("甲小学", "赵一", "校长", "主要负责人", "0791-1"),
                ("乙小学", "钱二", "校长", "主要负责人", "电话待定"),
                ("乙小学", None, "副校长", "分管领导", None),
                (None, None, None, None, None),
                ("乙小学", "钱二", "教师", None, None)]:
        sheet.append(row)
    path = tmp_path / "全县花名册.xlsx"
    book.save(path)
    found, problems = read_rosters(path)
    assert [r.unit for r in found] == ["甲小学", "乙小学"]
    where = {(p.line, p.field): p.message for p in problems}
    assert all(p.file == f"{path}（工作表“全县”）" for p in problems)
    assert "应只含数字" in where[(3, "电话")]
    assert "缺少姓名" in where[(4, "姓名")]
    assert "重复出现" in where[(6, "角色")]


def test_gbk_csv_and_a_missing_name_column(tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_bytes("姓名,职务,角色\n周一,园长,主要负责人\n".encode("gb18030"))
    found, problems = read_rosters(path)
    assert problems == [] and found[0].people[0].name == "周一"
    write(path, "名单,职务\n周一,园长\n")
    _, problems = read_rosters(path)
    assert "须有“姓名”列" in problems[0].message and "名单、职务" in problems[0].message


# ---- init -------------------------------------------------------------------------------------

def test_init_writes_the_short_form_and_it_generates(district, tmp_path):
    out = district / "单位" / "幼儿园制度.yaml"
    run_cli("init", "--from", district / TEMPLATE_NAME, "--roster", district / "花名册",
            "--unit", "青山县实验幼儿园", "-o", out, "--date", "2020-02-25")
    text = out.read_text(encoding="utf-8")
    assert "成文日期: 2020-02-25" in text
    assert text.startswith("# 青山县实验幼儿园的制度") and "继承: ../教育系统联防联控制度.yaml" in text
    assert "M01  措施  每日健康报告（必备）" in text and "值班电话: 0791-86623006" in text
    run_cli("generate", out, "-o", tmp_path, "-f", "docx", "-q", "--allow-dir", district)
    assert "吕秀英" in docx_text(tmp_path / "幼儿园制度.docx")
    refused = run_cli("init", "--from", district / TEMPLATE_NAME, "--roster",
                      district / "花名册", "--unit", "青山县实验幼儿园", "-o", out, expect=2)
    assert "已存在" in refused.output


def test_init_names_what_is_left_to_fill(district, tmp_path):
    out = tmp_path / "中学.yaml"
    result = run_cli("init", "--from", district / TEMPLATE_NAME,
                     "--roster", district / "花名册" / "青山县城东中学.csv", "-o", out)
    assert "未填写“值班电话”" in result.output and "还须补齐" in result.output
    assert "值班电话:  # 待填写：防控期间24小时值班电话" in out.read_text(encoding="utf-8")


# ---- batch: all or nothing -------------------------------------------------------------------

def test_batch_writes_nothing_when_one_unit_is_wrong(district, tmp_path):
    rosters = tmp_path / "rosters"
    shutil.copytree(district / "花名册", rosters)
    csv = rosters / "青山县城东中学.csv"
    write(csv, csv.read_text(encoding="utf-8").replace("校医,卫生保健员", "校医,保健员"))
    out = tmp_path / "out"
    result = run_cli("batch", "--from", district / TEMPLATE_NAME, "--rosters", rosters,
                     "-o", out, expect=2)
    assert "“保健员”模板中没有定义" in result.output and "未生成任何文件" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_batch_keeps_a_units_edits_unless_forced(district, batch, tmp_path):
    out = tmp_path / "out"
    args = ["batch", "--from", district / TEMPLATE_NAME, "--rosters", district / "花名册",
            "-o", out, "-f", "yaml", "-q"]
    run_cli(*args)
    edited = out / "青山县城东中学.yaml"
    write(edited, edited.read_text(encoding="utf-8") + "成文日期: 2020-03-01\n")
    assert "已被改动过" in run_cli(*args, expect=2).output
    run_cli(*args, "--force")
    assert "2020-03-01" not in edited.read_text(encoding="utf-8")


# ---- coverage ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def audited(district, tmp_path_factory) -> dict:
    """Three plans: the sample (changed, dropped with reason, added), a full copy with a
    required measure removed and another changed, and a hand-written one without ids."""
    folder = tmp_path_factory.mktemp("plans")
    shutil.copy(district / "单位" / "青山县第二实验小学联防联控制度.yaml", folder / "小学.yaml")
    (folder / "小学.yaml").write_text((folder / "小学.yaml").read_text(encoding="utf-8").replace(
        "../教育系统联防联控制度.yaml", str(district / TEMPLATE_NAME)).replace(
        "../花名册/", str(district / "花名册") + "/"), encoding="utf-8")
    full = folder / "中学.yaml"
    run_cli("init", "--from", district / TEMPLATE_NAME, "--roster", district / "花名册",
            "--unit", "青山县城东中学", "-o", full, "--full", "--date", "2020-02-25")
    text = full.read_text(encoding="utf-8")
    without = re.sub(r"          - 标题: 出入管理\n(?:            .*\n)+", "", text)
    assert without != text
    changed = without.replace("测算并储备口罩、消毒用品", "测算并储备口罩、防护服、消毒用品")
    changed = changed.replace("教室、食堂、宿舍每日通风消毒", "教室、宿舍每日通风消毒")
    write(full, changed)
    loose = folder / "幼儿园.yaml"
    run_cli("init", "--from", district / TEMPLATE_NAME, "--roster", district / "花名册",
            "--unit", "青山县实验幼儿园", "-o", loose, "--full", "--date", "2020-02-25")
    write(loose, re.sub(r"\n\s*编号: (M0[45])", "", loose.read_text(encoding="utf-8")).replace(
        "每日晨检；实行错峰就餐", "每日晨检，实行分批错峰就餐"))
    result = run_cli("coverage", district / TEMPLATE_NAME, folder, "--json", expect=1)
    report = json.loads(result.stdout)
    return {u["单位"]: {i["编号"] or i["标题"]: i for i in u["条目"]} | {"_unit": u}
            for u in report["单位"]} | {"_report": report, "_folder": folder}


def test_coverage_finds_a_removed_required_measure(audited):
    item = audited["青山县城东中学"]["M02"]
    assert item["结果"] == "删除（无说明）" and item["违规"] and item["必备"]
    assert audited["_report"]["违规总数"] == 1


def test_coverage_shows_a_changed_measure_word_by_word(audited):
    measure = audited["青山县城东中学"]["M04"]
    assert measure["结果"] == "修改"
    assert {"kind": "-", "text": "、食堂"} in measure["改动明细"]
    group = audited["青山县城东中学"]["G4"]
    assert "{+防护服、+}" in group["文字改动"] or "{+、防护服+}" in group["文字改动"]
    assert audited["青山县城东中学"]["M01"]["结果"] == "保留"


def test_coverage_reports_a_drop_with_its_reason(audited):
    school = audited["青山县第二实验小学"]
    assert school["G5"]["结果"] == "删除（有说明）" and not school["G5"]["违规"]
    assert school["G5"]["说明"] == "本校宣传工作由综合协调组承担，不另设宣传教育组。"
    assert school["X01"]["结果"] == "新增"
    assert school["M02"]["结果"] == "修改"


def test_coverage_matches_items_without_ids_by_similarity(audited):
    kindergarten = audited["青山县实验幼儿园"]
    assert kindergarten["M04"]["结果"] == "保留" and kindergarten["M04"]["对应方式"].startswith("相似度")
    assert kindergarten["M05"]["结果"] == "修改" and "分批" in kindergarten["M05"]["文字改动"]
    assert not any(i.get("结果") == "新增" for k, i in kindergarten.items() if k != "_unit")


def test_coverage_reports_who_fills_each_role(audited):
    roles = {r["角色"]: r["担任者"] for r in audited["青山县城东中学"]["_unit"]["角色"]}
    assert roles["主要负责人"] == [{"姓名": "李建国", "职务": "校长"}]
    assert roles["卫生保健员"] == [{"姓名": "钱小梅", "职务": "校医"}]


def test_coverage_table_html_and_xlsx(district, audited, tmp_path):
    html, xlsx = tmp_path / "报告.html", tmp_path / "报告.xlsx"
    result = run_cli("coverage", district / TEMPLATE_NAME, audited["_folder"],
                     "--html", html, "--xlsx", xlsx, expect=1)
    assert re.search(r"M02\s+措施\s+出入管理\s+是\s+缺失（违规）", result.stdout)
    assert "1 个单位缺少必备内容" in result.stdout
    page = html.read_text(encoding="utf-8")
    assert "<del>、食堂</del>" in page and 'class="violation"' in page
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["汇总", "明细", "角色"]
    rows = [[c.value for c in row] for row in book["明细"].iter_rows(min_row=2)]
    assert ["青山县城东中学", "M02", "措施", "出入管理", "是", "缺失（违规）"] in [r[:6] for r in rows]


def test_coverage_of_a_compliant_plan_exits_zero(district):
    result = run_cli("coverage", district / TEMPLATE_NAME,
                     district / "单位" / "青山县第二实验小学联防联控制度.yaml")
    assert "0 个单位缺少必备内容" in result.stdout


# ---- archiving a unit plan ----------------------------------------------------------------------

def test_an_archived_unit_plan_keeps_its_template_and_roster(district, tmp_path):
    from archive.core import Archive

    plan = district / "单位" / "青山县第二实验小学联防联控制度.yaml"
    roster = district / "花名册" / "青山县第二实验小学.yaml"
    root = tmp_path / "arc"
    args = ["generate", plan, "-o", tmp_path / "out", "--archive", "-A", root, "-q",
            "--allow-dir", district]
    run_cli(*args)
    run_cli(*args)  # same inputs: a duplicate, not a second record
    with Archive(root, create=False) as archive:
        (record,) = archive.catalog.records()
        roles = {f.role: f.name for f in record.files}
    assert roles["input-1"] == TEMPLATE_NAME and roles["input-2"] == roster.name
    original = roster.read_text(encoding="utf-8")
    try:  # the same unit YAML over a changed roster is a new document
        write(roster, original.replace("职务: 副校长", "职务: 常务副校长"))
        run_cli(*args)
    finally:
        write(roster, original)
    with Archive(root, create=False) as archive:
        assert len(archive.catalog.records()) == 2
