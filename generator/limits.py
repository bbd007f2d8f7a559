"""The limits on what gongwen reads, in one place. Each is far above any real document (the
largest sample is 7 KB, 356 nodes, 10 levels deep; a plan of 1,001 measures 187 KB,
15,000 nodes) and low enough that a hostile file is refused in bounded time and memory
(ruamel composes some 5,000-20,000 nodes a second: the node limit bounds the time)."""
from __future__ import annotations

MAX_YAML_BYTES = 2 * 1024 * 1024  # one YAML file (document, template, roster, sidecar)
MAX_TABLE_BYTES = 16 * 1024 * 1024  # one CSV roster
MAX_YAML_NODES = 200_000  # nodes of one YAML document with every alias expanded
MAX_YAML_DEPTH = 64  # nesting of maps and lists, aliases expanded
MAX_NUMBERED_ITEMS = 99_999_999  # the largest number numbering.chinese_numeral writes
MAX_TABLE_COLUMNS = 40  # a 表格's columns (a landscape block 225 mm wide: ~5 mm each)
