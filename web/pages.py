"""The archive's pages: search (and its JSON twin), a record, its files, verify, accounts."""
from __future__ import annotations

import os
import shutil
from dataclasses import asdict, dataclass, replace
from urllib.parse import quote

from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.responses import (FileResponse, JSONResponse, RedirectResponse, Response,
                                 StreamingResponse)
from starlette.routing import Route

from archive import audit
from archive.core import Archive, ArchiveError
from archive.records import LABELS, PERIODS, year_shown
from archive.store import CHUNK, ObjectError
from generator.errors import GongwenError
from search.commands import results_json
from search.query import FACETS, QueryError
from search.snippets import MARK_CLOSE, MARK_OPEN

from .accounts import ACTIONS as ACCOUNT_ACTIONS
from .app import context, error_page, render
from .search_form import SearchForm
from .exporting import export_zip
from .uploading import MAX_FILES, META_FIELDS, Uploaded, archive_uploads, stage
from .verifying import run_verify

UPLOAD_FIELDS = {name: LABELS[name] for name in META_FIELDS}
FILE_ROLES = {"original": "原件", "source": "YAML 源文件", "docx": "DOCX", "pdf": "PDF"}
ACTIONS = audit.ACTIONS | ACCOUNT_ACTIONS | {"sync-index": "补编检索索引"}


class Sha256(Convertor):
    regex = "[0-9a-f]{64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sha256", Sha256())


def marked(snippet: str) -> Markup:
    """A snippet, escaped, its hits in <mark>."""
    return (escape(snippet).replace(MARK_OPEN, Markup("<mark>"))
            .replace(MARK_CLOSE, Markup("</mark>")))


def _searched(archive: Archive, backend, form: SearchForm, facets: bool):
    results = backend.search(form.q, form.filters(), form.page, form.per_page, facets)
    return results, len(archive.catalog.pending_index())


async def search_page(request: Request) -> Response:
    form = SearchForm.of(request.query_params)
    results, pending, problem, status = None, 0, "", 200
    try:
        results, pending = await context(request).workspace.run(_searched, form, True)
    except QueryError as exc:
        problem, status = str(exc), 400
    except ArchiveError as exc:
        problem, status = str(exc), 503
    return render(request, "search.html", status, form=form, results=results, pending=pending,
                  problem=problem, marked=marked, facet_links=_facet_links(form, results),
                  periods=list(PERIODS))


@dataclass(frozen=True)
class FacetLink:
    value: str
    count: int
    href: str | None  # None: a value that cannot be asked for (unknown)
    chosen: bool


FACETS_SHOWN = 10
_UNKNOWN = "（未知）"


def _facet_links(form: SearchForm, results) -> dict[str, list[FacetLink]]:
    if results is None:
        return {}
    narrowing = {FACETS["unit_name"]: lambda v: {"unit": v},
                 FACETS["type"]: lambda v: {"type": v},
                 FACETS["year"]: lambda v: {"date_from": v, "date_to": v}}
    out = {}
    for label, counts in results.facets.items():
        links = []
        for value, count in list(counts.items())[:FACETS_SHOWN]:
            value = str(value)
            change = narrowing.get(label)
            known = change is not None and value != _UNKNOWN and value != "0"
            chosen = known and all(getattr(form, k) == v for k, v in change(value).items())
            links.append(FacetLink(year_shown(int(value)) if label == FACETS["year"]
                                   and value.isdigit() else value, count,
                                   form.link(page=1, **change(value)) if known else None, chosen))
        out[label] = links
    return out


async def search_api(request: Request) -> Response:
    form = SearchForm.of(request.query_params)
    facets = request.query_params.get("facets", "") not in ("", "0")
    try:
        results, pending = await context(request).workspace.run(_searched, form, facets)
    except QueryError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    except ArchiveError as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)
    return JSONResponse(results_json(results, pending))


WHO_LIMIT = 50


def _who(archive: Archive, backend, form: SearchForm):
    return backend.who(form.q, replace(form, current=False).filters(), WHO_LIMIT)


async def who_page(request: Request) -> Response:
    """谁负责: the measures matching the words, who answers for them, and where they are
    written (gongwen who)."""
    form = SearchForm.of(request.query_params)
    hits, problem, status = None, "", 200
    if form.q:
        try:
            hits = await context(request).workspace.run(_who, form)
        except QueryError as exc:
            problem, status = str(exc), 400
        except ArchiveError as exc:
            problem, status = str(exc), 503
    return render(request, "who.html", status, form=form, hits=hits, problem=problem,
                  marked=marked, limit=WHO_LIMIT)


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


async def verify_page(request: Request) -> Response:
    outcome = None
    if request.method == "POST":
        outcome = await run_in_threadpool(run_verify, context(request).workspace.root)
    return render(request, "verify.html", outcome=outcome)


async def export_page(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "export.html")
    try:
        package = await run_in_threadpool(export_zip, context(request).workspace.root,
                                          request.state.user.name)
    except GongwenError as exc:
        return error_page(request, 503, f"导出失败：{exc}")
    return FileResponse(package.zip_path, media_type="application/zip",
                        filename=package.download_name, content_disposition_type="attachment",
                        background=BackgroundTask(package.remove))


async def upload_page(request: Request) -> Response:
    """Clerks archive received files: several at once, each with optional metadata; one
    outcome per file (JSON for the page's script, else a page)."""
    if request.method == "GET":
        return render(request, "upload.html", report=None, fields=UPLOAD_FIELDS)
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES * 10 + 10)
    sent = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not sent:
        return render(request, "upload.html", 400, report=None, fields=UPLOAD_FIELDS,
                      problem="请先选择要归档的文件。")
    uploads = [Uploaded(f.filename, f.file, {name: str(form.get(f"{name}-{n}") or "")
                                             for name in UPLOAD_FIELDS})
               for n, f in enumerate(sent)]
    folder, staged = await run_in_threadpool(stage, uploads)
    try:
        report = await context(request).workspace.run(archive_uploads, folder, staged,
                                                      request.state.user.name)
    except GongwenError as exc:
        return error_page(request, 503, f"未能归档：{exc}")
    finally:
        await run_in_threadpool(shutil.rmtree, folder, True)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"files": [asdict(f) | {"status_text": f.status_text}
                                       for f in report.files],
                             "index_problem": report.index_problem})
    return render(request, "upload.html", report=report, fields=UPLOAD_FIELDS)


def _synced(archive: Archive, backend, actor: str):
    archive.require_writable()
    synced = backend.index()
    archive.record_audit("sync-index", {"补编记录数": synced.indexed, "经办账号": actor})
    return synced


async def sync_index(request: Request) -> Response:
    """Catch the index up with the catalog (what every add does), for records whose add
    was cut short."""
    try:
        await context(request).workspace.run(_synced, request.state.user.name)
    except ArchiveError as exc:
        return error_page(request, 503, str(exc))
    return RedirectResponse("/search", status_code=303)


async def users_page(request: Request) -> Response:
    users = await run_in_threadpool(context(request).users.all)
    return render(request, "users.html", users=users)


def routes(page) -> list[Route]:
    return [
        Route("/search", page(search_page), methods=["GET"]),
        Route("/api/search", page(search_api, api=True), methods=["GET"]),
        Route("/who", page(who_page), methods=["GET"]),
        Route("/records/{record_id:int}", page(record_page), methods=["GET"]),
        Route("/records/{record_id:int}/files/{sha:sha256}", page(download), methods=["GET"]),
        Route("/verify", page(verify_page), methods=["GET", "POST"]),
        Route("/export", page(export_page), methods=["GET", "POST"]),
        Route("/upload", page(upload_page, role="clerk"), methods=["GET", "POST"]),
        Route("/index/sync", page(sync_index, role="clerk"), methods=["POST"]),
        Route("/users", page(users_page, role="admin"), methods=["GET"]),
    ]
