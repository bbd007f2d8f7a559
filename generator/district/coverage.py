"""Coverage: how a unit's plan compares with its district template, item by item.

Items are matched by their 编号, then (for items a unit wrote without one) by text similarity.
Each template item is kept, changed (with a word-level diff), or dropped with or without a
reason; a required item dropped without a reason is a violation. Unit items the template does
not have are added. For every role of the template: who fills it in the unit."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..schema import (
    DocumentSpec, Measure, MeasuresItem, Role, Section, WorkingGroup, WorkingGroupsItem,
)
from .fill import repeats_in_group
from .template import PLACEHOLDER, SECTION, Template
from .worddiff import Op, word_diff

KEPT, CHANGED, ADDED, DROPPED, MISSING = "保留", "修改", "新增", "删除（有说明）", "删除（无说明）"
SIMILAR_ENOUGH = 0.6


@dataclass(frozen=True)
class PlanItem:
    """One section, working group or measure, as comparable text and people."""

    id: str
    kind: str
    title: str
    text: str
    people: tuple[tuple[str, tuple[str, ...]], ...]  # (field, names or role texts)
    parent: str | None


@dataclass(frozen=True)
class ItemResult:
    id: str
    kind: str
    title: str
    required: bool
    status: str
    reason: str = ""
    diff: tuple[Op, ...] = ()
    people_changes: tuple[str, ...] = ()
    matched_by: str = ""  # "编号" or "相似度 0.83"

    @property
    def violation(self) -> bool:
        return self.required and self.status == MISSING

    @property
    def label(self) -> str:
        """The result as reports show it."""
        return "缺失（违规）" if self.violation else self.status


@dataclass(frozen=True)
class RoleResult:
    role: str
    description: str
    holders: tuple[tuple[str, str], ...]  # (name, post)
    known: bool  # False when the plan does not say who holds which role


@dataclass(frozen=True)
class UnitCoverage:
    path: Path
    unit: str
    title: str
    items: tuple[ItemResult, ...]
    roles: tuple[RoleResult, ...]

    @property
    def violations(self) -> list[ItemResult]:
        return [item for item in self.items if item.violation]

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)


@dataclass(frozen=True)
class CoverageReport:
    template: Path
    template_name: str
    version: str | None
    units: tuple[UnitCoverage, ...] = field(default_factory=tuple)

    @property
    def violations(self) -> int:
        return sum(len(u.violations) for u in self.units)


# ---- items of a validated document --------------------------------------------------

def plan_items(spec: DocumentSpec) -> list[PlanItem]:
    out: list[PlanItem] = []
    _collect(spec.sections, None, out)
    return out


def _collect(items: list, parent: str | None, out: list[PlanItem]) -> None:
    for item in items:
        if isinstance(item, Section):
            own = item.content if isinstance(item.content, str) else ""
            out.append(PlanItem(item.id or "", SECTION, item.title,
                                _join(item.title, own), (), parent))
            if isinstance(item.content, list):
                _collect(item.content, item.id or parent, out)
        elif isinstance(item, WorkingGroupsItem):
            out += [_group(group, parent) for group in item.working_groups]
        elif isinstance(item, MeasuresItem):
            out += [_measure(measure, parent) for measure in item.measures]


def _group(group: WorkingGroup, parent: str | None) -> PlanItem:
    text = _join(group.name, "；".join(group.duties))
    if group.department:
        text += f"（由{group.department}负责）"
    people = (("组长", _names([group.leader] if group.leader else [])),
              ("副组长", _names(group.deputies)), ("组员", _names(group.members)))
    return PlanItem(group.id or "", "工作组", group.name, text, people, parent)


def _measure(measure: Measure, parent: str | None) -> PlanItem:
    text = _join(measure.title, "".join(measure.content))
    if measure.deadline:
        text += f"（完成时限：{measure.deadline}）"
    people = (("责任领导", _names([measure.leader])), ("责任人", _names(measure.doers)))
    return PlanItem(measure.id or "", "措施", measure.title, text, people, parent)


def _names(refs: list) -> tuple[str, ...]:
    return tuple(ref.role if isinstance(ref, Role) else ref for ref in refs)


def _join(title: str, text: str) -> str:
    return f"{title}。{text}" if text else title


# ---- comparing ------------------------------------------------------------------------

def compare(template: Template, template_spec: DocumentSpec, unit_spec: DocumentSpec,
            path: Path) -> UnitCoverage:
    wanted = plan_items(template_spec)
    found = plan_items(unit_spec)
    pairs, unmatched = _match(wanted, found)
    holders = _holders(unit_spec)
    fills = _learn_fills(pairs, holders)
    results: list[ItemResult] = []
    paired = {id(t): (u, how) for t, u, how in pairs}
    parents = {t.id: t.parent for t in wanted}
    for item in wanted:
        required = item.id in template.required
        if id(item) in paired:
            unit_item, how = paired[id(item)]
            results.append(_judge(item, unit_item, how, required, holders, fills))
        else:
            reason = _reason(item, parents, unit_spec.drops)
            results.append(ItemResult(item.id, item.kind, item.title, required,
                                      DROPPED if reason else MISSING, reason))
    results += [ItemResult(u.id, u.kind, u.title, False, ADDED) for u in unmatched]
    return UnitCoverage(path, unit_spec.organ, "".join(unit_spec.title.split()),
                        tuple(results), _roles(template, unit_spec))


def _match(wanted: list[PlanItem], found: list[PlanItem]):
    """(template item, unit item, how) pairs by id, then by similarity; and unit leftovers."""
    template_ids = {t.id for t in wanted}
    by_id = {u.id: u for u in found if u.id}
    pairs = [(t, by_id[t.id], "编号") for t in wanted
             if t.id in by_id and by_id[t.id].kind == t.kind]
    left_wanted = [t for t in wanted if not any(t is p[0] for p in pairs)]
    left_found = [u for u in found
                  if u.id not in template_ids and not any(u is p[1] for p in pairs)]
    scored = sorted(((_similarity(t, u), n, m) for n, t in enumerate(left_wanted)
                     for m, u in enumerate(left_found) if t.kind == u.kind), reverse=True)
    taken_t: set[int] = set()
    taken_u: set[int] = set()
    for score, n, m in scored:
        if score < SIMILAR_ENOUGH:
            break
        if n not in taken_t and m not in taken_u:
            taken_t.add(n)
            taken_u.add(m)
            pairs.append((left_wanted[n], left_found[m], f"相似度 {score:.2f}"))
    unmatched = [u for u in found if not any(u is p[1] for p in pairs)]
    return pairs, unmatched


def _similarity(template_item: PlanItem, unit_item: PlanItem) -> float:
    a = PLACEHOLDER.sub("", template_item.text)
    return difflib.SequenceMatcher(None, a, unit_item.text, autojunk=False).ratio()


def _holders(spec: DocumentSpec) -> dict[str, list[str]] | None:
    """Role -> names in the unit's plan; None when its people carry no roles at all."""
    if not any(person.roles for person in spec.people):
        return None
    out: dict[str, list[str]] = {}
    for person in spec.people:
        for role in person.roles:
            out.setdefault(role, []).append(person.name)
    return out


def _pattern(text: str) -> tuple[re.Pattern, list[str]]:
    """A regex where each placeholder matches any text, and the placeholders in order."""
    names = PLACEHOLDER.findall(text)
    parts = PLACEHOLDER.split(text)  # literal, name, literal, name, ...
    regex = "".join(re.escape(part) if i % 2 == 0 else "(.+?)" for i, part in enumerate(parts))
    return re.compile(regex, re.S), names


def _learn_fills(pairs, holders) -> dict[str, str]:
    """What each placeholder became in this unit, read from the items that match the template."""
    fills: dict[str, str] = {}
    for role, names in (holders or {}).items():
        fills[role] = "、".join(names)
    for template_item, unit_item, _ in pairs:
        pattern, names = _pattern(template_item.text)
        match = pattern.fullmatch(unit_item.text)
        if match:
            for name, value in zip(names, match.groups()):
                fills.setdefault(name, value)
    return fills


def _judge(item: PlanItem, unit_item: PlanItem, how: str, required: bool,
           holders: dict[str, list[str]] | None, fills: dict[str, str]) -> ItemResult:
    pattern, _ = _pattern(item.text)
    diff: tuple[Op, ...] = ()
    if not pattern.fullmatch(unit_item.text):
        expected = PLACEHOLDER.sub(lambda m: fills.get(m.group(1), m.group(0)), item.text)
        diff = tuple(word_diff(expected, unit_item.text))
    changes = tuple(_people_changes(item, unit_item, holders))
    status = CHANGED if diff or changes else KEPT
    return ItemResult(item.id, item.kind, unit_item.title, required, status,
                      diff=diff, people_changes=changes, matched_by=how)


def _people_changes(item: PlanItem, unit_item: PlanItem,
                    holders: dict[str, list[str]] | None) -> list[str]:
    got = dict(unit_item.people)
    expected: dict[str, list[str]] = {}
    for key, refs in item.people:
        names: list[str] = []
        for ref in refs:
            match = PLACEHOLDER.fullmatch(ref)
            if match is None:
                names.append(ref)
            elif holders is None:
                names.append(ref)  # unknown: anyone will do
            else:
                names += holders.get(match.group(1), [])
        expected[key] = names
    expected = {key: list(dict.fromkeys(names)) for key, names in expected.items()}
    repeats = repeats_in_group(expected.items())  # as the plan was filled
    changes = []
    for key, names in expected.items():
        want = [n for index, n in enumerate(names) if (key, index) not in repeats]
        have = list(got.get(key, ()))
        if holders is None:
            fixed = [n for n in want if not PLACEHOLDER.fullmatch(n)]
            if set(fixed) <= set(have):
                continue
        elif set(want) == set(have):
            continue
        changes.append(f"{key}：{'、'.join(want) or '（无）'} → {'、'.join(have) or '（无）'}")
    return changes


def _reason(item: PlanItem, parents: dict[str, str | None], drops: dict[str, str]) -> str:
    """The unit's reason for dropping this item, or the item that contained it."""
    ident: str | None = item.id
    while ident:
        if drops.get(ident):
            return drops[ident] if ident == item.id else f"随 {ident} 删除：{drops[ident]}"
        ident = parents.get(ident)
    return ""


def _roles(template: Template, spec: DocumentSpec) -> tuple[RoleResult, ...]:
    known = any(person.roles for person in spec.people)
    return tuple(
        RoleResult(role.name, role.description,
                   tuple((p.name, p.post) for p in spec.people if role.name in p.roles), known)
        for role in template.header.roles
    )
