"""The result of bench/run.py as Markdown tables, with each target and whether it was met."""
from __future__ import annotations


def _rss(m: dict) -> float:
    return max(m["peak_rss_mb"], m["peak_rss_child_mb"])


def _batch_speedup(batch: dict) -> tuple[int, float]:
    """The most processes the batch ran with, and its speed over one process."""
    jobs = max(int(k.rsplit("j", 1)[1]) for k in batch if k.startswith("plans_per_s_j"))
    return jobs, batch[f"plans_per_s_j{jobs}"] / batch["plans_per_s_j1"]


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _head(*cells) -> list[str]:
    return [_row(*cells), _row(*["---"] * len(cells))]


def render(r: dict) -> str:
    m = r["machine"]
    lines = [f"Scale **{r['scale']}**, corpus: {r['corpus']}, {r['date']}; "
             f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}.", ""]
    g, b = r["generate"], r["batch"]
    jobs, speedup = _batch_speedup(b)
    lines += ["**Generate** (" + g["sample"] + f", {g['chars']} characters)", ""]
    lines += _head("", "first in process", "warm (median)")
    lines += [_row("DOCX", f"{g['docx_first_ms']:.0f} ms", f"{g['docx_warm_ms']:.0f} ms"),
              _row("PDF", f"{g['pdf_first_ms']:.0f} ms", f"{g['pdf_warm_ms']:.0f} ms"), ""]
    lines += [f"Batch of {b['plans']} plans to YAML + DOCX + PDF: {b['plans_per_s_j1']} plans/s "
              f"on 1 process, {b[f'plans_per_s_j{jobs}']} on {jobs} ({speedup:.2f}x).", ""]
    t = r["tokenizer"]
    lines += [f"**Tokenizers** on {t['chars']:,} characters of the corpus (characters/s; "
              f"jieba's dictionary load {t['jieba_load_s']} s)", ""]
    lines += _head("jieba (HMM)", "jieba (no HMM)", "rjieba (no HMM)", "gongwen analysis")
    lines += [_row(*(f"{t[k]:,}" for k in ("jieba_hmm_chars_s", "jieba_no_hmm_chars_s",
                                             "rjieba_no_hmm_chars_s",
                                             "gongwen_analysis_chars_s"))), ""]
    lines += ["**Archive + index** (documents/s; KB of text/s; peak RSS of the largest process)",
              ""]
    lines += _head("documents", "archive add", "gongwen index", "add + index", "naive index",
                   "index speed-up", "index size", "naive size", "peak RSS", "naive RSS")
    for size, row in r["index"].items():
        o, n = row["gongwen"], row["naive"]
        kb = o["chars"] * 3 / 1000  # UTF-8 bytes of Chinese text
        lines.append(_row(
            f"{int(size):,}", f"{o['docs'] / o['add_s']:.0f}",
            f"{o['docs'] / o['index_s']:.0f} ({kb / o['index_s']:.0f} KB/s)",
            f"{o['docs'] / (o['add_s'] + o['index_s']):.0f}",
            f"{n['docs'] / n['index_s']:.0f} ({kb / n['index_s']:.0f} KB/s)",
            f"{n['index_s'] / o['index_s']:.2f}x", f"{o['index_mb']:.0f} MB",
            f"{n['index_mb']:.0f} MB", f"{_rss(o):.0f} MB", f"{_rss(n):.0f} MB"))
    lines += ["", "**Search** (ms over all runs of the fixed queries; warm = index open; cold = "
              "a fresh `gongwen search` process, end to end)", ""]
    lines += _head("documents", "gongwen warm p50 / p95 / p99", "naive warm p50 / p95 / p99",
                   "p95 speed-up", "cold gongwen median / max", "phrase recall gongwen",
                   "phrase recall naive")
    for size, row in r["search"].items():
        o, n, c = row["gongwen"], row["naive"], row["cold"]
        lo, ln = o["latency_ms"], n["latency_ms"]
        lines.append(_row(
            f"{int(size):,}", f"{lo['p50']:.1f} / {lo['p95']:.1f} / {lo['p99']:.1f}",
            f"{ln['p50']:.1f} / {ln['p95']:.1f} / {ln['p99']:.1f}",
            f"{ln['p95'] / lo['p95']:.1f}x", f"{c['median_ms']:.0f} / {c['max_ms']:.0f}",
            _recall(o["phrase_recall"]), _recall(n["phrase_recall"])))
    lines += ["", f"**Start-up**: `gongwen --help` {r['startup']['help_ms']:.0f} ms (median of 7)."]
    lines += ["", "**Targets**", ""] + _head("target", "measured", "met")
    lines += [_row(*t) for t in targets(r)]
    return "\n".join(lines)


def _recall(rows: dict) -> str:
    truth = sum(v["truth"] for v in rows.values())
    found = sum(v["truth"] - v["missed"] for v in rows.values())
    extra = sum(v["extra"] for v in rows.values())
    return f"{found}/{truth}" + (f", {extra} wrong" if extra else "")


def targets(r: dict) -> list[tuple[str, str, str]]:
    out = []

    def add(name, value, ok):
        out.append((name, value, "yes" if ok else "**no**"))

    index = {int(k): v for k, v in r["index"].items()}
    search = {int(k): v for k, v in r["search"].items()}
    if 10_000 in index:
        o, n = index[10_000]["gongwen"], index[10_000]["naive"]
        ratio = n["index_s"] / o["index_s"]
        add("index 10k: >= 3x naive", f"{ratio:.2f}x", ratio >= 3)
    if 50_000 in index:
        rss = _rss(index[50_000]["gongwen"])
        add("peak RSS at 50k < 1 GB", f"{rss:.0f} MB", rss < 1024)
    top = max(search)
    o, n = search[top]["gongwen"]["latency_ms"], search[top]["naive"]["latency_ms"]
    add(f"search {top:,}: warm p95 <= 50 ms", f"{o['p95']:.1f} ms", o["p95"] <= 50)
    add(f"search {top:,}: p95 >= 5x naive", f"{n['p95'] / o['p95']:.1f}x",
        n["p95"] / o["p95"] >= 5)
    c = search[top]["cold"]
    add(f"cold gongwen search at {top:,} < 1.5 s", f"median {c['median_ms']:.0f} ms, "
        f"max {c['max_ms']:.0f} ms", c["max_ms"] < 1500)
    add("gongwen --help < 0.3 s", f"{r['startup']['help_ms']:.0f} ms",
        r["startup"]["help_ms"] < 300)
    g = r["generate"]
    add("warm DOCX < 100 ms", f"{g['docx_warm_ms']:.0f} ms", g["docx_warm_ms"] < 100)
    add("warm PDF < 1 s", f"{g['pdf_warm_ms']:.0f} ms", g["pdf_warm_ms"] < 1000)
    jobs, speedup = _batch_speedup(r["batch"])
    add(f"batch on {jobs} cores near {jobs}x one", f"{speedup:.2f}x", speedup >= 0.8 * jobs)
    rows = search[top]["gongwen"]["phrase_recall"]
    exact = all(v["missed"] == 0 and v["extra"] == 0 for v in rows.values())
    add("phrases: exactly the documents holding them", _recall(rows), exact)
    return out
