"""The limits on what gongwen reads, in one place. Each is far above any real document (the
largest sample is ~20 KB, ~1,500 nodes, 12 levels deep) and low enough that a hostile file is
refused in bounded time and memory."""
from __future__ import annotations

MAX_YAML_BYTES = 4 * 1024 * 1024  # one YAML file (document, template, roster, sidecar)
MAX_TABLE_BYTES = 16 * 1024 * 1024  # one CSV roster
MAX_YAML_NODES = 500_000  # nodes of one YAML document with every alias expanded
MAX_YAML_DEPTH = 64  # nesting of maps and lists, aliases expanded
MAX_NUMBERED_ITEMS = 99_999_999  # the largest number numbering.chinese_numeral writes
