"""The catalog: one SQLite file (WAL) holding records, their files, text, people, measures and
the audit log. Every change is one IMMEDIATE transaction, so concurrent writers queue."""
from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.parse
import zlib
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Iterator

from generator.errors import GongwenError

from .records import PERIODS, Duty, MeasureEntry, Mention, Metadata, Record, StoredFile

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_S = 120

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL, origin TEXT NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL,
    size INTEGER NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL,
    kind TEXT, title TEXT, organ TEXT, doc_number TEXT, date TEXT, recipients TEXT, cc TEXT,
    secrecy TEXT, period TEXT, org TEXT, note TEXT,
    year INTEGER NOT NULL, item_no INTEGER NOT NULL, archival_code TEXT NOT NULL UNIQUE,
    pages INTEGER,
    supersedes INTEGER UNIQUE REFERENCES records(id),
    deleted_at TEXT, delete_reason TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    indexed_revision INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS records_sha ON records(sha256);
CREATE TABLE IF NOT EXISTS files(
    record_id INTEGER NOT NULL REFERENCES records(id), role TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL,
    PRIMARY KEY(record_id, role));
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE TABLE IF NOT EXISTS texts(record_id INTEGER PRIMARY KEY REFERENCES records(id),
    body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS people(record_id INTEGER NOT NULL REFERENCES records(id),
    name TEXT NOT NULL, role TEXT NOT NULL, post TEXT NOT NULL, grp TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS people_record ON people(record_id);
CREATE TABLE IF NOT EXISTS measures(record_id INTEGER NOT NULL REFERENCES records(id),
    seq INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, leaders TEXT NOT NULL,
    doers TEXT NOT NULL, deadline TEXT NOT NULL, PRIMARY KEY(record_id, seq));
CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL,
    action TEXT NOT NULL, record_id INTEGER, detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, mac TEXT);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""

# The audit entries that re-coded a record (a corrected 年度): what their detail alone holds, as
# json.dumps writes it (a value's own quotes are escaped, so no value matches).
RECODED = """action = 'edit' AND instr(detail, '"档号": [') > 0"""

# Added to catalogs made before they existed, whenever a writer opens one (index name ->
# statement): the 件号 of the next add, the records a sync must index and the 档号 retired by
# a corrected 年度, found in O(log N).
_LATER_INDEXES = {
    "records_item": "CREATE INDEX IF NOT EXISTS records_item ON records(year, period, org, item_no)",
    "records_pending": "CREATE INDEX IF NOT EXISTS records_pending ON records(id)"
                       " WHERE indexed_revision != revision",
    "audit_recodes": f"CREATE INDEX IF NOT EXISTS audit_recodes ON audit(seq) WHERE {RECODED}",
    "people_name": "CREATE INDEX IF NOT EXISTS people_name ON people(name)",  # a person's duties
}


def _schema_statements() -> list[str]:
    return [s for s in _SCHEMA.split(";\n") if s.strip()] + list(_LATER_INDEXES.values())


_META_COLUMNS = [f.name for f in fields(Metadata)]
NAME_SEP = "、"
RESTORE_HINT = ("请从最近导出的归档包（gongwen archive export 的结果）恢复；"
                "只是部分损坏时，gongwen archive verify 会列出损坏之处")


class CatalogError(GongwenError):
    """The catalog file cannot be opened as a gongwen catalog (message in Chinese)."""


class Catalog:
    def __init__(self, path: Path):
        self.path = path
        try:
            self.conn, self.read_only = _connect(path)
            self.conn.text_factory = _tolerant_text
            self.unread_wal = self.read_only and _unread_wal(self.conn, path)
            if not self.read_only:
                self._use_wal()
                self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            self._create()
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"档案库目录文件“{path}”已损坏或无法读取（{exc}）。"
                               + RESTORE_HINT) from None

    def _use_wal(self) -> None:
        """Switch a new catalog to WAL. The switch needs the database to itself, and SQLite
        does not wait for it (two processes creating one archive at once): retry briefly."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _create(self) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        if "audit" in tables:
            if not self.read_only:
                for statement in _LATER_INDEXES.values():
                    self.conn.execute(statement)
                if not any(r[1] == "mac" for r in self.conn.execute("PRAGMA table_info(audit)")):
                    self.conn.execute("ALTER TABLE audit ADD COLUMN mac TEXT")
            return
        if tables or self.read_only:
            raise CatalogError(f"“{self.path}”不是 gongwen 的档案库目录文件（缺少审计日志表）")
        with self.transaction() as conn:
            for statement in _schema_statements():
                conn.execute(statement)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                         (SCHEMA_VERSION,))

    def close(self) -> None:
        self.conn.close()

    def integrity_problems(self) -> list[str]:
        """SQLite's own check of every page and index of the file; empty when sound."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [] if rows == ["ok"] else rows

    def schema_problems(self) -> list[str]:
        """Every table, column, index, trigger or view that differs from gongwen's own schema,
        in Chinese: a planted trigger rewrites what an add writes before it is sealed."""
        return schema_differences(_schema_of(self.conn))

    def orphans(self) -> dict[str, list[int]]:
        """Table -> record ids of rows that belong to no record (planted to be sealed into the
        next add under that id)."""
        out = {}
        for table in CONTENT_TABLES:
            ids = [r[0] for r in self.conn.execute(
                f"SELECT DISTINCT record_id FROM {table}"
                " WHERE record_id NOT IN (SELECT id FROM records) ORDER BY 1")]
            if ids:
                out[table] = ids
        return out

    @staticmethod
    def has_content(conn: sqlite3.Connection, record_id: int) -> list[str]:
        """Tables already holding rows for a record id that is only now being inserted."""
        return [t for t in CONTENT_TABLES if conn.execute(
            f"SELECT 1 FROM {t} WHERE record_id=? LIMIT 1", (record_id,)).fetchone()]

    def meta_problems(self) -> list[str]:
        out = []
        for key, value in self.conn.execute("SELECT key, value FROM meta ORDER BY key"):
            if key not in META_KEYS:
                out.append(f"目录的 meta 表中有 gongwen 不写的项“{key}”")
            elif key == "schema_version" and value != SCHEMA_VERSION:
                out.append(f"目录的结构版本被改为“{value}”（应为 {SCHEMA_VERSION}）")
        return out

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock up front (waits for other writers)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- meta

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=?",
                     (key, value, value))

    # -- writes (inside a transaction)

    @staticmethod
    def next_item_no(conn: sqlite3.Connection, fonds: str, year: int, period: str,
                     org: str) -> int:
        """The next 件号 in its 年度, 保管期限 and 机构: above every record's there, and above
        every 档号 retired there by a corrected 年度, so no 档号 is ever given twice."""
        row = conn.execute("SELECT MAX(item_no) FROM records WHERE year=? AND period=? AND org=?",
                           (year, period, org)).fetchone()
        stem = archival_code(fonds, year, period, org, 0)[:-4]  # "Z001-WS·2021-D10-"
        retired = [int(code[len(stem):]) for _, code in Catalog.recodes(conn)
                   if code.startswith(stem) and code[len(stem):].isascii()
                   and code[len(stem):].isdigit()]
        return max([row[0] or 0, *retired]) + 1

    @staticmethod
    def reading_notes(conn: sqlite3.Connection, record_id: int) -> list[str]:
        """The notes the add entry of the record holds (a hand-made entry may hold none)."""
        row = conn.execute("SELECT detail FROM audit WHERE record_id = ? AND action = 'add' "
                           "ORDER BY seq LIMIT 1", (record_id,)).fetchone()
        try:
            notes = json.loads(row[0]).get("读取说明", []) if row else []
        except (TypeError, ValueError, AttributeError):
            return []
        return [n for n in notes if isinstance(n, str)] if isinstance(notes, list) else []

    @staticmethod
    def recodes(conn: sqlite3.Connection, record_id: int | None = None) -> list[tuple[int, str]]:
        """(record id, former 档号) of every re-coding the audit log holds (of one record, with
        `record_id`), oldest first. A changed entry that does not read as one is left out:
        verify names it."""
        where, params = (" AND record_id = ?", (record_id,)) if record_id is not None else ("", ())
        out = []
        for rid, raw in conn.execute(f"SELECT record_id, detail FROM audit WHERE {RECODED}"
                                     + where + " ORDER BY seq", params):
            try:
                codes = json.loads(raw)["修改"]["档号"]
            except (TypeError, ValueError, KeyError):
                continue
            if isinstance(codes, list) and len(codes) == 2 and isinstance(codes[0], str):
                out.append((rid, codes[0]))
        return out

    @staticmethod
    def insert_record(conn: sqlite3.Connection, *, main: StoredFile, origin: str, added_at: str,
                      added_by: str, metadata: Metadata, year: int, fonds: str,
                      pages: int | None, supersedes: int | None) -> tuple[int, str]:
        item_no = Catalog.next_item_no(conn, fonds, year, metadata.period, metadata.org)
        code = archival_code(fonds, year, metadata.period, metadata.org, item_no)
        values = metadata.as_dict()
        cursor = conn.execute(
            "INSERT INTO records(sha256, origin, name, media_type, size, added_at, added_by, "
            + ", ".join(_META_COLUMNS) + ", year, item_no, archival_code, pages, supersedes)"
            " VALUES (" + ", ".join("?" * (7 + len(_META_COLUMNS) + 5)) + ")",
            (main.sha256, origin, main.name, main.media_type, main.size, added_at, added_by,
             *[values[c] for c in _META_COLUMNS], year, item_no, code, pages, supersedes))
        return cursor.lastrowid, code

    @staticmethod
    def insert_content(conn: sqlite3.Connection, record_id: int, files: list[StoredFile],
                       text: str, people: list[Mention], measures: list[MeasureEntry]) -> None:
        conn.executemany("INSERT INTO files VALUES (?,?,?,?,?,?)",
                         [(record_id, f.role, f.sha256, f.size, f.name, f.media_type)
                          for f in files])
        conn.execute("INSERT INTO texts VALUES (?, ?)",
                     (record_id, zlib.compress(text.encode("utf-8"), 6)))
        conn.executemany("INSERT INTO people VALUES (?,?,?,?,?)",
                         [(record_id, p.name, p.role, p.post, p.group) for p in people])
        conn.executemany("INSERT INTO measures VALUES (?,?,?,?,?,?,?)",
                         [(record_id, n, m.title, m.text, NAME_SEP.join(m.leaders),
                           NAME_SEP.join(m.doers), m.deadline)
                          for n, m in enumerate(measures, start=1)])

    @staticmethod
    def touch(conn: sqlite3.Connection, record_id: int) -> None:
        """Mark a record changed so the index picks it up again."""
        conn.execute("UPDATE records SET revision = revision + 1 WHERE id=?", (record_id,))

    # -- reads

    def find_file(self, sha: str, main_only: bool = False) -> tuple[int, str] | None:
        """(record id, role) of a live record that holds this content (as its main file)."""
        main = " AND r.sha256 = f.sha256" if main_only else ""
        row = self.conn.execute(
            "SELECT f.record_id, f.role FROM files f JOIN records r ON r.id = f.record_id"
            " WHERE f.sha256=? AND r.deleted_at IS NULL" + main +
            " ORDER BY f.record_id LIMIT 1", (sha,)).fetchone()
        return (row[0], row[1]) if row else None

    def record(self, record_id: int) -> Record | None:
        rows = self._records("WHERE r.id=?", (record_id,))
        return rows[0] if rows else None

    def records(self, include_deleted: bool = False, ids: list[int] | None = None) -> list[Record]:
        where, params = [], []
        if not include_deleted:
            where.append("r.deleted_at IS NULL")
        if ids is not None:
            where.append(f"r.id IN ({','.join('?' * len(ids))})")
            params += ids
        return self._records(("WHERE " + " AND ".join(where)) if where else "", tuple(params))

    def _records(self, where: str, params: tuple) -> list[Record]:
        rows = self.conn.execute(
            "SELECT r.id, r.sha256, r.origin, r.name, r.media_type, r.size, r.added_at,"
            " r.added_by, " + ", ".join(f"r.{c}" for c in _META_COLUMNS) + ","
            " r.year, r.item_no, r.archival_code, r.pages, r.supersedes,"
            " (SELECT s.id FROM records s WHERE s.supersedes = r.id), r.deleted_at,"
            " r.delete_reason FROM records r " + where + " ORDER BY r.id", params).fetchall()
        files = self._files([r[0] for r in rows])
        out = []
        n = len(_META_COLUMNS)
        for r in rows:
            metadata = Metadata(*[as_text(v) for v in r[8:8 + n]])
            rest = r[8 + n:]
            out.append(Record(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], metadata, *rest,
                              files=tuple(files.get(r[0], ()))))
        return out

    def _files(self, ids: list[int]) -> dict[int, list[StoredFile]]:
        out: dict[int, list[StoredFile]] = {}
        for chunk in _chunks(ids, 500):
            for row in self.conn.execute(
                    f"SELECT record_id, role, sha256, size, name, media_type FROM files"
                    f" WHERE record_id IN ({','.join('?' * len(chunk))}) ORDER BY rowid", chunk):
                role, sha, size, name, media = row[1:]
                out.setdefault(row[0], []).append(StoredFile(as_text(role), as_text(sha), size,
                                                             as_text(name), as_text(media)))
        return out

    def text(self, record_id: int) -> str:
        row = self.conn.execute("SELECT body FROM texts WHERE record_id=?",
                                (record_id,)).fetchone()
        if not row:
            return ""
        try:
            return zlib.decompress(row[0]).decode("utf-8")
        except (zlib.error, UnicodeDecodeError, TypeError):
            raise CatalogError(f"记录 {record_id} 的正文在档案库目录中已损坏。" + RESTORE_HINT) from None

    def people(self, record_id: int) -> list[Mention]:
        return [Mention(*map(as_text, row)) for row in self.conn.execute(
            "SELECT name, role, post, grp FROM people WHERE record_id=? ORDER BY rowid",
            (record_id,))]

    def duties(self, name: str) -> list[Duty]:
        """Every role `name` holds in a current record (not deleted, not superseded), newest
        record first, in each record in the order the document names them."""
        rows = self.conn.execute(
            "SELECT r.id, r.archival_code, r.title, r.date, r.kind, p.role, p.grp, p.post"
            " FROM people p JOIN records r ON r.id = p.record_id"
            " WHERE p.name = ? AND r.deleted_at IS NULL AND r.id NOT IN (SELECT supersedes"
            " FROM records WHERE supersedes IS NOT NULL AND deleted_at IS NULL)"
            " ORDER BY r.id DESC, p.rowid",
            (name.strip(),))
        return [Duty(rid, *map(as_text, rest)) for rid, *rest in rows]

    _MEASURE_COLUMNS = "SELECT title, body, leaders, doers, deadline FROM measures"

    def measures(self, record_id: int) -> list[MeasureEntry]:
        rows = self.conn.execute(self._MEASURE_COLUMNS + " WHERE record_id=? ORDER BY seq",
                                 (record_id,))
        return [_measure(row) for row in rows]

    def measure(self, record_id: int, seq: int) -> MeasureEntry | None:
        row = self.conn.execute(self._MEASURE_COLUMNS + " WHERE record_id=? AND seq=?",
                                (record_id, seq)).fetchone()
        return _measure(row) if row else None

    def pending_index(self) -> list[tuple[int, int]]:
        """(record id, revision) of every record whose index entry is missing or stale."""
        return self.conn.execute("SELECT id, revision FROM records"
                                 " WHERE indexed_revision != revision ORDER BY id").fetchall()

    def all_revisions(self) -> list[tuple[int, int]]:
        return self.conn.execute("SELECT id, revision FROM records ORDER BY id").fetchall()

    def mark_indexed(self, conn: sqlite3.Connection, done: list[tuple[int, int]]) -> None:
        """Record which revision of each record the index now holds, and the mark of all of
        them (meta index_mark, kept up to date here: a sync reads it instead of summing)."""
        mark = self.mark_after(done)
        conn.executemany("UPDATE records SET indexed_revision=? WHERE id=?",
                         [(rev, rid) for rid, rev in done])
        self.set_meta(conn, INDEX_MARK_KEY, mark)

    # The index mark: (count, sum of mixes, sum of revisions) over the records marked indexed,
    # a record's (id, indexed revision) mixed to a number below 2**32. The index's seal
    # (search/hygiene.py) names the mark it was built for; sums, so a sync updates the mark
    # from its own records alone, and verify recomputes it in one pass.

    def index_mark(self) -> str:
        """The mark as kept in meta (computed when a catalog has none yet)."""
        return self.get_meta(INDEX_MARK_KEY) or self.computed_index_mark()

    def computed_index_mark(self) -> str:
        """The mark summed over every record (for verify: O(records))."""
        count, mixed, revisions = self.conn.execute(
            f"SELECT COUNT(*), COALESCE(SUM({_MIX_SQL}), 0), COALESCE(SUM(indexed_revision), 0)"
            " FROM records WHERE indexed_revision != 0").fetchone()
        return f"{count}:{mixed}:{revisions}"

    def mark_after(self, done: list[tuple[int, int]]) -> str:
        """The mark once `done` is marked indexed, from the current one and those records."""
        count, mixed, revisions = map(int, self.index_mark().split(":"))
        for part in _chunks(done, 500):
            new = dict(part)
            for rid, old in self.conn.execute(
                    f"SELECT id, indexed_revision FROM records WHERE id IN ({','.join('?' * len(new))})",
                    list(new)):
                if old:
                    count, mixed, revisions = count - 1, mixed - _mix(rid, old), revisions - old
            for rid, rev in new.items():
                count, mixed, revisions = count + 1, mixed + _mix(rid, rev), revisions + rev
        return f"{count}:{mixed}:{revisions}"


CONTENT_TABLES = ("files", "texts", "people", "measures")
INDEX_MARK_KEY = "index_mark"
META_KEYS = {"schema_version", "fonds", "index_dir", "index_generation", "index_format",
             "audit_key_id", INDEX_MARK_KEY}
EMPTY_MARK = "0:0:0"
_MIX_PRIME = 4294967311
_MIX_SQL = f"((id * 2654435761) % {_MIX_PRIME} + indexed_revision * 40503) % {_MIX_PRIME}"


def _mix(rid: int, revision: int) -> int:
    return ((rid * 2654435761) % _MIX_PRIME + revision * 40503) % _MIX_PRIME
_TYPES = {"table": "表", "index": "索引", "trigger": "触发器", "view": "视图"}


def _schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(type, name) -> whitespace-normalised SQL of every schema object (SQLite's statistics
    tables aside)."""
    return {(kind, name): " ".join((sql or "").split()) for kind, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'")}


def _expected_schema() -> dict[tuple[str, str], str]:
    conn = sqlite3.connect(":memory:")
    try:
        for statement in _schema_statements():
            conn.execute(statement)
        return _schema_of(conn)
    finally:
        conn.close()


_LEGACY_AUDIT_COLUMN = ", mac TEXT"  # catalogs from before the audit key, until a writer opens them


def schema_differences(actual: dict[tuple[str, str], str]) -> list[str]:
    expected = _expected_schema()
    out = []
    for (kind, name), sql in sorted(actual.items()):
        want = expected.get((kind, name))
        if want is None:
            out.append(f"目录中多出{_TYPES.get(kind, kind)}“{name}”：{sql[:120]}")
        elif sql != want and not (name == "audit" and sql == want.replace(_LEGACY_AUDIT_COLUMN, "")):
            out.append(f"目录中{_TYPES.get(kind, kind)}“{name}”的定义被改动：{sql[:120]}")
    for (kind, name) in sorted(set(expected) - set(actual)):
        if not (kind == "index" and name in _LATER_INDEXES):  # added when a writer first opens it
            out.append(f"目录中缺少{_TYPES.get(kind, kind)}“{name}”")
    return out


def _connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """(connection, read_only). A catalog its user cannot write (read-only mount, no write
    permission on it or its folder) is opened read-only; a WAL catalog whose -shm file cannot
    be made is then read as immutable."""
    writable = os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if writable:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None), False
    if not path.exists():
        raise CatalogError(f"无法在“{path.parent}”中创建档案库：没有写权限或文件系统只读")
    uri = "file:" + urllib.parse.quote(str(path.resolve()))
    for mode in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn, True
        except sqlite3.OperationalError:
            conn.close()
    raise CatalogError(f"无法以只读方式打开档案库目录文件“{path}”")


def _unread_wal(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether a read-only open left committed pages in the -wal file unread (an immutable
    open ignores it)."""
    wal = path.with_name(path.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0 and conn.execute(
        "PRAGMA journal_mode").fetchone()[0].lower() != "wal"


def archival_code(fonds: str, year: int, period: str, org: str, item_no: int) -> str:
    """档号 per DA/T 22-2015: 全宗号-WS·年度-保管期限-机构（问题）-件号."""
    parts = [fonds, f"WS·{year:04d}", PERIODS[period]]
    if org:
        parts.append(org)
    parts.append(f"{item_no:04d}")
    return "-".join(parts)


def _tolerant_text(data: bytes) -> str:
    """TEXT as SQLite holds it; bytes someone stored that are not UTF-8 read as U+FFFD instead
    of failing the whole query (verify then names the value that no longer matches the log)."""
    return data.decode("utf-8", "replace")


def as_text(value) -> str:
    """A text column as served, whatever someone stored in it (verify names the change)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _measure(row: tuple) -> MeasureEntry:
    title, body, leaders, doers, deadline = map(as_text, row)
    return MeasureEntry(title, body, _names(leaders), _names(doers), deadline)


def _names(joined: str) -> tuple[str, ...]:
    return tuple(n for n in joined.split(NAME_SEP) if n)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
