"""年度 and 档号 (issue 18 item 5): the 年度 comes from the 成文日期, else from a date the source
states, else it is unknown (never the current year); `archive edit` corrects 成文日期 and 年度,
and a changed 年度 gives a new 档号 through the audit log, the old one kept and still found.

Real archives on disk, the real CLI (`gongwen` in a process where the exit code and the absence
of a traceback matter), real SQLite files for the tamper test."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from archive.core import Archive, Incoming
from archive.records import UNKNOWN_YEAR, Content, Metadata, StoredFile, record_year, year_shown
from archive.store import sha256_bytes

from .clirun import gongwen
from .conftest import run_cli

DATED = "关于做好节日值班工作的通知\n各科室：\n请按排班表做好节日值班。\n青山县人民政府办公室\n2021年3月5日\n"
UNDATED = "关于消毒工作的情况说明\n我所坚持每日对候诊区消毒，并做好登记。\n"
OTHER_DATED = "关于清理楼道杂物的通知\n各楼栋：\n请于本周内清理楼道杂物。\n青山县人民政府办公室\n2021年4月1日\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def record(root: Path, record_id: int):
    with Archive(root, create=False) as archive:
        return archive.get(record_id)


def audit_count(root: Path) -> int:
    conn = sqlite3.connect(root / "catalog.sqlite")
    try:
        return conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    finally:
        conn.close()


def last_entry(root: Path):
    with Archive(root, create=False) as archive:
        return archive.log()[-1]


@pytest.fixture
def arc(tmp_path) -> Path:
    """An archive with a dated notice (record 1) and an undated note (record 2)."""
    root = tmp_path / "arc"
    inbox = tmp_path / "in"
    run_cli("archive", "add", write(inbox, "值班.txt", DATED), write(inbox, "说明.txt", UNDATED),
            "-A", root, "-q")
    return root


# -- the rule


def test_record_year_takes_the_written_date_then_a_stated_one_then_none():
    assert record_year("2021-03-05") == (2021, "")
    assert record_year("2021-03-05", "2019-05-01", "第3行") == (2021, "")
    year, warning = record_year("", "2019-05-01", "第3行")
    assert year == 2019
    assert "第3行" in warning and "2019-05-01" in warning and "archive edit" in warning
    year, warning = record_year("")
    assert year == UNKNOWN_YEAR == 0
    assert "年度不详" in warning and "archive edit" in warning
    assert year_shown(UNKNOWN_YEAR) == "不详" and year_shown(2021) == "2021"


def test_a_stated_date_gives_the_year_of_an_add_and_a_warning(tmp_path):
    """What the document reader will hand over (Content.stated_date), through Archive.add."""
    data = "会议记录\n五月一日召开会议。\n".encode("utf-8")
    main = StoredFile("original", sha256_bytes(data), len(data), "记录.txt", "text/plain")
    content = Content(text=data.decode(), metadata=Metadata(title="会议记录"),
                      stated_date="2019-05-01", stated_where="第2行")
    with Archive(tmp_path / "arc") as archive:
        outcome = archive.add(Incoming([(main, data)], content, "received", "记录.txt"))
        assert outcome.status == "added", outcome.message
        assert outcome.archival_code == "Z001-WS·2019-D10-0001"
        assert archive.get(outcome.record_id).year == 2019
    assert any("第2行" in w and "2019" in w for w in outcome.warnings), outcome.warnings


# -- add


def test_a_dated_document_takes_its_year_from_the_written_date(arc):
    dated = record(arc, 1)
    assert dated.metadata.date == "2021-03-05"
    assert (dated.year, dated.archival_code) == (2021, "Z001-WS·2021-D10-0001")


def test_an_undated_document_has_an_unknown_year_never_the_current_one(tmp_path):
    root = tmp_path / "arc"
    ran = gongwen("archive", "add", write(tmp_path / "in", "说明.txt", UNDATED), "-A", root, expect=0)
    assert "Z001-WS·0000-D10-0001" in ran.out
    assert "年度不详" in ran.text and "archive edit" in ran.text  # the warning reaches the user
    undated = record(root, 1)
    assert undated.year == UNKNOWN_YEAR != date.today().year
    shown = gongwen("archive", "show", "1", "-A", root, expect=0).out
    assert "年度：不详" in shown and "原档号" not in shown


# -- edit 年度


def test_editing_the_year_recodes_and_keeps_the_old_code_findable(arc):
    old = record(arc, 2).archival_code
    assert old == "Z001-WS·0000-D10-0001"
    ran = gongwen("archive", "edit", "2", "年度=2020年", "-A", arc, expect=0)
    new = "Z001-WS·2020-D10-0001"
    assert old in ran.out and new in ran.out and "年度改为 2020" in ran.out
    edited = record(arc, 2)
    assert (edited.year, edited.item_no, edited.archival_code) == (2020, 1, new)
    entry = last_entry(arc)
    assert entry.action == "edit" and entry.record_id == 2
    assert entry.detail["修改"] == {"年度": [0, 2020], "件号": [1, 1], "档号": [old, new]}
    for wanted in (old, new, "2"):  # the former 档号, the current one, the record number
        shown = gongwen("archive", "show", wanted, "-A", arc, expect=0).out
        assert shown.startswith(f"记录 2  档号 {new}"), shown
        assert f"原档号：{old}" in shown and "年度：2020" in shown
    as_json = json.loads(gongwen("archive", "show", old, "--json", "-A", arc, expect=0).out)
    assert as_json["former_codes"] == [old] and as_json["archival_code"] == new
    assert "档案库完好" in gongwen("archive", "verify", "-A", arc, expect=0).out


def test_editing_the_written_date_moves_the_year(arc):
    ran = run_cli("archive", "edit", "1", "成文日期=2019-12-30", "-A", arc)
    assert "Z001-WS·2021-D10-0001" in ran.output and "Z001-WS·2019-D10-0001" in ran.output
    edited = record(arc, 1)
    assert (edited.metadata.date, edited.year, edited.archival_code) == (
        "2019-12-30", 2019, "Z001-WS·2019-D10-0001")
    assert last_entry(arc).detail["修改"]["成文日期"] == ["2021-03-05", "2019-12-30"]
    # a date within the same year, or a change of another field, leaves the 档号 alone
    ran = run_cli("archive", "edit", "1", "成文日期=2019-11-01", "密级=秘密", "-A", arc)
    assert "档号 Z001-WS·2019-D10-0001 不变" in ran.output
    assert set(last_entry(arc).detail["修改"]) == {"成文日期", "密级"}
    assert "档案库完好" in gongwen("archive", "verify", "-A", arc, expect=0).out


def test_a_stated_year_wins_over_the_date_given_with_it(arc):
    run_cli("archive", "edit", "1", "成文日期=2019-12-30", "年度=2020", "-A", arc)
    edited = record(arc, 1)
    assert (edited.metadata.date, edited.year) == ("2019-12-30", 2020)
    assert edited.archival_code == "Z001-WS·2020-D10-0001"


def test_the_same_year_again_changes_nothing(arc):
    before = audit_count(arc)
    ran = run_cli("archive", "edit", "1", "年度=2021", "-A", arc)
    assert "不变" in ran.output and audit_count(arc) == before


def test_a_retired_code_is_never_given_again(arc, tmp_path):
    """The recoded record held the highest 件号 of 2021: the next 2021 add must not take it."""
    run_cli("archive", "edit", "1", "年度=2020", "-A", arc)
    ran = run_cli("archive", "add", write(tmp_path / "more", "楼道.txt", OTHER_DATED), "-A", arc)
    assert "Z001-WS·2021-D10-0002" in ran.output
    shown = gongwen("archive", "show", "Z001-WS·2021-D10-0001", "-A", arc, expect=0).out
    assert shown.startswith("记录 1  档号 Z001-WS·2020-D10-0001")
    assert "档案库完好" in gongwen("archive", "verify", "-A", arc, expect=0).out


@pytest.mark.parametrize("value", ["19", "3000", "1899", "二〇二一", "2021-03", "abcd", "", "²⁰²¹"])
def test_an_invalid_year_is_refused_in_chinese_and_changes_nothing(arc, value):
    before, entries = record(arc, 2), audit_count(arc)
    ran = gongwen("archive", "edit", "2", f"年度={value}", "密级=秘密", "-A", arc)
    assert ran.code == 2, ran.text
    assert "年度：应为 1900 到 2999 之间的四位年份" in ran.err and f"“{value}”" in ran.err
    assert record(arc, 2) == before and audit_count(arc) == entries


def test_full_width_digits_are_a_year(arc):
    run_cli("archive", "edit", "2", "年度=２０２２", "-A", arc)
    assert record(arc, 2).archival_code == "Z001-WS·2022-D10-0001"


@pytest.mark.parametrize("wanted, message", [
    ("abc", "不是有效的记录号或档号"), ("三", "不是有效的记录号或档号"), ("0", "范围内"),
    ("99999999999999999999", "范围内")])
def test_show_refuses_what_is_neither_a_record_number_nor_a_code(arc, wanted, message):
    ran = gongwen("archive", "show", wanted, "-A", arc, expect=2)  # a usage error, as before
    assert message in ran.err and ran.out == "", ran.err


def test_show_of_a_code_no_record_ever_had_says_so(arc):
    ran = gongwen("archive", "show", "Z001-WS·1999-D10-0001", "-A", arc, expect=1)
    assert "不是任何记录现在或曾经的档号" in ran.err and ran.out == ""


def test_show_takes_full_width_record_numbers(arc):
    assert gongwen("archive", "show", "２", "-A", arc, expect=0).out.startswith("记录 2 ")


# -- verify


def test_verify_finds_year_and_code_changed_by_hand_in_the_catalog(arc):
    run_cli("archive", "edit", "2", "年度=2020", "-A", arc)  # the log now replays a re-coding
    assert "档案库完好" in gongwen("archive", "verify", "-A", arc, expect=0).out
    conn = sqlite3.connect(arc / "catalog.sqlite", isolation_level=None)
    try:
        conn.execute("UPDATE records SET year=2018, archival_code='Z001-WS·2018-D10-0001'"
                     " WHERE id=2")
        conn.execute("UPDATE records SET item_no=7 WHERE id=1")
    finally:
        conn.close()
    ran = gongwen("archive", "verify", "--json", "-A", arc, expect=1)
    found = {(f["kind"], f["message"]) for f in json.loads(ran.out)["findings"]}
    assert ("catalog", "年度：日志为“2020”，目录中为“2018”") in found
    assert ("catalog", "档号：日志为“Z001-WS·2020-D10-0001”，目录中为“Z001-WS·2018-D10-0001”") in found
    assert ("catalog", "件号：日志为“1”，目录中为“7”") in found


def test_verify_finds_a_code_changed_back_by_hand_after_an_edit(arc):
    """Undoing a logged re-coding behind gongwen's back is a change like any other."""
    run_cli("archive", "edit", "1", "年度=2020", "-A", arc)
    conn = sqlite3.connect(arc / "catalog.sqlite", isolation_level=None)
    try:
        conn.execute("UPDATE records SET year=2021, archival_code='Z001-WS·2021-D10-0001'"
                     " WHERE id=1")
    finally:
        conn.close()
    ran = gongwen("archive", "verify", "-A", arc, expect=1)
    assert "年度：日志为“2020”，目录中为“2021”" in ran.text


# -- search


def test_search_shows_the_new_code_and_year_after_an_edit(arc):
    def searched():
        out = gongwen("search", "--facets", "--json", "值班", "-A", arc, expect=0).out
        return json.loads(out)

    before = searched()
    assert [h["archival_code"] for h in before["hits"]] == ["Z001-WS·2021-D10-0001"]
    assert before["facets"]["年度"] == {"2021": 1}
    run_cli("archive", "edit", "1", "年度=2019", "-A", arc)  # the edit updates the index
    after = searched()
    assert [h["archival_code"] for h in after["hits"]] == ["Z001-WS·2019-D10-0001"]
    assert after["facets"]["年度"] == {"2019": 1} and after["pending"] == 0
    unknown = json.loads(gongwen("search", "--facets", "--json", "消毒", "-A", arc, expect=0).out)
    assert unknown["facets"]["年度"] == {"（未知）": 1}  # not a 年度 "0"
