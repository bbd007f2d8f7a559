"""Read YAML keeping where every key and value stands, so errors can name line and column."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from .errors import Problem
from .yaml_in import (
    FORBIDDEN_IN_TEXT, UnreadableFile, YamlRefused, describe_char, load_yaml, read_yaml_text,
)


# A merged tree (a unit plan over its district template) holds nodes read from several files.
# A map or list copied from another file carries that file in ORIGIN; a map key whose value came
# from another file's map names that map in KEYS_FROM, so positions point where the text was written.
ORIGIN = "_gongwen_origin"
KEYS_FROM = "_gongwen_keys_from"


def adopt(node: Any, path: Path) -> Any:
    """Mark a map or list (and so everything under it) as written in `path`."""
    if isinstance(node, (CommentedMap, CommentedSeq)):
        setattr(node, ORIGIN, path)
    return node


def graft(parent: CommentedMap, key: Any, value: Any, written: CommentedMap, written_key: Any,
          path: Path) -> None:
    """parent[key] = value, reporting its position as that of `written[written_key]` in `path`."""
    parent[key] = adopt(value, path)
    redirects = getattr(parent, KEYS_FROM, None)
    if redirects is None:
        redirects = {}
        setattr(parent, KEYS_FROM, redirects)
    redirects[key] = (written, written_key, path)


@dataclass(frozen=True)
class Source:
    """A parsed YAML file (or a merged tree): plain data plus the positions of its nodes."""

    path: Path
    data: Any
    inputs: tuple[Path, ...] = ()  # other files the tree was built from (template, roster)

    def position(self, loc: tuple) -> tuple[int, int]:
        """(line, column), 1-based, of the deepest node of `loc` that exists."""
        _, line, col = self.locate(loc)
        return line, col

    def locate(self, loc: tuple) -> tuple[Path, int, int]:
        """(file, line, column) of the deepest node of `loc` that exists."""
        node = self.data
        path = getattr(node, ORIGIN, self.path)
        line, col = node.lc.line or 0, node.lc.col or 0
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                redirect = getattr(node, KEYS_FROM, {}).get(part)
                if redirect is not None:
                    where = _value_position(redirect[0], redirect[1])
                    path = redirect[2]
                else:
                    where = _value_position(node, part)
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                where = _item_position(node, part)
            else:
                break
            node = node[part]
            path = getattr(node, ORIGIN, path)
            if where is not None:
                line, col = where
        return path, line + 1, col + 1

    def locate_key(self, loc: tuple) -> tuple[Path, int, int]:
        """Position of the key named by the last element of `loc` (for unknown keys)."""
        parent = self._node(loc[:-1])
        if isinstance(parent, CommentedMap) and loc and loc[-1] in parent:
            path = self.locate(loc[:-1])[0]
            owner, key = parent, loc[-1]
            redirect = getattr(parent, KEYS_FROM, {}).get(key)
            if redirect is not None:
                owner, key, path = redirect
            try:
                line, col = owner.lc.key(key)
                return path, line + 1, col + 1
            except (KeyError, TypeError, IndexError):
                pass
        return self.locate(loc[:-1])

    def key_position(self, loc: tuple) -> tuple[int, int]:
        _, line, col = self.locate_key(loc)
        return line, col

    def _node(self, loc: tuple) -> Any:
        node = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _item_position(node: CommentedSeq, index: int) -> tuple[int, int] | None:
    child = node[index]
    if isinstance(child, (CommentedMap, CommentedSeq)) and child.lc.line is not None:
        return child.lc.line, child.lc.col  # survives items being inserted or removed
    try:
        return node.lc.item(index)
    except (KeyError, TypeError, IndexError):
        return None


def _value_position(node: CommentedMap, key: Any) -> tuple[int, int] | None:
    # An empty value has no position of its own (ruamel gives the next token's): use the key's.
    order = (node.lc.key,) if node.get(key) is None else (node.lc.value, node.lc.key)
    for where in order:
        try:
            return where(key)
        except (KeyError, TypeError, IndexError):
            continue
    return None


def read_source(path: Path, text: str | None = None) -> tuple[Source | None, list[Problem]]:
    """Parse one YAML file (or `text`, as if it were that file); a file refused, a syntax
    error or a control character in a value comes back as problems, never as an exception.
    Every YAML gongwen reads comes through here (generator.yaml_in bounds it)."""
    name = str(path)
    try:
        if text is None:
            text = read_yaml_text(path)
        data = load_yaml(text)
    except UnreadableFile as exc:
        return None, [Problem(name, None, None, "", str(exc))]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        reason = exc.problem if isinstance(exc, YamlRefused) else f"YAML 语法错误：{_yaml_reason(exc)}"
        return None, [Problem(name, line, col, "", reason)]
    if not isinstance(data, CommentedMap):
        return None, [Problem(name, 1, 1, "", "文件顶层应为“字段: 值”的映射（如 文种: 方案）")]
    source = Source(path, data)
    problems = control_character_problems(source)
    return (None, problems) if problems else (source, [])


def control_character_problems(source: Source) -> list[Problem]:
    """Every key or text value holding a character no document text may hold (written as an
    escape such as "\\x07" in a quoted value): it would split or corrupt a paragraph."""
    problems = []
    for loc, at_key, text in _texts(source.data, ()):
        match = FORBIDDEN_IN_TEXT.search(text)
        if match is None:
            continue
        path, line, col = source.locate_key(loc) if at_key else source.locate(loc)
        what = "字段名" if at_key else "文字"
        problems.append(Problem(
            str(path), line, col, field_path(loc, source.data),
            f"{what}的第 {match.start() + 1} 个字符是{describe_char(match.group())}，"
            "文字中不能有这种字符（请删去；需要分段时写成列表的几项）"))
    return problems


def _texts(node: Any, loc: tuple):
    """(location, is_key, text) of every text key and value under `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield loc + (key,), True, key
            yield from _texts(value, loc + (key,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, loc + (index,))
    elif isinstance(node, str):
        yield loc, False, node


def field_path(loc: tuple, data: Any = None) -> str:
    """("正文", 2, "内容", 0) -> 正文[3].内容[1]: 1-based items, as writers count them.
    Given the tree, items with a 编号 show it: 工作措施[2]（M02）."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
        try:
            node = node[part] if node is not None else None
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and isinstance(node, dict) and node.get("编号"):
            out += f"（{node['编号']}）"
    return out


def _yaml_reason(exc: MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    known = {
        "found duplicate key": "同一层级出现重复的字段名",
        "mapping values are not allowed here": "此处不能出现“:”（冒号后需有空格，或值中含冒号时加引号）",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
        "could not find expected ':'": "缺少“:”",
        "expected <block end>, but found": "缩进不一致",
        "expected ',' or ']'": "方括号“[ ]”没有成对（文字以“[”开头时须加引号）",
        "expected ',' or '}'": "花括号“{ }”没有成对（文字以“{”开头时须加引号）",
    }
    for english, chinese in known.items():
        if problem.startswith(english) or english in str(exc):
            return chinese
    return problem or str(exc).splitlines()[0]
