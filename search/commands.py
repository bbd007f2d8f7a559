"""`gongwen search`, `gongwen who`, `gongwen index rebuild`."""
from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path

import click

from archive.commands import (
    EXIT_INPUT,
    archive_dir_option,
    emit_json,
    fail,
    open_archive,
    option_group,
)
from archive.core import ArchiveError

from .query import Filters, QueryError
from .snippets import MARK_CLOSE, MARK_OPEN

FACETS_SHOWN = 10


def note_pending(archive) -> int:
    """Say on stderr when the index is behind the catalog (a killed add, or an archive
    that is read-only here: searching never updates the index); the count of records."""
    pending = len(archive.catalog.pending_index())
    if pending:
        how = ("档案库在此只读，检索按现有索引回答" if not os.access(archive.root, os.W_OK)
               else "再次归档或运行 gongwen index rebuild 即可补上")
        click.secho(f"注意：有 {pending} 条记录尚未编入检索索引，结果可能不全（{how}）。",
                    fg="yellow", err=True)
    return pending


def _marked(snippet: str, html: bool) -> str:
    if html:
        return snippet.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    out, bold = [], False
    for part in snippet.replace(MARK_CLOSE, MARK_OPEN).split(MARK_OPEN):
        out.append(click.style(part, fg="red", bold=True) if bold else part)
        bold = not bold
    return "".join(out).replace("\n", " ")


def results_json(results, pending: int) -> dict:
    """A search's results as `gongwen search --json` prints them (and the web's /api/search
    answers): hits marked with <mark>, and how many records the index has not caught up with."""
    data = asdict(results) | {"pending": pending}
    for hit in data["hits"]:
        hit["snippet"] = _marked(hit["snippet"], html=True)
    return data


class WordsCommand(click.Command):
    """A command whose search words may start with "-" (the README's `-排除词`): an argument
    of one "-" and more that is not one of the command's options, nor an option's value, is
    a word where it stands (click would take it for an unknown option). `--` still works."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names, taking_value = set(), set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                names.update(param.opts + param.secondary_opts)
                if not param.is_flag and not param.count:
                    taking_value.update(param.opts)
        hidden: dict[str, str] = {}  # placeholder (no argv can hold NUL) -> the word
        passed, value_next = [], False
        for n, arg in enumerate(args):
            if arg == "--":
                passed.extend(args[n:])
                break
            if not value_next and _is_word(arg, names, taking_value):
                placeholder = f"\0{len(hidden)}"
                hidden[placeholder] = arg
                arg = placeholder
            value_next = arg in taking_value
            passed.append(arg)
        rest = super().parse_args(ctx, passed)
        ctx.params["words"] = tuple(hidden.get(w, w) for w in ctx.params["words"])
        return rest


def _is_word(arg: str, names: set[str], taking_value: set[str]) -> bool:
    """Whether an argument such as "-词" is a word rather than an option: it is not "--…",
    not an option's name, not "-A值" (a short option with its value attached)."""
    if len(arg) < 2 or arg[0] != "-" or arg[1] == "-":
        return False
    return arg not in names and arg[:2] not in taking_value


filter_options = option_group(
    click.option("--unit", default="", help="发文机关（包含该名称即可）。"),
    click.option("--type", "kind", default="", help="文种，如 方案、制度、通知、报告。"),
    click.option("--person", default="", help="文中列名的人员（组长、责任人等）。"),
    click.option("--docno", default="", help="发文字号。"),
    click.option("--period", default="", help="保管期限：永久、定期30年、定期10年。"),
    click.option("--from", "date_from", default="", help="成文日期起，如 2020-01。"),
    click.option("--to", "date_to", default="", help="成文日期止（含），如 2020-06。"),
)


@click.command("search", cls=WordsCommand)
@click.argument("words", nargs=-1)
@filter_options
@click.option("--current", is_flag=True, help="不列出已被取代的旧版本。")
@click.option("--facets", is_flag=True, help="按发文机关、文种、年度统计命中数。")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="第几页。")
@click.option("--per-page", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="每页条数。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（命中处用 <mark> 标出）。")
@archive_dir_option
def search_command(words, unit, kind, person, docno, period, date_from, date_to, current,
                   facets, page, per_page, as_json, archive_dir) -> None:
    """检索档案库。词语之间默认为“且”；支持 "短语"、AND、OR、NOT、-排除词。

    \b
    例：gongwen search 消毒 返岗
        gongwen search '"领导小组" 组长' --unit 民政局 --type 方案 --from 2020-01 --to 2020-06
        gongwen search --facets 疫情防控"""
    from .backend import backend_for

    filters = Filters(unit, kind, person, docno, period, date_from, date_to, current)
    with open_archive(archive_dir) as archive, backend_for(archive) as backend:
        try:
            results = backend.search(" ".join(words), filters, page, per_page, facets)
        except QueryError as exc:
            fail(str(exc), EXIT_INPUT)
        except ArchiveError as exc:
            fail(str(exc))
        pending = note_pending(archive)
    if as_json:
        emit_json(results_json(results, pending))
        return
    for n, hit in enumerate(results.hits, start=(page - 1) * per_page + 1):
        old = f"  [已被记录 {hit.superseded_by} 取代]" if hit.superseded_by else ""
        click.echo(click.style(f"{n}. {hit.title}", bold=True) + old)
        details = "　".join(x for x in (hit.unit, hit.doc_number, hit.date, hit.kind) if x)
        click.echo(f"   记录 {hit.record_id}　{hit.archival_code}　{details}")
        if hit.snippet:
            click.echo("   " + _marked(hit.snippet, html=False))
    click.echo(f"共 {results.total} 条，第 {results.page}/{results.pages} 页。")
    for name, counts in results.facets.items():
        shown = "，".join(f"{k} {v}" for k, v in list(counts.items())[:FACETS_SHOWN])
        more = f"……共 {len(counts)} 项（--json 列出全部）" if len(counts) > FACETS_SHOWN else ""
        click.echo(f"{name}：{shown}{more}")


@click.command("who", cls=WordsCommand)
@click.argument("words", nargs=-1)
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="最多列出多少项措施。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@archive_dir_option
def who_command(words, unit, kind, person, docno, period, date_from, date_to, limit, as_json,
                archive_dir) -> None:
    """谁负责：列出内容相符的工作措施、其责任领导和责任人，以及出自哪份文件。

    只给 --person 而不给检索词时，列出此人在各份现行文件中的全部职责（组长、成员、责任领导、
    责任人等），如 gongwen who --person 张某某。"""
    from .backend import backend_for

    if not words:
        if not person:
            fail("请给出检索词（如 gongwen who 消毒），或用 --person 姓名 列出某人的全部职责",
                 EXIT_INPUT)
        _person_duties(person, as_json, archive_dir)
        return
    filters = Filters(unit, kind, person, docno, period, date_from, date_to)
    with open_archive(archive_dir) as archive, backend_for(archive) as backend:
        try:
            hits = backend.who(" ".join(words), filters, limit)
        except QueryError as exc:
            fail(str(exc), EXIT_INPUT)
        except ArchiveError as exc:
            fail(str(exc))
        note_pending(archive)
    if as_json:
        emit_json([asdict(h) | {"snippet": _marked(h.snippet, html=True)} for h in hits])
        return
    for hit in hits:
        click.echo(click.style(hit.title, bold=True))
        for source in hit.sources:
            click.echo(f"   出自 记录 {source.record_id}　{source.archival_code}　{source.title}")
        click.echo(f"   责任领导：{'、'.join(hit.leaders) or '—'}　责任人：{'、'.join(hit.doers) or '—'}"
                   + (f"　完成时限：{hit.deadline}" if hit.deadline else ""))
        click.echo("   " + _marked(hit.snippet, html=False))
    click.echo(f"共 {len(hits)} 项措施。")


def _person_duties(name: str, as_json: bool, archive_dir: Path) -> None:
    with open_archive(archive_dir) as archive:
        duties = archive.catalog.duties(name)
    if as_json:
        emit_json([asdict(d) for d in duties])
        return
    current = None
    for duty in duties:
        if duty.record_id != current:
            current = duty.record_id
            click.echo(click.style(f"记录 {duty.record_id}　{duty.archival_code}　{duty.title}", bold=True)
                       + (f"（{duty.kind}，{duty.date}）" if duty.date else f"（{duty.kind}）"))
        where = f"　{duty.group}" if duty.group else ""
        post = f"　职务：{duty.post}" if duty.post else ""
        click.echo(f"   {duty.role}{where}{post}")
    records = len({d.record_id for d in duties})
    click.echo(f"{name}：共 {len(duties)} 项职责，出自 {records} 份文件。")


@click.group("index")
def index_group() -> None:
    """检索索引。"""


@index_group.command("rebuild")
@archive_dir_option
def rebuild_command(archive_dir: Path) -> None:
    """从档案库重建检索索引（在旁边建好新索引后再切换，检索不中断）。"""
    from .backend import backend_for

    with open_archive(archive_dir) as archive, backend_for(archive) as backend:
        total = len(archive.catalog.all_revisions())
        with click.progressbar(length=total, label="重建索引", file=sys.stderr,
                               hidden=total < 20) as bar:
            result = backend.rebuild(progress=bar.update)
        archive.record_audit("rebuild-index", {"记录数": result.indexed})
    click.echo(f"已重建检索索引：{result.indexed} 条记录。")
