"""Whoosh's W3 codec with field lengths read a column at a time.

Writing a segment, Whoosh looks up the length of the field in the document of every posting
(for the block's length bounds): one small file read per posting, plus a file-exists check
per posting for fields that keep no lengths. Here each field's length column is read whole,
once. The codec is recorded in each segment: keep this module path and class name stable.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

# the length Whoosh decodes from each stored byte (0: no length)
LENGTH_OF_BYTE = [byte_to_length(b) if b else None for b in range(256)]


def length_bytes(perdoc: W3PerDocReader, field: str) -> bytes | None:
    """The stored length byte of `field` for every document of one segment (documents past
    the end have none); None when the field keeps no lengths."""
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is None:
        return None
    return column._dbfile.get(column._basepos, column._count)


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


class Codec(W3Codec):
    def per_document_reader(self, storage, segment):
        return WholeColumnLengths(storage, segment)
