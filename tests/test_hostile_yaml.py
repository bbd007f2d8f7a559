"""Hostile YAML (issue 16): bounded reading, control characters. Every refusal is a Chinese
message with file and line, in bounded time and memory, in a real gongwen process."""
from __future__ import annotations

import resource
from pathlib import Path

import pytest

from generator.check.yaml_check import check_yaml
from generator.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES
from generator.source import read_source

from .clirun import gongwen

PLAN = """\
文种: 方案
标题: 值班工作方案
发文机关: 某某局
成文日期: 2021-03-04
人员:
  - {姓名: 赵甲, 职务: 局长}
  - {姓名: 钱乙}
正文:
  - 标题: 工作措施
    内容:
      - 工作措施:
          - 标题: 做好值班
            内容: 每日安排专人值班。
            责任领导: 赵甲
            责任人: [钱乙]
"""


def alias_bomb(levels: int = 9, indent: str = "") -> str:
    """The classic "billion laughs": 9 levels of 9 aliases, about 300 bytes, 9**9 strings."""
    names = "abcdefghi"[:levels]
    lines = [f"{indent}a: &a [哈,哈,哈,哈,哈,哈,哈,哈,哈]"]
    for below, name in zip(names, names[1:]):
        lines.append(f"{indent}{name}: &{name} [" + ",".join([f"*{below}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def limited_memory():
    """preexec_fn: at most 2 GB of address space, so an expanded bomb fails instead of
    exhausting the machine (and the test sees it)."""
    limit = 2 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- the loader itself ------------------------------------------------------------------

def test_alias_bomb_is_refused_with_its_line(tmp_path):
    bomb = write(tmp_path, "bomb.yaml", alias_bomb())
    assert len(bomb.read_bytes()) < 400
    source, problems = read_source(bomb)
    assert source is None and len(problems) == 1
    assert problems[0].line is not None and problems[0].line <= 9
    assert "别名" in problems[0].message and f"{MAX_YAML_NODES:,}" in problems[0].message


def test_aliases_within_the_limit_still_read(tmp_path):
    text = PLAN.replace("  - {姓名: 钱乙}", "  - &qian {姓名: 钱乙}") + "附注: &note 请各单位遵照执行。\n"
    source, problems = read_source(write(tmp_path, "ok.yaml", text))
    assert problems == [] and source.data["附注"] == "请各单位遵照执行。"


def test_alias_to_itself_is_refused(tmp_path):
    source, problems = read_source(write(tmp_path, "loop.yaml", "甲: &x [1, *x]\n"))
    assert source is None and "循环引用" in problems[0].message and problems[0].line == 1


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_in_chinese(tmp_path, opening, closing):
    text = "甲: " + opening * 2000 + "1" + closing * 2000 + "\n"
    source, problems = read_source(write(tmp_path, "deep.yaml", text))
    assert source is None and problems[0].line == 1
    assert f"超过 {MAX_YAML_DEPTH} 层" in problems[0].message


def test_nesting_through_aliases_counts_too(tmp_path):
    half = MAX_YAML_DEPTH // 2 + 2
    text = ("甲: &deep " + "[" * half + "1" + "]" * half + "\n"
            "乙: " + "[" * half + "*deep" + "]" * half + "\n")
    source, problems = read_source(write(tmp_path, "alias-deep.yaml", text))
    assert source is None and problems[0].line == 2 and "层" in problems[0].message


def test_oversized_file_is_refused_without_reading(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("附注: " + "字" * (MAX_YAML_BYTES // 3 + 10) + "\n", encoding="utf-8")
    source, problems = read_source(big)
    assert source is None and f"超过 {MAX_YAML_BYTES // 1024 ** 2} MB" in problems[0].message


def test_checker_composes_with_the_same_bounds(tmp_path):
    found = check_yaml(write(tmp_path, "bomb.yaml", alias_bomb()), "bomb.yaml")
    assert [f.rule.id for f in found] == ["yaml-syntax"]
    assert "别名" in found[0].message and found[0].location.line <= 9
    deep = write(tmp_path, "deep.yaml", "甲: " + "[" * 2000 + "]" * 2000 + "\n")
    found = check_yaml(deep, "deep.yaml")
    assert found[0].location.line == 1 and "层" in found[0].message


# ---- real processes -----------------------------------------------------------------------

def test_validate_refuses_the_bomb_quickly_in_bounded_memory(tmp_path):
    bomb = write(tmp_path, "bomb.yaml", alias_bomb())
    ran = gongwen("validate", bomb, expect=2, timeout=60, preexec_fn=limited_memory)
    assert f"{bomb}:" in ran.err and "别名" in ran.err


def test_bomb_inside_valid_sections_is_refused_by_generate(tmp_path):
    text = PLAN + alias_bomb()
    nested = PLAN.replace("            内容: 每日安排专人值班。\n",
                          "            内容: 每日安排专人值班。\n            备注:\n"
                          + alias_bomb(indent="              "))
    out = tmp_path / "out"
    for name, body in (("top.yaml", text), ("nested.yaml", nested)):
        path = write(tmp_path, name, body)
        for command in ("validate", "generate"):
            args = [command, path] + (["-o", out] if command == "generate" else [])
            ran = gongwen(*args, expect=2, timeout=60, preexec_fn=limited_memory)
            assert f"{path}:" in ran.err and "别名" in ran.err
    assert not out.exists()


def test_deep_nesting_through_cli(tmp_path):
    deep = write(tmp_path, "deep.yaml", "文种: " + "[" * 2000 + "]" * 2000 + "\n")
    for command in ("validate", "check"):
        ran = gongwen(command, deep, timeout=60)
        assert ran.code in (1, 2) and "RecursionError" not in ran.text
        assert "层" in ran.text and ("deep.yaml:1:" in ran.err or "第1行" in ran.out)


def test_check_refuses_the_bomb(tmp_path):
    bomb = write(tmp_path, "bomb.yaml", alias_bomb())
    ran = gongwen("check", bomb, expect=1, timeout=60, preexec_fn=limited_memory)
    assert "别名" in ran.out


def test_template_and_roster_bombs_are_refused(tmp_path):
    district = tmp_path / "区"
    (district / "花名册").mkdir(parents=True)
    template = write(district, "模板.yaml", alias_bomb())
    write(district / "花名册", "某校.yaml", "单位: 某校\n" + alias_bomb())
    plan = write(district, "某校.yaml", "继承: 模板.yaml\n单位: 某校\n花名册: 花名册/某校.yaml\n")
    ran = gongwen("validate", plan, expect=2, timeout=60, preexec_fn=limited_memory)
    assert "别名" in ran.err and str(template) in ran.err
    ran = gongwen("init", "--from", template, "--roster", district / "花名册", "--unit", "某校",
                  "-o", tmp_path / "x.yaml", expect=2, timeout=60, preexec_fn=limited_memory)
    assert "别名" in ran.err and not (tmp_path / "x.yaml").exists()


def test_sidecar_bomb_is_refused_and_nothing_stored(tmp_path):
    doc = write(tmp_path, "说明.txt", "关于值班的说明\n正文。\n")
    sidecar = write(tmp_path, "说明.txt.yaml", alias_bomb())
    archive = tmp_path / "档案"
    ran = gongwen("archive", "add", doc, "-A", archive, expect=1, timeout=60,
                  preexec_fn=limited_memory)
    assert str(sidecar) in ran.err and "别名" in ran.err
    listed = gongwen("archive", "list", "--json", "-A", archive, expect=0)
    assert "关于值班的说明" not in listed.out


# ---- control characters ---------------------------------------------------------------------

def test_raw_control_character_names_line_and_column(tmp_path):
    path = tmp_path / "raw.yaml"
    path.write_bytes(PLAN.replace("每日安排", "每日\x07安排").encode("utf-8"))
    source, problems = read_source(path)
    assert source is None
    assert (problems[0].line, problems[0].column) == (13, 19)
    assert "U+0007" in problems[0].message
    ran = gongwen("validate", path, expect=2)
    assert f"{path}:13:19" in ran.err
    ran = gongwen("check", path, expect=1)
    assert "第13行第19列" in ran.out and "U+0007" in ran.out


@pytest.mark.parametrize("escape, code", [("\\x07", "U+0007"), ("\\x0b", "U+000B"),
                                          ("\\u2028", "U+2028"), ("\\r", "U+000D"),
                                          ("\\x85", "U+0085"), ("\\0", "U+0000")])
def test_escaped_control_character_is_refused_with_field(tmp_path, escape, code):
    text = PLAN.replace("内容: 每日安排专人值班。", f'内容: "每日{escape}安排专人值班。"')
    source, problems = read_source(write(tmp_path, "esc.yaml", text))
    assert source is None and len(problems) == 1
    problem = problems[0]
    assert problem.field == "正文[1].内容[1].工作措施[1].内容"
    assert problem.line == 13 and code in problem.message and "第 3 个字符" in problem.message


def test_tab_and_newline_in_values_are_kept(tmp_path):
    text = PLAN.replace("内容: 每日安排专人值班。", '内容: "每日安排\\t专人值班。"')
    source, problems = read_source(write(tmp_path, "tab.yaml", text))
    assert problems == []


def test_control_character_in_sidecar_and_roster_keys(tmp_path):
    doc = write(tmp_path, "说明.txt", "关于值班的说明\n正文。\n")
    write(tmp_path, "说明.txt.yaml", '"发文\\x1b机关": 某局\n')
    ran = gongwen("archive", "add", doc, "-A", tmp_path / "档案", expect=1)
    assert "说明.txt.yaml:1:1" in ran.err and "U+001B" in ran.err


def test_escaped_control_in_generate_writes_nothing(tmp_path):
    text = PLAN.replace("标题: 值班工作方案", '标题: "值班\\x0c工作方案"')
    path = write(tmp_path, "ff.yaml", text)
    ran = gongwen("generate", path, "-o", tmp_path / "out", expect=2)
    assert f"{path}:2:" in ran.err and "字段“标题”" in ran.err and "U+000C" in ran.err
    assert not (tmp_path / "out").exists()


def test_binary_values_are_refused_at_their_line(tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN.replace("标题: 值班工作方案", "标题: !!binary YQdi"), encoding="utf-8")
    ran = gongwen("validate", plan, expect=2)
    assert "!!binary" in ran.err and f"{plan}:2:" in ran.err


@pytest.mark.parametrize("tag", ["!!omap", "!!set", "!!pairs"])
def test_collection_tags_on_a_value_are_refused_at_their_line(tmp_path, tag):
    """ruamel builds these from a plain value and fails inside (an AttributeError)."""
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN.replace("标题: 值班工作方案", f"标题: {tag} 值班工作方案"), encoding="utf-8")
    for command in ("validate", "check"):
        ran = gongwen(command, plan, expect=2 if command == "validate" else 1)
        assert tag in ran.text and (":2:" in ran.text or "第2行" in ran.text), ran.text
