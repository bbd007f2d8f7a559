"""`archive export` for the page: the package made in a temporary folder and handed over as
one ZIP file; export's audit entry names the account that asked."""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from archive.audit import now
from archive.core import Archive
from archive.export import export

PACKAGE = "归档包"


@dataclass(frozen=True)
class Package:
    zip_path: Path
    download_name: str
    records: int
    manifest_sha256: str

    def remove(self) -> None:
        shutil.rmtree(self.zip_path.parent, ignore_errors=True)


def export_zip(root: Path, actor: str) -> Package:
    """ArchiveError (Chinese) when the export fails; nothing is left behind then."""
    work = Path(tempfile.mkdtemp(prefix="gongwen-export-"))
    try:
        with Archive(root, create=False) as archive:
            archive.acting = {"经办账号": actor}  # export's own entry names the account
            folder = work / PACKAGE
            made = export(archive, folder)
            name = f"{PACKAGE}-{archive.fonds}-{now()[:10]}.zip"
            zip_path = work / name
            with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as package:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        package.write(path, (Path(PACKAGE) / path.relative_to(folder)).as_posix())
            shutil.rmtree(folder)
        return Package(zip_path, name, made.records, made.manifest_sha256)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
