"""Paths a YAML names (附件 文档, 继承, 花名册) are read only inside the folders of the files the
user named, or folders allowed with --allow-dir / GONGWEN_ALLOW_DIRS; never a FIFO or a device;
a refused file's contents are never echoed (issue 16)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .clirun import gongwen
from .conftest import ROOT

SECRET = "机密口令甲乙丙"

NOTICE = """\
文种: 通知
标题: 关于做好值班工作的通知
发文机关: 某某局
成文日期: 2021-03-04
主送机关: 各科室
正文:
  - 标题: 值班安排
    内容: 请各科室做好值班。
附件:
  - 文档: {target}
"""

PLAN = """\
文种: 方案
标题: 值班工作方案
发文机关: 某某局
成文日期: 2021-03-04
人员:
  - {姓名: 赵甲, 职务: 局长}
正文:
  - 标题: 工作安排
    内容: 每日安排专人值班。
"""


@pytest.fixture
def layout(tmp_path) -> dict[str, Path]:
    """A document folder, and beside it a private folder the document has no business in."""
    docs, private = tmp_path / "来文", tmp_path / "私人"
    docs.mkdir()
    private.mkdir()
    # not valid YAML, so reading it would produce a syntax error quoting its text
    (private / "口令.yaml").write_text(f"{SECRET}: [\n  {SECRET}\n", encoding="utf-8")
    (private / "方案.yaml").write_text(PLAN, encoding="utf-8")
    return {"docs": docs, "private": private, "out": tmp_path / "out"}


def notice(folder: Path, target: str, name: str = "通知.yaml") -> Path:
    path = folder / name
    path.write_text(NOTICE.format(target=target), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["validate", "generate", "check"])
def test_attachment_outside_the_folder_is_refused_unread(layout, command):
    secret = layout["private"] / "口令.yaml"
    for written in (str(secret), "../私人/口令.yaml"):
        path = notice(layout["docs"], written)
        extra = ["-o", layout["out"]] if command == "generate" else []
        ran = gongwen(command, path, *extra, expect=1 if command == "check" else 2)
        assert "不在允许读取的文件夹中" in ran.text and "--allow-dir" in ran.text
        assert SECRET not in ran.text
    assert not layout["out"].exists()


def test_a_symlink_out_of_the_folder_is_refused(layout):
    link = layout["docs"] / "附件.yaml"
    link.symlink_to(layout["private"] / "方案.yaml")
    path = notice(layout["docs"], "附件.yaml")
    ran = gongwen("validate", path, expect=2)
    assert f"{path}:10:" in ran.err and "不在允许读取的文件夹中" in ran.err


def test_allow_dir_and_the_environment_let_it_through(layout):
    path = notice(layout["docs"], str(layout["private"] / "方案.yaml"))
    gongwen("validate", path, "--allow-dir", layout["private"], expect=0)
    gongwen("validate", path, expect=0,
            env={"GONGWEN_ALLOW_DIRS": os.pathsep.join(["/nonexistent", str(layout["private"])])})
    ran = gongwen("generate", path, "-o", layout["out"], "-f", "docx", "-q",
                  "--allow-dir", layout["private"], expect=0)
    assert (layout["out"] / "通知.docx").is_file(), ran.text


def test_an_attachment_in_a_subfolder_is_fine(layout):
    (layout["docs"] / "附件").mkdir()
    (layout["docs"] / "附件" / "方案.yaml").write_text(PLAN, encoding="utf-8")
    gongwen("validate", notice(layout["docs"], "附件/方案.yaml"), expect=0)


def test_inherit_and_roster_outside_are_refused(layout, tmp_path):
    district = tmp_path / "区"
    shutil.copytree(ROOT / "samples" / "district", district)
    elsewhere = layout["docs"] / "某校.yaml"
    elsewhere.write_text(f"继承: {district / '教育系统联防联控制度.yaml'}\n单位: 青山县城东中学\n"
                         f"花名册: {district / '花名册'}\n", encoding="utf-8")
    ran = gongwen("validate", elsewhere, expect=2)
    assert "字段“继承”：模板" in ran.err and "不在允许读取的文件夹中" in ran.err
    ran = gongwen("validate", elsewhere, "--allow-dir", district, expect=0)
    inside = layout["docs"] / "乙校.yaml"
    shutil.copy(district / "教育系统联防联控制度.yaml", layout["docs"] / "模板.yaml")
    inside.write_text(f"继承: 模板.yaml\n单位: 青山县城东中学\n花名册: {district / '花名册'}\n",
                      encoding="utf-8")
    ran = gongwen("validate", inside, expect=2)
    assert "字段“花名册”：花名册" in ran.err and "不在允许读取的文件夹中" in ran.err


def test_the_sample_unit_plan_works_when_its_district_is_named(tmp_path):
    district = ROOT / "samples" / "district"
    plan = district / "单位" / "青山县第二实验小学联防联控制度.yaml"
    ran = gongwen("validate", plan, expect=2)  # alone: its template lies one folder up
    assert f"--allow-dir {district}" in ran.err
    gongwen("validate", plan, "--allow-dir", district, expect=0)
    gongwen("coverage", district / "教育系统联防联控制度.yaml", district / "单位", expect=0)
    gongwen("check", district, expect=0)


def test_a_fifo_is_refused_without_blocking(layout):
    fifo = layout["docs"] / "管道.yaml"
    os.mkfifo(fifo)
    path = notice(layout["docs"], "管道.yaml")
    ran = gongwen("validate", path, expect=2, timeout=60)
    assert "命名管道" in ran.err and f"{path}:10:" in ran.err
    ran = gongwen("validate", fifo, expect=2, timeout=60)
    assert f"{fifo}: " in ran.err and "命名管道" in ran.err
    ran = gongwen("check", fifo, "--fix", expect=2, timeout=60)
    assert "命名管道" in ran.out
    ran = gongwen("generate", fifo, "-o", layout["out"], expect=2, timeout=60)
    assert not layout["out"].exists()


def test_a_device_and_a_folder_are_refused(layout):
    ran = gongwen("validate", notice(layout["docs"], "/dev/zero"), "--allow-dir", "/dev",
                  expect=2, timeout=60)
    assert "字符设备" in ran.err
    (layout["docs"] / "目录.yaml").mkdir()
    ran = gongwen("validate", notice(layout["docs"], "目录.yaml"), expect=2)
    assert "是文件夹" in ran.err


def test_a_roster_folder_link_out_is_refused(layout, tmp_path):
    district = tmp_path / "区"
    shutil.copytree(ROOT / "samples" / "district", district)
    (district / "花名册" / "外人.yaml").symlink_to(layout["private"] / "口令.yaml")
    ran = gongwen("init", "--from", district / "教育系统联防联控制度.yaml",
                  "--roster", district / "花名册", "--unit", "青山县城东中学",
                  "-o", tmp_path / "x.yaml", expect=2)
    assert "外人.yaml" in ran.err and "不在允许读取的文件夹中" in ran.err
    assert SECRET not in ran.text and not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize("command", ["validate", "generate", "check", "init", "batch", "coverage"])
def test_every_yaml_command_offers_allow_dir(command):
    assert "--allow-dir" in gongwen(command, "--help", expect=0).out
