"""A received file -> gongwen YAML: the document's fields, its 正文 and 人员, and one YAML per
attached document; with what was recognised and what was wrong, for the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from ..dates import read_written_date
from ..kinds import BUILT_FORMATS, KINDS, kind_named
from ..yaml_out import dump, flow, flow_map
from .blocks import Context, items_of
from .clean import clean
from .findings import Finding, Level
from .front import split_parts, title_kind, trailing_attachment_note
from .issuing import issuing_sentence, mark_issued_document, notice_title
from .outline import build_outline
from .paragraphs import Paragraph, Received, read_file
from .textloss import keep_lost_text

# titles' 文种 that gongwen writes as another (the rest of generator.kinds as they are)
_KIND = {"实施方案": "方案", "工作方案": "方案", "计划": "方案",
         "办法": "制度", "规定": "制度", "细则": "制度", "规则": "制度"}
_ORDER = ("文种", "份号", "密级", "紧急程度", "发文机关标志", "发文字号", "令号", "签发人", "签发人职务",
          "标题", "主送机关", "发文机关", "成文日期", "附注", "人员", "正文", "出席", "请假", "列席", "附件",
          "抄送", "印发机关", "印发日期")
_FLOW_LISTS = ("主送机关", "抄送", "副组长", "成员", "组员", "责任人", "出席", "请假", "列席")


@dataclass
class Imported:
    source: Path
    fields: dict
    findings: list[Finding] = field(default_factory=list)
    recognised: list[tuple[str, str, Paragraph | None]] = field(default_factory=list)
    attached: list["Imported"] = field(default_factory=list)
    found_at: dict[str, Paragraph] = field(default_factory=dict)  # field -> where it was read

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + [f for child in self.attached for f in child.findings]

    def yaml_text(self, attachment_files: list[str] = ()) -> str:
        return dump(_tree(self.fields, list(attachment_files), self.source))

    def load(self):
        """The main document validated as if its YAML had been written, attached documents
        left out (coverage compares a received plan this way)."""
        from ..load import load_document

        fields = {**self.fields, "附件": [a for a in self.fields.get("附件", []) if isinstance(a, str)]}
        name = self.source.with_name(f"{self.source.name}（导入结果）.yaml")
        return load_document(name, text=dump(_tree(fields, [], self.source)))


def import_received(path: Path, received: Received, for_yaml: bool = True) -> Imported:
    """A file read once (`read_received`): what import reads in it, the page furniture its
    extraction left out reported with the rest. `for_yaml=False` (the archive, which keeps
    the text whole itself) skips the safety net that puts text no recogniser placed into 正文."""
    imported = import_file(path, received.paragraphs, for_yaml)
    imported.findings += [Finding(Level.CHANGED, f"删除{f.describe()}") for f in received.extracted.removed]
    return imported


def import_file(path: Path, paragraphs: list[Paragraph] | None = None,
                for_yaml: bool = True) -> Imported:
    """`paragraphs`: the file as already read, to save reading it again."""
    if paragraphs is None:
        return import_received(path, read_file(path))
    cleaned = clean(paragraphs)
    parts = split_parts(mark_issued_document(cleaned.paragraphs))
    fields = dict(parts.fields)
    imported = Imported(path, fields, cleaned.findings + parts.findings, found_at=parts.found_at)
    _title_from_issuing(fields, parts.body, imported)
    offered = cleaned.fallbacks({key for key, value in fields.items() if value})
    if parts.not_document:
        _not_a_document(fields, path)
    else:
        _fill_gaps(fields, cleaned.web_meta, path, imported)
        _say_fallbacks(fields, offered, imported)
    _read_body(imported, parts.body)
    for n, part in enumerate(parts.attached, start=1):
        child_fields = {"标题": part.title or f"附件{n}", "发文机关": fields.get("发文机关"),
                        "成文日期": fields.get("成文日期")}
        child = Imported(path, child_fields)
        child.fields["文种"] = _kind(child.fields["标题"], child)
        body, own_titles = trailing_attachment_note(part.body)  # its own 附件说明
        if own_titles:
            child.fields["附件"] = own_titles
        _read_body(child, body)
        child.recognised.insert(0, ("附件", child.fields["标题"].replace("\n", ""), part.label))
        imported.attached.append(child)
    issues = issuing_sentence(parts.body) is not None  # a 印发通知 lists no 附件说明 for it
    fields["附件"] = _attachments(parts.attachment_titles, len(parts.attached), imported, issues)
    if for_yaml:
        keep_lost_text(cleaned.paragraphs, imported)
    return imported


def _read_body(imported: Imported, body: list[Paragraph]) -> None:
    root, findings = build_outline(body)
    ctx = Context()
    items = items_of(root.children, ctx)
    imported.findings += findings + ctx.findings
    imported.findings += [Finding(Level.DEFECT, flaw, rule="clause-form") for flaw in ctx.roster.flaws]
    imported.recognised += ctx.recognised
    if not items:
        imported.findings.append(Finding(Level.MISSING, "没有识别出正文"))
    imported.fields["正文"] = items
    imported.fields["人员"] = [{"姓名": name, **({"职务": post} if post else {})}
                             for name, post in ctx.roster.posts.items()]


def _title_from_issuing(fields: dict, body: list[Paragraph], imported: Imported) -> None:
    """A 印发通知 copied without its title: "关于印发X的通知" from "现将《X》印发给你们"."""
    said = issuing_sentence(body)
    if "标题" in fields or said is None:
        return
    fields["标题"] = notice_title(said, fields.get("发文机关"))
    imported.found_at["标题"] = said.at
    imported.findings.append(Finding(
        Level.CHANGED, f"原文没有标题，按“{said.at.text[:30]}”拟为“{fields['标题']}”，请核对", said.at,
        about="标题"))


def _fill_gaps(fields: dict, web: dict[str, str], path: Path, imported: Imported) -> None:
    """Fields the text did not give: from the web page's info table, the masthead or the
    title; what is still missing is reported and left for the writer."""
    def missing(key: str, message: str, shown: str = "") -> None:
        imported.findings.append(Finding(Level.MISSING, f"未找到{shown or key}，{message}", about=key))

    if "标题" not in fields:
        fields["标题"] = path.stem
        missing("标题", f"暂以文件名“{path.stem}”代替")
    fields["文种"] = fields.get("文种") or _kind(fields["标题"], imported)  # a 令: from its 版头
    if "成文日期" not in fields and fields["文种"] == "纪要" and fields.get("印发日期"):
        printed = fields["印发日期"]  # 纪要格式 (10.3) prints no 成文日期
        fields["成文日期"] = type(printed).fromordinal(printed.toordinal())  # not a YAML alias
        imported.findings.append(Finding(Level.CHANGED, "纪要不标成文日期，暂以印发日期为成文日期",
                                         about="成文日期"))
    if "发文字号" not in fields and (number := web.get("文号") or web.get("发文字号")):
        fields["发文字号"] = number
    if "成文日期" not in fields:
        written = read_written_date(web.get("成文日期") or web.get("发布日期") or "")
        if written:
            fields["成文日期"] = written.day
        else:
            fields["成文日期"] = None
            missing("成文日期", "请补填")
    if "发文机关" not in fields:
        organ = _organ_from(fields, web)
        fields["发文机关"] = organ
        if organ is None:
            missing("发文机关", "请补填", "发文机关（署名）")


def _not_a_document(fields: dict, path: Path) -> None:
    """A newspaper page and the like: its title, and no invented 文种, 发文机关 or date."""
    fields.setdefault("标题", path.stem)
    fields["文种"] = fields["发文机关"] = None
    fields.setdefault("成文日期", None)


def _say_fallbacks(fields: dict, offered: list, imported: Imported) -> None:
    """Report each field that came from the web page's info table rather than the text."""
    for fallback in offered:
        value = fields.get(fallback.field)
        if value is not None and str(value) and (str(value) == fallback.value
                                                 or fallback.field == "成文日期"):
            imported.findings.append(Finding(
                Level.CHANGED, f"{fallback.field}取自网页信息栏“{fallback.label}”：{fallback.value}",
                about=fallback.field))


def _organ_from(fields: dict, web: dict[str, str]) -> str | None:
    mark = fields.get("发文机关标志", "")
    if mark and fields.get("文种") == "命令（令）":
        return mark.removesuffix("命令").removesuffix("令").strip()
    if mark and fields.get("文种") == "纪要":
        return mark.removesuffix("纪要").strip()
    if mark:
        return mark.removesuffix("文件").strip()
    title = fields["标题"].replace("\n", "")
    if "关于" in title and title.index("关于") > 1:
        return title[:title.index("关于")]
    return web.get("发文机关") or web.get("发布机构")


def _kind(title: str, imported: Imported) -> str:
    kind = title_kind(title)
    named = kind_named(kind)
    if kind in _KIND:
        return _KIND[kind]
    if named in KINDS and KINDS[named].format in BUILT_FORMATS:
        return named
    if named in KINDS:
        imported.findings.append(Finding(
            Level.CHANGED, f"文种“{named}”用{KINDS[named].format.value}，gongwen 还不能生成，"
            "暂按“通知”导入"))
        return "通知"
    shown = f"“{kind}”" if kind else "未能从标题看出"
    imported.findings.append(Finding(Level.CHANGED, f"文种{shown}，暂按“通知”导入"))
    return "通知"


def _attachments(titles: list[str], attached: int, imported: Imported, issues: bool) -> list:
    if attached > len(titles) + issues:
        imported.findings.append(Finding(
            Level.DEFECT, f"正文后附有{attached}个附件，附件说明只列了{len(titles)}个",
            rule="attachment-mismatch"))
    count = max(len(titles), attached)
    return [{"文档": n} if n < attached else titles[n] for n in range(count)]


def _tree(fields: dict, attachment_files: list[str], source: Path) -> CommentedMap:
    tree = CommentedMap()
    for key in _ORDER:
        value = fields.get(key)
        if value in (None, [], "") and key not in ("成文日期", "发文机关"):
            continue
        tree[key] = _yaml_value(key, value, attachment_files)
        if value is None:
            tree.yaml_add_eol_comment("待补：原文中没有找到", key)
    tree.yaml_set_start_comment(
        f"由 gongwen import 从“{source.name}”导入。请核对各项，补齐“待补”处，再用 gongwen generate 生成。\n"
        "章节编号（一、（一）1.（1））生成时自动编排，正文中不必再写。")
    return tree


def _yaml_value(key: str, value, attachment_files: list[str]):
    if key == "标题" and "\n" in value:
        return LiteralScalarString(value)
    if key == "人员":
        return [flow_map(person) for person in value]
    if key == "附件":
        return [{"文档": attachment_files[v["文档"]]} if isinstance(v, dict) else v for v in value]
    return _styled(key, value)


def _styled(key: str, value):
    """Nested items as ruamel nodes: name lists in flow style, like the samples."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        for k, v in value.items():
            mapping[k] = _styled(k, v)
        return flow_map(value) if set(value) == {"角色"} else mapping
    if isinstance(value, list):
        items = [_styled(key, v) for v in value]
        return flow(items) if key in _FLOW_LISTS else items
    return value
