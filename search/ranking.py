"""Ranked retrieval over whole posting lists at once.

Whoosh scores a query one matching document at a time, in Python; for a word found in most of
a 50,000-document archive that loop is nearly all of the query's time. Here each term's
postings are read block by block into arrays and scored together with numpy, using Whoosh's
own BM25F formula, idf and average field lengths, so the scores are Whoosh's. And, Or, Not
and AndNot become set operations on sorted document numbers. A phrase is the documents that
hold all its pieces, then those where the pieces stand at consecutive positions, both as
array operations (Whoosh's span matcher walks every candidate document in Python). Any other
kind of query is answered by Whoosh's own matcher.

Reading posting blocks needs Whoosh's codec internals: segments.py holds that part alone, and
tests/test_ranking.py compares every result with Whoosh's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
from whoosh import query
from whoosh.scoring import BM25F

from .segments import LENGTH_OF_BYTE, PackedPositions, length_bytes, read_postings, record_column

_LENGTH_OF_BYTE = np.array([n or 0 for n in LENGTH_OF_BYTE], dtype=np.float64)
_NO_IDS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class Matches:
    """Matching documents in ascending order, each with its score."""

    ids: np.ndarray  # int64, global document numbers
    scores: np.ndarray  # float64
    ties: np.ndarray | None = None  # what orders equal scores (default: document number)

    def __len__(self) -> int:
        return len(self.ids)

    def keep(self, mask: np.ndarray) -> "Matches":
        return Matches(self.ids[mask], self.scores[mask],
                       None if self.ties is None else self.ties[mask])

    def tied_by(self, keys: np.ndarray) -> "Matches":
        """The same matches, equal scores ordered by keys[document] (e.g. record ids)."""
        return Matches(self.ids, self.scores, keys[self.ids])

    def ranked(self) -> Iterator[tuple[int, float]]:
        """Every (document, score), best first."""
        order = self._order(self)
        return zip(self.ids[order].tolist(), self.scores[order].tolist())

    def top(self, count: int) -> list[tuple[int, float]]:
        """The best `count` as (document, score): higher score first, then lower tie key."""
        if count <= 0 or not len(self):
            return []
        if count < len(self):
            # everything scoring at least the count-th best score, so ties are all kept
            cut = np.partition(self.scores, len(self) - count)[len(self) - count]
            chosen = self.keep(self.scores >= cut)
        else:
            chosen = self
        order = self._order(chosen)[:count]
        return [(int(chosen.ids[i]), float(chosen.scores[i])) for i in order]

    @staticmethod
    def _order(found: "Matches") -> np.ndarray:
        ties = found.ids if found.ties is None else found.ties
        return np.lexsort((ties, -found.scores))


NONE = Matches(_NO_IDS, np.empty(0))


def _intersect(a: Matches, b: Matches) -> Matches:
    if not len(a) or not len(b):
        return NONE
    both = _member(a.ids, b.ids)
    return Matches(a.ids[both], a.scores[both] + b.scores[np.searchsorted(b.ids, a.ids[both])])


def _union(a: Matches, b: Matches, size: int) -> Matches:
    """Over dense arrays of all `size` documents: cheaper than sorting the two together."""
    if not len(a) or not len(b):
        return a if len(a) else b
    scores = np.zeros(size)
    scores[a.ids] += a.scores
    scores[b.ids] += b.scores
    hit = np.zeros(size, dtype=bool)
    hit[a.ids] = True
    hit[b.ids] = True
    ids = np.flatnonzero(hit)
    return Matches(ids, scores[ids])


def _without(a: Matches, b: Matches) -> Matches:
    return a.keep(~np.isin(a.ids, b.ids, assume_unique=True))


def _sorted_union(arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct values of ascending arrays, ascending (np.unique hashes: slower here)."""
    values = arrays[0] if len(arrays) == 1 else np.sort(np.concatenate(arrays))
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """For each of `values`, whether it is in the ascending array `sorted_set`."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


class Ranker:
    """Evaluates queries against one open Whoosh searcher (BM25F weighting)."""

    def __init__(self, searcher):
        if not isinstance(searcher.weighting, BM25F):
            raise TypeError("Ranker computes BM25F only")
        self.searcher = searcher
        self.schema = searcher.schema
        # (segment reader, offset); an empty index has one EmptyReader, with nothing to read
        self.leaves = [(leaf, offset) for leaf, offset in searcher.reader().leaf_readers()
                       if leaf.doc_count_all()]
        self.size = searcher.doc_count_all()
        self._live: np.ndarray | None = None
        self._records: np.ndarray | None = None
        self._lengths: dict[str, np.ndarray] = {}

    def prepare(self, fields: tuple[str, ...]) -> None:
        """Read now what the first query would: deletions, record ids, fields' lengths."""
        self.live()
        self.records()
        for field in fields:
            self.lengths(field)

    def live(self) -> np.ndarray:
        """True for every document that is not deleted."""
        if self._live is None:
            live = np.ones(self.size, dtype=bool)
            for leaf, offset in self.leaves:
                if leaf.has_deletions():
                    dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                    live[dead + offset] = False
            self._live = live
        return self._live

    def records(self) -> np.ndarray:
        """Each document's record id, read from the record column: equal scores are ordered
        by it, so results keep their order however the index is split into segments."""
        if self._records is None:
            out = np.zeros(self.size, dtype=np.int64)
            for leaf, offset in self.leaves:
                numbers = record_column(leaf)
                out[offset:offset + len(numbers)] = numbers
            self._records = out
        return self._records

    def mask(self, q: query.Query) -> np.ndarray:
        """The live documents matching `q`, unscored (a filter), as a mask; ranges and
        wildcards become their terms."""
        return self._mask(q.simplify(self.searcher.reader())) & self.live()

    def _mask(self, q: query.Query) -> np.ndarray:
        if isinstance(q, query.Term):
            mask = np.zeros(self.size, dtype=bool)
            mask[self._postings(q.fieldname, self._bytes(q))[0]] = True
        elif type(q) is query.And:
            mask = np.ones(self.size, dtype=bool)
            for sub in q.subqueries:
                mask &= self._mask(sub)
        elif type(q) is query.Or:
            mask = np.zeros(self.size, dtype=bool)
            for sub in q.subqueries:
                mask |= self._mask(sub)
        elif isinstance(q, query.Not):
            mask = ~self._mask(q.query)
        elif isinstance(q, query.AndNot):
            mask = self._mask(q.a) & ~self._mask(q.b)
        else:
            mask = np.zeros(self.size, dtype=bool)
            mask[np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)] = True
        return mask

    def matches(self, q: query.Query) -> Matches:
        """Every live document matching `q`, scored as Whoosh scores it."""
        if isinstance(q, query.Term):
            return self._term(q)
        if type(q) is query.And:
            return self._and(q.subqueries)
        if type(q) is query.Or and not q.scale:
            found = NONE
            for sub in q.subqueries:
                found = _union(found, self.matches(sub), self.size)
            return found
        if isinstance(q, query.AndNot):
            return _without(self.matches(q.a), self.matches(q.b))
        if isinstance(q, query.Not):  # Whoosh's InverseMatcher scores 1
            everything = np.flatnonzero(self.live())
            return _without(Matches(everything, np.ones(len(everything))),
                            self.matches(q.query))
        if q is query.NullQuery:
            return NONE
        if isinstance(q, query.Phrase) and q.slop == 1 and self._positional(q.fieldname):
            return self._phrase(q)
        return self._by_whoosh(q)

    def _and(self, subs) -> Matches:
        """Every sub-query's documents, scores summed (a Not scores 1, as in Whoosh); phrases
        are checked last, only in the documents the others leave."""
        checked = [s for s in subs if isinstance(s, query.Phrase)]
        others = [s for s in subs if not isinstance(s, query.Phrase)]
        if others:
            found = self.matches(others[0])
        else:
            found, checked = self.matches(checked[0]), checked[1:]
        for sub in others[1:]:
            if not len(found):
                return NONE
            found = _intersect(found, self.matches(sub))
        for phrase in checked:
            found = _intersect(found, self._phrase(phrase, among=found.ids))
        return found

    def _term(self, q: query.Term) -> Matches:
        text = self._bytes(q)
        ids, weights = self._postings(q.fieldname, text)
        if not len(ids):
            return NONE
        found = Matches(ids, self._score(q.fieldname, text, weights, ids))
        if q.boost != 1.0:
            found = Matches(found.ids, found.scores * q.boost)
        return found.keep(self.live()[found.ids])

    def _bytes(self, q: query.Term) -> bytes | None:
        """The term as the index holds it; None when it cannot be in the index."""
        if q.fieldname not in self.schema:
            return None
        try:
            return self.schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return None

    def _postings(self, field: str, text: bytes | None) -> tuple[np.ndarray, np.ndarray]:
        """(documents, weights) of a term over all segments, deleted documents included."""
        ids, weights, _, _ = self._read(field, text, positions=False)
        return ids, weights

    def _read(self, field: str, text: bytes | None, positions: bool,
              among: np.ndarray | None = None):
        """(documents, weights, counts, positions) over all segments (see
        segments.read_postings), deleted documents included; with `among`, blocks
        without any of those documents may be left out."""
        parts = [(_NO_IDS, np.empty(0), _NO_IDS, _NO_IDS)]
        for leaf, offset in self.leaves if text is not None else ():
            if (field, text) not in leaf:
                continue
            local = None
            if among is not None:
                local = among[(among >= offset) & (among < offset + leaf.doc_count_all())] - offset
                if not len(local):
                    continue
            ids, weights, counts, at = read_postings(leaf, field, text, positions, local)
            parts.append((ids + offset, weights, counts, at))
        return tuple(np.concatenate(column) for column in zip(*parts))

    def _positional(self, field: str) -> bool:
        return field in self.schema and isinstance(self.schema[field].format, PackedPositions)

    def _phrase(self, q: query.Phrase, among: np.ndarray | None = None) -> Matches:
        """The live documents (of `among`, when given) where the phrase's pieces stand at
        consecutive positions; scored as Whoosh scores a phrase: the sum of its terms'
        scores, times the phrase's boost. A phrase is a substring: its last piece, when one
        character, also stands for a longer piece starting with it (责任制 in 责任制度, cut
        责任 / 制度), scored as that piece."""
        slots = self._slots(q)
        if slots is None:
            return NONE
        # rarest first: each term's blocks are read only where the slots before left documents
        reader = self.searcher.reader()
        read, candidates = {}, among
        for terms in sorted(set(slots), key=lambda ts: sum(reader.doc_frequency(q.fieldname, t)
                                                           for t in ts)):
            ids = []
            for text in terms:
                read[text] = self._read(q.fieldname, text, positions=True, among=candidates)
                ids.append(read[text][0])
            ids = _sorted_union(ids)
            candidates = ids if candidates is None else candidates[_member(candidates, ids)]
            if not len(candidates):
                return NONE
        starts = None  # (document << 32 | position of the first piece), ascending
        for i, terms in enumerate(slots):
            keys = _sorted_union([self._starts(read[t], candidates, i) for t in terms])
            starts = keys if starts is None else starts[_member(starts, keys)]
            if not len(starts):
                return NONE
        docs = _sorted_union([starts >> 32])
        scores = np.zeros(len(docs))
        for terms in slots:
            for text in terms:
                ids, weights, _, _ = read[text]
                has = _member(docs, ids)
                at = np.searchsorted(ids, docs[has])
                scores[has] += self._score(q.fieldname, text, weights[at], docs[has])
        found = Matches(docs, scores * q.boost)
        return found.keep(self.live()[found.ids])

    def _slots(self, q: query.Phrase) -> list[tuple[bytes, ...]] | None:
        """The terms that may stand at each place of the phrase (None: it cannot match)."""
        texts = [self._bytes(query.Term(q.fieldname, word)) for word in q.words]
        if any(text is None for text in texts):
            return None
        slots = [(text,) for text in texts]
        last = q.words[-1]
        if len(last) == 1 and len(texts) > 1:
            longer = [t for t in self.searcher.reader().expand_prefix(q.fieldname, last)
                      if t != texts[-1]]
            slots[-1] = (texts[-1], *longer)
        return slots

    @staticmethod
    def _starts(read, candidates: np.ndarray, i: int) -> np.ndarray:
        """(document << 32 | position - i) of a term's postings in the candidates."""
        ids, _, counts, at = read
        keep = np.repeat(_member(ids, candidates), counts) & (at >= i)
        return (np.repeat(ids, counts)[keep] << 32) | (at[keep] - i)

    def _score(self, field: str, text: bytes, weights: np.ndarray, ids: np.ndarray):
        """Whoosh's BM25F (scoring.bm25) for every posting at once; unscorable fields
        (IDs, keywords) score their weight, as Whoosh's WeightScorer does."""
        if not self.schema[field].scorable:
            return weights
        model = self.searcher.weighting
        idf = self.searcher.idf(field, text)
        avgfl = self.searcher.avg_field_length(field) or 1
        B = model._field_B.get(field, model.B)
        K1 = model.K1
        fl = self.lengths(field)[ids]
        return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * fl / avgfl)))

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in `field`, as Whoosh stores it (one byte, decoded)."""
        if field not in self._lengths:
            codes = np.zeros(self.size, dtype=np.uint8)
            for leaf, offset in self.leaves:
                stored = length_bytes(leaf._perdoc, field)
                if stored:
                    codes[offset:offset + len(stored)] = np.frombuffer(stored, dtype=np.uint8)
            self._lengths[field] = _LENGTH_OF_BYTE[codes]
        return self._lengths[field]

    def _by_whoosh(self, q: query.Query) -> Matches:
        """`q` answered by Whoosh's matchers segment by segment."""
        ids, scores = [], []
        for searcher, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(searcher, searcher.context())
            while matcher.is_active():
                ids.append(matcher.id() + offset)
                scores.append(matcher.score())
                matcher.next()
        found = Matches(np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64))
        return found.keep(self.live()[found.ids])
