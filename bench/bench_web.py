"""The web workspace measured from outside: a real `gongwen serve` on an archive, signed in over
HTTP, the real-corpus query set asked as the search page (HTML, rendered) and as /api/search.

    .venv/bin/python bench/bench_web.py -A ARCHIVE [--reps 5] [--json OUT]

Reports: the server's start until it answers; the first search page (the searcher opens);
then p50/p95/p99 of every query `reps` times, page and JSON apart. An account is added to the
archive for the run (`bench-web`, auditor) and disabled at the end.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.queries import real_query_set  # noqa: E402

GONGWEN = [sys.executable, "-c", "from cli import run; run()"]
USER, PASSWORD = "bench-web", "bench-web-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gongwen(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([*GONGWEN, *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, check=True)
    return done.stdout


def _commonest_unit(archive: str) -> str:
    records = json.loads(_gongwen("archive", "list", "--json", "-A", archive))
    units = Counter(r["metadata"].get("发文机关") for r in records if r["metadata"].get("发文机关"))
    return units.most_common(1)[0][0] if units else ""


def _params(query) -> dict:
    names = {"unit": "unit", "kind": "type", "person": "person", "date_from": "from",
             "date_to": "to"}
    return {"q": query.words, **{names[k]: v for k, v in query.filters.items()}}


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-A", "--archive", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    try:
        _gongwen("user", "add", USER, "--role", "auditor", "-A", args.archive, stdin=PASSWORD + "\n")
    except subprocess.CalledProcessError:
        _gongwen("user", "passwd", USER, "-A", args.archive, stdin=PASSWORD + "\n")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([*GONGWEN, "serve", "-A", args.archive, "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        while True:
            try:
                login_page = opener.open(base + "/login", timeout=5).read().decode()
                break
            except OSError:
                if time.perf_counter() - started > 60:
                    raise
                time.sleep(0.05)
        up = time.perf_counter() - started
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"username": USER, "password": PASSWORD,
                                       "csrf_token": token}).encode()
        opener.open(base + "/login", form, timeout=30).read()
        queries = real_query_set(_commonest_unit(args.archive))

        def fetch(path: str, query) -> float:
            url = f"{base}{path}?{urllib.parse.urlencode(_params(query))}"
            start = time.perf_counter()
            with opener.open(url, timeout=60) as response:
                response.read()
            return (time.perf_counter() - start) * 1000

        first = fetch("/search", queries[0])
        times = {"page": [], "api": []}
        for _ in range(args.reps):
            for query in queries:
                times["page"].append(fetch("/search", query))
                times["api"].append(fetch("/api/search", query))
    finally:
        server.terminate()
        server.wait(timeout=30)
        _gongwen("user", "disable", USER, "-A", args.archive)
    result = {"archive": args.archive, "queries": len(queries), "reps": args.reps,
              "server_up_ms": round(up * 1000), "first_search_page_ms": round(first, 1)}
    for kind, values in times.items():
        result[kind] = {"p50": round(statistics.median(values), 1),
                        "p95": round(_percentile(values, 95), 1),
                        "p99": round(_percentile(values, 99), 1)}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
