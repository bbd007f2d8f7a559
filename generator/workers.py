"""Worker processes that leave SIGTERM and Ctrl-C to the main process, and their ending."""
from __future__ import annotations

import multiprocessing
import signal


def worker_start() -> None:
    """A worker leaves SIGTERM and Ctrl-C to the main process, which waits for it and then
    cleans up."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)


def end_workers() -> None:
    """Kill this process's worker processes and wait until they are gone (so that none still
    writes when the main process cleans up). SIGTERM or Ctrl-C may have come while a pool held
    its own lock, so a pool's shutdown could wait forever."""
    for child in multiprocessing.active_children():
        child.kill()
    for child in multiprocessing.active_children():
        child.join(timeout=30)
