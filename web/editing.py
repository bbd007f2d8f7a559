"""The writer's editor: a YAML typed in the browser, checked and rendered by the generator
exactly as `gongwen validate` and `gongwen generate` do. The text is written into a new
temporary folder, and the files it may name (附件文档, 继承, 花名册) are confined to that
folder (generator.access): a YAML typed on the page never makes the server read its files.
The confinement is process-wide state, so all editor work runs on one thread of its own."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import GongwenError, InputError

MAX_YAML_CHARS = 200_000
SOURCE_NAME = "公文.yaml"
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Shown:
    """One problem or warning as the page shows it: where in the text, and what."""

    line: int | None
    column: int | None
    field: str
    message: str


@dataclass
class Checked:
    problems: list[Shown] = field(default_factory=list)
    warnings: list[Shown] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Rendered:
    checked: Checked
    data: bytes = b""  # the PDF or DOCX, when the text is valid
    name: str = ""


def _shown(problem, folder: Path) -> Shown:
    in_text = Path(problem.file).name == SOURCE_NAME and Path(problem.file).parent == folder
    where = "" if in_text else f"（{Path(problem.file).name}）"
    return Shown(problem.line if in_text else None, problem.column if in_text else None,
                 problem.field, problem.message + where)


class Editor:
    def __init__(self):
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, work, *args):
        """`work(*args)` on the one thread where reading is confined."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongwen-editor")
        return await asyncio.get_running_loop().run_in_executor(self._pool, work, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    async def check(self, text: str) -> Checked:
        return await self.run(_in_folder, text, None)

    async def render(self, text: str, fmt: str) -> Rendered:
        return await self.run(_in_folder, text, fmt)


def _too_long(text: str) -> Checked | None:
    if len(text) > MAX_YAML_CHARS:
        return Checked([Shown(None, None, "", f"文本过长：{len(text)} 个字符，最多 {MAX_YAML_CHARS} 个")])
    return None


def _in_folder(text: str, fmt: str | None):
    from generator.access import folders_for, reading_from
    from generator.load import load_document
    from generator.pipeline import generate_file

    refused = _too_long(text)
    if refused:
        return refused if fmt is None else Rendered(refused)
    folder = Path(tempfile.mkdtemp(prefix="gongwen-editor-"))
    source = folder / SOURCE_NAME
    try:
        source.write_text(text, encoding="utf-8")
        allowed = folders_for([source])
        with reading_from(allowed):
            try:
                loaded = load_document(source)
            except InputError as exc:
                checked = Checked([_shown(p, folder) for p in exc.problems])
                return checked if fmt is None else Rendered(checked)
            checked = Checked(warnings=[_shown(w, folder) for w in loaded.all_warnings])
            if fmt is None:
                return checked
            try:
                made = generate_file(source, folder / "out", (fmt,), folders=allowed)
            except InputError as exc:
                return Rendered(Checked([_shown(p, folder) for p in exc.problems]))
            except GongwenError as exc:
                return Rendered(Checked([Shown(None, None, "", f"生成失败：{exc}")]))
            output = next(p for p in made.outputs if p.suffix == f".{fmt}")
            title = " ".join(loaded.spec.title.split())  # a title may be written on two lines
            return Rendered(checked, output.read_bytes(), f"{title or '公文'}.{fmt}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
