"""Validated spec -> document model. Decides wording, numbering and order; never layout."""
from __future__ import annotations

from .dates import format_date
from .layout import mark_size_pt, signature_indents
from .kinds import Format, format_of
from .model import (
    Attachment, AttendanceLine, AttachmentNoteLine, Block, Cell, Document, Imprint, Masthead, OrderSignature, Para, Row,
    Signature, Style, Table,
)
from .numbering import MAX_LEVEL, attachment_label, marker
from .schema import (
    DocumentSpec, LeadingGroup, LeadingGroupItem, Measure, MeasuresItem, Person, Role, Section,
    TableItem, TableSpec, WorkingGroup, WorkingGroupsItem,
)
from .tables import column_widths_mm
from .validate import Loaded

_HEADING_STYLES = {1: Style.H1, 2: Style.H2, 3: Style.H3, 4: Style.H4}
_SENTENCE_END = "。！？：；"
SEP = "　"  # full-width space between a name and its post


def build_document(loaded: Loaded) -> Document:
    spec = loaded.spec
    fmt = format_of(spec.kind, spec.format_name)
    date = format_date(spec.date)
    indents = signature_indents(spec.organ, date)
    pages = [loaded.attached[i] for i in range(len(spec.attachments)) if i in loaded.attached]
    return Document(
        kind=spec.kind,
        title_lines=title_lines(spec.title),
        body=Body(spec.people).items(spec.sections, level=1),
        signature=Signature(spec.organ, date, indents.organ, indents.date),
        masthead=_masthead(spec, fmt),
        doc_number=None if _mark(spec, fmt) else spec.doc_number,
        recipients=_recipients(spec.recipients),
        attachment_note=_attachment_note(loaded),
        note=_note(spec.note),
        attachments=[
            Attachment(
                label=attachment_label(n, len(pages)),
                title_lines=title_lines(child.spec.title),
                body=Body(child.spec.people).items(child.spec.sections, level=1),
                attachment_note=_attachment_note(child),
            )
            for n, child in enumerate(pages, start=1)
        ],
        imprint=_imprint(spec, fmt),
        format=fmt,
        order_number=spec.order_number if fmt is Format.ORDER else None,
        order_signature=(OrderSignature(spec.signer_post or "", spec.signer or "", date)
                         if fmt is Format.ORDER else None),
        attendance=_attendance(spec) if fmt is Format.MINUTES else [],
    )


def _mark(spec: DocumentSpec, fmt: Format) -> str | None:
    """发文机关标志: as written; a 信函's, a 令's and a 纪要's are never left out (10.1-10.3)."""
    if spec.mark:
        return spec.mark
    if fmt is Format.LETTER:
        return spec.organ
    if fmt is Format.ORDER:
        return spec.organ + "令"
    if fmt is Format.MINUTES:
        return spec.organ + "纪要"
    return None


ATTENDANCE = (("出席", "present"), ("请假", "absent"), ("列席", "attending"))


def _attendance(spec: DocumentSpec) -> list[AttendanceLine]:
    """出席, 请假, 列席 in the standard's order, each "单位职务姓名" joined by "、"."""
    out = []
    for label, name in ATTENDANCE:
        people = getattr(spec, name)
        if people:
            out.append(AttendanceLine(label, "、".join(
                f"{p.post}{p.name}" if p.post else p.name for p in people)))
    return out


def title_lines(title: str) -> list[str]:
    """The writer's lines, and lines too long for the block broken by words (titles.py)."""
    from .titles import title_lines as lines

    return lines(title)


def _masthead(spec: DocumentSpec, fmt: Format) -> Masthead | None:
    mark = _mark(spec, fmt)
    if not mark:
        return None
    return Masthead(
        mark=mark, mark_size_pt=mark_size_pt(mark), copy_number=spec.copy_number,
        secrecy=spec.secrecy, urgency=spec.urgency, doc_number=spec.doc_number,
        signer=spec.signer if fmt is Format.DOCUMENT else None,
    )


def joined_recipients(recipients: list[str]) -> str:
    """"A，B" from the 主送机关 list, whatever punctuation writers put after each."""
    return "，".join(r.rstrip("：:，,") for r in recipients)


def joined_cc(cc: list[str]) -> str:
    """"A，B" from the 抄送 list."""
    return "，".join(c.rstrip("。，,") for c in cc)


def _recipients(recipients: list[str]) -> str | None:
    return joined_recipients(recipients) + "：" if recipients else None


def _attachment_note(loaded: Loaded) -> list[AttachmentNoteLine]:
    titles = []
    for index, attachment in enumerate(loaded.spec.attachments):
        child = loaded.attached.get(index)
        title = attachment.title or (child.spec.title if child else "")
        titles.append("".join(title_lines(title)))
    if len(titles) == 1:
        return [AttachmentNoteLine("", titles[0])]
    return [AttachmentNoteLine(f"{n}.", t) for n, t in enumerate(titles, start=1)]


def _note(note: str | None) -> str | None:
    if not note:
        return None
    return note if note.startswith("（") and note.endswith("）") else f"（{note}）"


def _imprint(spec: DocumentSpec, fmt: Format) -> Imprint | None:
    """版记 when there is anything to put in it: 抄送, or 印发机关 and 印发日期. A 信函's has
    neither 印发机关, 印发日期 nor rules (10.1)."""
    letter = fmt is Format.LETTER
    if not (spec.cc or (not letter and (spec.printer or spec.print_date))):
        return None
    cc = joined_cc(spec.cc) + "。" if spec.cc else None
    if letter:
        return Imprint(cc=cc, printer=None, print_date=None, ruled=False)
    date = format_date(spec.print_date) + "印发" if spec.print_date else None
    return Imprint(cc=cc, printer=spec.printer, print_date=date)


class Body:
    """Turns the nested 正文 items into numbered paragraphs."""

    def __init__(self, people: list[Person]):
        self.people = {p.name: p for p in people}

    def items(self, items: list, level: int) -> list[Block]:
        out: list[Block] = []
        number = 0  # numbered siblings (sections, groups, measures) share one sequence
        for item in items:
            if isinstance(item, str):
                out.append(Para(Style.BODY, text=item))
            elif isinstance(item, Section):
                number += 1
                out += self.section(item, level, number)
            elif isinstance(item, LeadingGroupItem):
                out += self.leading_group(item.leading_group, level)
            elif isinstance(item, WorkingGroupsItem):
                for group in item.working_groups:
                    number += 1
                    out += self.working_group(group, level, number)
            elif isinstance(item, MeasuresItem):
                for measure in item.measures:
                    number += 1
                    out += self.measure(measure, level, number)
            elif isinstance(item, TableItem):
                out.append(table(item.table))
        return out

    # -- sections and blocks

    def section(self, section: Section, level: int, number: int) -> list[Block]:
        head = marker(level, number) + section.title
        if isinstance(section.content, str):
            return [_run_in(level, head, section.content)]
        return [_heading(level, head)] + self.items(section.content, _deeper(level))

    def leading_group(self, group: LeadingGroup, level: int) -> list[Para]:
        out = [Para(Style.BODY, text=f"成立{group.name}，组成人员如下：")]
        out += self.roster_lines("组长", [group.leader])
        out += self.roster_lines("副组长", group.deputies)
        out += self.roster_lines("成员", group.members)
        if group.duties:
            out += _duties(f"{group.name}主要职责：", group.duties, _deeper(level))
        office = group.office
        if office is not None:
            sentence = f"{group.name}下设办公室，办公室设在{office.location}"
            if office.head is not None:
                sentence += f"，由{self.post_and_name(office.head)}兼任办公室主任"
            if office.phone:
                sentence += f"，联系电话：{office.phone}"
            out.append(Para(Style.BODY, text=sentence + "。"))
            if office.duties:
                out += _duties("办公室主要职责：", office.duties, _deeper(level))
        return out

    def working_group(self, group: WorkingGroup, level: int, number: int) -> list[Para]:
        out = [_heading(level, marker(level, number) + group.name)]
        if group.leader is not None:
            out += self.roster_lines("组长", [group.leader])
            out += self.roster_lines("副组长", group.deputies)
            out += self.roster_lines("组员", group.members)
        if group.department and group.leader is None and group.members:
            joined = "、".join(self.name(m) for m in group.members)
            out.append(Para(Style.BODY, text=f"由{group.department}牵头，{joined}参加。"))
        elif group.department:
            out.append(Para(Style.BODY, text=f"由{group.department}负责。"))
        out += _duties("主要职责：", group.duties, _deeper(level))
        return out

    def measure(self, measure: Measure, level: int, number: int) -> list[Para]:
        first, *rest = measure.content
        out = [_run_in(level, marker(level, number) + measure.title, first)]
        out += [Para(Style.BODY, text=text) for text in rest]
        answer = f"责任领导：{self.name(measure.leader)}{SEP}责任人：" + "、".join(
            self.name(d) for d in measure.doers)
        if measure.deadline:
            answer += f"{SEP}完成时限：{measure.deadline}"
        out.append(Para(Style.BODY, text=f"（{answer}）"))
        return out

    # -- people

    def roster_lines(self, label: str, refs: list) -> list[Para]:
        """"组　长：王某某　局长"; further people on their own lines, aligned under the first."""
        padded = SEP.join(label) if len(label) == 2 else label
        return [Para(Style.ROSTER, lead=(padded + "：") if i == 0 else "",
                     text=self.name_and_post(ref)) for i, ref in enumerate(refs)]

    def name(self, ref: str | Role) -> str:
        return ref.role if isinstance(ref, Role) else ref

    def name_and_post(self, ref: str | Role) -> str:
        if isinstance(ref, Role):
            return ref.role
        post = self.people[ref].post
        return f"{ref}{SEP}{post}" if post else ref

    def post_and_name(self, ref: str | Role) -> str:
        if isinstance(ref, Role):
            return ref.role
        return self.people[ref].post + ref


def _deeper(level: int) -> int:
    return min(level + 1, MAX_LEVEL)


def _heading(level: int, text: str) -> Para:
    return Para(_HEADING_STYLES[level], lead=text)


def _run_in(level: int, head: str, text: str) -> Para:
    """A heading followed by its text in one paragraph; the heading part ends with 。"""
    if head[-1] not in _SENTENCE_END:
        head += "。"
    return Para(_HEADING_STYLES[level], lead=head, text=text)


def _duties(intro: str, duties: list[str], level: int) -> list[Para]:
    if len(duties) == 1:
        return [Para(Style.BODY, text=intro + duties[0])]
    return [Para(Style.BODY, text=intro)] + [
        Para(_HEADING_STYLES[level], lead=marker(level, n), text=duty)
        for n, duty in enumerate(duties, start=1)
    ]


def table(spec: TableSpec) -> Table:
    """A validated table on its grid (generator.tables places merged cells)."""
    header, rows, columns = spec.placed()

    def grid(part) -> list[Row]:
        return [Row([Cell(c.text, c.col, c.cols, c.rows) for c in row]) for row in part]

    return Table(
        columns=columns,
        widths_mm=column_widths_mm(spec.width_values, spec.widths_in_mm, columns, spec.landscape),
        header=grid(header), rows=grid(rows), title=spec.title, landscape=spec.landscape,
    )
