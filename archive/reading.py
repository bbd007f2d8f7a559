"""A received document's catalog entry — metadata, people, measures — from what the importer
read in it (the one reader `gongwen import` and `gongwen check` use too).

The importer reads a simplified copy of the text; `SourceText.original` gives each value back
in the source's own characters, so a document in traditional characters keeps its wording in
the catalog. The catalog text is the file's text, whole.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from generator.dates import dates_stated
from generator.importer.clean import fold_characters
from generator.importer.document import Imported
from generator.importer.findings import Level
from generator.importer.front import title_kind
from generator.importer.paragraphs import Paragraph

from .overrides import SECRECY_LEVELS
from .records import Content, MeasureEntry, Mention, Metadata

_CATALOG_KIND = {"实施方案": "方案", "工作方案": "方案"}  # the catalog files both as 方案
_FRONT = ("标题", "发文机关", "成文日期", "发文字号", "主送机关", "文种")
_ROLES = (("组长", "组长"), ("副组长", "副组长"), ("成员", "成员"), ("组员", "成员"))


class SourceText:
    """The received paragraphs, and the way back from the importer's simplified reading."""

    def __init__(self, paragraphs: list[Paragraph]):
        self._raw = "\n".join(p.text for p in paragraphs)
        folded = [(fold_characters(p.text), p.text) for p in paragraphs] if fold_characters(self._raw) != self._raw else []
        self._lines = [(f, raw) for f, raw in folded if f != raw and len(f) == len(raw)]
        counts: dict[str, Counter] = {}
        for f, raw in self._lines:
            for a, b in zip(f, raw):
                if a != b:
                    counts.setdefault(a, Counter())[b] += 1
        self._chars = {a: seen.most_common(1)[0][0] for a, seen in counts.items()}

    def original(self, value: str) -> str:
        """`value`, read from the simplified copy, as the source wrote it: itself where the
        source has it so, else the slice of the paragraph it stands in, else character by
        character."""
        if not value or not self._chars or value in self._raw:
            return value
        for folded, raw in self._lines:
            k = folded.find(value)
            if k >= 0:
                return raw[k:k + len(value)]
        return "".join(self._chars.get(ch, ch) for ch in value)


def content_of(imported: Imported, paragraphs: list[Paragraph], text: str) -> Content:
    source = SourceText(paragraphs)
    fields = imported.fields
    title = str(fields.get("标题") or "").replace("\n", "")
    meta = Metadata(
        title=source.original(title),
        kind=_catalog_kind(fields, title),
        organ=source.original(fields.get("发文机关") or ""),
        doc_number=source.original(str(fields.get("发文字号") or "")),
        date=_iso(fields.get("成文日期")),
        recipients="、".join(source.original(str(x)) for x in _listed(fields.get("主送机关"))),
        cc="、".join(source.original(str(x)) for x in _listed(fields.get("抄送"))),
        secrecy=next((s for s in SECRECY_LEVELS if str(fields.get("密级") or "").startswith(s)), ""),
    )
    people: list[Mention] = []
    measures: list[MeasureEntry] = []
    for document in (imported, *imported.attached):
        _walk(document.fields.get("正文", []), _posts(document.fields), source, people, measures)
    content = Content(text=text, metadata=meta, people=people, measures=measures,
                      warnings=_front_notes(imported))
    if not meta.date:
        content.stated_date, content.stated_where = _stated_date(paragraphs)
    return content


def _catalog_kind(fields: dict, title: str) -> str:
    """The 文种 the title names (报告, 意见, 条例 …), not the three gongwen writes; none for
    what is not a document (the importer leaves 文种 empty then)."""
    if fields.get("文种") is None:
        return ""
    kind = title_kind(title)
    return _CATALOG_KIND.get(kind, kind)


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else ""


def _listed(value) -> list:
    if not value:
        return []
    return value if isinstance(value, list) else [value]


def _posts(fields: dict) -> dict[str, str]:
    return {p["姓名"]: p.get("职务", "") for p in fields.get("人员", []) if isinstance(p, dict)}


def _walk(items, posts: dict[str, str], source: SourceText, people: list[Mention],
          measures: list[MeasureEntry]) -> None:
    """Groups and measures anywhere in the 正文, in order, and who is named in them."""
    if isinstance(items, list):
        for item in items:
            _walk(item, posts, source, people, measures)
        return
    if not isinstance(items, dict):
        return
    groups = items.get("工作组")
    for group in ([items["领导小组"]] if isinstance(items.get("领导小组"), dict) else []) + (
            groups if isinstance(groups, list) else []):
        if isinstance(group, dict):
            people += _group_people(group, posts, source)
    for m in items.get("工作措施") or []:
        if isinstance(m, dict):
            leaders, doers = _names(m.get("责任领导")), _names(m.get("责任人"))
            measure = MeasureEntry(source.original(str(m.get("标题") or "")),
                                   source.original(_joined(m.get("内容"))),
                                   tuple(map(source.original, leaders)), tuple(map(source.original, doers)),
                                   source.original(str(m.get("完成时限") or "")))
            measures.append(measure)
            people += [_mention(n, role, measure.title, posts, source)
                       for role, names in (("责任领导", leaders), ("责任人", doers)) for n in names]
    for key, value in items.items():
        if key not in ("领导小组", "工作组", "工作措施"):
            _walk(value, posts, source, people, measures)


def _group_people(group: dict, posts: dict[str, str], source: SourceText) -> list[Mention]:
    name = source.original(str(group.get("名称") or ""))
    return [_mention(n, role, name, posts, source) for key, role in _ROLES for n in _names(group.get(key))]


def _mention(name: str, role: str, group: str, posts: dict[str, str], source: SourceText) -> Mention:
    """`name` as the importer read it, which is how its roster (`posts`) is keyed."""
    return Mention(source.original(name), role, source.original(posts.get(name, "")), group)


def _names(value) -> tuple[str, ...]:
    """The people a field names (a name, or a list of names and {角色: …}: roles are not people)."""
    return tuple(v for v in _listed(value) if isinstance(v, str) and v)


def _joined(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "".join(_joined(v) for v in value.values())
    if isinstance(value, list):
        return "".join(_joined(v) for v in value)
    return "" if value is None else str(value)


def _front_notes(imported: Imported) -> list[str]:
    """What the reader says of front matter it did not read in the text itself: a title from
    the file name or rebuilt, a field from the web page's info table."""
    return [f.message for f in imported.findings
            if f.about in _FRONT and (f.level is Level.CHANGED or f.about == "标题")]


def _stated_date(paragraphs: list[Paragraph]) -> tuple[str, str]:
    """The latest whole date the text states (印发, 施行, a date in the body) and where: the
    year of a document without 成文日期 is most likely that one's."""
    found = [(day, p.where) for p in paragraphs for day in dates_stated(p.text)  # 年月日 alike
             if day <= date.today()]  # in both scripts; not a deadline ahead
    if not found:
        return "", ""
    day, where = max(found, key=lambda d: d[0])
    return day.isoformat(), where
