"""A hostile user with write access to the archive folder: every change made behind gongwen's
back is named by `archive verify` (real processes, real SQLite files, real links)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import audit
from archive.core import Archive
from archive.verify import verify

from .clirun import gongwen

PLAN = "青山县第二实验小学新冠肺炎疫情防控工作方案"


def sql(root: Path, *statements: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(root / "catalog.sqlite", isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement, params if "?" in statement else ())
    finally:
        conn.close()


def one(root: Path, query: str, params: tuple = ()):
    conn = sqlite3.connect(root / "catalog.sqlite")
    try:
        return conn.execute(query, params).fetchone()
    finally:
        conn.close()


def plan_id(root: Path) -> int:
    return one(root, "SELECT id FROM records WHERE title=?", (PLAN,))[0]


def verified(root: Path, *extra, expect: int) -> dict:
    ran = gongwen("archive", "verify", "--json", "-A", root, *extra, expect=expect)
    return json.loads(ran.out)


def messages(report: dict, kind: str | None = None) -> str:
    return "\n".join(f"{f['subject']} {f['message']}" for f in report["findings"]
                     if kind is None or f["kind"] == kind)


FORGERIES = {
    "标题": "UPDATE records SET title='伪造的标题' WHERE id={id}",
    "发文机关": "UPDATE records SET organ='黑山县教育局' WHERE id={id}",
    "成文日期": "UPDATE records SET date='2019-01-01' WHERE id={id}",
    "档号": "UPDATE records SET archival_code='Z001-WS·2020-Y-9999' WHERE id={id}",
    "归档人": "UPDATE records SET added_by='局长' WHERE id={id}",
    "归档时间": "UPDATE records SET added_at='2019-01-01T00:00:00+08:00' WHERE id={id}",
    "正文": "UPDATE texts SET body=x'{body}' WHERE record_id={id}",
    "人员名单": "UPDATE people SET name='王伪造' WHERE rowid=(SELECT min(rowid) FROM people"
                " WHERE record_id={id})",
    "工作措施": "UPDATE measures SET leaders='王伪造' WHERE record_id={id} AND seq=1",
}


@pytest.mark.parametrize("field", list(FORGERIES))
def test_a_forged_catalog_fact_is_named(archive_copy, field):
    rid = plan_id(archive_copy)
    body = zlib.compress("伪造的正文".encode()).hex()
    sql(archive_copy, FORGERIES[field].format(id=rid, body=body))
    report = verified(archive_copy, expect=1)
    found = messages(report, "catalog")
    assert f"记录 {rid}" in found and field in found, found


def test_a_secrecy_downgraded_after_an_audited_edit_is_named(archive_copy):
    rid = plan_id(archive_copy)
    gongwen("archive", "edit", rid, "密级=机密", "-A", archive_copy, expect=0)
    verified(archive_copy, expect=0)
    sql(archive_copy, f"UPDATE records SET secrecy='' WHERE id={rid}")
    found = messages(verified(archive_copy, expect=1), "catalog")
    assert "密级：日志为“机密”，目录中为“（空）”" in found


def test_an_erased_record_is_named(archive_copy):
    rid = plan_id(archive_copy)
    shas = [r[0] for r in sqlite3.connect(archive_copy / "catalog.sqlite").execute(
        "SELECT sha256 FROM files WHERE record_id=?", (rid,))]
    sql(archive_copy, *(f"DELETE FROM {t} WHERE record_id={rid}"
                        for t in ("files", "texts", "people", "measures")),
        f"DELETE FROM records WHERE id={rid}")
    for sha in shas:
        (archive_copy / "objects" / sha[:2] / sha).unlink(missing_ok=True)
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    report = verified(archive_copy, expect=1)
    assert f"记录 {rid}" in messages(report, "vanished")
    assert "日志中也没有删除记录" in messages(report, "vanished")


def test_a_swapped_output_file_is_named_with_its_missing_original(archive_copy, tmp_path):
    rid = plan_id(archive_copy)
    old = one(archive_copy, "SELECT sha256 FROM files WHERE record_id=? AND role='pdf'", (rid,))[0]
    forged = b"%PDF-1.4 forged"
    new = hashlib.sha256(forged).hexdigest()
    (archive_copy / "objects" / new[:2]).mkdir(exist_ok=True)
    (archive_copy / "objects" / new[:2] / new).write_bytes(forged)
    (archive_copy / "objects" / old[:2] / old).unlink()
    sql(archive_copy, f"UPDATE files SET sha256='{new}', size={len(forged)}"
                      f" WHERE record_id={rid} AND role='pdf'")
    report = verified(archive_copy, expect=1)
    assert "pdf 文件" in messages(report, "catalog") and "哈希被改为" in messages(report, "catalog")
    assert old in messages(report, "missing")


def test_a_forged_record_row_is_named(archive_copy):
    rid = plan_id(archive_copy)
    sql(archive_copy, "INSERT INTO records(sha256, origin, name, media_type, size, added_at,"
        " added_by, title, year, item_no, archival_code) SELECT sha256, origin, name, media_type,"
        " size, added_at, added_by, '伪造的文件', year, 9999, 'Z001-X-9999' FROM records"
        f" WHERE id={rid}")
    assert "伪造" in messages(verified(archive_copy, expect=1), "unlogged")


def test_a_changed_fonds_is_named(archive_copy):
    sql(archive_copy, "INSERT OR REPLACE INTO meta VALUES ('fonds', 'X999')")
    assert "全宗号" in messages(verified(archive_copy, expect=1))


def test_dropped_triggers_are_named_even_when_recreated_later(archive_copy):
    sql(archive_copy, "DROP TRIGGER audit_no_delete")
    assert "audit_no_delete" in messages(verified(archive_copy, expect=1), "schema")


def head_of(root: Path) -> tuple[int, str]:
    return one(root, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")


def test_a_truncated_chain_fails_against_the_witness_and_the_noted_head(archive_copy, tmp_path):
    witness = tmp_path / "auditor" / "见证.tsv"
    witness.parent.mkdir()
    first = gongwen("archive", "verify", "--witness", witness, "-A", archive_copy, expect=0)
    assert "已把本次链头追加到见证文件" in first.out
    count, head = head_of(archive_copy)
    assert f"日志链头 {head}（第 {count} 条）" in first.out
    gongwen("archive", "export", tmp_path / "包", "--witness", witness, "-A", archive_copy,
            expect=0)
    assert len([x for x in witness.read_text(encoding="utf-8").splitlines()
                if not x.startswith("#")]) == 2
    # the export entry and the last add go; the triggers are dropped and made again
    sql(archive_copy, "DROP TRIGGER audit_no_delete",
        f"DELETE FROM audit WHERE seq >= {count}",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
        " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    report = verified(archive_copy, "--witness", witness, expect=1)
    assert "日志被截短" in messages(report, "head")
    noted = verified(archive_copy, "--expect-head", f"{count}:{head}", expect=1)
    assert "日志被截短" in messages(noted, "head")


def rehash_chain(root: Path) -> None:
    """What a tamperer with write access can always do: rewrite an entry and every hash."""
    conn = sqlite3.connect(root / "catalog.sqlite", isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_update")
    rows = conn.execute("SELECT seq, at, user, action, record_id, detail FROM audit"
                        " ORDER BY seq").fetchall()
    prev = audit.GENESIS
    for seq, at, user, action, record_id, detail in rows:
        if seq == 1:
            user = "局长张三"
        digest = audit.entry_hash(prev, seq, at, user, action, record_id, json.loads(detail))
        conn.execute("UPDATE audit SET user=?, prev_hash=?, hash=? WHERE seq=?",
                     (user, prev, digest, seq))
        prev = digest
    conn.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                 " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    conn.close()


def test_a_rewritten_and_rehashed_chain_fails_only_against_an_anchor(archive_copy, tmp_path):
    witness = tmp_path / "见证.tsv"
    gongwen("archive", "verify", "--witness", witness, "-A", archive_copy, expect=0)
    _, head = head_of(archive_copy)
    rehash_chain(archive_copy)
    # nothing inside the archive can tell: this is what the anchor is for
    verified(archive_copy, expect=0)
    assert "日志被改写" in messages(verified(archive_copy, "--witness", witness, expect=1))
    assert "日志被截短或改写" in messages(verified(archive_copy, "--expect-head", head, expect=1))


def test_a_bad_expected_head_or_witness_line_is_an_input_error(archive_copy, tmp_path):
    ran = gongwen("archive", "verify", "--expect-head", "不是哈希", "-A", archive_copy, expect=2)
    assert "至少 16 位十六进制" in ran.err
    witness = tmp_path / "w.tsv"
    witness.write_text("随便写的一行\n", encoding="utf-8")
    ran = gongwen("archive", "verify", "--witness", witness, "-A", archive_copy, expect=2)
    assert "第 1 行格式不对" in ran.err


def test_random_bytes_over_a_catalog_page_are_found_and_explained(archive_copy):
    path = archive_copy / "catalog.sqlite"
    size = path.stat().st_size
    assert size > 8 * 4096
    with open(path, "r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(os.urandom(4096))
    ran = gongwen("archive", "verify", "-A", archive_copy, expect=1)
    assert "[corrupt]" in ran.out and "完整性检查" in ran.out
    for command in (("archive", "list"), ("archive", "show", "1"), ("archive", "log"),
                    ("search", "消毒")):
        ran = gongwen(*command, "-A", archive_copy)  # may work, or fail with a message
        assert ran.code in (0, 1), ran.text


def test_a_file_that_is_not_a_catalog_is_refused_with_a_message(tmp_path):
    root = tmp_path / "arc"
    root.mkdir()
    (root / "catalog.sqlite").write_bytes(os.urandom(8192))
    ran = gongwen("archive", "list", "-A", root, expect=1)
    assert "已损坏或无法读取" in ran.err and "归档包" in ran.err
    other = tmp_path / "other"
    other.mkdir()
    conn = sqlite3.connect(other / "catalog.sqlite")
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    ran = gongwen("archive", "add", __file__, "-A", other, expect=1)
    assert "不是 gongwen 的档案库" in ran.err
    assert [r[0] for r in sqlite3.connect(other / "catalog.sqlite").execute(
        "SELECT name FROM sqlite_master")] == ["t"]  # left as it was


def an_object(root: Path) -> Path:
    sha = one(root, "SELECT sha256 FROM files WHERE record_id=? AND role='docx'",
              (plan_id(root),))[0]
    return root / "objects" / sha[:2] / sha


def test_an_object_replaced_by_a_link_is_named_and_not_followed(archive_copy, tmp_path):
    target = an_object(archive_copy)
    outside = tmp_path / "outside-copy"
    shutil.copyfile(target, outside)  # same bytes: a followed link would hash right
    target.unlink()
    target.symlink_to(outside)
    report = verified(archive_copy, expect=1)
    assert target.name in messages(report, "link")
    assert target.name not in messages(report, "missing")


def test_an_object_moved_to_another_folder_is_named(archive_copy):
    target = an_object(archive_copy)
    other = target.parent.parent / ("00" if target.parent.name != "00" else "01")
    other.mkdir(exist_ok=True)
    target.rename(other / target.name)
    report = verified(archive_copy, expect=1)
    assert "被移动过" in messages(report, "misplaced")
    assert target.name in messages(report, "missing")


def test_deleting_a_successor_makes_its_predecessor_current_again(archive_copy, tmp_path):
    rid = plan_id(archive_copy)
    newer = tmp_path / "新版方案.txt"
    newer.write_text("关于修订疫情防控工作方案的说明\n新版方案。\n", encoding="utf-8")
    gongwen("archive", "add", newer, "--supersedes", rid, "-A", archive_copy, expect=0)
    successor = one(archive_copy, "SELECT id FROM records WHERE supersedes=?", (rid,))[0]
    listed = gongwen("archive", "list", "-A", archive_copy, expect=0).out
    assert f"已被记录 {successor} 取代" in listed
    gongwen("archive", "delete", successor, "--yes", "--reason", "误取代", "-A", archive_copy,
            expect=0)
    listed = gongwen("archive", "list", "-A", archive_copy, expect=0).out
    assert "取代" not in listed
    current = json.loads(gongwen("search", "疫情防控工作方案", "--current", "--json",
                                 "-A", archive_copy, expect=0).out)
    assert rid in [h["record_id"] for h in current["hits"]]
    log = gongwen("archive", "log", "-A", archive_copy, expect=0).out
    assert f"恢复为现行 记录 {rid}" in log
    # and it can be superseded again
    again = tmp_path / "再版方案.txt"
    again.write_text("关于再次修订疫情防控工作方案的说明\n再版方案。\n", encoding="utf-8")
    gongwen("archive", "add", again, "--supersedes", rid, "-A", archive_copy, expect=0)
    verified(archive_copy, expect=0)


def test_the_audit_user_is_the_account_and_a_stated_name_is_marked_as_stated(archive_copy,
                                                                            tmp_path):
    doc = tmp_path / "值班通知.txt"
    doc.write_text("关于做好节日值班的通知\n请各单位安排值班。\n", encoding="utf-8")
    gongwen("archive", "add", doc, "-A", archive_copy, expect=0,
            env={"LOGNAME": "局长张三", "USER": "局长张三", "GONGWEN_OPERATOR": "李文书"})
    entry = json.loads(gongwen("archive", "log", "--json", "-A", archive_copy, expect=0).out)[-1]
    import pwd
    assert entry["user"] == pwd.getpwuid(os.geteuid()).pw_name
    assert entry["detail"][audit.OPERATOR_KEY] == "李文书"
    record = json.loads(gongwen("archive", "show", entry["record_id"], "--json",
                                "-A", archive_copy, expect=0).out)
    assert record["added_by"] == entry["user"]


def test_a_delete_waits_for_an_add_of_the_same_bytes_that_has_not_committed(archive_copy,
                                                                           tmp_path):
    """The add holds the object lock from storing its bytes to its commit; the delete, which
    commits first, removes the object only once it knows no live record uses it."""
    import subprocess
    import time

    from archive.core import Incoming
    from archive.records import Content, Metadata, StoredFile

    from .clirun import GONGWEN, ROOT

    rid = plan_id(archive_copy)
    sha, size, name = one(archive_copy, "SELECT sha256, size, name FROM files"
                          " WHERE record_id=? AND role='docx'", (rid,))
    data = an_object(archive_copy).read_bytes()
    with Archive(archive_copy) as archive:
        with archive._object_lock(exclusive=False):
            archive.objects.put(data, sha)  # an add of the same bytes, stored, not committed
            deleting = subprocess.Popen([*GONGWEN, "archive", "delete", str(rid), "--yes",
                                         "--reason", "重复", "-A", str(archive_copy)], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 60
            while one(archive_copy, "SELECT deleted_at FROM records WHERE id=?",
                      (rid,))[0] is None:
                assert time.monotonic() < deadline and deleting.poll() is None
                time.sleep(0.05)
            incoming = Incoming([(StoredFile("original", sha, size, name, "application/x"),
                                  data)], Content("同一份文件", Metadata(title="同一份文件")),
                                "received", name)
            assert archive._add(incoming, None).status == "added"
        assert deleting.wait(60) == 0
    assert (archive_copy / "objects" / sha[:2] / sha).is_file()
    verified(archive_copy, expect=0)


# -- the property: any change outside gongwen fails verify

def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


BOOKKEEPING = {"revision", "indexed_revision", "id"}  # not facts the archive serves


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory, received_files) -> Path:
    root = tmp_path_factory.mktemp("small") / "arc"
    gongwen("archive", "add", received_files["docx"].parent, "-A", root, "-q", expect=0)
    return root


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_change_to_a_served_fact_fails_verify(small_archive, tmp_path_factory, data):
    root = tmp_path_factory.mktemp("prop") / "arc"
    shutil.copytree(small_archive, root)
    conn = sqlite3.connect(root / "catalog.sqlite", isolation_level=None)
    table = data.draw(st.sampled_from(["records", "files", "texts", "people", "measures",
                                       "audit"]))
    columns = [c for c in _columns(conn, table) if c not in BOOKKEEPING]
    rowids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table}")]
    column = data.draw(st.sampled_from(columns))
    rowid = data.draw(st.sampled_from(rowids))
    old = conn.execute(f"SELECT {column} FROM {table} WHERE rowid=?", (rowid,)).fetchone()[0]
    new = data.draw(st.one_of(st.text(min_size=1, max_size=8), st.integers(-5, 99999),
                              st.none()).filter(lambda v: v != old and {v, old} != {None, ""}))
    try:
        if table == "audit":  # a determined tamperer, who puts the trigger back after
            conn.execute("DROP TRIGGER audit_no_update")
        before = conn.execute(f"SELECT typeof({column}), {column} FROM {table} WHERE rowid=?",
                              (rowid,)).fetchone()
        conn.execute(f"UPDATE {table} SET {column}=? WHERE rowid=?", (new, rowid))
        if conn.execute(f"SELECT typeof({column}), {column} FROM {table} WHERE rowid=?",
                        (rowid,)).fetchone() == before:
            return  # the column's affinity stored the same value ('1' in an INTEGER column)
    except sqlite3.IntegrityError:
        return  # SQLite itself refused the change
    finally:
        conn.execute("CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
                     " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
        conn.close()
    with Archive(root) as archive:
        report = verify(archive)
    assert report.findings, f"{table}.{column} {old!r} -> {new!r} went unnoticed"


def test_a_read_only_archive_can_be_read_verified_and_exported_but_not_changed(archive_copy,
                                                                             tmp_path):
    from .clirun import WITHOUT_ROOT_OVERRIDE as ro

    rid = plan_id(archive_copy)
    for path in [archive_copy, *archive_copy.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        before = {p: p.stat().st_mtime_ns for p in archive_copy.rglob("*")}
        assert PLAN in gongwen("archive", "list", "-A", archive_copy, prefix=ro, expect=0).out
        gongwen("archive", "show", rid, "-A", archive_copy, prefix=ro, expect=0)
        gongwen("archive", "log", "-A", archive_copy, prefix=ro, expect=0)
        found = json.loads(gongwen("search", "消毒", "--json", "-A", archive_copy, prefix=ro,
                                   expect=0).out)
        assert found["total"] > 0
        assert "档案库完好" in gongwen("archive", "verify", "-A", archive_copy, prefix=ro,
                                       expect=0).out
        gongwen("archive", "export", tmp_path / "包", "-A", archive_copy, prefix=ro, expect=0)
        assert (tmp_path / "包" / "SHA256SUMS").is_file()
        for change in (("archive", "add", __file__), ("archive", "edit", rid, "密级=秘密"),
                       ("archive", "delete", rid, "--yes", "--reason", "试")):
            ran = gongwen(*change, "-A", archive_copy, prefix=ro, expect=None)
            assert ran.code in (1, 2) and "只读" in ran.err, ran.text
        assert {p: p.stat().st_mtime_ns for p in archive_copy.rglob("*")} == before
    finally:
        for path in [archive_copy, *archive_copy.rglob("*")]:
            if path.is_dir() or "objects" not in path.parts:
                path.chmod(0o755 if path.is_dir() else 0o644)


# -- the keyed chain

def test_a_keyed_chain_cannot_be_re_sealed_without_the_key(archive_copy, tmp_path):
    inside = gongwen("archive", "key-init", archive_copy / "key.txt", "-A", archive_copy,
                     expect=2)
    assert "不能放在档案库目录内" in inside.err
    key = tmp_path / "保管" / "审计密钥.txt"
    key.parent.mkdir()
    made = gongwen("archive", "key-init", key, "-A", archive_copy, expect=0)
    assert "已设定审计日志密钥" in made.out and key.stat().st_mode & 0o777 == 0o600
    doc = tmp_path / "通知.txt"
    doc.write_text("关于做好防汛值守的通知\n请各村落实值守。\n", encoding="utf-8")
    refused = gongwen("archive", "add", doc, "-A", archive_copy, expect=1)
    assert "GONGWEN_AUDIT_KEY_FILE" in refused.err
    env = {"GONGWEN_AUDIT_KEY_FILE": str(key)}
    gongwen("archive", "add", doc, "-A", archive_copy, env=env, expect=0)
    checked = gongwen("archive", "verify", "--key-file", key, "-A", archive_copy, expect=0)
    assert "已用密钥核对每条日志的签名" in checked.out
    unchecked = gongwen("archive", "verify", "-A", archive_copy, expect=0)
    assert "未核对签名" in unchecked.out

    other = tmp_path / "别的密钥.txt"
    other.write_text("ab" * 32 + "\n", encoding="ascii")
    assert "不是这个档案库的密钥" in messages(verified(archive_copy, "--key-file", other, expect=1))

    rehash_chain(archive_copy)  # consistent hashes, but the signatures cannot follow
    report = verified(archive_copy, "--key-file", key, expect=1)
    assert "密钥签名不符" in messages(report, "chain")


def test_a_removed_key_id_is_named_without_the_key(archive_copy, tmp_path):
    gongwen("archive", "key-init", tmp_path / "k.txt", "-A", archive_copy, expect=0)
    sql(archive_copy, "DELETE FROM meta WHERE key='audit_key_id'")
    assert "目录记载的密钥标识（无）与日志所记的" in messages(verified(archive_copy, expect=1), "chain")


def test_stored_objects_follow_the_umask_and_stay_read_only(tmp_path, received_files):
    for mask, mode in ((0o022, 0o444), (0o077, 0o400)):
        root = tmp_path / f"arc{mask:o}"
        gongwen("archive", "add", received_files["txt"], "-A", root, expect=0,
                preexec_fn=lambda mask=mask: os.umask(mask))
        (obj,) = [p for p in (root / "objects").rglob("*") if p.is_file()]
        assert obj.stat().st_mode & 0o777 == mode
        assert (root / "catalog.sqlite").stat().st_mode & 0o077 == (0o044 & ~mask)


def test_archive_check_skips_a_linked_object_instead_of_reading_through_it(archive_copy,
                                                                          tmp_path):
    for (sha,) in sqlite3.connect(archive_copy / "catalog.sqlite").execute(
            "SELECT sha256 FROM files WHERE record_id=?", (plan_id(archive_copy),)):
        target = archive_copy / "objects" / sha[:2] / sha
        outside = tmp_path / sha
        shutil.copyfile(target, outside)
        target.unlink()
        target.symlink_to(outside)
    ran = gongwen("archive", "check", "-A", archive_copy)
    assert "符号链接" in ran.out and "archive verify" in ran.out


@pytest.mark.parametrize("forged", ["../victim", "/VICTIM", "index-1/../../victim"])
def test_a_forged_index_folder_in_the_catalog_is_never_used_or_removed(archive_copy, tmp_path,
                                                                     forged):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("不能被删除", encoding="utf-8")
    forged = forged.replace("/VICTIM", str(victim))
    sql(archive_copy, "UPDATE meta SET value=? WHERE key='index_dir'", params=(forged,))
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    assert (victim / "keep.txt").is_file()
    found = json.loads(gongwen("search", "消毒", "--json", "-A", archive_copy, expect=0).out)
    assert found["total"] > 0


# -- what a hostile tester found beyond the list

def test_a_planted_trigger_is_named_and_stops_every_write(archive_copy, tmp_path):
    sql(archive_copy, "CREATE TRIGGER evil AFTER INSERT ON records BEGIN"
                      " UPDATE records SET secrecy='' WHERE id=new.id; END")
    doc = tmp_path / "机密通知.txt"
    doc.write_text("关于核查涉密载体的通知\n请各科室自查。\n", encoding="utf-8")
    ran = gongwen("archive", "add", doc, "--secrecy", "机密", "-A", archive_copy, expect=1)
    assert "结构被改动" in ran.err and "evil" in ran.err
    assert "evil" in messages(verified(archive_copy, expect=1), "schema")


def test_a_changed_trigger_body_and_an_extra_column_are_named(archive_copy):
    sql(archive_copy, "DROP TRIGGER audit_no_update",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON meta BEGIN SELECT 1; END",
        "ALTER TABLE records ADD COLUMN hidden TEXT")
    found = messages(verified(archive_copy, expect=1), "schema")
    assert "触发器“audit_no_update”的定义被改动" in found and "表“records”的定义被改动" in found


def test_rows_planted_for_a_record_not_yet_added_are_named_and_never_sealed(archive_copy,
                                                                         tmp_path):
    next_id = one(archive_copy, "SELECT max(id) + 1 FROM records")[0]
    sql(archive_copy, f"INSERT INTO people VALUES ({next_id}, '冒名者', '组长', '局长', '伪造小组')")
    assert f"记录号 {next_id}" in messages(verified(archive_copy, expect=1), "orphan")
    doc = tmp_path / "通知.txt"
    doc.write_text("关于做好节前安全检查的通知\n请各单位自查。\n", encoding="utf-8")
    ran = gongwen("archive", "add", doc, "-A", archive_copy, expect=1)
    assert "不属于任何记录的people行" in ran.err
    assert one(archive_copy, "SELECT count(*) FROM records WHERE id=?", (next_id,))[0] == 0


def test_a_read_only_verify_does_not_pass_over_an_unmerged_wal(archive_copy):
    from .clirun import WITHOUT_ROOT_OVERRIDE as ro

    conn = sqlite3.connect(archive_copy / "catalog.sqlite", isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute(f"UPDATE records SET title='伪造的标题' WHERE id={plan_id(archive_copy)}")
    wal = (archive_copy / "catalog.sqlite-wal").read_bytes()
    conn.close()  # checkpoints and removes the WAL: put the forged one back
    (archive_copy / "catalog.sqlite-wal").write_bytes(wal)
    (archive_copy / "catalog.sqlite-shm").unlink(missing_ok=True)
    for path in [archive_copy, *archive_copy.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        ran = gongwen("archive", "verify", "-A", archive_copy, prefix=ro, expect=1)
        assert "尚未合并的 WAL 文件" in ran.out
    finally:
        for path in [archive_copy, *archive_copy.rglob("*")]:
            if path.is_dir() or "objects" not in path.parts:
                path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_forged_key_id_is_named_without_the_key(archive_copy, tmp_path):
    gongwen("archive", "key-init", tmp_path / "k.txt", "-A", archive_copy, expect=0)
    sql(archive_copy, "UPDATE meta SET value='deadbeefdeadbeef' WHERE key='audit_key_id'")
    assert "与日志所记的" in messages(verified(archive_copy, expect=1), "chain")
    plain = tmp_path / "plain"
    shutil.copytree(archive_copy, plain)
    sql(plain, "DELETE FROM meta WHERE key='audit_key_id'")
    gongwen("archive", "verify", "-A", plain, expect=1)


@pytest.mark.parametrize("damage", [
    "UPDATE records SET note=x'' WHERE id={id}",
    "UPDATE people SET post=x'e6a0a1e995bf' WHERE record_id={id}",
    "UPDATE measures SET leaders=x'e78e8be4b8bd' WHERE record_id={id} AND seq=1",
    "UPDATE records SET title=x'e6a087e9a298' WHERE id={id}",
    "UPDATE records SET date='2020-13-45' WHERE id={id}",
    "UPDATE texts SET body=body || x'00ff' WHERE record_id={id}",
])
def test_wrong_types_in_the_catalog_are_named_and_no_command_breaks(archive_copy, damage):
    rid = plan_id(archive_copy)
    sql(archive_copy, damage.format(id=rid))
    assert f"记录 {rid}" in messages(verified(archive_copy, expect=1), "catalog")
    for command in (("archive", "show", rid), ("archive", "list"), ("who", "消毒"),
                    ("search", "消毒"), ("index", "rebuild"), ("archive", "export",
                                                             archive_copy.parent / "包")):
        gongwen(*command, "-A", archive_copy)  # fails on any traceback


@pytest.mark.parametrize("detail", ["'[]'", "'not json'", "'{\"目录\": \"\\ud800\"}'",
                                    "x'7b7d'"])
def test_an_audit_entry_of_the_wrong_shape_is_named(archive_copy, detail):
    sql(archive_copy, "DROP TRIGGER audit_no_update", f"UPDATE audit SET detail={detail} WHERE seq=2",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
        " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    assert "审计日志第 2 条" in messages(verified(archive_copy, expect=1), "chain")
    gongwen("archive", "log", "-A", archive_copy, expect=0)
    gongwen("archive", "export", archive_copy.parent / "包", "-A", archive_copy)


def test_an_entry_dated_before_the_one_before_it_is_named(archive_copy):
    count, _ = head_of(archive_copy)
    sql(archive_copy, "DROP TRIGGER audit_no_update",
        f"UPDATE audit SET at='2001-01-01T08:00:00+08:00' WHERE seq={count}",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
        " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    rehash_chain(archive_copy)
    assert "早于上一条" in messages(verified(archive_copy, expect=1), "chain")


def test_leftovers_in_tmp_and_foreign_entries_in_the_archive_are_named(archive_copy):
    tmp = archive_copy / "objects" / "tmp"
    tmp.mkdir(exist_ok=True)
    (tmp / "1-stash").write_bytes(b"hidden")  # pid 1 is always alive
    (tmp / "1-dir").mkdir()
    (archive_copy / "notes.txt").write_text("x", encoding="utf-8")
    (archive_copy / "index-9").symlink_to(archive_copy.parent)
    report = verified(archive_copy, expect=1)
    assert "1-dir" in messages(report, "incomplete")
    assert "notes.txt" in messages(report, "extra") and "index-9" in messages(report, "link")
    obj = an_object(archive_copy)
    os.link(obj, archive_copy.parent / "outside-hardlink")
    obj.chmod(0o666)
    found = messages(verified(archive_copy, expect=1), "mode")
    assert "可写" in found and "硬链接" in found


def test_a_missing_or_emptied_catalog_beside_stored_files_is_refused(archive_copy, tmp_path):
    (archive_copy / "catalog.sqlite").write_bytes(b"")
    for command in (("archive", "list"), ("archive", "add", __file__)):
        ran = gongwen(*command, "-A", archive_copy, expect=1)
        assert "缺失或为空" in ran.err
    assert (archive_copy / "catalog.sqlite").stat().st_size == 0


def test_lock_files_are_never_followed(archive_copy, tmp_path):
    target = tmp_path / "created-by-root"
    (archive_copy / ".objects.lock").unlink(missing_ok=True)
    (archive_copy / ".objects.lock").symlink_to(target)
    doc = tmp_path / "通知.txt"
    doc.write_text("关于做好防暑降温的通知\n请各单位落实。\n", encoding="utf-8")
    ran = gongwen("archive", "add", doc, "-A", archive_copy, expect=1)
    assert "锁文件" in ran.err
    assert not target.exists()


def test_arguments_that_are_not_utf8_get_a_message(archive_copy):
    import subprocess

    from .clirun import GONGWEN, ROOT, assert_no_traceback

    done = subprocess.run([*GONGWEN, "search", b"\xcf\xfb\xb6\xbe", "-A", str(archive_copy)],
                          cwd=ROOT, capture_output=True, text=True)
    assert_no_traceback(done.stdout + done.stderr)
    assert done.returncode == 2 and "UTF-8" in done.stderr


def test_an_export_follows_the_umask(archive_copy, tmp_path):
    for mask in (0o022, 0o077):
        dest = tmp_path / f"包{mask:o}"
        gongwen("archive", "export", dest, "-A", archive_copy, expect=0,
                preexec_fn=lambda mask=mask: os.umask(mask))
        assert dest.stat().st_mode & 0o777 == 0o777 & ~mask
        assert (dest / "SHA256SUMS").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_sidecar_that_is_a_link_is_not_read(archive_copy, tmp_path):
    secret = tmp_path / "私人" / "口令.yaml"
    secret.parent.mkdir()
    secret.write_text("甲乙丙丁口令: 1\n", encoding="utf-8")
    folder = tmp_path / "收文"
    folder.mkdir()
    doc = folder / "通知.txt"
    doc.write_text("关于做好防汛物资储备的通知\n请各村落实。\n", encoding="utf-8")
    (folder / "通知.txt.yaml").symlink_to(secret)
    ran = gongwen("archive", "add", doc, "-A", archive_copy, expect=1)
    assert "符号链接" in ran.err and "甲乙丙丁" not in ran.text


def test_a_fonds_that_would_leave_the_package_is_refused(tmp_path, received_files):
    ran = gongwen("archive", "add", received_files["txt"], "--fonds", "../Z1", "-A",
                  tmp_path / "arc", expect=2)
    assert "全宗号只能由汉字、英文字母和数字组成" in ran.err


# -- what the second hostile tester found

def test_an_empty_index_answers_nothing_found(tmp_path, received_files):
    root = tmp_path / "arc"
    gongwen("archive", "add", received_files["txt"], "-A", root, expect=0)
    gongwen("archive", "delete", "1", "--reason", "误归档", "--yes", "-A", root, expect=0)
    gongwen("index", "rebuild", "-A", root, expect=0)
    assert "共 0 条" in gongwen("search", "疫情", "--facets", "-A", root, expect=0).out
    assert "共 0 项措施" in gongwen("who", "消毒", "-A", root, expect=0).out


def test_generating_archived_sources_again_stores_nothing(built_archive, tmp_path):
    from .conftest import SAMPLES

    root = tmp_path / "arc"
    shutil.copytree(built_archive, root)
    objects = sorted(p.name for p in (root / "objects").rglob("*") if p.is_file())
    ran = gongwen("generate", *SAMPLES, "-o", tmp_path / "out", "--archive", "-A", root,
                  expect=0)
    assert f"已存在 {len(SAMPLES)} 份" in ran.out
    assert sorted(p.name for p in (root / "objects").rglob("*") if p.is_file()) == objects
    gongwen("archive", "verify", "-A", root, expect=0)


def test_record_numbers_sqlite_cannot_hold_and_a_fifo_witness_are_refused(archive_copy):
    ran = gongwen("archive", "show", "99999999999999999999999", "-A", archive_copy, expect=2)
    assert "范围内" in ran.err
    fifo = archive_copy.parent / "见证"
    os.mkfifo(fifo)
    ran = gongwen("archive", "verify", "--witness", fifo, "-A", archive_copy, expect=2,
                  timeout=60)
    assert "不是普通文件" in ran.err


def test_stated_metadata_with_control_characters_is_refused(archive_copy):
    rid = plan_id(archive_copy)
    ran = gongwen("archive", "edit", rid, "备注=x\x1b]0;标题\x07", "-A", archive_copy, expect=2)
    assert "控制字符" in ran.err and "U+001B" in ran.err


def test_nothing_is_written_inside_an_archive_but_the_archive(archive_copy, tmp_path):
    from .conftest import SAMPLES

    before = sorted(p.relative_to(archive_copy) for p in archive_copy.rglob("*"))
    cases = [
        (("archive", "add", __file__, "-A", archive_copy / "objects"), 1, "不能在档案库里再建档案库"),
        (("generate", SAMPLES[0], "-o", archive_copy, "-q"), 2, "请输出到档案库以外"),
        (("archive", "export", archive_copy / "包", "-A", archive_copy), 1, "请放在档案库以外"),
        (("archive", "verify", "--witness", archive_copy / "w.tsv", "-A", archive_copy), 2,
         "请放在档案库以外"),
    ]
    for args, code, message in cases:
        assert message in gongwen(*args, expect=code).err
    assert sorted(p.relative_to(archive_copy) for p in archive_copy.rglob("*")) == before


def test_an_index_folder_a_failed_rebuild_left_is_named_and_cleared(archive_copy):
    current = one(archive_copy, "SELECT value FROM meta WHERE key='index_dir'")[0]
    (archive_copy / "index-77").mkdir()
    assert "index-77" in messages(verified(archive_copy, expect=1), "extra")
    gongwen("index", "rebuild", "-A", archive_copy, expect=0)
    assert not (archive_copy / "index-77").exists() and not (archive_copy / current).exists()
    verified(archive_copy, expect=0)
