"""mkdocs hook: the reference pages that are rendered, not written.

The data dictionary comes from the table registry (``pingan_analysis.registry``, through
``pingan_analysis.dictionary``) and the codebook page from the codebook file the package ships, so
the site can never disagree with the code. The pages exist only in the built site.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from pingan_analysis.config import DEFAULT_CODEBOOK
from pingan_analysis.corpus.codebook import Codebook, load_codebook
from pingan_analysis.dictionary import registry_markdown

DICTIONARY_PAGE = "reference/data-dictionary.md"
CODEBOOK_PAGE = "reference/codebook.md"
DICTIONARY_INTRO = """# Data dictionary

Every table the project reads or writes: its file, its key, and each column's type, unit, allowed
values and meaning. Rendered from the table registry (`src/pingan_analysis/registry.py`), the one
place a column is declared; `datapackage.json`, the Stata labels, the Parquet schema and the
pandera schemas derive from the same declarations.

"""


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def codebook_markdown(codebook: Codebook) -> str:
    """Every indicator of the codebook, by domain: id, names, unit, kinds, keywords, meaning."""
    lines = [
        "# Codebook",
        "",
        f"The {len(codebook.indicators)} indicators of `src/pingan_analysis/data/codebook.csv`, "
        "grouped by the releases' six domains. A project may override the file with its own "
        "`data/raw/codebook.csv`; adding an indicator is adding a row.",
    ]
    by_domain: dict[str, list] = {}
    for indicator in codebook.indicators:
        by_domain.setdefault(indicator.domain, []).append(indicator)
    for domain, indicators in by_domain.items():
        lines += [
            "",
            f"## {domain}",
            "",
            "| id | 中文 | English | unit | kinds | keywords | meaning |",
            "|---|---|---|---|---|---|---|",
        ]
        for i in indicators:
            keywords = "、".join("+".join((*k.context, k.head)) for k in i.keywords)
            lines.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        f"`{i.id}`",
                        i.name_zh,
                        i.name_en,
                        i.unit,
                        ", ".join(sorted(i.kinds)),
                        keywords,
                        i.description,
                    )
                )
                + " |"
            )
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for page, content in (
        (DICTIONARY_PAGE, DICTIONARY_INTRO + registry_markdown()),
        (CODEBOOK_PAGE, codebook_markdown(load_codebook(DEFAULT_CODEBOOK))),
    ):
        files.append(File.generated(config, page, content=content))
    return files
