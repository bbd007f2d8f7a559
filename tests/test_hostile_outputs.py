"""Writing outputs (issue 16): all of a run or nothing, the user's umask, clear refusals for a
bad output folder, nothing left behind by an error or SIGTERM. Real gongwen processes."""
from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from .clirun import GONGWEN, ROOT, assert_no_traceback, gongwen
from .test_numbering_large import long_plan

SMALL = long_plan(sections=2, measures=2)


def write(folder: Path, name: str, text: str = SMALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def everything_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_two_inputs_with_one_output_name_write_nothing(tmp_path):
    first = write(tmp_path / "甲", "方案.yaml")
    second = write(tmp_path / "乙", "方案.yaml")
    out = tmp_path / "out"
    ran = gongwen("generate", first, second, "-o", out, expect=2)
    assert f"{second}:" in ran.err and f"与“{first}”的输出同名" in ran.err
    assert not out.exists()


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_outputs_follow_the_umask(tmp_path, mask):
    source = write(tmp_path, "方案.yaml")
    out = tmp_path / "新目录" / "out"
    gongwen("generate", source, "-o", out, "-q", expect=0, preexec_fn=lambda: os.umask(mask))
    for path in (out / "方案.docx", out / "方案.pdf"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    for folder in (out, out.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask
    assert everything_in(out) == ["方案.docx", "方案.pdf"]


def test_output_path_that_is_a_file(tmp_path):
    source = write(tmp_path, "方案.yaml")
    target = tmp_path / "out"
    target.write_text("不是目录", encoding="utf-8")
    ran = gongwen("generate", source, "-o", target, expect=2)
    assert f"{target}: 输出目录是一个文件" in ran.err
    assert target.read_text(encoding="utf-8") == "不是目录"


def test_output_name_too_long(tmp_path):
    name = "长" * 83 + "ab.yml"  # 255 bytes: the input fits, "….docx" (256) would not
    source = write(tmp_path, name)
    out = tmp_path / "out"
    ran = gongwen("generate", source, "-o", out, expect=2)
    assert "过长" in ran.err and f"{source}:" in ran.err
    assert not out.exists()


def test_a_folder_in_place_of_an_output(tmp_path):
    source = write(tmp_path, "方案.yaml")
    (tmp_path / "out" / "方案.pdf").mkdir(parents=True)
    ran = gongwen("generate", source, "-o", tmp_path / "out", expect=2)
    assert "已有同名的文件夹" in ran.err
    assert everything_in(tmp_path / "out") == ["方案.pdf"]


@pytest.fixture
def unwritable(tmp_path):
    """A folder this process cannot write in: read-only mode, or immutable when run as root."""
    folder = tmp_path / "只读"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("root without chattr: cannot make a folder unwritable")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_unwritable_output_folder(tmp_path, unwritable):
    source = write(tmp_path, "方案.yaml")
    for out in (unwritable, unwritable / "子目录"):
        ran = gongwen("generate", source, "-o", out, expect=1)
        assert f"“{out}”" in ran.err and ("没有权限" in ran.err or "不允许的操作" in ran.err)
    assert everything_in(unwritable) == []


def file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_write_error_in_the_second_file_leaves_nothing(tmp_path, jobs):
    """The first document fits under the file size limit (its PDF ~60 KB), the second's PDF
    (~100 KB) does not: the first one's outputs, written already, must go too."""
    small = write(tmp_path, "一小.yaml")
    large = write(tmp_path, "二大.yaml", long_plan(sections=300, measures=300))
    out = tmp_path / "out"
    if jobs == "2":
        out.mkdir()
        (out / "旧文件.txt").write_text("保留", encoding="utf-8")
    ran = gongwen("generate", small, large, "-o", out, "-j", jobs, expect=1,
                  preexec_fn=file_size_limit(85_000), timeout=300)
    assert "生成失败" in ran.err and "二大.pdf" in ran.err and "超出文件大小限制" in ran.err
    assert everything_in(out) == (["旧文件.txt"] if jobs == "2" else [])


def test_sigterm_during_generate_leaves_a_clean_folder(tmp_path):
    source = write(tmp_path, "长篇.yaml", long_plan(sections=400, measures=400))
    out = tmp_path / "out"
    out.mkdir()
    env = os.environ.copy() | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([*GONGWEN, "generate", str(source), "-o", str(out)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not any(p.name.startswith(".gongwen-") for p in out.iterdir()):
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.05)
        time.sleep(0.5)  # inside the renderer
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert_no_traceback(stdout + stderr)
    assert process.returncode == 128 + signal.SIGTERM and "已终止" in stderr
    assert everything_in(out) == []


def test_a_batch_that_fails_while_rendering_leaves_no_unit_yaml(tmp_path):
    """Every unit's PDF (~230 KB) exceeds the file size limit: the unit YAML files written
    before rendering go too, and a unit YAML that was there before is as it was."""
    district = ROOT / "samples" / "district"
    out = tmp_path / "各单位"
    args = ["batch", "--from", district / "教育系统联防联控制度.yaml",
            "--rosters", district / "花名册", "-o", out, "-j", "1"]
    ran = gongwen(*args, expect=1, preexec_fn=file_size_limit(150_000), timeout=300)
    assert "生成失败" in ran.err and "恢复原样" in ran.err
    assert not out.exists(), everything_in(out)
    gongwen(*args, "-f", "yaml", expect=0)
    edited = out / "青山县城东中学.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# 本校改过\n", encoding="utf-8")
    kept = {name: (out / name).read_bytes() for name in everything_in(out)}
    gongwen(*args, "--force", expect=1, preexec_fn=file_size_limit(150_000), timeout=300)
    assert {name: (out / name).read_bytes() for name in everything_in(out)} == kept
