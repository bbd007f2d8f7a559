"""The phases of the real corpus mode, one per process (own peak RSS, own cold start):
`python bench/realphases.py NAME 'JSON ARGS'` prints one JSON line. realrun.py drives them."""
from __future__ import annotations

import json
import os
import re
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from phases import percentiles  # noqa: E402

LOAD_AT_START = os.getloadavg()[0]


def cpu_s() -> float:
    """CPU seconds of this process and of its finished children (Whoosh's index workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def usage() -> dict:
    """Peak RSS and CPU time of this process (and of its largest child), and the machine's
    1-minute load average at its start and end (other work on the machine stretches wall
    times; CPU times much less)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_rss_mb": round(own.ru_maxrss / 1024, 1),
            "peak_rss_child_mb": round(children.ru_maxrss / 1024, 1),
            "cpu_s": round(cpu_s(), 2), "cpu_with_children": True,
            "load_avg": [round(LOAD_AT_START, 2), round(os.getloadavg()[0], 2)]}


def _timed(fn, reps: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of `reps` calls."""
    wall, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def dir_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6, 2)


def phase_corpus(folder: str, count: int, source: str | None = None, seed: int = 7) -> dict:
    from corpus import write_synthetic
    from realcorpus import write_real

    start = time.perf_counter()
    if source:
        paths = write_real(Path(source), Path(folder), count, seed)
    else:
        done = sorted(Path(folder).rglob("*.txt"))
        paths = done if len(done) >= count else write_synthetic(Path(folder), count, seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths[:count])
    return {"docs": count, "chars": chars, "mean_chars": round(chars / count),
            "seconds": round(time.perf_counter() - start, 1)}


def phase_gongwen_add(folder: str, archive_dir: str, profile: str = "") -> dict:
    """`gongwen archive add -q FOLDER --archive-dir DIR`, the real command run in this process,
    with its index update (archive.commands.update_index) timed apart from the adds."""
    import archive.commands as commands
    from cli import main

    timing, counts = {}, Counter()
    update_index, report_outcomes = commands.update_index, commands.report_outcomes

    def timed_update(archive, quiet):
        start = time.perf_counter()
        try:
            update_index(archive, quiet)
        finally:
            timing["index_s"] = time.perf_counter() - start

    def counted(outcomes, quiet):
        counts.update(o.status for o in outcomes)
        timing["adds_done"] = time.perf_counter()
        report_outcomes(outcomes, quiet)

    commands.update_index, commands.report_outcomes = timed_update, counted
    args = ["archive", "add", "-q", folder, "--archive-dir", archive_dir]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, start_cpu = time.perf_counter(), cpu_s()
    try:
        main.main(args, standalone_mode=False)
    except SystemExit as exc:
        timing["exit"] = exc.code
    total, total_cpu = time.perf_counter() - start, cpu_s() - start_cpu
    if profiler:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        Path(profile).write_text(out.getvalue(), encoding="utf-8")
    from search.index import index_dir
    from archive.core import Archive

    with Archive(Path(archive_dir)) as archive:
        index_mb = dir_mb(index_dir(archive))
    docs = sum(counts.values())
    return {"docs": docs, "added": counts["added"], "duplicate": counts["duplicate"],
            "failed": counts["failed"], "total_s": round(total, 2),
            "add_s": round(timing["adds_done"] - start, 2), "index_s": round(timing["index_s"], 2),
            "docs_per_s": round(docs / total, 2), "add_cpu_s": round(total_cpu, 2),
            "docs_per_cpu_s": round(docs / total_cpu, 2), "index_mb": index_mb,
            "archive_mb": dir_mb(Path(archive_dir))} | usage()


def _normal_flat(text: str) -> str:
    from search.normalize import normalize_text

    return re.sub(r"\s+", "", normalize_text(text))


def phase_export(archive_dir: str, records: str, truth: str, queries: str) -> dict:
    """The archive's records (what gongwen extracted) for the peers, the filter values, and
    the documents that hold each phrase and sub-word (substring of the normalized text,
    whitespace removed): the truth phrase recall is measured against."""
    from archive.core import Archive
    from queries import recall_words, real_query_set

    qs = real_query_set("") if queries == "real" else _synthetic("")
    words = recall_words(qs)
    kinds = {q.words.strip('"'): q.kind for q in qs if q.words.strip('"') in words}
    found: dict[str, list[int]] = {w: [] for w in words}
    units = Counter()
    max_id = 0
    with Archive(Path(archive_dir)) as archive, open(records, "w", encoding="utf-8") as out:
        for record in archive.catalog.records():
            max_id = max(max_id, record.id)
            meta = record.metadata
            text = archive.catalog.text(record.id)
            out.write(json.dumps({"id": record.id, "title": meta.title, "text": text,
                                  "unit": meta.organ, "kind": meta.kind, "date": meta.date},
                                 ensure_ascii=False) + "\n")
            if meta.organ:
                units[meta.organ] += 1
            flat = _normal_flat(meta.title + "\n" + text)
            for w in words:
                if w in flat:
                    found[w].append(record.id)
    unit = _commonest_unit(units)
    Path(truth).write_text(json.dumps({"unit": unit, "truth": found, "kinds": kinds}, ensure_ascii=False),
                           encoding="utf-8")
    return {"records": sum(1 for _ in open(records, encoding="utf-8")), "unit": unit,
            "max_id": max_id}


def _commonest_unit(units: Counter) -> str:
    """The commonest unit, or the commonest short head of one (extraction on real texts
    often takes a whole line as the unit: 国务院 stands for those)."""
    if not units:
        return ""
    heads = Counter()
    for name, n in units.items():
        for head in ("国务院", "人民政府"):
            if head in name:
                heads[head] += n
    best, n = units.most_common(1)[0]
    return heads.most_common(1)[0][0] if heads and heads.most_common(1)[0][1] > n else best


def _synthetic(unit: str):
    from queries import query_set

    return query_set(unit, "")


def _records(path: str, after_id: int = 0):
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] > after_id:
                yield record


def phase_peer_build(engine: str, records: str, index: str, after_id: int = 0) -> dict:
    """Index the records with a peer: normalise, cut, insert, commit; the cut alone is timed
    first on the same texts (it is also inside the build's time). With `after_id`, only the
    records above it are added to the peer's existing index (the curve grows one index)."""
    from peers import ENGINES, Words

    words = Words()
    words.joined("预热")
    start = time.perf_counter()
    chars = docs = 0
    for r in _records(records, after_id):
        words.joined(r["title"])
        words.joined(r["text"])
        chars += len(r["text"])
        docs += 1
    cut_s = time.perf_counter() - start
    start, start_cpu = time.perf_counter(), cpu_s()
    ENGINES[engine].build(Path(index), _records(records, after_id), words)
    build_s, build_cpu = time.perf_counter() - start, cpu_s() - start_cpu
    return {"docs": docs, "chars": chars, "index_s": round(build_s, 2),
            "index_cpu_s": round(build_cpu, 2), "docs_per_cpu_s": round(docs / build_cpu, 1),
            "words_s": round(cut_s, 2), "docs_per_s": round(docs / build_s, 1),
            "index_mb": dir_mb(Path(index))} | usage()


def phase_search(engine: str, where: str, truth: str, queries: str, reps: int) -> dict:
    """Warm latency with snippets: the index opened once, every query `reps` times (top 10 and
    the total, a highlighted snippet per hit); RSS after opening; phrase recall/precision."""
    from queries import real_query_set

    facts = json.loads(Path(truth).read_text(encoding="utf-8"))
    truth_ids = {w: set(ids) for w, ids in facts["truth"].items()}
    qs = real_query_set(facts["unit"]) if queries == "real" else _synthetic(facts["unit"])
    if engine != "gongwen" or queries != "real":  # what the peers cannot be asked
        qs = [q for q in qs if q.kind != "who" and "person" not in q.filters]
    base = rss_mb()
    start = time.perf_counter()
    run, all_ids, close, plain = (_gongwen(Path(where)) if engine == "gongwen"
                                  else _peer(engine, where))
    opened = (time.perf_counter() - start) * 1000
    rss_open = rss_mb()
    per_query, samples, cpu_samples, totals, snippets = {}, [], [], {}, 0
    for q in qs:
        total, hits = run(q)
        totals[q.label()] = total
        snippets += sum(1 for _id, s in hits if s)
        times, cpu = _timed(lambda: run(q), reps)
        per_query[q.label()] = round(statistics.median(times), 2)
        samples += times
        cpu_samples += cpu
    rss_warm = rss_mb()
    plain_samples = []
    if plain is not None:
        for q in qs:
            plain_samples += _timed(lambda: plain(q), reps)[0]
    recall = {}
    for w, want in truth_ids.items():
        got = all_ids(f'"{w}"')
        recall[w] = {"truth": len(want), "found": len(got), "missed": len(want - got),
                     "extra": len(got - want)}
    close()
    kinds: dict[str, list[float]] = {}
    for q in qs:
        kinds.setdefault(q.kind, []).append(per_query[q.label()])
    return {"open_ms": round(opened, 1), "rss_before_open_mb": base, "rss_open_mb": rss_open,
            "rss_warm_mb": rss_warm, "latency_ms": percentiles(samples),
            "cpu_latency_ms": percentiles(cpu_samples),
            "no_snippet_latency_ms": percentiles(plain_samples) if plain_samples else None,
            "by_kind_median_ms": {k: round(statistics.median(v), 2) for k, v in kinds.items()},
            "per_query_median_ms": per_query, "totals": totals, "snippets": snippets,
            "recall_rows": recall, "queries": len(qs),
            **{f"{kind}_{k}": v for kind in ("phrase", "subword")
               for k, v in recall_summary({w: row for w, row in recall.items()
                                           if facts["kinds"][w] == kind}).items()},
            "unit": facts["unit"]} | usage()


def recall_summary(rows: dict) -> dict:
    truth = sum(v["truth"] for v in rows.values())
    hit = sum(v["truth"] - v["missed"] for v in rows.values())
    found = sum(v["found"] for v in rows.values())
    return {"recall": round(hit / truth, 4) if truth else None,
            "precision": round(hit / found, 4) if found else None}


def _gongwen(archive_dir: Path):
    from archive.core import Archive
    from search.query import ArchiveSearcher, Filters

    archive = Archive(archive_dir)
    archive.__enter__()
    session = ArchiveSearcher(archive)

    def run(q):
        filters = Filters(**{("type" if k == "kind" else k): v for k, v in q.filters.items()})
        if q.kind == "who":
            return len(hits := session.who(q.words, filters)), [(0, h.snippet) for h in hits]
        results = session.search(q.words, filters)
        return results.total, [(h.record_id, h.snippet) for h in results.hits]

    def close():
        session.close()
        archive.__exit__(None, None, None)

    return run, lambda words: session.record_ids(words), close, None


def _peer(engine: str, where: str):
    from peers import ENGINES, Words

    searcher = ENGINES[engine](Path(where), Words())
    return ((lambda q: searcher.search(q.words, q.filters)), searcher.all_ids, searcher.close,
            lambda q: searcher.plain(q.words, q.filters))


PHASES = {name[len("phase_"):]: fn for name, fn in globals().items()
          if name.startswith("phase_")}

if __name__ == "__main__":
    result = PHASES[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False))
