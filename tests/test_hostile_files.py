"""Hostile received files (issue 16): links out of a folder, FIFOs and devices, huge inputs,
zip bombs, huge and encrypted PDFs, names that break an export. Each gets a clear Chinese
refusal from a real `gongwen` process, in bounded time and memory, and never a traceback."""
from __future__ import annotations

import json
import os
import resource
import sqlite3
from pathlib import Path

import pytest

from archive.core import Archive
from archive.inputs import collect_files
from archive.limits import MAX_INPUT_BYTES

from .clirun import gongwen

TIMEOUT = 120  # a FIFO read that blocks would hang; the timeout turns that into a failure
GB = 1024 ** 3


def notice(path: Path, title: str = "关于清理仓库的通知") -> Path:
    path.write_text(f"{title}\n各科室：\n请于本周内清理仓库。\n某某办公室\n2021年3月2日\n",
                    encoding="utf-8")
    return path


def memory_cap(limit: int = GB):
    """preexec_fn: the process may map at most `limit` bytes (a whole read of a big file fails)."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def titles(archive_dir: Path) -> list[str]:
    conn = sqlite3.connect(archive_dir / "catalog.sqlite")
    try:
        return [row[0] for row in conn.execute("SELECT title FROM records ORDER BY id")]
    finally:
        conn.close()


# -- 1. received folders and inputs


def test_link_out_of_a_received_folder_is_reported_and_skipped(tmp_path):
    folder = tmp_path / "收文"
    (folder / "子目录").mkdir(parents=True)
    notice(folder / "通知.txt")
    notice(folder / "子目录" / "第二份.txt", "关于报送材料的通知")
    secret = notice(tmp_path / "外面.txt", "外部文件不应归档")
    (folder / "口令.txt").symlink_to("/etc/passwd")
    (folder / "外面.txt").symlink_to(secret)
    (folder / "外目录").symlink_to(tmp_path, target_is_directory=True)
    (folder / "内部链接.txt").symlink_to(folder / "通知.txt")  # inside: skipped quietly
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", folder, "-A", archive, expect=1, timeout=TIMEOUT)
    for name in ("口令.txt", "外面.txt", "外目录"):
        line = next(l for l in ran.err.splitlines() if l.startswith(f"未归档 {folder / name}"))
        assert "符号链接指向文件夹以外" in line
    assert "内部链接" not in ran.text
    assert sorted(titles(archive)) == sorted(["关于清理仓库的通知", "关于报送材料的通知"])
    assert "新归档 2 份，已存在 0 份，失败 3 份" in ran.text


def test_a_link_named_on_the_command_line_archives_the_file_it_points_at(tmp_path):
    target = notice(tmp_path / "原件.txt")
    (tmp_path / "链接.txt").symlink_to(target)
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", tmp_path / "链接.txt", "-A", archive, expect=0)
    assert f"已归档 {target}" in ran.out
    assert titles(archive) == ["关于清理仓库的通知"]


def test_fifo_is_refused_at_once_named_or_in_a_folder(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    notice(folder / "通知.txt")
    os.mkfifo(folder / "管道.txt")
    os.mkfifo(tmp_path / "另一个管道.pdf")
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", folder, tmp_path / "另一个管道.pdf", "-A", archive,
                  expect=1, timeout=TIMEOUT)
    for path in (folder / "管道.txt", tmp_path / "另一个管道.pdf"):
        assert f"未归档 {path}：不是普通文件（是命名管道（FIFO）），未读取" in ran.err
    assert titles(archive) == ["关于清理仓库的通知"]


@pytest.mark.parametrize("device, kind", [("/dev/zero", "字符设备"), ("/dev/null", "字符设备")])
def test_device_is_refused_at_once(tmp_path, device, kind):
    ran = gongwen("archive", "add", device, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT,
                  preexec_fn=memory_cap())
    assert f"未归档 {device}：不是普通文件（是{kind}），未读取" in ran.err


def test_fifo_is_refused_by_check_and_import(tmp_path):
    fifo = tmp_path / "管道.docx"
    os.mkfifo(fifo)
    ran = gongwen("check", fifo, expect=2, timeout=TIMEOUT)
    assert "命名管道" in ran.text
    ran = gongwen("import", fifo, "-o", tmp_path / "x.yaml", expect=2, timeout=TIMEOUT)
    assert "命名管道" in ran.text
    assert not (tmp_path / "x.yaml").exists()


def test_input_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "巨大.txt"
    with open(big, "wb") as f:  # sparse: costs no disk, but reading it whole needs 1.5 GB
        f.truncate(3 * GB // 2)
    assert big.stat().st_size > MAX_INPUT_BYTES
    ran = gongwen("archive", "add", big, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT,
                  preexec_fn=memory_cap())
    assert f"未归档 {big}：文件大小 1.5 GB，超过单个文件 200 MB 的上限，未读取" in ran.err
    ran = gongwen("check", big, expect=2, timeout=TIMEOUT, preexec_fn=memory_cap())
    assert "超过单个文件 200 MB 的上限" in ran.text


def test_a_file_that_vanishes_after_the_walk_is_a_failure_of_that_file(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    kept, gone = notice(folder / "a.txt"), notice(folder / "b.txt", "关于乙的通知")
    files, refused = collect_files((folder,))
    assert files == [kept, gone] and refused == []
    gone.unlink()
    with Archive(tmp_path / "arc") as archive:
        outcomes = [archive.add_received(path) for path in files]
    assert [o.status for o in outcomes] == ["added", "failed"]
    assert outcomes[1].message == "文件不存在（或已被移走、删除）"


def test_a_folder_that_cannot_be_walked_is_a_failure_of_that_folder(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    notice(folder / "甲.txt")
    (folder / "坏目录").symlink_to(tmp_path / "不存在", target_is_directory=True)
    files, refused = collect_files((folder, tmp_path / "无此文件.pdf"))
    assert files == [folder / "甲.txt"]
    assert [(r.path, r.message) for r in refused] == [
        (str(folder / "坏目录"), f"符号链接指向文件夹以外（{tmp_path / '不存在'}），未跟随，未归档"),
        (str(tmp_path / "无此文件.pdf"), "文件不存在")]
