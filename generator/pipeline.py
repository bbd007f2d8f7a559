"""YAML files -> DOCX, PDF and/or OFD files: all of a run's outputs, or none."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .errors import InputError, Problem, RenderError, os_reason
from .workers import end_workers, worker_start

if TYPE_CHECKING:
    from .access import ReadableFolders
    from .model import Document

# The renderers, the schema and their libraries load when a document is made, not when the
# command line starts (`gongwen --help`).
FORMATS = ("docx", "pdf")  # what "all" makes
# OFD (GB/T 33190) for 电子公文 exchange, on request (-f ofd): written from the PDF's layout
EXTRA_FORMATS = ("ofd",)


def _renderer(fmt: str):
    if fmt == "docx":
        from .render_docx import render_docx
        return lambda paged, target: render_docx(paged.doc, target)
    if fmt == "ofd":
        from .render_ofd import render_ofd
        return lambda paged, target: render_ofd(paged.doc, target, paged.pages)
    from .render_pdf import render_pdf
    return lambda paged, target: render_pdf(paged.doc, target, paged.pages)


@dataclass(frozen=True)
class Generated:
    source: Path
    outputs: tuple[Path, ...]
    seconds: dict[str, float]  # per format


def output_name(source: Path, fmt: str) -> str:
    return f"{source.stem}.{fmt}"


def generate_file(source: Path, outdir: Path, formats: tuple[str, ...] = FORMATS,
                  folders: "ReadableFolders | None" = None) -> Generated:
    """Validate, build and render one YAML file. Raises InputError before writing anything.
    `folders`: where the files it names may be (generator.access)."""
    return generate_many([source], outdir, formats, jobs=1, folders=folders)[0]


def write_outputs(doc: "Document", source: Path, outdir: Path,
                  formats: tuple[str, ...]) -> Generated:
    """Render a built document into `outdir`, all formats or none."""
    problems = output_problems([source], outdir, formats)
    if problems:
        raise InputError(problems)
    with _Staging(outdir) as staging:
        staged = _render(doc, source, 0, staging.folder, outdir, formats)
        return staging.publish([staged], outdir)[0]


def generate_many(files: list[Path], outdir: Path, formats: tuple[str, ...] = FORMATS,
                  jobs: int | None = None,
                  on_done: Callable[[Generated], None] | None = None,
                  folders: "ReadableFolders | None" = None) -> list[Generated]:
    """Generate every file, across `jobs` processes (default: all cores), in input order:
    all or nothing. Every file is rendered into a hidden folder inside `outdir` first; only
    when all succeeded are the outputs moved to their names. On any error (or SIGTERM) the
    hidden folder, and `outdir` if this run made it, are removed. `on_done` is called as each
    file finishes (for a progress bar)."""
    problems = output_problems(files, outdir, formats)
    if problems:
        raise InputError(problems)
    with _Staging(outdir) as staging:
        staged = _render_all(files, staging.folder, outdir, formats, jobs, on_done, folders)
        return staging.publish(staged, outdir)


# ---- before anything is written -----------------------------------------------------

def output_problems(files: list[Path], outdir: Path, formats: tuple[str, ...]) -> list[Problem]:
    """What would make writing fail or overwrite one output with another: an output folder
    that is a file, two inputs with the same name, a name too long, a folder in the way."""
    if outdir.exists() and not outdir.is_dir():
        return [Problem(str(outdir), None, None, "", "输出目录是一个文件，不是文件夹；请换一个 -o 目录")]
    problems: list[Problem] = []
    first: dict[str, Path] = {}
    name_max = _name_max(outdir)
    for source in files:
        if source.stem in first:
            problems.append(Problem(str(source), None, None, "",
                                    f"与“{first[source.stem]}”的输出同名（{source.stem}.docx / .pdf），"
                                    "会互相覆盖；请改名其中一个，或分两次生成到不同的目录"))
            continue
        first[source.stem] = source
        for fmt in formats:
            name = output_name(source, fmt)
            if len(os.fsencode(name)) > name_max:
                problems.append(Problem(str(source), None, None, "",
                                        f"输出文件名“{name}”过长（{len(os.fsencode(name))} 字节，"
                                        f"最多 {name_max} 字节）；请缩短文件名"))
            elif (outdir / name).is_dir():
                problems.append(Problem(str(outdir / name), None, None, "",
                                        "已有同名的文件夹，无法写入输出文件"))
    return problems


def _name_max(outdir: Path) -> int:
    """The longest file name (bytes) the folder's file system takes."""
    folder = outdir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


# ---- rendering into the hidden folder ---------------------------------------------------

class _Staging:
    """A hidden folder in `outdir` that holds a run's outputs until all are done."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.created: list[Path] = []
        self.folder = Path()

    def __enter__(self) -> "_Staging":
        missing = []
        folder = self.outdir
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        try:
            for folder in reversed(missing):
                folder.mkdir()  # mode 0o777 less the umask, like any folder the user makes
                self.created.append(folder)
            self.folder = Path(tempfile.mkdtemp(dir=self.outdir, prefix=".gongwen-"))
        except OSError as exc:
            self._remove_created()
            raise RenderError(f"无法写入输出目录“{self.outdir}”：{os_reason(exc)}") from None
        return self

    def __exit__(self, kind, value, tb) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if kind is not None:
            self._remove_created()

    def _remove_created(self) -> None:
        for folder in reversed(self.created):
            try:
                folder.rmdir()
            except OSError:
                break

    def publish(self, staged: list[Generated], outdir: Path) -> list[Generated]:
        """Move every staged output to its name; the results name the final files."""
        published = []
        for result in staged:
            finals = []
            for path in result.outputs:
                final = outdir / output_name(result.source, path.suffix[1:])
                try:
                    os.replace(path, final)
                except OSError as exc:
                    raise RenderError(f"无法写入“{final}”：{os_reason(exc)}") from None
                finals.append(final)
            published.append(Generated(result.source, tuple(finals), result.seconds))
        return published


def _render_all(files: list[Path], staging: Path, outdir: Path, formats: tuple[str, ...],
                jobs: int | None, on_done: Callable[[Generated], None] | None,
                folders: "ReadableFolders | None") -> list[Generated]:
    workers = min(jobs or os.cpu_count() or 1, len(files))
    if workers <= 1:
        results = []
        for index, path in enumerate(files):
            results.append(_generate_one(path, index, staging, outdir, formats, folders))
            if on_done:
                on_done(results[-1])
        return results
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_start)
    try:
        futures = {pool.submit(_generate_one, path, index, staging, outdir, formats, folders): index
                   for index, path in enumerate(files)}
        done: dict[int, Generated] = {}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if on_done:
                on_done(done[futures[future]])
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
        raise RenderError("生成进程意外退出（可能是内存不足），未生成任何文件") from None
    except BaseException:
        # SIGTERM or Ctrl-C may have come while the pool held its own lock, so a shutdown could
        # wait forever: end the workers (they ignore both signals) before anything is cleaned up
        end_workers()
        raise
    pool.shutdown(wait=True)
    return [done[n] for n in range(len(files))]


def _generate_one(source: Path, index: int, staging: Path, outdir: Path,
                  formats: tuple[str, ...], folders: "ReadableFolders | None") -> Generated:
    from .access import reading_from
    from .build import build_document
    from .load import load_document

    with reading_from(folders):
        doc = build_document(load_document(source))
    return _render(doc, source, index, staging, outdir, formats)


def _render(doc: "Document", source: Path, index: int, staging: Path, outdir: Path,
            formats: tuple[str, ...]) -> Generated:
    """Every format of one document into the staging folder (short names: the final name's
    length was checked before)."""
    from .paging import settle_closing

    outputs: list[Path] = []
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    paged = settle_closing(doc)  # one page layout decides for both formats
    for fmt in formats:
        target = staging / f"{index}.{fmt}"
        try:
            _renderer(fmt)(paged, target)
        except OSError as exc:
            final = outdir / output_name(source, fmt)
            raise RenderError(f"写入“{final}”失败：{os_reason(exc)}") from None
        seconds[fmt] = time.perf_counter() - start
        start = time.perf_counter()
        outputs.append(target)
    return Generated(source, tuple(outputs), seconds)
