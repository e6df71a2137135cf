"""The dashboard's « Actions en retard et à venir »: only what someone must do, with its
next step; never a settled document (paid or credited invoices, credit notes, orders
invoiced in full, accepted quotes)."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, TODAY

from generator.load import load
from generator.site import views


class _Actions(HTMLParser):
    """The items of the dashboard's action lists: interaction id → (list, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, tuple[str, str]] = {}
        self._current: str | None = None
        self._overdue = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "li" and values.get("data-interaction"):
            self._current = values["data-interaction"]
            self._overdue = "carnet-overdue" in (values.get("class") or "")
            self.items[self._current] = ("overdue" if self._overdue else "upcoming", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            where, text = self.items[self._current]
            self.items[self._current] = (where, text + data)


def _example_book(repo: Path):
    result = load(repo, today=TODAY, use_cache=False, jobs=1)
    assert result.book is not None, [p.format_text() for p in result.problems]
    return result.book


def test_the_built_dashboard_lists_only_what_someone_must_do(site: Path) -> None:
    parser = _Actions()
    parser.feed((site / "index.html").read_text(encoding="utf-8"))
    items = parser.items
    book = _example_book(ROOT)
    settled = {k for k, p in book.progress.items() if p.settled}
    assert {"devis-site-garage-brotteaux-commande-facture-1", "commande-sapins-mbs-2026"} <= settled
    assert items and not settled & set(items)
    # a finished interaction is listed only as a won contract to renew (renewal:)
    assert all(
        book.interactions[k].record.state.value != "done" or text.endswith("→ renouveler")
        for k, (_, text) in items.items()
    )
    assert items["hebergement-cabinet-rousseau-2025"] == (
        "upcoming",
        "10/12/2026 Hébergement / Contrat annuel site et messagerie / Cabinet Rousseau Avocats"
        " — Vente - 6 - Gagné → renouveler",
    )
    assert items["nom-de-domaine-studio-lumiere-2025"][0] == "overdue"
    assert "maintenance-boulangerie-mercier-2025" not in items  # renewed already
    where, text = items["facture-formation-html-fontaine"]  # F2026-0003, due on 15 October
    assert where == "overdue"
    assert text.startswith("15/10/2026 ")
    assert text.endswith("→ relancer le paiement")
    assert items["devis-accompagnement-2027-mbs"] == (
        "upcoming",
        "01/12/2026 Accompagnement / Contrat 2027 / Mes Beaux Sapins — Vente - 3 - Devis → émettre",
    )
    # an opportunity shows the next step its user wrote
    assert items["vente-sapins-nordmann-150-mbs"][1].endswith("→ Tel 16/11 pour relance")
    # invoices awaiting payment are not late before their due date (20 December)
    assert "commande-sapins-mbs-2026-facture-1" not in items


STALE = {
    "devis-site-garage-brotteaux-commande-facture-1": ("state: done", "state: open"),
    "devis-site-garage-brotteaux-commande-facture-2": ("state: done", "state: open"),
    "commande-sapins-mbs-2026-facture-1-avoir": ("state: done", "state: open"),
    "commande-sapins-mbs-2026": ("state: done", "state: in_progress"),
    "devis-site-garage-brotteaux": ("state: done", "state: in_progress"),
}


def test_settled_documents_left_open_stay_off_the_lists(tmp_path: Path) -> None:
    """Data where paid invoices, a credit note, an invoiced order and an accepted quote are
    still open (as the example was): validate warns, and the dashboard leaves them out."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    for key, (old, new) in STALE.items():
        [path] = (repo / "data/interactions").rglob(f"{key}.yaml")
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
    result = load(repo, today=TODAY, use_cache=False, jobs=1)
    stale = {Path(p.path).stem for p in result.problems if p.code == "document-state-stale"}
    assert stale == set(STALE)
    board = views.dashboard(result.book, "fr")
    listed = {
        item["entry"].id: item for a in board["actions"] for item in a["overdue"] + a["upcoming"]
    }
    assert not set(STALE) & set(listed)
    assert listed["facture-formation-html-fontaine"]["step"] == "relancer le paiement"
    english = views.dashboard(result.book, "en")
    steps = {
        item["entry"].id: item["step"]
        for a in english["actions"]
        for item in a["overdue"] + a["upcoming"]
    }
    assert steps["facture-formation-html-fontaine"] == "send a payment reminder"
    assert steps["vente-sapins-nordmann-150-mbs"] == "Tel 16/11 pour relance"  # as written
