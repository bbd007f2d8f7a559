"""The naive peer: the same libraries used the way their READMEs show.

Whoosh with jieba.analyse.ChineseAnalyzer on title and content, the default writer in one
process, a plain QueryParser over content. It gets the metadata gongwen's archive extracted
(unit, type, date, people) as plain fields, so filtered queries mean the same on both sides.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from whoosh import fields, index, query
from whoosh.qparser import QueryParser


def schema() -> fields.Schema:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer, stored=True),
        content=fields.TEXT(analyzer=analyzer),
        unit=fields.ID(),
        type=fields.ID(),
        person=fields.KEYWORD(commas=True),
        date=fields.DATETIME(),
    )


def build(folder: Path, records) -> int:
    """Index (record_id, title, text, unit, type, date, people) tuples; returns the count."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(folder), schema())
    writer = ix.writer()
    count = 0
    for rid, title, text, unit, kind, day, people in records:
        doc = dict(id=str(rid), title=title, content=text, unit=unit, type=kind,
                   person=",".join(people))
        if day:
            doc["date"] = datetime.fromisoformat(day)
        writer.add_document(**doc)
        count += 1
    writer.commit()
    return count


class Searcher:
    """One open searcher for many queries (the peer is given that much)."""

    def __init__(self, folder: Path):
        self.ix = index.open_dir(str(folder))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("content", self.ix.schema)

    def close(self) -> None:
        self.searcher.close()

    def _filter(self, unit="", kind="", person="", date_from=None, date_to=None):
        parts = []
        if unit:
            parts.append(query.Term("unit", unit))
        if kind:
            parts.append(query.Term("type", kind))
        if person:
            parts.append(query.Term("person", person))
        if date_from or date_to:
            parts.append(query.DateRange("date", date_from, date_to))
        return query.And(parts) if parts else None

    def search(self, words: str, limit: int | None = 10, **filters) -> list[str]:
        hits = self.searcher.search(self.parser.parse(words), filter=self._filter(**filters),
                                    limit=limit)
        if limit is None:
            return [hit["id"] for hit in hits]
        return [hit["title"] for hit in hits]
