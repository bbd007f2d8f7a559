"""LibreOffice opens our DOCX files and lays them out per GB/T 9704, like our PDFs."""
from __future__ import annotations

import pytest

from generator.kinds import Format

from .conftest import SAMPLES
from .geometry import (
    check_characters_per_line, check_lines_per_page, check_page_geometry, check_page_numbers,
)
from .pdfgeom import read_pages
from .test_pdf import PLAN


@pytest.mark.parametrize("stem", [s.stem for s in SAMPLES])
def test_same_page_count_as_our_pdf(rendered, libreoffice_pdfs, stem):
    ours = len(read_pages(rendered[stem]["pdf"]))
    theirs = len(read_pages(libreoffice_pdfs[stem]))
    assert abs(ours - theirs) <= 1, (ours, theirs)


@pytest.mark.parametrize("stem", [s.stem for s in SAMPLES])
def test_geometry(libreoffice_pdfs, documents, stem):
    check_page_geometry(libreoffice_pdfs[stem])
    check_page_numbers(libreoffice_pdfs[stem], documents[stem].format is Format.LETTER)


def test_grid(libreoffice_pdfs):
    check_lines_per_page(libreoffice_pdfs[PLAN])
    check_characters_per_line(libreoffice_pdfs[PLAN])


def test_text_survives(libreoffice_pdfs):
    text = "".join(l.text for p in read_pages(libreoffice_pdfs[PLAN]) for l in p.lines)
    assert "（责任领导：周明远　责任人：王丽、全体行政人员）".replace("　", "") in text.replace("　", "")
    assert text.index("一、总体目标") < text.index("四、工作要求")
