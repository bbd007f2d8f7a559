"""What `archive add` puts in the catalog for received texts, and how fast: every file of a
folder archived into a fresh archive in one process (no index), then per-field counts read
back from the catalog. For ../shared/corpus the first line of each file is its title.

    .venv/bin/python bench/bench_catalog.py --corpus ../shared/corpus [--limit N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.core import Archive  # noqa: E402
from generator.importer.front import title_kind  # noqa: E402


def first_line(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.suffix.lower() in (".txt", ".md"))
    files = files[:args.limit] if args.limit else files
    with tempfile.TemporaryDirectory() as tmp, Archive(Path(tmp) / "arc") as archive:
        start = time.perf_counter()
        outcomes = [archive.add_received(path) for path in files]
        seconds = time.perf_counter() - start
        counts = dict.fromkeys(("added", "标题 = 首行", "文种 = 标题所示", "成文日期", "发文机关",
                                "年度已知", "有人员", "有工作措施"), 0)
        for path, outcome in zip(files, outcomes):
            if outcome.status != "added":
                continue
            counts["added"] += 1
            record = archive.get(outcome.record_id)
            meta, title = record.metadata, first_line(path)
            counts["标题 = 首行"] += meta.title == title
            counts["文种 = 标题所示"] += bool(meta.kind) and title.endswith(meta.kind) or (
                meta.kind == "方案" and title_kind(title).endswith("方案"))
            counts["成文日期"] += bool(meta.date)
            counts["发文机关"] += bool(meta.organ)
            counts["年度已知"] += record.year != 0
            counts["有人员"] += bool(archive.catalog.people(record.id))
            counts["有工作措施"] += bool(archive.catalog.measures(record.id))
    print(f"{len(files)} files, {seconds:.1f} s, {len(files) / seconds:.1f} files/s (archive add, no index)")
    for name, n in counts.items():
        print(f"  {name}: {n} ({n / max(len(files), 1):.0%})")


if __name__ == "__main__":
    main()
