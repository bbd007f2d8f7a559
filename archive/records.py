"""What the archive knows about a document: metadata (GB/T 33480, DA/T 22), people, measures."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

# metadata attribute -> the Chinese name users see and type (flags, sidecars, `archive edit`)
LABELS = {
    "kind": "文种",
    "title": "标题",
    "organ": "发文机关",
    "doc_number": "发文字号",
    "date": "成文日期",
    "recipients": "主送",
    "cc": "抄送",
    "secrecy": "密级",
    "period": "保管期限",
    "org": "机构",
    "note": "备注",
}
BY_LABEL = {label: name for name, label in LABELS.items()} | {"责任者": "organ", "题名": "title",
                                                               "文号": "doc_number", "日期": "date",
                                                               "机构（问题）": "org"}

PERIODS = {"永久": "Y", "定期30年": "D30", "定期10年": "D10"}  # DA/T 22-2015 codes

# Default 保管期限 by 文种, until a person decides otherwise (flag, sidecar or `archive edit`).
_DEFAULT_PERIOD = {
    "制度": "永久", "规定": "永久", "办法": "永久", "决定": "永久", "意见": "永久", "细则": "永久",
    "方案": "定期30年", "计划": "定期30年", "报告": "定期30年", "请示": "定期30年", "批复": "定期30年",
    "总结": "定期30年", "纪要": "定期30年", "通报": "定期30年",
}


UNKNOWN_YEAR = 0  # 年度 not known: 档号 "…-WS·0000-…", shown as 不详, until `archive edit` sets it


def record_year(written: str, stated: str = "", where: str = "") -> tuple[int, str]:
    """年度 and what to warn about it: from the 成文日期 (ISO); else from a date the source
    states (ISO, `where` it stands); else unknown, never the current year."""
    if written:
        return int(written[:4]), ""
    if stated:
        return int(stated[:4]), (f"未找到成文日期：年度按原文{where}所写日期 {stated} 定为 {stated[:4]}，"
                                 "请核对（gongwen archive edit 可改成文日期、年度）")
    return UNKNOWN_YEAR, ("未找到成文日期，原文也没有写明日期：年度不详，档号记为 0000 年度；"
                          "请用 gongwen archive edit 补填成文日期或年度")


def year_shown(year: int) -> str:
    """年度 as users read it."""
    return "不详" if year == UNKNOWN_YEAR else str(year)


def default_period(kind: str) -> str:
    return _DEFAULT_PERIOD.get(kind, "定期10年")


@dataclass
class Metadata:
    kind: str = ""  # 文种
    title: str = ""  # 题名
    organ: str = ""  # 发文机关 (责任者)
    doc_number: str = ""  # 发文字号
    date: str = ""  # 成文日期, ISO yyyy-mm-dd
    recipients: str = ""  # 主送
    cc: str = ""  # 抄送
    secrecy: str = ""  # 密级
    period: str = ""  # 保管期限: 永久 / 定期30年 / 定期10年
    org: str = ""  # 机构（问题）代码
    note: str = ""  # 备注

    def merged(self, override: "Metadata") -> "Metadata":
        """Fields set in `override` win."""
        values = {f.name: getattr(override, f.name) or getattr(self, f.name)
                  for f in fields(self)}
        return Metadata(**values)

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Mention:
    """A person named in a document, in one role: 组长 of 领导小组, 责任人 of a measure ..."""

    name: str
    role: str
    post: str = ""
    group: str = ""  # the 领导小组 / 工作组 / measure the role belongs to


@dataclass(frozen=True)
class Duty:
    """One role a person holds in one live record: 组长 of a 领导小组, 责任人 of a measure …"""

    record_id: int
    archival_code: str
    title: str
    date: str
    kind: str
    role: str
    group: str
    post: str


@dataclass(frozen=True)
class MeasureEntry:
    title: str
    text: str
    leaders: tuple[str, ...]
    doers: tuple[str, ...]
    deadline: str = ""


@dataclass
class Content:
    """Everything taken from one document before it goes into the catalog."""

    text: str
    metadata: Metadata
    people: list[Mention] = field(default_factory=list)
    measures: list[MeasureEntry] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    stated_date: str = ""  # ISO: a date the source states, for 年度 when it has no 成文日期
    stated_where: str = ""  # where that date stands ("第12行")


@dataclass(frozen=True)
class StoredFile:
    role: str  # original | source | docx | pdf | attachment-source-N | input-N (template, roster)
    sha256: str
    size: int
    name: str
    media_type: str


@dataclass(frozen=True)
class Record:
    """One archived document as the catalog holds it."""

    id: int
    sha256: str
    origin: str  # generated | received
    name: str
    media_type: str
    size: int
    added_at: str
    added_by: str
    metadata: Metadata
    year: int
    item_no: int
    archival_code: str  # 档号: assigned at add, re-assigned only when the 年度 is corrected
    pages: int | None
    supersedes: int | None
    superseded_by: int | None
    deleted_at: str | None
    delete_reason: str | None
    files: tuple[StoredFile, ...] = ()

    @property
    def live(self) -> bool:
        return self.deleted_at is None
