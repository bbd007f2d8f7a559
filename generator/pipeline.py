"""YAML file -> DOCX and/or PDF files, written atomically."""
from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .errors import RenderError

if TYPE_CHECKING:
    from .access import ReadableFolders
    from .model import Document

# The renderers, the schema and their libraries load when a document is made, not when the
# command line starts (`gongwen --help`).
FORMATS = ("docx", "pdf")


def _renderer(fmt: str):
    if fmt == "docx":
        from .render_docx import render_docx
        return render_docx
    from .render_pdf import render_pdf
    return render_pdf


@dataclass(frozen=True)
class Generated:
    source: Path
    outputs: tuple[Path, ...]
    seconds: dict[str, float]  # per format


def generate_file(source: Path, outdir: Path, formats: tuple[str, ...] = FORMATS,
                  folders: "ReadableFolders | None" = None) -> Generated:
    """Validate, build and render one YAML file. Raises InputError before writing anything.
    `folders`: where the files it names may be (generator.access; a worker process is given
    the command's)."""
    from .access import reading_from
    from .build import build_document
    from .validate import load_document

    with reading_from(folders):
        doc = build_document(load_document(source))
    return write_outputs(doc, source, outdir, formats)


def write_outputs(doc: "Document", source: Path, outdir: Path,
                  formats: tuple[str, ...]) -> Generated:
    """Render every format to a temporary name first; rename only when all succeeded."""
    outdir.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []
    seconds: dict[str, float] = {}
    try:
        for fmt in formats:
            fd, tmp_name = tempfile.mkstemp(dir=outdir, prefix=f".{source.stem}.", suffix=f".{fmt}.tmp")
            os.close(fd)
            tmp = Path(tmp_name)
            pending.append((tmp, outdir / f"{source.stem}.{fmt}"))
            start = time.perf_counter()
            try:
                _renderer(fmt)(doc, tmp)
            except OSError as exc:
                raise RenderError(f"写入 {fmt.upper()} 失败：{exc}") from exc
            seconds[fmt] = time.perf_counter() - start
        for tmp, final in pending:
            os.replace(tmp, final)
    finally:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
    return Generated(source, tuple(final for _, final in pending), seconds)


def generate_many(files: list[Path], outdir: Path, formats: tuple[str, ...] = FORMATS,
                  jobs: int | None = None,
                  on_done: Callable[[Generated], None] | None = None,
                  folders: "ReadableFolders | None" = None) -> list[Generated]:
    """Generate every file, across `jobs` processes (default: all cores), in input order.
    `on_done` is called as each file finishes (for a progress bar)."""
    workers = min(jobs or os.cpu_count() or 1, len(files))
    if workers <= 1:
        results = []
        for path in files:
            results.append(generate_file(path, outdir, formats, folders))
            if on_done:
                on_done(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(generate_file, path, outdir, formats, folders): n
                   for n, path in enumerate(files)}
        done: dict[int, Generated] = {}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if on_done:
                on_done(done[futures[future]])
    return [done[n] for n in range(len(files))]
