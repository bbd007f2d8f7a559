"""The Whoosh index of the archive: built from the catalog, rebuilt from it at any time.

One Whoosh document per archived record, its measures in fields of their own (for `who`).
The catalog says which index folder is current (meta index_dir) and each record's indexed
revision, so a crashed or concurrent writer leaves at worst some records pending,
which the next sync picks up. Writers hold the archive's index lock.
"""
from __future__ import annotations

import errno
import os
import pickle
import re
import shutil
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from whoosh import fields, index
from whoosh.automata.fst import FileVersionError
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filestore import StorageError
from whoosh.filedb.filetables import FileFormatError
from whoosh.reading import SegmentReader

from archive.core import Archive, ArchiveError
from archive.records import UNKNOWN_YEAR, Record
from generator.errors import describe_os_error

from . import hygiene
from .analysis import analysis_version, analyzer, dictionary
from .normalize import docno_key, normalize_key
from .safe_pickle import install as restrict_unpickling
from .segments import Codec, PackedPositions

restrict_unpickling()  # before any index is opened: a forged pickle must not run code

SCHEMA_REVISION = 13
TITLE_BOOST = 3.0
BATCH = 500
# records; from here one writer per core (forked: ~0.1 s to start) halves the time: 784 real
# texts 11.9 -> 6.1 s on 2 cores. Its segments are at least SMALL_SEGMENT each, so the next
# commit keeps them.
PARALLEL_FROM = 400
# records per commit: a writer's postings stay in memory (one sort, no spill to disk and
# merge), and a large sync keeps what it has done if it is interrupted
SEGMENT_RECORDS = 2000
REBUILD_RECORDS = 100_000  # a fresh build: Whoosh's writers spill to disk beyond WRITER_MB
SMALL_SEGMENT = 200  # documents: smaller segments are merged by the next commit
MAX_SEGMENTS = 12  # beyond, the next commit merges the smallest
WRITER_MB = 256  # per process


def index_format() -> str:
    """What the index on disk must have been built with to be read by this code."""
    return f"{analysis_version()}/schema-{SCHEMA_REVISION}"


TEXT_FIELDS = ("title", "content", "m_title", "m_content")


def day_key(day: date) -> str:
    """A day as the date field holds it; keys sort as the days do."""
    return day.strftime("%Y%m%d")


def _text(name: str) -> fields.TEXT:
    """A text field of pieces with their positions (PackedPositions: phrases are checked
    over them, see ranking.py)."""
    field = fields.TEXT(analyzer=analyzer(), phrase=True, multitoken_query="phrase")
    field.format = PackedPositions(field_boost=TITLE_BOOST if "title" in name else 1.0)
    return field


def schema() -> fields.Schema:
    # a document's words are in title/content; a measure's in m_title/m_content, so that
    # searching documents never walks the postings of measures (and the reverse)
    return fields.Schema(
        **{name: _text(name) for name in TEXT_FIELDS},
        kind=fields.ID(),  # "doc" in every document: the query for all of them
        # one term each; a column, read whole to order equal scores
        record=fields.NUMERIC(int, stored=True, signed=False, shift_step=0, sortable=True),
        unit=fields.ID(),  # normal form, for filters
        unit_name=fields.ID(sortable=VarBytesColumn()),  # as written, for facets
        type=fields.ID(sortable=VarBytesColumn()),
        year=fields.ID(sortable=VarBytesColumn()),
        person=fields.KEYWORD(commas=True, lowercase=False),
        docno=fields.ID(),
        period=fields.ID(),
        date=fields.ID(),  # YYYYMMDD: a day range is a term range
        superseded=fields.BOOLEAN(),
    )


class IndexUnavailable(ArchiveError):
    """The index is missing or was built by another version of the analysis (a sync
    builds it afresh)."""


class IndexDamaged(ArchiveError):
    """The index folder is there but cannot be read: damaged, not a folder, no permission
    (a sync refuses it; `gongwen index rebuild` replaces it)."""


REBUILD_HINT = "请运行 gongwen index rebuild 重建（档案文件和目录不受影响）"

# What reading damaged index files raises inside Whoosh and numpy: a truncated file, random
# bytes, a broken pickle in the TOC, a record column naming records the catalog lacks.
DAMAGE = (EOFError, ValueError, struct.error, KeyError, IndexError, TypeError, AttributeError,
          zlib.error, pickle.UnpicklingError, OverflowError, AssertionError, MemoryError,
          ImportError, index.IndexError, FileFormatError, FileVersionError, StorageError)


# failures of access or of the disk, not of the index's content
ACCESS_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                 errno.EIO, errno.EFBIG, errno.EMFILE, errno.ENFILE}


@contextmanager
def index_errors(path: Path | None, writing: bool = False) -> Iterator[None]:
    """Whatever goes wrong with the index files in the block as IndexDamaged, in Chinese
    (domain errors pass through)."""
    name = f"“{path}”" if path else ""
    try:
        yield
    except ArchiveError:
        raise
    except OSError as exc:
        if exc.errno not in ACCESS_ERRORS:  # e.g. EINVAL: a seek to where no file is
            raise IndexDamaged(f"检索索引{name}已损坏，无法读取（{type(exc).__name__}）；"
                               f"{REBUILD_HINT}") from exc
        verb = "写入" if writing else "读取"
        raise IndexDamaged(f"无法{verb}检索索引{name}：{describe_os_error(exc)}。请检查该文件夹"
                           f"及其中文件的权限和磁盘空间；如仍无法使用，{REBUILD_HINT}") from exc
    except DAMAGE as exc:
        raise IndexDamaged(f"检索索引{name}已损坏，无法读取（{type(exc).__name__}）；"
                           f"{REBUILD_HINT}") from exc


INDEX_NAME = re.compile(r"index-[0-9]{1,9}")


def index_dir(archive: Archive) -> Path | None:
    """The current index folder: only ever a folder index-N of the archive itself, whatever
    the catalog says (a rebuild removes the old folder, so a forged path must never be used)."""
    name = archive.catalog.get_meta("index_dir")
    if not name or not INDEX_NAME.fullmatch(name):
        return None
    return archive.root / name


OPEN_TRIES = 3  # a rebuild switching to a new folder while a search opens the old one


def open_index(archive: Archive) -> index.Index:
    """The current index, for reading. Refuses an index built with different analysis,
    and says what is wrong with one that cannot be read (IndexDamaged). The folder is held
    (hygiene.hold) as long as the index object lives, so no rebuild removes it under a search;
    one a rebuild removed just before it was held is given up for the new one."""
    for _ in range(OPEN_TRIES):
        path = index_dir(archive)
        held = hygiene.hold(path) if path is not None else None
        if index_dir(archive) != path:  # switched meanwhile
            hygiene.let_go(held)
            continue
        try:
            ix = _open_held(archive, path)
            foreign = hygiene.foreign(archive, path)  # another archive's index: never answer from it
            if foreign:
                raise IndexUnavailable(f"{foreign}；请运行 gongwen index rebuild（归档新文件时也会自动重建）")
        except BaseException:
            hygiene.let_go(held)
            raise
        hygiene.bind(ix, held)
        return ix
    raise IndexUnavailable("检索索引正在切换到重建好的新索引，请稍后再试")


def _open_held(archive: Archive, path: Path | None) -> index.Index:
    if path is None or not os.path.lexists(path):
        raise IndexUnavailable("档案库还没有检索索引（或索引目录丢失）；请运行 gongwen index rebuild")
    built = archive.catalog.get_meta("index_format")
    if built != index_format():
        raise IndexUnavailable(f"检索索引由另一版本的分词规则建立（{built}，当前 {index_format()}）；"
                               "请运行 gongwen index rebuild（归档新文件时也会自动重建）")
    if path.is_symlink() or not path.is_dir():
        raise IndexDamaged(f"检索索引“{path}”不是文件夹；{REBUILD_HINT}")
    with index_errors(path):
        os.listdir(path)  # Whoosh takes an unlistable folder for an empty one
        try:
            return index.open_dir(str(path))
        except index.EmptyIndexError:
            raise IndexDamaged(f"检索索引“{path}”不完整：缺少索引目录文件（_MAIN_*.toc）；"
                               f"{REBUILD_HINT}") from None
        except (OSError, *DAMAGE):
            raise
        except Exception as exc:  # noqa: BLE001 - the TOC is a pickle: a damaged one can fail any way
            raise IndexDamaged(f"检索索引“{path}”的索引目录文件（_MAIN_*.toc）已损坏"
                               f"（{type(exc).__name__}）；{REBUILD_HINT}") from exc


MEASURE_BREAK = "。\n"  # between measures: punctuation, so no phrase spans two


def _day(iso: str) -> str:
    """The date term; a date the catalog should never hold (verify names it) indexes none."""
    try:
        return day_key(date.fromisoformat(iso)) if iso else ""
    except ValueError:
        return ""


def document(archive: Archive, record: Record) -> dict:
    """The Whoosh document of one live record. Its measures are in m_title and m_content,
    all together: a query on them finds the documents that may hold a matching measure,
    and `who` then matches each measure of those (measures.py)."""
    meta = record.metadata
    measures = archive.catalog.measures(record.id)
    names = {p.name for p in archive.catalog.people(record.id)}
    names.update(n for m in measures for n in m.leaders + m.doers)
    text = archive.catalog.text(record.id)
    doc = dict(
        kind="doc", record=record.id, unit=normalize_key(meta.organ), unit_name=meta.organ,
        type=meta.kind, year=str(record.year) if record.year != UNKNOWN_YEAR else "",
        docno=docno_key(meta.doc_number),
        period=meta.period, superseded=record.superseded_by is not None,
        date=_day(meta.date),
        person=",".join(sorted({normalize_key(n) for n in names})),
        title=meta.title, content=text,
    )
    if measures:
        titles = MEASURE_BREAK.join(m.title for m in measures)
        texts = MEASURE_BREAK.join(m.text for m in measures)
        doc.update(m_title=titles, m_content=texts)
    return {k: v for k, v in doc.items() if v != ""}


@dataclass(frozen=True)
class Synced:
    indexed: int  # records (re)indexed
    removed: int  # deleted records taken out


def sync(archive: Archive, progress: Callable[[int], None] | None = None) -> Synced:
    """Bring the index up to date with the catalog; build it afresh on first use, or when
    it was built by other analysis (its tokens would not match the queries')."""
    with archive.index_lock():
        try:
            ix = open_index(archive)
        except IndexUnavailable:
            return _build(archive, progress)
        with index_errors(index_dir(archive)):
            trusted = hygiene.check_seal(archive, ix, index_dir(archive)).trusted
        if not trusted:  # another archive's, an old copy, replaced files: built afresh
            hygiene.release(ix)
            return _build(archive, progress)
        pending = archive.catalog.pending_index()
        if not pending:
            return Synced(0, 0)
        with index_errors(index_dir(archive), writing=True):
            return _write(archive, ix, pending, progress, fresh=False)


def rebuild(archive: Archive, progress: Callable[[int], None] | None = None) -> Synced:
    """Build a new index from the catalog beside the old one, then switch to it."""
    with archive.index_lock():
        return _build(archive, progress)


def _build(archive: Archive, progress) -> Synced:
    stated = archive.catalog.get_meta("index_generation", "0")
    generation = (int(stated) if stated.isdigit() and len(stated) < 9 else 0) + 1
    name = f"index-{generation}"
    path = archive.root / name
    with index_errors(path, writing=True):
        _remove(path)  # a half-built folder from an interrupted rebuild
        path.mkdir()
        ix = index.create_in(str(path), schema())
        result = _write(archive, ix, archive.catalog.all_revisions(), progress, fresh=True,
                        switch_to=(name, generation))
        # sealed; then the old folder, and any a failed rebuild left, removed unless a search holds it
        hygiene.after_commit(archive, ix, None, INDEX_NAME)
    return result


def _remove(path: Path) -> None:
    """An index folder gone, as far as it can be (what cannot be removed is left: a
    folder without permission); a file or link in its place is removed."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def _write(archive: Archive, ix: index.Index, pending: list[tuple[int, int]], progress,
           fresh: bool, switch_to: tuple[str, int] | None = None) -> Synced:
    """Index `pending`: a sync in commits of SEGMENT_RECORDS records, each marked in the
    catalog as it lands (an interrupted sync keeps them); a rebuild in commits of
    REBUILD_RECORDS (few segments: a query reads every one), marked and switched to at
    the end."""
    indexed = removed = 0
    step = REBUILD_RECORDS if switch_to else SEGMENT_RECORDS
    for start in range(0, len(pending), step):
        part = pending[start:start + step]
        done = _commit(archive, ix, part, progress, fresh)
        indexed, removed = indexed + done.indexed, removed + done.removed
        if not switch_to:
            with archive.catalog.transaction() as conn:
                archive.catalog.mark_indexed(conn, part)
    if switch_to:
        with archive.catalog.transaction() as conn:
            archive.catalog.set_meta(conn, "index_dir", switch_to[0])
            archive.catalog.set_meta(conn, "index_generation", str(switch_to[1]))
            archive.catalog.set_meta(conn, "index_format", index_format())
            archive.catalog.mark_indexed(conn, pending)
    return Synced(indexed, removed)


def _commit(archive: Archive, ix: index.Index, pending: list[tuple[int, int]], progress,
            fresh: bool) -> Synced:
    writer = _writer(ix, len(pending))
    indexed = removed = 0
    try:
        for start in range(0, len(pending), BATCH):
            chunk = pending[start:start + BATCH]
            records = {r.id: r for r in archive.catalog.records(
                include_deleted=True, ids=[rid for rid, _ in chunk])}
            for rid, _ in chunk:
                if not fresh:
                    writer.delete_by_term("record", rid)
                record = records[rid]
                if record.live:
                    writer.add_document(**document(archive, record))
                    indexed += 1
                else:
                    removed += 1
                if progress:
                    progress(1)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=fold_small_segments)
    if not fresh:  # a rebuild's folder is cleaned and sealed once, when complete (_build)
        hygiene.after_commit(archive, ix, pending, INDEX_NAME)
    return Synced(indexed, removed)


def fold_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy: the segments of small syncs, and those mostly deleted, are folded
    into the one being written, and so are the smallest others while more than MAX_SEGMENTS
    would be left (a query reads every segment); the large ones of bulk writes are left alone. (Whoosh's own
    policy would merge most of a large index in one process, minutes for a one-document
    sync.)"""
    kept = sorted((s for s in segments if s.doc_count_all() >= SMALL_SEGMENT
                   and not hygiene.worth_rewriting(s)), key=lambda s: s.doc_count_all())
    while len(kept) >= MAX_SEGMENTS:  # the new one comes on top
        kept.pop(0)
    kept_ids = {id(s) for s in kept}
    for segment in segments:
        if id(segment) not in kept_ids:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return [s for s in segments if id(s) in kept_ids]


def _writer(ix: index.Index, records: int):
    """One writer process for a few records; for many, one per core, each writing its own
    segment (no final merge: that would run in one process again)."""
    procs = os.cpu_count() or 1
    # compound=False: Whoosh reads a sub-file of a compound segment into memory whole
    # (a BytesIO of the postings), so an open searcher held the whole index in RAM
    if records < PARALLEL_FROM or procs < 2:
        return ix.writer(limitmb=WRITER_MB, codec=Codec(), compound=False)
    dictionary()  # loaded once here, inherited by the forked workers
    return ix.writer(procs=procs, multisegment=True, limitmb=WRITER_MB, codec=Codec(),
                     compound=False)


def index_findings(archive: Archive) -> list[tuple[str, str]]:
    """(subject, message) for whatever the index lacks compared with the catalog."""
    try:
        ix = open_index(archive)
        with index_errors(index_dir(archive)), ix.searcher() as searcher:
            in_index = {fields_["record"] for fields_ in searcher.documents(kind="doc")}
            hygienic = hygiene.findings(archive, ix, index_dir(archive))  # seal, leftovers
    except (IndexUnavailable, IndexDamaged) as exc:
        return [("检索索引", str(exc))]
    pending = {rid for rid, _ in archive.catalog.pending_index()}
    out = [(f"记录 {rid}", "尚未编入检索索引（下次归档或 gongwen index rebuild 会补上）")
           for rid in sorted(pending)]
    live = {r.id for r in archive.catalog.records()}
    for rid in sorted(live - in_index - pending):
        out.append((f"记录 {rid}", "不在检索索引中"))
    for rid in sorted(in_index - live):
        out.append((f"记录 {rid}", "已删除或不存在，但仍在检索索引中"))
    return hygienic + out
