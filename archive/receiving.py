"""Reading a received file into what the archive stores. No archive state is touched here, so
`archive add` reads files in worker processes while the main process stores them, in order.
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from generator.errors import GongwenError
from generator.importer.document import import_received
from generator.importer.paragraphs import read_received
from generator.workers import end_workers, worker_start

from .extract import ExtractError, media_type
from .incoming import Incoming, Outcome
from .overrides import read_sidecar, sidecar_path
from .pdftext import furniture_note
from .reading import content_of
from .records import Metadata, StoredFile

PARALLEL_FROM = 8  # files; fewer are read in the main process (a worker takes ~1 s to start)
IN_FLIGHT_PER_WORKER = 4  # files read ahead of the adds: bounds the memory of a large batch


@dataclass(frozen=True)
class ReceivedFile:
    """A file to read: its bytes as read once (their hash found no record)."""

    path: Path
    data: bytes
    sha256: str


def read_received_file(received: ReceivedFile, overrides: Metadata | None = None
                       ) -> Incoming | Outcome:
    """What the archive stores of one received file, or why it cannot (never raises for a
    bad file)."""
    path, data = received.path, received.data
    try:
        read = read_received(path.name, data)
        stated = Metadata()
        sidecar = sidecar_path(path)
        if sidecar.is_symlink():  # it could stand for any file of the user's
            return Outcome(str(path), "failed",
                           message=f"旁注文件“{sidecar.name}”是符号链接，未读取；请放一个普通文件")
        if sidecar.is_file():
            stated = read_sidecar(sidecar)
    except (ExtractError, GongwenError) as exc:
        return Outcome(str(path), "failed", message=str(exc))
    extracted = read.extracted
    imported = import_received(path, read, for_yaml=False)
    content = content_of(imported, read.paragraphs, extracted.text)
    content.pages = extracted.pages
    content.metadata = content.metadata.merged(stated).merged(overrides or Metadata())
    content.warnings += extracted.notes
    if extracted.removed:
        content.warnings.append(furniture_note(extracted.removed))
    if not extracted.text.strip() and not extracted.notes:
        content.warnings.append("未提取到文字（可能是扫描件），只能按元数据检索")
    main = StoredFile("original", received.sha256, len(data), path.name, media_type(path))
    return Incoming([(main, data)], content, "received", str(path))


def read_all(wanted: Iterable[ReceivedFile | Outcome], count: int,
             overrides: Metadata | None, jobs: int | None = None
             ) -> Iterator[Incoming | Outcome]:
    """read_received_file over `wanted` (an outcome passes through), results in the input's
    order; with `count` files or more, in one worker process per core."""
    workers = min(jobs or os.cpu_count() or 1, count)
    if count < PARALLEL_FROM or workers < 2:
        for item in wanted:
            yield item if isinstance(item, Outcome) else read_received_file(item, overrides)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_start)
    try:
        yield from _in_order(wanted, lambda item: pool.submit(read_received_file, item, overrides),
                             workers * IN_FLIGHT_PER_WORKER)
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
        raise GongwenError("读取文件的进程意外退出（可能是内存不足）；已归档的保留，"
                           "重新运行同一命令即可补全") from None
    except BaseException:
        end_workers()  # Ctrl-C, SIGTERM, or the caller stopped (a full disk)
        raise
    pool.shutdown(wait=True)


def _in_order(wanted: Iterable[ReceivedFile | Outcome], submit: Callable[[ReceivedFile], Future],
              window: int) -> Iterator[Incoming | Outcome]:
    pending: deque[Future | Outcome] = deque()
    for item in wanted:
        pending.append(item if isinstance(item, Outcome) else submit(item))
        while len(pending) > window:
            yield _result(pending.popleft())
    while pending:
        yield _result(pending.popleft())


def _result(item: Future | Outcome) -> Incoming | Outcome:
    return item if isinstance(item, Outcome) else item.result()
