"""`gongwen archive ...`: add, list, show, edit, delete, log, verify, check, export."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

import click

from generator.errors import GongwenError, InputError

from .core import (DEFAULT_ARCHIVE_DIR, FULL_WIDTH_DIGITS, Archive, ArchiveError, Outcome,
                   StorageFailure, refuse_inside_archive)
from .inputs import collect_files
from .keys import KEY_ENV, AuditKeyError, create_key_file, read_key_file
from .overrides import check_org, from_pairs
from .records import LABELS, PERIODS, Metadata, Record, year_shown

EXIT_INPUT = 2  # bad input: nothing was written
RECORD_ID = click.IntRange(1, 2**63 - 1)  # what SQLite can hold
EXIT_FAILURE = 1  # something else went wrong


class RecordRef(click.ParamType):
    """A record number (checked as RECORD_ID is) or a 档号, current or former (as text)."""

    name = "记录号或档号"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if "WS" in text.upper():  # a 档号: Z001-WS·2021-D10-0001
            return text
        digits = text.translate(FULL_WIDTH_DIGITS)
        if digits.isascii() and digits.isdigit():
            return str(RECORD_ID.convert(digits, param, ctx))
        self.fail(f"“{value}”不是有效的记录号或档号（记录号是正整数，档号如 Z001-WS·2021-D10-0001）",
                  param, ctx)

archive_dir_option = click.option(
    "-A", "--archive-dir", type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_ARCHIVE_DIR, envvar="GONGWEN_ARCHIVE", show_default=True,
    help="档案库目录（也可用环境变量 GONGWEN_ARCHIVE 指定）。")


def open_archive(path: Path, create: bool = False) -> Archive:
    """The archive for a command; `create` (commands that add) also needs it writable."""
    try:
        archive = Archive(path, create=create)
        if create:
            archive.require_writable()
        return archive
    except ArchiveError as exc:
        fail(str(exc))


def fail(message: str, code: int = EXIT_FAILURE) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(code)


def emit_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group("archive")
def archive_group() -> None:
    """档案库：归档、查看、校验、导出已发和收到的文件。"""


def option_group(*options):
    """Several click options as one decorator, in the order given."""
    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func
    return decorate


metadata_options = option_group(
    click.option("--type", "kind", help="文种（如 方案、通知、报告），覆盖自动识别。"),
    click.option("--title", help="题名（标题），覆盖自动识别。"),
    click.option("--unit", "organ", help="发文机关（责任者），覆盖自动识别。"),
    click.option("--docno", "doc_number", help="发文字号，如 某政发〔2020〕3号。"),
    click.option("--date", help="成文日期，如 2020-02-19。"),
    click.option("--period", type=click.Choice(list(PERIODS)),
                 help="保管期限；默认按文种确定。"),
    click.option("--org", help="机构（问题）代码，写入档号。"),
    click.option("--secrecy", help="密级：绝密、机密、秘密。"),
    click.option("--note", help="备注。"),
)


def stated_metadata(**values: str | None) -> Metadata:
    pairs = {LABELS[name]: value for name, value in values.items() if value}
    return from_pairs(pairs, "命令行参数")


@archive_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@metadata_options
@click.option("--supersedes", type=RECORD_ID, help="新文件取代的记录编号（旧记录保留）。")
@click.option("--fonds", help="全宗号，只在新建档案库时设定（默认 Z001）。")
@archive_dir_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="读取文件的并行进程数，默认使用全部 CPU 核心。")
@click.option("-q", "--quiet", is_flag=True, help="只报告问题。")
def add_command(paths, supersedes, fonds, archive_dir, jobs, quiet, **meta) -> None:
    """归档文件或目录（递归）：DOCX、PDF、TXT、Markdown。

    自动识别标题、发文字号、日期、发文机关、文种、人员和工作措施；同名的
    “文件名.yaml”（如 报告.docx.yaml）或命令行参数可改写识别结果。内容相同的文件
    不会重复归档。"""
    try:
        overrides = stated_metadata(**meta)
        if fonds:
            check_org(fonds, "全宗号")
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    except ValueError as exc:
        fail(f"--fonds：{exc}", EXIT_INPUT)
    files, refused = collect_files(paths)
    outcomes = [Outcome(r.path, "failed", message=r.message) for r in refused]
    if supersedes is not None and len(files) != 1:
        fail("--supersedes 只能与一个文件一起使用", EXIT_INPUT)
    with open_archive(archive_dir, create=True) as archive:
        if fonds and not archive.catalog.records(include_deleted=True):
            archive.set_fonds(fonds)
        archive.clean_interrupted_writes()
        from .receiving import read_all  # the importer: only when adding

        wanted = (archive.received_wanted(path) for path in files)
        with click.progressbar(read_all(wanted, len(files), overrides, jobs), length=len(files),
                               label="归档中", file=sys.stderr,
                               hidden=quiet or len(files) < 2) as bar:
            with stops_on_storage_failure(archive, outcomes, len(files), quiet):
                for read in bar:
                    outcomes.append(archive.add_read(read, supersedes))
        finish_adds(archive, outcomes, quiet)


@contextmanager
def stops_on_storage_failure(archive: Archive, outcomes: list[Outcome], total: int,
                             quiet: bool) -> Iterator[None]:
    """A batch the disk stops (full, a size limit): report what was archived, attempt nothing
    more, and say that running the same command again completes it."""
    try:
        yield
    except StorageFailure as exc:
        report_outcomes(outcomes, quiet=False)
        done = sum(1 for o in outcomes if o.status != "failed")
        click.secho(f"{exc}。已处理 {done} 份，其余 {total - done} 份未尝试；腾出空间后重新运行"
                    "同一命令即可补全（已归档的会识别为已存在）。", fg="red", err=True)
        try:
            update_index(archive, quiet=True)
        except SystemExit:
            pass
        sys.exit(EXIT_FAILURE)


def finish_adds(archive: Archive, outcomes: list[Outcome], quiet: bool) -> None:
    """Report every outcome, bring the index up to date; exit 1 if any input failed."""
    report_outcomes(outcomes, quiet)
    update_index(archive, quiet)
    if any(o.status == "failed" for o in outcomes):
        sys.exit(EXIT_FAILURE)


def report_outcomes(outcomes: list[Outcome], quiet: bool) -> None:
    counts = {"added": 0, "duplicate": 0, "failed": 0}
    for o in outcomes:
        counts[o.status] += 1
        if o.status == "added" and not quiet:
            click.echo(f"已归档 {o.path} → 记录 {o.record_id}（档号 {o.archival_code}）")
        elif o.status == "duplicate" and not quiet:
            click.echo(f"已存在 {o.path}：{o.message}")
        elif o.status == "failed":
            click.secho(f"未归档 {o.path}：{o.message}", fg="red", err=True)
        for warning in o.warnings:
            click.secho(f"注意 {o.path}：{warning}", fg="yellow", err=True)
    if not quiet or counts["failed"]:
        click.echo(f"新归档 {counts['added']} 份，已存在 {counts['duplicate']} 份，"
                   f"失败 {counts['failed']} 份。", err=bool(counts["failed"]))


def update_index(archive: Archive, quiet: bool) -> None:
    from search.backend import backend_for

    pending = len(archive.catalog.pending_index())
    try:
        with backend_for(archive) as backend:
            if quiet or pending < 20:
                backend.index()
                return
            with click.progressbar(length=pending, label="更新检索索引", file=sys.stderr) as bar:
                backend.index(progress=bar.update)
    except GongwenError as exc:
        fail(f"文件已归档，但检索索引未能更新：{exc}")


def record_dict(record: Record) -> dict:
    data = asdict(record)
    data["metadata"] = {LABELS[k]: v for k, v in record.metadata.as_dict().items()}
    return data


@archive_group.command("list")
@click.option("--all", "include_deleted", is_flag=True, help="包括已删除的记录。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@archive_dir_option
def list_command(include_deleted, as_json, archive_dir) -> None:
    """列出档案库中的记录。"""
    with open_archive(archive_dir) as archive:
        records = archive.catalog.records(include_deleted=include_deleted)
    if as_json:
        emit_json([record_dict(r) for r in records])
        return
    for r in records:
        status = _status(r)
        click.echo(f"{r.id:>5}  {r.archival_code}  {r.metadata.date or '—':10}  "
                   f"{r.metadata.kind or '—'}  {r.metadata.title}{status}")
    click.echo(f"共 {len(records)} 条记录。")


def _status(r: Record) -> str:
    if not r.live:
        return f"  [已删除 {r.deleted_at}]"
    if r.superseded_by:
        return f"  [已被记录 {r.superseded_by} 取代]"
    return ""


@archive_group.command("show")
@click.argument("wanted", type=RecordRef())
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@archive_dir_option
def show_command(wanted, as_json, archive_dir) -> None:
    """显示一条记录（按记录号或档号，年度改正前的原档号也可）：元数据、文件、人员、工作措施。"""
    with open_archive(archive_dir) as archive:
        try:
            record = archive.find(wanted)
        except ArchiveError as exc:
            fail(str(exc))
        people = archive.catalog.people(record.id)
        measures = archive.catalog.measures(record.id)
        former = archive.former_codes(record.id)
        notes = archive.reading_notes(record.id)
    if as_json:
        emit_json(record_dict(record) | {"former_codes": former, "reading_notes": notes,
                                         "people": [asdict(p) for p in people],
                                         "measures": [asdict(m) for m in measures]})
        return
    click.echo(f"记录 {record.id}  档号 {record.archival_code}{_status(record)}")
    for code in former:
        click.echo(f"  原档号：{code}（年度改正后重编）")
    for name, value in record.metadata.as_dict().items():
        if value:
            click.echo(f"  {LABELS[name]}：{value}")
    click.echo(f"  年度：{year_shown(record.year)}　页数：{record.pages or '—'}　来源："
               f"{'本系统生成' if record.origin == 'generated' else '收文/外部文件'}")
    click.echo(f"  归档：{record.added_at}　{record.added_by}")
    for note in notes:
        click.echo(f"  读取说明：{note}")
    if record.supersedes:
        click.echo(f"  取代记录：{record.supersedes}")
    if record.delete_reason:
        click.echo(f"  删除理由：{record.delete_reason}")
    for f in record.files:
        click.echo(f"  文件[{f.role}]：{f.name}　{f.size} 字节　sha256 {f.sha256}")
    for p in people:
        post = f"（{p.post}）" if p.post else ""
        click.echo(f"  人员：{p.name}{post}　{p.role}　{p.group}")
    for n, m in enumerate(measures, start=1):
        click.echo(f"  措施 {n}：{m.title}　责任领导：{'、'.join(m.leaders) or '—'}"
                   f"　责任人：{'、'.join(m.doers) or '—'}")


@archive_group.command("edit")
@click.argument("record_id", type=RECORD_ID)
@click.argument("changes", nargs=-1, required=True)
@archive_dir_option
def edit_command(record_id, changes, archive_dir) -> None:
    """修改元数据，如：gongwen archive edit 3 密级=秘密 保管期限=永久 年度=2021。

    文件本身不会改变。年度改变（直接改年度，或改成文日期所致）时重编件号和档号，原档号记入审计日志，
    仍可用 gongwen archive show 原档号 查到；其他修改不改变档号。每次修改记入审计日志。"""
    pairs = {}
    for change in changes:
        label, sep, value = change.partition("=")
        if not sep:
            fail(f"“{change}”应写作 字段=值（如 密级=秘密）", EXIT_INPUT)
        pairs[label.strip()] = value
    with open_archive(archive_dir) as archive:
        try:
            before = archive.get(record_id).archival_code
            record = archive.edit(record_id, pairs)
        except ArchiveError as exc:
            fail(str(exc), EXIT_INPUT)
        if record.archival_code == before:
            click.echo(f"已修改记录 {record.id}（档号 {record.archival_code} 不变）。")
        else:
            click.echo(f"已修改记录 {record.id}：年度改为 {year_shown(record.year)}，"
                       f"档号由 {before} 改为 {record.archival_code}（原档号仍可用 archive show 查到）。")
        update_index(archive, quiet=True)


@archive_group.command("delete")
@click.argument("record_id", type=RECORD_ID)
@click.option("--reason", required=True, help="删除理由（记入审计日志）。")
@click.option("--yes", is_flag=True, help="不再确认。")
@archive_dir_option
def delete_command(record_id, reason, yes, archive_dir) -> None:
    """删除一条记录的文件；目录信息和审计日志保留。"""
    with open_archive(archive_dir) as archive:
        try:
            record = archive.get(record_id)
        except ArchiveError as exc:
            fail(str(exc))
        if not yes:
            click.confirm(f"确定删除记录 {record.id}“{record.metadata.title}”的文件？", abort=True)
        try:
            archive.delete(record_id, reason)
        except ArchiveError as exc:
            fail(str(exc))
        click.echo(f"已删除记录 {record_id} 的文件；目录信息与审计日志保留。")
        update_index(archive, quiet=True)


@archive_group.command("log")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@archive_dir_option
def log_command(as_json, archive_dir) -> None:
    """显示审计日志（追加写入、哈希链接）。"""
    from .audit import ACTIONS

    with open_archive(archive_dir) as archive:
        log = archive.log()
    if as_json:
        emit_json([asdict(e) for e in log])
        return
    for e in log:
        target = f" 记录 {e.record_id}" if e.record_id else ""
        click.echo(f"{e.seq:>5}  {e.at}  {e.user}  {ACTIONS.get(e.action, e.action)}{target}  "
                   f"{json.dumps(e.detail, ensure_ascii=False)}  {e.hash[:12]}")


witness_option = click.option(
    "--witness", type=click.Path(path_type=Path, dir_okay=False),
    help="见证文件（请保存在档案库以外）：追加本次的链头、条数和时间；verify 还逐行核对。")


def verify_with_index(archive: Archive, key=None, anchors=()) -> tuple:
    """What `archive verify` checks: the archive (verify.verify), then the search index,
    unless the catalog itself is corrupt (an index is not checked against a broken catalog)."""
    from search.backend import backend_for

    from .verify import verify

    report = verify(archive, key, anchors)
    findings = list(report.findings)
    if not any(f.kind == "corrupt" for f in findings):
        with backend_for(archive) as backend:
            findings += backend.verify()
    return report, findings


@archive_group.command("verify")
@click.option("--expect-head", "expected_heads", multiple=True, metavar="[条数:]哈希",
              help="此前记下的链头哈希：日志中已没有它（被截短或改写）时报错。可多次给出。")
@witness_option
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False), envvar=KEY_ENV,
              help="审计日志密钥文件（见 archive key-init；也可用环境变量 " + KEY_ENV + "）：核对每条日志的密钥签名。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@archive_dir_option
def verify_command(expected_heads, witness, key_file, as_json, archive_dir) -> None:
    """核对档案库：目录文件完整性、审计日志链条、按日志重放的每条记录、每个文件的哈希和检索索引。

    有问题时退出码为 1。日志链头只能证明日志未被改动到这一点为止：把它记在档案库以外
    （--witness 文件或 --expect-head），才能发现整条日志被截短或重写。"""
    from .witness import WitnessError, append_witness, parse_expected_head, read_witness

    with open_archive(archive_dir) as archive:
        try:
            if witness:
                refuse_inside_archive(witness, "见证文件")
            anchors = [parse_expected_head(h) for h in expected_heads]
            anchors += read_witness(witness) if witness else []
            key = read_key_file(key_file) if key_file else None
        except (WitnessError, AuditKeyError, ArchiveError) as exc:
            fail(str(exc), EXIT_INPUT)
        report, findings = verify_with_index(archive, key, anchors)
        appended = False
        if witness and not findings:
            try:
                append_witness(witness, report.audit_entries, report.audit_head, archive.root)
                appended = True
            except WitnessError as exc:
                fail(str(exc))
    if as_json:
        emit_json(asdict(report) | {"findings": [asdict(f) for f in findings],
                                    "ok": not findings, "anchors_checked": len(anchors)})
    else:
        for finding in findings:
            click.secho(str(finding), fg="red")
        click.echo(f"校验 {report.records} 条在档记录、{report.files_checked} 个文件、"
                   f"{report.audit_entries} 条审计日志；日志链头 {report.audit_head}"
                   f"（第 {report.audit_entries} 条）")
        if report.unsealed:
            click.secho(f"其中 {report.unsealed} 条记录归档于旧版本，日志只记有其文件哈希，"
                        "元数据未受日志保护。", fg="yellow")
        if anchors:
            click.echo(f"核对此前记下的链头 {len(anchors)} 个。")
        if report.signatures_checked:
            click.echo("已用密钥核对每条日志的签名。")
        elif report.keyed:
            click.secho(f"审计日志带密钥，但未给出密钥文件（--key-file 或 {KEY_ENV}），未核对签名。",
                        fg="yellow")
        if appended:
            click.echo(f"已把本次链头追加到见证文件 {witness}。")
        if findings:
            click.secho(f"发现 {len(findings)} 处问题。", fg="red")
        else:
            click.secho("档案库完好。", fg="green")
    if findings:
        sys.exit(EXIT_FAILURE)


@archive_group.command("key-init")
@click.argument("key_file", type=click.Path(path_type=Path, dir_okay=False))
@archive_dir_option
def key_init_command(key_file, archive_dir) -> None:
    """为审计日志设定密钥：新建密钥文件 KEY_FILE（请保存在档案库以外），此后每条日志都带密钥签名。

    只有档案库写权限、没有密钥的人，无法在改写日志后重新签名；之后归档、修改须用环境变量
    GONGWEN_AUDIT_KEY_FILE 指向密钥文件，verify 用 --key-file 核对签名。"""
    with open_archive(archive_dir, create=True) as archive:
        if key_file.resolve().is_relative_to(archive.root.resolve()):
            fail("密钥文件不能放在档案库目录内：能写档案库的人也就能读到它", EXIT_INPUT)
        try:
            key = create_key_file(key_file)
        except AuditKeyError as exc:
            fail(str(exc), EXIT_INPUT)
        try:
            entry = archive.set_audit_key(key)
        except ArchiveError as exc:
            key_file.unlink()
            fail(str(exc))
    click.echo(f"已设定审计日志密钥（标识 {key.key_id}），记为日志第 {entry.seq} 条；密钥文件 {key_file}。")
    click.echo(f"此后归档、修改请先设置 {KEY_ENV}={key_file}；核对：gongwen archive verify --key-file {key_file}")


@archive_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（含每条问题）。")
@click.option("--details", is_flag=True, help="逐件列出每条问题。")
@archive_dir_option
def check_command(as_json, details, archive_dir) -> None:
    """按 gongwen check 的规则检查档案库中每件现行文件，按规则和单位汇总；有错误时退出码为 1。"""
    from generator.check.archived import check_archive
    from generator.check.rules import Severity

    with open_archive(archive_dir) as archive:
        result = check_archive(archive)
    if as_json:
        emit_json({"records": [{"id": c.record_id, "title": c.title, "unit": c.unit}
                               | c.report.as_dict() for c in result.records],
                   "skipped": [{"id": i, "reason": why} for i, why in result.skipped],
                   "by_rule": {rule: {s.code: n[s] for s in Severity}
                               for rule, n in result.by_rule().items()},
                   "by_unit": {unit: {"documents": n["documents"], "failing": n["failing"]}
                               | {s.code: n[s] for s in Severity}
                               for unit, n in result.by_unit().items()}})
    else:
        _print_archive_check(result, details)
    if result.has_errors:
        sys.exit(EXIT_FAILURE)


def _print_archive_check(result, details: bool) -> None:
    from generator.check.report import print_report
    from generator.check.rules import RULES, Severity

    if details:
        for checked in result.records:
            print_report(checked.report)
    click.secho("按规则：", bold=True)
    for rule, counts in result.by_rule().items():
        shown = "，".join(f"{s.label} {counts[s]}" for s in Severity if counts[s])
        click.echo(f"  {rule:22} {RULES[rule].title}：{shown}")
    click.secho("按单位：", bold=True)
    for unit, counts in result.by_unit().items():
        shown = "，".join(f"{s.label} {counts[s]}" for s in Severity)
        click.echo(f"  {unit}：{counts['documents']} 件，其中 {counts['failing']} 件有错误；{shown}")
    for record_id, why in result.skipped:
        click.echo(f"  记录 {record_id}：{why}")
    failing = [c for c in result.records if c.report.has_errors]
    click.echo(f"共检查 {len(result.records)} 件现行文件，{len(failing)} 件有错误。"
               + ("" if details or not failing else "加 --details 逐件列出。"))


@archive_group.command("export")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@witness_option
@archive_dir_option
def export_command(dest, witness, archive_dir) -> None:
    """导出归档包：文件、归档文件目录（CSV 和 JSON）、SHA256SUMS、审计日志。"""
    from .audit import head as audit_head
    from .export import export
    from .witness import WitnessError, append_witness

    with open_archive(archive_dir) as archive:
        try:
            if witness:
                refuse_inside_archive(witness, "见证文件")
            result = export(archive, dest)
        except GongwenError as exc:
            fail(str(exc))
        count, head = audit_head(archive.catalog.conn)  # the export entry included
        if archive.read_only:
            click.echo("档案库只读：本次导出未能记入审计日志。")
        if witness:
            try:
                append_witness(witness, count, head, archive.root)
            except WitnessError as exc:
                fail(f"归档包已导出，但{exc}")
    click.echo(f"已导出 {result.records} 条记录、{result.files} 个文件到 {result.dest}；"
               f"可用 sha256sum -c SHA256SUMS 校验。")
    click.echo(f"日志链头 {head}（第 {count} 条）" + (f"，已追加到见证文件 {witness}" if witness
                                              else "；请把它记在档案库以外（或用 --witness）"))
