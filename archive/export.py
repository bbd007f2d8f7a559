"""`archive export DEST`: an archival package of every record in the archive.

DEST/
  files/<档号>/<original names>     the stored bytes
  归档文件目录.csv / manifest.json   序号, 档号, 文号, 责任者, 题名, 日期, 密级, 页数, 备注
  SHA256SUMS                         `sha256sum -c` checks every file in the package
  audit.jsonl                        the whole audit log, chain hashes included
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .core import Archive, ArchiveError, refuse_inside_archive
from .records import Record
from .store import CHUNK, ObjectError, current_umask

COLUMNS = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
MANIFEST_CSV = "归档文件目录.csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_MAX_BYTES = 200  # of a file or folder name; Linux allows 255


@dataclass(frozen=True)
class Exported:
    dest: Path
    records: int
    files: int
    manifest_sha256: str


def manifest_row(n: int, record: Record) -> dict[str, str]:
    notes = []
    if record.supersedes:
        notes.append(f"取代记录 {record.supersedes}")
    if record.superseded_by:
        notes.append(f"已被记录 {record.superseded_by} 取代")
    if record.metadata.note:
        notes.append(record.metadata.note)
    return {
        "序号": str(n),
        "档号": record.archival_code,
        "文号": record.metadata.doc_number,
        "责任者": record.metadata.organ,
        "题名": record.metadata.title,
        "日期": record.metadata.date.replace("-", ""),  # DA/T 22: 8 digits, 20200219
        "密级": record.metadata.secrecy,
        "页数": "" if record.pages is None else str(record.pages),
        "备注": "；".join(notes),
    }


def export(archive: Archive, dest: Path) -> Exported:
    """The package, written in a temporary folder beside DEST and renamed into place: an
    object that is missing, a link or not as recorded fails the export (ArchiveError naming
    the record) and leaves neither DEST nor the temporary folder."""
    refuse_inside_archive(dest, "导出目录")
    if dest.exists() and any(dest.iterdir()):
        raise ArchiveError(f"导出目录“{dest}”已存在且不为空；请指定新目录")
    records = sorted(archive.catalog.records(), key=lambda r: r.archival_code)
    created = [p for p in reversed(dest.parents) if not p.exists()]
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    os.chmod(work, 0o777 & ~current_umask())  # mkdtemp makes 0700; the package is the user's
    try:
        sums: list[tuple[str, str]] = []
        rows, entries = [], []
        for n, record in enumerate(records, start=1):
            folder = _record_folder(work / "files", record)
            for stored in record.files:
                target = _inside(work, folder / _unique_name(folder, safe_part(stored.name)))
                _copy_object(archive, record, stored, target)
                sums.append((stored.sha256, target.relative_to(work).as_posix()))
            row = manifest_row(n, record)
            rows.append(row)
            entries.append({**row, "记录": record.id, "保管期限": record.metadata.period,
                            "文种": record.metadata.kind, "files": [asdict(f) for f in record.files]})
        _write_csv(work / MANIFEST_CSV, rows)
        (work / "manifest.json").write_text(
            json.dumps({"全宗号": archive.fonds, "records": entries}, ensure_ascii=False, indent=2),
            encoding="utf-8")
        (work / "audit.jsonl").write_text("".join(
            json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in archive.log()),
            encoding="utf-8")
        for name in (MANIFEST_CSV, "manifest.json", "audit.jsonl"):
            sums.append((_sha(work / name), name))
        (work / "SHA256SUMS").write_text("".join(sums_line(h, p) for h, p in sums),
                                         encoding="utf-8")
        manifest_sha = _sha(work / MANIFEST_CSV)
        if dest.exists():
            dest.rmdir()
        os.replace(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        for folder in reversed(created):  # parents this export made, deepest first
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    archive.record_audit("export", {"目录": str(dest.resolve()), "记录数": len(records),
                                    "目录清单sha256": manifest_sha})
    return Exported(dest, len(records), len(sums) - 3, manifest_sha)


def safe_part(text: str) -> str:
    """One file or folder name made from catalog text: no "/" or NUL, never "." or "..",
    at most NAME_MAX_BYTES of UTF-8 (the suffix kept). Other characters are kept as they
    are (SHA256SUMS escapes a newline or backslash)."""
    name = text.replace("/", "_").replace("\0", "_")
    if name in ("", ".", ".."):
        name = "_" + name
    suffix = Path(name).suffix if len(Path(name).suffix) <= 16 else ""
    stem = name[:len(name) - len(suffix)] if suffix else name
    while len((stem + suffix).encode("utf-8")) > NAME_MAX_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _inside(root: Path, path: Path) -> Path:
    """`path`, which must lie in `root` (a last check after every part was made safe)."""
    if not path.resolve().is_relative_to(root.resolve()):
        raise ArchiveError(f"导出文件“{path}”会写到归档包以外，已停止")
    return path


def _record_folder(files: Path, record: Record) -> Path:
    """files/<档号>, the 档号 made safe; another record whose safe 档号 is the same gets
    its record number added."""
    folder = _inside(files, files / safe_part(record.archival_code))
    if folder.exists():
        folder = _inside(files, files / safe_part(f"{record.archival_code}-记录{record.id}"))
    folder.mkdir(parents=True)
    return folder


def _copy_object(archive: Archive, record: Record, stored, target: Path) -> None:
    """The stored object's bytes to `target`, never through a link, checked against its hash."""
    where = f"记录 {record.id}（档号 {record.archival_code}）的文件“{stored.name}”"
    try:
        source = archive.objects.open_object(stored.sha256)
    except ObjectError as exc:
        raise ArchiveError(f"{where}无法导出：{exc}；未写出归档包（可用 gongwen archive verify "
                           f"检查档案库）") from None
    digest = hashlib.sha256()
    with source, open(target, "xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != stored.sha256:
        raise ArchiveError(f"{where}无法导出：对象内容与登记的 SHA-256 不符；未写出归档包"
                           f"（可用 gongwen archive verify 检查档案库）")


def sums_line(sha: str, name: str) -> str:
    """One SHA256SUMS line as GNU sha256sum writes it: a name with a backslash, newline or
    carriage return is escaped (\\\\, \\n, \\r) and its line starts with a backslash."""
    if not any(ch in name for ch in "\\\n\r"):
        return f"{sha}  {name}\n"
    escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return f"\\{sha}  {escaped}\n"


def csv_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: a leading quote)."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")  # BOM: Excel opens it as UTF-8


def _unique_name(folder: Path, name: str) -> str:
    candidate, n = name, 1
    while (folder / candidate).exists():
        n += 1
        candidate = f"{Path(name).stem}-{n}{Path(name).suffix}"
    return candidate


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
