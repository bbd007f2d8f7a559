"""The outline's nodes -> 正文 items: sections, the leading group, working groups, measures.

Each recogniser looks at the nodes from a position and either takes some (returning the
item it made) or leaves them; anything no recogniser takes stays as a section or text.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from .clean import fix_punctuation
from .findings import Finding, Level
from .markers import Form
from .outline import Node
from .people import Parsed, Ref, Roster, find_clause, parse_refs
from .paragraphs import Paragraph

SECTION_FORMS = (Form.CHAPTER, Form.SECTION, Form.CN, Form.CN_PAREN, Form.NUM, Form.NUM_PAREN)
_GROUP = r"(?:领导小组|工作领导小组|指挥部|工作专班|委员会)"
_FOUNDED = re.compile(rf"成立(?:了)?(?:以.+的)?(?P<name>[\u4e00-\u9fff“”《》]{{0,30}}?{_GROUP})")
_LABEL = re.compile(r"(?P<label>常务副组长|副\s*组\s*长|组\s*长|成\s*员|组\s*员)\s*[：:]\s*")
_GROUP_LABEL = re.compile(r"(?P<label>副\s*组\s*长|组\s*长|成\s*员|组\s*员|负责部门|牵头部门|牵头单位"
                          r"|(?:主要)?职\s*责)\s*[：:]\s*")
_LEADER_PROSE = re.compile(r"(?:由|以)?(?P<who>[^，。；,;由以]{2,20}?)(?:同志)?(?:任|担任|为)(?<!副)组长")
_DEPUTY_PROSE = re.compile(r"(?:由|以)?(?P<who>[^。；;由以]{2,60}?)(?:同志)?(?:任|担任|为)副组长")
_MEMBER_PROSE = re.compile(r"成员由(?P<a>[^。；;]+?)组成|(?P<b>[^，。；,;为]+?)为成员|成员(?:包括|有|为)[：:]?(?P<c>[^。；;]+)")
_DUTIES_INTRO = re.compile(r"^(?P<head>.{0,30}?职责(?:是|为|如下)?)\s*[：:]\s*(?P<rest>.*)$")
_OFFICE = re.compile(r"下设办公室|办公室设在")
_OFFICE_AT = re.compile(r"办公室设在(?P<at>[^，。；,;]+)")
_OFFICE_HEAD = re.compile(r"(?:由)?(?P<who>[^，。；,;由]{2,30}?)(?:同志)?(?:兼任|担任|任)(?:办公室)?主任"
                          r"|办公室主任(?:由|[：:])\s*(?P<who2>[^，。；,;]{2,30}?)(?:同志)?(?:兼任|担任)?[，。；,;]")
_PHONE = re.compile(r"电话\s*[：:]?\s*(?P<phone>[0-9][0-9\-－—]{5,}[0-9])")
_DEPARTMENT = re.compile(r"^由(?P<dept>[^，。]{2,20})(?:牵头)?负责[。]?$")
_WORKING_GROUP_NAME = re.compile(r"^[^、，,]{1,14}(?<![改重分编])(组|专班|工作队|小分队)$")


@dataclass
class Context:
    roster: Roster = field(default_factory=Roster)
    findings: list[Finding] = field(default_factory=list)
    heading: str = ""  # title of the section being read
    said: str = ""  # the last paragraph kept as text ("第一条　成立…领导小组，组成人员如下：")
    chapters: bool = False  # 第一章 … seen (reported once)
    recognised: list[tuple[str, str, Paragraph | None]] = field(default_factory=list)

    def saw(self, what: str, summary: str, at: Paragraph | None) -> None:
        self.recognised.append((what, summary, at))

    def defect(self, message: str, at: Paragraph | None) -> None:
        self.findings.append(Finding(Level.DEFECT, message, at))

    def refs(self, text: str, at: Paragraph | None) -> list[Ref]:
        parsed: Parsed = parse_refs(text, self.roster.known)
        for flaw in parsed.flaws:
            self.defect(flaw, at)
        self.roster.add(parsed.refs)
        return parsed.refs

    def text(self, text: str, at: Paragraph | None) -> str:
        fixed = fix_punctuation(text)
        if fixed != text:
            self.findings.append(Finding(Level.DEFECT, "中文中夹用半角标点，已改为全角", at))
        return fixed


def items_of(nodes: list[Node], ctx: Context, in_article: bool = False) -> list:
    """YAML items for a list of sibling nodes. Inside an article (第一条) numbered items are
    enumerations and stay text with their numbers."""
    out: list = []
    queue = deque(nodes)
    while queue:
        node = queue[0]
        group = leading_group(queue, ctx)
        if group is not None:
            out.append({"领导小组": group})
            continue
        queue.popleft()
        if node.marker and in_article:
            out += _texts([node], ctx)
        elif node.marker and node.marker.form in SECTION_FORMS:
            made = working_group(node, ctx)
            if made is not None:
                _add_to_run(out, "工作组", made)
                continue
            made = measure(node, ctx)
            if made is not None:
                _add_to_run(out, "工作措施", made)
                continue
            out.append(section(node, ctx))
        elif node.marker:  # 第一条, 一是: text that keeps its own number
            ctx.said = ctx.text(f"{node.marker.raw}{_gap(node.marker.form)}{node.text}", node.para)
            out.append(ctx.said)
            out += items_of(node.children, ctx, in_article=True)
        else:
            made = measure(node, ctx, queue)
            if made is not None:
                _add_to_run(out, "工作措施", made)
                continue
            ctx.said = ctx.text(node.text, node.para)
            out.append(ctx.said)
    return out


def _gap(form: Form) -> str:
    return "　" if form in (Form.ARTICLE, Form.CHAPTER, Form.SECTION) else ""


def _add_to_run(out: list, key: str, item: dict) -> None:
    """Consecutive groups (or measures) form one block, numbered on with the sections."""
    if out and isinstance(out[-1], dict) and key in out[-1]:
        out[-1][key].append(item)
    else:
        out.append({key: [item]})


def split_title(text: str) -> tuple[str, str]:
    """"摸清底数。以班级为单位…" -> ("摸清底数", "以班级为单位…"); a heading alone stays whole."""
    match = re.search(r"[。！？]", text[:32])
    if match and text[match.end():].strip():
        keep = match.group() if match.group() != "。" else ""
        return text[:match.start()] + keep, text[match.end():].strip()
    return text, ""


def _lines(node: Node) -> list[Node]:
    """A node's own text after its heading, then its children, as one list of nodes."""
    _, rest = split_title(node.text)
    return ([_TextNode(node.para, rest)] if rest else []) + node.children


class _TextNode(Node):
    """A piece of a paragraph (the text after a run-in heading) standing as its own node."""

    def __init__(self, para: Paragraph | None, text: str):
        super().__init__(para)
        self._text = text

    @property
    def text(self) -> str:
        return self._text


# -- sections

def section(node: Node, ctx: Context) -> dict:
    title, rest = split_title(node.text)
    title = ctx.text(title, node.para)
    outer, ctx.heading = ctx.heading, title
    content = items_of(_lines(node), ctx)
    ctx.heading = outer
    if node.marker and node.marker.form in (Form.CHAPTER, Form.SECTION) and not ctx.chapters:
        ctx.chapters = True
        ctx.findings.append(Finding(Level.CHANGED, f"“{node.marker.raw}”等章、节导入为标题，"
                                    "生成时按“一、（一）”编号", node.para))
    if not content:
        return {"标题": title}
    if rest and len(content) == 1 and isinstance(content[0], str):
        return {"标题": title, "内容": content[0]}
    return {"标题": title, "内容": content}


def _texts(nodes: list[Node], ctx: Context) -> list[str]:
    """Nodes as plain paragraphs, numbered ones keeping their number."""
    out = []
    for node in nodes:
        for sub in node.walk():
            if sub.para is None:
                continue
            prefix = sub.marker.form.show(sub.marker.number) if sub.marker else ""
            out.append(ctx.text(prefix + sub.text, sub.para))
    return out


# -- measures

def measure(node: Node, ctx: Context, queue: deque | None = None) -> dict | None:
    """A numbered item ending in "（责任领导：… 责任人：…）", or a "标题。正文" paragraph followed
    by such a clause (unnumbered measures, taken from `queue`)."""
    if queue is not None:
        return _unnumbered_measure(node, ctx, queue)
    lines = _lines(node)
    if not lines:
        return None
    last = lines[-1]
    clause = find_clause(last.text, ctx.roster.known) if last.marker is None else None
    if clause is None or not (clause.leaders or clause.doers):
        return None
    title, _ = split_title(node.text)
    before = last.text[:clause.start].strip()
    body = lines[:-1] + ([_TextNode(last.para, before)] if before else [])
    return _measure_item(title, _texts(body, ctx), clause, last.para, node.para, ctx)


def _unnumbered_measure(node: Node, ctx: Context, queue: deque) -> dict | None:
    title, rest = split_title(node.text)
    if not rest or len(title) > 20:
        return None
    clause = find_clause(rest, ctx.roster.known)
    if clause is not None and clause.start > 0:
        return _measure_item(title, [ctx.text(rest[:clause.start].strip(), node.para)], clause,
                             node.para, node.para, ctx)
    if queue and queue[0].marker is None and not queue[0].children:
        clause = find_clause(queue[0].text, ctx.roster.known)
        if clause is not None and clause.start == 0:
            at = queue.popleft().para
            return _measure_item(title, [ctx.text(rest, node.para)], clause, at, node.para, ctx)
    return None


def _measure_item(title: str, content: list[str], clause, clause_at: Paragraph | None,
                  at: Paragraph | None, ctx: Context) -> dict | None:
    for flaw in clause.flaws:
        ctx.defect(flaw, clause_at)
    ctx.roster.add(clause.leaders + clause.doers)
    if not clause.leaders:
        ctx.defect(f"措施“{title}”写了责任人，没有写责任领导", clause_at)
    if not clause.doers:
        ctx.defect(f"措施“{title}”写了责任领导，没有写责任人", clause_at)
    if not clause.leaders or not clause.doers or not content:
        return None
    if len(clause.leaders) > 1:
        ctx.defect(f"措施“{title}”有{len(clause.leaders)}名责任领导，导入第一名，其余列为责任人",
                   clause_at)
    item = {"标题": ctx.text(title, at), "内容": content[0] if len(content) == 1 else content,
            "责任领导": ref_value(clause.leaders[0]),
            "责任人": [ref_value(r) for r in clause.doers + clause.leaders[1:]]}
    if clause.deadline:
        item["完成时限"] = clause.deadline
    doers = "、".join(r.name for r in clause.doers)
    ctx.saw("工作措施", f"{item['标题']}（责任领导{clause.leaders[0].name}；责任人{doers}）", at)
    return item


def ref_value(ref: Ref) -> str | dict:
    return {"角色": ref.name} if ref.role else ref.name


# -- working groups

def working_group(node: Node, ctx: Context) -> dict | None:
    name, _ = split_title(node.text)
    name = name.rstrip("：:。")
    if not _WORKING_GROUP_NAME.search(name) or re.search(_GROUP, name):
        return None
    group: dict = {"名称": name}
    duties: list[str] = []
    key = None  # the people label of the line before, which a bare line of names continues
    queue = deque(_lines(node))
    while queue:
        line = queue.popleft()
        if line.marker is not None:  # numbered duties
            duties.append(ctx.text(line.text, line.para))
            queue.extendleft(reversed(line.children))
            continue
        labelled = _group_fields(line.text, line.para, group, ctx)
        if labelled is not None:
            duty, key = labelled
            if duty:
                duties.append(ctx.text(duty, line.para))
        elif key and _continues_roster(line.text):
            _put_people(group, key, ctx.refs(line.text, line.para))
        elif dept := _DEPARTMENT.match(line.text):
            group["负责部门"] = dept.group("dept")
        else:
            duties.append(ctx.text(line.text, line.para))
    if "组长" not in group and "负责部门" not in group or not duties:
        if len(group) == 1:  # no 组长, 组员 or 负责部门 at all: just a heading ending in 组
            return None
        ctx.defect(f"“{name}”像是工作组，但没有写组长（或负责部门）和职责，按普通标题导入",
                   node.para)
        return None
    group["职责"] = duties
    keys = ("组长", "副组长", "组员") if "组长" in group else ()
    summary = _people_summary(group, keys) if keys else f"{name}（由{group['负责部门']}负责；职责{len(duties)}条）"
    ctx.saw("工作组", summary, node.para)
    return group


def _group_fields(text: str, at: Paragraph | None, group: dict, ctx: Context
                  ) -> tuple[str, str | None] | None:
    """Read "组长：A；组员：B、C；职责：…" into `group`. Returns the duty text after a 职责
    label ("" if none) and the last people label; None when the text has no labels."""
    marks = list(_GROUP_LABEL.finditer(text))
    if not marks or marks[0].start() > 0:
        return None
    duty, key = "", None
    for i, m in enumerate(marks):
        value = text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        value = value.strip(" 　；;，,")
        label = re.sub(r"\s", "", m.group("label"))
        if "职责" in label:
            duty, key = value, None
        elif label in ("负责部门", "牵头部门", "牵头单位"):
            group["负责部门"], key = value.rstrip("。"), None
        else:
            key = label if label in ("组长", "副组长") else "组员"
            _put_people(group, key, ctx.refs(value, at))
    return duty, key


def _put_people(group: dict, key: str, refs: list[Ref]) -> None:
    """People under a label; a second 组长 (one line lists two) becomes a 副组长."""
    values = [ref_value(r) for r in refs]
    if key == "组长" and values and "组长" not in group:
        group["组长"] = values.pop(0)
    if values:
        group.setdefault("副组长" if key == "组长" else key, []).extend(values)


# -- the leading group

def leading_group(queue: deque, ctx: Context) -> dict | None:
    """The 领导小组 starting at the head of `queue`, as a list ("组长：…") or a sentence."""
    first = queue[0]
    if first.marker is not None:
        return None
    founded = _FOUNDED.search(first.text)
    prose = _LEADER_PROSE.search(first.text)
    listed = _LABEL.match(first.text)
    next_listed = len(queue) > 1 and queue[1].marker is None and _LABEL.match(queue[1].text)
    if not (listed or (founded and (prose or next_listed))):
        return None
    said = _FOUNDED.search(ctx.said) if listed else None
    named = (founded or said).group("name") if (founded or said) else (
        ctx.heading.removeprefix("成立") if re.search(_GROUP, ctx.heading) else "领导小组")
    group: dict = {"名称": named}
    if founded and not listed:
        queue.popleft()
        if prose:
            _prose_group(first.text, first.para, group, ctx)
        if _OFFICE.search(first.text):  # "…组成。领导小组办公室设在X，由Y兼任办公室主任"
            office = _office(first.text, first.para, ctx)
            if office is not None:
                group["办公室"] = office
    _roster_lines(queue, group, ctx)
    if "组长" not in group:
        ctx.defect("领导小组没有写组长，按普通段落导入", first.para)
        return None
    _duties_and_office(queue, group, ctx)
    ctx.saw("领导小组", _people_summary(group, ("组长", "副组长", "成员")), first.para)
    return group


def _people_summary(group: dict, keys: tuple[str, ...]) -> str:
    def show(value) -> str:
        return value["角色"] if isinstance(value, dict) else value

    parts = []
    for key in keys:
        value = group.get(key)
        if isinstance(value, list) and value:
            parts.append(f"{key}{'、'.join(show(v) for v in value)}")
        elif value:
            parts.append(f"{key}{show(value)}")
    if group.get("职责"):
        parts.append(f"职责{len(group['职责'])}条")
    if "办公室" in group:
        parts.append("设办公室")
    return f"{group['名称']}（" + "；".join(parts) + "）"


def _prose_group(text: str, at: Paragraph | None, group: dict, ctx: Context) -> None:
    """"由副局长王某任组长，李某、张某任副组长，成员由A、B、C组成"."""
    leader = _LEADER_PROSE.search(text)
    _put_people(group, "组长", ctx.refs(leader.group("who"), at))
    deputy = _DEPUTY_PROSE.search(text, leader.end())
    if deputy:
        _put_people(group, "副组长", ctx.refs(deputy.group("who").lstrip("，,"), at))
    members = _MEMBER_PROSE.search(text, (deputy or leader).end())
    if members:
        who = next(g for g in members.groups() if g)
        _put_people(group, "成员", ctx.refs(who.lstrip("，,"), at))


def _roster_lines(queue: deque, group: dict, ctx: Context) -> None:
    """"组　长：周明远　校长" lines, and the lines below each that list more people."""
    key = None
    while queue and queue[0].marker is None:
        text = queue[0].text
        label = _LABEL.match(text)
        if label:
            key = {"组长": "组长", "副组长": "副组长", "常务副组长": "副组长"}.get(
                re.sub(r"\s", "", label.group("label")), "成员")
            value = text[label.end():]
        elif key and _continues_roster(text):
            value = text
        else:
            return
        at = queue.popleft().para
        _put_people(group, key, ctx.refs(value, at))


def _continues_roster(text: str) -> bool:
    return len(text) <= 40 and not text.endswith(("。", "：", ":")) and "职责" not in text \
        and not _OFFICE.search(text)


def _duties_and_office(queue: deque, group: dict, ctx: Context) -> None:
    """"…主要职责：" with its items; "下设办公室，办公室设在…" and the office's own duties."""
    office = group.get("办公室")
    while queue and queue[0].marker is None:
        text = queue[0].text
        intro = _DUTIES_INTRO.match(text)
        if intro and not _OFFICE.search(text):
            at = queue.popleft().para
            owner = office if office is not None and "办公室" in intro.group("head") else group
            owner["职责"] = _duty_list(intro.group("rest"), queue, ctx, at)
        elif office is None and _OFFICE.search(text):
            office = _office(text, queue[0].para, ctx)
            if office is None:
                return
            queue.popleft()
            group["办公室"] = office
        else:
            return


def _duty_list(inline: str, queue: deque, ctx: Context, at: Paragraph | None) -> list[str]:
    """Duties written after "职责：" in the same paragraph, or as the numbered items below."""
    if inline.strip():
        return [ctx.text(inline.strip(), at)]
    duties = []
    while queue and queue[0].marker is not None and queue[0].marker.form in SECTION_FORMS:
        node = queue.popleft()
        duties.append(ctx.text(node.text, node.para))
        queue.extendleft(reversed(node.children))  # text below the last duty is not a duty
    return duties


def _office(text: str, at: Paragraph | None, ctx: Context) -> dict | None:
    where = _OFFICE_AT.search(text)
    if where is None:
        return None
    office: dict = {"设在": where.group("at")}
    head = _OFFICE_HEAD.search(text, where.end())
    if head:
        refs = ctx.refs(head.group("who") or head.group("who2"), at)
        if refs:
            office["主任"] = ref_value(refs[0])
    phone = _PHONE.search(text)
    if phone:
        office["电话"] = phone.group("phone")
    return office
