"""Archive + index throughput and warm search latency.

    .venv/bin/python bench/bench_archive.py [--corpus DIR] [--copies N]

Without --corpus, documents are made from the samples' text with varied units and numbers,
so a fresh clone can run it. Prints docs/s for the add phase (read, extract, guess, store,
catalog) and the index phase separately, index size, and p50/p95 over fixed queries.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.core import Archive  # noqa: E402
from archive.from_spec import document_text  # noqa: E402
from generator.build import build_document  # noqa: E402
from generator.validate import load_document  # noqa: E402
from search.index import sync  # noqa: E402
from search.query import Filters, search, who  # noqa: E402

QUERIES = [
    ("word", "消毒", Filters()), ("word", "疫情", Filters()), ("word", "安全", Filters()),
    ("and", "防控 物资", Filters()), ("and", "领导 责任", Filters()),
    ("phrase", '"领导小组"', Filters()), ("phrase", '"工作方案"', Filters()),
    ("phrase", '"安全生产"', Filters()), ("filtered", "疫情", Filters(type="通知")),
    ("filtered", "工作", Filters(date_from="2020-01", date_to="2020-06")),
]


def synthetic(folder: Path, copies: int) -> list[Path]:
    samples = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.yaml"))
    texts = [document_text(build_document(load_document(p))) for p in samples]
    units = ["城东街道", "城西街道", "河西镇", "北岭乡", "实验小学", "第三中学", "县民政局"]
    paths = []
    for n in range(copies):
        text = texts[n % len(texts)].replace("青山县", units[n % len(units)])
        path = folder / f"doc{n:05d}.txt"
        path.write_text(f"{text}\n编号{n}\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--copies", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.corpus:
            files = sorted(p for p in args.corpus.rglob("*.txt"))
        else:
            (tmp / "in").mkdir()
            files = synthetic(tmp / "in", args.copies)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in files)
        with Archive(tmp / "arc") as archive:
            start = time.perf_counter()
            for path in files:
                archive.add_received(path)
            added = time.perf_counter() - start
            start = time.perf_counter()
            sync(archive)
            indexed = time.perf_counter() - start
            size = sum(p.stat().st_size for p in (tmp / "arc").glob("index-*/*"))
            print(f"documents {len(files)}, {chars / 1000:.0f}k characters")
            print(f"add   {len(files) / added:7.1f} docs/s  {chars / added / 1000:7.1f}k chars/s")
            print(f"index {len(files) / indexed:7.1f} docs/s  {chars / indexed / 1000:7.1f}k chars/s"
                  f"  size {size / 1e6:.1f} MB")
            for kind, words, filters in QUERIES + [("who", "消毒", None)]:
                times = []
                for _ in range(7):
                    start = time.perf_counter()
                    if filters is None:
                        who(archive, words)
                    else:
                        search(archive, words, filters)
                    times.append((time.perf_counter() - start) * 1000)
                print(f"search {kind:8} {words:12} p50 {statistics.median(times):6.1f} ms"
                      f"  max {max(times):6.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
