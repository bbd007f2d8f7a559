"""The leading group (领导小组) and working groups (工作组), in list and sentence forms."""
from __future__ import annotations

import re
from collections import deque

from .outline import Node
from .paragraphs import Paragraph
from .people import Ref
from .reading import SECTION_FORMS, Context, TextNode, node_lines, ref_value, split_title

GROUP = r"(?:领导小组|工作领导小组|指挥部|工作专班|委员会)"
_FOUNDED = re.compile(rf"成立(?:了)?(?:以.+的)?(?P<name>[\u4e00-\u9fff“”《》]{{0,30}}?{GROUP})")
_LABEL = re.compile(r"(?P<label>常务副组长|副\s*组\s*长|组\s*长|成\s*员|组\s*员)\s*[：:]\s*")
_GROUP_LABEL = re.compile(r"(?P<label>副\s*组\s*长|组\s*长|成\s*员|组\s*员|负责部门|牵头部门|牵头单位"
                          r"|(?:主要)?职\s*责)\s*[：:]\s*")
_LEADER_PROSE = re.compile(r"(?:由|以)?(?P<who>[^，。；,;由以]{2,20}?)(?:同志)?(?:任|担任|为)(?<!副)组长")
_DEPUTY_PROSE = re.compile(r"(?:由|以)?(?P<who>[^。；;由以]{2,60}?)(?:同志)?(?:任|担任|为)副组长")
_MEMBER_PROSE = re.compile(r"成员由(?P<a>[^。；;]+?)组成|(?P<b>[^，。；,;为]+?)为成员|成员(?:包括|有|为)[：:]?(?P<c>[^。；;]+)")
_DUTIES_INTRO = re.compile(r"^(?P<head>.{0,30}?职\s*责(?:是|为|如下)?)\s*[：:]\s*(?P<rest>.*)$")
_OFFICE = re.compile(r"下设办公室|办公室设在")
_OFFICE_AT = re.compile(r"办公室设在(?P<at>[^，。；,;]+)")
_OFFICE_HEAD = re.compile(r"(?:由)?(?P<who>[^，。；,;由]{2,30}?)(?:同志)?(?:兼任|担任|任)(?:办公室)?主任"
                          r"|办公室主任(?:由|[：:])\s*(?P<who2>[^，。；,;]{2,30}?)(?:同志)?(?:兼任|担任)?[，。；,;]")
_PHONE = re.compile(r"电话\s*[：:]?\s*(?P<phone>[0-9][0-9\-－—]{5,}[0-9])")
_DEPARTMENT = re.compile(r"^由(?P<dept>[^，。]{2,20})(?:牵头)?负责[。]?$")
_PROSE_HEAD = re.compile(r"^(?P<name>[^、，,：:。]{1,14})[：:]\s*(?P<rest>由.+)$")
_PROSE_LEAD = re.compile(r"^由(?P<dept>[^，,。；;]{2,30}?)(?:牵头负责|牵头|负责)(?:[，,]"
                         r"(?P<members>[^。；;]{2,80}?)(?:参加|配合))?[。；;，,]?")
_DUTIES_OPENING = re.compile(r"^其?(?:主要)?职\s*责(?:是|为|如下)?\s*[：:]\s*")
_LIST_SEP = re.compile(r"[、，,]")
_WORKING_GROUP_NAME = re.compile(r"^[^、，,]{1,14}(?<![改重分编])(组|专班|工作队|小分队)$")


def is_working_group_name(name: str) -> bool:
    return bool(_WORKING_GROUP_NAME.search(name)) and not re.search(GROUP, name)


def working_group(node: Node, ctx: Context) -> dict | None:
    """A 工作组 heading with its lines, or a paragraph "X组：由A牵头，B、C参加。其职责是：…"
    (numbered or not)."""
    prose = _PROSE_HEAD.match(node.text)
    if prose and is_working_group_name(prose.group("name")):
        name = prose.group("name")
        lines = [TextNode(node.para, prose.group("rest"))] + node.children
    elif node.marker is None:
        return None
    else:
        name = _heading_name(node)
        lines = node_lines(node)
    if not is_working_group_name(name) or any(
            child.marker and is_working_group_name(_heading_name(child)) for child in node.children):
        return None  # "三、工作组" over the groups themselves is a heading
    group: dict = {"名称": name}
    duties: list[str] = []
    key = None  # the people label of the line before, which a bare line of names continues
    queue = deque(lines)
    while queue:
        line = queue.popleft()
        if line.marker is not None:  # numbered duties
            duties.append(ctx.text(line.text, line.para))
            queue.extendleft(reversed(line.children))
            continue
        if "负责部门" not in group and (lead := _PROSE_LEAD.match(line.text)):
            _prose_lead(lead, group)
            rest = _DUTIES_OPENING.sub("", line.text[lead.end():].strip())
            if rest:
                queue.appendleft(TextNode(line.para, rest))
            continue
        if opening := _DUTIES_OPENING.match(line.text):
            if not line.text[opening.end():].strip():
                continue
            line = TextNode(line.para, line.text[opening.end():].strip())
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
    summary = _people_summary(group, keys) if keys else f"{name}（{_led_by(group)}；职责{len(duties)}条）"
    ctx.saw("工作组", summary, node.para)
    return group


def _led_by(group: dict) -> str:
    """"由A牵头，B、C参加" or "由A负责", as gongwen prints it."""
    members = "、".join(m["角色"] if isinstance(m, dict) else m for m in group.get("组员", []))
    return f"由{group['负责部门']}牵头，{members}参加" if members else f"由{group['负责部门']}负责"


def _heading_name(node: Node) -> str:
    prose = _PROSE_HEAD.match(node.text)
    return prose.group("name") if prose else split_title(node.text)[0].rstrip("：:。")


def _prose_lead(lead: re.Match, group: dict) -> None:
    """"由A牵头，B、C参加": A the 负责部门, B and C its 组员 (departments, not people)."""
    group["负责部门"] = lead.group("dept")
    if lead.group("members"):
        group["组员"] = [{"角色": m.strip()} for m in _LIST_SEP.split(lead.group("members"))
                       if m.strip()]


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
    if listed and not said and is_working_group_name(ctx.heading):
        return None  # the roster of a 工作组 not read as one: it stays text, not a 领导小组
    named = (founded or said).group("name") if (founded or said) else (
        ctx.heading.removeprefix("成立") if re.search(GROUP, ctx.heading) else "领导小组")
    group: dict = {"名称": named}
    taken = list(queue)  # put back if this is no group after all
    if founded and not listed:
        queue.popleft()
        if prose:
            _prose_group(first.text, first.para, group, ctx)
        if _OFFICE.search(first.text):  # "…组成。领导小组办公室设在X，由Y兼任办公室主任"
            office = _office(first.text, first.para, ctx)
            if office is not None:
                group["办公室"] = office
        _prose_duties(first.text, first.para, group, ctx)
    _roster_lines(queue, group, ctx)
    if "组长" not in group:
        ctx.defect("领导小组没有写组长，按普通段落导入", first.para)
        queue.clear()
        queue.extend(taken)
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


_READ_IN_PROSE = re.compile(r"^成立|组成人员|如下[：:]?$|任(?:常务)?副?组长|为(?:常务)?副?组长|^成员|为成员|下设办公室|办公室设在"
                            r"|办公室主任|电话")


def _prose_duties(text: str, at: Paragraph | None, group: dict, ctx: Context) -> None:
    """What the founding sentence says besides who leads ("…组成，负责统筹全镇工作"): the
    group's duties, or the office's when said after it."""
    office_at = _OFFICE.search(text)
    kept: dict[str, list[str]] = {"group": [], "office": []}
    for clause in re.finditer(r"[^，。；,;]+", text):
        if _READ_IN_PROSE.search(clause.group().strip()):
            continue
        after_office = office_at is not None and clause.start() > office_at.start()
        kept["office" if after_office and "办公室" in group else "group"].append(clause.group().strip())
    if kept["group"]:
        group.setdefault("职责", []).append(ctx.text("，".join(kept["group"]) + "。", at))
    if kept["office"]:
        group["办公室"].setdefault("职责", []).append(ctx.text("，".join(kept["office"]) + "。", at))


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
            owner.setdefault("职责", []).extend(_duty_list(intro.group("rest"), queue, ctx, at))
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
