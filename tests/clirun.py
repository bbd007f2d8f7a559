"""Run `gongwen` as a user does: a real process, and never a traceback in what it prints."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GONGWEN = [sys.executable, "-c", "from cli import run; run()"]
TRACEBACK = "Traceback (most recent call last)"
INTERNAL_MARK = "gongwen 内部错误"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def assert_no_traceback(output: str) -> None:
    assert TRACEBACK not in output, output
    assert INTERNAL_MARK not in output, output


def gongwen(*args, expect: int | None = None, cwd: Path | None = None, env: dict | None = None,
            stdin: str | None = None, timeout: float = 300, preexec_fn=None,
            prefix: tuple[str, ...] = ()) -> Ran:
    """`gongwen ARGS` in a fresh process; fails the test on any traceback or internal error,
    and on an exit code other than `expect` when one is given."""
    full_env = os.environ.copy() | {"PYTHONPATH": str(ROOT)} | (env or {})
    full_env.pop("GONGWEN_DEBUG", None)
    done = subprocess.run([*prefix, *GONGWEN, *map(str, args)], cwd=cwd or ROOT, env=full_env,
                          input=stdin if stdin is not None else "", capture_output=True,
                          text=True, timeout=timeout, preexec_fn=preexec_fn)
    ran = Ran(done.returncode, done.stdout, done.stderr)
    assert_no_traceback(ran.text)
    if expect is not None:
        assert ran.code == expect, f"exit {ran.code}, expected {expect}\n{ran.text}"
    return ran


# root without the capabilities that bypass file permissions: mode bits apply as to any user
# (setpriv is in util-linux, part of every Debian)
WITHOUT_ROOT_OVERRIDE = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner")
