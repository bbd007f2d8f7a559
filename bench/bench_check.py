"""How fast `gongwen check` is and what it finds: the samples and their outputs, and
optionally a folder of real texts (e.g. ../shared/corpus).

    .venv/bin/python bench/bench_check.py [--corpus DIR] [--out DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.check.run import CHECKABLE, check_file  # noqa: E402


def measure(files: list[Path]) -> None:
    times, rules, failing = [], Counter(), 0
    started = time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        report = check_file(path)
        times.append(time.perf_counter() - t0)
        rules.update(f.rule.id for f in report.findings)
        failing += report.has_errors
    total = time.perf_counter() - started
    print(f"  {len(files)} files in {total:.1f} s; median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms; {failing} with an error")
    for rule, n in rules.most_common():
        print(f"    {rule:22} {n}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "out", help="generated DOCX and PDF")
    args = parser.parse_args()
    print("samples (YAML) and generated DOCX/PDF:")
    files = sorted((ROOT / "samples").rglob("*.yaml")) + sorted(
        p for p in args.out.rglob("*") if p.suffix in (".docx", ".pdf"))
    measure(files)
    if args.corpus:
        print(f"corpus {args.corpus}:")
        measure(sorted(p for p in args.corpus.rglob("*") if p.suffix.lower() in CHECKABLE))


if __name__ == "__main__":
    main()
