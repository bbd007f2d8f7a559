"""Problems located in a YAML tree, and pydantic's errors in Chinese.

The bottom of the loading stages: reading (source), resolving (district 继承, rosters,
attachments) and validating all name their problems through here, and this module imports
none of them."""
from __future__ import annotations

from typing import Any

from .errors import Problem
from .source import Source, field_path


def problem_at(source: Source, loc: tuple, message: str, at_key: bool = False) -> Problem:
    """A problem at `loc` (its value, or with `at_key` its key), located in whichever file
    wrote that part of the tree."""
    path, line, col = source.locate_key(loc) if at_key else source.locate(loc)
    return Problem(str(path), line, col, field_path(loc, source.data), message)


def describe_error(error: dict) -> str:
    """One pydantic error as what was expected, in Chinese."""
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
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"应为整数，实际为{got}"
    if kind == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')}，实际为{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"应为 true 或 false，实际为{got}"
    if kind in ("float_type", "float_parsing"):
        return f"应为数字，实际为{got}"
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
