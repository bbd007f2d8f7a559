"""A damaged or unreadable index: every command using it says what is wrong and what to do,
in real processes on a real archive, and `gongwen index rebuild` repairs it."""
from __future__ import annotations

import ctypes
import json
import os
import sqlite3
from pathlib import Path

import pytest

from .clirun import gongwen

PR_CAPBSET_DROP = 24
DAC_CAPABILITIES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def without_file_powers() -> None:
    """preexec_fn: the process keeps uid 0 (the interpreter lives under /root, closed to
    other users) but loses the capabilities that let root ignore permission bits, so a
    folder of mode 000 cannot be read, as for anyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in DAC_CAPABILITIES:
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def index_folder(archive: Path) -> Path:
    (folder,) = archive.glob("index-*")
    return folder


def segment_file(archive: Path, ext: str) -> Path:
    """The largest file of a segment of the given kind (.pst postings, .trm terms)."""
    return max(index_folder(archive).glob(f"*{ext}"), key=lambda p: p.stat().st_size)


def truncate_segment(archive: Path) -> None:
    for segment in index_folder(archive).glob("*.pst"):  # a disk that filled up mid-write
        with open(segment, "r+b") as f:
            f.truncate(min(16, segment.stat().st_size))


def overwrite_segment(archive: Path) -> None:
    for ext in (".pst", ".trm"):
        segment = segment_file(archive, ext)
        segment.write_bytes(os.urandom(segment.stat().st_size))


def overwrite_toc(archive: Path) -> None:
    toc = next(index_folder(archive).glob("*.toc"))
    toc.write_bytes(os.urandom(toc.stat().st_size))


def delete_toc(archive: Path) -> None:
    for toc in index_folder(archive).glob("*.toc"):
        toc.unlink()


def folder_made_a_file(archive: Path) -> None:
    folder = index_folder(archive)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("不是索引\n", encoding="utf-8")


DAMAGE = {"truncated segment": (truncate_segment, "已损坏"),
          "random segment": (overwrite_segment, "已损坏"),
          "random TOC": (overwrite_toc, "已损坏"),
          "TOC deleted": (delete_toc, "缺少索引目录文件"),
          "folder is a file": (folder_made_a_file, "不是文件夹")}


def new_received_file(folder: Path) -> Path:
    path = folder / "关于做好汛期值守工作的通知.txt"
    path.write_text("关于做好汛期值守工作的通知\n\n各村（社区）：\n    请落实汛期二十四小时值守。\n\n"
                    "某某镇人民政府\n2021年6月1日\n", encoding="utf-8")
    return path


def hits(archive: Path, *words: str, preexec_fn=None) -> list[int]:
    ran = gongwen("search", *words, "--json", "--per-page", "100", "-A", archive, expect=0,
                  preexec_fn=preexec_fn)
    return [hit["record_id"] for hit in json.loads(ran.out)["hits"]]


def assert_every_command_explains(archive: Path, tmp_path: Path, what: str,
                                  preexec_fn=None) -> None:
    for args in (["search", "疫情"], ["who", "消毒"], ["search", "-值班"]):
        ran = gongwen(*args, "-A", archive, expect=1, preexec_fn=preexec_fn)
        assert what in ran.err and "gongwen index rebuild" in ran.err, ran.text
    ran = gongwen("archive", "verify", "-A", archive, expect=1, preexec_fn=preexec_fn)
    assert what in ran.out and "gongwen index rebuild" in ran.out, ran.text
    ran = gongwen("archive", "add", new_received_file(tmp_path), "-A", archive, "-q", expect=1,
                  preexec_fn=preexec_fn)
    assert "文件已归档，但检索索引未能更新" in ran.err and what in ran.err, ran.text


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_index_is_explained_then_rebuilt(archive_copy, tmp_path, kind):
    damage, what = DAMAGE[kind]
    before = hits(archive_copy, "疫情")
    damage(archive_copy)
    assert_every_command_explains(archive_copy, tmp_path, what)
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    assert set(hits(archive_copy, "疫情")) >= set(before)  # the file added above is there too
    assert hits(archive_copy, "汛期值守") != []
    gongwen("archive", "verify", "-A", archive_copy, expect=0)


def test_unreadable_index_folder_is_explained_then_rebuilt(archive_copy, tmp_path):
    before = hits(archive_copy, "疫情")
    folder = index_folder(archive_copy)
    folder.chmod(0)
    try:
        assert_every_command_explains(archive_copy, tmp_path, "没有权限",
                                      preexec_fn=without_file_powers)
        gongwen("index", "rebuild", "-A", archive_copy, expect=0, preexec_fn=without_file_powers)
        assert set(hits(archive_copy, "疫情", preexec_fn=without_file_powers)) >= set(before)
    finally:
        folder.chmod(0o755)


# -- an archive that cannot be written here: searching answers from the index as it is

def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.iterdir())}


def make_one_record_pending(archive: Path) -> None:
    conn = sqlite3.connect(archive / "catalog.sqlite")
    with conn:
        conn.execute("UPDATE records SET indexed_revision = revision - 1"
                     " WHERE id = (SELECT MIN(id) FROM records)")
    conn.close()


def read_only(*paths: Path) -> None:
    for path in paths:
        for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
            p.chmod(p.stat().st_mode & ~0o222)


def test_search_never_writes_or_locks_a_read_only_index(archive_copy):
    make_one_record_pending(archive_copy)
    folder = index_folder(archive_copy)
    before = snapshot(folder)
    read_only(folder, archive_copy / ".index.lock")
    ran = gongwen("search", "疫情", "--json", "-A", archive_copy, expect=0,
                  preexec_fn=without_file_powers)
    data = json.loads(ran.out)
    assert data["total"] > 0 and data["pending"] == 1
    assert "有 1 条记录尚未编入检索索引" in ran.err
    ran = gongwen("who", "消毒", "-A", archive_copy, expect=0, preexec_fn=without_file_powers)
    assert "责任领导" in ran.out and "尚未编入检索索引" in ran.err
    assert "再次归档或运行 gongwen index rebuild" in ran.err  # the archive itself is writable
    assert snapshot(folder) == before


def test_read_only_archive_is_searched_from_its_index(archive_copy):
    make_one_record_pending(archive_copy)
    folder = index_folder(archive_copy)
    before = snapshot(folder)
    read_only(archive_copy)
    ran = gongwen("search", "疫情", "--json", "-A", archive_copy, preexec_fn=without_file_powers)
    assert ran.code == 0, ran.text
    assert json.loads(ran.out)["pending"] == 1 and "档案库在此只读" in ran.err
    ran = gongwen("who", "消毒", "-A", archive_copy, preexec_fn=without_file_powers)
    assert ran.code == 0 and "责任领导" in ran.out, ran.text
    assert snapshot(folder) == before


class _RunsCode:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def forge_toc_that_runs_code(archive: Path, marker: Path) -> None:
    """A newer TOC whose pickled schema would run a shell command when unpickled."""
    import pickle

    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage

    folder = index_folder(archive)
    generation = max(int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("_MAIN_*.toc")) + 1
    stream = FileStorage(str(folder)).create_file(f"_MAIN_{generation}.toc")
    for size in (whoosh_index._INT_SIZE, whoosh_index._LONG_SIZE, whoosh_index._FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(whoosh_index._CURRENT_TOC_VERSION)
    for number in (2, 7, 5):
        stream.write_varint(number)
    stream.write_string(pickle.dumps(_RunsCode(marker), 2))
    stream.write_int(generation)
    stream.write_int(0)
    stream.write_pickle([])
    stream.close()


def test_a_forged_index_pickle_never_runs_code(archive_copy, tmp_path):
    marker = tmp_path / "ran"
    forge_toc_that_runs_code(archive_copy, marker)
    for args in (["search", "疫情"], ["who", "消毒"]):
        ran = gongwen(*args, "-A", archive_copy, expect=1)
        assert "已损坏" in ran.err and "gongwen index rebuild" in ran.err, ran.text
    gongwen("archive", "verify", "-A", archive_copy, expect=1)
    assert not marker.exists()
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    assert hits(archive_copy, "疫情")
