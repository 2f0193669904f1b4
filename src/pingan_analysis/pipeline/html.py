"""Notebook → one self-contained HTML file that opens offline.

nbconvert's ``lab`` template inlines its styles, but loads require.js, MathJax and mermaid
from CDNs; the template below drops those blocks (no notebook here needs them) and adds the
provenance footer. Images are inlined (outputs already are; ``embed_images`` does Markdown's).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

TEMPLATE_NAME = "pingan_offline.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock html_head_js_requirejs %}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block html_head_js_mathjax %}{% endblock html_head_js_mathjax %}
{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}
{% block extra_css %}
<style>
footer.pingan-provenance { margin: 3em 1em 1em; padding-top: .5em; border-top: 1px solid #ccc;
  font: 12px/1.5 system-ui, sans-serif; color: #555; }
footer.pingan-provenance dt { font-weight: 600; float: left; clear: left; margin-right: .5em; }
footer.pingan-provenance dd { margin: 0; }
</style>
{% endblock extra_css %}
{% block body_footer %}
<footer class="pingan-provenance"><dl>
{%- for label, value in resources.provenance.items() %}
<dt>{{ label | e }}</dt><dd>{{ value | e }}</dd>
{%- endfor %}
</dl></footer>
{{ super() }}
{% endblock body_footer %}
"""

log = logging.getLogger(__name__)


class _DropAltTextNotice(logging.Filter):
    """nbconvert warns of every image without alt text, then gives it a generic one itself;
    matplotlib's images never have any, so the warning would follow every figure."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Alternative text is missing")


log.addFilter(_DropAltTextNotice())


def export_html(nb: nbformat.NotebookNode, target: Path, provenance: Mapping[str, str], *,
                title: str, hide_code: bool) -> Path:
    """Write ``nb`` as HTML with a provenance footer; ``hide_code`` leaves inputs out."""
    exporter = HTMLExporter(
        template_name="lab", template_file=TEMPLATE_NAME,
        extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
        exclude_input=hide_code, exclude_input_prompt=hide_code, exclude_output_prompt=hide_code,
        embed_images=True, log=log,
    )
    resources = {"metadata": {"name": title}, "provenance": dict(provenance)}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target
