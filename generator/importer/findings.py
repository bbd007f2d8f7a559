"""What import noticed: defects of the source, things it changed, things left to fill in."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .paragraphs import Paragraph


class Level(Enum):
    DEFECT = "缺陷"  # the source itself is wrong (skipped number, half-width bracket ...)
    CHANGED = "处理"  # import changed or dropped something (debris, traditional characters)
    MISSING = "待补"  # a required field was not found; the YAML needs it before generating


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str
    at: Paragraph | None = None
    rule: str = ""  # the `gongwen check` rule this defect breaks (generator/check/rules.py)
    about: str = ""  # the front-matter field it concerns (标题, 发文机关 …), when it is one

    @property
    def where(self) -> str:
        return self.at.where if self.at else "全文"

    @property
    def line(self) -> int | None:
        return self.at.line if self.at else None
