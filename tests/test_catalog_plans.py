"""Every catalog statement of an add, an edit, a sync and a search is O(log N): SQLite's plan
for each uses an index (a SEARCH) and never walks a whole table that grows with the archive.

The planner's choice does not depend on the number of rows here (no ANALYZE statistics), so a
small archive shows the plans a large one gets."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from archive.core import Archive
from archive.records import Metadata

GROWING = {"records", "files", "texts", "people", "measures", "audit"}
BODY = ("为做好全年安全生产工作，经研究，现将有关事项通知如下。\n"
        "一、成立工作领导小组\n组  长：赵建国（局长）\n副组长：钱丽华（副局长）\n"
        "二、工作措施\n（一）开展隐患排查。责任领导：赵建国；责任人：钱丽华。\n")


def write_texts(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"通知{n}.txt"
        path.write_text(f"关于做好第{n}批安全生产工作的通知\n{BODY}\n青山县应急管理局\n"
                        f"2024年3月{n % 28 + 1}日\n", encoding="utf-8")
        paths.append(path)
    return paths


def full_scans(conn: sqlite3.Connection, statements: list[str]) -> list[tuple[str, str]]:
    """(statement, plan line) for every plan step that scans a growing table whole."""
    partial = {name for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}
    found = []
    for sql in statements:
        if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)", sql, re.I):
            continue
        if re.search(r"ORDER BY (seq|id|rowid)( DESC)? LIMIT \d+\s*$", sql):
            continue  # the first or last rows by primary key: a walk from one end, stopped by LIMIT
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            detail = row[-1]
            scanned = re.match(r"SCAN (\w+)(?: AS \w+)?$", detail) or \
                re.match(r"SCAN (\w+) USING (?:COVERING )?INDEX (\w+)", detail)
            if scanned and scanned.lastindex == 2 and scanned.group(2) in partial:
                continue  # a partial index holds only the rows asked for (records to index)
            table = scanned and scanned.group(1)
            alias_of = {"r": "records", "s": "records", "f": "files"}
            if table and alias_of.get(table, table) in GROWING:
                found.append((sql, detail))
    return found


def traced(archive: Archive, action) -> list[str]:
    statements: list[str] = []
    archive.catalog.conn.set_trace_callback(statements.append)
    try:
        action()
    finally:
        archive.catalog.conn.set_trace_callback(None)
    return statements


def test_add_edit_sync_and_search_use_indexes_only(tmp_path):
    from search.index import sync
    from search.query import search

    root = tmp_path / "arc"
    with Archive(root) as archive:
        for path in write_texts(tmp_path / "in", 6):
            assert archive.add_received(path).status == "added"
        sync(archive)
        more = write_texts(tmp_path / "more", 2, start=100)

        def work():
            outcome = archive.add_received(more[0])
            assert outcome.status == "added"
            assert archive.add_received(more[0]).status == "duplicate"
            archive.add_received(more[1], supersedes=outcome.record_id)
            archive.edit(outcome.record_id, {"note": "已核对"})
            former = archive.get(1).archival_code
            archive.edit(1, {"年度": "2023"})  # a re-coding: 件号 above the retired 档号 too
            assert archive.add_received(more[1].with_name("通知104.txt")).status == "added"
            assert archive.find(former).id == 1 and archive.former_codes(1) == [former]
            sync(archive)
            assert search(archive, "隐患排查").total >= 1
            archive.get(outcome.record_id)

        write_texts(tmp_path / "more", 5, start=100)  # 通知104.txt, another document
        statements = traced(archive, work)
        assert any("item_no" in s for s in statements)  # the 件号 query was traced
        assert any("audit_recodes" in s or "instr(detail" in s for s in statements)
        assert full_scans(archive.catalog.conn, statements) == []


def test_the_scan_detector_sees_a_full_scan(tmp_path):
    with Archive(tmp_path / "arc") as archive:
        statements = ["SELECT id FROM records WHERE note = 'x'", "SELECT id FROM records WHERE id = 1",
                      "SELECT seq FROM audit ORDER BY seq DESC LIMIT 1"]
        found = full_scans(archive.catalog.conn, statements)
    assert [s for s, _ in found] == [statements[0]]


def test_next_item_number_stays_right_with_the_index(tmp_path):
    with Archive(tmp_path / "arc") as archive:
        paths = write_texts(tmp_path / "in", 4)
        codes = [archive.add_received(p, overrides=Metadata(org="BGS")).archival_code
                 for p in paths]
    numbers = [int(code.rsplit("-", 1)[1]) for code in codes]
    assert numbers == sorted(numbers) and len(set(numbers)) == 4


def test_a_catalog_from_before_the_indexes_gets_them_from_the_next_writer(tmp_path):
    from archive.catalog import _LATER_INDEXES
    from archive.verify import verify

    root = tmp_path / "arc"
    with Archive(root) as archive:
        archive.add_received(write_texts(tmp_path / "in", 1)[0])
    conn = sqlite3.connect(root / "catalog.sqlite")
    for name in _LATER_INDEXES:
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    conn.close()
    with Archive(root, create=False) as archive:
        assert archive.catalog.schema_problems() == []  # an older catalog is not a forged one
        names = {r[0] for r in archive.catalog.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert set(_LATER_INDEXES) <= names
        assert not [f for f in verify(archive).findings if f.kind == "schema"]
