"""Every text field of the data holds hostile content: the site shows it as text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY

from generator.cli.main import main
from generator.testing import write_repo

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[x](javascript:alert(1))",
    "{{ 7*7 }}",
    "{% include 'x' %}",
    "</textarea><svg onload=alert(1)>",
    "<div>\n\n<script>alert(1)</script>\n\n</div>",
    "<a href='javascript:alert(1)'>clic</a>",
    "[y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "';alert(1);//",
]


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def hostile_repo(root: Path) -> Path:
    c = CORPUS
    settings = f"""\
firm:
  name: {q(c[0])}
  address: {{street: {q(c[1])}, postcode: "75002", city: {q(c[2])}, country: FR}}
users:
  benoit: {{name: {q(c[1])}, email: benoit@example.fr}}
pipelines:
  sale: {{label: {q(c[5])}, budget_sign: positive, stages: [{q(c[6])}, {q(c[7])}]}}
media: [{q(c[8])}]
sources: [{q(c[9])}]
interests: [{q(c[3])}]
resources: {{salle: {{name: {q(c[4])}, kind: room}}}}
"""
    files = {
        "data/settings.yaml": settings,
        "data/companies/acme.yaml": f"""\
name: {q(c[0])}
kind: client
address: {{street: {q(c[1])}, postcode: {q(c[2])}, city: {q(c[3])}}}
phone: {q(c[4])}
email: contact@acme.fr
website: {q(c[8])}
interests: [{q(c[3])}]
note: {q(chr(10).join(c))}
""",
        "data/contacts/jane.yaml": f"""\
first_name: {q(c[1])}
last_name: {q(c[6])}
company: acme
role: {q(c[7])}
note: {q(c[2])}
""",
        "data/projects/proj.yaml": f"""\
title: {q(c[2])}
companies: [{{id: acme, role: {q(c[9])}}}]
members: [{{user: benoit, role: {q(c[0])}}}]
note: {q(c[6])}
""",
        "data/interactions/i1.yaml": f"""\
kind: sale
type: {q(c[6])}
user: benoit
subject: {q(c[1])}
date: 2026-11-20
next_step: {q(c[0])}
contact: jane
company: acme
project: proj
document_ref: {q(c[5])}
budget: 100
note: {q(chr(10).join(c))}
internal_note: {q(c[7])}
media: {q(c[8])}
source: {q(c[9])}
state: open
start: 2026-11-26T09:00
end: 2026-11-26T10:00
resources: [salle]
""",
        "data/stock/products/prod.yaml": f"""\
name: {q(c[0])}
unit: {q(c[1])}
price: 10
vat_rate: 20
description: {q(c[2])}
""",
    }
    return write_repo(root, files, settings=None)


class _Audit(HTMLParser):
    """Collects scripts, event handlers and dangerous URLs in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                cleaned = re.sub(r"\s", "", value).lower()
                if cleaned.startswith(("javascript:", "data:text", "vbscript:")):
                    self.urls.append(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    repo = hostile_repo(tmp_path_factory.mktemp("xss"))
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--today", TODAY.isoformat(), "build"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return repo / "build" / "site"


def test_no_script_handler_or_javascript_url_comes_from_data(hostile_site: Path) -> None:
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        audit = _Audit()
        audit.feed(path.read_text(encoding="utf-8"))
        assert not audit.handlers, (path, audit.handlers)
        assert not audit.urls, (path, audit.urls)
        assert not [s for s in audit.scripts if "alert" in s], path


def test_hostile_text_is_shown_as_text(hostile_site: Path) -> None:
    html = (hostile_site / "societes" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("{{ 7*7 }}")[0][-50:]


@pytest.mark.browser
def test_no_dialog_fires_in_chromium(hostile_site: Path) -> None:
    from browser import browser, serve

    dialogs: list[str] = []
    with serve(hostile_site) as base, browser() as chromium:
        page = chromium.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in (
            "",
            "societes/acme/",
            "contacts/jane/",
            "projets/proj/",
            "produits/prod/",
            "pipelines/sale/",
            "interactions/sale/",
            "agenda/",
            "societes/",
        ):
            page.goto(base + url)
            page.wait_for_load_state("load")
            for link in page.locator("article a").all()[:10]:
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith("javascript"), href
        assert dialogs == []
