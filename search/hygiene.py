"""Index hygiene: an index folder holds what its latest Whoosh TOC refers to and nothing else,
says which archive and which catalog state it was built for, and is never removed under a
search that reads it.

What Whoosh (whoosh-reloaded 2.7.5) does, read from its source and seen on disk:
- Every commit ends in `whoosh.index.clean_files`, which deletes the older TOCs and the files
  of segments the new TOC does not list (a merge's old segments, a killed writer's half-written
  segment), silently skipping any it cannot delete. It only knows two name patterns, so it never
  removes a TOC a killed writer left half-written (`_MAIN_7.toc.<time>`: written under a
  temporary name, then renamed) nor anything else dropped in the folder. A cancelled writer
  (`writer.cancel()`) deletes nothing of its new segment. Until the next commit, a killed or
  cancelled writer's files (segment parts, the posting pool in MAIN.tmp/) stay: with no later
  commit, for good.
- On Linux a deleted file stays readable through what already opened it, but a reader opens
  some of a segment's files (columns) only when first asked for. What is not safe either is the
  time before the reader:
  an Index object opened on a folder reads the folder's TOC only when a reader is asked for, so
  a rebuild that removes the old folder in between makes that search fail.
- Segments whose documents are mostly deleted (re-indexed records) are never merged by a
  size-based policy: their dead documents stay on disk for good (see `worth_rewriting`).

The seal (gongwen-seal.json in the folder) is written after every commit and compared with the
catalog by verify and by the next sync, which rebuilds an index it cannot vouch for.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import weakref
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from archive.catalog import EMPTY_MARK, INDEX_MARK_KEY
from archive.core import Archive, share_folder, unshared_folder

SEAL = "gongwen-seal.json"
SEAL_TMP = ".gongwen-seal.tmp"  # the seal being written (renamed when complete)
SEAL_VERSION = 1
WHOOSH_LOCKS = frozenset({"MAIN_WRITELOCK", "MAIN_READLOCK"})  # Whoosh's lock files: kept
# what Whoosh names the files of an index called MAIN: a TOC, a TOC being written, a segment's
# files, a writer's temporary folder
WHOOSH_NAMES = re.compile(r"_MAIN_[0-9]+\.toc(\.[0-9.e+-]+)?|MAIN_[0-9a-z]+\.[A-Za-z0-9_.]+"
                          r"|MAIN\.tmp")
REWRITE_DELETED = 0.5  # a segment with this share of its documents deleted is rewritten


# -- what belongs in the folder

def _latest_files(ix: whoosh_index.Index) -> tuple[str, tuple[str, ...]]:
    """The latest TOC's file name and the name prefix of each of its segments' files.

    Whoosh lists an index's files nowhere public. This reads the TOC with whoosh.index.TOC (a
    public class, also what Whoosh's own clean_files reads) and takes a segment's files to be
    the names starting with its segment_id() and a dot (Segment.make_filename): the one place
    that knows Whoosh's file naming."""
    generation = ix.latest_generation()
    toc = whoosh_index.TOC.read(ix.storage, ix.indexname, generation)
    return (f"_{ix.indexname}_{generation}.toc",
            tuple(segment.segment_id() + "." for segment in toc.segments))


@dataclass(frozen=True)
class Leftover:
    path: Path
    size: int  # bytes, a folder's contents included
    whoosh: bool  # named as Whoosh names its files (an orphan), or not (a foreign file)


def _size(path: Path) -> int:
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        return info.st_size
    total = 0
    for folder, dirs, files in os.walk(path):  # links are not followed
        for name in dirs + files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def leftovers(ix: whoosh_index.Index, folder: Path) -> list[Leftover]:
    """Everything in the index folder that the latest TOC does not refer to, but the seal
    and Whoosh's lock files."""
    toc, prefixes = _latest_files(ix)
    out = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name in (toc, SEAL) or name in WHOOSH_LOCKS or name.startswith(prefixes):
            continue
        mode = entry.lstat().st_mode
        ours = (stat.S_ISREG(mode) and (WHOOSH_NAMES.fullmatch(name) or name == SEAL_TMP)
                or stat.S_ISDIR(mode) and name == "MAIN.tmp")
        out.append(Leftover(entry, _size(entry), bool(ours)))
    return out


def _discard(path: Path) -> None:
    """A file, link or folder gone (a link is removed, never followed); what cannot be
    removed is left for verify to name."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def clean(ix: whoosh_index.Index, folder: Path) -> list[Leftover]:
    """Remove the leftovers; called by the writer, under the archive's index lock, right after
    a commit. Safe beside readers: a reader only opens files its TOC names, and every TOC but
    the latest was already deleted by Whoosh's own clean-up of this commit (a reader that read
    an older TOC retries on the latest, Whoosh's reader() does); what this removes besides is
    never read (a dead writer's files, a TOC that was never completed, strays)."""
    found = leftovers(ix, folder)
    for leftover in found:
        _discard(leftover.path)
    return found


def worth_rewriting(segment) -> bool:
    """Whether a merge should rewrite this segment whatever its size: most of its documents
    are deleted (Whoosh drops deleted documents only when it rewrites a segment)."""
    total = segment.doc_count_all()
    return total > 0 and segment.deleted_count() >= total * REWRITE_DELETED


# -- old index folders and the searches that read them

_held: "weakref.WeakKeyDictionary[whoosh_index.Index, weakref.finalize]" = \
    weakref.WeakKeyDictionary()


def hold(folder: Path) -> int | None:
    """Hold the folder for reading (a shared flock; see archive.core.share_folder)."""
    return share_folder(folder)


def let_go(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def bind(ix: whoosh_index.Index, fd: int | None) -> None:
    """The hold lasts as long as the index object (its searchers keep it alive)."""
    if fd is not None:
        _held[ix] = weakref.finalize(ix, os.close, fd)


def release(ix: whoosh_index.Index) -> None:
    """Let go of the folder now (a writer about to replace it)."""
    done = _held.pop(ix, None)
    if done is not None:
        done()


def sweep(root: Path, current: Path, names: re.Pattern) -> list[Path]:
    """Remove every index folder of the archive but the current one, unless a search still
    holds it: that one is left for a later write (the space of a folder a reader has open
    would not be freed before the reader ends anyway). The folders left, still held."""
    kept = []
    for entry in sorted(root.glob("index-*")):
        if entry == current or not names.fullmatch(entry.name):
            continue
        if entry.is_symlink() or not entry.is_dir():
            _discard(entry)
            continue
        with unshared_folder(entry) as free:
            if free:
                shutil.rmtree(entry, ignore_errors=True)
        if entry.exists():
            kept.append(entry)
    return kept


# -- the seal
#
# What it proves, and what it cannot. The seal is a plain file in the index folder; the catalog
# keeps nothing of it. It names the archive the index was built for (a hash of the archive's
# first audit entry), the TOC it was sealed with, and a mark of every (record id, indexed
# revision) pair the catalog holds once this index's commits are marked. So verify names an
# index copied from another archive, an older copy of this archive's index put back (the catalog
# has marked other revisions since), and index files replaced under a seal. Anyone who can write
# the archive folder can also write a seal that matches (it is computed from what the catalog
# shows, no secret goes into it), so this detects accidents and careless transplants, not a
# determined forger; nor does it check the index's content against the texts. That is acceptable
# because the index is never evidence: every search answer is read back from the catalog, and
# `gongwen index rebuild` makes the index again from the catalog, which the audit chain protects.
# (With an audit key the seal could carry a MAC; not done.)


def archive_identity(archive: Archive) -> str:
    """The archive's first audit entry (its time, action and content), hashed: what no other
    archive shares. Not that entry's chain hash: rehashing the chain (which only an anchor
    outside the archive can expose) would make this archive's own index look foreign."""
    row = archive.catalog.conn.execute(
        "SELECT at, action, detail FROM audit ORDER BY seq LIMIT 1").fetchone()
    return hashlib.sha256("\x1f".join(map(str, row)).encode()).hexdigest() if row else ""


# The catalog's index mark (Catalog.index_mark: count and sums over the records' (id, indexed
# revision) pairs, kept up to date by each sync) says what the index should hold.


def _toc(ix: whoosh_index.Index, folder: Path) -> tuple[int, str]:
    generation = ix.latest_generation()
    data = (folder / f"_{ix.indexname}_{generation}.toc").read_bytes()
    return generation, hashlib.sha256(data).hexdigest()


def write_seal(archive: Archive, ix: whoosh_index.Index, folder: Path,
               applied: list[tuple[int, int]] | None = None) -> None:
    """Seal the index as just committed. `applied`: the pairs this commit indexed, which the
    catalog marks next (a sync); None: the catalog already has them marked (a rebuild)."""
    generation, toc_hash = _toc(ix, folder)
    mark = archive.catalog.index_mark()
    seal = {"version": SEAL_VERSION, "archive": archive_identity(archive),
            "fonds": archive.fonds, "folder": folder.name, "toc": [generation, toc_hash],
            "records": archive.catalog.mark_after(applied) if applied is not None else mark,
            "previous": mark if applied is not None else None}
    tmp = folder / SEAL_TMP
    tmp.write_text(json.dumps(seal, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / SEAL)


@dataclass(frozen=True)
class SealCheck:
    # sealed | interrupted (a write died between the commit and the catalog; the records it
    # had not marked are pending) | missing | unreadable | foreign | replaced | stale
    state: str
    message: str = ""  # Chinese

    @property
    def trusted(self) -> bool:
        return self.state in ("sealed", "interrupted")


SEAL_MAX = 1 << 16  # bytes; a seal is a few hundred


def _read_seal(folder: Path) -> dict:
    """The seal, read without following a link and only if it is a small regular file (a
    FIFO or /dev/zero put in its place must not hang or flood verify); ValueError if it is
    not as write_seal writes it."""
    fd = os.open(folder / SEAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > SEAL_MAX:
            raise ValueError("seal")
        data = json.loads(f.read(SEAL_MAX).decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("seal")
    toc = data.get("toc")
    if (data.get("version") != SEAL_VERSION or not isinstance(toc, list) or len(toc) != 2
            or not isinstance(toc[0], int) or not isinstance(toc[1], str)):
        raise ValueError("seal")
    return data


def _foreign(archive: Archive, seal: dict) -> str:
    owner = seal.get("archive")
    if owner == archive_identity(archive) or (owner == "" and seal.get("records") == EMPTY_MARK):
        return ""  # (an index of no records, sealed before the archive's first entry, is anyone's)
    return (f"检索索引是为另一个档案库（全宗号 {seal.get('fonds') or '未知'}）建立的，"
            "不是本档案库的索引（索引文件夹被从别处拷来，或本档案库的第一条审计日志被改写）")


def foreign(archive: Archive, folder: Path) -> str:
    """Why searching must not answer from this folder's index: it was sealed for another
    archive (cheap enough for every search: one file and one row read); "" otherwise, also when
    there is no readable seal (verify and the next sync deal with that)."""
    try:
        return _foreign(archive, _read_seal(folder))
    except (OSError, ValueError, UnicodeDecodeError):
        return ""


def check_seal(archive: Archive, ix: whoosh_index.Index, folder: Path) -> SealCheck:
    """Whether the index is the one this archive's catalog has marked (see above)."""
    if not os.path.lexists(folder / SEAL):
        return SealCheck("missing", "检索索引没有封记文件（由旧版本建立，或封记被删除），无法确认它"
                                    "是为本档案库的当前目录建立的")
    try:
        seal = _read_seal(folder)
    except (OSError, ValueError, UnicodeDecodeError):
        return SealCheck("unreadable", f"检索索引的封记文件 {SEAL} 已损坏，无法核对")
    catalog = archive.catalog.index_mark()
    if _foreign(archive, seal):
        return SealCheck("foreign", _foreign(archive, seal))
    generation, toc_hash = _toc(ix, folder)
    sealed_generation, sealed_hash = seal["toc"]
    if [generation, toc_hash] != [sealed_generation, sealed_hash]:
        if generation == sealed_generation + 1 and catalog == seal.get("records"):
            return SealCheck("interrupted")  # committed, then killed before the seal
        return SealCheck("replaced", f"检索索引的文件与其封记不符（索引为第 {generation} 次提交，"
                                     f"封记记的是第 {sealed_generation} 次）：封记之后索引文件被替换或改动")
    if catalog == seal.get("records"):
        return SealCheck("sealed")
    if catalog == seal.get("previous"):
        return SealCheck("interrupted")  # sealed, then killed before the catalog marked it
    return SealCheck("stale", "检索索引建立时所依据的记录及其版本与目录现在记载的不符："
                              "是本档案库检索索引的旧副本被放回，或索引在别处被改动过")


# -- after each write, and for verify

def after_commit(archive: Archive, ix: whoosh_index.Index,
                 applied: list[tuple[int, int]] | None, names: re.Pattern) -> None:
    """What every index write ends with (under the index lock): leftovers cleaned, the seal
    written, old index folders no search holds removed."""
    folder = Path(ix.storage.folder)
    clean(ix, folder)
    write_seal(archive, ix, folder, applied)
    sweep(archive.root, folder, names)


def _amount(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} 字节"


def _names(found: list[Leftover]) -> str:
    shown = "、".join(leftover.path.name for leftover in found[:5])
    return shown + ("……" if len(found) > 5 else "")


def findings(archive: Archive, ix: whoosh_index.Index, folder: Path) -> list[tuple[str, str]]:
    """(subject, message) for the seal and for whatever the folder holds besides the index."""
    out = []
    kept, summed = archive.catalog.get_meta(INDEX_MARK_KEY), archive.catalog.computed_index_mark()
    if kept is not None and kept != summed:  # what a sync compares the seal with
        out.append(("档案库目录", f"目录记载的检索索引标记（{kept}）与各记录已编入索引的版本之和"
                                f"（{summed}）不符：目录的 indexed_revision 列或 meta 表被改动过；"
                                "请运行 gongwen index rebuild 重建"))
    check = check_seal(archive, ix, folder)
    if check.message:
        out.append(("检索索引", f"{check.message}；请运行 gongwen index rebuild 重建"
                                "（档案文件和目录不受影响）"))
    found = leftovers(ix, folder)
    orphans = [leftover for leftover in found if leftover.whoosh]
    foreign = [leftover for leftover in found if not leftover.whoosh]
    if orphans:
        out.append((str(folder), f"有 {len(orphans)} 个不属于当前索引的索引文件（共 "
                                 f"{_amount(sum(o.size for o in orphans))}：{_names(orphans)}），"
                                 "是中断的写入或合并留下的；下次归档或 gongwen index rebuild 会清理"))
    if foreign:
        out.append((str(folder), f"有 {len(foreign)} 个 gongwen 和 Whoosh 都不会写的文件或目录（共 "
                                 f"{_amount(sum(f.size for f in foreign))}：{_names(foreign)}）；"
                                 "下次归档或 gongwen index rebuild 会把它们删除"))
    return out
