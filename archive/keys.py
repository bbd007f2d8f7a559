"""The audit key: a secret kept outside the archive, so write access alone cannot re-seal a
rewritten chain. Each entry's hash is then also signed with HMAC-SHA256 under the key.

The key file is 64 hex digits on one line (comment lines start with #), mode 0600. The catalog
keeps only the key's identifier (the first 16 hex digits of the SHA-256 of the key)."""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GongwenError

KEY_ENV = "GONGWEN_AUDIT_KEY_FILE"
META_KEY_ID = "audit_key_id"
_HEX_KEY = re.compile(r"[0-9a-f]{64}")


class AuditKeyError(GongwenError):
    """An audit key that cannot be read or does not belong to the archive (Chinese message)."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    path: Path

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.secret).hexdigest()[:16]

    def sign(self, entry_hash: str) -> str:
        return hmac.new(self.secret, entry_hash.encode("utf-8", "surrogatepass"),
                        hashlib.sha256).hexdigest()

    def signed(self, entry_hash: str, mac: str | None) -> bool:
        return (isinstance(mac, str) and isinstance(entry_hash, str)
                and hmac.compare_digest(self.sign(entry_hash), mac))


def create_key_file(path: Path) -> AuditKey:
    """A new random key in a new file (never overwrites one)."""
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AuditKeyError(f"密钥文件“{path}”已存在；不会覆盖它（要使用它，请用 {KEY_ENV} 指定）") from None
    except OSError as exc:
        raise AuditKeyError(f"无法创建密钥文件“{path}”：{exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# gongwen 审计日志密钥：请保存在档案库以外，丢失后无法再核对带密钥的日志\n")
        f.write(secret.hex() + "\n")
    return AuditKey(secret, path)


def read_key_file(path: Path) -> AuditKey:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise AuditKeyError(f"找不到密钥文件“{path}”") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"无法读取密钥文件“{path}”：{getattr(exc, 'strerror', None) or '不是密钥文件'}") from None
    keys = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if len(keys) != 1 or not _HEX_KEY.fullmatch(keys[0]):
        raise AuditKeyError(f"“{path}”不是 gongwen 的密钥文件（应有一行 64 位十六进制数字）")
    return AuditKey(bytes.fromhex(keys[0]), path)


def key_from_env() -> AuditKey | None:
    value = os.environ.get(KEY_ENV, "").strip()
    return read_key_file(Path(value)) if value else None
