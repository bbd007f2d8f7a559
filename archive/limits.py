"""The limits on what gongwen reads from a file it was given (archive add, import, check).

One place for every number: the readers refuse a file over a limit with the limit named,
before reading or inflating what is over it.
"""
from __future__ import annotations

MB = 1024 * 1024

MAX_INPUT_BYTES = 200 * MB  # one input file (DOCX, DOC, WPS, PDF, OFD, TXT, Markdown), checked before reading

# DOCX is a ZIP: the sizes its central directory declares are checked before anything is
# inflated; Python's zipfile never inflates a member past its declared size (CRC error).
MAX_DOCX_MEMBERS = 5_000
MAX_DOCX_MEMBER_BYTES = 100 * MB  # one member, inflated
MAX_DOCX_TOTAL_BYTES = 300 * MB  # all members, inflated
MAX_DOCX_RATIO = 100  # inflated / compressed, for members over RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1 * MB  # a small XML part may compress better than 100:1
MAX_APP_XML_BYTES = 1 * MB  # docProps/app.xml is read this far for <Pages>

MAX_PDF_PAGES = 1_000  # a PDF over this is refused; under it pages are read one at a time
MAX_PDF_INFLATED_BYTES = 256 * MB  # all the streams pdfminer inflates while reading one PDF

# Scans: pages without a text layer are rendered and recognised (a few seconds a page).
MAX_OCR_PAGES = 200  # pages OCR'd in one PDF; those after keep no text
OCR_DPI = 300
MAX_OCR_PIXELS = 40_000_000  # one rendered page (A4 at 300 dpi is 8.7 million)

# OFD is a ZIP of XML, held to the DOCX limits above; each XML part is parsed whole.
MAX_OFD_XML_BYTES = 50 * MB

LEGACY_CONVERT_SECONDS = 120  # LibreOffice converting one .doc/.wps to DOCX


def megabytes(size: int) -> str:
    """A size as users read it: 1.5 GB, 201 MB, 0.3 MB."""
    if size >= 1024 * MB:
        return f"{size / (1024 * MB):.1f} GB"
    return f"{size / MB:.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"
