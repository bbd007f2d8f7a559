"""YAML file -> validated DocumentSpec, or every problem found, in Chinese, with positions."""
from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError

from .access import refused_reference
from .errors import InputError, Problem
from .schema import (
    UNION_TAG_PREFIX, DocumentSpec, LeadingGroupItem, MeasuresItem, Role, Section,
    WorkingGroupsItem,
)
from .source import Source, field_path, read_source
from .titles import written_line_issues

_TAGGED_MODELS: dict[str, type[BaseModel]] = {
    "tag:role": Role, "tag:section": Section, "tag:leading_group": LeadingGroupItem,
    "tag:working_groups": WorkingGroupsItem, "tag:measures": MeasuresItem,
}


@dataclass(frozen=True)
class Loaded:
    """A validated document and the validated documents it attaches, in order."""

    path: Path
    spec: DocumentSpec
    attached: dict[int, "Loaded"] = field(default_factory=dict)  # attachment index -> doc
    inputs: tuple[Path, ...] = ()  # the template and roster files a unit plan was built from
    warnings: tuple[Problem, ...] = ()  # not wrong, but worth a look (a writer's title lines)


def load_document(path: Path | str, text: str | None = None) -> Loaded:
    """Validate `path` (or `text` as if written there) and every document it attaches;
    raise InputError with all problems."""
    problems: list[Problem] = []
    loaded = _load(Path(path), problems, stack=(), text=text)
    if problems or loaded is None:
        raise InputError(problems)
    return loaded


def _load(path: Path, problems: list[Problem], stack: tuple[Path, ...],
          text: str | None = None) -> Loaded | None:
    source, found = read_source(path, text)
    problems.extend(found)
    if source is None:
        return None
    source, found = _expand(source)
    problems.extend(found)
    if source is None:
        return None
    found = _roster_problems(source)
    try:
        spec = DocumentSpec.model_validate(source.data)
    except ValidationError as exc:
        found.extend(_translate(source, error) for error in exc.errors())
    problems.extend(sorted(found, key=lambda p: (p.line or 0, p.column or 0)))
    if found:
        return None
    attached: dict[int, Loaded] = {}
    for index, attachment in enumerate(spec.attachments):
        if attachment.document is None:
            continue
        loc = ("附件", index, "文档")
        target = (path.parent / attachment.document).resolve()
        refused = refused_reference(target, attachment.document, "附件文档")
        if refused:
            problems.append(problem_at(source, loc, refused))
        elif target in stack or target == path.resolve():
            problems.append(problem_at(source, loc, "附件文档引用了自身（循环引用）"))
        elif not target.is_file():
            problems.append(problem_at(source, loc, f"找不到附件文档“{attachment.document}”"
                                     "（路径相对于本文件所在目录）"))
        else:
            child = _load(target, problems, stack + (path.resolve(),))
            if child is not None:
                attached[index] = child
    warnings = tuple(problem_at(source, ("标题",), f"警告：{issue.message}；建议{issue.fix}")
                     for issue in written_line_issues(spec.title))
    return Loaded(path, spec, attached, source.inputs, warnings)


def _expand(source: Source) -> tuple[Source | None, list[Problem]]:
    """A unit plan (继承) becomes its full tree; a template becomes its preview."""
    from .district.template import is_template
    from .district.unit import is_unit_plan, preview_template, resolve_unit

    if is_unit_plan(source.data):
        return resolve_unit(source)
    if is_template(source.data):
        return preview_template(source)
    return source, []


def problem_at(source: Source, loc: tuple, message: str, at_key: bool = False) -> Problem:
    """A problem at `loc` (its value, or with `at_key` its key), located in whichever file
    wrote that part of the tree."""
    path, line, col = source.locate_key(loc) if at_key else source.locate(loc)
    return Problem(str(path), line, col, field_path(loc, source.data), message)


# ---- pydantic errors -> Chinese ------------------------------------------------------

def _translate(source: Source, error: dict) -> Problem:
    loc = tuple(p for p in error["loc"] if not str(p).startswith(UNION_TAG_PREFIX))
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


def describe_error(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    got = _describe(error.get("input"))
    if kind == "missing":
        return "缺少必填字段"
    if kind in ("string_type", "string_sub_type"):
        return f"应为文本，实际为{got}"
    if kind == "list_type":
        return f"应为列表（每项一行，以“- ”开头），实际为{got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"应为“字段: 值”的映射，实际为{got}"
    if kind == "too_short":
        if isinstance(error.get("input"), str):
            return "不能为空"
        return f"列表不能为空，至少需要 {ctx.get('min_length', 1)} 项"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        expected = expected.replace(" or ", "、").replace(", ", "、")
        return f"应为以下之一：{expected}；实际为{got}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind == "union_tag_invalid":
        return f"取值形式不对，实际为{got}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return "日期应写作 2020-02-19 或 2020年2月19日"
    if kind == "frozen_instance":
        return "不可修改"
    return f"取值无效（{error['msg']}）"


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文本“{value[:20]}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


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

PERSON_KEYS = ("组长", "副组长", "成员", "组员", "主任", "责任领导", "责任人")


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
            names.append(name.strip())
    for loc, name in _named_people(source.data.get("正文"), ("正文",)):
        if name not in names:
            message = f"“{name}”不在“人员”名单中。"
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
            if close:
                message += f"是否应为“{close[0]}”？"
            message += "如为角色或群体（如 各科室负责人），请写作 {角色: …}"
            problems.append(problem_at(source, loc, message))
    return problems


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
