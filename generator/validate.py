"""A resolved YAML tree -> validated DocumentSpec, or every problem found, in Chinese, with
positions. Knows nothing of where the tree came from (generator.load reads and resolves it)."""
from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError

from .check.rules import RULES, Severity
from .errors import Problem
from .kinds import FORMAT_FIELDS, KindFacts, kind_issues
from .positions import describe_error, problem_at
from .schema import (
    PERSON_KEYS, UNION_TAG_PREFIX, DocumentSpec, LeadingGroupItem, MeasuresItem, Role, Section,
    TableCell, TableItem, WorkingGroupsItem,
)
from .source import Source, field_path

_TAGGED_MODELS: dict[str, type[BaseModel]] = {
    "tag:role": Role, "tag:section": Section, "tag:leading_group": LeadingGroupItem,
    "tag:working_groups": WorkingGroupsItem, "tag:measures": MeasuresItem,
    "tag:table": TableItem, "tag:merged": TableCell,
}


@dataclass(frozen=True)
class Loaded:
    """A validated document and the validated documents it attaches, in order."""

    path: Path
    spec: DocumentSpec
    attached: dict[int, "Loaded"] = field(default_factory=dict)  # attachment index -> doc
    inputs: tuple[Path, ...] = ()  # the template and roster files a unit plan was built from
    warnings: tuple[Problem, ...] = ()  # not wrong, but worth a look (a writer's title lines)
    facts: KindFacts | None = None  # what generator.kinds' rules look at

    @property
    def all_warnings(self) -> list[Problem]:
        """This document's warnings and those of the documents it attaches."""
        return [*self.warnings, *(w for child in self.attached.values() for w in child.all_warnings)]


def validate_document(source: Source) -> tuple[DocumentSpec | None, list[Problem]]:
    """The document a resolved tree states, or None and every problem found, by position."""
    found = _roster_problems(source)
    spec = None
    try:
        spec = DocumentSpec.model_validate(source.data)
    except ValidationError as exc:
        found.extend(_translate(source, error) for error in exc.errors())
    if spec is not None:
        found.extend(kind_problems(source, spec, blocking=True))
    found.sort(key=lambda p: (p.line or 0, p.column or 0))
    return (None if found else spec), found


def kind_problems(source: Source, spec: DocumentSpec, blocking: bool) -> list[Problem]:
    """What the document's 文种 asks of it (generator.kinds): the errors, which stop
    generation, or (`blocking` False) the warnings."""
    out = []
    for issue in kind_issues(spec_facts(source, spec)):
        if (RULES[issue.rule].severity is Severity.ERROR) is blocking:
            message = f"{'' if blocking else '警告：'}{issue.said}；{issue.fix}"
            # a field the 文种 asks for and the writer left out is said at the 文种
            at = (issue.field,) if not issue.missing and issue.field in source.data else ("文种",)
            out.append(replace(problem_at(source, at, message), rule=issue.rule))
    return out


def spec_facts(source: Source, spec: DocumentSpec) -> KindFacts:
    return KindFacts(kind=spec.kind, title=spec.title, recipients=tuple(spec.recipients),
                     body="".join(_strings(source.data.get("正文"))), note=spec.note or "",
                     masthead=spec.mark is not None, signer=spec.signer,
                     asked_format=spec.format_name,
                     fields=tuple(k for k in (*FORMAT_FIELDS, "印发机关") if k in source.data))


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# ---- pydantic errors -> Chinese ------------------------------------------------------

def _translate(source: Source, error: dict) -> Problem:
    loc = tuple(p for p in error["loc"] if not str(p).startswith(UNION_TAG_PREFIX))
    loc += tuple((error.get("ctx") or {}).get("at", ()))  # a place inside the value (a table's row)
    kind = error["type"]
    if kind == "extra_forbidden":
        path, line, col = source.locate_key(loc)
        message = f"未知字段“{loc[-1]}”"
        suggestion = _suggest_key(error["loc"][:-1], str(loc[-1]))
        if suggestion:
            message += f"，是否应为“{suggestion}”？"
        else:
            allowed = "、".join(_allowed_keys(error["loc"][:-1])) or "（无）"
            message += f"；此处可用的字段：{allowed}"
        return Problem(str(path), line, col, field_path(loc, source.data), message)
    return problem_at(source, loc, describe_error(error))


def _model_at(raw_loc: tuple) -> type[BaseModel] | None:
    """The model class that a pydantic error location (tags included) points into."""
    current: Any = DocumentSpec
    for part in raw_loc:
        if isinstance(part, str) and part in _TAGGED_MODELS:
            current = _TAGGED_MODELS[part]
            continue
        if isinstance(part, str) and part.startswith(UNION_TAG_PREFIX):
            continue
        model = _as_model(current)
        if isinstance(part, int):
            current = _list_item(current)
        elif model is not None:
            info = next((f for name, f in model.model_fields.items()
                         if part in (name, f.alias)), None)
            if info is None:
                return None
            current = info.annotation
        else:
            return None
    return _as_model(current)


def _as_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _list_item(annotation: Any) -> Any:
    for candidate in _unwrap(annotation):
        if typing.get_origin(candidate) is list:
            return typing.get_args(candidate)[0]
    return annotation


def _unwrap(annotation: Any) -> Iterator[Any]:
    """The annotation itself and what Annotated/Optional/Union wrap."""
    yield annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _unwrap(typing.get_args(annotation)[0])
    elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in typing.get_args(annotation):
            yield from _unwrap(arg)


def _allowed_keys(raw_loc: tuple) -> list[str]:
    model = _model_at(raw_loc)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _suggest_key(raw_loc: tuple, key: str) -> str | None:
    allowed = _allowed_keys(raw_loc)
    english = {name: (f.alias or name) for name, f in (_model_at(raw_loc) or DocumentSpec)
               .model_fields.items()} if allowed else {}
    if key in english:
        return english[key]
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.4)
    if close:
        return close[0]
    # A one-character slip in a two-character key scores 0.5; also try by shared characters.
    shared = [k for k in allowed if len(set(k) & set(key)) >= max(1, min(len(k), len(key)) - 1)]
    return shared[0] if len(shared) == 1 else None


# ---- the roster ---------------------------------------------------------------------


def _roster_problems(source: Source) -> list[Problem]:
    """Names that are not in 人员, checked on the raw tree so they show even when
    other fields are wrong."""
    problems: list[Problem] = []
    names: list[str] = []
    people = source.data.get("人员")
    for index, person in enumerate(people if isinstance(people, list) else []):
        name = person.get("姓名") if isinstance(person, dict) else None
        if isinstance(name, str):
            if name.strip() in names:
                problems.append(problem_at(source, ("人员", index, "姓名"),
                                         f"“{name}”在人员名单中重复出现"))
            elif written := _POST_IN_BRACKETS.match(name.strip()):
                problems.append(problem_at(
                    source, ("人员", index, "姓名"),
                    f"姓名中不写职务：请写成 {{姓名: {written['name']}, 职务: {written['post']}}}"))
            names.append(name.strip())
    for loc, name in _named_people(source.data.get("正文"), ("正文",)):
        if name not in names:
            problems.append(problem_at(source, loc, _not_in_roster(name, names)))
    return problems


# "潘国栋（镇武装部部长）", "潘国栋(部长)": a name with the post written after it
_POST_IN_BRACKETS = re.compile(r"^(?P<name>[^（）()、，,\s]{1,8})\s*[（(](?P<post>[^（）()]+)[）)]$")


def _not_in_roster(name: str, names: list[str]) -> str:
    message = f"“{name}”不在“人员”名单中。"
    written = _POST_IN_BRACKETS.match(name)
    if written:
        bare, post = written["name"], written["post"]
        close = difflib.get_close_matches(bare, names, n=1, cutoff=0.5)
        if bare in names:
            return message + f"请写成“{bare}”，职务写在人员名单的“职务”中"
        if close:
            return message + (f"是否应为“{close[0]}”？姓名后不写职务，"
                              "职务写在人员名单的“职务”中")
        return message + (f"姓名后不写职务：请写成“{bare}”，并在“人员”中加入 "
                          f"{{姓名: {bare}, 职务: {post}}}；如为角色或群体，请写作 {{角色: …}}")
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    if close:
        message += f"是否应为“{close[0]}”？"
    return message + "如为角色或群体（如 各科室负责人），请写作 {角色: …}"


def _named_people(node: Any, loc: tuple) -> Iterator[tuple[tuple, str]]:
    """(location, name) of every person named by text under a person key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in PERSON_KEYS:
                if isinstance(value, str):
                    yield loc + (key,), value.strip()
                elif isinstance(value, list):
                    for index, item in enumerate(value):
                        if isinstance(item, str):
                            yield loc + (key, index), item.strip()
            else:
                yield from _named_people(value, loc + (key,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _named_people(item, loc + (index,))
