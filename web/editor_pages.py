"""The writer's editor pages (clerk): the YAML on the left, its problems at their lines as
one types, a PDF preview that refreshes, and DOCX/PDF downloads."""
from __future__ import annotations

import itertools
from dataclasses import asdict
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from archive.core import ArchiveError
from archive.export import safe_part

from .app import context, error_page, render
from .editing import FORMATS, Checked, Editor

STARTER = """\
# 在此编写公文（YAML）；右侧即时显示问题和 PDF 预览。
文种: 通知
标题: 关于做好档案安全检查工作的通知
发文机关: 某县档案馆
主送机关: [各科室]
成文日期: 2021-05-06
正文:
  - 为做好档案安全工作，现就开展检查通知如下。
  - 标题: 检查范围
    内容: 各科室保存的文书档案和电子文件。
  - 标题: 时间安排
    内容: 六月底前完成自查，七月上旬抽查。
  - 特此通知。
"""
MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_versions = itertools.count(1)


def editor(request: Request) -> Editor:
    return request.app.state.editor


def _answer(checked: Checked, **more) -> JSONResponse:
    return JSONResponse({"ok": checked.ok, "problems": [asdict(p) for p in checked.problems],
                         "warnings": [asdict(w) for w in checked.warnings]} | more)


async def _text(request: Request) -> str | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    text = body.get("yaml") if isinstance(body, dict) else None
    return text if isinstance(text, str) else None


def _source_of(archive, backend, record_id: int) -> str:
    record = archive.get(record_id)
    source = next((f for f in record.files if f.role == "source"), None)
    if source is None or not record.live:
        raise ArchiveError(f"记录 {record_id} 没有 YAML 源文件（只有本系统生成的公文才有）")
    with archive.objects.open_object(source.sha256) as f:
        return f.read().decode("utf-8", errors="replace")


async def editor_page(request: Request) -> Response:
    text = STARTER
    wanted = request.query_params.get("record", "")
    if wanted.isdigit():
        try:
            text = await context(request).workspace.run(_source_of, int(wanted))
        except ArchiveError as exc:
            return error_page(request, 404, str(exc))
    return render(request, "editor.html", text=text, checked=None)


async def check(request: Request) -> Response:
    text = await _text(request)
    if text is None:
        return JSONResponse({"error": "请求应为 JSON：{\"yaml\": 文本}"}, status_code=400)
    return _answer(await editor(request).check(text))


async def preview(request: Request) -> Response:
    text = await _text(request)
    if text is None:
        return JSONResponse({"error": "请求应为 JSON：{\"yaml\": 文本}"}, status_code=400)
    rendered = await editor(request).render(text, "pdf")
    if not rendered.data:
        return _answer(rendered.checked)
    version = next(_versions)
    request.app.state.previews[request.state.user.name] = (version, rendered.data)
    return _answer(rendered.checked, preview=f"/editor/preview.pdf?v={version}")


async def preview_pdf(request: Request) -> Response:
    held = request.app.state.previews.get(request.state.user.name)
    if held is None:
        return error_page(request, 404, "还没有预览：请先在编辑器中写出没有问题的公文。")
    return Response(held[1], media_type="application/pdf",
                    headers={"content-disposition": "inline"})


async def download(request: Request) -> Response:
    form = await request.form()
    text, fmt = str(form.get("yaml") or ""), str(form.get("format") or "")
    if fmt not in FORMATS:
        return error_page(request, 400, "格式应为 PDF 或 DOCX")
    rendered = await editor(request).render(text, fmt)
    if not rendered.data:
        return render(request, "editor.html", 422, text=text, checked=rendered.checked)
    name = safe_part(rendered.name)
    return Response(rendered.data, media_type=MEDIA[fmt],
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def routes(page) -> list[Route]:
    clerk = {"role": "clerk"}
    return [
        Route("/editor", page(editor_page, **clerk), methods=["GET"]),
        Route("/api/editor/check", page(check, api=True, **clerk), methods=["POST"]),
        Route("/api/editor/preview", page(preview, api=True, **clerk), methods=["POST"]),
        Route("/editor/preview.pdf", page(preview_pdf, **clerk), methods=["GET"]),
        Route("/editor/download", page(download, **clerk), methods=["POST"]),
    ]
