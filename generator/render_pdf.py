"""Document model -> HTML (templates/gongwen.html + .css) -> PDF through WeasyPrint."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Document
from .templates import TEMPLATE_DIR, html_environment

if TYPE_CHECKING:
    import weasyprint


def render_html(doc: Document, probe: bool = False) -> str:
    """`probe`: each character of the body's last paragraph in an anchor of its own
    ("c0", "c1", …), so generator.paging can tell its lines."""
    env = html_environment()
    css = env.get_template("gongwen.css").render(doc=doc)
    return env.get_template("gongwen.html").render(doc=doc, css=css, probe=probe)


def lay_out(doc: Document, probe: bool = False) -> "weasyprint.Document":
    """The document's pages as WeasyPrint lays them out (not yet written)."""
    import weasyprint  # ~0.5 s to import: only when a PDF or a page layout is wanted

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=render_html(doc, probe), base_url=str(TEMPLATE_DIR)).render()


def render_pdf(doc: Document, target: Path, pages: "weasyprint.Document | None" = None) -> None:
    """Write the PDF to `target` (the caller picks a temporary name and renames it). `pages`:
    the document already laid out, when generator.paging did it."""
    (pages or lay_out(doc)).write_pdf(target)
