"""Problems with the input, as values users can act on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    file: str
    line: int | None  # 1-based
    column: int | None  # 1-based
    field: str  # e.g. 正文[2].内容[0].工作措施[3].责任人[1]
    message: str  # Chinese, says what was expected

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
