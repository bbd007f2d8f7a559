"""The archive: a folder holding objects/ (original bytes), catalog.sqlite and the index.

Order of every add: store the bytes (atomic rename), then one catalog transaction (record,
files, text, people, measures, audit entry), then the index. A crash between steps leaves
either an unreferenced object (re-adding adopts it) or a record the index has not caught up
with (the next add or `index rebuild` catches up); never a half-written record.
"""
from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from generator.errors import GongwenError, describe_os_error, sqlite_reason

from . import audit
from .catalog import Catalog, CatalogError, archival_code
from .facts import digest, record_facts
from .keys import KEY_ENV, META_KEY_ID, AuditKey, AuditKeyError, key_from_env
from .incoming import Incoming, Outcome
from .inputs import InputRefused, read_input
from .overrides import stated
from .records import (LABELS, Metadata, Record, StoredFile, default_period,
                      record_year)
from .store import ObjectStore, sha256_bytes

if TYPE_CHECKING:
    from .receiving import ReceivedFile

DEFAULT_FONDS = "Z001"
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # as people type them
DEFAULT_ARCHIVE_DIR = Path("gongwen-archive")  # the CLI also reads GONGWEN_ARCHIVE


class ArchiveError(GongwenError):
    """An archive operation that cannot be done as asked (message in Chinese)."""


class StorageFailure(GongwenError):
    """The archive's disk refused a write (full, a quota or size limit, an I/O error): nothing of
    the document being added was kept, and a batch must stop here."""


def archive_containing(path: Path, include_self: bool = True) -> Path | None:
    """The archive folder `path` lies in (symlinks resolved), if any."""
    real = Path(path).resolve()
    for folder in ([real] if include_self else []) + list(real.parents):
        if (folder / "catalog.sqlite").is_file() and (folder / "objects").is_dir():
            return folder
    return None


def refuse_inside_archive(path: Path, what: str) -> None:
    """ArchiveError when `path` (an output, an export, a witness file) lies in an archive:
    gongwen never writes there but what the archive itself holds."""
    found = archive_containing(path)
    if found is not None:
        raise ArchiveError(f"{what}“{path}”在档案库“{found}”之中：请放在档案库以外")


class Archive:
    def __init__(self, root: Path, create: bool = True):
        self.root = Path(root)
        outer = archive_containing(self.root, include_self=False)
        if outer is not None:
            raise ArchiveError(f"“{self.root}”在档案库“{outer}”之中：不能在档案库里再建档案库，"
                               f"请用 -A {outer}")
        catalog = self.root / "catalog.sqlite"
        missing = not catalog.is_file() or catalog.stat().st_size == 0
        if missing and self._holds_documents():
            raise ArchiveError(f"档案库“{self.root}”中已有归档的文件，但目录文件 catalog.sqlite 缺失或为空："
                               "不会新建目录（那会重复分配档号）；请从最近导出的归档包恢复")
        if missing and not create:
            raise ArchiveError(f"档案库“{self.root}”不存在；先用 gongwen archive add 归档文件")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"无法创建档案库目录“{self.root}”：{exc.strerror}") from None
        try:
            self.catalog = Catalog(catalog)
        except CatalogError as exc:
            raise ArchiveError(str(exc)) from None
        self.objects = ObjectStore(self.root / "objects")
        self._key: AuditKey | None = None
        self._checked = False  # schema and audit key checked for writing
        self.acting: dict[str, str] = {}  # added to every entry this object logs (a web account)

    def _holds_documents(self) -> bool:
        objects = self.root / "objects"
        return ((objects.is_dir() and any(p.name != "tmp" for p in objects.iterdir()))
                or any(self.root.glob("index-*")))

    @property
    def read_only(self) -> bool:
        return self.catalog.read_only

    def require_writable(self) -> None:
        if self.read_only:
            raise ArchiveError(f"档案库“{self.root}”只读（只读挂载或当前用户没有写权限）："
                               "可以查看、检索、校验和导出，不能归档或修改")
        if not self._checked:  # once per open archive, not once per document
            changed = self.catalog.schema_problems()
            if changed:
                raise ArchiveError("档案库目录的结构被改动（" + "；".join(changed[:3]) + "），"
                                   "为免写入被篡改，拒绝归档和修改；请运行 gongwen archive verify")
            self._key = self._signing_key()
            self._checked = True

    def _signing_key(self) -> AuditKey | None:
        """The audit key every write signs with; required once the archive has one."""
        key_id = self.catalog.get_meta(META_KEY_ID)
        if key_id is None:
            return None
        try:
            key = key_from_env()
        except AuditKeyError as exc:
            raise ArchiveError(str(exc)) from None
        if key is None:
            raise ArchiveError(f"档案库的审计日志带密钥：请用环境变量 {KEY_ENV} 指定密钥文件后再归档或修改")
        if key.key_id != key_id:
            raise ArchiveError(f"密钥文件“{key.path}”不是这个档案库的密钥（标识 {key.key_id}，"
                               f"档案库记载的是 {key_id}）")
        return key

    def _log(self, conn, action: str, record_id: int | None, detail: dict) -> audit.Entry:
        return audit.append(conn, action, record_id, detail | self.acting, key=self._key)

    def set_audit_key(self, key: AuditKey) -> audit.Entry:
        """From now on every entry is signed with `key`, kept outside the archive."""
        self.require_writable()
        if self._key is not None:
            raise ArchiveError("这个档案库已设定审计日志密钥，不能更换")
        self._key = key
        with self.catalog.transaction() as conn:
            self.catalog.set_meta(conn, META_KEY_ID, key.key_id)
            return self._log(conn, "key", None, {"密钥标识": key.key_id})

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def fonds(self) -> str:
        return self.catalog.get_meta("fonds") or DEFAULT_FONDS

    def set_fonds(self, fonds: str) -> None:
        self.require_writable()
        with self.catalog.transaction() as conn:
            self.catalog.set_meta(conn, "fonds", fonds)
            self._log(conn, "fonds", None, {"全宗号": fonds})

    @contextmanager
    def _object_lock(self, exclusive: bool) -> Iterator[None]:
        """Adds hold it shared from storing their bytes to their commit; a delete holds it
        exclusively while it removes objects no live record uses, so it never removes the
        object of an add of the same bytes that has not committed yet."""
        with _locked(self.root / ".objects.lock", exclusive):
            yield

    @contextmanager
    def index_lock(self) -> Iterator[None]:
        """Serialises index writers across processes; released by the OS if one dies."""
        with _locked(self.root / ".index.lock", exclusive=True):
            yield

    # -- adding

    def add_received(self, path: Path, overrides: Metadata | None = None,
                     supersedes: int | None = None) -> Outcome:
        """Archive one received file (DOCX, PDF, TXT, Markdown). Never raises for a bad file:
        the outcome says what was wrong."""
        wanted = self.received_wanted(path)
        if isinstance(wanted, Outcome):
            return wanted
        from .receiving import read_received_file  # the importer: only when reading

        return self.add_read(read_received_file(wanted, overrides), supersedes)

    def received_wanted(self, path: Path) -> "ReceivedFile | Outcome":
        """The file's bytes when it is to be read; the outcome when it cannot be read or is
        archived already (known by its hash before any reading)."""
        try:
            data = read_input(path, follow_links=False)
        except InputRefused as exc:
            return Outcome(str(path), "failed", message=str(exc))
        sha = sha256_bytes(data)
        existing = self.catalog.find_file(sha)
        if existing:
            return self._duplicate(str(path), existing)
        from .receiving import ReceivedFile

        return ReceivedFile(path, data, sha)

    def add_read(self, read: "Incoming | Outcome", supersedes: int | None = None) -> Outcome:
        """Archive what read_received_file made of a file (an outcome passes through)."""
        return read if isinstance(read, Outcome) else self.add(read, supersedes)

    def add(self, incoming: Incoming, supersedes: int | None = None) -> Outcome:
        """Archive one document. Never raises for what the user asked wrongly (a record that
        cannot be superseded): the outcome says so, and nothing is stored."""
        self.require_writable()
        try:
            with self._object_lock(exclusive=False):
                return self._add(incoming, supersedes)
        except ArchiveError as exc:
            return Outcome(incoming.path, "failed", message=str(exc))
        except OSError as exc:
            raise StorageFailure(f"写入档案库失败（{describe_os_error(exc)}），"
                                 f"“{incoming.path}”未归档") from None
        except sqlite3.OperationalError as exc:
            raise StorageFailure(f"写入档案库目录失败（{sqlite_reason(exc)}），“{incoming.path}”未归档") from None

    def _add(self, incoming: Incoming, supersedes: int | None) -> Outcome:
        main = incoming.files[0][0]
        if supersedes is not None:  # before storing anything; again below, under the lock
            self._check_supersedable(supersedes)
        existing = self._existing(incoming)
        if existing:  # before storing: a re-generated DOCX differs, and would stay unreferenced
            return self._duplicate(incoming.path, existing)
        for stored, data in incoming.files:
            self.objects.put(data, stored.sha256)
        metadata = incoming.content.metadata
        if not metadata.period:
            metadata.period = default_period(metadata.kind)
        added_at = audit.now()
        added_by = audit.os_user()
        year, said = record_year(metadata.date, incoming.content.stated_date,
                                 incoming.content.stated_where)
        if said:
            incoming.content.warnings.append(said)
        with self.catalog.transaction() as conn:
            existing = self._existing(incoming)
            if existing:  # another process archived it while we were extracting
                return self._duplicate(incoming.path, existing)
            if supersedes is not None:
                self._check_supersedable(supersedes)
            record_id, code = self.catalog.insert_record(
                conn, main=main, origin=incoming.origin, added_at=added_at,
                added_by=added_by, metadata=metadata, year=year, fonds=self.fonds,
                pages=incoming.content.pages, supersedes=supersedes)
            planted = self.catalog.has_content(conn, record_id)
            if planted:
                raise ArchiveError(f"档案库目录中已有不属于任何记录的{'、'.join(planted)}行"
                                   f"（记录号 {record_id}），可能被篡改；未归档。请运行 gongwen archive verify")
            self.catalog.insert_content(conn, record_id, [f for f, _ in incoming.files],
                                        incoming.content.text, incoming.content.people,
                                        incoming.content.measures)
            facts = record_facts(conn, record_id)
            self._log(conn, "add", record_id, {
                "档号": code, "sha256": main.sha256, "文件": [
                    {"role": f.role, "name": f.name, "sha256": f.sha256} for f, _ in incoming.files],
                "题名": metadata.title, "记录": facts, "状态": digest(facts)}
                | ({"读取说明": list(incoming.content.warnings)} if incoming.content.warnings else {}))
            if supersedes is not None:
                self.catalog.touch(conn, supersedes)
                self._log(conn, "supersede", record_id, {"取代": supersedes})
        return Outcome(incoming.path, "added", record_id, code,
                       warnings=tuple(incoming.content.warnings))

    def _existing(self, incoming: Incoming) -> tuple[int, str] | None:
        """(record id, role) of the live record this document duplicates. Received files are
        duplicates of anything stored (a generated DOCX, say); a generated document only of
        the same source over the same template, roster and attachments."""
        main = incoming.files[0][0]
        existing = self.catalog.find_file(main.sha256, main_only=incoming.origin == "generated")
        if existing and incoming.origin == "generated":
            stored = self.catalog.record(existing[0]).files
            if _sources(stored) != _sources([f for f, _ in incoming.files]):
                return None
        return existing

    def _duplicate(self, path: str, existing: tuple[int, str]) -> Outcome:
        record_id, role = existing
        code = self.catalog.record(record_id).archival_code
        part = "" if role in ("original", "source") else f"（作为其 {role.upper()} 文件）"
        return Outcome(path, "duplicate", record_id, code,
                       message=f"内容相同的文件已归档：记录 {record_id}（{code}）{part}，未重复归档")

    def _check_supersedable(self, record_id: int) -> None:
        old = self.catalog.record(record_id)
        if old is None or not old.live:
            raise ArchiveError(f"记录 {record_id} 不存在或已删除，不能被取代")
        if old.superseded_by is not None:
            raise ArchiveError(f"记录 {record_id} 已被记录 {old.superseded_by} 取代；"
                               f"请取代最新的记录 {old.superseded_by}")

    # -- changes

    def get(self, record_id: int) -> Record:
        record = self.catalog.record(record_id)
        if record is None:
            raise ArchiveError(f"没有编号为 {record_id} 的记录（用 gongwen archive list 查看）")
        return record

    def edit(self, record_id: int, changes: dict[str, str]) -> Record:
        """Change catalog metadata (never the files); audited. A new 年度 (stated, or from a
        changed 成文日期) gives the record a new 件号 and 档号 in that 年度; the old 档号 stays
        in the log's 修改 detail and is still found (former_codes, find)."""
        self.require_writable()
        record = self.get(record_id)
        if not record.live:
            raise ArchiveError(f"记录 {record_id} 已删除，不能修改")
        changes = dict(changes)
        year = stated_year(changes.pop("年度")) if "年度" in changes else None
        updates: dict[str, str] = {}
        for label, value in changes.items():
            try:
                name, stored = stated(label, value)
            except ValueError as exc:
                raise ArchiveError(f"{label}：{exc}") from None
            updates[name] = stored
        before = record.metadata.as_dict()
        diff = {LABELS[k]: [before[k], v] for k, v in updates.items() if before[k] != v}
        if year is None and updates.get("date") and updates["date"] != before["date"]:
            year = int(updates["date"][:4])  # 年度 follows a corrected 成文日期
        recode = year is not None and year != record.year
        if not diff and not recode:
            return record
        with self.catalog.transaction() as conn:
            for name, value in updates.items():
                conn.execute(f"UPDATE records SET {name}=? WHERE id=?", (value, record_id))
            if recode:
                diff |= self._recode(conn, record, year)
            self.catalog.touch(conn, record_id)
            self._log(conn, "edit", record_id,
                      {"修改": diff, "状态": digest(record_facts(conn, record_id))})
        return self.get(record_id)

    def _recode(self, conn: sqlite3.Connection, record: Record, year: int) -> dict[str, list]:
        """The record under a new 年度: its next 件号 there and the 档号 they make (with the
        保管期限 and 机构 it has now), as the 修改 detail of the edit entry."""
        period, org = conn.execute("SELECT period, org FROM records WHERE id=?",
                                   (record.id,)).fetchone()
        item_no = self.catalog.next_item_no(conn, self.fonds, year, period, org or "")
        code = archival_code(self.fonds, year, period, org or "", item_no)
        conn.execute("UPDATE records SET year=?, item_no=?, archival_code=? WHERE id=?",
                     (year, item_no, code, record.id))
        return {"年度": [record.year, year], "件号": [record.item_no, item_no],
                "档号": [record.archival_code, code]}

    def reading_notes(self, record_id: int) -> list[str]:
        """What reading the document noted when it was archived (OCR text, page furniture
        removed, a field from the web page's info table, 年度 unknown), as the audit log holds it."""
        return self.catalog.reading_notes(self.catalog.conn, record_id)

    def former_codes(self, record_id: int) -> list[str]:
        """档号 the record had before its 年度 was corrected, oldest first."""
        return [code for _, code in self.catalog.recodes(self.catalog.conn, record_id)]

    def find(self, wanted: str) -> Record:
        """A record by its number, its 档号, or a 档号 it had before its 年度 was corrected."""
        wanted = str(wanted).translate(FULL_WIDTH_DIGITS).strip()
        if re.fullmatch(r"[0-9]+", wanted):
            if not 1 <= int(wanted) < 2**63:
                raise ArchiveError(f"记录号 {wanted} 超出范围（应为 1 到 {2**63 - 1}）")
            return self.get(int(wanted))
        found = self.catalog.conn.execute("SELECT id FROM records WHERE archival_code=?",
                                          (wanted,)).fetchone()
        if found:
            return self.get(found[0])
        former = [rid for rid, code in self.catalog.recodes(self.catalog.conn) if code == wanted]
        if former:
            return self.get(former[-1])
        raise ArchiveError(f"“{wanted}”既不是记录号，也不是任何记录现在或曾经的档号"
                           "（记录号是正整数，档号如 Z001-WS·2021-D10-0001；用 gongwen archive list 查看）")

    def delete(self, record_id: int, reason: str) -> Record:
        """Withdraw a record: its files go, its catalog row and audit trail stay."""
        self.require_writable()
        record = self.get(record_id)
        if not record.live:
            raise ArchiveError(f"记录 {record_id} 已于 {record.deleted_at} 删除")
        if not reason.strip():
            raise ArchiveError("删除必须说明理由（--reason）")
        deleted_at = audit.now()
        with self.catalog.transaction() as conn:
            # a deleted successor no longer supersedes: its predecessor is current again
            conn.execute("UPDATE records SET deleted_at=?, delete_reason=?, supersedes=NULL"
                         " WHERE id=?", (deleted_at, reason, record_id))
            for table in ("texts", "people", "measures"):
                conn.execute(f"DELETE FROM {table} WHERE record_id=?", (record_id,))
            self.catalog.touch(conn, record_id)
            self._log(conn, "delete", record_id, {
                "档号": record.archival_code, "理由": reason, "删除时间": deleted_at,
                "sha256": [f.sha256 for f in record.files],
                "状态": digest(record_facts(conn, record_id))})
            if record.supersedes is not None:
                self.catalog.touch(conn, record.supersedes)
                self._log(conn, "reinstate", record.supersedes,
                          {"原因": f"取代它的记录 {record_id} 已删除"})
        with self._object_lock(exclusive=True):
            for stored in record.files:
                if self.catalog.find_file(stored.sha256) is None:
                    self.objects.remove(stored.sha256)
        return self.get(record_id)

    def log(self) -> list[audit.Entry]:
        return audit.entries(self.catalog.conn)

    def record_audit(self, action: str, detail: dict) -> audit.Entry | None:
        """Log an action that changes no record (export, index rebuild); a read-only archive
        cannot log, and says so to the caller by returning None."""
        if self.read_only:
            return None
        self.require_writable()
        with self.catalog.transaction() as conn:
            return self._log(conn, action, None, detail)

    def stored_path(self, stored: StoredFile) -> Path:
        """Where a stored file is, once known to be a regular file (ObjectError if not)."""
        return self.objects.regular_path(stored.sha256)

    def clean_interrupted_writes(self) -> None:
        """Remove temporary files left by adds whose process died."""
        if not self.read_only:
            self.objects.clean_leftovers()


@contextmanager
def _locked(path: Path, exclusive: bool) -> Iterator[None]:
    """An flock on a lock file of the archive, never through a link (which could make root
    create a file anywhere)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise ArchiveError(f"无法打开锁文件“{path}”（{describe_os_error(exc)}）；"
                           "它应是档案库中的普通文件") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ArchiveError(f"锁文件“{path}”不是普通文件")
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def share_folder(path: Path) -> int | None:
    """A shared flock on the folder itself, held by the returned descriptor until it is
    closed: readers of an index folder hold one so that no writer removes the folder under
    them. None when there is no such folder (any more): it was removed while we waited, or is
    a link, a file or closed to us. Blocks only while a writer is removing the folder."""
    try:
        fd = os.open(path, FOLDER_FLAGS)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        held, there = os.fstat(fd), os.lstat(path)
        if (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


@contextmanager
def unshared_folder(path: Path) -> Iterator[bool]:
    """Yields True, holding the folder's flock exclusively, when no reader holds it shared
    (share_folder); False when one does, or when it cannot be opened as a folder."""
    try:
        fd = os.open(path, FOLDER_FLAGS)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def folder_in_use(path: Path) -> bool:
    """Whether a reader holds the folder (share_folder) right now."""
    try:
        fd = os.open(path, FOLDER_FLAGS)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def stated_year(value: str) -> int:
    """年度 as a person wrote it ("2021", "2021年", full-width digits too); ArchiveError if it
    is not a year."""
    plain = str(value).translate(FULL_WIDTH_DIGITS).strip().removesuffix("年").strip()
    if not (re.fullmatch(r"[0-9]{4}", plain) and 1900 <= int(plain) <= 2999):
        raise ArchiveError(f"年度：应为 1900 到 2999 之间的四位年份（如 2021 或 2021年），“{value}”不是")
    return int(plain)


def _sources(files) -> set[str]:
    """Hashes of the files a generated document was made from (not its outputs)."""
    return {f.sha256 for f in files
            if f.role == "source" or f.role.startswith(("attachment-source", "input-"))}
