"""Property tests over the YAML loader (issue 16): random and mutated inputs never raise
anything but the documented problem values, each within a time bound, and a real gongwen
process given a pile of them prints no traceback."""
from __future__ import annotations

import random
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.extract import ExtractError
from generator.check.yaml_check import check_yaml
from generator.errors import InputError
from generator.source import read_source
from generator.load import load_document

from .clirun import gongwen
from .conftest import SAMPLES

SEEDS = [path.read_bytes() for path in SAMPLES]
PIECES = [b"\x00", b"\x07", b"\x0b", b"\x1b", b"\x7f", "\x85".encode(), "\u2028".encode(),
          "\ufeff".encode(), b"\xff", b"\xc3", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"*b",
          b"&b [*a, *a, *a]", b"<<: *a\n", b": ", b"- ", b"\t", b'"\\x07"', b'"\\ud800"',
          b"!!python/object:os.system ", b"!!binary ", b"!!set ", b"!!omap ", b"? ", b"---\n",
          b"...\n", b"%YAML 1.1\n", b"1" * 5000, b"[" * 3000, b"{a: " * 100, b"\r", b"\n",
          b"'", b'"', b"|\n", b">-\n", b"#", b"!foo ", b"~", b"0x", b"2020-02-30", b"  "]
TIME_LIMIT = 20  # seconds for one input; far above the few milliseconds one takes


@contextmanager
def time_limit(seconds: int = TIME_LIMIT):
    def expired(signum, frame):
        raise TimeoutError(f"one input took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "nest", "alias"]))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(PIECES) | st.binary(max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "nest":
            depth = draw(st.integers(1, 200))
            data[at:at] = b"[" * depth + b"1" + b"]" * depth
        else:
            data[at:at] = b"&x [" + b"*x, " * draw(st.integers(0, 3)) + b"1]"
    return bytes(data)


def load_everything(path: Path) -> None:
    """Every way a YAML is read; only the documented problem values may come out."""
    with time_limit():
        source, problems = read_source(path)
        assert (source is None) == bool(problems)
        assert all(p.message for p in problems)
        try:
            load_document(path)
        except InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
        try:
            check_yaml(path, path.name)
        except ExtractError as exc:  # the file could not be read at all: check reports it
            assert str(exc)


_FOLDER = Path(tempfile.mkdtemp(prefix="gongwen-fuzz-"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_samples_never_raise(data):
    path = _FOLDER / "变异.yaml"
    path.write_bytes(data)
    load_everything(path)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("文种: -[]{}&*!|>'\"#\n\t ab1\x07\x85\u2028")),
               max_size=200))
def test_random_text_never_raises(text):
    path = _FOLDER / "随机.yaml"
    path.write_text(text, encoding="utf-8")
    load_everything(path)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    path = _FOLDER / "字节.yaml"
    path.write_bytes(data)
    load_everything(path)


def test_a_real_process_reads_a_pile_of_mutants_without_a_traceback(tmp_path):
    rng = random.Random(16)
    files = []
    for n in range(25):
        data = bytearray(rng.choice(SEEDS))
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(data) + 1)
            data[at:at] = rng.choice(PIECES)
        files.append(tmp_path / f"变异{n}.yaml")
        files[-1].write_bytes(bytes(data))
    for command in ("validate", "check"):
        ran = gongwen(command, *files, timeout=300)
        assert ran.code in (1, 2), ran.text
