"""The document model: what both renderers draw. Content and numbering are final here."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar

from .kinds import Format


class Style(str, Enum):
    """Paragraph roles; each maps to one named Word style and one CSS class."""

    BODY = "body"
    H1 = "h1"  # 一、 黑体
    H2 = "h2"  # （一） 楷体
    H3 = "h3"  # 1. 仿宋
    H4 = "h4"  # （1） 仿宋
    ROSTER = "roster"  # "组　长：王某某　职务", continuation lines aligned under the name


class ClosingKeep(str, Enum):
    """How the body's end meets the closing (署名, 成文日期); generator.paging decides."""

    FREE = "free"  # the last body paragraph flows on like any other
    BOUND = "bound"  # it moves whole to the closing's page
    CARRIED = "carried"  # body[-1] is the tail of body[-2], carried to the closing's page


@dataclass(frozen=True)
class Para:
    """One paragraph. `lead` takes the heading face of its style; `text` the body face.
    A run-in heading has both: lead "（一）加强领导。" + text "成立……"."""

    style: Style
    lead: str = ""
    text: str = ""
    is_table: ClassVar[bool] = False


@dataclass(frozen=True)
class Cell:
    """A table cell at grid column `col`, spanning `cols` columns and `rows` rows."""

    text: str
    col: int
    cols: int = 1
    rows: int = 1


@dataclass(frozen=True)
class Row:
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    """A table among the body's paragraphs: 表头 rows repeat on every page it spans."""

    columns: int
    widths_mm: list[float]  # one a column
    header: list[Row]
    rows: list[Row]
    title: str | None = None
    landscape: bool = False  # on a landscape A4 page of its own (GB/T 9704 section 8)
    is_table: ClassVar[bool] = True

    def texts(self) -> list[str]:
        """The title and every cell's text in reading order (row by row)."""
        cells = [c.text for row in self.header + self.rows for c in row.cells]
        return ([self.title] if self.title else []) + cells


Block = Para | Table  # what a body holds, in reading order


@dataclass(frozen=True)
class Masthead:
    """版头: present when a 发文机关标志 is given."""

    mark: str
    mark_size_pt: float
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    doc_number: str | None = None
    signer: str | None = None  # 上行文: 发文字号 moves left, 签发人 right

    @property
    def lines_above_mark(self) -> list[str]:
        """份号, 密级, 紧急程度 as given: flush-left lines above the 发文机关标志."""
        return [x for x in (self.copy_number, self.secrecy, self.urgency) if x]


@dataclass(frozen=True)
class AttachmentNoteLine:
    number: str  # "1." or "" for a single attachment
    title: str


@dataclass(frozen=True)
class Signature:
    organ: str
    date: str
    organ_right_chars: float
    date_right_chars: float


@dataclass(frozen=True)
class OrderSignature:
    """命令（令）'s closing (GB/T 9704 7.3.5.3): the signer's post two characters left of the
    签名章 (here the name), four characters in from the right; the date a line below."""

    post: str
    name: str
    date: str


@dataclass(frozen=True)
class AttendanceLine:
    """纪要 (10.3): "出席：" in 黑体, then units and names in 仿宋, wrapped lines aligned
    after the colon."""

    label: str  # 出席, 请假, 列席
    names: str


@dataclass(frozen=True)
class Imprint:
    """版记 at the foot of the last page."""

    cc: str | None  # "A，B。" (without "抄送：")
    printer: str | None
    print_date: str | None  # "2020年2月19日印发"
    ruled: bool = True  # the 信函格式's 版记 has no rules (10.1)

    @property
    def printed(self) -> bool:
        """Whether the 印发机关 and 印发日期 line is there (a 抄送 may stand alone)."""
        return bool(self.printer or self.print_date)


@dataclass(frozen=True)
class Attachment:
    """An attachment page: label "附件1", its title, and its own body."""

    label: str
    title_lines: list[str]
    body: list[Block]
    attachment_note: list[AttachmentNoteLine] = field(default_factory=list)  # its own 附件


@dataclass(frozen=True)
class Document:
    kind: str
    title_lines: list[str]
    body: list[Block]
    signature: Signature
    masthead: Masthead | None = None
    doc_number: str | None = None  # shown above the title when there is no masthead
    recipients: str | None = None  # "各乡镇人民政府，县直各单位："
    attachment_note: list[AttachmentNoteLine] = field(default_factory=list)
    note: str | None = None  # 附注, with its brackets
    attachments: list[Attachment] = field(default_factory=list)
    imprint: Imprint | None = None
    closing_keep: ClosingKeep = ClosingKeep.FREE
    format: Format = Format.DOCUMENT  # GB/T 9704 chapter 10
    order_number: str | None = None  # 命令（令）: "第3号", under the mark
    order_signature: OrderSignature | None = None  # 命令（令）: in place of the 署名
    attendance: list[AttendanceLine] = field(default_factory=list)  # 纪要: in place of the 署名

    @property
    def fmt(self) -> str:
        """The format's name for the templates: DOCUMENT, LETTER, ORDER, MINUTES."""
        return self.format.name

    @property
    def signed(self) -> bool:
        """The 署名 and 成文日期 of 7.3.5.2 close the main text (not in a 令 or 纪要)."""
        return self.format in (Format.DOCUMENT, Format.LETTER)
