"""Search (and its JSON twin, the CLI's --json shape) and 谁负责: the CLI's queries as pages."""
from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from archive.core import Archive, ArchiveError
from archive.records import PERIODS, year_shown
from search.commands import results_json
from search.query import FACETS, QueryError
from search.snippets import MARK_CLOSE, MARK_OPEN

from .app import context, render
from .search_form import SearchForm


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
class RecordDuties:
    """A person's roles in one record, for the person's page."""

    record_id: int
    archival_code: str
    title: str
    kind: str
    date: str
    roles: list


def _duties(archive: Archive, backend, name: str) -> list[RecordDuties]:
    out: list[RecordDuties] = []
    for duty in archive.catalog.duties(name):
        if not out or out[-1].record_id != duty.record_id:
            out.append(RecordDuties(duty.record_id, duty.archival_code, duty.title, duty.kind,
                                    duty.date, []))
        out[-1].roles.append(duty)
    return out


async def person_page(request: Request) -> Response:
    """A person's duties across the current records (gongwen who --person NAME): every
    leading group, working group and measure the documents name them in."""
    name = request.path_params["name"].strip()
    try:
        records = await context(request).workspace.run(_duties, name)
    except ArchiveError as exc:
        return render(request, "person.html", 503, person=name, records=[], problem=str(exc))
    return render(request, "person.html", 200, person=name, records=records, problem="",
                  duties=sum(len(r.roles) for r in records))
