"""Document model -> HTML (templates/gongwen.html + .css) -> PDF through WeasyPrint."""
from __future__ import annotations

import logging
from pathlib import Path

from .model import Document
from .templates import TEMPLATE_DIR, html_environment


def render_html(doc: Document) -> str:
    env = html_environment()
    css = env.get_template("gongwen.css").render()
    return env.get_template("gongwen.html").render(doc=doc, css=css)


def render_pdf(doc: Document, target: Path) -> None:
    """Write the PDF to `target` (the caller picks a temporary name and renames it)."""
    import weasyprint  # ~0.5 s to import: only when a PDF is wanted

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = weasyprint.HTML(string=render_html(doc), base_url=str(TEMPLATE_DIR))
    html.write_pdf(target)
