"""The git audit trail: real repositories built in temporary folders."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli.main import main
from generator.files.yamlio import parse_bytes
from generator.history.fielddiff import Version, cut_blocks, diff_values, diff_versions
from generator.history.reader import CACHE_NAME, history_notice, load_history
from generator.testing import MINIMAL_SETTINGS

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")

COMPANY = "data/companies/mes-beaux-sapins.yaml"
OLD_DEAL = "data/interactions/2025/devis-sapins.yaml"
DEAL = "data/interactions/2026/devis-sapins.yaml"
CONTACT = "data/contacts/jeanne-sapin.yaml"
BROKEN = "data/contacts/paul-roux.yaml"
ODD = "data/companies/café de la gare.yaml"
ALICE = ("Alice Martin", "alice@example.fr")
BOB = ("Bob Durand", "bob@example.fr")
PARIS = timezone(timedelta(hours=1))

COMPANY_V1 = """\
name: Mes Beaux Sapins
kind: client
address: {street: 1 rue des Pins, postcode: "69003", city: Lyon, country: FR}
interests: [professionnel]
"""
COMPANY_V2 = """\
name: Mes Beaux Sapins
kind: client
# moved in February
address:
  street: 1 rue des Pins
  postcode: "69100"
  city: Villeurbanne
  country: FR
interests: [professionnel, client auto]
phone: "04 78 00 00 00"
"""
DEAL_V1 = """\
kind: sale
type: "Vente - 3 - Devis"
user: benoit
subject: Sapins / Nordmann
date: 2025-12-01
state: open
document:
  kind: quote
  lines:
    - {description: Sapin Nordmann 2 m, quantity: 10, unit_price: 45.00, vat_rate: 20}
    - {description: Livraison, quantity: 1, unit_price: 30.00, vat_rate: 20}
"""
DEAL_V2 = DEAL_V1.replace("unit_price: 45.00", "unit_price: 47.50").replace(
    "state: open", "state: in_progress"
)
DEAL_V3 = DEAL_V2.replace("subject: Sapins / Nordmann", "subject: Sapins / Nordmann 2026")


def git(repo: Path, *args: str, who: tuple[str, str] = ALICE, when: str = "") -> None:
    """Run git in ``repo`` as ``who`` at ``when`` (ISO date-time), ignoring user config."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def write(repo: Path, rel: str, text: str | bytes) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str, who: tuple[str, str], when: str) -> None:
    git(repo, "add", "-A", "data")
    git(repo, "commit", "-q", "-m", message, who=who, when=when)


def build_business(repo: Path) -> Path:
    """Seven commits: creation, edits, a rename across folders, a deletion, bad YAML."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    write(repo, "data/settings.yaml", MINIMAL_SETTINGS)
    write(repo, COMPANY, COMPANY_V1)
    write(repo, OLD_DEAL, DEAL_V1)
    write(repo, ODD, "name: Café de la gare\nkind: prospect\n")
    commit(repo, "Reprise des données", ALICE, "2026-01-05T10:00:00+01:00")
    write(repo, COMPANY, COMPANY_V2)
    write(repo, OLD_DEAL, DEAL_V2)
    write(repo, ODD, "name: Café de la gare\nkind: client\n")
    commit(repo, "Sapins : déménagement, nouveau prix", BOB, "2026-02-10T09:30:00+01:00")
    (repo / DEAL).parent.mkdir(parents=True)
    git(repo, "mv", OLD_DEAL, DEAL)
    commit(repo, "Rangement 2026", BOB, "2026-03-01T08:00:00+01:00")
    write(repo, DEAL, DEAL_V3)
    write(repo, CONTACT, "first_name: Jeanne\nlast_name: Sapin\ncompany: mes-beaux-sapins\n")
    write(repo, BROKEN, "first_name: Paul\nlast_name: [Roux\n")
    commit(repo, "Nouveau contact", ALICE, "2026-03-02T14:00:00+01:00")
    write(repo, BROKEN, "first_name: Paul\nlast_name: Roux\n")
    commit(repo, "Paul : YAML réparé", ALICE, "2026-04-01T11:00:00+02:00")
    (repo / CONTACT).unlink()
    commit(repo, "Jeanne est partie", BOB, "2026-05-01T16:45:00+02:00")
    return repo


@pytest.fixture(scope="module")
def business(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed business, shared read-only by the tests of this module."""
    return build_business(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture
def own_business(business: Path, tmp_path: Path) -> Path:
    """A private copy to commit or edit in."""
    target = tmp_path / "repo"
    shutil.copytree(business, target, ignore=shutil.ignore_patterns(".carnet-cache"))
    return target


def fields(changes: list) -> dict[str, tuple]:
    return {c.field: (c.old, c.new) for c in changes}


def test_field_level_changes_with_authors_and_dates(business: Path) -> None:
    history = load_history(business)
    assert history is not None
    changes = history.changes_of(COMPANY)
    february = [c for c in changes if c.commit == changes[0].commit]
    assert fields(february) == {
        "address.postcode": ("69003", "69100"),
        "address.city": ("Lyon", "Villeurbanne"),
        "interests": (["professionnel"], ["professionnel", "client auto"]),
        "phone": (None, "04 78 00 00 00"),
    }
    change = february[1]
    assert (change.author, change.email, change.kind) == (*BOB, "modified")
    assert change.when == datetime(2026, 2, 10, 9, 30, tzinfo=PARIS)
    assert change.subject == "Sapins : déménagement, nouveau prix"
    assert change.path == change.at_path == COMPANY
    assert february[3].kind == "added"
    creation = changes[-1]
    assert (creation.field, creation.old, creation.kind, creation.author) == (
        "",
        None,
        "added",
        ALICE[0],
    )


def test_rename_across_sub_folders_is_followed(business: Path) -> None:
    history = load_history(business)
    assert history is not None
    changes = history.changes_of(DEAL)
    assert [c.kind for c in changes if not c.field] == ["renamed", "added"]
    assert all(c.path == DEAL for c in changes)
    renamed = next(c for c in changes if c.kind == "renamed")
    assert (renamed.old, renamed.new, renamed.author) == (OLD_DEAL, DEAL, BOB[0])
    assert fields(changes)["subject"] == ("Sapins / Nordmann", "Sapins / Nordmann 2026")
    price = next(c for c in changes if c.field == "document.lines[0].unit_price")
    assert (price.old, price.new, price.at_path) == (Decimal("45.00"), Decimal("47.50"), OLD_DEAL)
    assert history.changes_of(OLD_DEAL) == []  # the old path has no record of its own
    assert history.record_at(DEAL, price.commit)["state"] == "in_progress"


def test_deletion_and_invalid_yaml_in_history(business: Path) -> None:
    history = load_history(business)
    assert history is not None
    gone = history.changes_of(CONTACT)
    assert [(c.kind, c.author) for c in gone] == [("deleted", BOB[0]), ("added", ALICE[0])]
    repaired = history.changes_of(BROKEN)[0]
    assert (repaired.field, repaired.kind, repaired.note) == ("", "modified", "invalid-old")


def test_paths_with_spaces_and_accents(business: Path) -> None:
    history = load_history(business)
    assert history is not None
    assert fields(history.changes_of(ODD))["kind"] == ("prospect", "client")


def test_since_lists_changes_across_the_business(business: Path) -> None:
    history = load_history(business)
    assert history is not None
    changes = history.since(date(2026, 3, 1))
    assert {c.path for c in changes} == {DEAL, CONTACT, BROKEN}
    assert changes[0].kind == "deleted"  # newest first
    assert all(c.when.date() >= date(2026, 3, 1) for c in changes)


def test_first_commit_where_finds_the_issuing_commit(business: Path) -> None:
    history = load_history(business)
    assert history is not None

    def priced_47_50(record: dict) -> bool:
        return record["document"]["lines"][0]["unit_price"] == Decimal("47.50")

    found = history.first_commit_where(DEAL, priced_47_50)
    assert found is not None
    assert (found.author, found.subject) == (BOB[0], "Sapins : déménagement, nouveau prix")
    assert history.first_commit_where(DEAL, lambda r: r.get("state") == "done") is None


def test_uncommitted_changes_show_as_such(own_business: Path) -> None:
    write(own_business, COMPANY, COMPANY_V2.replace("Villeurbanne", "Lyon 3e"))
    write(own_business, "data/contacts/luc.yaml", "last_name: Luc\n")
    git(own_business, "add", "data/contacts/luc.yaml")
    history = load_history(own_business)
    assert history is not None
    first = history.changes_of(COMPANY)[0]
    assert (first.field, first.old, first.new) == ("address.city", "Villeurbanne", "Lyon 3e")
    assert first.commit is None and first.uncommitted and first.author == ""
    added = history.changes_of("data/contacts/luc.yaml")
    assert [(c.kind, c.commit) for c in added] == [("added", None)]
    assert history.record_at(COMPANY, None)["address"]["city"] == "Lyon 3e"


def test_cache_spares_the_diffs_and_picks_up_new_commits(own_business: Path) -> None:
    first = load_history(own_business)
    assert first is not None and first.diffed_commits == 6
    assert len(list((own_business / ".carnet-cache").glob(f"{CACHE_NAME}-*.json"))) == 1
    again = load_history(own_business)
    assert again is not None
    assert again.diffed_commits == 0 and again.git_calls == 1  # status (no log: cached)
    assert again.changes_of(COMPANY) == first.changes_of(COMPANY)
    assert again.since(date.min) == first.since(date.min)
    write(own_business, COMPANY, COMPANY_V2.replace("client auto", "prospect auto"))
    commit(own_business, "Intérêts", BOB, "2026-06-01T10:00:00+02:00")
    latest = load_history(own_business)
    assert latest is not None and latest.diffed_commits == 1
    assert latest.changes_of(COMPANY)[0].subject == "Intérêts"
    assert len(latest.changes_of(COMPANY)) == len(first.changes_of(COMPANY)) + 1


def test_git_processes_do_not_grow_with_records(tmp_path: Path) -> None:
    repo = tmp_path / "many"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for i in range(40):
        write(repo, f"data/companies/c{i}.yaml", f"name: C{i}\nkind: client\n")
    commit(repo, "Reprise", ALICE, "2026-01-01T10:00:00+01:00")
    for i in range(40):
        write(repo, f"data/companies/c{i}.yaml", f"name: C{i}\nkind: prospect\n")
    commit(repo, "Tous prospects", BOB, "2026-01-02T10:00:00+01:00")
    history = load_history(repo)
    assert history is not None
    for i in range(40):
        assert len(history.changes_of(f"data/companies/c{i}.yaml")) == 2
    assert history.git_calls == 3  # status, log, cat-file (the work tree is found by reading)
    assert history.first_commit_where("data/companies/c3.yaml", lambda r: True) is not None
    assert history.git_calls == 3  # record_at asks the same cat-file


def test_zero_commits_and_no_git(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    write(plain, COMPANY, COMPANY_V1)
    assert load_history(plain) is None
    notice = history_notice(plain)
    assert notice is not None and notice.severity == "info"
    assert notice.code == "history-unavailable"
    fresh = tmp_path / "fresh"
    write(fresh, COMPANY, COMPANY_V1)
    git(fresh, "init", "-q", "-b", "main")
    history = load_history(fresh)
    assert history is not None and history.commits == []
    assert [(c.kind, c.commit) for c in history.changes_of(COMPANY)] == [("added", None)]
    assert history_notice(fresh) is None


def test_shallow_clone_starts_at_its_oldest_commit(business: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", business.as_uri(), str(clone))
    history = load_history(clone)
    assert history is not None and len(history.commits) == 2
    assert history.changes_of(BROKEN)[-1].kind == "added"


def test_merges_deletion_and_return_binary_and_a_sub_folder(tmp_path: Path) -> None:
    top = tmp_path / "top"
    repo = top / "mon entreprise"  # the Carnet folder inside a larger work tree
    repo.mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    write(repo, COMPANY, COMPANY_V1)
    write(repo, CONTACT, "last_name: Sapin\n")
    write(repo, BROKEN, "last_name: Roux\n")
    commit(repo, "Début", ALICE, "2026-01-01T10:00:00+01:00")
    git(top, "checkout", "-q", "-b", "bob")
    write(repo, COMPANY, COMPANY_V1 + 'phone: "04 00 00 00 00"\n')
    commit(repo, "Téléphone", BOB, "2026-01-02T10:00:00+01:00")
    git(top, "checkout", "-q", "main")
    write(repo, COMPANY, COMPANY_V1.replace("kind: client", "kind: partner"))
    (repo / CONTACT).unlink()
    write(repo, BROKEN, "last_name: Roux\nnote: Caf\xe9\n".encode("cp1252"))
    commit(repo, "Partenaire", ALICE, "2026-01-03T10:00:00+01:00")
    git(top, "merge", "-q", "--no-edit", "bob", who=ALICE, when="2026-01-04T10:00:00+01:00")
    write(repo, CONTACT, "last_name: Sapin\nfirst_name: Jeanne\n")
    commit(repo, "Jeanne revient", BOB, "2026-01-05T10:00:00+01:00")
    history = load_history(repo)
    assert history is not None
    company = history.changes_of(COMPANY)
    assert [(c.field, c.author) for c in company] == [
        ("phone", ALICE[0]),  # the merge brings it, against its first parent
        ("kind", ALICE[0]),
        ("", ALICE[0]),
    ]
    assert company[0].subject.startswith("Merge branch")
    assert [c.kind for c in history.changes_of(CONTACT)] == ["added", "deleted", "added"]
    assert history.changes_of(BROKEN)[0].note == "invalid-new"  # not UTF-8
    assert history.record_at(COMPANY, company[1].commit)["kind"] == "partner"
    at_start = history.until(company[-1].commit)
    assert [c.kind for c in at_start.changes_of(CONTACT)] == ["added"]
    assert at_start.changes_of(COMPANY)[0].kind == "added"
    side = history.until("bob")  # the side branch's commit is off the main line
    assert [(c.field, c.author) for c in side.changes_of(COMPANY)] == [
        ("phone", BOB[0]),
        ("", ALICE[0]),
    ]
    assert side.diffed_commits == 1  # read down to "Début", known already


def test_a_new_record_at_a_former_path_has_its_own_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    old, new = "data/companies/dupont.yaml", "data/companies/dupont-freres.yaml"
    write(repo, old, "name: Dupont\n" + COMPANY_V2.split("\n", 1)[1])
    commit(repo, "Dupont", ALICE, "2026-01-01T10:00:00+01:00")
    git(repo, "mv", old, new)
    write(repo, new, "name: Dupont Frères\n" + COMPANY_V2.split("\n", 1)[1])
    commit(repo, "Dupont devient Dupont Frères", BOB, "2026-01-02T10:00:00+01:00")
    write(repo, old, "name: Autre Dupont\nkind: prospect\n")
    commit(repo, "Un autre Dupont", ALICE, "2026-01-03T10:00:00+01:00")
    history = load_history(repo)
    assert history is not None
    assert [(c.field, c.kind) for c in history.changes_of(new)] == [
        ("", "renamed"),
        ("name", "modified"),
        ("", "added"),
    ]
    assert [(c.field, c.kind) for c in history.changes_of(old)] == [("", "added")]
    first = history.since(date(2026, 1, 1))[-1]
    assert (first.path, first.at_path) == (new, old)  # found under its current path


def test_block_cut_falls_back_to_a_whole_parse() -> None:
    assert cut_blocks("a: 1\nb:\n- x\n# note\nc: |\n  t\n") == {
        "a": "a: 1\n",
        "b": "b:\n- x\n# note\n",
        "c": "c: |\n  t\n",
    }
    for unsure in ("---\na: 1\n", "a: 1\na: 2\n", "  a: 1\n", '"a": 1\n', "", "- 1\n"):
        assert cut_blocks(unsure) is None
    old = Version(b"a: 1\nb: 2\n")
    assert diff_versions(old, Version(b"b: 2\na: 1.0\n")) == []  # same values, new order
    assert diff_versions(old, Version(b"a: true\nb: 2\n")) == [("a", 1, True, "modified", "")]
    multi = Version(b"a: 1\n---\nb: 3\n")  # not cut: parsed whole (first document)
    assert diff_versions(old, multi) == [("b", 2, None, "deleted", "")]
    assert diff_versions(old, Version(b"\xff\xfe")) == [("", None, None, "modified", "invalid-new")]


SNIPPETS = (
    "a: 1", "a: 1.0", "a: 45.10", "a: '1'", 'a: "x"', "a: x", "a: yes", "a: null", "a:",
    "a: 2026-02-30", "a: 2026-02-03", "a: [1, 2]", "a: {x: 1}", "a:\n  x: 1\n  y: [1]",
    "a:\n- x\n- y", "a:\n  - {p: 1}\n  - {p: 2.50}", "note: |\n  l1\n  l2",
    "note: |\n  l1\n\n  l2", "note: >\n  f1\n  f2", "note: |-\n  x", "note: |\n  x\n    y",
    "# comment", "", "---", "b: x # c", "b: 'it''s'", 'b: "a\\tb"', "c: &x 1", "c: *x",
    "c: !!str 1", "a: [1,", "  indented: 1", "- item", "a: x\n  continued",
    "b: Vérifier le 21/11", "b: a: b", '"q": 1', "c: 0755", "c: 1_000", "b: on", "b: é\u00a0f",
    "b:\ttab", "d: -3", "d: 12", "d: 2026-01-01T10:00",
)  # fmt: skip


def _whole_diff(old: bytes, new: bytes) -> list:
    """The reference: both files parsed whole, then compared."""
    before, after = parse_bytes(old, "").value, parse_bytes(new, "").value
    before = before if isinstance(before, dict) else None
    after = after if isinstance(after, dict) else None
    if before is None or after is None:
        if before is None and after is None:
            return [] if old == new else [("", None, None, "modified", "invalid-both")]
        note = "invalid-old" if before is None else "invalid-new"
        return [("", None, None, "modified", note)]
    return diff_values(before, after)


@settings(max_examples=200)
@given(st.data())
def test_block_shortcut_agrees_with_whole_parse(data: st.DataObject) -> None:
    snippets = st.sampled_from(SNIPPETS)
    old = data.draw(st.lists(snippets, max_size=5))
    new = list(old)
    for _ in range(data.draw(st.integers(1, 3))):
        if new and data.draw(st.booleans()):
            new[data.draw(st.integers(0, len(new) - 1))] = data.draw(snippets)
        else:
            new.insert(data.draw(st.integers(0, len(new))), data.draw(snippets))
    end = data.draw(st.sampled_from(["", "\n", "\n\n"]))
    raw_old, raw_new = ("\n".join(x).encode() + end.encode() for x in (old, new))
    found = diff_versions(Version(raw_old), Version(raw_new))
    expected = _whole_diff(raw_old, raw_new)
    if expected and expected[0][4].startswith("invalid"):
        # a file broken outside the edited blocks: the field-level changes may still be
        # reported (more useful than "unreadable"), but never a change that did not happen
        assert not found or found == expected or all(f[0] for f in found)
    else:
        assert sorted(map(repr, found)) == sorted(map(repr, expected))


def run_cli(repo: Path, *args: str) -> object:
    return CliRunner().invoke(
        main, ["--repo", str(repo), "--today", "2026-11-25", "history", *args]
    )


def test_cli_history_of_a_record(business: Path) -> None:
    result = run_cli(business, "company/mes-beaux-sapins")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("Champ", "Avant", "Après", "address.city", "Villeurbanne", "Bob Durand"):
        assert text in out
    assert "10/02/2026 09:30" in out
    assert "(création)" in out


def test_cli_history_since_a_date(business: Path) -> None:
    result = run_cli(business, "--since", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "Fiche" in result.stdout
    assert "interaction/devis-sapins" in result.stdout
    assert "contact/jeanne-sapin" in result.stdout
    assert "company/mes-beaux-sapins" not in result.stdout


def test_cli_uncommitted_and_english(own_business: Path) -> None:
    write(own_business, COMPANY, COMPANY_V2.replace("Villeurbanne", "Lyon 3e"))
    result = CliRunner().invoke(
        main,
        ["--repo", str(own_business), "--lang", "en", "history", "mes-beaux-sapins"],
    )
    assert result.exit_code == 0, result.output
    assert "uncommitted" in result.stdout and "Before" in result.stdout


def test_cli_unknown_record_exits_2_with_candidates(business: Path) -> None:
    result = run_cli(business, "company/mes-beaux-sapin")
    assert result.exit_code == 2
    assert "company/mes-beaux-sapins" in result.stderr


def test_cli_without_git_prints_one_notice(tmp_path: Path) -> None:
    write(tmp_path, COMPANY, COMPANY_V1)
    result = run_cli(tmp_path, "company/mes-beaux-sapins")
    assert result.exit_code == 0
    assert result.stderr.count("info:") == 1 and "history-unavailable" in result.stderr


def test_the_blob_reader_ends_while_a_forked_process_holds_its_input(tmp_path: Path) -> None:
    """A worker forked after ``git cat-file --batch`` started (a pool of the build) holds
    its input open: git never sees its end. Closing the reader must not wait for git
    forever (a test run hung 15 minutes so): it is killed after a few seconds."""
    import os
    import signal
    import time

    from stock_helpers import git_repo

    from generator.history import git as gitmodule
    from generator.history.git import BlobReader, Git

    repo = git_repo(tmp_path / "repo")
    reader = BlobReader(Git(repo))
    assert reader.fetch(["HEAD:data/settings.yaml"])["HEAD:data/settings.yaml"]
    child = os.fork()
    if child == 0:  # the forked worker: holds every descriptor, does nothing
        time.sleep(60)
        os._exit(0)
    try:
        started = time.monotonic()
        reader.close()
        assert time.monotonic() - started < gitmodule.CLOSING_S + 5
        assert reader.proc is None
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
