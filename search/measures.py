"""One measure matched against a query, for `who`.

The index keeps a document's measures together in its m_* fields, so a query on them finds
the documents that may hold a matching measure (a two-word query could find one word in
each of two measures). Each measure of those documents is matched here against the same
query, rewritten as query.with_pairs rewrites it, with the same analysis as the index.
"""
from __future__ import annotations

from dataclasses import dataclass

from whoosh import query

from archive.records import MeasureEntry

from .analysis import pairs, placed
from .index import pair_field


@dataclass(frozen=True)
class MeasureTerms:
    """A measure's terms per index field; for the pair fields, each pair's positions."""

    words: dict[str, frozenset[str]]
    pairs_at: dict[str, dict[str, frozenset[int]]]

    @classmethod
    def of(cls, measure: MeasureEntry) -> "MeasureTerms":
        words, pairs_at = {}, {}
        for field, text in (("m_title", measure.title), ("m_content", measure.text)):
            words[field] = frozenset(piece for piece, _ in placed(text))
            where: dict[str, set[int]] = {}
            for pair, position in pairs(text):
                where.setdefault(pair, set()).add(position)
            pairs_at[pair_field(field)] = {p: frozenset(at) for p, at in where.items()}
        return cls(words, pairs_at)

    def has(self, field: str, term: str) -> bool:
        if field in self.words:
            return term in self.words[field]
        return term in self.pairs_at.get(field, {})

    def has_phrase(self, field: str, terms: list[str]) -> bool:
        """The pairs at consecutive positions (see analysis.pairs)."""
        where = self.pairs_at.get(field, {})
        if any(term not in where for term in terms):
            return False
        return any(all(start + i in where[term] for i, term in enumerate(terms))
                   for start in where[terms[0]])


def matches(q: query.Query, terms: MeasureTerms) -> bool:
    """Whether the measure holds what `q` (after with_pairs) asks for. Only the kinds of
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
