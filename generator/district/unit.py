"""A unit's plan over a district template (继承), or a template's own preview, as one tree.

The result is an ordinary document tree: the rest of gongwen validates, renders and archives it
like any other. Every part keeps the position where it was written (template, unit plan or
roster), so problems name the right file and line."""
from __future__ import annotations

import copy
import difflib
import os
from pathlib import Path

from pydantic import ConfigDict, Field, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..access import refused_reference
from ..errors import Problem
from ..positions import describe_error, problem_at
from ..schema import DocumentSpec, Model, Phone, Text
from ..source import Source, adopt, graft, read_source
from .fill import Filling, fill_placeholders
from .roster import UnitRoster, people_from_yaml, pick_roster, read_rosters
from .template import (
    ITEM_KINDS, UNIT_NAME_FIELD, Slot, Template, is_template, read_template, slots,
    strip_template_marks, title_of,
)

INHERIT_KEY = "继承"
UNIT_KEYS = ("继承", "单位", "填写", "花名册", "人员", "修改", "删除", "新增")
ANCHORS = ("之后", "之前")
DOCUMENT_KEYS = tuple(f.alias for f in DocumentSpec.model_fields.values() if f.alias)


class UnitHeader(Model):
    """The keys only a unit plan has; other keys override the template's (发文字号, 成文日期 ...)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True,
                              frozen=True)
    inherit: Text = Field(alias="继承")
    unit: Text = Field(alias="单位")
    fills: dict[str, Phone | None] = Field(default_factory=dict, alias="填写")
    roster: str | None = Field(None, alias="花名册")
    changes: dict[str, dict] = Field(default_factory=dict, alias="修改")
    drops: dict[str, str | None] = Field(default_factory=dict, alias="删除")
    additions: list[dict] = Field(default_factory=list, alias="新增")


def is_unit_plan(data) -> bool:
    return isinstance(data, dict) and INHERIT_KEY in data


# ---- a template on its own: a preview with the placeholders showing ----------------

def preview_template(source: Source) -> tuple[Source | None, list[Problem]]:
    template, problems = read_template(source)
    if template is None:
        return None, problems
    merged = _document_tree(template)
    people = merged.setdefault("人员", CommentedSeq())
    for role in template.header.roles:
        people.append(CommentedMap({"姓名": f"【{role.name}】"}))
    filling = Filling(values={name: f"【{name}】" for name in template.header.field_names()},
                      holders={r.name: [f"【{r.name}】"] for r in template.header.roles})
    merged_source = Source(source.path, merged)
    fill_placeholders(merged_source, filling)
    return merged_source, problems + filling.problems


def _document_tree(template: Template) -> CommentedMap:
    merged = adopt(copy.deepcopy(template.source.data), template.path)
    strip_template_marks(merged)
    return merged


# ---- a unit plan --------------------------------------------------------------------

def resolve_unit(source: Source) -> tuple[Source | None, list[Problem]]:
    """The unit's full document tree, or None and every problem found."""
    data = source.data
    try:
        header = UnitHeader.model_validate(data)
    except ValidationError as exc:
        return None, [problem_at(source, tuple(e["loc"]), describe_error(e)) for e in exc.errors()]
    problems = _unknown_keys(source)
    template, found = _template(source, header)
    problems += found
    roster, found = _roster(source, header)  # read even when the template is wrong
    problems += found
    if template is None or roster is None or problems:
        return None, problems
    problems += _role_problems(template, roster) + _unknown_fills(template, header, source)

    merged = _document_tree(template)
    for key in data:
        if key not in UNIT_KEYS:
            graft(merged, key, data[key], data, key, source.path)
    _put_people(merged, template, roster, source)
    problems += _apply_drops(merged, template, header, source)
    problems += _apply_changes(merged, header, source)
    problems += _apply_additions(merged, template, header, source)
    if problems:
        return None, problems
    inputs = (template.path,) + ((beside(source.path, header.roster),) if header.roster else ())
    merged_source = Source(source.path, merged, tuple(p for p in inputs if p.is_file()))
    found, blocking = _fill(merged_source, template, header, roster, source)
    # a field left to fill leaves its placeholder as text: the tree is still validated, so the
    # writer hears of everything else in the same run
    return (None if blocking else merged_source), problems + found


def beside(path: Path, relative: str) -> Path:
    """`relative` as written in the file at `path` (".." resolved as text: the folders in
    between need not exist yet)."""
    return Path(os.path.normpath(path.parent / relative))


def load_template(path: Path) -> tuple[Template | None, list[Problem]]:
    template_source, problems = read_source(path)
    if template_source is None:
        return None, [Problem(p.file, p.line, p.column, p.field, f"模板：{p.message}")
                      for p in problems]
    if not is_template(template_source.data):
        return None, [Problem(str(path), 1, 1, "", "这个文件不是模板：模板须有“模板”段"
                              "（名称、角色、填写项）")]
    return read_template(template_source)


def _unknown_keys(source: Source) -> list[Problem]:
    problems = []
    for key in source.data:
        if key in UNIT_KEYS or (key in DOCUMENT_KEYS and key != "正文"):
            continue
        if key == "正文":
            message = "继承模板的文件不写“正文”：用“修改”“新增”“删除”写明与模板不同之处"
        else:
            message = f"未知字段“{key}”"
            close = difflib.get_close_matches(str(key), [*UNIT_KEYS, *DOCUMENT_KEYS], n=1,
                                              cutoff=0.4)
            message += f"，是否应为“{close[0]}”？" if close else ""
        problems.append(problem_at(source, (key,), message))
    return problems


def _template(source: Source, header: UnitHeader) -> tuple[Template | None, list[Problem]]:
    template_path = beside(source.path, header.inherit)
    refused = refused_reference(template_path, header.inherit, "模板")
    if refused:
        return None, [problem_at(source, (INHERIT_KEY,), refused)]
    template, found = load_template(template_path)
    if template is None:
        return None, [problem_at(source, (INHERIT_KEY,), p.message) if not p.line else p
                      for p in found]
    return template, found


def _roster(source: Source, header: UnitHeader) -> tuple[UnitRoster | None, list[Problem]]:
    has_file, has_list = header.roster is not None, "人员" in source.data
    if has_file == has_list:
        return None, [problem_at(source, (), "须给出“花名册”（花名册文件）或“人员”（名单）其中之一")]
    if has_list:
        return people_from_yaml(source, ("人员",), header.unit)
    roster_path = beside(source.path, header.roster)
    refused = refused_reference(roster_path, header.roster, "花名册", folder_ok=True)
    if refused:
        return None, [problem_at(source, ("花名册",), refused)]
    rosters, problems = read_rosters(roster_path)
    if problems:
        return None, problems
    roster, why = pick_roster(rosters, header.unit)
    return roster, [problem_at(source, ("花名册",), why)] if why else []


def _unknown_fills(template: Template, header: UnitHeader, source: Source) -> list[Problem]:
    fields = template.header.field_names()
    problems = []
    for name in header.fills:
        if name not in fields:
            problems.append(problem_at(
                source, ("填写", name),
                f"模板没有填写项“{name}”；{_hint(name, fields, '模板的填写项有')}", at_key=True))
    return problems


def _role_problems(template: Template, roster: UnitRoster) -> list[Problem]:
    declared = [r.name for r in template.header.roles]
    problems = []
    for person in roster.people:
        for role in person.roles:
            if role not in declared:
                problems.append(person.where.problem(
                    f"“{person.name}”的角色“{role}”模板中没有定义；"
                    f"{_hint(role, declared, '模板的角色有')}"))
    return problems


def _put_people(merged: CommentedMap, template: Template, roster: UnitRoster,
                source: Source) -> None:
    """The unit's roster, then any district people the template itself names."""
    key = "人员" if "人员" in source.data else "花名册"
    if key == "人员":
        people = source.data["人员"]
    else:
        people = CommentedSeq(CommentedMap(p.as_yaml()) for p in roster.people)
    own = {p.name for p in roster.people}
    for person in template.source.data.get("人员") or []:
        if isinstance(person, dict) and person.get("姓名") not in own:
            people.append(person)
    graft(merged, "人员", people, source.data, key, source.path)


def _find(merged: CommentedMap, ident: str) -> Slot | None:
    return next((slot for slot in slots(merged) if slot.id == ident), None)


def _no_such_id(source: Source, loc: tuple, ident: str, merged: CommentedMap) -> Problem:
    ids = [slot.id for slot in slots(merged)]
    return problem_at(source, loc, f"模板中没有编号为“{ident}”的内容；{_hint(ident, ids, '可用的编号')}",
                      at_key=True)


def _hint(name: str, known: list[str], listing: str) -> str:
    """"是否应为“X”？" for a near miss; otherwise every name that would do."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return f"是否应为“{close[0]}”？" if close else f"{listing}：{'、'.join(known)}"


def _apply_drops(merged: CommentedMap, template: Template, header: UnitHeader,
                 source: Source) -> list[Problem]:
    problems = []
    for ident, reason in header.drops.items():
        slot = _find(merged, ident)
        if slot is None:
            problems.append(_no_such_id(source, ("删除", ident), ident, merged))
            continue
        required = template.required_within(ident)
        if required and not (reason or "").strip():
            which = "、".join(required)
            problems.append(problem_at(source, ("删除", ident),
                                       f"“{title_of(slot.node) or ident}”含模板要求必备的内容（{which}），"
                                       "删除须写明说明，如 M05: 本校无寄宿生，不适用"))
            continue
        del slot.seq[slot.index]
    _prune_empty_blocks(merged.get("正文"))
    if "删除" in source.data:
        graft(merged, "删除", source.data["删除"], source.data, "删除", source.path)
    return problems


def _prune_empty_blocks(items) -> None:
    """A 工作措施 or 工作组 block whose every item was dropped goes too."""
    if not isinstance(items, list):
        return
    for index in reversed(range(len(items))):
        item = items[index]
        if not isinstance(item, dict):
            continue
        block = next((key for key in ITEM_KINDS if key in item), None)
        if block is not None and not item[block]:
            del items[index]
        else:
            _prune_empty_blocks(item.get("内容"))


def _apply_changes(merged: CommentedMap, header: UnitHeader, source: Source) -> list[Problem]:
    problems = []
    changes = source.data.get("修改") or {}
    for ident in header.changes:
        slot = _find(merged, ident)
        if slot is None:
            problems.append(_no_such_id(source, ("修改", ident), ident, merged))
            continue
        change = changes[ident]
        for key in change:
            if key == "编号":
                problems.append(problem_at(source, ("修改", ident, key), "编号不能修改"))
                continue
            graft(slot.node, key, change[key], change, key, source.path)
    return problems


def _apply_additions(merged: CommentedMap, template: Template, header: UnitHeader,
                     source: Source) -> list[Problem]:
    problems = []
    taken = set(template.slot_ids())
    for index, entry in enumerate(source.data.get("新增") or []):
        loc = ("新增", index)
        anchors = [key for key in ANCHORS if key in entry]
        if len(anchors) != 1:
            problems.append(problem_at(source, loc, "每项新增须写明位置：“之后: 编号”或“之前: 编号”"
                                       "（新增内容与该编号的内容同级）"))
            continue
        anchor = str(entry[anchors[0]]).strip()
        slot = _find(merged, anchor)
        if slot is None:
            problems.append(_no_such_id(source, loc + (anchors[0],), anchor, merged))
            continue
        ident = str(entry.get("编号", "")).strip()
        if ident and ident in taken:
            problems.append(problem_at(source, loc + ("编号",),
                                       f"编号“{ident}”已被模板或其他新增内容使用"))
            continue
        taken.add(ident)
        item = adopt(copy.deepcopy(entry), source.path)
        del item[anchors[0]]
        slot.seq.insert(slot.index + (1 if anchors[0] == "之后" else 0), item)
    return problems


def _fill(merged: Source, template: Template, header: UnitHeader, roster: UnitRoster,
          source: Source) -> tuple[list[Problem], bool]:
    """Every problem of filling the template, and whether any is more than a field left to
    fill (an unheld role leaves a placeholder where a person goes: the tree is not a document)."""
    problems = []
    fields = template.header.field_names()
    values: dict[str, str | None] = {f.name: f.default for f in template.header.fields}
    values.update(roster.fills)
    values.update(header.fills)
    values[UNIT_NAME_FIELD] = values.get(UNIT_NAME_FIELD) or header.unit
    holders = {r.name: [p.name for p in roster.holders(r.name)] for r in template.header.roles}
    filling = Filling({name: values.get(name) for name in fields}, holders)
    fill_placeholders(merged, filling)
    problems += filling.problems
    fix_fields = ("填写",) if "填写" in source.data else ()
    unfilled = []
    for name, loc in filling.unfilled.items():
        line = merged.locate(loc)
        unfilled.append(problem_at(source, fix_fields, f"未填写“{name}”（{line[0].name} 第 {line[1]} "
                                   f"行用到）：请在“填写”中写明 {name}: …"))
    problems += unfilled
    for role, loc in filling.unheld.items():
        line = merged.locate(loc)
        problems.append(roster.where.problem(
            f"角色“{role}”在“{roster.unit}”无人担任（{line[0].name} 第 {line[1]} 行用到）："
            "请在花名册中为相应人员填写这个角色，或在“修改”中改由他人负责"))
    for role in template.header.roles:
        if not filling.used_roles[role.name]:
            continue
        low, high = role.bounds()
        names = holders[role.name]
        if names and (len(names) < low or (high is not None and len(names) > high)):
            expected = role.count if role.count and not role.count.isdigit() else f"{low}"
            problems.append(roster.where.problem(
                f"角色“{role.name}”应有 {expected} 人，“{roster.unit}”的花名册中有 {len(names)} 人："
                f"{'、'.join(names)}"))
    return problems, len(problems) > len(unfilled)

