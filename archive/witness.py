"""Anchoring the audit chain outside the archive.

Anyone who can write the archive folder can rewrite the chain and recompute every hash. What
they cannot rewrite is a copy of the head kept elsewhere: a witness file (one line per export
or verify: time, entry count, head hash) or a head an auditor noted. The chain must still hold
each witnessed head at its place.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GongwenError, describe_os_error

from .audit import Entry, now

HEADER = "# gongwen 审计日志链头见证：时间\t条数\t链头哈希\t档案库\n"
_LINE = re.compile(r"^(\S+)\t(\d+)\t([0-9a-f]{64})\t(.*)$")
_EXPECT = re.compile(r"^(?:(\d+)[:：])?([0-9a-fA-F]{16,64})$")


class WitnessError(GongwenError):
    """A witness file or an expected head that cannot be read (message in Chinese)."""


@dataclass(frozen=True)
class Anchor:
    count: int  # entries in the chain when the head was taken
    head: str
    where: str  # 见证文件第 N 行 / --expect-head


def _regular_or_absent(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WitnessError(f"无法读取见证文件“{path}”：{exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise WitnessError(f"见证文件“{path}”不是普通文件（如命名管道、设备或文件夹），未读取")


def read_witness(path: Path) -> list[Anchor]:
    _regular_or_absent(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise WitnessError(f"无法读取见证文件“{path}”：{getattr(exc, 'strerror', exc)}") from None
    anchors = []
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise WitnessError(f"见证文件“{path}”第 {n} 行格式不对：应为 时间、条数、链头哈希、"
                               "档案库，以 Tab 分隔（由 gongwen 写入，请勿手改）")
        anchors.append(Anchor(int(match.group(2)), match.group(3), f"见证文件第 {n} 行"))
    return anchors


def append_witness(path: Path, count: int, head: str, archive_root: Path) -> None:
    """Add the chain's current head (`count` entries, the last hashing to `head`); the file is
    created (with a header line) if needed."""
    _regular_or_absent(path)
    new = not path.exists()
    try:
        with open(path, "a", encoding="utf-8") as f:
            if new:
                f.write(HEADER)
            f.write(f"{now()}\t{count}\t{head}\t{archive_root.resolve()}\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise WitnessError(f"无法写入见证文件“{path}”：{describe_os_error(exc)}") from None


def parse_expected_head(text: str) -> Anchor:
    """`HASH` (anywhere in the chain) or `N:HASH` (entry N); a prefix of 16+ hex digits will do."""
    match = _EXPECT.match(text.strip())
    if not match:
        raise WitnessError(f"--expect-head “{text}”应为链头哈希（至少 16 位十六进制），"
                           "或 条数:哈希（如 57:3fa2…）")
    return Anchor(int(match.group(1)) if match.group(1) else 0, match.group(2).lower(),
                  "--expect-head")


def broken_anchors(log: list[Entry], anchors: list[Anchor]) -> list[str]:
    """Each anchor the chain no longer holds at its place, in Chinese."""
    problems = []
    for anchor in anchors:
        if anchor.count == 0:  # a bare hash: it must be somewhere in the chain
            if not any(e.hash.startswith(anchor.head) for e in log):
                problems.append(f"{anchor.where}：链中已没有哈希为 {anchor.head[:16]}… 的条目"
                                "（日志被截短或改写）")
        elif anchor.count > len(log):
            problems.append(f"{anchor.where}：见证时日志有 {anchor.count} 条，现只有 {len(log)} 条"
                            "（日志被截短）")
        elif not log[anchor.count - 1].hash.startswith(anchor.head):
            problems.append(f"{anchor.where}：第 {anchor.count} 条的哈希与见证不符（日志被改写）")
    return problems
