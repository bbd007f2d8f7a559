"""Old binary Word (.doc) and WPS (.wps) files, made DOCX by LibreOffice headless.

Each conversion runs in a temporary folder with its own LibreOffice user profile (so it never
waits on, or disturbs, a LibreOffice the user has open) and a time limit. Without LibreOffice
the file is refused with a message saying how to convert it by hand.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from . import limits
from .extract import ExtractError

KIND = {".doc": "旧版 Word（.doc）", ".wps": "WPS（.wps）"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, suffix: str) -> bytes:
    """The DOCX LibreOffice makes of `data`, a .doc or .wps file."""
    kind = KIND.get(suffix, suffix)
    program = soffice()
    if program is None:
        raise ExtractError(f"{kind}是二进制格式，需要 LibreOffice 才能读取，本机未安装；"
                           f"请用 Word 或 WPS 打开该文件，“另存为” .docx 后再试"
                           f"（或安装 LibreOffice：apt-get install libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory(prefix="gongwen-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"source{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--headless", "--norestore", "--nolockcheck",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        if not _run(command):
            raise ExtractError(f"LibreOffice 转换{kind}超过 {limits.LEGACY_CONVERT_SECONDS} 秒仍未完成，"
                               f"已放弃；请用 Word 或 WPS 打开后“另存为” .docx 再试") from None
        converted = out / "source.docx"
        if not converted.is_file():
            raise ExtractError(f"LibreOffice 未能把该{kind}文件转换为 DOCX（文件可能已损坏或并非{kind}）；"
                               f"请用 Word 或 WPS 打开后“另存为” .docx 再试")
        return converted.read_bytes()


def _run(command: list[str]) -> bool:
    """Run LibreOffice in a process group of its own; False, the group ended, when it
    overran the time limit (soffice starts soffice.bin, which a plain kill would leave)."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=limits.LEGACY_CONVERT_SECONDS)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False
