"""The disk refuses a write mid-batch (here a file-size limit, as a full disk would): what was
archived is reported, nothing more is attempted, nothing half-written stays, and running the
same command again completes the batch."""
from __future__ import annotations

import resource
import sqlite3
from pathlib import Path

from .clirun import gongwen

LIMIT = 1024 * 1024  # above what the catalog's WAL reaches before the large file


def write_batch(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for n in range(12):
        path = folder / f"通知{n:02d}.txt"
        body = f"请各村做好第{n + 1}轮秸秆禁烧巡查工作。\n" * (40_000 if n == 5 else 3)
        path.write_text(f"关于开展第{n + 1}轮秸秆禁烧巡查的通知\n各村委会：\n{body}"
                        "东岗镇人民政府\n2021年10月9日\n", encoding="utf-8")
        paths.append(path)
    assert paths[5].stat().st_size > LIMIT
    return paths


def lines_starting(text: str, start: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith(start))


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def count(root: Path) -> int:
    conn = sqlite3.connect(root / "catalog.sqlite")
    try:
        return conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def test_a_full_disk_stops_the_batch_reports_it_and_a_rerun_completes_it(tmp_path):
    batch = write_batch(tmp_path / "收文")
    root = tmp_path / "arc"
    ran = gongwen("archive", "add", tmp_path / "收文", "-A", root, preexec_fn=limited)
    assert ran.code == 1, ran.text
    assert "未归档" in ran.err and "超出文件大小限制" in ran.err + ran.out
    assert "重新运行同一命令即可补全" in ran.err
    archived = count(root)
    assert 0 < archived < len(batch)
    assert lines_starting(ran.out, "已归档 ") == archived  # each one reported
    assert not list((root / "objects" / "tmp").glob("*"))  # no temporary file left
    again = gongwen("archive", "add", tmp_path / "收文", "-A", root, expect=0)
    assert count(root) == len(batch)
    assert lines_starting(again.out, "已存在 ") == archived
    gongwen("archive", "verify", "-A", root, expect=0)


def test_a_catalog_write_the_disk_refuses_is_said_in_chinese_and_a_rerun_completes(tmp_path):
    batch = write_batch(tmp_path / "收文")
    root = tmp_path / "arc"
    gongwen("archive", "add", batch[0], "-A", root, expect=0)  # the catalog exists

    def tight() -> None:  # the catalog (its WAL) reaches this before any small object does
        resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))

    small = [p for p in batch if p.stat().st_size < 4096]
    for path in small:
        path.rename(tmp_path / "收文" / f"小{path.name}")
    ran = gongwen("archive", "add", tmp_path / "收文", "-A", root, preexec_fn=tight)
    assert ran.code == 1, ran.text
    assert "磁盘读写出错" in ran.err and "disk I/O error" not in ran.err, ran.err
    assert not list((root / "objects" / "tmp").glob("*"))
    gongwen("archive", "add", tmp_path / "收文", "-A", root, expect=0)
    assert count(root) == len(batch)
    gongwen("archive", "verify", "-A", root, expect=0)
