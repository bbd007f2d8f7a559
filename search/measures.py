"""One measure matched against a query, for `who`.

The index keeps a document's measures together in its m_* fields, so a query on them finds
the documents that may hold a matching measure (a two-word query could find one word in
each of two measures). Each measure of those documents is matched here against the same
query, rewritten as query.for_ranking rewrites it, with the same analysis as the index.
"""
from __future__ import annotations

from dataclasses import dataclass

from whoosh import query

from archive.records import MeasureEntry

from .analysis import placed


@dataclass(frozen=True)
class MeasureTerms:
    """A measure's pieces per index field, each with its positions."""

    at: dict[str, dict[str, frozenset[int]]]

    @classmethod
    def of(cls, measure: MeasureEntry) -> "MeasureTerms":
        at = {}
        for field, text in (("m_title", measure.title), ("m_content", measure.text)):
            where: dict[str, set[int]] = {}
            for piece, position in placed(text):
                where.setdefault(piece, set()).add(position)
            at[field] = {p: frozenset(found) for p, found in where.items()}
        return cls(at)

    def has(self, field: str, term: str) -> bool:
        return term in self.at.get(field, {})

    def has_phrase(self, field: str, terms: list[str]) -> bool:
        """The pieces at consecutive positions; a last piece of one character also stands
        for a longer piece starting with it, as in ranking.Ranker._phrase."""
        where = self.at.get(field, {})
        slots = [{term} for term in terms]
        if len(terms) > 1 and len(terms[-1]) == 1:
            slots[-1] |= {piece for piece in where if piece.startswith(terms[-1])}
        at = [set().union(*(where.get(t, ()) for t in slot)) for slot in slots]
        return any(all(start + i in at[i] for i in range(1, len(at))) for start in at[0])


def matches(q: query.Query, terms: MeasureTerms) -> bool:
    """Whether the measure holds what `q` (after for_ranking) asks for. Only the kinds of
    query the search parser makes are known; any other part counts as matching, so the
    document-level match decides."""
    if isinstance(q, query.Term):
        return q.fieldname == "kind" or terms.has(q.fieldname, q.text)
    if isinstance(q, query.Phrase):
        return terms.has_phrase(q.fieldname, list(q.words))
    if isinstance(q, query.And):
        return all(matches(sub, terms) for sub in q.subqueries)
    if isinstance(q, query.Or):
        return any(matches(sub, terms) for sub in q.subqueries)
    if isinstance(q, query.Not):
        return not matches(q.query, terms)
    if isinstance(q, query.AndNot):
        return matches(q.a, terms) and not matches(q.b, terms)
    return True
