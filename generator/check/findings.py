"""A finding: which rule, where, what is wrong, and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass

from .rules import RULES, Rule, Severity


@dataclass(frozen=True)
class Location:
    """Where a finding is: the file, then the place its kind of file has (YAML and TXT lines,
    DOCX paragraphs, PDF pages and lines), then the characters inside that place."""

    file: str
    line: int | None = None  # YAML or TXT line; PDF line on its page
    page: int | None = None  # PDF
    paragraph: int | None = None  # DOCX
    column: int | None = None  # YAML: column where the value starts
    span: tuple[int, int] | None = None  # [start, end) of characters in the paragraph or value

    @property
    def where(self) -> str:
        if self.page is not None and self.line is not None:
            place = f"第{self.page}页第{self.line}行"
        elif self.page is not None:
            place = f"第{self.page}页"
        elif self.paragraph is not None:
            place = f"第{self.paragraph}段"
        elif self.line is not None:
            place = f"第{self.line}行" + (f"第{self.column}列" if self.column else "")
        else:
            place = "全文"
        if self.span is not None and self.column is None:
            place += f"第{self.span[0] + 1}字"
        return place

    def as_dict(self) -> dict:
        return {"file": self.file, "page": self.page, "paragraph": self.paragraph,
                "line": self.line, "column": self.column,
                "span": list(self.span) if self.span else None}


@dataclass(frozen=True)
class Edit:
    """A safe text fix: `old` at the finding's place becomes `new`."""

    old: str
    new: str


@dataclass(frozen=True)
class Finding:
    rule: Rule
    location: Location
    message: str  # Chinese: what is wrong here
    fix: str = ""  # Chinese: what to do
    edit: Edit | None = None  # set when `--fix` may apply it by itself
    level: Severity | None = None  # when this finding is surer or less sure than its rule

    @property
    def severity(self) -> Severity:
        return self.level or self.rule.severity

    def as_dict(self) -> dict:
        return {"rule": self.rule.id, "severity": self.severity.code,
                **self.location.as_dict(), "message": self.message,
                "clause": self.rule.clause or None, "fix": self.fix or None,
                "fixable": self.edit is not None}


def finding(rule_id: str, location: Location, message: str, fix: str = "",
            edit: Edit | None = None, severity: str | None = None) -> Finding:
    level = next(s for s in Severity if s.code == severity) if severity else None
    return Finding(RULES[rule_id], location, message, fix, edit, level)
