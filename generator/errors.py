"""Problems with the input, as values users can act on."""
from __future__ import annotations

import errno
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    file: str
    line: int | None  # 1-based
    column: int | None  # 1-based
    field: str  # e.g. 正文[2].内容[0].工作措施[3].责任人[1]
    message: str  # Chinese, says what was expected
    rule: str = ""  # the gongwen check rule it is, when it is one (generator.kinds)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = f"字段“{self.field}”：" if self.field else ""
        return f"{where}: {field}{self.message}"


class GongwenError(Exception):
    """Base of gongwen's domain errors."""


class InputError(GongwenError):
    """The input YAML is wrong; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class RenderError(GongwenError):
    """A renderer failed on valid input (fonts, templates, disk)."""


_OS_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "超出文件大小限制",
    errno.EROFS: "文件系统只读",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "是目录而不是文件",
    errno.ELOOP: "符号链接过多或不允许的链接",
    errno.EEXIST: "已存在",
    errno.EIO: "读写设备出错",
}


def os_reason(exc: OSError) -> str:
    """Why an OSError happened, in Chinese, without its file name (the caller names the file
    the user knows, not a temporary one)."""
    return _OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def describe_os_error(exc: OSError) -> str:
    """An OSError in Chinese: what failed, on which file."""
    reason = os_reason(exc)
    where = f"“{exc.filename}”" if exc.filename else ""
    return f"{where}{reason}" if where else reason


# SQLite's words for a write the disk refused (it hides the errno: EFBIG and EIO alike)
_SQLITE_REASONS = {"disk I/O error": "磁盘读写出错：磁盘可能已满、超出了文件大小限制或出现故障",
                   "database or disk is full": "磁盘已满"}


def sqlite_reason(exc: Exception) -> str:
    """What SQLite said, in Chinese where it is one of the disk's refusals."""
    return _SQLITE_REASONS.get(str(exc), str(exc))


def is_disk_refusal(exc: Exception) -> bool:
    return str(exc) in _SQLITE_REASONS
