"""Writing gongwen YAML the way people write it: Chinese kept, paragraphs on one line, short
lists and people in flow style; files replaced atomically."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq


def yaml_writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # keep Chinese paragraphs on one line
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # [王丽, {角色: 各班班主任}]
    return yaml


def flow(items: list) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def flow_map(pairs: dict) -> CommentedMap:
    mapping = CommentedMap(pairs)
    mapping.fa.set_flow_style()
    return mapping


def dump(tree: CommentedMap) -> str:
    out = io.StringIO()
    yaml_writer().dump(tree, out)
    return out.getvalue()


def write_atomically(path: Path, data: str | bytes, like: os.stat_result | None = None) -> None:
    """Write to a temporary name beside `path`, then rename: readers never see half a file,
    and a failed write leaves no temporary file. `like`: the new file takes that file's
    permission bits (and its owner, where allowed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if like is not None:
            try:
                os.chown(tmp, like.st_uid, like.st_gid)
            except PermissionError:
                pass  # not ours to give away: the file keeps its mode, with us as owner
            os.chmod(tmp, stat.S_IMODE(like.st_mode))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
