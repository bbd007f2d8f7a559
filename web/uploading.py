"""Received files uploaded from the page: written to a temporary folder under their own
names, then archived exactly as `gongwen archive add` archives files (same readers, limits,
sidecars, duplicate check), one outcome per file; the audit entries name the account."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from archive.core import Archive, Outcome, StorageFailure
from archive.export import safe_part
from archive.inputs import collect_files
from archive.overrides import from_pairs
from archive.records import LABELS, Metadata
from archive.store import CHUNK
from generator.errors import GongwenError, InputError

MAX_FILES = 50
# the per-file fields the form offers (Metadata attribute names)
META_FIELDS = ("title", "kind", "organ", "doc_number", "date", "period")
STATUS_TEXT = {"added": "已归档", "duplicate": "已存在", "failed": "未归档", "sidecar": "旁注文件"}


@dataclass(frozen=True)
class Uploaded:
    """One file as the browser sent it, with the metadata typed for it ({Metadata name: value})."""

    name: str
    stream: BinaryIO
    stated: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileOutcome:
    name: str
    status: str  # added | duplicate | failed | sidecar
    record_id: int | None = None
    archival_code: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


def file_name(sent: str) -> str:
    """The last part of the name the browser sent (some send a whole path), made safe."""
    return safe_part(sent.replace("\\", "/").rsplit("/", 1)[-1].strip())


def stage(files: list[Uploaded]) -> tuple[Path, list[tuple[Uploaded, Path | None, str]]]:
    """Every upload written into one new temporary folder: (upload, path or None, why not)."""
    folder = Path(tempfile.mkdtemp(prefix="gongwen-upload-"))
    staged = []
    for upload in files:
        name = file_name(upload.name)
        target = folder / name
        if not upload.name.strip():
            staged.append((upload, None, "没有文件名"))
        elif target.exists():
            staged.append((upload, None, "与同批另一个文件同名，未归档；请分开上传"))
        else:
            with open(target, "wb") as out:
                while chunk := upload.stream.read(CHUNK):
                    out.write(chunk)
            staged.append((upload, target, ""))
    return folder, staged


def _overrides(stated: dict[str, str]) -> Metadata:
    pairs = {LABELS[name]: value.strip() for name, value in stated.items()
             if name in META_FIELDS and value.strip()}
    return from_pairs(pairs, "网页表单")


@dataclass(frozen=True)
class UploadReport:
    files: list[FileOutcome]
    index_problem: str = ""  # the files are archived, but the index did not catch up


def archive_uploads(archive: Archive, backend, folder: Path,
                    staged: list[tuple[Uploaded, Path | None, str]], actor: str
                    ) -> UploadReport:
    """Archive what was staged (on the archive's thread); the index caught up afterwards."""
    out: list[FileOutcome] = []
    try:
        archive.require_writable()
        archive.clean_interrupted_writes()
        archive.acting = {"经办账号": actor}
        stopped = ""
        for upload, path, refusal in staged:
            shown = upload.name
            if stopped:
                out.append(FileOutcome(shown, "failed", message=stopped))
                continue
            if path is None:
                out.append(FileOutcome(shown, "failed", message=refusal))
                continue
            files, refused = collect_files((path,))
            if refused:
                out.append(FileOutcome(shown, "failed", message=refused[0].message))
                continue
            if not files:  # a sidecar (名称.yaml beside its file): read with that file
                out.append(FileOutcome(shown, "sidecar", message="用作同批同名文件的元数据"))
                continue
            try:
                overrides = _overrides(upload.stated)
            except InputError as exc:
                out.append(FileOutcome(shown, "failed", message=str(exc)))
                continue
            try:
                outcome = archive.add_received(path, overrides)
            except StorageFailure as exc:
                stopped = f"{exc}；未尝试（磁盘写入失败后停止）"
                out.append(FileOutcome(shown, "failed", message=str(exc)))
                continue
            out.append(_shown(shown, outcome))
    finally:
        archive.acting = {}
        shutil.rmtree(folder, ignore_errors=True)
    try:
        backend.index()
    except GongwenError as exc:
        return UploadReport(out, f"文件已归档，但检索索引未能更新：{exc}")
    return UploadReport(out)


def _shown(name: str, outcome: Outcome) -> FileOutcome:
    return FileOutcome(name, outcome.status, outcome.record_id, outcome.archival_code,
                       outcome.message, outcome.warnings)
