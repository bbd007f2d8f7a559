"""Terminal helpers shared by the commands that generate documents."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import Problem


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.secho(str(problem), fg="red", err=True)


def generate_with_progress(files: list[Path], outdir: Path, formats: tuple[str, ...],
                           jobs: int | None, show_progress: bool) -> list:
    """generate_many with a progress bar on stderr (hidden when quiet or for one file)."""
    from .pipeline import generate_many

    with click.progressbar(length=len(files), label="生成中", file=sys.stderr,
                           hidden=not show_progress or len(files) < 2) as bar:
        return generate_many(list(files), outdir, formats, jobs, on_done=lambda _: bar.update(1))
