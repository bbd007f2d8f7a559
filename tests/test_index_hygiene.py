"""Index hygiene, with real processes on real archives: what a killed writer or a user leaves in
the index folder is named by verify and cleaned by the next write; an index from another
archive, or an old copy of this one's, is named and rebuilt; a rebuild never removes a folder
a search is reading."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from whoosh import fields
from whoosh import index as whoosh_index

from search import hygiene

from .clirun import ROOT, assert_no_traceback, gongwen

SEAL = "gongwen-seal.json"


def index_folders(archive: Path) -> list[Path]:
    return sorted(archive.glob("index-*"))


def current_folder(archive: Path) -> Path:
    conn = sqlite3.connect(archive / "catalog.sqlite")
    try:
        return archive / conn.execute("SELECT value FROM meta WHERE key='index_dir'").fetchone()[0]
    finally:
        conn.close()


def toc_files(folder: Path) -> set[str]:
    """The files the folder's latest TOC names, read with Whoosh itself (not with hygiene)."""
    ix = whoosh_index.open_dir(str(folder))
    generation = ix.latest_generation()
    toc = whoosh_index.TOC.read(ix.storage, ix.indexname, generation)
    ids = [segment.segment_id() for segment in toc.segments]
    return {f"_MAIN_{generation}.toc"} | {p.name for p in folder.iterdir()
                                          if any(p.name.startswith(i + ".") for i in ids)}


def assert_only_the_index(folder: Path) -> None:
    names = {p.name for p in folder.iterdir()}
    assert names <= toc_files(folder) | {"MAIN_WRITELOCK", SEAL}, names - toc_files(folder)
    assert SEAL in names


def verify(archive: Path) -> tuple[int, list[dict]]:
    ran = gongwen("archive", "verify", "--json", "-A", archive)
    return ran.code, json.loads(ran.out)["findings"]


def notice(folder: Path, name: str, words: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(f"关于{name}的通知\n各社区：\n现将{words}有关事项通知如下，请认真落实。\n"
                    "城西街道办事处\n2021年5月6日\n", encoding="utf-8")
    return path


def add(archive: Path, *paths: Path) -> None:
    gongwen("archive", "add", *paths, "-q", "-A", archive, expect=0)


def total(archive: Path, words: str) -> int:
    ran = gongwen("search", words, "--json", "-A", archive, expect=0)
    return json.loads(ran.out)["total"]


CHILD_ENV = os.environ | {"PYTHONPATH": str(ROOT)}


def child(code: str) -> subprocess.Popen:
    """A Python process running gongwen's library; it says "ready" when it reaches its pause."""
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=CHILD_ENV, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_ready(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    assert line.startswith("ready"), line + process.stderr.read()
    return line


# -- leftovers


KILLED_MID_COMMIT = """
import sys
from pathlib import Path
from archive.core import Archive
from search.index import sync

archive = Archive(Path(sys.argv[1]))
for path in sorted(Path(sys.argv[2]).iterdir()):
    assert archive.add_received(path).status == "added"
seen = []

def progress(n):
    seen.append(n)
    if len(seen) == 5:  # the writer has documents in hand: stop here until killed
        print("ready", flush=True)
        sys.stdin.readline()

sync(archive, progress=progress)
"""


def test_a_writer_killed_mid_commit_leaves_files_verify_names_and_the_next_add_cleans(
        archive_copy, tmp_path):
    for n in range(12):
        notice(tmp_path / "batch", f"第{n}批物资调拨", f"批号丙{n:03d}")
    writer = subprocess.Popen([sys.executable, "-c", KILLED_MID_COMMIT, archive_copy,
                               tmp_path / "batch"], cwd=ROOT, env=CHILD_ENV, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    wait_ready(writer)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    folder = current_folder(archive_copy)
    left = {p.name for p in folder.iterdir()} - toc_files(folder) - {"MAIN_WRITELOCK", SEAL}
    assert left, "the killed writer left nothing: nothing was tested"
    assert "MAIN.tmp" in left  # its posting pool

    code, findings = verify(archive_copy)
    assert code == 1
    orphans = [f for f in findings if "不属于当前索引的索引文件" in f["message"]]
    assert len(orphans) == 1 and orphans[0]["kind"] == "index", findings
    assert orphans[0]["subject"] == str(folder) and "共 " in orphans[0]["message"]
    assert {f["kind"] for f in findings} == {"index"}  # the rest: the 12 records not yet indexed

    add(archive_copy, notice(tmp_path / "more", "防汛值守", "汛期值守"))
    assert_only_the_index(current_folder(archive_copy))
    assert verify(archive_copy) == (0, [])
    assert total(archive_copy, "物资调拨") >= 12 and total(archive_copy, "汛期值守") == 1


def test_stray_files_and_a_half_written_toc_are_named_then_removed(archive_copy, tmp_path):
    folder = current_folder(archive_copy)
    outside = tmp_path / "用户的文件.txt"
    outside.write_text("不要删我\n", encoding="utf-8")
    (folder / "笔记.txt").write_text("临时记下的\n", encoding="utf-8")
    (folder / "备份").mkdir()
    (folder / "备份" / "旧索引.seg").write_bytes(b"x" * 3000)
    (folder / "指向外面").symlink_to(outside)
    (folder / "_MAIN_99.toc.1764650000.125").write_bytes(b"half")  # a writer died renaming it

    code, findings = verify(archive_copy)
    assert code == 1
    messages = {f["message"] for f in findings if f["subject"] == str(folder)}
    assert any("1 个不属于当前索引的索引文件" in m and "_MAIN_99.toc.1764650000.125" in m
               for m in messages), findings
    assert any("3 个 gongwen 和 Whoosh 都不会写的文件或目录" in m and "KB" in m
               for m in messages), findings

    add(archive_copy, notice(tmp_path / "in", "防汛值守", "汛期值守"))
    assert_only_the_index(folder)
    assert outside.read_text(encoding="utf-8") == "不要删我\n"  # the link was removed, not followed
    assert verify(archive_copy) == (0, [])


def test_segments_mostly_deleted_are_rewritten(tmp_path):
    """Whoosh drops a deleted document only when it rewrites the segment: a size-based merge
    policy alone would keep a large segment's dead documents for good."""
    ix = whoosh_index.create_in(str(tmp_path), fields.Schema(n=fields.ID(stored=True)))
    writer = ix.writer()
    for n in range(10):
        writer.add_document(n=str(n))
    writer.commit()
    for deleted, expected in ((4, False), (5, True)):
        writer = ix.writer()
        for n in range(deleted):
            writer.delete_by_term("n", str(n))
        writer.commit(merge=False)
        with ix.reader() as reader:
            assert hygiene.worth_rewriting(reader.segment()) is expected


# -- a foreign or stale index


def test_an_index_from_another_archive_is_refused_named_and_rebuilt(archive_copy, tmp_path):
    other = tmp_path / "other"
    add(other, notice(tmp_path / "o", "另一个单位的通知", "别处独有的词语"))
    current = current_folder(archive_copy)
    shutil.rmtree(current)
    shutil.copytree(current_folder(other), current)  # the other archive's index, under our name

    ran = gongwen("search", "别处独有的词语", "-A", archive_copy, expect=1)
    assert "另一个档案库" in ran.err and "gongwen index rebuild" in ran.err
    code, findings = verify(archive_copy)
    assert code == 1 and any("另一个档案库" in f["message"] for f in findings), findings

    add(archive_copy, notice(tmp_path / "in", "防汛值守", "汛期值守"))  # sync rebuilds it
    assert total(archive_copy, "别处独有的词语") == 0
    assert total(archive_copy, "汛期值守") == 1 and total(archive_copy, "疫情") > 0
    assert verify(archive_copy) == (0, [])


def test_an_old_copy_of_the_index_put_back_is_named_and_rebuilt(archive_copy, tmp_path):
    current = current_folder(archive_copy)
    saved = tmp_path / "saved-index"
    shutil.copytree(current, saved)
    add(archive_copy, notice(tmp_path / "a", "冷链排查", "冷链仓库排查"))
    shutil.rmtree(current)
    shutil.copytree(saved, current)  # a backup of the index restored over the newer one

    code, findings = verify(archive_copy)
    assert code == 1 and any("旧副本" in f["message"] for f in findings), findings
    assert total(archive_copy, "冷链仓库排查") == 0  # what the old copy does not hold

    add(archive_copy, notice(tmp_path / "b", "防汛值守", "汛期值守"))
    assert total(archive_copy, "冷链仓库排查") == 1  # not taken for indexed: rebuilt
    assert total(archive_copy, "汛期值守") == 1
    assert verify(archive_copy) == (0, [])


def test_index_files_replaced_under_the_seal_are_named(archive_copy, tmp_path):
    current = current_folder(archive_copy)
    seal = (current / SEAL).read_text(encoding="utf-8")
    add(archive_copy, notice(tmp_path / "a", "冷链排查", "冷链仓库排查"))
    (current / SEAL).write_text(seal, encoding="utf-8")  # the new files under the old seal
    code, findings = verify(archive_copy)
    assert code == 1 and any("封记之后索引文件被替换或改动" in f["message"] for f in findings)
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    assert verify(archive_copy) == (0, [])


# -- rebuilding beside searches


HOLDING_READER = """
import sys
from pathlib import Path
from archive.core import Archive
from search.index import index_dir, open_index

archive = Archive(Path(sys.argv[1]))
ix = open_index(archive)  # a search that has opened the index but not read it yet
print("ready", index_dir(archive), flush=True)
sys.stdin.readline()
with ix.searcher() as searcher:
    print(searcher.doc_count())
"""


def test_a_rebuild_keeps_the_folder_a_search_is_reading_until_it_is_done(archive_copy, tmp_path):
    old = current_folder(archive_copy)
    reader = child(HOLDING_READER.replace("sys.argv[1]", repr(str(archive_copy))))
    wait_ready(reader)
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    new = current_folder(archive_copy)
    assert new != old and old.is_dir()  # the reader holds it

    code, findings = verify(archive_copy)
    assert code == 1
    assert findings == [{"kind": "extra", "subject": str(old),
                         "message": "旧的检索索引，仍有检索进程在读取（该进程结束后，"
                                    "下次归档或 gongwen index rebuild 会清理）"}]

    out, err = reader.communicate("go\n")
    assert reader.returncode == 0, err
    assert int(out) > 0  # answered from the old folder, as it was
    add(archive_copy, notice(tmp_path / "in", "防汛值守", "汛期值守"))  # the next write sweeps
    assert index_folders(archive_copy) == [new]
    assert verify(archive_copy) == (0, [])


OPEN_SESSION = """
import sys
from pathlib import Path
from archive.core import Archive
from search.query import ArchiveSearcher

session = ArchiveSearcher(Archive(Path(sys.argv[1])))
print("ready", session.search("疫情").total, flush=True)
sys.stdin.readline()
print(session.search("疫情").total)
"""


def test_an_open_search_session_answers_across_a_rebuild(archive_copy):
    session = child(OPEN_SESSION.replace("sys.argv[1]", repr(str(archive_copy))))
    before = int(wait_ready(session).split()[1])
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    out, err = session.communicate("go\n")
    assert session.returncode == 0, err
    assert int(out) == before > 0


GONGWEN = [sys.executable, "-c", "from cli import run; run()"]


def test_searches_run_beside_rebuilds(archive_copy):
    expected = total(archive_copy, "疫情")
    ran, stop = [], threading.Event()

    def searching():
        while not stop.is_set():
            done = subprocess.run([*GONGWEN, "search", "疫情", "--json", "-A", str(archive_copy)],
                                  cwd=ROOT, env=CHILD_ENV, capture_output=True, text=True)
            ran.append(done)

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert ran
    for done in ran:
        assert_no_traceback(done.stdout + done.stderr)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["total"] == expected
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)  # sweeps what readers held
    assert len(index_folders(archive_copy)) == 1
    assert verify(archive_copy) == (0, [])


def test_a_seal_replaced_by_a_fifo_or_a_link_is_named_without_hanging(archive_copy, tmp_path):
    current = current_folder(archive_copy)
    (current / SEAL).unlink()
    os.mkfifo(current / SEAL)  # reading it would block for ever
    code, findings = verify(archive_copy)
    assert code == 1 and any("封记文件" in f["message"] and "已损坏" in f["message"]
                             for f in findings), findings
    (current / SEAL).unlink()
    (current / SEAL).symlink_to("/dev/zero")
    assert verify(archive_copy)[0] == 1
    add(archive_copy, notice(tmp_path / "in", "防汛值守", "汛期值守"))  # rebuilt, sealed again
    assert verify(archive_copy) == (0, [])
    assert total(archive_copy, "汛期值守") == 1


MANY_THEN_REINDEXED = """
import sqlite3, sys
from pathlib import Path
from archive.core import Archive
from search.index import SMALL_SEGMENT, sync

root, inputs = Path(sys.argv[1]), Path(sys.argv[2])
archive = Archive(root)
for path in sorted(inputs.iterdir()):
    assert archive.add_received(path).status == "added"
sync(archive)  # one segment, larger than the merge policy's small ones
conn = sqlite3.connect(root / "catalog.sqlite")
with conn:  # what editing most of the records does to their revisions
    conn.execute("UPDATE records SET revision = revision + 1 WHERE id % 5 != 0")
conn.close()
sync(archive)
print(SMALL_SEGMENT)
"""


def segments(folder: Path) -> list[tuple[int, int]]:
    """(documents, deleted documents) of each segment the latest TOC lists, read with Whoosh."""
    ix = whoosh_index.open_dir(str(folder))
    toc = whoosh_index.TOC.read(ix.storage, ix.indexname, ix.latest_generation())
    return [(s.doc_count_all(), s.deleted_count()) for s in toc.segments]


def test_reindexing_most_records_of_a_large_segment_leaves_no_dead_documents(tmp_path):
    inputs = tmp_path / "in"
    for n in range(520):
        notice(inputs, f"第{n:03d}批物资调拨", f"批号丁{n:03d}")
    root = tmp_path / "arc"
    done = subprocess.run([sys.executable, "-c", MANY_THEN_REINDEXED, root, inputs], cwd=ROOT,
                          env=CHILD_ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) < 520  # the first segment was a large one
    found = segments(current_folder(root))
    assert sum(total for total, _ in found) == 520, found  # the re-indexed ones, once
    assert all(deleted == 0 for _, deleted in found), found
    assert total(root, "物资调拨") == 520
    assert verify(root) == (0, [])


def test_a_forged_indexed_revision_is_named_by_verify(tmp_path):
    import sqlite3

    from archive.core import Archive
    from search.index import sync

    root = tmp_path / "arc"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "关于检查消防设施的通知.txt").write_text(
        "关于检查消防设施的通知\n\n请各科室检查灭火器。\n", encoding="utf-8")
    with Archive(root) as archive:
        archive.add_received(next(folder.iterdir()))
        sync(archive)
    conn = sqlite3.connect(root / "catalog.sqlite")
    conn.execute("UPDATE records SET indexed_revision = indexed_revision + 5")
    conn.commit()
    conn.close()
    with Archive(root, create=False) as archive:
        from search.index import index_findings

        messages = [message for _, message in index_findings(archive)]
    assert any("检索索引标记" in m for m in messages), messages
