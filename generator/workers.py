"""Worker processes that leave SIGTERM and Ctrl-C to the main process, and their ending."""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time


PARENT_CHECK_S = 0.5


def worker_start() -> None:
    """A worker leaves SIGTERM and Ctrl-C to the main process, which waits for it and then
    cleans up; it ends by itself when the main process is gone (killed with SIGKILL, the
    pool's pipes stay open in the sibling workers, so a worker waiting on them never sees
    an end, measured: orphans kept waiting for an hour)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def end_workers() -> None:
    """Kill this process's worker processes and wait until they are gone (so that none still
    writes when the main process cleans up). SIGTERM or Ctrl-C may have come while a pool held
    its own lock, so a pool's shutdown could wait forever."""
    for child in multiprocessing.active_children():
        child.kill()
    for child in multiprocessing.active_children():
        child.join(timeout=30)
