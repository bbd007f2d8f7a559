"""The result of the real corpus mode (realrun.py) as Markdown: one table per corpus size with
gongwen, SQLite FTS5 and tantivy side by side and gongwen's ratio to each, then the curve."""
from __future__ import annotations

NAMES = {"gongwen": "gongwen", "fts5": "SQLite FTS5", "tantivy": "tantivy"}
PEERS = ("fts5", "tantivy")


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _head(*cells) -> list[str]:
    return [_row(*cells), _row(*["---"] * len(cells))]


def _f(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _ratio(ours, peer) -> str:
    if not ours or not peer:
        return "—"
    return f"{ours / peer:.2f}x" if ours / peer < 10 else f"{ours / peer:.0f}x"


def metrics(m: dict) -> dict[str, dict[str, float | None]]:
    """name -> engine -> value, for one count."""
    add = m["gongwen_add"]
    out: dict[str, dict] = {}

    def put(name, gongwen, fts5, tantivy):
        out[name] = {"gongwen": gongwen, "fts5": fts5, "tantivy": tantivy}

    b = {p: m[f"{p}_build"] for p in PEERS}
    s = {e: m[f"{e}_search"] for e in ("gongwen",) + PEERS}
    c = {e: m[f"{e}_fresh"] for e in ("gongwen",) + PEERS}
    put("add + index, documents/s", add["docs_per_s"], b["fts5"]["docs_per_s"],
        b["tantivy"]["docs_per_s"])
    put("add + index, documents per CPU-second",
        add["docs_per_cpu_s"] if add.get("cpu_with_children") else None,
        b["fts5"]["docs_per_cpu_s"], b["tantivy"]["docs_per_cpu_s"])
    put("index time, s (gongwen: its index update within the add)", add["index_s"],
        b["fts5"]["index_s"], b["tantivy"]["index_s"])
    put("  of which the word cut (peers: normalise + rjieba), s", None, b["fts5"]["words_s"],
        b["tantivy"]["words_s"])
    put("index on disk, MB", add["index_mb"], b["fts5"]["index_mb"], b["tantivy"]["index_mb"])
    put("peak RSS while adding/indexing, MB (largest process)",
        max(add["peak_rss_mb"], add.get("peak_rss_child_mb", 0)), b["fts5"]["peak_rss_mb"],
        b["tantivy"]["peak_rss_mb"])
    put("open a searcher, ms", *(s[e]["open_ms"] for e in s))
    put("RSS of an open searcher, MB", *(s[e]["rss_open_mb"] for e in s))
    put("RSS after the warm queries, MB", *(s[e]["rss_warm_mb"] for e in s))
    for p in ("p50", "p95", "p99"):
        put(f"warm {p} with snippets, ms", *(s[e]["latency_ms"][p] for e in s))
    put("warm p95, CPU ms (less sensitive to the machine's load)",
        *(s[e]["cpu_latency_ms"]["p95"] for e in s))
    for p in ("p50", "p95"):
        put(f"warm {p} without snippets (peers only), ms", None,
            *((s[e].get("no_snippet_latency_ms") or {}).get(p) for e in PEERS))
    kinds = list(s["gongwen"]["by_kind_median_ms"])
    for k in kinds:
        put(f"  median of {k} queries, ms", *(s[e]["by_kind_median_ms"].get(k) for e in s))
    put("fresh process, one query: median, ms", *(c[e]["median_ms"] for e in c))
    put("fresh process, one query: max, ms", *(c[e]["max_ms"] for e in c))
    for kind in ("phrase", "subword"):
        if s["gongwen"].get(f"{kind}_recall") is not None:
            put(f"{kind} recall vs substring scan", *(s[e][f"{kind}_recall"] for e in s))
            put(f"{kind} precision vs substring scan", *(s[e][f"{kind}_precision"] for e in s))
    return out


def table(m: dict) -> list[str]:
    lines = _head("", "gongwen", "SQLite FTS5", "tantivy", "gongwen ÷ FTS5",
                  "gongwen ÷ tantivy")
    for name, v in metrics(m).items():
        fmt = (lambda x: _f(x, 4)) if "recall" in name or "precision" in name else _f
        ratio = (lambda a, b: "—") if v["gongwen"] is None else _ratio
        lines.append(_row(name, fmt(v["gongwen"]), fmt(v["fts5"]), fmt(v["tantivy"]),
                          ratio(v["gongwen"], v["fts5"]), ratio(v["gongwen"], v["tantivy"])))
    return lines


def curve(rows: list[dict]) -> list[str]:
    lines = _head("documents", "add + index docs/s (gongwen / FTS5 / tantivy)",
                  "gongwen add / index s", "index MB", "warm p50 ms", "warm p95 ms",
                  "warm p99 ms", "open searcher RSS MB", "fresh query median ms",
                  "phrase recall")
    for m in rows:
        if "gongwen_add" not in m:
            lines.append(_row(f"{m['count']:,}", f"gongwen add stopped after {m['timeout_s']} s",
                              *[""] * 8))
            continue
        v = metrics(m)

        def three(name, fmt=_f):
            return " / ".join(fmt(v[name][e]) for e in ("gongwen",) + PEERS)

        add = m["gongwen_add"]
        lines.append(_row(f"{m['count']:,}", three("add + index, documents/s"),
                          f"{add['add_s']:.0f} / {add['index_s']:.0f}",
                          three("index on disk, MB"), three("warm p50 with snippets, ms"),
                          three("warm p95 with snippets, ms"), three("warm p99 with snippets, ms"),
                          three("RSS of an open searcher, MB"),
                          three("fresh process, one query: median, ms"),
                          three("phrase recall vs substring scan", lambda x: _f(x, 3))))
    return lines


def render(r: dict) -> str:
    mc, ver = r["machine"], r["versions"]
    lines = [f"Real corpus mode, {r['date']}: corpus {r['corpus']} (seed {r['seed']}); "
             f"{mc['cpu']}, {mc['cores']} cores, {mc['memory_gb']} GB, Python {mc['python']}; "
             f"tantivy {ver['tantivy']}, SQLite {ver['sqlite']}, rjieba {ver['rjieba']}, "
             f"whoosh-reloaded {ver['whoosh']}.", "",
             "Same texts (the records gongwen's `archive add` made), same words (gongwen's "
             "normal form, rjieba without HMM, gongwen's domain dictionary) for every engine. "
             f"Warm: every query {r['reps']} times with the index open, top 10 with a highlighted "
             "snippet each and the total. Ratios are gongwen's value divided by the peer's.", ""]
    for label in ("real", "synthetic"):
        rows = r.get(label) or []
        if not rows:
            continue
        c = r["corpora"][label]
        what = ("real texts cycled with per-copy changes" if label == "real"
                else "synthetic variants of the samples")
        lines += [f"## {label.capitalize()} corpus ({what}; mean {c['mean_chars']:,} characters)",
                  ""]
        for m in rows:
            if "gongwen_add" not in m:
                continue
            add = m["gongwen_add"]
            grown = (f" (grown from {m['grown_from']:,}: the rates below are of the "
                     f"{m['count'] - m['grown_from']:,} added)" if m.get("grown_from") else "")
            lines += [f"### {m['count']:,} documents{grown}", "",
                      f"gongwen archive add: {add['added']} added, {add['duplicate']} duplicate, "
                      f"{add['failed']} failed in {add['total_s']:.0f} s ({add['add_s']:.0f} s "
                      f"adds + {add['index_s']:.0f} s index update); archive on disk "
                      f"{add['archive_mb']:.0f} MB.", ""]
            loads = [x for k, v in m.items() if isinstance(v, dict)
                     for x in v.get("load_avg", [])]
            lines += table(m) + ["", f"Load average (1 min) during these phases: "
                                 f"{min(loads):.1f}–{max(loads):.1f} on {mc['cores']} cores.", ""]
        grown = ("One archive and one index per engine grown through the counts: each row adds "
                 "the documents since the row above (gongwen: `archive add` of that folder, its "
                 "index update a sync into the existing index), so rates and times are those of "
                 "the slice added, at that size; sizes, RSS and latencies are of the whole.")
        lines += ["**Curve**", ""] + ([grown, ""] if r.get("grown") else []) + curve(rows) + [""]
    return "\n".join(lines)
