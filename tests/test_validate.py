"""Bad input: every problem, located, in Chinese; nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from generator.errors import InputError
from generator.load import load_document

from .conftest import SAMPLES

GOOD = """\
文种: 方案
标题: 测试方案
发文机关: 某某局
成文日期: 2020-02-19
人员:
  - 姓名: 王一
    职务: 局长
  - 姓名: 李二
正文:
  - 标题: 措施
    内容:
      - 工作措施:
          - 标题: 消毒
            内容: 每日消毒。
            责任领导: 王一
            责任人: [李二]
"""


def problems_of(tmp_path: Path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_document(path)
    return caught.value.problems


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_samples_are_valid(sample):
    assert load_document(sample).spec.title


def test_good_input_is_valid(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_document(path).spec.people[0].name == "王一"


def test_unknown_key_suggests_the_close_match(tmp_path):
    missing, p = problems_of(tmp_path, GOOD.replace("标题: 测试方案", "标提: 测试方案"))
    assert (missing.field, missing.message) == ("标题", "缺少必填字段")
    assert (p.line, p.column, p.field) == (2, 1, "标提")
    assert "是否应为“标题”" in p.message


def test_unknown_key_deep_inside(tmp_path):
    missing, p = problems_of(tmp_path, GOOD.replace("责任领导: 王一", "责任领到: 王一"))
    assert missing.field == "正文[1].内容[1].工作措施[1].责任领导"
    assert p.field == "正文[1].内容[1].工作措施[1].责任领到"
    assert p.line == 15 and "责任领导" in p.message


def test_missing_field_bad_date_and_unknown_person_all_reported(tmp_path):
    text = GOOD.replace("发文机关: 某某局\n", "").replace("2020-02-19", "2020-02-30") \
        .replace("责任人: [李二]", "责任人: [李三]")
    problems = problems_of(tmp_path, text)
    by_field = {p.field: p for p in problems}
    assert set(by_field) == {"发文机关", "成文日期", "正文[1].内容[1].工作措施[1].责任人[1]"}
    assert by_field["发文机关"].message == "缺少必填字段"
    assert by_field["成文日期"].line == 3 and "不是有效日期" in by_field["成文日期"].message
    unknown = by_field["正文[1].内容[1].工作措施[1].责任人[1]"]
    assert unknown.line == 15 and "“李三”不在“人员”名单中" in unknown.message
    assert "是否应为“李二”" in unknown.message
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_wrong_type_and_empty_list(tmp_path):
    text = GOOD.replace("责任人: [李二]", "责任人: []").replace("职务: 局长", "职务: [局长]")
    problems = problems_of(tmp_path, text)
    messages = {p.field: p.message for p in problems}
    assert messages["人员[1].职务"].startswith("应为文本")
    assert messages["正文[1].内容[1].工作措施[1].责任人"].startswith("列表不能为空")


def test_role_is_allowed_where_marked(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD.replace("责任人: [李二]", "责任人: [{角色: 各科室负责人}]"), "utf-8")
    assert load_document(path)


def test_doc_number_form(tmp_path):
    [p] = problems_of(tmp_path, GOOD + "发文字号: 某发[2020]第12号\n")
    assert p.field == "发文字号" and "〔〕" in p.message


def test_yaml_syntax_error_has_a_position(tmp_path):
    [p] = problems_of(tmp_path, GOOD.replace("  - 姓名: 李二", "  - 姓名: 李二\n\t职务: x"))
    assert p.line == 9 and p.message.startswith("YAML 语法错误")


def test_cli_exit_code_and_no_partial_output(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("2020-02-19", "2020-13-01"), "utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(good), str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{bad}:4:7: 字段“成文日期”" in result.output
    assert not out.exists() or not any(out.iterdir())
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2


def test_cli_generates_many_files_in_parallel(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", *map(str, SAMPLES[:2]), "-o", str(out),
                                       "--format", "docx", "-j", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s.stem}.docx" for s in SAMPLES[:2])


def test_every_command_has_chinese_help():
    for name, command in main.commands.items():
        assert command.help and any("\u4e00" <= ch <= "\u9fff" for ch in command.help), name
