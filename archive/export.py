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

from .core import Archive, ArchiveError
from .records import Record

COLUMNS = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
MANIFEST_CSV = "归档文件目录.csv"


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
    if dest.exists() and any(dest.iterdir()):
        raise ArchiveError(f"导出目录“{dest}”已存在且不为空；请指定新目录")
    records = sorted(archive.catalog.records(), key=lambda r: r.archival_code)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        sums: list[tuple[str, str]] = []
        rows, entries = [], []
        for n, record in enumerate(records, start=1):
            folder = work / "files" / record.archival_code
            folder.mkdir(parents=True)
            for stored in record.files:
                target = folder / _unique_name(folder, stored.name)
                shutil.copyfile(archive.stored_path(stored), target)
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
        (work / "SHA256SUMS").write_text("".join(f"{h}  {p}\n" for h, p in sums),
                                         encoding="utf-8")
        manifest_sha = _sha(work / MANIFEST_CSV)
        if dest.exists():
            dest.rmdir()
        os.replace(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    archive.record_audit("export", {"目录": str(dest.resolve()), "记录数": len(records),
                                    "目录清单sha256": manifest_sha})
    return Exported(dest, len(records), len(sums) - 3, manifest_sha)


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")  # BOM: Excel opens it as UTF-8


def _unique_name(folder: Path, name: str) -> str:
    candidate, n = name, 1
    while (folder / candidate).exists():
        n += 1
        candidate = f"{Path(name).stem}-{n}{Path(name).suffix}"
    return candidate


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
