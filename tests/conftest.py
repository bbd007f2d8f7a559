"""Shared fixtures: every sample rendered once per session, with real fonts and LibreOffice."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.build import build_document
from generator.pipeline import FORMATS, generate_file
from generator.load import load_document

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


def libreoffice_convert(files: list[Path], outdir: Path, profile: Path) -> None:
    """LibreOffice, headless with its own profile, lays out `files` as PDFs in `outdir`."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run `bash setup.sh test`"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
        check=True, capture_output=True, timeout=600,
    )


def generated_in_both_clients(specs: list[tuple[Path, dict]], out: Path, tmp_path_factory
                              ) -> list[dict]:
    """Each spec written to its YAML path and generated into `out`, its DOCX laid out again by
    LibreOffice: one {"spec", "docx", "pdf", "lo"} per spec, in order."""
    from generator.pipeline import FORMATS, generate_file

    cases = []
    for source, spec in specs:
        source.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        outputs = {p.suffix[1:]: p for p in generate_file(source, out, FORMATS).outputs}
        cases.append({"spec": spec, **outputs})
    lo = tmp_path_factory.mktemp("lo")
    libreoffice_convert([c["docx"] for c in cases], lo, tmp_path_factory.mktemp("lo-profile"))
    for case in cases:
        case["lo"] = lo / (case["docx"].stem + ".pdf")
    return cases


@pytest.fixture(scope="session")
def libreoffice_pdfs(rendered, tmp_path_factory) -> dict[str, Path]:
    """Our DOCX files converted to PDF by LibreOffice, a second, independent client."""
    out = tmp_path_factory.mktemp("libreoffice")
    libreoffice_convert([paths["docx"] for paths in rendered.values()], out,
                        tmp_path_factory.mktemp("lo-profile"))
    return {stem: out / f"{stem}.pdf" for stem in rendered}


@pytest.fixture(scope="session")
def received_files(tmp_path_factory) -> dict[str, Path]:
    """Hand-written documents not made by gongwen: DOCX, PDF and a traditional-character TXT."""
    from .received import TRADITIONAL_TXT, write_docx, write_pdf

    folder = tmp_path_factory.mktemp("received")
    shutil.copy(TRADITIONAL_TXT, folder / TRADITIONAL_TXT.name)
    return {
        "docx": write_docx(folder / "河西镇复工复产防控情况报告.docx"),
        "pdf": write_pdf(folder / "北岭街道爱国卫生运动通知.pdf"),
        "txt": folder / TRADITIONAL_TXT.name,
    }


def run_cli(*args: str, expect: int | None = 0):
    """Run `gongwen ARGS` in-process; assert the exit code unless expect is None."""
    from click.testing import CliRunner

    from cli import main

    from .clirun import assert_no_traceback

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert_no_traceback(result.output)
    if expect is not None:
        assert result.exit_code == expect, result.output + (result.stderr or "")
    return result


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory, received_files) -> Path:
    """An archive holding every sample (generated and archived in one step) and the three
    received documents. Read-only: tests that change an archive take `archive_copy`."""
    work = tmp_path_factory.mktemp("archive")
    root = work / "arc"
    run_cli("generate", *SAMPLES, "-o", work / "out", "--archive", "-A", root, "-q")
    run_cli("archive", "add", received_files["docx"].parent, "-A", root, "-q")
    return root


@pytest.fixture
def archive_copy(built_archive, tmp_path) -> Path:
    target = tmp_path / "arc"
    shutil.copytree(built_archive, target)
    for path in target.rglob("*"):  # folders writable so pytest can clean up; objects read-only
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o444 if "objects" in path.relative_to(target).parts else 0o644)
    return target
