"""Read YAML keeping where every key and value stands, so errors can name line and column."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from .errors import Problem


class _TextDatesConstructor(RoundTripConstructor):
    """Keep YAML timestamps as text: our date rule parses them with a Chinese error."""


_TextDatesConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextDatesConstructor
    return yaml


@dataclass(frozen=True)
class Source:
    """A parsed YAML file: plain data plus the positions of its nodes."""

    path: Path
    data: Any

    def position(self, loc: tuple) -> tuple[int, int]:
        """(line, column), 1-based, of the deepest node of `loc` that exists."""
        node = self.data
        line, col = node.lc.line, node.lc.col
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line, col = _value_position(node, part)
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line, col = node.lc.item(part)
            else:
                break
            node = node[part]
        return line + 1, col + 1

    def key_position(self, loc: tuple) -> tuple[int, int]:
        """Position of the key named by the last element of `loc` (for unknown keys)."""
        parent = self._node(loc[:-1])
        if isinstance(parent, CommentedMap) and loc and loc[-1] in parent:
            line, col = parent.lc.key(loc[-1])
            return line + 1, col + 1
        return self.position(loc[:-1])

    def _node(self, loc: tuple) -> Any:
        node = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _value_position(node: CommentedMap, key: Any) -> tuple[int, int]:
    try:
        return node.lc.value(key)
    except (KeyError, TypeError, IndexError):
        return node.lc.key(key)


def read_source(path: Path) -> tuple[Source | None, list[Problem]]:
    """Parse one YAML file; syntax errors come back as problems, never as exceptions."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, None, None, "", "文件不存在")]
    except UnicodeDecodeError:
        return None, [Problem(name, None, None, "", "文件不是 UTF-8 编码，请另存为 UTF-8")]
    except OSError as exc:
        return None, [Problem(name, None, None, "", f"无法读取文件：{exc.strerror}")]
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(name, line, col, "", f"YAML 语法错误：{_yaml_reason(exc)}")]
    if not isinstance(data, CommentedMap):
        return None, [Problem(name, 1, 1, "", "文件顶层应为“字段: 值”的映射（如 文种: 方案）")]
    return Source(path, data), []


def _yaml_reason(exc: MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    known = {
        "found duplicate key": "同一层级出现重复的字段名",
        "mapping values are not allowed here": "此处不能出现“:”（冒号后需有空格，或值中含冒号时加引号）",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
        "could not find expected ':'": "缺少“:”",
        "expected <block end>, but found": "缩进不一致",
    }
    for english, chinese in known.items():
        if problem.startswith(english) or english in str(exc):
            return chinese
    return problem or str(exc).splitlines()[0]
