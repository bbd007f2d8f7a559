"""The YAML input, as validated models. Keys are Chinese (aliases); English names also work."""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag,
    field_validator, model_validator,
)

from .dates import deadline_text, parse_date
from .kinds import KIND_NAMES, kind_named
from .tables import ShapeError, Written, block_width_mm, place

Text = Annotated[str, Field(min_length=1)]
Date = Annotated[dt.date, BeforeValidator(parse_date)]

# The keys whose values name people (or roles) from 人员.
PERSON_KEYS = ("组长", "副组长", "成员", "组员", "主任", "责任领导", "责任人")


def _number_as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Phone = Annotated[str, BeforeValidator(_number_as_text)]


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


TextList = Annotated[list[Text], BeforeValidator(_one_or_many)]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, str_strip_whitespace=True, frozen=True,
    )


class Person(Model):
    """One roster entry: defined once, referred to by name everywhere else."""

    name: Text = Field(alias="姓名")
    post: str = Field("", alias="职务")
    phone: Phone | None = Field(None, alias="电话")
    roles: TextList = Field(default_factory=list, alias="角色")  # district-template roles held


class Role(Model):
    """A role or group standing where a person would ("各学校校长", "全体工作人员")."""

    role: Text = Field(alias="角色")


def _person_ref_tag(value: Any) -> str:
    return "tag:role" if isinstance(value, dict) else "tag:name"


PersonRef = Annotated[
    Union[Annotated[Text, Tag("tag:name")], Annotated[Role, Tag("tag:role")]],
    Discriminator(_person_ref_tag),
]
PersonRefs = Annotated[list[PersonRef], BeforeValidator(_one_or_many)]


class Office(Model):
    """领导小组办公室: where it sits and who heads it."""

    location: Text = Field(alias="设在")
    head: PersonRef | None = Field(None, alias="主任")
    phone: Phone | None = Field(None, alias="电话")
    duties: TextList = Field(default_factory=list, alias="职责")


class LeadingGroup(Model):
    name: Text = Field(alias="名称")
    leader: PersonRef = Field(alias="组长")
    deputies: PersonRefs = Field(default_factory=list, alias="副组长")
    members: PersonRefs = Field(default_factory=list, alias="成员")
    duties: TextList = Field(default_factory=list, alias="职责")
    office: Office | None = Field(None, alias="办公室")


class WorkingGroup(Model):
    """A 工作组: led by persons, or by a department instead (负责部门)."""

    name: Text = Field(alias="名称")
    leader: PersonRef | None = Field(None, alias="组长")
    deputies: PersonRefs = Field(default_factory=list, alias="副组长")
    members: PersonRefs = Field(default_factory=list, alias="组员")
    department: Text | None = Field(None, alias="负责部门")
    duties: Annotated[TextList, Field(min_length=1)] = Field(alias="职责")
    id: str | None = Field(None, alias="编号")

    @model_validator(mode="after")
    def _led_by_someone(self) -> "WorkingGroup":
        if self.leader is None and self.department is None:
            raise ValueError("工作组须有“组长”或“负责部门”")
        return self


class Measure(Model):
    """A 工作措施 with who answers for it."""

    title: Text = Field(alias="标题")
    content: TextList = Field(alias="内容")
    leader: PersonRef = Field(alias="责任领导")
    doers: Annotated[PersonRefs, Field(min_length=1)] = Field(alias="责任人")
    deadline: str | None = Field(None, alias="完成时限")
    id: str | None = Field(None, alias="编号")

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline_text(cls, value: object) -> object:
        if isinstance(value, (dt.date, int)):
            value = str(value)
        return deadline_text(value) if isinstance(value, str) else value


def _cell_text(value: object) -> object:
    """A number typed in a cell is its text; an empty cell (YAML null) is an empty text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


CellText = Annotated[str, BeforeValidator(_cell_text)]


class TableCell(Model):
    """A cell written as a mapping: its text and the columns/rows it merges."""

    text: CellText = Field("", alias="文字")
    cols: Annotated[int, Field(ge=1)] = Field(1, alias="合并列")
    rows: Annotated[int, Field(ge=1)] = Field(1, alias="合并行")


def _cell_tag(value: Any) -> str:
    return "tag:merged" if isinstance(value, dict) else "tag:text"


Cell = Annotated[
    Union[Annotated[CellText, Tag("tag:text")], Annotated[TableCell, Tag("tag:merged")]],
    Discriminator(_cell_tag),
]
TableRow = Annotated[list[Cell], Field(min_length=1)]


def _header_tag(value: Any) -> str:
    """表头: one row of cells, or (every item a list) several rows."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return "tag:rows"
    return "tag:row"


_MM_WIDTH = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:mm|毫米)$")


class TableSpec(Model):
    """A table: 标题, 表头 (a row or rows), 行, 列宽 (relative numbers or "30mm"), 横向."""

    title: Text | None = Field(None, alias="标题")
    header: Annotated[
        Union[Annotated[TableRow, Tag("tag:row")],
              Annotated[list[TableRow], Tag("tag:rows")]],
        Discriminator(_header_tag),
    ] = Field(default_factory=list, alias="表头")
    rows: Annotated[list[TableRow], Field(min_length=1)] = Field(alias="行")
    widths: list[Union[float, str]] = Field(default_factory=list, alias="列宽")
    landscape: bool = Field(False, alias="横向")

    @property
    def header_rows(self) -> list[list]:
        if not self.header:
            return []
        return [self.header] if _header_tag(self.header) == "tag:row" else list(self.header)

    @field_validator("widths")
    @classmethod
    def _widths_form(cls, value: list) -> list:
        mm = [isinstance(w, str) for w in value]
        for n, w in enumerate(value, start=1):
            if isinstance(w, str) and not _MM_WIDTH.match(w.strip()):
                raise ValueError(f"列宽第{n}项“{w}”应为数字（各列的相对宽度）或毫米数（如 30mm）")
            if not isinstance(w, str) and w <= 0:
                raise ValueError(f"列宽第{n}项应大于 0")
        if any(mm) and not all(mm):
            raise ValueError("列宽要么都写相对数字（如 [1, 2, 1]），要么都写毫米数（如 [20mm, 40mm]），"
                             "不能混写")
        return value

    @property
    def widths_in_mm(self) -> bool:
        return bool(self.widths) and isinstance(self.widths[0], str)

    @property
    def width_values(self) -> list[float]:
        return [float(_MM_WIDTH.match(w.strip())[1]) if isinstance(w, str) else float(w)
                for w in self.widths]

    def placed(self):
        """(header rows, body rows, columns) on the grid (tables.place); ShapeError if the
        rows do not make a rectangle."""
        header, columns = place("表头", [[_written(c) for c in row] for row in self.header_rows],
                                None)
        first = sum(_written(c).cols for c in self.rows[0])
        if header and first != columns:
            raise ShapeError(("行", 0), f"第1行有 {first} 列，表头为 {columns} 列，两者应相同")
        rows, columns = place("行", [[_written(c) for c in row] for row in self.rows],
                              columns if header else None)
        return header, rows, columns

    @model_validator(mode="after")
    def _shape(self) -> "TableSpec":
        from pydantic_core import PydanticCustomError

        def refuse(at: tuple, message: str):
            return PydanticCustomError("value_error", "{error}", {"error": message, "at": at})

        try:
            _, _, columns = self.placed()
        except ShapeError as exc:
            at = exc.at
            if at[0] == "表头" and len(self.header_rows) == 1 and _header_tag(self.header) == "tag:row":
                at = at[:1] + at[2:]  # one header row is written without its own list
            raise refuse(tuple(x for x in at if x is not None), exc.message) from None
        if self.widths and len(self.widths) != columns:
            raise refuse(("列宽",), f"列宽写了 {len(self.widths)} 项，表格有 {columns} 列，"
                                   f"应每列一项")
        if self.widths_in_mm:
            total, block = sum(self.width_values), block_width_mm(self.landscape)
            if total > block + 0.5:
                raise refuse(("列宽",), f"列宽合计 {total:g} mm，超过版心宽度 {block:g} mm"
                                       + ("" if self.landscape else "（宽表可写 横向: true）"))
        return self


def _written(cell) -> Written:
    if isinstance(cell, TableCell):
        return Written(cell.text, cell.cols, cell.rows)
    return Written(cell)


class TableItem(Model):
    table: TableSpec = Field(alias="表格")


class LeadingGroupItem(Model):
    leading_group: LeadingGroup = Field(alias="领导小组")


class WorkingGroupsItem(Model):
    working_groups: Annotated[list[WorkingGroup], Field(min_length=1)] = Field(alias="工作组")


class MeasuresItem(Model):
    measures: Annotated[list[Measure], Field(min_length=1)] = Field(alias="工作措施")


def _content_tag(value: Any) -> str:
    return "tag:text" if isinstance(value, str) else "tag:list"


class Section(Model):
    """A numbered section. 内容 as one text makes a run-in heading ("（一）标题。正文")."""

    title: Text = Field(alias="标题")
    content: Annotated[
        Union[Annotated[Text, Tag("tag:text")], Annotated[list["Item"], Tag("tag:list")]],
        Discriminator(_content_tag),
    ] = Field(default_factory=list, alias="内容")
    id: str | None = Field(None, alias="编号")


_BLOCK_TAGS = {"领导小组": "tag:leading_group", "leading_group": "tag:leading_group",
               "工作组": "tag:working_groups", "working_groups": "tag:working_groups",
               "工作措施": "tag:measures", "measures": "tag:measures",
               "表格": "tag:table", "table": "tag:table"}


def _item_tag(value: Any) -> str:
    if isinstance(value, dict):
        for key in value:
            if key in _BLOCK_TAGS:
                return _BLOCK_TAGS[key]
        return "tag:section"
    return "tag:text"




Item = Annotated[
    Union[
        Annotated[Text, Tag("tag:text")],
        Annotated[Section, Tag("tag:section")],
        Annotated[LeadingGroupItem, Tag("tag:leading_group")],
        Annotated[WorkingGroupsItem, Tag("tag:working_groups")],
        Annotated[MeasuresItem, Tag("tag:measures")],
        Annotated[TableItem, Tag("tag:table")],
    ],
    Discriminator(_item_tag),
]
Section.model_rebuild()

UNION_TAG_PREFIX = "tag:"


class AttachmentSpec(Model):
    """An attachment: a title only, or another gongwen YAML rendered after the main text."""

    title: str | None = Field(None, alias="标题")
    document: str | None = Field(None, alias="文档")

    @model_validator(mode="after")
    def _title_or_document(self) -> "AttachmentSpec":
        if not self.title and not self.document:
            raise ValueError("附件须有“标题”或“文档”")
        return self


def _attachment(value: object) -> object:
    return {"标题": value} if isinstance(value, str) else value


DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")

# Organs are listed one per item; gongwen joins them with "，" (GB/T 9704—2012 7.4.2).
ORGAN_SEPARATORS = "、，,；;"
_OPEN, _CLOSE = "（(〔[【《", "）)〕]】》"


def organs_in(text: str) -> list[str]:
    """"县委办、县政府办" -> ["县委办", "县政府办"]: the organs one item names."""
    return split_outside_brackets(text, ORGAN_SEPARATORS)


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """"各县（市、区）人民政府，X" -> ["各县（市、区）人民政府", "X"]: split at `separators` only
    where no bracket is open."""
    items, depth, current = [], 0, ""
    for ch in text:
        depth += (ch in _OPEN) - (ch in _CLOSE and depth > 0)
        if ch in separators and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return [item.strip(" 　") for item in items if item.strip(" 　")]


def _organ_list(key: str, clause: str = ""):
    """A list of organs (one text: a list of one), each item a single organ."""
    def one_organ(value: str) -> str:
        organs = organs_in(value)
        if len(organs) > 1:
            raise ValueError(
                f"“{value}”写了 {len(organs)} 个机关：每个机关写成列表的一项，如 "
                f"{key}: [{', '.join(organs)}]（gongwen 用“，”连接各机关{clause}）")
        return value
    return Annotated[list[Annotated[Text, AfterValidator(one_organ)]],
                     BeforeValidator(_one_or_many)]



class Attendee(Model):
    """A person at a meeting (纪要's 出席, 列席, 请假): a name, with a post or unit if given."""

    name: Text = Field(alias="姓名")
    post: str = Field("", alias="职务")


def _attendee(value: object) -> object:
    return {"姓名": value} if isinstance(value, str) else value


Attendees = Annotated[list[Annotated[Attendee, BeforeValidator(_attendee)]],
                      BeforeValidator(_one_or_many)]


def _order_number(value: object) -> object:
    """令号: 3, "3" or "第3号" -> "第3号"."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        digits = value.strip().removeprefix("第").removesuffix("号").strip()
        if not re.fullmatch(r"[1-9]\d*", digits):
            raise ValueError("令号应为序号，如 令号: 3（生成“第3号”）")
        return f"第{digits}号"
    return value


class DocumentSpec(Model):
    """One document of any 文种 generator.kinds knows."""

    kind: Annotated[Literal[KIND_NAMES], BeforeValidator(kind_named)] = Field(alias="文种")
    title: Text = Field(alias="标题")
    organ: Text = Field(alias="发文机关")
    date: Date = Field(alias="成文日期")
    mark: str | None = Field(None, alias="发文机关标志")
    doc_number: str | None = Field(None, alias="发文字号")
    copy_number: str | None = Field(None, alias="份号")
    secrecy: str | None = Field(None, alias="密级")
    urgency: str | None = Field(None, alias="紧急程度")
    signer: str | None = Field(None, alias="签发人")
    # GB/T 9704 chapter 10 (generator.kinds decides which format a document takes)
    format_name: str | None = Field(None, alias="格式")  # 信函 or 文件, for 文种 that allow both
    order_number: Annotated[str, BeforeValidator(_order_number)] | None = Field(None, alias="令号")
    signer_post: str | None = Field(None, alias="签发人职务")  # 命令（令）: above the 成文日期
    present: Attendees = Field(default_factory=list, alias="出席")  # 纪要 (10.3)
    absent: Attendees = Field(default_factory=list, alias="请假")
    attending: Attendees = Field(default_factory=list, alias="列席")
    recipients: _organ_list("主送机关") = Field(default_factory=list, alias="主送机关")
    note: str | None = Field(None, alias="附注")
    cc: _organ_list("抄送", "，见 GB/T 9704—2012 7.4.2") = Field(default_factory=list, alias="抄送")
    printer: str | None = Field(None, alias="印发机关")
    print_date: Date | None = Field(None, alias="印发日期")
    people: list[Person] = Field(default_factory=list, alias="人员")
    sections: Annotated[list[Item], Field(min_length=1)] = Field(alias="正文")
    attachments: list[Annotated[AttachmentSpec, BeforeValidator(_attachment)]] = Field(
        default_factory=list, alias="附件")
    # Items of the district template (by 编号) this unit leaves out, each with its reason.
    drops: dict[str, Annotated[str, BeforeValidator(lambda v: v or "")]] = Field(
        default_factory=dict, alias="删除")

    @field_validator("doc_number")
    @classmethod
    def _doc_number_form(cls, value: str | None) -> str | None:
        if value is not None and not DOC_NUMBER.match(value):
            raise ValueError("发文字号应写作 代字〔四位年份〕序号号，如 某民发〔2020〕12号"
                             "（六角括号〔〕，不加“第”，序号不编虚位）")
        return value

    @field_validator("copy_number", mode="before")
    @classmethod
    def _copy_number_form(cls, value: object) -> object:
        if value is not None and not re.fullmatch(r"\d{6}", str(value)):
            raise ValueError("份号应为6位阿拉伯数字，并加引号，如 \"000123\"")
        return value

    @model_validator(mode="after")
    def _imprint_complete(self) -> "DocumentSpec":
        if (self.printer is None) != (self.print_date is None):
            raise ValueError("“印发机关”和“印发日期”须同时填写")
        return self
