"""Several processes at once, and a process killed mid-add: real `gongwen` processes."""
from __future__ import annotations

import json
import re
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

GONGWEN = [sys.executable, "-c", "from cli import run; run()"]
ROOT = Path(__file__).resolve().parent.parent


def gongwen(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([*GONGWEN, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def write_batch(folder: Path, prefix: str, count: int) -> list[Path]:
    """Small notices, each with a token found in no other file (批次<prefix><n>)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{prefix}{n:04d}.txt"
        path.write_text(
            f"关于第{n + 1}批次物资调拨的通知\n各社区：\n现将批次{prefix}{n:04d}防护物资调拨至各社区，"
            f"请于三日内签收并做好消毒登记。\n城西街道办事处\n2020年3月{n % 28 + 1}日\n",
            encoding="utf-8")
        paths.append(path)
    return paths


def processes_naming(text: str) -> list[int]:
    """Pids of the processes whose command line holds `text` (forked workers keep the
    parent's command line)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


def assert_no_process_left(text: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while processes_naming(text) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = processes_naming(text)
    for pid in left:  # leave nothing behind for the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left after the add was killed: {left}"


def catalog_count(root: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{root / 'catalog.sqlite'}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def verify(root: Path) -> tuple[int, dict]:
    code, out, _ = finish(gongwen("archive", "verify", "--json", "-A", root))
    return code, json.loads(out)


def search_total(root: Path, words: str) -> int:
    code, out, err = finish(gongwen("search", words, "--json", "-A", root))
    assert code == 0, err
    return json.loads(out)["total"]


def test_two_processes_adding_at_once(tmp_path):
    root = tmp_path / "arc"
    a = write_batch(tmp_path / "a", "甲", 30)
    b = write_batch(tmp_path / "b", "乙", 30)
    shared = a[:5]  # both processes try these: one archives, the other finds them there
    first = gongwen("archive", "add", *a, "-q", "-A", root)
    second = gongwen("archive", "add", *b, *shared, "-q", "-A", root)
    for process in (first, second):
        code, _out, err = finish(process)
        assert code == 0, err
    assert catalog_count(root) == 60
    code, report = verify(root)
    assert code == 0, report["findings"]
    assert report["audit_entries"] == 60
    assert search_total(root, "物资调拨") == 60
    assert search_total(root, "批次乙0029") == 1


def test_killed_add_is_completed_by_running_it_again(tmp_path):
    root = tmp_path / "arc"
    files = write_batch(tmp_path / "in", "丙", 400)
    process = gongwen("archive", "add", tmp_path / "in", "-q", "-A", root)
    deadline = time.monotonic() + 120
    while catalog_count(root) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    interrupted_at = catalog_count(root)
    assert 0 < interrupted_at < len(files), "the add was not interrupted midway"
    assert_no_process_left(str(root))  # its file readers end with it

    code, report = verify(root)
    allowed = {"extra", "incomplete", "index"}  # what an interrupted add may leave
    assert {f["kind"] for f in report["findings"]} <= allowed, report["findings"]
    assert not any(f["kind"] in ("missing", "altered", "chain", "unlogged")
                   for f in report["findings"])

    code, _out, err = finish(gongwen("archive", "add", tmp_path / "in", "-q", "-A", root))
    assert code == 0, err
    assert catalog_count(root) == len(files)
    code, report = verify(root)
    assert code == 0, report["findings"]
    assert search_total(root, "物资调拨") == len(files)


def test_search_works_while_an_add_is_running(tmp_path):
    root = tmp_path / "arc"
    write_batch(tmp_path / "first", "丁", 5)
    code, _out, err = finish(gongwen("archive", "add", tmp_path / "first", "-q", "-A", root))
    assert code == 0, err
    write_batch(tmp_path / "more", "戊", 300)
    adding = gongwen("archive", "add", tmp_path / "more", "-q", "-A", root)
    totals = []
    while adding.poll() is None and len(totals) < 6:
        totals.append(search_total(root, "物资调拨"))
    code, _out, err = finish(adding)
    assert code == 0, err
    assert totals and all(5 <= t <= 305 for t in totals)
    assert totals == sorted(totals)
    assert search_total(root, "物资调拨") == 305


def test_a_terminated_or_interrupted_add_cleans_up_and_says_so(tmp_path):
    from .clirun import assert_no_traceback

    root = tmp_path / "arc"
    files = write_batch(tmp_path / "in", "己", 400)
    for signum, word in ((signal.SIGTERM, "已终止"), (signal.SIGINT, "已中断")):
        before = catalog_count(root)
        process = gongwen("archive", "add", tmp_path / "in", "-q", "-A", root)
        deadline = time.monotonic() + 120
        while catalog_count(root) < before + 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signum)
        code, out, err = finish(process)
        assert_no_traceback(out + err)
        assert code == 128 + signum and word in err, (code, err)
        assert before < catalog_count(root) < len(files), "the add was not stopped midway"
        assert not list((root / "objects" / "tmp").glob("*"))  # no temporary file stays
        _, report = verify(root)
        assert {f["kind"] for f in report["findings"]} <= {"extra", "index"}, report["findings"]
    code, _out, err = finish(gongwen("archive", "add", tmp_path / "in", "-q", "-A", root))
    assert code == 0, err
    code, report = verify(root)
    assert code == 0, report["findings"]


def wait_until_catching(pid: int, signum: int, timeout: float = 60) -> None:
    """Wait until process pid has a handler for signum (the SigCgt mask in /proc/PID/status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return  # already ended
        caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M).group(1), 16)
        if caught >> (signum - 1) & 1:
            return
        time.sleep(0.002)
    raise AssertionError(f"process {pid} never took signal {signum}")


def test_ctrl_c_at_any_moment_of_a_command_gives_no_traceback(tmp_path):
    from .clirun import assert_no_traceback

    root = tmp_path / "arc"
    write_batch(tmp_path / "in", "庚", 3)
    code, _out, err = finish(gongwen("archive", "add", tmp_path / "in", "-q", "-A", root))
    assert code == 0, err
    entry = [sys.executable, "-c", "from gongwen_entry import main; main()"]
    for delay in (0, 0.05, 0.15, 0.3, 0.6, 1.0):
        process = subprocess.Popen([*entry, "search", "物资", "-A", str(root)], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Python's own start-up is outside gongwen: count from the moment gongwen_entry.main has
        # taken SIGTERM (a signal the bare interpreter leaves alone).
        wait_until_catching(process.pid, signal.SIGTERM)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        assert_no_traceback(out + err)
        # -SIGINT: the signal came while Python was shutting down after the command had finished
        # (the interpreter restores the default handlers then); the shell sees an interrupt.
        assert process.returncode in (0, 130, -signal.SIGINT), (delay, process.returncode, err)


def test_interrupting_a_parallel_generate_always_ends_and_leaves_nothing(tmp_path):
    from .clirun import assert_no_traceback
    from .conftest import SAMPLES

    for n, (signum, delay) in enumerate([(signal.SIGINT, 1.5), (signal.SIGTERM, 2.0),
                                         (signal.SIGINT, 2.5), (signal.SIGTERM, 3.0)]):
        out_dir = tmp_path / f"out{n}"
        process = gongwen("generate", *SAMPLES, "-o", out_dir, "-j", "2", "-q")
        wait_until_catching(process.pid, signal.SIGTERM)  # loaded: Python's start-up is not ours
        time.sleep(delay)
        process.send_signal(signum)
        code, out, err = finish(process, timeout=120)  # a hang fails here
        assert_no_traceback(out + err)
        if code == 0:
            continue  # it finished first
        if code == -signum:  # finished, then ended by the signal while Python shut down
            # outputs are moved in only when complete (all or nothing): these are whole
            assert not list(out_dir.glob(".gongwen-*")), list(out_dir.iterdir())
            assert any(out_dir.iterdir()), err
            continue
        assert code == 128 + signum, (code, err)
        assert not out_dir.exists() or not any(out_dir.iterdir()), list(out_dir.iterdir())
