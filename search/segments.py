"""Writing index segments faster than stock Whoosh, and positions numpy can read a block at once.

- Postings straight from the analysed pieces: a field's format asks the tokenizer for its
  (term, position) list and counts it, instead of walking a stream of Token objects.
- Positions packed as 2-byte little-endian gaps (PackedPositions; 4-byte where a gap needs
  it): Whoosh's own Positions format pickles a list per posting; these bytes join, for a
  whole block of postings, into one array (ranking.py checks phrases over them with numpy).
- Field lengths read a column at a time: writing a segment, Whoosh looks up the length of the
  field in the document of every posting (for the block's length bounds), one small file
  read per posting, plus a file-exists check per posting for fields that keep no lengths.

Formats are pickled into the schema and the codec into each segment: keep this module path
and the class names stable.
"""
from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from itertools import accumulate, chain

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import (LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec,
                                  W3LeafMatcher, W3PerDocReader, W3PostingsWriter, _lenfield)
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length


def _placed(analyzer, value, kwargs):
    """The tokenizer's (term, position) list when it has one and plain indexing is asked."""
    if kwargs.get("mode", "index") != "index" or not isinstance(value, str):
        return None
    placed = getattr(analyzer, "placed", None)
    return placed(value) if placed else None


class PackedPositions(formats.Positions):
    """Whoosh's Positions format (frequency, weight, positions) with the positions stored
    as packed gaps (the first from 0): 2-byte little-endian gaps, or, when a gap does not fit
    in 2 bytes, one marker byte and 4-byte gaps (an odd length says which)."""

    def word_values(self, value, analyzer, **kwargs):
        found = _placed(analyzer, value, kwargs)
        if found is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        where = defaultdict(list)
        for term, position in found:
            where[term].append(position)
        for term, positions in where.items():
            yield term, len(positions), float(len(positions)) * boost, pack_positions(positions)

    def encode(self, poslist):
        return pack_positions(poslist)

    def decode_positions(self, valuestring):
        return list(accumulate(unpack_gaps(valuestring)))

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4 if len(valuestring) % 2 else len(valuestring) // 2

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


_WIDE = next(code for code in "IL" if array(code).itemsize == 4)  # 4-byte unsigned
_WIDE_MARK = b"\x00"


def _packed(code: str, numbers) -> bytes:
    packed = array(code, numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _unpacked(code: str, data: bytes) -> array:
    packed = array(code, data)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed


def pack_uints(numbers) -> bytes:
    """Numbers < 2**32 as 4-byte little-endian unsigned integers."""
    return _packed(_WIDE, numbers)


def unpack_uints(data: bytes) -> array:
    return _unpacked(_WIDE, data)


def pack_positions(positions) -> bytes:
    """Ascending positions as packed gaps (see PackedPositions)."""
    gaps = [b - a for a, b in zip(chain((0,), positions), positions)]
    if max(gaps, default=0) < 1 << 16:
        return _packed("H", gaps)
    return _WIDE_MARK + pack_uints(gaps)


def unpack_gaps(valuestring: bytes) -> array:
    if len(valuestring) % 2:
        return unpack_uints(valuestring[1:])
    return _unpacked("H", valuestring)


_NO_IDS = np.empty(0, dtype=np.int64)

# the length Whoosh decodes from each stored byte (0: no length)
LENGTH_OF_BYTE = [byte_to_length(b) if b else None for b in range(256)]


def length_bytes(perdoc: W3PerDocReader, field: str) -> bytes | None:
    """The stored length byte of `field` for every document of one segment (documents past
    the end have none); None when the field keeps no lengths."""
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    return None if column is None else column_bytes(column)


def record_column(leaf) -> np.ndarray:
    """The values of a segment's `record` column (a NumericColumn), read whole; documents
    past the last one with a value have none (empty for a segment without the column)."""
    column = leaf.column_reader("record", translate=False)
    if not hasattr(column, "_dbfile"):
        return _NO_IDS
    return np.frombuffer(column_bytes(column), dtype=">" + column._typecode).astype(np.int64)


def column_bytes(column) -> bytes:
    """The stored values of a fixed-size column (a NumericColumn.Reader) as one read: one
    value per document up to the last one that has a value."""
    return column._dbfile.get(column._basepos, column._count * column._fixedlen)


class WholeColumnLengths(W3PerDocReader):
    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        if fieldname not in self._length_bytes:
            self._length_bytes[fieldname] = length_bytes(self, fieldname)
        stored = self._length_bytes[fieldname]
        if stored is None:
            return default
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        return LENGTH_OF_BYTE[stored[docnum]] if docnum < len(stored) else None


class PackedPostingsWriter(W3PostingsWriter):
    """Whoosh's posting writer, with a block's document numbers (as gaps) and weights
    stored as packed arrays instead of tuples of Python numbers, and a block of
    PackedPositions values as one joined string of bytes and their lengths (a list, where
    Whoosh stores a tuple of strings): reading a block is then a few array copies."""

    def _mini_ids(self):
        if self._byteids:
            return super()._mini_ids()
        ids = self._ids
        return pack_uints(b - a for a, b in zip(chain((0,), ids), ids))

    def _mini_weights(self):
        mini = super()._mini_weights()  # None (all 1.0) or one float (all equal), kept
        return _packed("f", self._weights) if isinstance(mini, tuple) else mini

    def _mini_values(self):
        if not isinstance(self._format, PackedPositions):
            return super()._mini_values()
        values = self._values
        return [b"".join(values), pack_uints(map(len, values))]


class PackedLeafMatcher(W3LeafMatcher):
    """Whoosh's posting reader for blocks written by PackedPostingsWriter (for Whoosh's own
    matchers and merges; ranking.py reads the arrays directly, see read_postings)."""

    def _read_header(self):
        # Whoosh raises a bare Exception for a wrong tag (a damaged or truncated file)
        if self._postfile.get(self._startoffset, 4) != WHOOSH3_HEADER_MAGIC:
            raise ValueError("posting list without its header: the postings file is damaged")
        super()._read_header()

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        if not isinstance(self._data[0], bytes):
            return super()._read_ids()
        self._ids = tuple(accumulate(unpack_uints(self._data[0])))

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        if not isinstance(self._data[1], bytes):
            return super()._read_weights()
        self._weights = _unpacked("f", self._data[1])

    def _read_values(self):
        if self._data is None:
            self._read_data()
        stored = self._data[2]
        if not isinstance(stored, list):
            return super()._read_values()
        joined, lengths = stored
        ends = list(accumulate(unpack_uints(lengths)))
        self._values = tuple(joined[a:b] for a, b in zip(chain((0,), ends), ends))


BLOCK_POSTINGS = 1024  # Whoosh's 128 suits skipping; ranking.py reads whole lists instead
# Blocks are not zlib-compressed: inflating was a third of a phrase query's time, and the
# packed 2-byte gaps are about as small as FTS5's varints already.
BLOCK_COMPRESSION = 0


class Codec(W3Codec):
    def __init__(self, blocklimit=None, compression=None, inlinelimit=1):
        super().__init__(blocklimit or BLOCK_POSTINGS,
                         BLOCK_COMPRESSION if compression is None else compression, inlinelimit)

    def per_document_reader(self, storage, segment):
        return WholeColumnLengths(storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return PackedPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                    compression=self._compression,
                                    inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return PackedLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


# -- reading postings a block at a time (for ranking.py)

_NO_POSITIONS = np.empty(0, dtype=np.int64)


def read_postings(leaf, field: str, text: bytes, positions: bool = False,
                  among: np.ndarray | None = None):
    """(documents, weights, counts, positions) of a term in one segment, deleted documents
    included: documents ascending; counts[i] positions of documents[i] follow one another
    in `positions` (empty unless asked for, or when the field keeps none). With `among`
    (ascending document numbers), blocks holding none of them are skipped unread, so some
    other documents may be left out."""
    matcher = leaf.postings(field, text)
    if isinstance(matcher, FilterMatcher):  # deletions: applied by the caller instead
        matcher = matcher.child
    ids, weights, joined, lengths = [], [], [], []
    if isinstance(matcher, PackedLeafMatcher) and not matcher._byteids:
        last = -1  # the last document of the block before
        while matcher.is_active():
            if among is not None and _none_between(among, last, matcher._maxid):
                last = matcher._maxid
                matcher._next_block()
                continue
            last = matcher._maxid
            matcher._read_data()
            gaps, stored_weights, stored = matcher._data
            ids.append(np.cumsum(np.frombuffer(gaps, dtype="<u4"), dtype=np.int64))
            weights.append(_block_weights(stored_weights, matcher._blocklength))
            if positions and isinstance(stored, list):
                joined.append(stored[0])
                lengths.append(stored[1])
            matcher._next_block()
    else:  # inlined (one posting), or a segment written by another codec
        found = []
        while matcher.is_active():
            found.append((matcher.id(), matcher.weight(),
                          matcher.value() if positions and matcher.supports("positions") else b""))
            matcher.next()
        ids.append(np.array([d for d, _, _ in found], dtype=np.int64))
        weights.append(np.array([w for _, w, _ in found], dtype=np.float64))
        if positions and found and isinstance(matcher.format, PackedPositions):
            joined.append(b"".join(v for _, _, v in found))
            lengths.append(pack_uints(len(v) for _, _, v in found))
    documents = np.concatenate(ids) if ids else _NO_IDS
    weights_ = np.concatenate(weights) if weights else np.empty(0)
    if not joined:
        return documents, weights_, np.zeros(len(documents), dtype=np.int64), _NO_POSITIONS
    counts, gaps = _gaps(b"".join(joined), np.frombuffer(b"".join(lengths), dtype="<u4"))
    total = np.cumsum(gaps)
    # each posting's positions count from 0 (every posting has one at least): take away the
    # sum of the gaps before its first one
    starts = np.cumsum(counts) - counts
    return documents, weights_, counts, total - np.repeat(total[starts] - gaps[starts], counts)


def _block_weights(stored, count: int) -> np.ndarray:
    if stored is None:  # all 1.0
        return np.ones(count)
    if isinstance(stored, float):  # all the same
        return np.full(count, stored)
    return np.frombuffer(stored, dtype="<f4").astype(np.float64)


def _none_between(ascending: np.ndarray, after: int, upto: int) -> bool:
    """Whether no number of `ascending` is in (after, upto]."""
    return (np.searchsorted(ascending, after, "right")
            == np.searchsorted(ascending, upto, "right"))


def _gaps(joined: bytes, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions per posting, all gaps) of joined PackedPositions values."""
    lengths = lengths.astype(np.int64)
    if not (lengths & 1).any():  # all 2-byte gaps: one array
        return lengths // 2, np.frombuffer(joined, dtype="<u2").astype(np.int64)
    ends = np.cumsum(lengths)
    parts = [np.array(unpack_gaps(joined[end - size:end]), dtype=np.int64)
             for size, end in zip(lengths.tolist(), ends.tolist())]
    return np.array([len(p) for p in parts], dtype=np.int64), np.concatenate(parts)
