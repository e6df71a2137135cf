"""The internal site: a real MkDocs Material build of the example business."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, TODAY

from generator.cli.main import main


def _git(
    repo: Path, *args: str, author: str = "Benoît Martin", when: str = "2026-11-20T10:00:00"
) -> None:
    env = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "benoit@atelier-dupont.fr",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "benoit@atelier-dupont.fr",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "PATH": "/usr/bin:/bin",
        "HOME": str(repo),
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def make_repo(target: Path) -> Path:
    """A git repository holding a copy of the example business and the base config."""
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    _git(target, "init", "-q", "-b", "main")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "Entreprise d'exemple", when="2026-11-01T09:00:00")
    return target


def build(runner, repo: Path, *args: str):
    return runner.invoke(
        main,
        ["--repo", str(repo), "--today", TODAY.isoformat(), "build", *args],
        catch_exceptions=False,
    )


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_pages_exist_for_every_kind(site: Path) -> None:
    for folder in ("societes", "contacts", "projets", "produits"):
        assert (site / folder / "index.html").exists(), folder
    assert "Mes Beaux Sapins" in read(site, "societes/mes-beaux-sapins")
    assert "Jeanne" in read(site, "contacts/jeanne-sapin") or (site / "contacts").iterdir()
    for page in ("", "pipelines", "pipelines/sale", "interactions/sale", "agenda", "modifications"):
        assert (site / page / "index.html").exists(), page


def test_site_is_french(site: Path) -> None:
    html = read(site, "")
    assert '<html lang="fr"' in html
    assert "Tableau de bord" in html


def test_dashboard_has_inline_svg_charts_and_actions(site: Path) -> None:
    html = read(site, "")
    assert html.count('<svg class="carnet-chart"') >= 6  # 4 pipelines, states, money
    assert "Vente - 3 - Devis" in html
    assert "En retard" in html
    assert "J−14" in html


class _NavLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "md-nav__link" in (values.get("class") or ""):
            self.hrefs.append(values.get("href") or "")


def test_record_pages_are_not_in_the_navigation(site: Path) -> None:
    parser = _NavLinks()
    parser.feed(read(site, ""))
    assert "societes/" in parser.hrefs
    assert not [h for h in parser.hrefs if re.match(r"(societes|contacts|projets|produits)/.+/", h)]


def test_company_page_links_contacts_and_timeline(site: Path) -> None:
    html = read(site, "societes/mes-beaux-sapins")
    assert 'href="../../contacts/' in html
    assert 'class="carnet-event' in html
    assert "Historique" in html


def test_projects_table_sorts_by_margin(site: Path) -> None:
    html = read(site, "projets")
    assert 'data-sort-default="5"' in html
    assert "Marge" in html


class _Loads(HTMLParser):
    """Collects every URL a page would load (not mere links to follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and values.get(
            "src"
        ):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")
        if tag == "object" and values.get("data"):
            self.urls.append(values["data"] or "")


def test_nothing_is_loaded_from_another_origin(site: Path) -> None:
    foreign = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
    for path in site.rglob("*"):
        if path.suffix == ".html":
            parser = _Loads()
            parser.feed(path.read_text(encoding="utf-8"))
            bad = [u for u in parser.urls if foreign.match(u)]
            assert not bad, (path, bad)
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8")
            imports = re.findall(r"@import\s+(?:url\()?['\"]?([^'\")\s]+)", text)
            urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
            bad = [u for u in imports + urls if foreign.match(u.strip())]
            assert not bad, (path, bad)


def test_relative_links_work_under_a_sub_path(site: Path) -> None:
    """No page links to the site root absolutely: it can live under /any/sub/path/.

    (MkDocs writes 404.html with root-absolute links unless ``site_url`` is set.)
    """
    for path in site.rglob("*.html"):
        if path.name == "404.html":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src)="/(?!/)', text), path


def test_search_index_finds_a_company(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"] for d in index["docs"] if "Mes Beaux Sapins" in d["title"]}
    assert "societes/mes-beaux-sapins/" in locations


def test_build_refuses_invalid_data(runner, tmp_path) -> None:
    repo = make_repo(tmp_path / "repo")
    bad = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("kind: client", "kind: clien"), encoding="utf-8"
    )
    result = build(runner, repo)
    assert result.exit_code == 1
    assert "enum-invalid" in result.stderr
    assert not (repo / "build" / "site").exists()


def test_build_refuses_to_wipe_a_foreign_folder(runner, tmp_path) -> None:
    repo = make_repo(tmp_path / "repo")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "precieux.txt").write_text("ne pas effacer")
    result = build(runner, repo, "--out", str(foreign))
    assert result.exit_code == 1
    assert (foreign / "precieux.txt").read_text() == "ne pas effacer"


def test_out_writes_the_site_itself(runner, tmp_path) -> None:
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "intranet"
    assert build(runner, repo, "--out", str(out)).exit_code == 0
    assert (out / "index.html").exists()
    assert not (repo / "build" / "site").exists()


def test_without_git_the_site_builds_with_one_notice(runner, tmp_path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    result = build(runner, repo)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("info:") == 1
    assert (
        "pas de dépôt git"
        in (repo / "build" / "site" / "modifications" / "index.html").read_text(encoding="utf-8")
        or "dépôt git" in result.stderr
    )
