"""A record's page and its files: downloads only ever read the record's own stored objects."""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from archive import audit
from archive.core import Archive, ArchiveError
from archive.records import LABELS, year_shown
from archive.store import CHUNK, ObjectError

from .accounts import ACTIONS as ACCOUNT_ACTIONS
from .app import context, error_page, render

FILE_ROLES = {"original": "原件", "source": "YAML 源文件", "docx": "DOCX", "pdf": "PDF"}
ACTIONS = audit.ACTIONS | ACCOUNT_ACTIONS | {"sync-index": "补编检索索引"}


class Sha256(Convertor):
    regex = "[0-9a-f]{64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sha256", Sha256())


@dataclass(frozen=True)
class RecordView:
    record: object
    people: list
    measures: list
    former_codes: list[str]
    reading_notes: list[str]
    chain: list  # the versions, oldest first, this record among them
    trail: list[audit.Entry]
    pdf: object | None  # the StoredFile shown in the page


def _chain(archive: Archive, record) -> list:
    """Every version of the document: what this record supersedes and what supersedes it."""
    seen, older = {record.id}, []
    current = record
    while current.supersedes is not None and current.supersedes not in seen:
        current = archive.catalog.record(current.supersedes)
        if current is None:
            break
        seen.add(current.id)
        older.insert(0, current)
    newer, current = [], record
    while current.superseded_by is not None and current.superseded_by not in seen:
        current = archive.catalog.record(current.superseded_by)
        if current is None:
            break
        seen.add(current.id)
        newer.append(current)
    return older + [record] + newer


def _record_view(archive: Archive, backend, record_id: int) -> RecordView:
    record = archive.get(record_id)
    pdf = next((f for f in record.files if f.media_type == "application/pdf"), None)
    return RecordView(record, archive.catalog.people(record.id),
                      archive.catalog.measures(record.id), archive.former_codes(record.id),
                      archive.reading_notes(record.id), _chain(archive, record),
                      audit.entries(archive.catalog.conn, record.id),
                      pdf if record.live else None)


async def record_page(request: Request) -> Response:
    record_id = request.path_params["record_id"]
    try:
        view = await context(request).workspace.run(_record_view, record_id)
    except ArchiveError as exc:
        return error_page(request, 404, str(exc))
    return render(request, "record.html", view=view, labels=LABELS, file_roles=FILE_ROLES,
                  actions=ACTIONS, year_shown=year_shown)


def _opened(archive: Archive, backend, record_id: int, sha: str):
    """The record's stored file with this hash, opened without following links: files are
    only ever read from the archive's objects, and only those a record lists."""
    record = archive.get(record_id)
    stored = next((f for f in record.files if f.sha256 == sha), None)
    if stored is None or not record.live:
        raise ArchiveError(f"记录 {record_id} 没有这个文件")
    return stored, archive.objects.open_object(sha)


def _chunks(handle):
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


async def download(request: Request) -> Response:
    record_id, sha = request.path_params["record_id"], request.path_params["sha"]
    try:
        stored, handle = await context(request).workspace.run(_opened, record_id, sha)
    except (ArchiveError, ObjectError) as exc:
        return error_page(request, 404, str(exc))
    inline = request.query_params.get("view") == "1" and stored.media_type == "application/pdf"
    disposition = "inline" if inline else "attachment"
    headers = {"content-disposition": f"{disposition}; filename*=UTF-8''{quote(stored.name)}",
               "content-length": str(os.fstat(handle.fileno()).st_size)}  # as opened
    return StreamingResponse(_chunks(handle), headers=headers,
                             media_type=stored.media_type or "application/octet-stream")
