"""Word-level differences between two Chinese texts (jieba words, not characters)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

EQUAL, DELETE, INSERT = "=", "-", "+"


@dataclass(frozen=True)
class Op:
    kind: str  # "=", "-" or "+"
    text: str


def words(text: str) -> list[str]:
    from search.analysis import words  # the search's dictionary, loaded once

    return words(text)


def word_diff(old: str, new: str) -> list[Op]:
    """Runs of equal, deleted and inserted words turning `old` into `new`."""
    a, b = words(old), words(new)
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(Op(EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(Op(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(Op(INSERT, "".join(b[j1:j2])))
    return ops


def marked(ops: list[Op] | tuple[Op, ...], paint=lambda text, colour: text) -> str:
    """Text form: [-deleted-]{+inserted+}; `paint(text, colour)` may colour the changes."""
    return "".join(op.text if op.kind == EQUAL else
                   paint(f"[-{op.text}-]", "red") if op.kind == DELETE else
                   paint(f"{{+{op.text}+}}", "green") for op in ops)
