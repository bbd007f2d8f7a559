"""gongwen who --person NAME: a person's duties across the current records, from the catalog."""
from __future__ import annotations

import json

from .clirun import gongwen


def _shown(archive, record_id: int) -> dict:
    return json.loads(gongwen("archive", "show", str(record_id), "--json", "-A", archive,
                              expect=0).out)


def test_every_role_of_a_person_in_every_current_record(archive_copy):
    records = json.loads(gongwen("archive", "list", "--json", "-A", archive_copy, expect=0).out)
    named: dict[str, set[tuple[int, str, str]]] = {}
    for record in records:
        for p in _shown(archive_copy, record["id"])["people"]:
            named.setdefault(p["name"], set()).add((record["id"], p["role"], p["group"]))
    name = max(named, key=lambda n: len({rid for rid, _, _ in named[n]}))  # in most records
    duties = json.loads(gongwen("who", "--person", name, "--json", "-A", archive_copy, expect=0).out)
    assert {(d["record_id"], d["role"], d["group"]) for d in duties} == named[name]
    ids = [d["record_id"] for d in duties]
    assert ids == sorted(ids, reverse=True)  # newest record first
    text = gongwen("who", "--person", name, "-A", archive_copy, expect=0).out
    assert f"{name}：共 {len(duties)} 项职责，出自 {len(set(ids))} 份文件。" in text


def test_a_deleted_record_leaves_the_persons_duties(archive_copy):
    records = json.loads(gongwen("archive", "list", "--json", "-A", archive_copy, expect=0).out)
    first, people = next((r, p) for r in records if (p := _shown(archive_copy, r["id"])["people"]))
    name = people[0]["name"]
    before = json.loads(gongwen("who", "--person", name, "--json", "-A", archive_copy, expect=0).out)
    gongwen("archive", "delete", str(first["id"]), "--reason", "测试", "--yes", "-A", archive_copy,
            expect=0)
    after = json.loads(gongwen("who", "--person", name, "--json", "-A", archive_copy, expect=0).out)
    assert {d["record_id"] for d in after} == {d["record_id"] for d in before} - {first["id"]}


def test_who_without_words_or_person_says_what_to_give(archive_copy):
    ran = gongwen("who", "-A", archive_copy, expect=2)
    assert "--person" in ran.err


def test_a_name_nobody_holds(archive_copy):
    ran = gongwen("who", "--person", "无此人", "-A", archive_copy, expect=0)
    assert "无此人：共 0 项职责，出自 0 份文件。" in ran.out
