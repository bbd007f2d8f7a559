"""The archive: a folder holding objects/ (original bytes), catalog.sqlite and the index.

Order of every add: store the bytes (atomic rename), then one catalog transaction (record,
files, text, people, measures, audit entry), then the index. A crash between steps leaves
either an unreferenced object (re-adding adopts it) or a record the index has not caught up
with (the next add or `index rebuild` catches up); never a half-written record.
"""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from generator.errors import GongwenError

from . import audit
from .catalog import Catalog
from .extract import ExtractError, extract, media_type
from .guess import guess
from .inputs import InputRefused, read_input
from .overrides import read_sidecar, sidecar_path, stated
from .records import LABELS, Content, Metadata, Record, StoredFile, default_period
from .store import ObjectStore, sha256_bytes

DEFAULT_FONDS = "Z001"
DEFAULT_ARCHIVE_DIR = Path("gongwen-archive")  # the CLI also reads GONGWEN_ARCHIVE


class ArchiveError(GongwenError):
    """An archive operation that cannot be done as asked (message in Chinese)."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one input of an add."""

    path: str
    status: str  # added | duplicate | failed
    record_id: int | None = None
    archival_code: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class Incoming:
    """One document about to be archived: its files (main first) and its content."""

    files: list[tuple[StoredFile, bytes]]
    content: Content
    origin: str  # received | generated
    path: str


class Archive:
    def __init__(self, root: Path, create: bool = True):
        self.root = Path(root)
        if not (self.root / "catalog.sqlite").is_file() and not create:
            raise ArchiveError(f"档案库“{self.root}”不存在；先用 gongwen archive add 归档文件")
        self.root.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.root / "catalog.sqlite")
        self.objects = ObjectStore(self.root / "objects")

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
        with self.catalog.transaction() as conn:
            self.catalog.set_meta(conn, "fonds", fonds)

    @contextmanager
    def index_lock(self) -> Iterator[None]:
        """Serialises index writers across processes; released by the OS if one dies."""
        with open(self.root / ".index.lock", "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # -- adding

    def add_received(self, path: Path, overrides: Metadata | None = None,
                     supersedes: int | None = None) -> Outcome:
        """Archive one received file (DOCX, PDF, TXT, Markdown). Never raises for a bad file:
        the outcome says what was wrong."""
        try:
            data = read_input(path, follow_links=False)
        except InputRefused as exc:
            return Outcome(str(path), "failed", message=str(exc))
        sha = sha256_bytes(data)
        existing = self.catalog.find_file(sha)
        if existing:
            return self._duplicate(str(path), existing)
        try:
            extracted = extract(path.name, data)
            stated = Metadata()
            if sidecar_path(path).is_file():
                stated = read_sidecar(sidecar_path(path))
        except (ExtractError, GongwenError) as exc:
            return Outcome(str(path), "failed", message=str(exc))
        content = guess(extracted.text, fallback_title=path.stem)
        content.pages = extracted.pages
        content.metadata = content.metadata.merged(stated).merged(overrides or Metadata())
        content.warnings += extracted.notes
        if not extracted.text.strip() and not extracted.notes:
            content.warnings.append("未提取到文字（可能是扫描件），只能按元数据检索")
        main = StoredFile("original", sha, len(data), path.name, media_type(path))
        return self.add(Incoming([(main, data)], content, "received", str(path)), supersedes)

    def add(self, incoming: Incoming, supersedes: int | None = None) -> Outcome:
        """Archive one document. Never raises for what the user asked wrongly (a record that
        cannot be superseded): the outcome says so, and nothing is stored."""
        try:
            return self._add(incoming, supersedes)
        except ArchiveError as exc:
            return Outcome(incoming.path, "failed", message=str(exc))

    def _add(self, incoming: Incoming, supersedes: int | None) -> Outcome:
        main = incoming.files[0][0]
        if supersedes is not None:  # before storing anything; again below, under the lock
            self._check_supersedable(supersedes)
        for stored, data in incoming.files:
            self.objects.put(data, stored.sha256)
        metadata = incoming.content.metadata
        if not metadata.period:
            metadata.period = default_period(metadata.kind)
        added_at = audit.now()
        year = int(metadata.date[:4]) if metadata.date else date.today().year
        with self.catalog.transaction() as conn:
            # received files are duplicates of anything stored (a generated DOCX, say);
            # a generated document only of the same source
            existing = self.catalog.find_file(main.sha256,
                                              main_only=incoming.origin == "generated")
            if existing and incoming.origin == "generated":
                # the same YAML over a changed template, roster or attachment is a new document
                stored = self.catalog.record(existing[0]).files
                if _sources(stored) != _sources([f for f, _ in incoming.files]):
                    existing = None
            if existing:  # another process archived it while we were extracting
                return self._duplicate(incoming.path, existing)
            if supersedes is not None:
                self._check_supersedable(supersedes)
            record_id, code = self.catalog.insert_record(
                conn, main=main, origin=incoming.origin, added_at=added_at,
                added_by=audit.os_user(), metadata=metadata, year=year, fonds=self.fonds,
                pages=incoming.content.pages, supersedes=supersedes)
            self.catalog.insert_content(conn, record_id, [f for f, _ in incoming.files],
                                        incoming.content.text, incoming.content.people,
                                        incoming.content.measures)
            audit.append(conn, "add", record_id, {
                "档号": code, "sha256": main.sha256, "文件": [
                    {"role": f.role, "name": f.name, "sha256": f.sha256} for f, _ in incoming.files],
                "题名": metadata.title})
            if supersedes is not None:
                self.catalog.touch(conn, supersedes)
                audit.append(conn, "supersede", record_id, {"取代": supersedes})
        return Outcome(incoming.path, "added", record_id, code,
                       warnings=tuple(incoming.content.warnings))

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
        """Change catalog metadata (never the files, never the 档号); audited."""
        record = self.get(record_id)
        if not record.live:
            raise ArchiveError(f"记录 {record_id} 已删除，不能修改")
        updates: dict[str, str] = {}
        for label, value in changes.items():
            try:
                name, stored = stated(label, value)
            except ValueError as exc:
                raise ArchiveError(f"{label}：{exc}") from None
            updates[name] = stored
        before = record.metadata.as_dict()
        diff = {LABELS[k]: [before[k], v] for k, v in updates.items() if before[k] != v}
        if not diff:
            return record
        with self.catalog.transaction() as conn:
            for name, value in updates.items():
                conn.execute(f"UPDATE records SET {name}=? WHERE id=?", (value, record_id))
            self.catalog.touch(conn, record_id)
            audit.append(conn, "edit", record_id, {"修改": diff})
        return self.get(record_id)

    def delete(self, record_id: int, reason: str) -> Record:
        """Withdraw a record: its files go, its catalog row and audit trail stay."""
        record = self.get(record_id)
        if not record.live:
            raise ArchiveError(f"记录 {record_id} 已于 {record.deleted_at} 删除")
        if not reason.strip():
            raise ArchiveError("删除必须说明理由（--reason）")
        with self.catalog.transaction() as conn:
            conn.execute("UPDATE records SET deleted_at=?, delete_reason=? WHERE id=?",
                         (audit.now(), reason, record_id))
            for table in ("texts", "people", "measures"):
                conn.execute(f"DELETE FROM {table} WHERE record_id=?", (record_id,))
            self.catalog.touch(conn, record_id)
            audit.append(conn, "delete", record_id, {"档号": record.archival_code, "理由": reason,
                                                     "sha256": [f.sha256 for f in record.files]})
        for stored in record.files:
            if self.catalog.find_file(stored.sha256) is None:
                self.objects.remove(stored.sha256)
        return self.get(record_id)

    def log(self) -> list[audit.Entry]:
        return audit.entries(self.catalog.conn)

    def record_audit(self, action: str, detail: dict) -> audit.Entry:
        with self.catalog.transaction() as conn:
            return audit.append(conn, action, None, detail)

    def stored_path(self, stored: StoredFile) -> Path:
        return self.objects.path(stored.sha256)

    def clean_interrupted_writes(self) -> None:
        """Remove temporary files left by adds whose process died."""
        self.objects.clean_leftovers()


def _sources(files) -> set[str]:
    """Hashes of the files a generated document was made from (not its outputs)."""
    return {f.sha256 for f in files
            if f.role == "source" or f.role.startswith(("attachment-source", "input-"))}
