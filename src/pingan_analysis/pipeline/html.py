"""Notebook → one self-contained HTML file that opens offline.

nbconvert's ``lab`` template inlines its styles, but loads require.js, MathJax and mermaid
from CDNs; the package's ``templates/notebook.html.j2`` drops those blocks and adds the study's
stylesheet, navigation and provenance footer. Images are inlined (outputs already are;
``embed_images`` does Markdown's).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import nbformat
from jinja2 import FileSystemLoader
from nbconvert import HTMLExporter

from pingan_analysis.templates import TEMPLATES_DIR

TEMPLATE_NAME = "notebook.html.j2"

log = logging.getLogger(__name__)


class _DropAltTextNotice(logging.Filter):
    """nbconvert warns of every image without alt text, then gives it a generic one itself;
    matplotlib's images never have any, so the warning would follow every figure."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Alternative text is missing")


log.addFilter(_DropAltTextNotice())


def export_html(
    nb: nbformat.NotebookNode,
    target: Path,
    provenance: Mapping[str, str],
    *,
    title: str,
    hide_code: bool,
) -> Path:
    """Write ``nb`` as HTML with a provenance footer; ``hide_code`` leaves inputs out."""
    exporter = HTMLExporter(
        template_name="lab",
        template_file=TEMPLATE_NAME,
        extra_loaders=[FileSystemLoader(TEMPLATES_DIR)],
        exclude_input=hide_code,
        exclude_input_prompt=hide_code,
        exclude_output_prompt=hide_code,
        embed_images=True,
        log=log,
    )
    resources = {"metadata": {"name": title}, "provenance": dict(provenance)}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target
