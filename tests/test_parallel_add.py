"""`archive add` reads files in worker processes: the archive it makes is the one a single
process makes, record for record, in the same order, with the same reports."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .clirun import gongwen
from .test_reliability import write_batch

VOLATILE = ("added_at", "added_by", "path")  # when and from where, not what


def _folder(root: Path) -> Path:
    folder = root / "收文"
    write_batch(folder, "庚", 14)
    shutil.copy(folder / "庚0003.txt", folder / "庚0003-副本.txt")  # a duplicate within the batch
    (folder / "扫描件.pdf").write_bytes(b"%PDF-1.4\n% not a real PDF\n")  # refused by the reader
    (folder / "空白.txt").write_text("", encoding="utf-8")
    return folder


def _records(archive: Path) -> list[dict]:
    records = json.loads(gongwen("archive", "list", "--json", "-A", archive, expect=0).out)
    for record in records:
        for key in VOLATILE:
            record.pop(key, None)
    return records


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_parallel_and_single_process_adds_make_the_same_archive(tmp_path):
    folder = _folder(tmp_path)
    single = gongwen("archive", "add", "-j", "1", folder, "-A", tmp_path / "一", expect=None)
    parallel = gongwen("archive", "add", "-j", "2", folder, "-A", tmp_path / "二", expect=None)
    assert single.code == parallel.code == 1  # the refused PDF
    one, two = _records(tmp_path / "一"), _records(tmp_path / "二")
    assert len(one) == 15  # 14 notices and the empty file; the copy is a duplicate
    assert one == two
    strip = lambda text: [line.replace("/一/", "/").replace("/二/", "/") for line in _lines(text)]
    assert strip(single.out) == strip(parallel.out)
    assert sorted(strip(single.err)) == sorted(strip(parallel.err))
    assert "扫描件.pdf" in parallel.err and "已存在" in parallel.out
    for archive in ("一", "二"):
        gongwen("archive", "verify", "-A", tmp_path / archive, expect=0)
    hits = json.loads(gongwen("search", "批次庚0009", "--json", "-A", tmp_path / "二", expect=0).out)
    assert hits["total"] == 1
