"""``carnet serve`` keeps MkDocs in memory: after an edit it renders only the pages that
changed, and the site it serves is the very site a clean build makes of the same data."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path

import pytest
from conftest import TODAY
from test_site_build import make_repo

from generator.files.output import output_dir
from generator.schema.batch import ParseMemo
from generator.site.live import LiveSite
from generator.site.pipeline import build_repo_site
from generator.site.serve import live_build, set_aside_what_is_kept


class Served:
    """A repository built as ``carnet serve`` builds it, one rebuild per call."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.out = output_dir(repo, "serve")
        self.memo = ParseMemo()
        self.live = LiveSite()

    def rebuild(self) -> None:
        outcome = live_build(self.repo, self.out, self.memo, self.live, today=TODAY)
        assert outcome.refusal is None, outcome.problems
        set_aside_what_is_kept()


def clean_build(repo: Path, out: Path) -> Path:
    """A one-shot clean build of the same data into ``out``."""
    outcome = build_repo_site(repo, out, today=TODAY)
    assert outcome.refusal is None and outcome.report is not None and outcome.report.clean
    return out


def html_pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


def other_files(site: Path) -> dict[str, bytes]:
    """Every file of the site but its pages and search index: feeds, PDFs, assets."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.suffix != ".html" and p.name != "search_index.json"
    }


def search_docs(site: Path) -> list[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return sorted(json.dumps(entry, sort_keys=True) for entry in index["docs"])


def assert_same_site(served: Served, clean: Path) -> None:
    """Every page byte for byte, every search entry, as the clean build has them; the
    search index the server answered from memory is the one it writes at rest."""
    answered = served.live.search_index()
    served.live.write_search_index()  # as the server does once the edits pause
    if answered is not None:
        assert answered == (served.out / "search" / "search_index.json").read_bytes()
    assert served.live.search_index() is None, "the index file is written: serve it"
    site = served.out
    ours, theirs = html_pages(site), html_pages(clean)
    assert sorted(ours) == sorted(theirs)
    differing = [path for path in theirs if ours[path] != theirs[path]]
    assert not differing, f"pages differ from a clean build: {differing[:10]}"
    assert search_docs(site) == search_docs(clean)
    ours_files, their_files = other_files(site), other_files(clean)
    assert sorted(ours_files) == sorted(their_files)
    differing = [path for path in their_files if ours_files[path] != their_files[path]]
    assert not differing, f"files differ from a clean build: {differing[:10]}"


@pytest.fixture
def served(tmp_path: Path) -> Served:
    served = Served(make_repo(tmp_path / "repo"))
    served.rebuild()
    return served


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_renders_only_its_pages_and_serves_the_clean_site(
    served: Served, tmp_path: Path
) -> None:
    interaction = (
        served.repo / "data" / "interactions" / "2026" / "vente-selfibox-domaine-coteaux.yaml"
    )
    company = re.search(r"(?m)^company: ([\w-]+)", interaction.read_text(encoding="utf-8"))
    assert company is not None
    untouched = served.out / "produits" / "index.html"
    before = untouched.stat().st_mtime_ns
    subject = re.search(r"(?m)^subject: (.*)$", interaction.read_text(encoding="utf-8"))
    assert subject is not None
    edit(interaction, f"subject: {subject[1]}", "subject: Sujet changé en direct")
    served.rebuild()

    rendered = served.live.rendered
    assert rendered is not None, "the edit went through a whole MkDocs build"
    assert f"societes/{company[1]}.md" in rendered
    assert len(rendered) < 30, rendered
    page = (served.out / "societes" / company[1] / "index.html").read_text(encoding="utf-8")
    assert "Sujet changé en direct" in page
    # the search index is answered from memory, not written again after each edit
    assert not (served.out / "search" / "search_index.json").exists()
    assert "Sujet changé en direct" in (served.live.search_index() or b"").decode("utf-8")
    assert untouched.stat().st_mtime_ns == before, "an unrelated page was rendered again"
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean"))


def test_a_new_record_takes_one_mkdocs_pass_then_pages_again(
    served: Served, tmp_path: Path
) -> None:
    companies = served.repo / "data" / "companies"
    source = (companies / "mes-beaux-sapins.yaml").read_text(encoding="utf-8")
    new = re.sub(r"(?m)^name: .*$", "name: Sapins du Vercors", source, count=1)
    new = re.sub(r"(?m)^siret: .*\n", "", new)
    (companies / "sapins-du-vercors.yaml").write_text(new, encoding="utf-8")
    served.rebuild()
    assert served.live.rendered is None, "a new page needs MkDocs' navigation pass"
    assert "Sapins du Vercors" in (served.out / "societes" / "index.html").read_text("utf-8")
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean-1"))

    edit(
        companies / "sapins-du-vercors.yaml",
        "name: Sapins du Vercors",
        "name: Sapins de Chartreuse",
    )
    served.rebuild()
    assert served.live.rendered is not None
    assert "societes/sapins-du-vercors.md" in served.live.rendered
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean-2"))

    (companies / "sapins-du-vercors.yaml").unlink()
    served.rebuild()
    assert served.live.rendered is None
    assert not (served.out / "societes" / "sapins-du-vercors").exists()
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean-3"))


def test_a_server_killed_before_writing_its_search_index_leaves_it_to_the_next(
    served: Served, tmp_path: Path
) -> None:
    """The index an edit left in memory is not on disk: a server killed then (nothing
    written at rest) leaves no stale index behind, and the next one builds it whole."""
    company = served.repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    edit(company, "name: Mes Beaux Sapins", "name: Sapins Indexés")
    served.rebuild()
    assert served.live.rendered is not None and served.live.index_held
    assert not (served.out / "search" / "search_index.json").exists()
    again = Served(served.repo)  # killed: its successor starts from the folder it left
    again.rebuild()
    assert again.live.rendered is None and not again.live.index_held
    assert "Sapins Index" in (served.out / "search" / "search_index.json").read_text("utf-8")
    assert_same_site(again, clean_build(served.repo, tmp_path / "clean"))


def test_a_restarted_server_renders_pages_on_its_dirty_first_build(
    served: Served, tmp_path: Path
) -> None:
    again = Served(served.repo)  # a new server on the site the first one left
    again.rebuild()
    assert again.live.rendered is None  # its first build is MkDocs' (dirty: nothing to do)
    company = served.repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    edit(company, "name: Mes Beaux Sapins", "name: Sapins Relancés")
    again.rebuild()
    assert again.live.rendered is not None and "societes/mes-beaux-sapins.md" in again.live.rendered
    assert "Sapins Relancés" in (again.out / "societes" / "index.html").read_text("utf-8")
    assert_same_site(again, clean_build(served.repo, tmp_path / "clean"))


def test_edits_shown_in_the_calendar_feeds_serve_the_clean_feeds(
    served: Served, tmp_path: Path
) -> None:
    """A feed's events are kept between rebuilds by what they show: the address of the
    company an event happens at, its subject, its time, each change reaches the feeds."""
    data = served.repo / "data"
    edit(
        data / "companies" / "auto-ecole-confluence.yaml",
        "102 cours Charlemagne",
        "7 quai Perrache",
    )
    timed = data / "interactions" / "2026" / "formation-html-seances.yaml"
    edit(timed, "start: 2026-06-01T09:00", "start: 2026-06-01T09:45")
    edit(timed, "subject: ", "subject: Séances déplacées / ")
    served.rebuild()
    assert served.live.rendered is not None
    feed = (served.out / "calendars" / "tout.ics").read_text(encoding="utf-8")
    assert "7 quai Perrache" in feed and "102 cours Charlemagne" not in feed
    assert "Séances déplacées" in feed and "T094500" in feed
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean"))


def test_edits_a_document_shows_reach_its_pdf_and_page(served: Served, tmp_path: Path) -> None:
    """A document's PDF key is kept between rebuilds by what the document shows: the
    product of one of its lines, its buyer; each change makes its PDF again."""
    pdf = served.out / "documents" / "pdf" / "facture-selfibox-hotel-bellecour.brouillon.pdf"
    before = pdf.read_bytes()
    edit(
        served.repo / "data" / "stock" / "products" / "selfibox.yaml", "unit: pièce", "unit: borne"
    )
    served.rebuild()
    assert served.live.rendered is not None
    after = pdf.read_bytes()
    assert after != before, "the PDF still shows the product as it was"
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean-1"))
    edit(
        served.repo / "data" / "companies" / "hotel-bellecour.yaml",
        "3 rue Gasparin",
        "5 rue Gasparin",
    )
    served.rebuild()
    assert pdf.read_bytes() != after, "the PDF still shows the buyer as it was"
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean-2"))


def test_a_card_moved_on_its_board_serves_the_clean_board_list_and_dashboard(
    served: Served, tmp_path: Path
) -> None:
    """Rows of the interaction lists and cards of the boards are kept between rebuilds by
    what they show: a stage, a budget and a subject changed reach the board (the card
    moves column), the list and the dashboard as a clean build has them."""
    sale = served.repo / "data" / "interactions" / "2026" / "vente-site-auto-ecole-confluence.yaml"
    edit(sale, 'type: "Vente - 2 - Découverte"', 'type: "Vente - 4 - Négociation"')
    edit(sale, "budget: 4200.00", "budget: 5300.00")
    edit(sale, "subject: Site web /", "subject: Site web négocié /")
    served.rebuild()
    assert served.live.rendered is not None
    assert {"pipelines/sale.md", "interactions/sale.md", "index.md"} <= set(served.live.rendered)
    board = (served.out / "pipelines" / "sale" / "index.html").read_text(encoding="utf-8")
    assert "Site web négocié" in board
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean"))


def test_the_pages_of_people_follow_contacts_and_companies_only(
    served: Served, tmp_path: Path
) -> None:
    """The contacts list and the interest centres show contacts and companies only: an
    interaction's edit leaves them as written, a contact's or a company's reaches them."""
    sale = served.repo / "data" / "interactions" / "2026" / "vente-site-auto-ecole-confluence.yaml"
    edit(sale, "subject: Site web /", "subject: Site web revu /")
    served.rebuild()
    assert served.live.rendered is not None
    people = {"contacts/index.md", "interets/index.md", "interets/prospect-auto.md"}
    assert not people & set(served.live.rendered)

    contact = served.repo / "data" / "contacts" / "mehdi-khelifi.yaml"
    edit(
        contact,
        "interests: [professionnel, prospect auto]",
        "interests: [professionnel, formation]",
    )
    edit(contact, "role: Gérant", "role: Directeur")
    served.rebuild()
    assert served.live.rendered is not None
    joined = {"contacts/index.md", "interets/index.md", "interets/formation.md"}
    assert joined <= set(served.live.rendered)
    edit(
        served.repo / "data" / "companies" / "auto-ecole-confluence.yaml",
        "name: Auto-École Confluence",
        "name: Auto-École du Confluent",
    )
    served.rebuild()
    assert served.live.rendered is not None
    assert {"contacts/index.md", "interets/prospect-auto.md"} <= set(served.live.rendered)
    listed = (served.out / "contacts" / "index.html").read_text(encoding="utf-8")
    assert "Directeur" in listed and "Auto-École du Confluent" in listed
    assert_same_site(served, clean_build(served.repo, tmp_path / "clean"))


def test_kept_rows_are_made_again_when_the_templates_change() -> None:
    """``carnet serve`` watches the templates: a row is kept under the site's key (its
    templates and configuration) too, and made again by its macro when that changes."""
    from conftest import ROOT
    from markupsafe import Markup

    from generator.load import load
    from generator.site.kept import KeptRows

    result = load(ROOT, today=TODAY, use_cache=False)
    book = result.book
    assert book is not None
    entry = next(iter(book.interactions.values()))
    memo: dict = {}
    made: list[str] = []

    def macro(e: object) -> Markup:
        made.append(entry.id)
        return Markup(entry.id)

    for site_key in ("templates-1", "templates-1", "templates-2"):
        KeptRows(book, "interactions/sale.md", result.digests, "fr", memo, site_key)(
            "interaction_row", entry, macro
        )
    assert len(made) == 2


def test_the_first_build_collects_as_it_goes_and_an_edit_pauses_the_collector(
    tmp_path: Path,
) -> None:
    """The first build renders every page: its garbage (Jinja's cycles) is collected as
    it goes, as ``carnet build`` does (paused, it stayed until MkDocs' pass: 180 MiB more
    at scale 0.3). A rebuild after an edit renders a few pages with the collector
    paused, so that no collection walks the whole kept site."""
    served = Served(make_repo(tmp_path / "repo"))
    step = ["start"]
    collections: list[str] = []

    def progress(name: str, done: int, total: int | None) -> None:
        step[0] = name

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(step[0])

    def build() -> list[str]:
        collections.clear()
        step[0] = "start"
        outcome = live_build(
            served.repo, served.out, served.memo, served.live, today=TODAY, progress=progress
        )
        assert outcome.refusal is None, outcome.problems
        seen = list(collections)
        set_aside_what_is_kept()
        return seen

    gc.callbacks.append(on_collection)
    try:
        first = build()
        company = served.repo / "data" / "companies" / "mes-beaux-sapins.yaml"
        edit(company, "name: Mes Beaux Sapins", "name: Sapins Collectés")
        again = build()
    finally:
        gc.callbacks.remove(on_collection)
    assert "pages" in first, f"the first build's pages were rendered uncollected: {first}"
    assert served.live.rendered is not None
    # (the collector is on again once a build returns: what follows its last step counts)
    assert "pages" not in again, f"a rebuild after an edit collected during {again}"
