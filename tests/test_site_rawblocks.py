"""Marked blocks of raw HTML taken past Python-Markdown (:mod:`generator.site.rawblocks`)
give the very page MkDocs makes without the plugin, in real MkDocs builds."""

from __future__ import annotations

import json
from pathlib import Path

from generator.site.rawblocks import END, NAME, START, RawBlocks

ROWS = "\n".join(
    f'<tr><td class="name"><a href="x/#i-{n}">Ligne {n} &amp; *pas* de Markdown</a></td></tr>'
    for n in range(3000)
)
PAGE = f"""# Liste

Du **Markdown** avant.

{START}
<div class="carnet-list">
<table class="carnet-table">
<tbody>
{ROWS}
</tbody>
</table>
</div>
{END}

## Entre deux

{START}
<div class="carnet-board"><section><h3>Étape</h3><p>_tel quel_</p></section></div>
{END}
Et après, *en Markdown*.
"""


def _site(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    (docs / "autre.md").write_text(f"# Autre\n\n{START}\n<p>seul</p>\n{END}\n", encoding="utf-8")
    config = {
        "site_name": "Essai",
        "docs_dir": "docs",
        "markdown_extensions": ["toc", "tables", "attr_list"],
        "plugins": ["search"],
    }
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    return tmp_path / "mkdocs.yml"


def _build(config_file: Path, out: Path, *, plugin: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(out))
    if plugin:
        raw = RawBlocks()
        raw.load_config({})
        config.plugins[NAME] = raw
    build(config)


def test_the_pages_are_those_python_markdown_makes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the theme writes the build's date
    config = _site(tmp_path)
    _build(config, tmp_path / "plain", plugin=False)
    _build(config, tmp_path / "raw", plugin=True)
    for page in ("index.html", "autre/index.html", "search/search_index.json"):
        plain = (tmp_path / "plain" / page).read_text(encoding="utf-8")
        assert (tmp_path / "raw" / page).read_text(encoding="utf-8") == plain, page
    html = (tmp_path / "raw" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Markdown</strong>" in html and "<em>en Markdown</em>" in html
    assert "*pas* de Markdown" in html and "_tel quel_" in html and START in html
    assert "carnet:raw:" not in html  # no placeholder left behind
