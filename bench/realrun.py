"""The real corpus mode of bench/run.py: gongwen beside SQLite FTS5 and tantivy, on the same
texts and the same words, at one or more corpus sizes; the synthetic corpus as a second column.

For each corpus (real, then synthetic) and each count, every step in its own process:
  gongwen add   `gongwen archive add -q DOCS --archive-dir ARCHIVE` (adds, then its index
                update, timed apart);
  export        the records gongwen extracted (title, text, unit, type, date) for the peers,
                and the substring truth for the phrases and sub-words;
  peer build    FTS5 and tantivy index those records (normalise + rjieba cut + insert + commit);
  search        each engine's index opened once: RSS after opening, warm p50/p95/p99 with
                snippets, phrase recall/precision;
  fresh         one query in a fresh process (`gongwen search`; python bench/peers.py query).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
GONGWEN = Path(sys.executable).with_name("gongwen")
PEERS = ("fts5", "tantivy")
ENGINES = ("gongwen",) + PEERS


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def phase(name: str, timeout: float | None = None, **args) -> dict:
    out = subprocess.run([sys.executable, str(BENCH / "realphases.py"), name, json.dumps(args)],
                         check=True, capture_output=True, text=True, timeout=timeout)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh(engine: str, where: Path, queries, runs: int) -> dict:
    """Wall time of a fresh process answering one query, for `runs` queries spread over the
    set (each once)."""
    step_ = max(1, len(queries) // runs)
    times, per = [], {}
    for q in queries[::step_][:runs]:
        if engine == "gongwen":
            args = [str(GONGWEN), *q.cli_args(), "--archive-dir", str(where)]
        else:
            args = [sys.executable, str(BENCH / "peers.py"), "query", engine, str(where), q.words,
                    json.dumps(q.filters, ensure_ascii=False)]
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        ms = (time.perf_counter() - start) * 1000
        times.append(ms)
        per[q.label()] = round(ms, 1)
    return {"runs": len(times), "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1), "per_query_ms": per}


def link_range(source: Path, folder: Path, first: int, count: int) -> Path:
    """A folder holding (hard links to) files first..count-1 of `source` (sorted)."""
    if folder.exists():
        shutil.rmtree(folder)
    for path in sorted(source.rglob("*.txt"))[first:count]:
        target = folder / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
    return folder


class Step:
    """One count of a corpus: gongwen's add of `docs` into `arc`, the peers' build, searches.
    `grown_from` > 0: the archive and the peers' indexes already hold the first `grown_from`
    documents, and this step adds the rest (the curve's rates are those of the slice)."""

    def __init__(self, label: str, base: Path, count: int, grown_from: int = 0,
                 after_id: int = 0):
        self.label, self.base, self.count = label, base, count
        self.grown_from, self.after_id = grown_from, after_id
        self.arc = base / "archive"
        self.where = {"gongwen": self.arc} | {p: base / p for p in PEERS}

    def run(self, docs: Path, reps: int, fresh_runs: int, add_timeout: float | None) -> dict:
        from queries import query_set, real_query_set

        label, count = self.label, self.count
        queries = "real" if label == "real" else "synthetic"
        out: dict = {"count": count, "grown_from": self.grown_from}
        step(f"{label} {count}: gongwen archive add")
        out["gongwen_add"] = phase("gongwen_add", timeout=add_timeout, folder=str(docs),
                                   archive_dir=str(self.arc))
        step(f"{label} {count}: export records, truth ({out['gongwen_add']['total_s']:.0f} s add)")
        records, truth = self.base / "records.jsonl", self.base / "truth.json"
        out["export"] = phase("export", archive_dir=str(self.arc), records=str(records),
                              truth=str(truth), queries=queries)
        for peer in PEERS:
            step(f"{label} {count}: {peer} build")
            out[f"{peer}_build"] = phase("peer_build", engine=peer, records=str(records),
                                         index=str(self.where[peer]), after_id=self.after_id)
        unit = out["export"]["unit"]
        qs = real_query_set(unit) if queries == "real" else [
            q for q in query_set(unit, "") if q.kind != "who" and "person" not in q.filters]
        for engine in ENGINES:
            step(f"{label} {count}: {engine} search (warm, recall)")
            out[f"{engine}_search"] = phase("search", engine=engine, where=str(self.where[engine]),
                                            truth=str(truth), queries=queries, reps=reps)
            step(f"{label} {count}: {engine} fresh process")
            out[f"{engine}_fresh"] = fresh(engine, self.where[engine], qs, fresh_runs)
        return out


def measure(label: str, docs_all: Path, count: int, work: Path, reps: int, fresh_runs: int,
            add_timeout: float | None, keep: bool) -> dict:
    """One count from nothing: its own archive and peer indexes."""
    base = work / label / str(count)
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    docs = link_range(docs_all, base / "docs", 0, count)
    out = Step(label, base, count).run(docs, reps, fresh_runs, add_timeout)
    if not keep:
        shutil.rmtree(base, ignore_errors=True)
    return out


def measure_grown(label: str, docs_all: Path, counts: list[int], work: Path, reps: int,
                  fresh_runs: int, add_timeout: float | None, rows: list, saved) -> None:
    """The curve in one archive: each count adds the documents since the previous one (a real
    `gongwen archive add` of that folder, its index update a sync) and the peers add the same
    records to their indexes; every engine is measured at each size."""
    base = work / label / "grown"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    done = after_id = 0
    for count in counts:
        docs = link_range(docs_all, base / f"docs-{count}", done, count)
        out = Step(label, base, count, grown_from=done, after_id=after_id).run(
            docs, reps, fresh_runs, add_timeout)
        shutil.rmtree(docs, ignore_errors=True)
        rows.append(out)
        saved()
        done, after_id = count, out["export"]["max_id"]


def run_real(source: Path, counts: list[int], synthetic_counts: list[int], work: Path,
             reps: int, fresh_runs: int, seed: int, add_timeout: float | None,
             keep: bool, grow: bool = False) -> dict:
    from run import machine

    from datetime import datetime
    import importlib.metadata as md
    import sqlite3

    result: dict = {"mode": "real", "date": datetime.now().isoformat(timespec="seconds"),
                    "machine": machine(), "corpus": str(source), "seed": seed, "reps": reps,
                    "versions": {"tantivy": md.version("tantivy"), "sqlite": sqlite3.sqlite_version,
                                 "rjieba": md.version("rjieba"),
                                 "whoosh": md.version("whoosh-reloaded")},
                    "corpora": {}, "real": [], "synthetic": [], "grown": grow}
    plans = [("real", counts, str(source))]
    if synthetic_counts:
        plans.append(("synthetic", synthetic_counts, None))
    for label, sizes, src in plans:
        docs_all = work / label / "all"
        step(f"{label} corpus of {max(sizes)} documents")
        result["corpora"][label] = phase("corpus", folder=str(docs_all), count=max(sizes),
                                         source=src, seed=seed)
        if grow:
            try:
                measure_grown(label, docs_all, sizes, work, reps, fresh_runs, add_timeout,
                              result[label], lambda: save_partial(result))
            except subprocess.TimeoutExpired:
                step(f"{label}: gongwen add took longer than {add_timeout} s; stopped")
            continue
        for count in sizes:
            try:
                result[label].append(measure(label, docs_all, count, work, reps, fresh_runs,
                                             add_timeout, keep))
            except subprocess.TimeoutExpired:
                step(f"{label} {count}: gongwen add took longer than {add_timeout} s; stopped")
                result[label].append({"count": count, "timeout_s": add_timeout})
                break
            save_partial(result)
    return result


def save_partial(result: dict) -> None:
    """After each count: a crash or a timeout later keeps what was measured."""
    path = BENCH / "results" / ".partial-real.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
