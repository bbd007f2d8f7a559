"""`gongwen check --fix` on real files: what it changes is only the flawed characters; links,
permission bits, owner, line ends and a BOM stay as they were; a read-only file is refused."""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from .clirun import gongwen
from .test_index_damage import without_file_powers

LINES = ["文种: 通知", "标题: 关于做好防汛值守的通知", "发文机关: 某某镇人民政府",
         "成文日期: 2021.6.1", "主送机关: [各村]", "正文:", "  - 请落实值守,做好记录...",
         "  - 保持通讯畅通。"]
FIXES = [("2021.6.1", "2021-06-01"), ("值守,做好", "值守，做好"), ("记录...", "记录……")]


def yaml_bytes(ends: list[str], bom: bool = False) -> bytes:
    body = "".join(line + end for line, end in zip(LINES, ends))
    return (codecs.BOM_UTF8 if bom else b"") + body.encode("utf-8")


def fixed(data: bytes) -> bytes:
    for old, new in FIXES:
        assert old.encode() in data
        data = data.replace(old.encode(), new.encode())
    return data


def write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    path.write_bytes(data)
    path.chmod(mode)
    return path


def fix(*paths: Path, expect: int = 0, preexec_fn=None):
    return gongwen("check", "--fix", *paths, expect=expect, preexec_fn=preexec_fn)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("ends", [["\r\n"] * 8, ["\n"] * 8,
                                  ["\r\n", "\n", "\r\n", "\r\n", "\n", "\n", "\r\n", ""],
                                  ["\r\n", "\r\n", "\r", "\r\n", "\r\n", "\r\n", "\n", "\r\n"]],
                         ids=["crlf", "lf", "mixed", "lone-cr"])
@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_only_the_flawed_characters_change(tmp_path, ends, bom):
    original = yaml_bytes(ends, bom)
    path = write(tmp_path / "通知.yaml", original)
    ran = fix(path)
    assert "已修改" in ran.err
    assert path.read_bytes() == fixed(original)  # line ends and BOM byte for byte
    assert leftovers(tmp_path) == []


def test_mode_and_owner_are_kept(tmp_path):
    path = write(tmp_path / "通知.yaml", yaml_bytes(["\n"] * 8), mode=0o640)
    os.chown(path, 65534, 65534)
    fix(path)
    info = path.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640 and (info.st_uid, info.st_gid) == (65534, 65534)
    assert path.read_bytes() == fixed(yaml_bytes(["\n"] * 8))


def test_a_link_stays_a_link_and_its_target_is_fixed(tmp_path):
    elsewhere = tmp_path / "原件"
    elsewhere.mkdir()
    target = write(elsewhere / "通知.yaml", yaml_bytes(["\r\n"] * 8), mode=0o600)
    link = tmp_path / "链接.yaml"
    link.symlink_to(os.path.relpath(target, tmp_path))
    chain = tmp_path / "再链接.yaml"
    chain.symlink_to(link.name)
    fix(chain)
    assert chain.is_symlink() and os.readlink(chain) == link.name
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, tmp_path)
    assert target.read_bytes() == fixed(yaml_bytes(["\r\n"] * 8))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == [] and leftovers(elsewhere) == []


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_a_read_only_file_is_refused_unchanged_even_for_root(tmp_path, mode):
    original = yaml_bytes(["\r\n"] * 8)
    path = write(tmp_path / "通知.yaml", original, mode=mode)
    stamp = path.stat().st_mtime_ns
    ran = fix(path, expect=2)
    assert "只读文件" in ran.err and "通知.yaml" in ran.err and "未作修改" in ran.err
    assert path.read_bytes() == original and path.stat().st_mtime_ns == stamp
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert leftovers(tmp_path) == []


def test_a_link_to_a_read_only_file_is_refused(tmp_path):
    original = yaml_bytes(["\n"] * 8)
    target = write(tmp_path / "原件.yaml", original, mode=0o444)
    link = tmp_path / "链接.yaml"
    link.symlink_to(target.name)
    ran = fix(link, expect=2)
    assert "链接到" in ran.err and "只读文件" in ran.err
    assert target.read_bytes() == original and link.is_symlink()


def test_a_folder_that_cannot_be_written_is_reported_without_a_temporary_file(tmp_path):
    folder = tmp_path / "只读目录"
    folder.mkdir()
    original = yaml_bytes(["\n"] * 8)
    path = write(folder / "通知.yaml", original)
    folder.chmod(0o555)
    try:
        ran = fix(path, expect=2, preexec_fn=without_file_powers)
    finally:
        folder.chmod(0o755)
    assert "无法写入" in ran.err and "没有权限" in ran.err
    assert path.read_bytes() == original and leftovers(folder) == []


def test_a_file_with_nothing_to_fix_is_not_refused_for_being_read_only(tmp_path):
    clean = yaml_bytes(["\r\n"] * 8)
    for old, new in FIXES:
        clean = clean.replace(old.encode(), new.encode())
    path = write(tmp_path / "通知.yaml", clean, mode=0o444)
    ran = fix(path, expect=0)
    assert ran.err == "" and path.read_bytes() == clean
