"""What changes or checks the archive from the page: verify, export, upload, index, accounts."""
from __future__ import annotations

import shutil
from dataclasses import asdict

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from archive.core import Archive, ArchiveError
from archive.records import LABELS
from generator.errors import GongwenError

from .app import context, error_page, render
from .exporting import export_zip
from .uploading import MAX_FILES, META_FIELDS, Uploaded, archive_uploads, stage
from .verifying import run_verify

UPLOAD_FIELDS = {name: LABELS[name] for name in META_FIELDS}


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
