"""The benchmark: generation, archive + index, search and start-up, against the naive peer.

    python bench/run.py [--scale small|medium|large] [--corpus DIR] [--keep DIR]
    python bench/run.py --corpus ../shared/corpus --count N | --counts 1000,10000,50000 [--grow]

small takes about a minute on 2 cores, medium (10k documents) about 10, large (50k) about
an hour. Prints a table and writes bench/results/<scale>-<date>.json and .md.
With --count/--counts, the real corpus mode (realrun.py): the corpus's .txt files cycled to
N documents with per-copy changes, gongwen beside SQLite FTS5 and tantivy (the `bench` extra)
on the same texts and words, the synthetic corpus as a second column; writes
bench/results/real-<counts>-<date>.json and .md (or --name).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GONGWEN = Path(sys.executable).with_name("gongwen")


@dataclass(frozen=True)
class Scale:
    index_sizes: tuple[int, ...]
    search_sizes: tuple[int, ...]
    search_reps: int
    cold_queries: int  # how many of the queries also run as a fresh `gongwen search`
    batch_plans: int
    token_chars: int


SCALES = {
    "small": Scale((1000,), (1000,), 3, 6, 16, 1_000_000),
    "medium": Scale((1000, 10_000), (10_000,), 5, 36, 200, 3_000_000),
    "large": Scale((1000, 10_000, 50_000), (10_000, 50_000), 5, 36, 200, 3_000_000),
}


def phase(name: str, **args) -> dict:
    out = subprocess.run([sys.executable, str(BENCH / "phases.py"), name, json.dumps(args)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def wall(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024 / 1024
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem, 1),
            "python": platform.python_version(), "os": platform.platform()}


def cold(archive_dir: Path, scale: Scale) -> dict:
    from queries import query_set

    sys.path.insert(0, str(ROOT))
    from archive.core import Archive
    from phases import filter_values

    with Archive(archive_dir) as archive:
        unit, person = filter_values(archive)
    queries = query_set(unit, person)
    step = max(1, len(queries) // scale.cold_queries)
    times = []
    for q in queries[::step][:scale.cold_queries]:
        times += wall([str(GONGWEN), *q.cli_args(), "--archive-dir", str(archive_dir)], 1)
    return {"queries": len(times), "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1)}


def batch(plans: int, work: Path) -> dict:
    from bench_batch import TEMPLATE, write_rosters

    rosters = work / "rosters.xlsx"
    write_rosters(rosters, plans)
    base = [str(GONGWEN), "batch", "--from", str(TEMPLATE), "--rosters", str(rosters), "-q",
            "--force"]
    out = {"plans": plans}
    for jobs in sorted({1, os.cpu_count() or 1}):
        seconds = wall(base + ["-o", str(work / f"batch{jobs}"), "-j", str(jobs)], 1)[0] / 1000
        out[f"plans_per_s_j{jobs}"] = round(plans / seconds, 2)
    return out


def run(scale_name: str, corpus: Path | None, work: Path) -> dict:
    scale = SCALES[scale_name]
    biggest = max(scale.index_sizes)
    result: dict = {"scale": scale_name, "date": datetime.now().isoformat(timespec="seconds"),
                    "machine": machine(), "corpus": str(corpus) if corpus else "samples"}
    step = lambda text: print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr)  # noqa: E731
    step(f"corpus of {biggest} documents")
    result["corpus_build"] = phase("corpus", folder=str(work / "corpus"), count=biggest,
                                   source=str(corpus) if corpus else None)
    step("tokenizers")
    result["tokenizer"] = phase("tokenizer", folder=str(work / "corpus"),
                                max_chars=scale.token_chars)
    step("start-up")
    result["startup"] = {"help_ms": statistics.median(wall([str(GONGWEN), "--help"], 7))}
    step("generate")
    result["generate"] = phase("generate", runs=5)
    step(f"batch of {scale.batch_plans} plans")
    result["batch"] = batch(scale.batch_plans, work)
    result["index"], result["search"] = {}, {}
    for size in scale.index_sizes:
        arc, naive = work / f"archive-{size}", work / f"naive-{size}"
        step(f"archive + index {size}")
        ours = phase("archive", folder=str(work / "corpus"), count=size, archive_dir=str(arc))
        step(f"naive index {size}")
        peer = phase("naive_index", archive_dir=str(arc), naive_dir=str(naive))
        result["index"][size] = {"gongwen": ours, "naive": peer}
        if size in scale.search_sizes:
            step(f"search {size}")
            result["search"][size] = {
                "gongwen": phase("search", archive_dir=str(arc), reps=scale.search_reps,
                                 peer="gongwen"),
                "naive": phase("search", archive_dir=str(arc), reps=scale.search_reps,
                               peer="naive", naive_dir=str(naive)),
                "cold": cold(arc, scale),
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--corpus", type=Path, help="a folder of .txt files instead of samples")
    parser.add_argument("--keep", type=Path, help="work here and keep corpus, archives, indexes")
    real = parser.add_argument_group("real corpus mode (needs --corpus)")
    real.add_argument("--count", type=int, help="documents: the corpus cycled to this many")
    real.add_argument("--counts", type=_counts, help="several counts, e.g. 1000,10000,50000")
    real.add_argument("--synthetic-counts", type=_counts,
                      help="counts of the synthetic column (default: the smallest count)")
    real.add_argument("--reps", type=int, default=5, help="warm runs of every query")
    real.add_argument("--fresh", type=int, default=8, help="fresh-process queries per engine")
    real.add_argument("--seed", type=int, default=7)
    real.add_argument("--add-timeout", type=float, help="stop a gongwen add after this many s")
    real.add_argument("--name", help="results file name (without .json/.md)")
    real.add_argument("--grow", action="store_true",
                      help="one archive grown through the counts (each adds the documents since "
                           "the previous count), the peers' indexes grown alike: the curve")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    if args.count or args.counts:
        return main_real(args)
    work = args.keep or Path(tempfile.mkdtemp(prefix="gongwen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.scale, args.corpus, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    from report import render

    text = render(result)
    print(text)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stem = f"{args.scale}-{'corpus' if args.corpus else 'samples'}-{result['date'][:10]}"
    (out / f"{stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    (out / f"{stem}.md").write_text(text + "\n", encoding="utf-8")
    print(f"\n-> bench/results/{stem}.json, .md", file=sys.stderr)


def _counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip() and int(part) > 0]


def main_real(args) -> None:
    from realreport import render as render_real
    from realrun import run_real

    if not args.corpus:
        raise SystemExit("--count/--counts 需要 --corpus（真实文本所在的文件夹）")
    counts = sorted(set(args.counts or []) | ({args.count} if args.count else set()))
    synthetic = args.synthetic_counts if args.synthetic_counts is not None else counts[:1]
    work = args.keep or Path(tempfile.mkdtemp(prefix="gongwen-bench-real-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run_real(args.corpus.resolve(), counts, synthetic, work, args.reps, args.fresh,
                          args.seed, args.add_timeout, keep=bool(args.keep), grow=args.grow)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    out = BENCH / "results"
    stem = args.name or f"real-{'-'.join(str(c) for c in counts)}-{result['date'][:10]}"
    (out / f"{stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    text = render_real(result)
    print(text)
    (out / f"{stem}.md").write_text(text + "\n", encoding="utf-8")
    (out / ".partial-real.json").unlink(missing_ok=True)
    print(f"\n-> bench/results/{stem}.json, .md", file=sys.stderr)


if __name__ == "__main__":
    main()
