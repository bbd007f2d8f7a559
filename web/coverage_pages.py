"""The district coverage report as a page: a template and the units' files uploaded, the
same audit as `gongwen coverage` (generator.district.coverage_run), shown in the page or
sent as the same Excel workbook or JSON.

The files are written into a new temporary folder laid out as `gongwen init` lays out a
district (the template at the top, units in 单位/, rosters in 花名册/), so a unit's
`继承: ../模板.yaml` and `花名册: ../花名册/….yaml` find their files; reading is confined to
that folder, on the editor's thread (generator.access)."""
from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from archive.store import CHUNK
from generator.errors import GongwenError, Problem

from .app import render
from .uploading import file_name

MAX_FILES = 50
UNITS, ROSTERS = "单位", "花名册"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclasses.dataclass
class Audit:
    """What the page shows: the report's values, or the problems (named as uploaded)."""

    values: dict | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    xlsx: bytes = b""
    json: dict | None = None


def _store(upload: UploadFile, folder: Path) -> Path | str:
    """The upload written into `folder` under its own (safe) name, or why not."""
    name = file_name(upload.filename or "")
    target = folder / name
    if not name:
        return "没有文件名"
    if target.exists():
        return f"同一栏中有两个文件都叫“{name}”"
    folder.mkdir(exist_ok=True)
    with open(target, "wb") as out:
        while chunk := upload.file.read(CHUNK):
            out.write(chunk)
    return target


def stage(template: UploadFile, plans: list[UploadFile], rosters: list[UploadFile]
          ) -> tuple[Path, Path | None, list[Path], list[Problem]]:
    folder = Path(tempfile.mkdtemp(prefix="gongwen-coverage-"))
    problems: list[Problem] = []

    def stored(upload: UploadFile, where: Path) -> Path | None:
        path = _store(upload, where)
        if isinstance(path, str):
            problems.append(Problem(upload.filename or "", None, None, "", path))
            return None
        return path

    template_path = stored(template, folder)
    for roster in rosters:
        stored(roster, folder / ROSTERS)
    plan_paths = [p for p in (stored(u, folder / UNITS) for u in plans) if p is not None]
    return folder, template_path, plan_paths, problems


def audit(folder: Path, template_path: Path, plans: list[Path], output: str) -> Audit:
    """The audit, run on the editor's thread with reading confined to `folder`."""
    from generator.access import folders_for, reading_from
    from generator.district.coverage_run import run_coverage
    from generator.district.report import as_json, html_values, xlsx_bytes

    with reading_from(folders_for([folder])):
        run = run_coverage(template_path, plans)
    shown = _namer(folder)
    notes = [note.replace(f"{folder}/", "") for note in run.notes]
    if run.report is None:
        return Audit(problems=[dataclasses.replace(p, file=shown(p.file)) for p in run.problems],
                     notes=notes)
    report = dataclasses.replace(
        run.report, template=Path(shown(run.report.template)),
        units=tuple(dataclasses.replace(u, path=Path(shown(u.path))) for u in run.report.units))
    if output == "xlsx":
        return Audit(xlsx=xlsx_bytes(report))
    if output == "json":
        return Audit(json=as_json(report))
    return Audit(values=html_values(report), notes=notes)


def _namer(folder: Path):
    """A path in the staging folder as the user knows it: 单位/名称.yaml."""
    def shown(path) -> str:
        path = Path(path)
        try:
            return str(path.relative_to(folder))
        except ValueError:
            return path.name
    return shown


def _files(form, name: str) -> list[UploadFile]:
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


async def coverage_page(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "coverage_page.html", audit=None)
    form = await request.form(max_files=2 * MAX_FILES + 1, max_fields=20)
    templates, plans, rosters = (_files(form, n) for n in ("template", "plans", "rosters"))
    output = str(form.get("output") or "page")
    wanted_json = "application/json" in request.headers.get("accept", "")
    if len(templates) != 1 or not plans:
        message = "请选择一个模板文件和至少一个单位文件。"
        if wanted_json:
            return JSONResponse({"error": message}, status_code=400)
        return render(request, "coverage_page.html", 400, audit=None, problem=message)
    if len(plans) > MAX_FILES or len(rosters) > MAX_FILES:
        message = f"一次最多对照 {MAX_FILES} 个单位文件和 {MAX_FILES} 个花名册。"
        return render(request, "coverage_page.html", 400, audit=None, problem=message)
    folder, template_path, plan_paths, problems = stage(templates[0], plans, rosters)
    try:
        if problems or template_path is None:
            result = Audit(problems=problems)
        else:
            result = await request.app.state.editor.run(
                audit, folder, template_path, plan_paths, "json" if wanted_json else output)
    except GongwenError as exc:
        result = Audit(problems=[Problem("", None, None, "", str(exc))])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if wanted_json:
        if result.json is None:
            return JSONResponse({"problems": [dataclasses.asdict(p) for p in result.problems]},
                                status_code=422)
        return JSONResponse(result.json)
    if result.xlsx:
        name = quote("对照检查报告.xlsx")
        return Response(result.xlsx, media_type=XLSX,
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})
    status = 422 if result.problems else 200
    return render(request, "coverage_page.html", status, audit=result, **(result.values or {}))


def routes(page) -> list[Route]:
    return [Route("/coverage", page(coverage_page), methods=["GET", "POST"])]
