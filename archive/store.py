"""Content-addressed, write-once storage of original bytes: objects/ab/abcdef... (SHA-256)."""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ObjectStore:
    def __init__(self, root: Path):
        self.root = root
        self.tmp = root / "tmp"

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def put(self, data: bytes, sha: str | None = None) -> str:
        """Store `data` (durably, atomically) and return its SHA-256. Idempotent: an object
        already present with the right content is kept; a damaged one is replaced."""
        sha = sha or sha256_bytes(data)
        final = self.path(sha)
        if final.is_file() and sha256_file(final) == sha:
            return sha
        self.tmp.mkdir(parents=True, exist_ok=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp / f"{os.getpid()}-{sha[:16]}"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # write-once
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return sha

    def remove(self, sha: str) -> None:
        self.path(sha).unlink(missing_ok=True)

    def all_objects(self) -> dict[str, Path]:
        """Every stored object by name (which should be its hash)."""
        out = {}
        for sub in sorted(self.root.iterdir()) if self.root.is_dir() else []:
            if sub.is_dir() and sub != self.tmp:
                for f in sub.iterdir():
                    out[f.name] = f
        return out

    def leftovers(self) -> list[Path]:
        """Temporary files of writes that never finished (their process is gone)."""
        if not self.tmp.is_dir():
            return []
        return [f for f in sorted(self.tmp.iterdir()) if not _pid_alive(f.name.split("-")[0])]

    def clean_leftovers(self) -> None:
        for f in self.leftovers():
            f.unlink(missing_ok=True)


def _pid_alive(text: str) -> bool:
    try:
        os.kill(int(text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
