"""Content of a document generated here: exact metadata, people and measures from the spec."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from generator.build import joined_cc, joined_recipients
from generator.model import Block, Document, Table
from generator.schema import (
    DocumentSpec,
    LeadingGroupItem,
    MeasuresItem,
    Role,
    Section,
    WorkingGroupsItem,
)
from generator.validate import Loaded

from .records import Content, MeasureEntry, Mention, Metadata


def content_of(loaded: Loaded, document: Document) -> Content:
    spec = loaded.spec
    metadata = Metadata(
        kind=spec.kind, title="".join(document.title_lines), organ=spec.organ,
        doc_number=spec.doc_number or "", date=spec.date.isoformat(),
        recipients=joined_recipients(spec.recipients), cc=joined_cc(spec.cc),
        secrecy=_secrecy(spec.secrecy),
    )
    people: list[Mention] = []
    measures: list[MeasureEntry] = []
    for doc in _all_specs(loaded):
        posts = {p.name: p.post for p in doc.people}
        people += _mentions(doc, posts)
        measures += [_measure(m) for m in _measures(doc.sections)]
    return Content(text=document_text(document), metadata=metadata,
                   people=_unique(people), measures=measures)


def _secrecy(value: str | None) -> str:
    return (value or "").split("★")[0].strip()


def _all_specs(loaded: Loaded) -> Iterator[DocumentSpec]:
    yield loaded.spec
    for child in _attached(loaded):
        yield child.spec


def document_text(document: Document) -> str:
    """The words of the document in reading order, one paragraph a line."""
    lines: list[str] = []
    if document.masthead:
        lines += [document.masthead.mark, *document.masthead.lines_above_mark]
        lines.append(document.masthead.doc_number or "")
    elif document.doc_number:
        lines.append(document.doc_number)
    lines += document.title_lines
    if document.recipients:
        lines.append(document.recipients)
    lines += _paras(document.body)
    lines += [("附件：" if n == 0 else "") + a.number + a.title
              for n, a in enumerate(document.attachment_note)]
    lines += [document.signature.organ, document.signature.date]
    if document.note:
        lines.append(document.note)
    for attachment in document.attachments:
        lines += [attachment.label, *attachment.title_lines, *_paras(attachment.body)]
    if document.imprint:
        if document.imprint.cc:
            lines.append(f"抄送：{document.imprint.cc}")
        lines.append(f"{document.imprint.printer}　{document.imprint.print_date}")
    return "\n".join(line for line in lines if line)


def _paras(blocks: list[Block]) -> list[str]:
    """One line a paragraph; a table's title and cells one a line, row by row."""
    return [line for b in blocks
            for line in (b.texts() if isinstance(b, Table) else [b.lead + b.text])]


def _name(ref: str | Role) -> str:
    return ref.role if isinstance(ref, Role) else ref


def _mentions(spec: DocumentSpec, posts: dict[str, str]) -> list[Mention]:
    out: list[Mention] = []

    def add(refs, role: str, group: str) -> None:
        for ref in refs:
            if ref is not None:
                name = _name(ref)
                out.append(Mention(name, role, posts.get(name, ""), group))

    for item in _walk(spec.sections):
        if isinstance(item, LeadingGroupItem):
            g = item.leading_group
            add([g.leader], "组长", g.name)
            add(g.deputies, "副组长", g.name)
            add(g.members, "成员", g.name)
            if g.office is not None:
                add([g.office.head], "办公室主任", g.name + "办公室")
        elif isinstance(item, WorkingGroupsItem):
            for w in item.working_groups:
                add([w.leader], "组长", w.name)
                add(w.deputies, "副组长", w.name)
                add(w.members, "组员", w.name)
        elif isinstance(item, MeasuresItem):
            for m in item.measures:
                add([m.leader], "责任领导", m.title)
                add(m.doers, "责任人", m.title)
    named = {m.name for m in out}
    out += [Mention(p.name, "人员", p.post) for p in spec.people if p.name not in named]
    return out


def _walk(items: list) -> Iterator[object]:
    for item in items:
        yield item
        if isinstance(item, Section) and not isinstance(item.content, str):
            yield from _walk(item.content)


def _measures(items: list) -> Iterator:
    for item in _walk(items):
        if isinstance(item, MeasuresItem):
            yield from item.measures


def _measure(m) -> MeasureEntry:
    return MeasureEntry(m.title, "".join(m.content), (_name(m.leader),),
                        tuple(_name(d) for d in m.doers), m.deadline or "")


def _unique(people: list[Mention]) -> list[Mention]:
    return list(dict.fromkeys(people))


def incoming_generated(loaded: Loaded, document: Document, outputs: tuple[Path, ...]):
    """The YAML source (first: its hash identifies the record), attached sources, outputs."""
    from .core import Incoming
    from .extract import media_type, pdf_pages
    from .records import StoredFile
    from .store import sha256_bytes

    files = []
    sources = [loaded.path] + [child.path for child in _attached(loaded)]
    roles = ["source"] + [f"attachment-source-{n}" for n in range(1, len(sources))]
    # a unit plan (继承) is only whole with its district template and roster
    used = [(f"input-{n}", path) for n, path in enumerate(loaded.inputs, start=1)]
    for role, path in [*zip(roles, sources), *used, *((p.suffix[1:], p) for p in outputs)]:
        data = path.read_bytes()
        files.append((StoredFile(role, sha256_bytes(data), len(data), path.name,
                                 media_type(path)), data))
    content = content_of(loaded, document)
    pdfs = [p for p in outputs if p.suffix == ".pdf"]
    content.pages = pdf_pages(pdfs[0]) if pdfs else None
    return Incoming(files, content, "generated", str(loaded.path))


def _attached(loaded: Loaded) -> Iterator[Loaded]:
    for child in loaded.attached.values():
        yield child
        yield from _attached(child)
