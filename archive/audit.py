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
    problem: str = ""  # why the stored row is not a well-formed entry (it was changed)


def entry_hash(prev_hash: str, seq: int, at: str, user: str, action: str,
               record_id: int | None, detail: dict) -> str:
    body = json.dumps([seq, at, user, action, record_id, detail], ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256((str(prev_hash) + body).encode("utf-8", "surrogatepass")).hexdigest()


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


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(number of entries, hash of the last) without reading the whole log."""
    count = conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    row = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return count, str(row[0]) if row else GENESIS


def entries(conn: sqlite3.Connection, record_id: int | None = None) -> list[Entry]:
    """The whole log, or (record_id) the entries about one record."""
    has_mac = any(r[1] == "mac" for r in conn.execute("PRAGMA table_info(audit)"))
    where, params = ("WHERE record_id=? ", (record_id,)) if record_id is not None else ("", ())
    rows = conn.execute("SELECT seq, at, user, action, record_id, detail, prev_hash, hash, "
                        + ("mac" if has_mac else "NULL") + " FROM audit " + where
                        + "ORDER BY seq", params).fetchall()
    return [_entry(r) for r in rows]


def _entry(row: tuple) -> Entry:
    """One audit row as an Entry; a row someone changed into something gongwen never writes
    (wrong types, detail that is not a JSON object) carries its problem instead of raising."""
    seq, at, user, action, record_id, raw, prev, digest, mac = row
    problems = []
    if not isinstance(seq, int) or not (record_id is None or isinstance(record_id, int)):
        problems.append("序号或记录号不是整数")
    if not all(isinstance(v, str) for v in (at, user, action, prev, digest)) or not (
            mac is None or isinstance(mac, str)):
        problems.append("字段类型不对")
    detail = {}
    try:
        detail = json.loads(raw)
        json.dumps(detail, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):  # not text, not JSON, or lone surrogates
        problems.append("内容不是有效的 JSON 文本")
        detail = {"无法读出的内容": repr(raw)[:200]}
    if not isinstance(detail, dict):
        problems.append("内容不是 JSON 对象")
        detail = {"无法读出的内容": repr(raw)[:200]}
    return Entry(seq, at, user, action, record_id, detail, prev, digest, mac,
                 "；".join(problems))


CLOCK_SLACK_S = 60  # a clock stepped back this little (NTP) is not a finding


def _went_back(at, before) -> bool:
    """Whether entry time `at` lies more than the clock slack before the previous entry's."""
    try:
        gap = datetime.fromisoformat(before) - datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return False
    return gap.total_seconds() > CLOCK_SLACK_S


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
    last_at = ""
    for expected_seq, entry in enumerate(log, start=1):
        if entry.seq != expected_seq:
            problems.append(f"审计日志第 {expected_seq} 条缺失（下一条序号为 {entry.seq}）")
        if entry.prev_hash != prev:
            problems.append(f"审计日志第 {entry.seq} 条的前序哈希与上一条不符（链条断裂）")
        if entry.problem:
            problems.append(f"审计日志第 {entry.seq} 条已被改动：{entry.problem}")
        else:
            recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.user,
                                    entry.action, entry.record_id, entry.detail)
            if recomputed != entry.hash:
                problems.append(f"审计日志第 {entry.seq} 条内容与其哈希不符（记录被改动）")
        if _went_back(entry.at, last_at):
            problems.append(f"审计日志第 {entry.seq} 条的时间 {entry.at} 早于上一条（{last_at}）")
        last_at = entry.at if isinstance(entry.at, str) else last_at
        prev = entry.hash
    return problems
