"""The archive as the server holds it: opened once, with one search backend whose searcher
stays open (search.query.ArchiveSearcher reopens it when the index changes). SQLite
connections belong to the thread that made them, so one worker thread does all of it."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, TypeVar

from archive.core import Archive
from search.backend import SearchBackend, backend_for

T = TypeVar("T")


class Workspace:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._pool: ThreadPoolExecutor | None = None
        self._archive: Archive | None = None
        self._backend: SearchBackend | None = None

    def _held(self) -> tuple[Archive, SearchBackend]:
        if self._archive is None:
            self._archive = Archive(self.root, create=False)
            self._backend = backend_for(self._archive)
        return self._archive, self._backend

    def _call(self, work: Callable[..., T], args: tuple) -> T:
        archive, backend = self._held()
        return work(archive, backend, *args)

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(archive, backend, *args)` on the archive's thread."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongwen-archive")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._call, work, args)

    def _close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if self._archive is not None:
            self._archive.close()
        self._archive = self._backend = None

    def close(self) -> None:
        """Let go of the archive (the server stops); a later call opens it again."""
        if self._pool is not None:
            self._pool.submit(self._close).result()
            self._pool.shutdown()
            self._pool = None
