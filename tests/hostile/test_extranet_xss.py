"""Hostile text in every field that reaches an extranet stays text, after unlock too.

The internal site's XSS corpus (tests/test_site_xss.py), plus two payloads that set
``window.__pwned``, is written into every text field an extranet shows: the firm, the
pipelines' labels and stages (navigation, page titles), the project's title, companies'
and contacts' names and roles, members, subjects, next steps, notes, document lines and
an attachment's file name. After the password is typed, Chromium runs no injected
script on any page: escaping keeps the markup out, and the Content-Security-Policy
lists the hashes of Carnet's and the theme's own inline scripts only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from test_site_xss import CORPUS, _Audit

from generator.testing import write_repo

from .conftest import assert_no_crash, commit_all, git
from .extranet_open import open_pages

PASSWORD = "Une-phrase-de-passe-assez-longue-2026"
PWNED = ["<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">']
INLINE = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def hostile_repo(root: Path) -> Path:
    """A business whose every text field an extranet shows holds a payload."""
    c = CORPUS + PWNED
    files = {
        "data/settings.yaml": f"""\
    firm:
      name: {q(c[0])}
      address: {{street: {q(c[1])}, postcode: "75002", city: {q(c[2])}, country: FR}}
      siret: "73282932000074"
      vat_number: FR44732829320
      iban: FR7630006000011234567890189
    users:
      benoit: {{name: {q(c[10])}, email: benoit@example.fr}}
    pipelines:
      sale: {{label: {q(c[5])}, budget_sign: positive, stages: [{q(c[6])}, {q(c[7])}]}}
      support: {{label: {q(c[0])}, budget_sign: any, stages: [{q(c[11])}, {q(c[1])}]}}
      project: {{label: {q(c[11])}, budget_sign: negative, stages: [{q(c[3])}]}}
    """,
        "data/companies/acme.yaml": f"""\
    name: {q(c[0])}
    kind: client
    address: {{street: {q(c[1])}, postcode: "69002", city: {q(c[3])}}}
    phone: {q(c[4])}
    email: contact@acme.fr
    website: {q(c[8])}
    note: {q(chr(10).join(c))}
    """,
        "data/contacts/jane.yaml": f"""\
    first_name: {q(c[1])}
    last_name: {q(c[10])}
    company: acme
    role: {q(c[7])}
    email: jane@acme.fr
    phone: {q(c[5])}
    """,
        "data/projects/proj.yaml": f"""\
    title: {q(c[11])}
    start: 2026-01-01
    companies: [{{id: acme, role: {q(c[9])}}}]
    contacts: [{{id: jane, role: {q(c[0])}}}]
    members: [{{user: benoit, role: {q(c[10])}}}]
    extranet: {{enabled: true, password_env: CARNET_EXTRANET_XSS, kinds: [support, project, sale]}}
    """,
        "data/interactions/ticket.yaml": f"""\
    kind: support
    type: {q(c[11])}
    user: benoit
    subject: {q(c[0])}
    date: 2026-11-20
    company: acme
    contact: jane
    project: proj
    next_step: {q(c[10])}
    note: {q(chr(10).join(c))}
    attachment: data/documents/{c[1]}.pdf
    state: open
    """,
        "data/interactions/tache.yaml": f"""\
    kind: project
    type: {q(c[3])}
    user: benoit
    subject: {q(c[11])}
    date: 2026-11-21
    project: proj
    note: {q(c[6])}
    state: in_progress
    """,
        "data/interactions/facture.yaml": f"""\
    kind: sale
    type: {q(c[7])}
    user: benoit
    subject: {q(c[10])}
    date: 2026-11-22
    company: acme
    contact: jane
    project: proj
    state: open
    note: {q(c[0])}
    document:
      kind: invoice
      number: F2026-0001
      issued: 2026-11-22
      due: 2026-12-22
      lines:
        - description: {q(c[0])}
          comment: {q(c[11])}
          quantity: 1
          unit_price: 100
          vat_rate: 20
        - description: {q(c[10])}
          quantity: 2
          unit_price: 5
          vat_rate: 20
    """,
    }
    write_repo(root, files, settings=None)
    (root / "data" / "documents").mkdir(exist_ok=True)
    (root / "data" / "documents" / f"{c[1]}.pdf").write_bytes(b"%PDF-1.4 hostile name\n")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Hostile")
    return root


@pytest.fixture(scope="module")
def hostile_extranet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from generator.cli.main import main

    repo = hostile_repo(tmp_path_factory.mktemp("extranet-xss") / "repo")
    result = CliRunner().invoke(
        main,
        ["--repo", str(repo), "--today", "2026-11-25", "extranet"],
        env={"CARNET_EXTRANET_XSS": PASSWORD},
    )
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    return repo / "build" / "extranet" / "proj"


def _sha256(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_pages_hold_no_injected_markup(hostile_extranet: Path) -> None:
    pages = open_pages(hostile_extranet, PASSWORD)
    assert len(pages) >= 5, "home, three kinds, documents, news, 404"
    for name, body in pages.items():
        audit = _Audit()
        audit.feed(body)
        assert not audit.handlers, (name, audit.handlers)
        assert not audit.urls, (name, audit.urls)
        assert not [s for s in audit.scripts if "alert" in s or "__pwned" in s], name
    home = pages["index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home, "shown as text"


def test_the_policy_lists_only_the_templates_scripts(hostile_extranet: Path) -> None:
    pages = open_pages(hostile_extranet, PASSWORD)
    for name, body in pages.items():
        html = (hostile_extranet / name).read_text(encoding="utf-8")
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
        hashes = re.findall(r"'sha256-([^']+)'", policy.group(1))
        assert hashes, "the theme's own inline scripts are allowed"
        scripts = {_sha256(m.group(2)): m.group(2) for m in INLINE.finditer(html + body)}
        for digest in hashes:
            assert digest in scripts, (name, digest)
            assert "alert" not in scripts[digest] and "__pwned" not in scripts[digest], name


_DOM_AUDIT = """() => {
  const handlers = [...document.querySelectorAll('*')].flatMap(el =>
    [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name));
  const scripts = [...document.scripts].map(s => s.textContent)
    .filter(t => t.includes('alert') || t.includes('__pwned'));
  return {handlers, scripts, pwned: window.__pwned === undefined ? null : window.__pwned};
}"""


@pytest.mark.browser
def test_no_injected_script_runs_in_chromium_after_unlock(
    hostile_extranet: Path, tmp_path: Path
) -> None:
    from browser import browser, serve

    names = sorted(p.name for p in hostile_extranet.glob("*.html"))
    dialogs: list[str] = []
    with serve(hostile_extranet) as base, browser() as chromium:
        context = chromium.new_context(accept_downloads=True)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base)
        page.fill("#carnet-unlock input", PASSWORD)
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=20000)
        for name in names:
            page.goto(base + name)
            page.wait_for_selector("html[data-unlocked]", timeout=20000)
            page.wait_for_timeout(50)
            found = page.evaluate(_DOM_AUDIT)
            assert found == {"handlers": [], "scripts": [], "pwned": None}, (name, found)
        page.goto(base)
        page.wait_for_selector("html[data-unlocked]", timeout=20000)
        box = page.get_by_placeholder("Rechercher")
        box.fill("alert")
        page.locator(".carnet-search__results a").first.wait_for(timeout=10000)
        link = page.locator("a.carnet-attachment").first
        if link.count():
            with page.expect_download(timeout=20000):
                link.click()
        page.wait_for_timeout(100)
        assert page.evaluate(_DOM_AUDIT) == {"handlers": [], "scripts": [], "pwned": None}
    assert dialogs == []
