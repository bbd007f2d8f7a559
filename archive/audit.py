"""The append-only audit log: every entry carries the hash of the one before it."""
from __future__ import annotations

import hashlib
import json
import os
import pwd
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64
ACTIONS = {"add": "归档", "supersede": "取代", "edit": "修改元数据", "delete": "删除",
           "reinstate": "恢复为现行", "fonds": "设定全宗号", "key": "设定日志密钥", "export": "导出",
           "rebuild-index": "重建索引"}
OPERATOR_ENV = "GONGWEN_OPERATOR"  # a human name the account's user states; recorded as stated
OPERATOR_KEY = "自报经办人"


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    user: str
    action: str
    record_id: int | None
    detail: dict
    prev_hash: str
    hash: str
    mac: str | None = None  # HMAC of `hash` under the audit key, when the archive has one


def entry_hash(prev_hash: str, seq: int, at: str, user: str, action: str,
               record_id: int | None, detail: dict) -> str:
    body = json.dumps([seq, at, user, action, record_id, detail], ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def os_user() -> str:
    """The operating-system account running gongwen (never LOGNAME, which anyone can set)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def stated_operator() -> str:
    return " ".join(os.environ.get(OPERATOR_ENV, "").split())[:50]


def append(conn: sqlite3.Connection, action: str, record_id: int | None, detail: dict,
           key=None) -> Entry:
    """Append one entry; call inside the transaction that makes the change it records.
    With `key` (archive.keys.AuditKey) the entry is also signed."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    at, user = now(), os_user()
    if stated_operator():
        detail = detail | {OPERATOR_KEY: stated_operator()}
    digest = entry_hash(prev, seq, at, user, action, record_id, detail)
    mac = key.sign(digest) if key is not None else None
    conn.execute(
        "INSERT INTO audit(seq, at, user, action, record_id, detail, prev_hash, hash, mac)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, at, user, action, record_id, json.dumps(detail, ensure_ascii=False), prev, digest,
         mac))
    return Entry(seq, at, user, action, record_id, detail, prev, digest, mac)


def entries(conn: sqlite3.Connection) -> list[Entry]:
    has_mac = any(r[1] == "mac" for r in conn.execute("PRAGMA table_info(audit)"))
    rows = conn.execute("SELECT seq, at, user, action, record_id, detail, prev_hash, hash, "
                        + ("mac" if has_mac else "NULL") + " FROM audit ORDER BY seq").fetchall()
    return [Entry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8])
            for r in rows]


def unsigned(log: list[Entry], key) -> list[str]:
    """With the audit key: every entry from the one that set the key on must carry a valid
    signature. Without a rewrite by the key's holder, a re-hashed chain fails here."""
    start = next((n for n, e in enumerate(log) if e.action == "key"), None)
    if start is None:
        return ["给出了密钥文件，但审计日志中没有设定密钥的记录（日志可能被整体改写）"]
    problems = []
    for entry in log[start:]:
        if not key.signed(entry.hash, entry.mac):
            problems.append(f"审计日志第 {entry.seq} 条的密钥签名不符（日志被改写，或密钥不对）")
    return problems


def chain_breaks(log: list[Entry]) -> list[str]:
    """Every place where the chain does not hold, in Chinese; empty when intact."""
    problems = []
    prev = GENESIS
    for expected_seq, entry in enumerate(log, start=1):
        if entry.seq != expected_seq:
            problems.append(f"审计日志第 {expected_seq} 条缺失（下一条序号为 {entry.seq}）")
        if entry.prev_hash != prev:
            problems.append(f"审计日志第 {entry.seq} 条的前序哈希与上一条不符（链条断裂）")
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.user, entry.action,
                                entry.record_id, entry.detail)
        if recomputed != entry.hash:
            problems.append(f"审计日志第 {entry.seq} 条内容与其哈希不符（记录被改动）")
        prev = entry.hash
    return problems
