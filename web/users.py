"""The web workspace's accounts: a small SQLite file in the archive folder (users.sqlite),
passwords hashed with Argon2id. Every change is one transaction that also appends to the
archive's audit log (accounts.py); this module only stores and checks."""
from __future__ import annotations

import functools
import secrets
import sqlite3
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from archive.audit import now
from generator.errors import GongwenError

USERS_FILE = "users.sqlite"
# Each role has the rights of those before it.
ROLES = ("auditor", "clerk", "admin")
ROLE_NAMES = {"auditor": "审计员", "clerk": "文书", "admin": "管理员"}
MIN_PASSWORD = 8
MAX_PASSWORD = 200
MAX_NAME = 32
BUSY_TIMEOUT_S = 10

_SCHEMA = """CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, changed_at TEXT NOT NULL,
    stamp TEXT NOT NULL)"""  # stamp: new at every change; sessions made before it end

_hasher = PasswordHasher()  # Argon2id with the library's RFC 9106 parameters


@functools.cache
def _dummy() -> str:
    """A hash checked for unknown names, so they take as long as wrong passwords."""
    return _hasher.hash("not a password of anyone")


_COLUMNS = "name, role, active, created_at, changed_at, stamp"


def _user(row: tuple) -> User:
    return User(row[0], row[1], bool(row[2]), row[3], row[4], row[5])


class UserError(GongwenError):
    """An account operation that cannot be done as asked (message in Chinese)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool
    created_at: str
    changed_at: str
    stamp: str = field(default="", repr=False)

    def can(self, role: str) -> bool:
        """Whether this account has the rights of `role`."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    if not name or len(name) > MAX_NAME:
        raise UserError(f"用户名应为 1 到 {MAX_NAME} 个字符")
    if any(c.isspace() or unicodedata.category(c).startswith("C") or c in "/\\<>\"'&"
           for c in name):
        raise UserError(f"用户名“{name}”含有空白、控制字符或 / \\ < > \" ' & 等符号")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError("角色应为 " + "、".join(f"{r}（{ROLE_NAMES[r]}）" for r in ROLES))
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码太短：至少 {MIN_PASSWORD} 个字符")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"密码太长：最多 {MAX_PASSWORD} 个字符")
    return password


class UserStore:
    """users.sqlite of one archive folder; created (honouring the umask) when first written."""

    def __init__(self, archive_root: Path):
        self.path = Path(archive_root) / USERS_FILE

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        fresh = not self.path.is_file()
        try:
            conn = sqlite3.connect(":memory:" if fresh and not write else self.path,
                                   timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise UserError(f"无法打开账号文件“{self.path}”：{exc}") from None
        try:
            if fresh or write:
                conn.execute(_SCHEMA)
            yield conn
        except sqlite3.Error as exc:
            raise UserError(f"读写账号文件“{self.path}”失败：{exc}") from None
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed when the block ends, undone if it raises
        (so a change whose audit entry could not be written is not kept)."""
        with self._connect(write=True) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def get(self, name: str) -> User | None:
        with self._connect(write=False) as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM users WHERE name=?", (name,)).fetchone()
        return _user(row) if row else None

    def all(self) -> list[User]:
        with self._connect(write=False) as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()
        return [_user(r) for r in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        """The active account with this name and password; None otherwise (always after
        one Argon2 check, so unknown names take as long as wrong passwords)."""
        with self._connect(write=False) as conn:
            row = conn.execute("SELECT password FROM users WHERE name=? AND active=1",
                               (name,)).fetchone()
        try:
            _hasher.verify(row[0] if row else _dummy(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return self.get(name) if row else None

    # -- writes, inside transaction()

    @staticmethod
    def insert(conn: sqlite3.Connection, name: str, role: str, password: str) -> None:
        if conn.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise UserError(f"用户“{name}”已存在（改密码用 gongwen user passwd）")
        at = now()
        conn.execute("INSERT INTO users(name, role, password, active, created_at, changed_at,"
                     " stamp) VALUES (?,?,?,1,?,?,?)",
                     (name, role, _hasher.hash(password), at, at, secrets.token_hex(8)))

    @staticmethod
    def update(conn: sqlite3.Connection, name: str, *, password: str | None = None,
               active: bool | None = None) -> None:
        if not conn.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise UserError(f"没有用户“{name}”（用 gongwen user list 查看）")
        if password is not None:
            conn.execute("UPDATE users SET password=? WHERE name=?",
                         (_hasher.hash(password), name))
        if active is not None:
            conn.execute("UPDATE users SET active=? WHERE name=?", (int(active), name))
        conn.execute("UPDATE users SET changed_at=?, stamp=? WHERE name=?",
                     (now(), secrets.token_hex(8), name))
