"""Content-addressed, write-once storage of original bytes: objects/ab/abcdef... (SHA-256)."""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from pathlib import Path

from generator.errors import GongwenError

CHUNK = 1 << 20
LIVE_WRITE_S = 600  # no write of one object takes longer: an older temporary file is left over


READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class ObjectError(GongwenError):
    """A stored object that cannot be read as stored (message in Chinese)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return _sha256_stream(f)


def _sha256_stream(f) -> str:
    digest = hashlib.sha256()
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
        if self._holds(sha):
            return sha
        self.tmp.mkdir(parents=True, exist_ok=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp / f"{os.getpid()}-{sha[:16]}"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, READ_ONLY & ~current_umask())  # write-once, readable as the umask allows
            os.replace(tmp, final)
        except BaseException:  # disk full, a size limit, SIGTERM: leave no temporary file
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(final.parent)
        return sha

    def open_object(self, sha: str):
        """The stored object for reading, never through a link: a binary file object.
        ObjectError (Chinese) when it is missing, a link, or not a regular file."""
        path = self.path(sha)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            raise ObjectError(f"对象文件缺失：{path}") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ObjectError(f"对象文件被替换为符号链接：{path}") from None
            raise ObjectError(f"无法读取对象文件 {path}：{exc.strerror}") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise ObjectError(f"对象不是普通文件：{path}")
        return os.fdopen(fd, "rb")

    def regular_path(self, sha: str) -> Path:
        """The object's path for a reader that takes paths, once it is known to be a regular
        file and not a link (open_object's rule); ObjectError otherwise."""
        with self.open_object(sha):
            return self.path(sha)

    def stored_sha256(self, sha: str) -> str:
        """The SHA-256 of what is stored under `sha`, read without following links;
        ObjectError when it cannot be read as stored."""
        with self.open_object(sha) as f:
            try:
                return _sha256_stream(f)
            except OSError as exc:
                raise ObjectError(f"无法读取对象文件 {self.path(sha)}：{exc.strerror}") from None

    def _holds(self, sha: str) -> bool:
        """Whether the object is stored, as a regular file, with the right content."""
        try:
            return self.stored_sha256(sha) == sha
        except ObjectError:
            return False

    def remove(self, sha: str) -> None:
        self.path(sha).unlink(missing_ok=True)

    def leftovers(self) -> list[Path]:
        """Everything in tmp/ that is not the temporary file of a write in progress: files of
        writes whose process is gone, or older than any write takes, and anything else."""
        if not self.tmp.is_dir() or self.tmp.is_symlink():
            return []
        now = time.time()
        out = []
        for f in sorted(self.tmp.iterdir()):
            info = f.lstat()
            live = (stat.S_ISREG(info.st_mode) and now - info.st_mtime < LIVE_WRITE_S
                    and _pid_alive(f.name.split("-")[0]))
            if not live:
                out.append(f)
        return out

    def clean_leftovers(self) -> None:
        """Remove the leftover temporary files (anything else in tmp/ verify reports)."""
        for f in self.leftovers():
            if stat.S_ISREG(f.lstat().st_mode):
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
