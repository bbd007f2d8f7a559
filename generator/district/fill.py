"""Fill a template's placeholders: 【值班电话】 with text, 【校医】 with the people holding that role.

A role written alone where a person goes (组长: 【主要负责人】) becomes those people's names; a
role inside text becomes their names joined by "、"."""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import Problem
from ..positions import problem_at
from ..schema import PERSON_KEYS
from ..source import ORIGIN, Source, adopt
from .template import PLACEHOLDER

SINGLE_PERSON_KEYS = ("组长", "主任", "责任领导")


@dataclass
class Filling:
    """What each placeholder stands for in one unit (or, for a preview, itself)."""

    values: dict[str, str | None]  # every fill-in field -> its text (None: not given)
    holders: dict[str, list[str]]  # every role -> names of the people holding it
    problems: list[Problem] = field(default_factory=list)
    used_roles: Counter = field(default_factory=Counter)
    unfilled: dict[str, tuple] = field(default_factory=dict)  # field -> first loc used
    unheld: dict[str, tuple] = field(default_factory=dict)  # role -> first loc used


def fill_placeholders(source: Source, filling: Filling) -> None:
    """Replace placeholders in place; problems and uses are recorded in `filling`."""
    _walk(source, source.data, (), filling)


def _walk(source: Source, node: Any, loc: tuple, filling: Filling) -> None:
    if isinstance(node, CommentedMap):
        for key in list(node):
            value = node[key]
            if key in PERSON_KEYS:
                node[key] = _people(source, value, loc + (key,), key, filling)
            elif isinstance(value, str):
                node[key] = _text(source, value, loc + (key,), filling)
            else:
                _walk(source, value, loc + (key,), filling)
        _once_per_group(node)
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            if isinstance(value, str):
                node[index] = _text(source, value, loc + (index,), filling)
            else:
                _walk(source, value, loc + (index,), filling)


def _text(source: Source, text: str, loc: tuple, filling: Filling) -> str:
    def replace(match) -> str:
        name = match.group(1)
        if name in filling.values:
            value = filling.values[name]
            if value is None:
                filling.unfilled.setdefault(name, loc)
                return match.group(0)
            return value
        if name in filling.holders:
            filling.used_roles[name] += 1
            names = filling.holders[name]
            if not names:
                filling.unheld.setdefault(name, loc)
                return match.group(0)
            return "、".join(names)
        filling.problems.append(problem_at(source, loc, _undefined(name, filling)))
        return match.group(0)

    return PLACEHOLDER.sub(replace, text)


def _people(source: Source, value: Any, loc: tuple, key: str, filling: Filling) -> Any:
    """A person field: a role placeholder becomes names; anything else is filled as text."""
    if isinstance(value, str):
        names = _role_names(source, value, loc, filling)
        if names is None:
            return _text(source, value, loc, filling)
        if key in SINGLE_PERSON_KEYS and len(names) > 1:
            filling.problems.append(problem_at(
                source, loc, f"“{key}”只能是一人，而角色{value}有 {len(names)} 人："
                f"{'、'.join(names)}。请在模板中改用更具体的角色，或在“修改”中指定一人"))
        if key in SINGLE_PERSON_KEYS or len(names) == 1:
            return names[0] if names else value
        return _names_seq([(name, None) for name in names], None)
    if isinstance(value, CommentedSeq):
        out: list[tuple[Any, int]] = []  # (item, original index) for positions
        for index, item in enumerate(value):
            names = _role_names(source, item, loc + (index,), filling) \
                if isinstance(item, str) else None
            if names is not None:
                out += [(name, index) for name in (names or [item])]
            elif isinstance(item, str):
                out.append((_text(source, item, loc + (index,), filling), index))
            else:
                _walk(source, item, loc + (index,), filling)
                out.append((item, index))
        return _names_seq(_unique(out), value)
    _walk(source, value, loc, filling)
    return value


GROUP_RANKS = ("组长", "副组长", "成员", "组员")


def repeats_in_group(fields: Iterable[tuple[str, Sequence]]) -> set[tuple[str, int]]:
    """(key, index) of each name a group lists again below its first, highest place. Roles
    may put one person in two places (the 副组长 is also the 宣传负责人 among the members)."""
    placed: set[str] = set()
    repeats: set[tuple[str, int]] = set()
    for key, items in fields:
        if key not in GROUP_RANKS:
            continue
        for index, item in enumerate(items):
            if isinstance(item, str):
                if item in placed:
                    repeats.add((key, index))
                placed.add(item)
    return repeats


def _once_per_group(group: CommentedMap) -> None:
    fields = [(key, group[key] if isinstance(group[key], CommentedSeq) else [group[key]])
              for key in GROUP_RANKS if key in group]
    for key, index in sorted(repeats_in_group(fields), reverse=True):
        if isinstance(group[key], CommentedSeq):
            del group[key][index]


def _role_names(source: Source, text: str, loc: tuple, filling: Filling) -> list[str] | None:
    """The holders' names if `text` is one role placeholder, else None."""
    match = PLACEHOLDER.fullmatch(text.strip())
    if match is None or match.group(1) not in filling.holders:
        return None
    role = match.group(1)
    filling.used_roles[role] += 1
    names = filling.holders[role]
    if not names:
        filling.unheld.setdefault(role, loc)
    return names


def _unique(items: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    seen: set[str] = set()
    out = []
    for item, index in items:
        if isinstance(item, str):
            if item in seen:
                continue
            seen.add(item)
        out.append((item, index))
    return out


def _names_seq(items: list[tuple[Any, int | None]], original: CommentedSeq | None) -> CommentedSeq:
    """A new list of (item, index of the entry it came from), keeping that entry's position."""
    seq = CommentedSeq()
    for new_index, (item, index) in enumerate(items):
        seq.append(item)
        if original is not None and index is not None:
            try:
                seq.lc.add_kv_line_col(new_index, list(original.lc.item(index)))
            except (KeyError, TypeError, IndexError):
                pass
    if original is not None:
        seq.lc.line, seq.lc.col = original.lc.line, original.lc.col
        if original.fa.flow_style():
            seq.fa.set_flow_style()
        origin = getattr(original, ORIGIN, None)
        if origin is not None:
            adopt(seq, origin)
    return seq


def _undefined(name: str, filling: Filling) -> str:
    known = [*filling.values, *filling.holders]
    message = f"未定义的占位符【{name}】：模板的“角色”和“填写项”中都没有“{name}”"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return message + (f"，是否应为【{close[0]}】？" if close else "")
