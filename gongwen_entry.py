"""The `gongwen` console script. Ctrl-C or SIGTERM while the program is still loading (before
any file is touched) ends it quietly; once loaded, cli.run handles them with cleanup."""
from __future__ import annotations

import os
import signal


def _quit_while_loading(signum, frame) -> None:
    os._exit(128 + signum)  # nothing has been written yet: nothing to clean up


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _quit_while_loading)
    from cli import run

    run()
