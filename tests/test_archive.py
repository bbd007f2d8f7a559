"""The archive on disk: storage, catalog metadata, supersede, edit, delete, verify, export."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess

import pytest

from archive.core import Archive
from archive.store import sha256_file

from .conftest import SAMPLES, run_cli


def records(root, **kw):
    with Archive(root, create=False) as archive:
        return archive.catalog.records(**kw)


def record_titled(root, title):
    (record,) = [r for r in records(root) if r.metadata.title == title]
    return record


PLAN = "青山县第二实验小学新冠肺炎疫情防控工作方案"
REPORT = "河西镇人民政府关于春季复工复产疫情防控工作情况的报告"


def test_generated_record_keeps_source_and_both_outputs(built_archive):
    record = record_titled(built_archive, PLAN)
    assert record.origin == "generated"
    assert [f.role for f in record.files] == ["source", "docx", "pdf"]
    source = next(p for p in SAMPLES if p.name == record.files[0].name)
    assert record.files[0].sha256 == sha256_file(source) == record.sha256
    with Archive(built_archive, create=False) as archive:
        for stored in record.files:
            assert sha256_file(archive.stored_path(stored)) == stored.sha256
        people = archive.catalog.people(record.id)
        measures = archive.catalog.measures(record.id)
    assert ("周明远", "组长") in {(p.name, p.role) for p in people}
    assert len(measures) == 10
    assert record.metadata.kind == "方案" and record.metadata.organ == "青山县第二实验小学"
    assert record.pages and record.pages >= 3


def test_attached_document_is_stored_with_the_notice(built_archive):
    notice = next(r for r in records(built_archive) if r.metadata.title.startswith("关于印发"))
    assert [f.role for f in notice.files] == ["source", "attachment-source-1", "docx", "pdf"]


def test_received_documents_are_read_by_rule(built_archive):
    report = record_titled(built_archive, REPORT)
    meta = report.metadata
    assert (meta.kind, meta.organ, meta.doc_number, meta.date, meta.recipients) == (
        "报告", "河西镇人民政府", "河西政报〔2020〕12号", "2020-03-05", "县人民政府")
    traditional = next(r for r in records(built_archive) if r.name.endswith(".txt"))
    meta = traditional.metadata
    assert meta.title == "湖濱區衛生健康局關於做好返崗復工期間聯防聯控工作的通知"
    assert (meta.kind, meta.organ, meta.doc_number, meta.date) == (
        "通知", "湖濱區衛生健康局", "湖衛發〔2021〕7號", "2021-02-20")
    pdf = next(r for r in records(built_archive) if r.name.endswith(".pdf"))
    assert pdf.metadata.title == "北岭街道办事处关于开展春季爱国卫生运动的通知"
    assert pdf.pages == 1 and pdf.metadata.organ == "北岭街道办事处"
    with Archive(built_archive, create=False) as archive:
        people = {(p.name, p.role, p.post) for p in archive.catalog.people(traditional.id)}
    assert {("鄭文博", "组长", "局長"), ("馮雅琴", "副组长", "副局長"),
            ("韓立新", "成员", ""), ("楊秀蘭", "责任人", "")} <= people


def test_archival_codes_follow_da_t_22_and_are_unique(built_archive):
    all_records = records(built_archive)
    codes = [r.archival_code for r in all_records]
    assert len(set(codes)) == len(codes)
    rules = next(r for r in all_records if r.metadata.kind == "制度")
    assert rules.metadata.period == "永久"
    assert rules.archival_code == "Z001-WS·2020-Y-0001"
    report = record_titled(built_archive, REPORT)
    assert report.archival_code.startswith("Z001-WS·2020-D30-")


def test_same_content_again_is_a_no_op_that_says_so(archive_copy, received_files, rendered):
    before = len(records(archive_copy))
    out = run_cli("archive", "add", received_files["docx"], "-A", archive_copy).stdout
    assert "已存在" in out and "未重复归档" in out
    out = run_cli("archive", "add", rendered[SAMPLES[0].stem]["pdf"], "-A", archive_copy).stdout
    assert "作为其 PDF 文件" in out
    assert len(records(archive_copy)) == before


def test_sidecar_and_flags_override_guesses(archive_copy, tmp_path):
    doc = tmp_path / "情况说明.txt"
    doc.write_text("关于消毒工作的情况说明\n今年以来，我所坚持每日消毒。\n", encoding="utf-8")
    (tmp_path / "情况说明.txt.yaml").write_text(
        "发文机关: 城南卫生院\n成文日期: 2020-05-06\n保管期限: 永久\n", encoding="utf-8")
    run_cli("archive", "add", doc, "--docno", "城卫〔2020〕9号", "-A", archive_copy)
    record = record_titled(archive_copy, "关于消毒工作的情况说明")
    assert (record.metadata.organ, record.metadata.date, record.metadata.period,
            record.metadata.doc_number) == ("城南卫生院", "2020-05-06", "永久", "城卫〔2020〕9号")


def test_bad_sidecar_is_reported_with_its_line(archive_copy, tmp_path):
    doc = tmp_path / "说明.txt"
    doc.write_text("关于某事的说明\n正文。\n", encoding="utf-8")
    (tmp_path / "说明.txt.yaml").write_text("文种: 说明\n保管限期: 永久\n", encoding="utf-8")
    result = run_cli("archive", "add", doc, "-A", archive_copy, expect=1)
    assert "说明.txt.yaml:2:1" in result.stderr and "保管期限" in result.stderr


def test_corrupt_file_is_skipped_and_the_rest_goes_in(archive_copy, tmp_path):
    (tmp_path / "坏文件.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    (tmp_path / "坏文件.pdf").write_bytes(b"%PDF-1.7 garbage")
    (tmp_path / "好文件.txt").write_text("关于做好值班工作的通知\n请做好值班。\n", encoding="utf-8")
    result = run_cli("archive", "add", tmp_path, "-A", archive_copy, expect=1)
    assert "坏文件.docx" in result.stderr and "坏文件.pdf" in result.stderr
    assert "新归档 1 份" in result.stderr
    record_titled(archive_copy, "关于做好值班工作的通知")
    run_cli("archive", "verify", "-A", archive_copy)


def test_supersede_keeps_both(archive_copy, tmp_path):
    old = record_titled(archive_copy, REPORT)
    fixed = tmp_path / "报告（更正）.txt"
    fixed.write_text(REPORT + "\n更正后的正文：集市错峰管理延长至五月。\n", encoding="utf-8")
    run_cli("archive", "add", fixed, "--supersedes", old.id, "-A", archive_copy)
    old_now = next(r for r in records(archive_copy) if r.id == old.id)
    new = next(r for r in records(archive_copy) if r.supersedes == old.id)
    assert old_now.superseded_by == new.id and old_now.archival_code == old.archival_code
    with Archive(archive_copy, create=False) as archive:
        from search.query import Filters, search

        both = {h.record_id for h in search(archive, "集市错峰").hits}
        current = {h.record_id for h in search(archive, "集市错峰", Filters(current_only=True)).hits}
        actions = [e.action for e in archive.log()]
    assert both == {old.id, new.id} and current == {new.id}
    assert actions[-2:] == ["add", "supersede"]
    third = tmp_path / "报告（再更正）.txt"
    third.write_text(REPORT + "\n再次更正。\n", encoding="utf-8")
    again = run_cli("archive", "add", third, "--supersedes", old.id, "-A", archive_copy, expect=1)
    assert f"已被记录 {new.id} 取代" in again.stderr


def test_edit_is_audited_reindexed_and_keeps_the_archival_code(archive_copy):
    report = record_titled(archive_copy, REPORT)
    run_cli("archive", "edit", report.id, "发文机关=河西镇政府办公室", "密级=秘密", "-A", archive_copy)
    edited = record_titled(archive_copy, REPORT)
    assert edited.metadata.organ == "河西镇政府办公室" and edited.metadata.secrecy == "秘密"
    assert edited.archival_code == report.archival_code
    data = json.loads(run_cli("search", "--unit", "河西镇政府办公室", "--json", "-A",
                              archive_copy).stdout)
    assert [h["record_id"] for h in data["hits"]] == [report.id]
    bad = run_cli("archive", "edit", report.id, "保管期限=五年", "-A", archive_copy, expect=2)
    assert "保管期限应为" in bad.stderr
    with Archive(archive_copy, create=False) as archive:
        entry = archive.log()[-1]
    assert entry.action == "edit" and entry.detail["修改"]["密级"] == ["", "秘密"]


def test_delete_needs_a_reason_keeps_the_trail_and_leaves_a_clean_archive(archive_copy):
    report = record_titled(archive_copy, REPORT)
    run_cli("archive", "delete", report.id, "--yes", "-A", archive_copy, expect=2)
    run_cli("archive", "delete", report.id, "--yes", "--reason", "误归档", "-A", archive_copy)
    (gone,) = [r for r in records(archive_copy, include_deleted=True) if r.id == report.id]
    assert gone.deleted_at and gone.delete_reason == "误归档"
    with Archive(archive_copy, create=False) as archive:
        assert not archive.objects.path(gone.files[0].sha256).exists()
        assert archive.log()[-1].action == "delete"
    data = json.loads(run_cli("search", "集市错峰", "--json", "-A", archive_copy).stdout)
    assert data["total"] == 0
    run_cli("archive", "verify", "-A", archive_copy)


def test_verify_is_clean_on_a_good_archive(built_archive):
    out = run_cli("archive", "verify", "-A", built_archive).stdout
    assert "档案库完好" in out


def test_verify_names_an_altered_a_missing_and_an_extra_file(archive_copy):
    with Archive(archive_copy, create=False) as archive:
        plan = record_titled(archive_copy, PLAN)
        report = record_titled(archive_copy, REPORT)
        altered = archive.stored_path(plan.files[1])
        missing = archive.stored_path(report.files[0])
    altered.write_bytes(altered.read_bytes() + b"x")
    missing.unlink()
    extra = archive_copy / "objects" / "ab" / ("ab" + "0" * 62)
    extra.parent.mkdir(exist_ok=True)
    extra.write_bytes(b"stray")
    extra.chmod(0o444)  # as an object is stored
    result = run_cli("archive", "verify", "--json", "-A", archive_copy, expect=1)
    findings = {(f["kind"], f["subject"]) for f in json.loads(result.stdout)["findings"]}
    assert findings == {("altered", str(altered)), ("missing", str(missing)),
                        ("extra", str(extra))}


def test_verify_catches_a_broken_chain(archive_copy):
    conn = sqlite3.connect(archive_copy / "catalog.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit SET user='mallory' WHERE seq=2")
    conn.execute("DROP TRIGGER audit_no_update")  # a determined tamperer
    conn.execute("""UPDATE audit SET detail = replace(detail, '"档号": "', '"档号": "X') WHERE seq=2""")
    conn.commit()
    conn.close()
    result = run_cli("archive", "verify", "-A", archive_copy, expect=1)
    assert "审计日志第 2 条内容与其哈希不符" in result.stdout


def test_export_package(archive_copy, tmp_path):
    dest = tmp_path / "归档包"
    run_cli("archive", "export", dest, "-A", archive_copy)
    live = records(archive_copy)
    with open(dest / "归档文件目录.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
    assert sorted(r["档号"] for r in rows) == sorted(r.archival_code for r in live)
    report = next(r for r in rows if r["题名"] == REPORT)
    assert (report["文号"], report["责任者"], report["日期"]) == (
        "河西政报〔2020〕12号", "河西镇人民政府", "20200305")
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=dest,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    files = [p for p in (dest / "files").rglob("*") if p.is_file()]
    assert len(files) == sum(len(r.files) for r in live)
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["records"]) == len(live)
    with Archive(archive_copy, create=False) as archive:
        log = archive.log()
    assert log[-1].action == "export"
    assert len((dest / "audit.jsonl").read_text(encoding="utf-8").splitlines()) == len(log) - 1
    again = run_cli("archive", "export", dest, "-A", archive_copy, expect=1)
    assert "不为空" in again.stderr


def test_commands_on_a_missing_archive_say_so(tmp_path):
    result = run_cli("search", "疫情", "-A", tmp_path / "nowhere", expect=1)
    assert "档案库" in result.stderr and "不存在" in result.stderr


def test_list_show_and_log(built_archive):
    listing = run_cli("archive", "list", "-A", built_archive).stdout
    assert PLAN in listing and f"共 {len(records(built_archive))} 条记录" in listing
    plan = record_titled(built_archive, PLAN)
    shown = run_cli("archive", "show", plan.id, "-A", built_archive).stdout
    assert plan.archival_code in shown and "人员：周明远（校长）　组长" in shown
    assert "责任领导：陈志刚" in shown
    data = json.loads(run_cli("archive", "show", plan.id, "--json", "-A", built_archive).stdout)
    assert data["metadata"]["发文机关"] == "青山县第二实验小学" and len(data["measures"]) == 10
    log = run_cli("archive", "log", "-A", built_archive).stdout
    assert log.count("归档") == len(records(built_archive))


def test_index_rebuild_after_the_index_is_lost(archive_copy):
    before = json.loads(run_cli("search", "疫情", "--json", "--per-page", "50", "-A",
                                archive_copy).stdout)
    for folder in archive_copy.glob("index-*"):
        shutil.rmtree(folder)
    lost = run_cli("search", "疫情", "-A", archive_copy, expect=1)
    assert "gongwen index rebuild" in lost.stderr
    verify = run_cli("archive", "verify", "-A", archive_copy, expect=1)
    assert "检索索引" in verify.stdout
    run_cli("index", "rebuild", "-A", archive_copy)
    after = json.loads(run_cli("search", "疫情", "--json", "--per-page", "50", "-A",
                               archive_copy).stdout)
    assert [h["record_id"] for h in after["hits"]] == [h["record_id"] for h in before["hits"]]
    run_cli("archive", "verify", "-A", archive_copy)


def test_index_built_by_other_analysis_is_refused(archive_copy):
    conn = sqlite3.connect(archive_copy / "catalog.sqlite")
    conn.execute("UPDATE meta SET value='gongwen-jieba-0/schema-1' WHERE key='index_format'")
    conn.commit()
    conn.close()
    result = run_cli("search", "疫情", "-A", archive_copy, expect=1)
    assert "另一版本的分词规则" in result.stderr and "index rebuild" in result.stderr
    run_cli("index", "rebuild", "-A", archive_copy)
    run_cli("search", "疫情", "-A", archive_copy)


def test_every_command_has_chinese_help():
    import click

    from cli import main

    def walk(command, path):
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, path + [name])

    for path, command in walk(main, []):
        assert command.help and any("\u4e00" <= ch <= "\u9fff" for ch in command.help), path
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, (path, param.name)
