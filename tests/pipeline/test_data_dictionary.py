"""reports/data_dictionary.html: every table's columns and every indicator, from datapackage.json."""

from __future__ import annotations

import json
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.panel.exports import datapackage
from pingan_analysis.pipeline.data_dictionary import write_data_dictionary


def test_dictionary_lists_every_column_and_indicator_of_the_data_package(tmp_path: Path) -> None:
    paths = ProjectPaths(tmp_path / "project")
    processed = tmp_path / "processed"
    processed.mkdir()
    (processed / "panel.csv").write_text("city_zh\n青岛市\n", encoding="utf-8")
    package = datapackage(processed, paths.codebook)
    package["resources"][0]["schema"]["fields"][0]["description"] = "a <b>bold</b> claim"
    (processed / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    page = write_data_dictionary(paths, processed, tmp_path / "reports").read_text(encoding="utf-8")
    [panel] = [r for r in package["resources"] if r["name"] == "panel"]
    for column in panel["schema"]["fields"]:
        assert f"<code>{column['name']}</code>" in page
    for indicator in load_codebook(paths.codebook).indicators:
        assert f'<tr id="indicator-{indicator.id}">' in page
    assert "a &lt;b&gt;bold&lt;/b&gt; claim" in page and "<b>" not in page
    assert (tmp_path / "reports" / "codebook.csv").read_bytes() == paths.codebook.read_bytes()
    assert '<a href="codebook.csv">' in page
