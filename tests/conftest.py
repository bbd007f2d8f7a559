"""Shared fixtures: every sample rendered once per session, with real fonts and LibreOffice."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build_document
from generator.pipeline import FORMATS, generate_file
from generator.validate import load_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """sample stem -> {"docx": path, "pdf": path}"""
    out = tmp_path_factory.mktemp("samples")
    result = {}
    for sample in SAMPLES:
        generated = generate_file(sample, out, FORMATS)
        result[sample.stem] = {p.suffix[1:]: p for p in generated.outputs}
    return result


@pytest.fixture(scope="session")
def documents() -> dict[str, object]:
    """sample stem -> document model"""
    return {s.stem: build_document(load_document(s)) for s in SAMPLES}


@pytest.fixture(scope="session")
def libreoffice_pdfs(rendered, tmp_path_factory) -> dict[str, Path]:
    """Our DOCX files converted to PDF by LibreOffice, a second, independent client."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run `bash setup.sh test`"
    out = tmp_path_factory.mktemp("libreoffice")
    profile = tmp_path_factory.mktemp("lo-profile")
    docx = [str(paths["docx"]) for paths in rendered.values()]
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *docx],
        check=True, capture_output=True, timeout=600,
    )
    return {stem: out / f"{stem}.pdf" for stem in rendered}
