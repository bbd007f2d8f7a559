"""A gongwen YAML file before it is generated: the text rules on every value (located at the
exact line and column of the character), the rules on its fields (dates, 发文字号, titles,
measures, attachments named in the text) and, for everything else, the validator's problems."""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..dates import format_date, read_written_date
from ..errors import InputError
from ..importer.front import DOC_NUMBER, read_doc_number
from ..importer.markers import read_marker
from ..yaml_in import UnreadableFile, YamlRefused, compose_yaml, read_yaml_text
from ..titles import written_line_issues
from .findings import Edit, Finding, Location, finding
from .text import ATTACHMENT_REF, END_PUNCT, balance_findings, scan_text

_DATE_KEYS = ("成文日期", "印发日期")


@dataclass(frozen=True)
class Scalar:
    """A string value in the file: where it came from and how its characters map back."""

    path: tuple  # keys and indexes from the root, e.g. ("正文", 2, "标题")
    node: ScalarNode

    @property
    def value(self) -> str:
        return self.node.value

    @property
    def key(self):
        return next((p for p in reversed(self.path) if isinstance(p, str)), "")


class YamlFile:
    """The text of a YAML file and its composed node tree (bounded like every YAML read:
    generator.yaml_in; MarkedYAMLError when refused)."""

    def __init__(self, path: Path, display: str, text: str):
        self.path, self.display, self.text = path, display, text
        self.root: Node | None = compose_yaml(text)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def scalars(self) -> list[Scalar]:
        out: list[Scalar] = []
        _walk(self.root, (), out)
        return out

    def location(self, scalar: Scalar, offset: int = 0, length: int = 0) -> Location:
        """Where character `offset` of the value stands in the file (its line and column)."""
        index = self.source_index(scalar, offset)
        if index is None:
            mark = scalar.node.start_mark
            line, column = mark.line + 1, mark.column + 1
        else:
            line = bisect.bisect_right(self._line_starts, index)
            column = index - self._line_starts[line - 1] + 1
        span = (offset, offset + length) if length else None
        return Location(self.display, line=line, column=column, span=span)

    def index_of(self, at: Location) -> int | None:
        """Index in the text of a location's line and column."""
        if at.line is None or at.column is None or at.line > len(self._line_starts):
            return None
        return self._line_starts[at.line - 1] + at.column - 1

    def source_index(self, scalar: Scalar, offset: int) -> int | None:
        """Index in the file of the value's character `offset`: plain and quoted values
        and block scalars keep the value's characters in order, between indents and quotes."""
        start, end = scalar.node.start_mark.index, scalar.node.end_mark.index
        segment = self.text[start:end]
        matcher = difflib.SequenceMatcher(None, scalar.value, segment, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            if a <= offset < a + size:
                return start + b + (offset - a)
        return None


def _walk(node: Node | None, path: tuple, out: list[Scalar]) -> None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _walk(value, path + (key.value,), out)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), out)
    elif isinstance(node, ScalarNode) and node.tag.endswith((":str", ":timestamp")):
        out.append(Scalar(path, node))


def check_yaml(path: Path, display: str) -> list[Finding]:
    from archive.extract import ExtractError

    try:
        text = read_yaml_text(path)
    except UnreadableFile as exc:
        raise ExtractError(str(exc)) from None
    try:
        yaml_file = YamlFile(path, display, text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = Location(display, line=mark.line + 1 if mark else None,
                      column=mark.column + 1 if mark else None)
        if isinstance(exc, YamlRefused):
            return [finding("yaml-syntax", at, exc.problem, "删去或改正该处")]
        return [finding("yaml-syntax", at, f"YAML 语法错误：{exc.problem or exc}",
                        "检查缩进、冒号后的空格和引号是否成对")]
    if yaml_file.root is None:
        return [finding("yaml-syntax", Location(display, line=1), "文件是空的")]
    return check_yaml_file(yaml_file)


def check_yaml_file(yaml_file: YamlFile, validate: bool = True) -> list[Finding]:
    scalars = yaml_file.scalars()
    out: list[Finding] = []
    for scalar in scalars:
        if scalar.key in _DATE_KEYS:
            out += _date_field(yaml_file, scalar)
            continue
        out += _relocated(yaml_file, scalar, scan_text(scalar.value, Location("")))
        out += _relocated(yaml_file, scalar, balance_findings([(scalar.value, Location(""))]))
        if scalar.key == "发文字号":
            out += _doc_number_field(yaml_file, scalar)
        elif scalar.key == "标题":
            out += _title_field(yaml_file, scalar)
    out += _attachment_refs(yaml_file, scalars)
    out += _measures_without_owner(yaml_file)
    if validate:
        problems, loaded = _problems(yaml_file)
        out += _validation(yaml_file, out, problems)
        if loaded is not None and loaded.facts is not None:
            out += _kind_rules(yaml_file, scalars, loaded.facts)
    return out


def _kind_rules(yaml_file: YamlFile, scalars: list[Scalar], facts) -> list[Finding]:
    """What the 文种 asks of the document (generator.kinds), at the field it is about, or at
    the 文种 when that field is missing."""
    from ..kinds import kind_issues

    first = {}
    for scalar in scalars:
        first.setdefault(scalar.path[0], scalar)
    out = []
    for issue in kind_issues(facts):
        scalar = first.get(issue.field) or first.get("文种")
        at = yaml_file.location(scalar) if scalar else Location(yaml_file.display, line=1)
        out.append(finding(issue.rule, at, issue.said, issue.fix))
    return out


def _relocated(yaml_file: YamlFile, scalar: Scalar, found: list[Finding]) -> list[Finding]:
    """Findings inside a value, moved to the line and column of their first character."""
    out = []
    for f in found:
        start, end = f.location.span or (0, 0)
        out.append(replace(f, location=yaml_file.location(scalar, start, end - start)))
    return out


def _date_field(yaml_file: YamlFile, scalar: Scalar) -> list[Finding]:
    value = scalar.value.strip()
    written = read_written_date(value)
    if written is None or value in (written.day.isoformat(), format_date(written.day)):
        return []  # a form YAML may use, or no date at all (the validator says so)
    right = format_date(written.day) if "年" in value else written.day.isoformat()
    flaws = "；".join(f for f in written.flaws if "2020年2月19日" not in f) or "写法不规范"
    at = yaml_file.location(scalar, 0, len(scalar.value))
    return [finding("date-form", at, f"{scalar.key}“{value}”：{flaws}", f"改为“{right}”",
                    Edit(scalar.value, right))]


def _doc_number_field(yaml_file: YamlFile, scalar: Scalar) -> list[Finding]:
    match = DOC_NUMBER.search(scalar.value)
    if match is None:
        return []  # not recognisable as one: the validator explains the form
    read = read_doc_number(match)
    if not read.flaws:
        return []
    at = yaml_file.location(scalar, match.start(), len(match.group()))
    edit = Edit(match.group(), read.safe_fix) if read.safe_fix != match.group() else None
    return [finding("doc-number-form", at, f"发文字号“{read.written}”：{'；'.join(read.flaws)}",
                    f"改为“{read.number}”", edit)]


def _title_field(yaml_file: YamlFile, scalar: Scalar) -> list[Finding]:
    value = scalar.value.rstrip()
    out = []
    if len(scalar.path) == 1 and value and value[-1] in END_PUNCT:
        out.append(finding("title-punct", yaml_file.location(scalar, len(value) - 1, 1),
                           f"标题末尾有“{value[-1]}”", f"删去标题末尾的“{value[-1]}”"))
    if len(scalar.path) == 1:
        out += _title_lines(yaml_file, scalar)
    # a table's title is not numbered by gongwen: a number written there is the writer's
    marker = read_marker(value) if len(scalar.path) > 1 and "表格" not in scalar.path else None
    if marker is not None and scalar.path[0] == "正文":
        out.append(finding("number-manual", yaml_file.location(scalar, 0, len(marker.raw)),
                           f"标题前写了序数“{marker.raw}”，生成时会再编一次号",
                           f"删去“{marker.raw}”"))
    return out


def _title_lines(yaml_file: YamlFile, scalar: Scalar) -> list[Finding]:
    """A writer's own title lines that overflow, stand one or two characters alone or cut a
    word; each found on its YAML line."""
    lines = scalar.value.splitlines()
    written = [i for i, line in enumerate(lines) if line.strip()]
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in written]
    out = []
    for issue in written_line_issues(scalar.value):
        line = lines[written[issue.index]]
        offset = starts[issue.index] + len(line) - len(line.lstrip())
        at = yaml_file.location(scalar, offset, len(line.strip()))
        out.append(finding("title-lines", at, issue.message, issue.fix))
    return out


def _attachment_refs(yaml_file: YamlFile, scalars: list[Scalar]) -> list[Finding]:
    """"见附件3" in the text of a document with two attachments."""
    count = sum(1 for s in scalars if len(s.path) >= 2 and s.path[0] == "附件"
                and (len(s.path) == 2 or s.path[2] in ("标题", "文档")))
    out = []
    for scalar in scalars:
        if scalar.path and scalar.path[0] == "附件":
            continue
        for match in ATTACHMENT_REF.finditer(scalar.value):
            if int(match.group(1)) > count:
                at = yaml_file.location(scalar, match.start(), len(match.group()))
                out.append(finding("attachment-mismatch", at,
                                   f"正文提到“{match.group()}”，但“附件”只列了{count}个",
                                   "在“附件”中补上该附件，或改正文中的附件序号"))
    return out


def _measures_without_owner(yaml_file: YamlFile) -> list[Finding]:
    out = []
    for measure in _measure_nodes(yaml_file.root):
        keys = {k.value: v for k, v in measure.value}
        missing = [k for k in ("责任领导", "责任人") if not _has_value(keys.get(k))]
        if missing:
            title = keys.get("标题")
            name = title.value if isinstance(title, ScalarNode) else "（无标题）"
            mark = measure.start_mark
            out.append(finding("measure-owner", Location(yaml_file.display, line=mark.line + 1,
                                                         column=mark.column + 1),
                               f"措施“{name}”没有{'和'.join(missing)}",
                               f"补写{'和'.join(missing)}（人员名单中的姓名，或 {{角色: …}}）",
                               severity="error"))
    return out


def _measure_nodes(node: Node | None):
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if key.value == "工作措施" and isinstance(value, SequenceNode):
                yield from (m for m in value.value if isinstance(m, MappingNode))
            else:
                yield from _measure_nodes(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _measure_nodes(item)


def _has_value(node: Node | None) -> bool:
    if isinstance(node, ScalarNode):
        return bool(node.value.strip()) and node.tag != "tag:yaml.org,2002:null"
    return isinstance(node, (SequenceNode, MappingNode)) and bool(node.value)


def _validation(yaml_file: YamlFile, found: list[Finding], problems) -> list[Finding]:
    """What the validator says and the field rules did not: missing fields, wrong types,
    unknown keys, names not in 人员."""
    said = {(f.location.file, f.location.line) for f in found}
    out = []
    for problem in problems:
        file = yaml_file.display if Path(problem.file) == yaml_file.path else problem.file
        if (file, problem.line) in said:
            continue
        rule = problem.rule or (
            "person-not-in-roster" if "不在“人员”名单中" in problem.message else "yaml-schema")
        field = f"“{problem.field}”：" if problem.field else ""
        out.append(finding(rule, Location(file, line=problem.line, column=problem.column),
                           field + problem.message))
    return out


def _problems(yaml_file: YamlFile):
    """The validator's problems, as a document (with the document when it is valid) or as a
    roster (花名册) when it is one."""
    from ..district.roster import read_rosters
    from ..load import load_document

    keys = {k.value for k, _ in yaml_file.root.value} if isinstance(yaml_file.root, MappingNode) else set()
    if isinstance(yaml_file.root, SequenceNode) or keys and not keys & {"正文", "继承", "文种"}:
        return read_rosters(yaml_file.path)[1], None
    try:
        return [], load_document(yaml_file.path, text=yaml_file.text)
    except InputError as exc:
        return exc.problems, None
