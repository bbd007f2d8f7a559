"""One benchmark phase per process, so that each has its own peak memory and its own cold
start: `python bench/phases.py NAME 'JSON ARGS'` prints one JSON line. run.py drives them."""
from __future__ import annotations

import json
import re
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_child_mb": round(children, 1)}


def percentiles(samples_ms: list[float]) -> dict:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2),
            "n": len(samples_ms)}


def corpus_files(folder: str, count: int) -> list[Path]:
    return sorted(Path(folder).rglob("*.txt"))[:count]


def phase_corpus(folder: str, count: int, source: str | None = None) -> dict:
    from corpus import write_from_folder, write_synthetic

    start = time.perf_counter()
    paths = (write_from_folder(Path(source), Path(folder), count) if source
             else write_synthetic(Path(folder), count))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    return {"docs": len(paths), "chars": chars, "seconds": time.perf_counter() - start}


def phase_tokenizer(folder: str, max_chars: int) -> dict:
    """Characters per second of jieba (accurate, with and without HMM), rjieba, and the whole
    gongwen analysis (normalise, cut, pieces), on the same texts; dictionaries loaded first."""
    import jieba

    from search.analysis import placed, words

    texts, total = [], 0
    for path in corpus_files(folder, 10**9):
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    tokenizer = jieba.Tokenizer()
    start = time.perf_counter()
    tokenizer.initialize()
    jieba_load = time.perf_counter() - start
    words("预热")
    out = {"chars": total, "jieba_load_s": round(jieba_load, 3)}
    runs = {
        "jieba_hmm": lambda t: tokenizer.lcut(t),
        "jieba_no_hmm": lambda t: tokenizer.lcut(t, HMM=False),
        "rjieba_no_hmm": words,
        "gongwen_analysis": placed.__wrapped__,  # uncached: every text analysed
    }
    for name, cut in runs.items():
        start = time.perf_counter()
        for text in texts:
            cut(text)
        out[f"{name}_chars_s"] = round(total / (time.perf_counter() - start))
    return out | peak_mb()


def phase_archive(folder: str, count: int, archive_dir: str) -> dict:
    """Archive `count` received texts, then index them (as `gongwen archive add` does)."""
    from archive.core import Archive
    from search.index import index_dir, sync

    files = corpus_files(folder, count)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in files)
    with Archive(Path(archive_dir)) as archive:
        start = time.perf_counter()
        failed = sum(1 for path in files if archive.add_received(path).status != "added")
        added = time.perf_counter() - start
        start = time.perf_counter()
        synced = sync(archive)
        indexed = time.perf_counter() - start
        size = sum(p.stat().st_size for p in index_dir(archive).iterdir())
    return {"docs": len(files), "failed": failed, "chars": chars, "add_s": added,
            "index_s": indexed, "indexed": synced.indexed, "index_mb": size / 1e6} | peak_mb()


def _records(archive):
    from search.normalize import normalize_key

    for record in archive.catalog.records():
        meta = record.metadata
        people = sorted({normalize_key(p.name) for p in archive.catalog.people(record.id)})
        yield (record.id, meta.title, archive.catalog.text(record.id), normalize_key(meta.organ),
               meta.kind, meta.date, people)


def phase_naive_index(archive_dir: str, naive_dir: str) -> dict:
    from archive.core import Archive
    from naive import build

    with Archive(Path(archive_dir)) as archive:
        records = list(_records(archive))
    import jieba.analyse  # noqa: F401  (its import and dictionary load are not timed)
    import jieba
    jieba.initialize()
    start = time.perf_counter()
    count = build(Path(naive_dir), records)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in Path(naive_dir).iterdir())
    return {"docs": count, "index_s": seconds, "index_mb": size / 1e6,
            "chars": sum(len(r[2]) for r in records)} | peak_mb()


def filter_values(archive) -> tuple[str, str]:
    """The commonest unit and person: filters that select a real share of the archive."""
    records = archive.catalog.records()
    units = Counter(r.metadata.organ for r in records if r.metadata.organ)
    people = Counter(name for r in records[:2000]
                     for name in {p.name for p in archive.catalog.people(r.id)})
    return units.most_common(1)[0][0], people.most_common(1)[0][0]


def phrase_truth(archive, phrases: list[str]) -> dict[str, set[int]]:
    """Records whose title or text holds the phrase (line breaks and padding ignored)."""
    truth: dict[str, set[int]] = {p: set() for p in phrases}
    for record in archive.catalog.records():
        text = re.sub(r"\s+", "", record.metadata.title + "\n" + archive.catalog.text(record.id))
        for phrase in phrases:
            if phrase in text:
                truth[phrase].add(record.id)
    return truth


def _timed(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _recall(found: dict[str, set], truth: dict[str, set]) -> dict:
    return {p: {"truth": len(truth[p]), "found": len(found[p]),
                "missed": len(truth[p] - found[p]), "extra": len(found[p] - truth[p])}
            for p in truth}


def phase_search(archive_dir: str, reps: int, peer: str, naive_dir: str = "") -> dict:
    """Warm latency: the index opened once, every query run `reps` times; then phrase recall."""
    from archive.core import Archive
    from queries import PHRASES, query_set

    with Archive(Path(archive_dir)) as archive:
        unit, person = filter_values(archive)
        queries = query_set(unit, person)
        truth = phrase_truth(archive, PHRASES)
        start = time.perf_counter()
        run, all_ids, close = (_ours(archive) if peer == "gongwen" else _naive(Path(naive_dir)))
        opened = (time.perf_counter() - start) * 1000
        per_query, samples = {}, []
        for q in queries:
            times = _timed(lambda: run(q), reps)
            per_query[q.label()] = round(statistics.median(times), 2)
            samples += times
        found = {p: all_ids(f'"{p}"') for p in PHRASES}
        close()
    kinds = {}
    for q in queries:
        kinds.setdefault(q.kind, []).append(per_query[q.label()])
    return {"open_ms": round(opened, 1), "latency_ms": percentiles(samples),
            "by_kind_median_ms": {k: round(statistics.median(v), 2) for k, v in kinds.items()},
            "per_query_median_ms": per_query, "phrase_recall": _recall(found, truth),
            "queries": len(queries), "unit": unit, "person": person} | peak_mb()


def _ours(archive):
    from search.query import ArchiveSearcher, Filters

    session = ArchiveSearcher(archive)

    def run(q):
        filters = Filters(**{("type" if k == "kind" else k): v for k, v in q.filters.items()})
        if q.kind == "who":
            return session.who(q.words, filters)
        return session.search(q.words, filters)

    return run, lambda words: session.record_ids(words), session.close


def _naive(folder: Path):
    from datetime import datetime

    from naive import Searcher
    from search.normalize import normalize_key
    from search.query import _day

    searcher = Searcher(folder)

    def run(q):
        f = dict(q.filters)
        for key in ("unit", "person"):
            if key in f:
                f[key] = normalize_key(f[key])
        if "date_from" in f:
            f["date_from"] = datetime.combine(_day(f["date_from"], end=False), datetime.min.time())
        if "date_to" in f:
            f["date_to"] = datetime.combine(_day(f["date_to"], end=True), datetime.max.time())
        return searcher.search(q.words, **f)

    return run, lambda words: {int(i) for i in searcher.search(words, limit=None)}, \
        searcher.close


def phase_generate(runs: int) -> dict:
    """One DOCX and one PDF of the largest sample: the first in a fresh process (lazy
    imports and template loading included), then the median of warm renders."""
    import tempfile

    from generator.build import build_document
    from generator.render_docx import render_docx
    from generator.render_pdf import render_pdf
    from generator.load import load_document

    from archive.from_spec import document_text

    samples = sorted((ROOT / "samples").glob("*.yaml"))
    loaded = [load_document(p) for p in samples]
    docs = [build_document(x) for x in loaded]
    doc, path = max(zip(docs, samples), key=lambda pair: len(document_text(pair[0])))
    out = {"sample": path.name, "chars": len(document_text(doc))}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, render in (("docx", render_docx), ("pdf", render_pdf)):
            times = _timed(lambda: render(doc, Path(tmp) / f"x.{fmt}"), runs + 1)
            out[f"{fmt}_first_ms"] = round(times[0], 1)
            out[f"{fmt}_warm_ms"] = round(statistics.median(times[1:]), 1)
    return out | peak_mb()


PHASES = {name[len("phase_"):]: fn for name, fn in globals().items()
          if name.startswith("phase_")}

if __name__ == "__main__":
    result = PHASES[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False))
