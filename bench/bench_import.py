"""Import speed and robustness: `import_file` over every file of a folder, in one process.

By default the folder is every shipped sample rendered to DOCX, PDF and text; `--corpus DIR`
takes real texts (e.g. ../shared/corpus). Reports files per second, failures (exceptions),
and how much was recognised: title, date, numbered sections, numbering defects.

    .venv/bin/python bench/bench_import.py [--corpus DIR] [--limit N]
"""
from __future__ import annotations

import argparse
import re
import collections
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.importer.document import import_file  # noqa: E402
from generator.importer.findings import Level  # noqa: E402
from generator.importer.front import title_kind  # noqa: E402


def sample_files(folder: Path) -> list[Path]:
    from generator.pipeline import FORMATS, generate_file

    samples = sorted((ROOT / "samples").glob("*.yaml"))
    return [p for s in samples for p in generate_file(s, folder, FORMATS).outputs]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = sorted(args.corpus.rglob("*.txt")) if args.corpus else sample_files(Path(tmp))
        files = files[:args.limit] if args.limit else files
        run(files)


def run(files: list[Path]) -> None:
    times, failures = [], []
    seen = collections.Counter()
    defects = collections.Counter()
    chars = 0
    for path in files:
        start = time.perf_counter()
        try:
            imported = import_file(path)
        except Exception:  # robustness is what is measured
            failures.append((path, traceback.format_exc(limit=2)))
            continue
        times.append(time.perf_counter() - start)
        chars += len(path.read_text(encoding="utf-8", errors="replace")) if path.suffix == ".txt" else 0
        f = imported.fields
        if path.suffix == ".txt":
            first = path.read_text(encoding="utf-8", errors="replace").lstrip().split("\n", 1)[0].strip()
            title = str(f.get("标题") or "").replace("\n", "")
            seen["标题 = first line"] += title == first
            seen["标题 not the file name"] += title != path.stem
        seen["文种 from the title"] += bool(title_kind(str(f.get("标题") or ""))) and f.get("标题") != path.stem
        seen["发文字号"] += bool(f.get("发文字号"))
        seen["date"] += f.get("成文日期") is not None
        seen["organ"] += f.get("发文机关") is not None
        seen["has sections"] += any(isinstance(i, dict) and "标题" in i for i in f["正文"])
        seen["leading groups"] += sum(1 for what, _, _ in imported.recognised if what == "领导小组")
        seen["measures"] += sum(1 for what, _, _ in imported.recognised if what == "工作措施")
        for finding in imported.all_findings:
            if finding.level is Level.DEFECT:
                defects[re.sub(r"“[^”]*”", "“…”", finding.message.split("：")[0])[:24]] += 1
    total = sum(times)
    print(f"files: {len(files)}, failed: {len(failures)}, {chars / 1000:.0f}k characters of text")
    if times:
        print(f"time: {total:.1f} s, {len(times) / total:.1f} files/s, median {statistics.median(times) * 1000:.0f} ms,"
              f" max {max(times) * 1000:.0f} ms")
    for key, value in seen.items():
        rate = f" ({value / len(times):.0%})" if times and key not in ("leading groups", "measures") else ""
        print(f"  {key}: {value}{rate}")
    print("defects found, by kind:")
    for kind, count in defects.most_common(12):
        print(f"  {count:6d}  {kind}")
    for path, trace in failures[:5]:
        print(f"FAILED {path}\n{trace}")


if __name__ == "__main__":
    main()
