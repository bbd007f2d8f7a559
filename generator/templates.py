"""Where the templates live, and the Jinja environment for the HTML ones."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from . import layout

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
DOCX_TEMPLATE = TEMPLATE_DIR / "gongwen.docx"


@lru_cache(maxsize=1)
def html_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.globals["L"] = layout
    env.globals["width"] = layout.text_width_chars
    return env
