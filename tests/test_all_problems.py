"""One run names every problem: of a file and of the files it uses (attached documents,
district templates, rosters); names with a post in brackets, 完成时限 dates, organ lists and
the 成文日期 of a new unit. Everything through the real `gongwen` process."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as open_docx

from .clirun import ROOT, gongwen

DISTRICT = ROOT / "samples" / "district"
TEMPLATE = "教育系统联防联控制度.yaml"

NOTICE = """\
文种: 通知
标题: 关于印发防汛工作方案的通知
发文机关: 河口镇人民政府
发文字号: 河政发[2024]8号
成文日期: 2024-05-20
主送机关: [各村（社区）, 镇直各单位]
正文:
  - 现将方案印发给你们，请认真落实。
附件:
  - {标题: 河口镇防汛工作方案, 文档: 方案.yaml}
  - {标题: 值班安排, 文档: 值班.yaml}
  - {标题: 物资清单, 文档: 物资.yaml}
"""

PLAN = """\
文种: 方案
标题: 河口镇防汛工作方案
发文机关: 河口镇人民政府
成文日期: 2024-05-20
人员:
  - {姓名: 潘国栋, 职务: 镇武装部部长}
  - {姓名: 韩小梅, 职务: 水利站站长}
正文:
  - 标题: 工作措施
    内容:
      - 工作措施:
          - 标题: 堤防巡查
            内容: 汛期每日巡查堤防两次。
            责任领导: 潘国栋
            责任人: [韩小梅]
            完成时限: 2024/6/30
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if re.search(r"\.yaml:\d+:\d+: ", line)]


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


# ---- the main file and the files it attaches, at once ---------------------------------

def test_one_run_names_the_main_file_and_every_attached_file(tmp_path):
    notice = write(tmp_path, "通知.yaml", NOTICE)
    plan = write(tmp_path, "方案.yaml", PLAN.replace("发文机关: 河口镇人民政府\n", "")
                 .replace("责任人: [韩小梅]", "责任人: [韩小妹]"))
    write(tmp_path, "物资.yaml", "文种: 方案\n标题: [物资\n")  # a YAML syntax error
    for command in ("validate", "generate"):
        args = (command, notice) + (("-o", tmp_path / "out") if command == "generate" else ())
        ran = gongwen(*args, expect=2)
        lines = problem_lines(ran.err)
        # the main file's own problem ...
        assert any(line.startswith(f"{notice}:4:") and "发文字号" in line for line in lines)
        # ... the attached plan's problems (missing field, unknown person) ...
        assert any(str(plan) in line and "“发文机关”：缺少必填字段" in line for line in lines)
        assert any(str(plan) in line and f":{line_of(plan, '韩小妹')}:" in line
                   and "是否应为“韩小梅”" in line for line in lines)
        # ... a missing attached file, and an attached file that cannot be read
        assert any(line.startswith(f"{notice}:{line_of(notice, '值班.yaml')}:")
                   and "附件[2].文档" in line and "找不到附件文档“值班.yaml”" in line
                   for line in lines)
        assert any("物资.yaml:" in line and "YAML 语法错误：方括号“[ ]”没有成对" in line
                   for line in ran.err.splitlines())
        assert "共发现 5 处问题" in ran.err
    assert not (tmp_path / "out").exists()


def test_a_cycle_is_named_beside_the_parents_own_problem(tmp_path):
    notice = write(tmp_path, "通知.yaml", NOTICE.replace("文档: 方案.yaml", "文档: 通知.yaml")
                   .split("  - {标题: 值班安排")[0])
    ran = gongwen("validate", notice, expect=2)
    assert "发文字号应写作" in ran.err and "附件文档引用了自身（循环引用）" in ran.err


def test_attachments_are_still_valid_documents_when_all_is_right(tmp_path):
    notice = write(tmp_path, "通知.yaml", NOTICE.replace("河政发[2024]8号", "河政发〔2024〕8号")
                   .split("  - {标题: 值班安排")[0])
    write(tmp_path, "方案.yaml", PLAN)
    assert "通过" in gongwen("validate", notice, expect=0).out


# ---- district: template and roster problems together ----------------------------------

def test_a_unit_plans_template_and_roster_problems_come_together(tmp_path):
    template = write(tmp_path, "模板.yaml", (DISTRICT / TEMPLATE).read_text(encoding="utf-8")
                     .replace("编号: G2", "编号: G1"))
    plan = write(tmp_path, "某校.yaml", "继承: 模板.yaml\n单位: 某校\n花名册: 没有这个花名册.yaml\n")
    ran = gongwen("validate", plan, expect=2)
    assert f"{template}:" in ran.err and "编号“G1”重复" in ran.err
    assert "没有这个花名册.yaml" in ran.err


def test_a_field_left_to_fill_does_not_hide_the_rest(tmp_path):
    district = tmp_path / "区"
    shutil.copytree(DISTRICT, district)
    plan = district / "单位" / "青山县第二实验小学联防联控制度.yaml"
    text = plan.read_text(encoding="utf-8").replace("  值班电话: 0791-86601002\n", "")
    write(plan.parent, plan.name, text + "抄送: [县教育局、县卫健委]\n")
    ran = gongwen("validate", plan, "--allow-dir", district, expect=2)
    assert "未填写“值班电话”" in ran.err
    assert f"{plan}:{line_of(plan, '抄送')}:" in ran.err and "写了 2 个机关" in ran.err


# ---- a name with the post in brackets ---------------------------------------------------

@pytest.mark.parametrize("written", ["潘国栋（镇武装部部长）", "潘国栋(部长)", "潘国栋 （部长）"])
def test_a_name_with_its_post_gets_the_roster_suggestion(tmp_path, written):
    plan = write(tmp_path, "方案.yaml", PLAN.replace("责任人: [韩小梅]", f"责任人: [韩小梅, {written}]"))
    ran = gongwen("validate", plan, expect=2)
    [line] = problem_lines(ran.err)
    assert line.startswith(f"{plan}:{line_of(plan, '责任人')}:")
    assert "字段“正文[1].内容[1].工作措施[1].责任人[2]”" in line
    assert "请写成“潘国栋”，职务写在人员名单的“职务”中" in line


def test_a_name_with_a_post_not_in_the_roster_is_told_how_to_add_it(tmp_path):
    plan = write(tmp_path, "方案.yaml", PLAN.replace("责任人: [韩小梅]", "责任人: [王建华（村支书）]"))
    ran = gongwen("validate", plan, expect=2)
    assert "请写成“王建华”，并在“人员”中加入 {姓名: 王建华, 职务: 村支书}" in ran.err


def test_a_roster_name_with_its_post_is_a_problem(tmp_path):
    plan = write(tmp_path, "方案.yaml", PLAN.replace("姓名: 韩小梅, 职务: 水利站站长", "姓名: 韩小梅（站长）")
                 .replace("责任人: [韩小梅]", "责任人: [韩小梅（站长）]"))
    ran = gongwen("validate", plan, expect=2)
    assert f"{plan}:{line_of(plan, '韩小梅（站长）}')}:" in ran.err and "人员[2].姓名" in ran.err
    assert "姓名中不写职务：请写成 {姓名: 韩小梅, 职务: 站长}" in ran.err


# ---- 完成时限 ----------------------------------------------------------------------------

def test_deadline_dates_print_in_one_form_and_text_as_written(tmp_path):
    measures = "".join(
        f"          - 标题: 措施{n}\n            内容: 做好第{n}项。\n            责任领导: 潘国栋\n"
        f"            责任人: [韩小梅]\n            完成时限: {deadline}\n"
        for n, deadline in enumerate(["2024/6/30", "2024-7-1", "2024.7.2", "2024-07-03",
                                      "长期坚持", "6月底前"], 1))
    plan = write(tmp_path, "方案.yaml", PLAN.split("          - 标题: 堤防巡查")[0] + measures)
    gongwen("generate", plan, "-o", tmp_path / "out", "-f", "docx", "-q", expect=0)
    text = "\n".join(p.text for p in open_docx(tmp_path / "out" / "方案.docx").paragraphs)
    for printed in ("2024年6月30日", "2024年7月1日", "2024年7月2日", "2024年7月3日",
                    "完成时限：长期坚持", "完成时限：6月底前"):
        assert printed in text
    for written in ("2024/6/30", "2024-7-1", "2024.7.2", "2024-07-03"):
        assert written not in text


def test_an_impossible_deadline_is_a_problem_with_its_position(tmp_path):
    plan = write(tmp_path, "方案.yaml", PLAN.replace("2024/6/30", "2024/2/30"))
    ran = gongwen("validate", plan, expect=2)
    [line] = problem_lines(ran.err)
    assert line.startswith(f"{plan}:{line_of(plan, '完成时限')}:")
    assert "完成时限" in line and "“2024/2/30”不是有效日期（2024年2月只有29天）" in line


# ---- 主送机关 and 抄送: one organ per item ---------------------------------------------

@pytest.mark.parametrize("key,value,organs", [
    ("抄送", '["县委办、县政府办"]', "县委办, 县政府办"),
    ("抄送", "县委办，县政府办；县应急局", "县委办, 县政府办, 县应急局"),
    ("主送机关", "[各村（社区）; 镇直各单位]", "各村（社区）, 镇直各单位"),
])
def test_several_organs_in_one_item_are_a_problem(tmp_path, key, value, organs):
    notice = NOTICE.replace("河政发[2024]8号", "河政发〔2024〕8号").split("附件:")[0]
    notice = re.sub(r"主送机关: .*\n", "", notice) + f"{key}: {value}\n"
    path = write(tmp_path, "通知.yaml", notice)
    ran = gongwen("validate", path, expect=2)
    [line] = problem_lines(ran.err)
    assert line.startswith(f"{path}:{line_of(path, key + ':')}:") and f"字段“{key}" in line
    assert f"每个机关写成列表的一项，如 {key}: [{organs}]" in line


def test_brackets_keep_an_organ_whole(tmp_path):
    notice = NOTICE.replace("河政发[2024]8号", "河政发〔2024〕8号").split("附件:")[0]
    path = write(tmp_path, "通知.yaml", notice.replace("[各村（社区）, 镇直各单位]",
                                                     "[各县（市、区）人民政府, 市直各部门]")
                 + "抄送: [市委办公室, 《江河日报》社]\n")
    assert "通过" in gongwen("validate", path, expect=0).out


# ---- init: the new unit's own 成文日期 ---------------------------------------------------

@pytest.fixture
def district(tmp_path) -> Path:
    target = tmp_path / "区"
    shutil.copytree(DISTRICT, target)
    return target


def test_init_leaves_the_date_to_fill_instead_of_the_templates(district, tmp_path):
    out = tmp_path / "幼儿园.yaml"
    ran = gongwen("init", "--from", district / TEMPLATE, "--roster", district / "花名册",
                  "--unit", "青山县实验幼儿园", "-o", out, expect=0)
    text = out.read_text(encoding="utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("成文日期:"))
    assert date_line.startswith("成文日期:  # 待填写") and "2020-02-12 不沿用" in date_line
    assert f"{out}:{line_of(out, '成文日期:')}:" in ran.err and "还须补齐" in ran.err
    ran = gongwen("validate", out, "--allow-dir", district, expect=2)
    assert "字段“成文日期”：未填写" in ran.err
    gongwen("init", "--from", district / TEMPLATE, "--roster", district / "花名册",
            "--unit", "青山县实验幼儿园", "-o", out, "--date", "2020-03-02", "--force", expect=0)
    gongwen("generate", out, "-o", tmp_path / "out", "-f", "docx", "-q", "--allow-dir", district,
            expect=0)
    text = "\n".join(p.text for p in open_docx(tmp_path / "out" / "幼儿园.docx").paragraphs)
    assert "2020年3月2日" in text and "2020年2月12日" not in text


def test_init_refuses_a_date_that_does_not_exist(district, tmp_path):
    out = tmp_path / "幼儿园.yaml"
    ran = gongwen("init", "--from", district / TEMPLATE, "--roster", district / "花名册",
                  "--unit", "青山县实验幼儿园", "-o", out, "--date", "2020-02-30", expect=2)
    assert "--date：“2020-02-30”不是有效日期" in ran.err and not out.exists()


def test_batch_writes_the_date_it_uses_into_every_unit(district, tmp_path):
    out = tmp_path / "out"
    ran = gongwen("batch", "--from", district / TEMPLATE, "--rosters", district / "花名册",
                  "-o", out, "-f", "yaml", expect=0)
    assert "成文日期沿用模板的 2020-02-12" in ran.err
    for plan in out.glob("*.yaml"):
        assert "成文日期: 2020-02-12" in plan.read_text(encoding="utf-8")


# ---- loading as stages: no import cycle -------------------------------------------------

def _imports(module: Path) -> set[str]:
    """Every generator module `module` imports (at any depth of its code), as dotted names."""
    package = ".".join(module.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("generator")}


def test_validate_knows_nothing_of_resolving():
    validate = _imports(ROOT / "generator" / "validate.py")
    assert not {n for n in validate if n.startswith(("generator.district", "generator.resolve",
                                                     "generator.load"))}, validate
    positions = _imports(ROOT / "generator" / "positions.py")
    assert positions <= {"generator.errors", "generator.errors.Problem", "generator.source",
                         "generator.source.Source", "generator.source.field_path"}, positions
    for module in (ROOT / "generator" / "district").glob("*.py"):
        names = _imports(module)
        assert not {n for n in names if n.startswith(("generator.validate", "generator.resolve"))}, \
            (module.name, names)


@pytest.mark.parametrize("first", ["generator.validate", "generator.positions", "generator.resolve",
                                   "generator.load", "generator.district.unit",
                                   "generator.district.fill", "generator.district.roster",
                                   "generator.district.template", "generator.district.plan"])
def test_every_loading_module_imports_first_in_a_fresh_process(first):
    done = subprocess.run([sys.executable, "-c", f"import {first}; import generator.load"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
