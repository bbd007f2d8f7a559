"""`archive verify`: check the catalog file, walk the audit chain, replay it against the catalog,
and re-hash every stored object (opened without following links)."""
from __future__ import annotations

import re
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from . import audit
from .core import Archive, folder_in_use
from .facts import EMPTY_CONTENT, FACT_NAMES, all_facts, differences, digest
from .keys import META_KEY_ID, AuditKey
from .witness import Anchor, broken_anchors
from .records import BY_LABEL
from .store import ObjectError

SHA_NAME = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Finding:
    # corrupt | schema | orphan | chain | head | catalog | vanished | unlogged | missing | altered
    # | link | misplaced | extra | incomplete | index
    kind: str
    subject: str  # a path, a record or an audit entry
    message: str  # Chinese

    def __str__(self) -> str:
        return f"[{self.kind}] {self.subject}：{self.message}"


@dataclass(frozen=True)
class Report:
    files_checked: int
    records: int
    audit_entries: int
    audit_head: str
    findings: list[Finding]
    unsealed: int = 0  # records added before the log sealed every fact (only their files checked)
    keyed: bool = False  # the archive signs its entries with an audit key
    signatures_checked: bool = False


@dataclass
class _Logged:
    """A record as the log says it is: its facts after every logged change."""

    record_id: int
    code: str
    facts: dict | None  # None for an add entry older than sealing
    files: list[tuple[str, str]] = field(default_factory=list)  # (role, sha256) as added
    deleted: bool = False


def verify(archive: Archive, key: AuditKey | None = None,
           anchors: Sequence[Anchor] = ()) -> Report:
    """Everything verify checks; with `key`, also every entry's signature, and each head
    noted outside the archive (`anchors`) must still stand at its place."""
    findings: list[Finding] = []
    catalog_file = str(archive.catalog.path)
    if archive.catalog.unread_wal:
        findings.append(Finding("corrupt", catalog_file + "-wal", "目录文件旁有尚未合并的 WAL 文件，"
                                "只读打开时读不到其中的内容，无法核对：请让有写权限的账户运行一次 "
                                "gongwen archive verify"))
    findings += _foreign_entries(archive.root, archive.catalog.get_meta("index_dir"))
    for problem in archive.catalog.integrity_problems():
        findings.append(Finding("corrupt", catalog_file, f"SQLite 完整性检查未通过：{problem}"))
    try:
        log = archive.log()
        held = dict(all_facts(archive.catalog.conn))
    except (sqlite3.DatabaseError, ValueError) as exc:
        findings.append(Finding("corrupt", catalog_file, f"无法读出目录或审计日志（{exc}）；"
                                "请从最近导出的归档包恢复"))
        return Report(0, 0, 0, audit.GENESIS, findings)
    for problem in archive.catalog.schema_problems() + archive.catalog.meta_problems():
        findings.append(Finding("schema", catalog_file, problem))
    for table, ids in archive.catalog.orphans().items():
        shown = "、".join(map(str, ids[:10])) + ("……" if len(ids) > 10 else "")
        findings.append(Finding("orphan", f"{table} 表", f"有不属于任何记录的行（记录号 {shown}）"))
    findings += [Finding("chain", "审计日志", message) for message in audit.chain_breaks(log)]
    findings += [Finding("head", "审计日志链头", message)
                 for message in broken_anchors(log, anchors)]
    keyed, key_findings = _signatures(archive, log, key)
    findings += key_findings
    logged, replay_findings = _replay(log)
    findings += replay_findings
    findings += _compare(logged, held)
    findings += _fonds(archive, log)
    expected = _expected_objects(logged, held)
    findings += _objects(archive, expected)
    live = sum(1 for facts in held.values() if facts["deleted_at"] is None)
    unsealed = sum(1 for r in logged.values() if r.facts is None)
    return Report(len(expected), live, len(log), log[-1].hash if log else audit.GENESIS,
                  findings, unsealed, keyed, keyed and key is not None)


def _signatures(archive: Archive, log: list[audit.Entry],
                key: AuditKey | None) -> tuple[bool, list[Finding]]:
    key_id = archive.catalog.get_meta(META_KEY_ID)
    logged_ids = [e.detail.get("密钥标识") for e in log if e.action == "key"]
    findings = []
    if logged_ids and key_id != logged_ids[-1]:
        findings.append(Finding("chain", "审计日志密钥", f"目录记载的密钥标识（{key_id or '无'}）"
                                f"与日志所记的（{logged_ids[-1]}）不符"))
    elif key_id is not None and not logged_ids:
        findings.append(Finding("chain", "审计日志密钥", "目录记载了密钥标识，但日志中没有设定密钥的记录"))
    if not logged_ids and any(e.mac is not None for e in log):
        findings.append(Finding("chain", "审计日志密钥", "档案库没有设定密钥，日志条目却带有签名"))
    if key is None:
        return bool(logged_ids) or key_id is not None, findings
    if logged_ids and key.key_id != logged_ids[-1]:
        findings.append(Finding("chain", "审计日志密钥", f"密钥文件“{key.path}”不是这个档案库的密钥"))
    else:
        findings += [Finding("chain", "审计日志", m) for m in audit.unsigned(log, key)]
    return True, findings


def _subject(record_id: int, code: str) -> str:
    return f"记录 {record_id}（{code}）" if code else f"记录 {record_id}"


def _replay(log: list[audit.Entry]) -> tuple[dict[int, _Logged], list[Finding]]:
    """Each record's state after every add, edit and delete in the log."""
    logged: dict[int, _Logged] = {}
    findings = []
    for entry in log:
        if entry.problem:  # chain_breaks names it; its content is not to be trusted
            continue
        try:
            _apply(entry, logged, findings)
        except (TypeError, AttributeError, KeyError, ValueError, IndexError):
            findings.append(Finding("chain", f"审计日志第 {entry.seq} 条",
                                    "内容的结构不是 gongwen 写下的样子（被改动）"))
    return logged, findings


def _apply(entry: audit.Entry, logged: dict[int, _Logged], findings: list[Finding]) -> None:
    detail, rid = entry.detail, entry.record_id
    if entry.action == "add" and rid is not None:
        facts = detail.get("记录")
        if facts is not None and not isinstance(facts, dict):
            raise TypeError("facts")
        files = [(f["role"], f["sha256"]) for f in detail.get("文件", [])]
        logged[rid] = _Logged(rid, str(detail.get("档号", "")), facts, files)
    record = logged.get(rid) if rid is not None else None
    if record is not None and entry.action == "edit":
        _apply_edit(detail, record)
    if record is None or record.facts is None:
        if record is not None and entry.action == "delete":
            record.deleted = True
        return
    if entry.action == "delete":
        record.deleted = True
        record.facts |= EMPTY_CONTENT | {"deleted_at": detail.get("删除时间"),
                                         "delete_reason": detail.get("理由"),
                                         "supersedes": None}
    sealed = detail.get("状态")
    if sealed is not None and sealed != digest(record.facts):
        findings.append(Finding("chain", f"审计日志第 {entry.seq} 条",
                                f"所记{_subject(rid, record.code)}的状态与日志前文重放的结果不符"))


def _apply_edit(detail: dict, record: _Logged) -> None:
    """An edit entry's 修改 on the record as logged: metadata by its label (or an alias), and
    the 年度, 件号 and 档号 a corrected 年度 gave it (the 档号 also for a record from before
    sealing, whose 档号 is all that is compared)."""
    for label, change in detail.get("修改", {}).items():
        if not (isinstance(change, list) and len(change) == 2):
            raise ValueError("edit")
        if record.facts is not None:
            record.facts[BY_LABEL.get(label) or FACT_NAMES.get(label, label)] = change[1]
        if label == "档号":
            record.code = str(change[1])


def _compare(logged: dict[int, _Logged], held: dict[int, dict]) -> list[Finding]:
    findings = []
    for rid, record in sorted(logged.items()):
        subject = _subject(rid, record.code)
        facts = held.get(rid)
        if facts is None:
            findings.append(Finding("vanished", subject, "审计日志记有其归档，但目录中已没有这条记录"
                                    + ("（日志记有删除，目录行却被抹去）" if record.deleted
                                       else "，日志中也没有删除记录")))
            continue
        if record.facts is None:  # before sealing: what the add entry listed
            findings += _legacy(record, facts, subject)
            continue
        try:
            found = differences(record.facts, facts)
        except (TypeError, AttributeError, ValueError, IndexError, KeyError):
            found = ["审计日志所记的事实结构不对（日志被改动）"]
        findings += [Finding("catalog", subject, difference) for difference in found]
    for rid in sorted(set(held) - set(logged)):
        findings.append(Finding("unlogged", _subject(rid, held[rid]["archival_code"]),
                                "目录中有这条记录，但审计日志中没有它的归档记录（可能是伪造的）"))
    return findings


def _legacy(record: _Logged, facts: dict, subject: str) -> list[Finding]:
    out = []
    held_files = {(f[0], f[1]) for f in facts["files"]}
    if record.code and record.code != facts["archival_code"]:
        out.append(Finding("catalog", subject, f"档号：日志为“{record.code}”，"
                                               f"目录中为“{facts['archival_code']}”"))
    if record.files and not record.deleted and set(record.files) != held_files:
        out.append(Finding("catalog", subject, "文件清单与审计日志不符"))
    if record.deleted != (facts["deleted_at"] is not None):
        out.append(Finding("catalog", subject, "删除状态与审计日志不符"))
    return out


def _fonds(archive: Archive, log: list[audit.Entry]) -> list[Finding]:
    stated = [e.detail.get("全宗号") for e in log if e.action == "fonds"]
    codes = [e.detail.get("档号", "") for e in log if e.action == "add"]
    expected = stated[-1] if stated else (codes[0].split("-")[0] if codes else None)
    if expected and expected != archive.fonds:
        return [Finding("catalog", "全宗号", f"日志为“{expected}”，目录中为“{archive.fonds}”")]
    return []


def _expected_objects(logged: dict[int, _Logged], held: dict[int, dict]) -> dict[str, str]:
    """Object hash -> whose it is, for every file of every live record as the log has it
    (and as the catalog has it: both must be present)."""
    expected: dict[str, str] = {}
    for rid, facts in held.items():
        record = logged.get(rid)
        owner = _subject(rid, facts["archival_code"])
        if facts["deleted_at"] is None:
            for role, sha, _size, name, _media in facts["files"]:
                expected[sha] = f"{owner}的{name}"
        if record is not None and not record.deleted:
            files = ([(f[0], f[1], f[3]) for f in record.facts["files"]] if record.facts
                     else [(role, sha, role) for role, sha in record.files])
            for _role, sha, name in files:
                expected.setdefault(sha, f"{owner}的{name}")
    return expected


def _objects(archive: Archive, expected: dict[str, str]) -> list[Finding]:
    findings = []
    store = archive.objects
    present: set[str] = set()
    linked: set[str] = set()
    for path, kind in _walk_objects(store.root, store.tmp):
        name = path.name
        if kind == "link":
            linked.add(name)
            findings.append(Finding("link", str(path), "对象被替换为符号链接（不跟随链接，"
                                    "也不采信其指向的内容）"))
        elif kind == "dir":
            findings.append(Finding("misplaced", str(path), "对象目录中出现了不应有的子目录"))
        elif kind == "special":
            findings.append(Finding("misplaced", str(path), "对象目录中出现了特殊文件（管道或设备）"))
        elif not SHA_NAME.fullmatch(name) or path.parent != store.path(name).parent:
            findings.append(Finding("misplaced", str(path), "文件不在其哈希对应的位置"
                                    + ("（被移动过）" if name in expected else "")))
        else:
            present.add(name)
            info = path.lstat()
            if info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                findings.append(Finding("mode", str(path), "对象文件可写（应为只读）"))
            if info.st_nlink > 1:
                findings.append(Finding("mode", str(path), f"对象文件另有 {info.st_nlink - 1} 个硬链接，"
                                        "可能在档案库之外被改动"))
            if name not in expected:
                findings.append(Finding("extra", str(path), "多余文件：不属于任何在档记录"
                                        "（可能是中断的归档留下的，重新归档同一文件即可补全）"))
    for sha, owner in sorted(expected.items(), key=lambda x: x[1]):
        if sha in linked:
            continue
        if sha not in present:
            findings.append(Finding("missing", str(store.path(sha)), f"缺失：{owner}"))
            continue
        problem = _rehash(store, sha)
        if problem:
            findings.append(Finding("altered", str(store.path(sha)), f"{problem}：{owner}"))
    for leftover in store.leftovers():
        findings.append(Finding("incomplete", str(leftover), "中断的写入留下的临时文件"
                                if leftover.is_file() and not leftover.is_symlink()
                                else "临时目录中有不应有的目录、链接或特殊文件"))
    return findings


ARCHIVE_ENTRIES = re.compile(r"catalog\.sqlite(-wal|-shm|-journal)?|objects|index-[0-9]{1,9}"
                             r"|\.index\.lock|\.objects\.lock"
                             r"|users\.sqlite(-journal)?")  # the web workspace's accounts


def _foreign_entries(root: Path, current_index: str | None) -> list[Finding]:
    """Files, folders and links in the archive folder that gongwen never makes there, and
    index folders other than the current one."""
    out = []
    for entry in sorted(root.iterdir()):
        if entry.is_symlink():
            out.append(Finding("link", str(entry), "档案库目录中有符号链接（gongwen 不会建立）"))
        elif not ARCHIVE_ENTRIES.fullmatch(entry.name):
            out.append(Finding("extra", str(entry), "档案库目录中有 gongwen 不写的文件或目录"))
        elif entry.name.startswith("index-") and entry.name != current_index:
            out.append(Finding("extra", str(entry), "旧的检索索引，仍有检索进程在读取（该进程结束后，"
                                                    "下次归档或 gongwen index rebuild 会清理）"
                               if folder_in_use(entry) else
                               "不是当前的检索索引：中断或失败的重建留下的"
                               "（gongwen index rebuild 会清理）"))
    return out


def _walk_objects(root: Path, tmp: Path):
    """(path, kind) of every entry under objects/ but tmp/, by lstat: links are not followed."""
    if not root.is_dir() or root.is_symlink():
        return
    for top in sorted(root.iterdir()):
        if top == tmp:
            continue
        kind = _kind(top)
        if kind != "dir":
            yield top, kind
        else:
            for entry in sorted(top.iterdir()):
                yield entry, _kind(entry)


def _kind(path: Path) -> str:
    mode = path.lstat().st_mode
    return ("link" if stat.S_ISLNK(mode) else "dir" if stat.S_ISDIR(mode)
            else "file" if stat.S_ISREG(mode) else "special")


def _rehash(store, sha: str) -> str:
    """Why the object does not hold its hash's content, or ""."""
    try:
        return "" if store.stored_sha256(sha) == sha else "内容被改动，哈希不符"
    except ObjectError as exc:
        return str(exc)
