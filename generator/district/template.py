"""District templates: the 模板 header (roles, fill-in fields) and the items units must keep."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Iterator

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import Problem
from ..positions import describe_error, problem_at
from ..schema import Model, Text
from ..source import Source

TEMPLATE_KEY = "模板"
REQUIRED_KEY = "必备"
UNIT_NAME_FIELD = "单位名称"  # always available: the unit's own name
PLACEHOLDER = re.compile(r"【([^【】\s]{1,20})】")


def _yes_no(value: object) -> object:
    return {"是": True, "否": False}.get(value, value) if isinstance(value, str) else value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]


class RoleDecl(Model):
    """A role each unit's roster fills: 主要负责人, 分管领导, 校医 ..."""

    name: Text = Field(alias="角色")
    description: str = Field("", alias="说明")
    count: str | None = Field(None, alias="人数")  # "1", "1-3", "至少1"; default: at least one

    @field_validator("count", mode="before")
    @classmethod
    def _count_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("count")
    @classmethod
    def _count_form(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+|\d+-\d+|至少\d+", value):
            raise ValueError("人数应写作 1、1-3 或 至少1")
        return value

    def bounds(self) -> tuple[int, int | None]:
        if self.count is None:
            return 1, None
        if self.count.startswith("至少"):
            return int(self.count[2:]), None
        low, _, high = self.count.partition("-")
        return int(low), int(high or low)


class FieldDecl(Model):
    """A fill-in field: 值班电话, 单位地址 ..."""

    name: Text = Field(alias="名称")
    description: str = Field("", alias="说明")
    default: str | None = Field(None, alias="默认")


class TemplateHeader(Model):
    name: Text = Field(alias="名称")
    version: str | None = Field(None, alias="版本")
    roles: list[RoleDecl] = Field(default_factory=list, alias="角色")
    fields: list[FieldDecl] = Field(default_factory=list, alias="填写项")

    def field_names(self) -> list[str]:
        return [UNIT_NAME_FIELD] + [f.name for f in self.fields if f.name != UNIT_NAME_FIELD]


# ---- items with stable ids ----------------------------------------------------------

ITEM_KINDS = {"工作组": "工作组", "工作措施": "措施"}
SECTION = "章节"


@dataclass(frozen=True)
class Slot:
    """Where an item with an id sits in a raw tree: seq[index], reached by loc."""

    id: str
    kind: str  # 章节, 工作组 or 措施
    node: CommentedMap
    seq: CommentedSeq
    index: int
    loc: tuple
    parent_id: str | None


def slots(data: Any) -> Iterator[Slot]:
    """Every section, working group and measure of 正文 that has a 编号, in document order."""
    body = data.get("正文") if isinstance(data, dict) else None
    yield from _slots(body, ("正文",), None, with_id_only=True)


def all_item_slots(data: Any) -> Iterator[Slot]:
    """Like slots(), but also the groups and measures that lack a 编号 (id "")."""
    body = data.get("正文") if isinstance(data, dict) else None
    yield from _slots(body, ("正文",), None, with_id_only=False)


def _slots(items: Any, loc: tuple, parent: str | None, with_id_only: bool) -> Iterator[Slot]:
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        block = next((key for key in ITEM_KINDS if key in item), None)
        if block is not None:
            members = item[block]
            for n, member in enumerate(members if isinstance(members, list) else []):
                if isinstance(member, dict):
                    ident = _ident(member)
                    if ident or not with_id_only:
                        yield Slot(ident, ITEM_KINDS[block], member, members, n,
                                   loc + (index, block, n), parent)
        elif "领导小组" not in item:
            ident = _ident(item)
            if ident:
                yield Slot(ident, SECTION, item, items, index, loc + (index,), parent)
            content = item.get("内容")
            yield from _slots(content, loc + (index, "内容"), ident or parent, with_id_only)


def title_of(node: dict) -> str:
    """What writers call an item: its 标题, or a group's 名称."""
    return str(node.get("标题") or node.get("名称") or "")


def _ident(node: dict) -> str:
    value = node.get("编号")
    return str(value).strip() if value is not None else ""


# ---- reading a template -------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    source: Source
    header: TemplateHeader
    required: frozenset[str]  # ids a unit must keep (or drop with a reason)

    @property
    def path(self):
        return self.source.path

    def slot_ids(self) -> list[str]:
        return [slot.id for slot in slots(self.source.data)]

    def descendants(self, ident: str) -> list[str]:
        """Ids inside the item `ident` (a section holds groups and measures)."""
        out: list[str] = []
        parents = {ident}
        for slot in slots(self.source.data):
            if slot.parent_id in parents:
                out.append(slot.id)
                parents.add(slot.id)
        return out

    def required_within(self, ident: str) -> list[str]:
        return [i for i in [ident, *self.descendants(ident)] if i in self.required]


def is_template(data: Any) -> bool:
    return isinstance(data, dict) and TEMPLATE_KEY in data


def read_template(source: Source) -> tuple[Template | None, list[Problem]]:
    """The header and required ids of a template tree; every item must carry a unique 编号."""
    problems: list[Problem] = []
    try:
        header = TemplateHeader.model_validate(source.data[TEMPLATE_KEY])
    except ValidationError as exc:
        return None, [problem_at(source, (TEMPLATE_KEY, *error["loc"]), describe_error(error))
                      for error in exc.errors()]
    for kind, names in (("角色", [r.name for r in header.roles]),
                        ("填写项", [f.name for f in header.fields])):
        seen: set[str] = set()
        for index, name in enumerate(names):
            if name in seen:
                problems.append(problem_at(source, (TEMPLATE_KEY, kind, index),
                                           f"“{name}”重复定义"))
            seen.add(name)
    clash = {r.name for r in header.roles} & set(header.field_names())
    for name in sorted(clash):
        problems.append(problem_at(source, (TEMPLATE_KEY,),
                                   f"“{name}”既是角色又是填写项，请改用不同的名称"))
    required: set[str] = set()
    seen_ids: set[str] = set()
    for slot in all_item_slots(source.data):
        if not slot.id:
            problems.append(problem_at(source, slot.loc, f"模板中的每个{slot.kind}都须有“编号”"
                                       "（如 M01、G1），各单位据此对照"))
            continue
        if slot.id in seen_ids:
            problems.append(problem_at(source, slot.loc + ("编号",), f"编号“{slot.id}”重复"))
        seen_ids.add(slot.id)
    for slot in slots(source.data):
        if REQUIRED_KEY in slot.node:
            value = _yes_no(slot.node[REQUIRED_KEY])
            if not isinstance(value, bool):
                problems.append(problem_at(source, slot.loc + (REQUIRED_KEY,),
                                           "“必备”应为 是 或 否"))
            elif value:
                required.add(slot.id)
    return Template(source, header, frozenset(required)), problems


def strip_template_marks(data: CommentedMap) -> None:
    """Remove what only templates say (模板, 必备), leaving a document tree."""
    data.pop(TEMPLATE_KEY, None)
    for slot in slots(data):
        slot.node.pop(REQUIRED_KEY, None)
