"""Whoosh keeps its table of contents, segment list and stored fields as pickles. A pickle can
call any function it names, so whoever can write the index folder could run code as the
auditor who searches. Every pickle Whoosh reads is therefore read here, by an unpickler that
builds only the classes an index holds.

Isolated here on purpose: it reaches into whoosh-reloaded 2.7.5's module attributes
(`load_pickle`, `loads`, `pickle`) to swap the loader, and tests/test_index_damage.py checks it
still does on every run (a forged TOC that would run code is refused).
"""
from __future__ import annotations

import io
import pickle

_MODULES = ("whoosh.", "search.")  # classes of these only
_ALLOWED = {
    ("builtins", name) for name in ("int", "float", "complex", "bool", "str", "bytes",
                                    "bytearray", "list", "tuple", "dict", "set", "frozenset",
                                    "object")
} | {
    ("__builtin__", "long"), ("__builtin__", "set"), ("__builtin__", "frozenset"),
    ("_codecs", "encode"),  # bytes pickled by protocol 2
    ("re", "_compile"),  # RegexTokenizer's pattern
    ("collections", "defaultdict"), ("collections", "OrderedDict"),
    ("copyreg", "_reconstructor"), ("array", "array"),
}


class _IndexUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if "." not in name:  # no dotted paths into a module's attributes
            if (module, name) in _ALLOWED:
                return super().find_class(module, name)
            if module.startswith(_MODULES):
                found = super().find_class(module, name)
                if isinstance(found, type):
                    return found
        raise pickle.UnpicklingError(f"索引文件中有不应有的对象 {module}.{name}")


def loads(data: bytes, *args, **kwargs):
    return _IndexUnpickler(io.BytesIO(data)).load()


def load(file, *args, **kwargs):
    return _IndexUnpickler(file).load()


class _PickleModule:
    """What whoosh.index uses of the pickle module, with loads restricted."""

    loads = staticmethod(loads)
    dumps = staticmethod(pickle.dumps)
    PicklingError = pickle.PicklingError
    UnpicklingError = pickle.UnpicklingError


def install() -> None:
    import whoosh.codec.whoosh3 as w3
    import whoosh.columns as columns
    import whoosh.filedb.structfile as structfile
    import whoosh.index as whoosh_index

    structfile.load_pickle = load
    w3.loads = loads
    columns.loads = loads
    whoosh_index.pickle = _PickleModule


def installed() -> bool:
    import whoosh.codec.whoosh3 as w3
    import whoosh.columns as columns
    import whoosh.filedb.structfile as structfile
    import whoosh.index as whoosh_index

    return (structfile.load_pickle is load and w3.loads is loads and columns.loads is loads
            and whoosh_index.pickle is _PickleModule)
