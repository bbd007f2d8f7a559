"""Time per DOCX and per PDF for each sample (median of N renders, model built once).

    .venv/bin/python bench/bench_generate.py [N]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from generator.build import build_document
from generator.render_docx import render_docx
from generator.render_pdf import render_pdf
from generator.validate import load_document

ROOT = Path(__file__).resolve().parent.parent


def main(runs: int = 7) -> None:
    start = time.perf_counter()
    import weasyprint  # noqa: F401  (import cost reported separately)
    print(f"import weasyprint: {time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for sample in sorted((ROOT / "samples").glob("*.yaml")):
            t0 = time.perf_counter()
            doc = build_document(load_document(sample))
            load_ms = (time.perf_counter() - t0) * 1000
            timings = {}
            for fmt, render in (("docx", render_docx), ("pdf", render_pdf)):
                samples = []
                for i in range(runs):
                    t0 = time.perf_counter()
                    render(doc, Path(tmp) / f"{i}.{fmt}")
                    samples.append(time.perf_counter() - t0)
                timings[fmt] = (samples[0], statistics.median(samples[1:]))
            print(f"{sample.stem}: validate+build {load_ms:.0f} ms; "
                  f"DOCX first {timings['docx'][0]*1000:.0f} ms, median {timings['docx'][1]*1000:.0f} ms; "
                  f"PDF first {timings['pdf'][0]*1000:.0f} ms, median {timings['pdf'][1]*1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
