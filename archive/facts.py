"""Every fact the archive serves about a record, in one canonical form the audit log seals.

An add entry carries a record's facts whole; every later change carries the digest of the facts
after it. `archive verify` replays the log and compares the result with what the catalog holds,
so a catalog row changed behind gongwen's back is named field by field.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from typing import Iterator

from .records import LABELS

# fact -> the Chinese name a finding uses; metadata fields use records.LABELS
FACT_LABELS = {
    "archival_code": "档号", "year": "年度", "item_no": "件号", "origin": "来源",
    "name": "文件名", "media_type": "文件类型", "size": "文件大小", "sha256": "主文件哈希",
    "added_at": "归档时间", "added_by": "归档人", "pages": "页数", "supersedes": "所取代的记录",
    "deleted_at": "删除时间", "delete_reason": "删除理由", "files": "文件清单",
    "text_sha256": "正文", "people_sha256": "人员名单", "measures_sha256": "工作措施",
} | LABELS
FACT_NAMES = {label: name for name, label in FACT_LABELS.items()}  # 年度 -> year, 档号 -> …

_RECORD_COLUMNS = ("archival_code", "year", "item_no", "origin", "name", "media_type", "size",
                   "sha256", "added_at", "added_by", "pages", "supersedes", "deleted_at",
                   "delete_reason", *LABELS)
DIGESTS = ("text_sha256", "people_sha256", "measures_sha256")


def _sha(value) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(facts: dict) -> str:
    """The seal of one record's facts: what each change entry in the log carries."""
    return _sha(facts)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


EMPTY_CONTENT = {"text_sha256": text_digest(""), "people_sha256": _sha([]),
                 "measures_sha256": _sha([])}


def record_facts(conn: sqlite3.Connection, record_id: int) -> dict | None:
    """The facts of one record as the catalog holds them now (None if it has no row)."""
    found = list(_facts(conn, "WHERE id=?", (record_id,)))
    return found[0][1] if found else None


def all_facts(conn: sqlite3.Connection) -> Iterator[tuple[int, dict]]:
    """(record id, facts) of every record row, deleted ones included, in id order."""
    yield from _facts(conn, "", ())


def _facts(conn: sqlite3.Connection, where: str, params: tuple) -> Iterator[tuple[int, dict]]:
    rows = conn.execute("SELECT id, " + ", ".join(_RECORD_COLUMNS) + " FROM records "
                        + where + " ORDER BY id", params).fetchall()
    ids = [r[0] for r in rows]
    files, texts, people, measures = ({} for _ in range(4))
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        marks = ",".join("?" * len(chunk))
        for rid, *f in conn.execute(
                f"SELECT record_id, role, sha256, size, name, media_type FROM files"
                f" WHERE record_id IN ({marks}) ORDER BY record_id, role", chunk):
            files.setdefault(rid, []).append(_plain_all(f))
        for rid, body in conn.execute(
                f"SELECT record_id, body FROM texts WHERE record_id IN ({marks})", chunk):
            texts[rid] = _text(body)
        for rid, *p in conn.execute(
                f"SELECT record_id, name, role, post, grp FROM people"
                f" WHERE record_id IN ({marks}) ORDER BY record_id, rowid", chunk):
            people.setdefault(rid, []).append(_plain_all(p))
        for rid, *m in conn.execute(
                f"SELECT record_id, seq, title, body, leaders, doers, deadline FROM measures"
                f" WHERE record_id IN ({marks}) ORDER BY record_id, seq", chunk):
            measures.setdefault(rid, []).append(_plain_all(m))
    for row in rows:
        rid = row[0]
        facts = dict(zip(_RECORD_COLUMNS, _plain_all(row[1:])))
        for name in LABELS:
            facts[name] = "" if facts[name] is None else facts[name]
        facts["files"] = files.get(rid, [])
        facts["text_sha256"] = texts.get(rid, EMPTY_CONTENT["text_sha256"])
        facts["people_sha256"] = _sha(people.get(rid, []))
        facts["measures_sha256"] = _sha(measures.get(rid, []))
        yield rid, facts


def _plain(value):
    """A column value as JSON can hold it, its SQLite type kept visible: a BLOB where gongwen
    writes text is a change, even when its bytes spell the same words."""
    if isinstance(value, bytes):
        return "BLOB:" + value.hex()
    return value


def _plain_all(values) -> list:
    return [_plain(v) for v in values]


def _text(body: bytes) -> str:
    """Digest of a stored text; a body that does not inflate whole (or carries bytes after its
    stream) gets a digest no text has, so it differs from the log."""
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(body) + inflater.flush()
        if inflater.unused_data or not inflater.eof:
            raise ValueError("trailing or truncated")
        return text_digest(text.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, TypeError, ValueError):
        return "损坏:" + hashlib.sha256(repr(body).encode("utf-8")).hexdigest()


def differences(logged: dict, held: dict) -> list[str]:
    """Each fact that differs, in Chinese: 标题：日志为“…”，目录中为“…”."""
    out = []
    for key in sorted(set(logged) | set(held), key=lambda k: list(FACT_LABELS).index(k)
                      if k in FACT_LABELS else 999):
        a, b = logged.get(key), held.get(key)
        if a == b:
            continue
        label = FACT_LABELS.get(key, key)
        if key in DIGESTS:
            out.append(f"{label}与审计日志不符（目录中的内容被改动）")
        elif key == "files":
            out.append(f"{label}与审计日志不符：{_files_difference(a or [], b or [])}")
        else:
            out.append(f"{label}：日志为“{_shown(a)}”，目录中为“{_shown(b)}”")
    return out


def _shown(value) -> str:
    return "（空）" if value in (None, "") else str(value)


def _files_difference(logged: list, held: list) -> str:
    by_role_logged = {f[0]: f for f in logged}
    by_role_held = {f[0]: f for f in held}
    parts = []
    for role in sorted(set(by_role_logged) | set(by_role_held)):
        a, b = by_role_logged.get(role), by_role_held.get(role)
        if a == b:
            continue
        if a is None:
            parts.append(f"多出 {role} 文件“{b[3]}”")
        elif b is None:
            parts.append(f"缺少 {role} 文件“{a[3]}”")
        elif a[1] != b[1]:
            parts.append(f"{role} 文件“{a[3]}”的哈希被改为 {b[1][:12]}…")
        else:
            parts.append(f"{role} 文件的名称、大小或类型被改动")
    return "；".join(parts)
