"""Reading YAML that may be hostile: every YAML file gongwen reads comes through here (bounded
in size, nesting and expanded aliases, no raw control characters, regular files only), so a bad
file is a Chinese message with its line and column, never a traceback or an exhausted machine."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, StreamMark, YAMLError
from ruamel.yaml.events import AliasEvent

from .errors import GongwenError
from .limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES


class UnreadableFile(GongwenError):
    """A file that is not read at all (missing, not a regular file, too large, not UTF-8)."""


class YamlRefused(MarkedYAMLError):
    """YAML refused before it became data: `problem` is the Chinese reason, `problem_mark`
    where (0-based line and column). A MarkedYAMLError, so every caller that reports syntax
    errors reports these too."""

    def __init__(self, problem: str, mark: StreamMark | None):
        super().__init__(problem=problem, problem_mark=mark)


# ---- the file --------------------------------------------------------------------------

_KINDS = ((stat.S_ISDIR, "文件夹"), (stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "字符设备"),
          (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字"))


def not_regular_reason(mode: int) -> str | None:
    """Why a file of this st_mode is not read ("是命名管道，不是普通文件"), or None."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "特殊文件")
    return f"是{kind}，不是普通文件，不读取"


def read_bytes_bounded(path: Path, limit: int = MAX_YAML_BYTES, what: str = "YAML 文件") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnreadableFile (Chinese) otherwise.
    A FIFO or device is refused from its stat, never opened for reading in a way that blocks."""
    try:
        reason = not_regular_reason(os.stat(path).st_mode)
        if reason:
            raise UnreadableFile(reason)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("文件不存在") from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件：{_os_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        reason = not_regular_reason(info.st_mode)  # replaced between stat and open
        if reason:
            raise UnreadableFile(reason)
        if info.st_size > limit:
            raise UnreadableFile(_too_large(what, limit))
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件：{_os_reason(exc)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnreadableFile(_too_large(what, limit))
    return data


def _too_large(what: str, limit: int) -> str:
    return f"{what}超过 {limit // (1024 * 1024)} MB，不读取（公文的 YAML 通常只有几十 KB）"


def _os_reason(exc: OSError) -> str:
    from .errors import os_reason

    return os_reason(exc)


def read_yaml_text(path: Path) -> str:
    """The text of a YAML file: bounded, regular, UTF-8 (a BOM is dropped)."""
    data = read_bytes_bounded(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UnreadableFile(f"第 {line} 行不是 UTF-8 编码，请将文件另存为 UTF-8") from None


# ---- characters --------------------------------------------------------------------------

# Never in text: C0 controls but tab and line feed, DEL, C1 controls, the line and paragraph
# separators (Word breaks the paragraph there), surrogates and the non-characters U+FFFE/FFFF.
# Raw in a file, carriage return is also allowed (Windows line ends).
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_FORBIDDEN_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
                            "\ufffe\uffff]")
_CHAR_NAMES = {0x00: "空字符", 0x07: "响铃符", 0x08: "退格符", 0x0B: "垂直制表符", 0x0C: "换页符",
               0x0D: "回车符", 0x1B: "转义符", 0x7F: "删除符", 0x85: "下一行符",
               0x2028: "行分隔符", 0x2029: "段分隔符"}


def describe_char(char: str) -> str:
    """'\\x07' -> 控制字符 U+0007（响铃符）"""
    code = ord(char)
    name = _CHAR_NAMES.get(code)
    kind = "代理码位" if 0xD800 <= code <= 0xDFFF else "非字符" if code >= 0xFFFE else "控制字符"
    return f"{kind} U+{code:04X}" + (f"（{name}）" if name else "")


def refuse_raw_controls(text: str, name: str = "") -> None:
    """YamlRefused at the first character no YAML text may hold (ruamel's ReaderError would
    give a position only)."""
    match = _FORBIDDEN_RAW.search(text)
    if match is None:
        return
    index = match.start()
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    raise YamlRefused(f"文件中有不可见的{describe_char(match.group())}，请删去它"
                      "（需要换行时直接换行）", StreamMark(name, index, line, column))


# ---- composing, bounded ------------------------------------------------------------------

class _BoundedComposer(Composer):
    """Counts nodes as they are composed, each alias as the whole tree it stands for, and the
    nesting depth, aliases included: a hostile file stops at the limit, before any large
    structure (or deep recursion) exists."""

    def compose_document(self) -> Any:
        self.warn_double_anchors = False  # an anchor given twice is legal YAML; no warning
        self._nodes = 0
        self._depth = 0
        self._deepest = 0
        self._weights: dict[int, tuple[int, int]] = {}  # id(anchored node) -> (nodes, height)
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                weight = self._weights.get(id(target))
                if weight is None:
                    raise YamlRefused(f"别名“*{event.anchor}”引用了包含它自身的内容（循环引用）",
                                      event.start_mark)
                self._count(weight[0], event.start_mark)
                self._reach(self._depth + weight[1], event.start_mark)
            return super().compose_node(parent, index)
        event = self.parser.peek_event()
        self._depth += 1
        self._reach(self._depth, event.start_mark)
        before, outer_deepest = self._nodes, self._deepest
        self._count(1, event.start_mark)
        self._deepest = self._depth
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if getattr(node, "anchor", None) is not None:
            self._weights[id(node)] = (self._nodes - before, self._deepest - self._depth)
        self._deepest = max(self._deepest, outer_deepest)
        return node

    def _count(self, nodes: int, mark: StreamMark) -> None:
        self._nodes += nodes
        if self._nodes > MAX_YAML_NODES:
            raise YamlRefused(f"内容过多：展开别名（*…）后超过 {MAX_YAML_NODES:,} 项，"
                              "不读取（可能是恶意的“别名炸弹”）", mark)

    def _reach(self, depth: int, mark: StreamMark) -> None:
        self._deepest = max(self._deepest, depth)
        if depth > MAX_YAML_DEPTH:
            raise YamlRefused(f"嵌套过深：超过 {MAX_YAML_DEPTH} 层（列表、映射套列表、映射），"
                              "不读取", mark)


class _Constructor(RoundTripConstructor):
    """Timestamps stay text (our date rule parses them with a Chinese error); a number too
    long for Python is an error at its position."""

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise ConstructorError(problem="数字过长，无法读取；如是文字请加引号",
                                   problem_mark=node.start_mark) from None


def _refuse_binary(self, node: Any) -> Any:
    raise ConstructorError(problem="不能使用 !!binary（二进制）值：公文中的文字请直接写出",
                           problem_mark=node.start_mark)


def _refuse_collection_tag(self, node: Any) -> Any:
    # ruamel builds these from any node and fails on a scalar (AttributeError); a 公文 never
    # needs them: lists and mappings are written plainly
    raise ConstructorError(problem=f"不能使用 {node.tag.replace('tag:yaml.org,2002:', '!!')}："
                           "列表写作 [甲, 乙] 或每项一行“- ”，映射写作“字段: 值”",
                           problem_mark=node.start_mark)


_Constructor.add_constructor("tag:yaml.org,2002:binary", _refuse_binary)
for _tag in ("omap", "pairs", "set"):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_collection_tag)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda self, node: self.construct_scalar(node))
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _Constructor
    return yaml


def load_yaml(text: str) -> Any:
    """The data of one YAML document; MarkedYAMLError (YamlRefused among them) when refused."""
    refuse_raw_controls(text)
    return _guarded(lambda: _yaml().load(text))


def compose_yaml(text: str) -> Any:
    """The node tree of one YAML document (for the checker), bounded like load_yaml."""
    refuse_raw_controls(text)
    return _guarded(lambda: _yaml().compose(text))


def _guarded(read) -> Any:
    try:
        return read()
    except MarkedYAMLError:
        raise
    except YAMLError as exc:  # ruamel's unmarked errors (stream and reader errors)
        raise YamlRefused(f"无法解析：{str(exc).splitlines()[0]}", None) from None
    except RecursionError:  # cannot happen below MAX_YAML_DEPTH; a message if it ever does
        raise YamlRefused("嵌套过深，不读取", None) from None
