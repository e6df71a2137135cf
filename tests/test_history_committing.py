"""The commits of the commands (``generator.history.committing``) and the writing before
them (``ChangeSet.write``): thousands of paths at once, any name, only those paths, and
nothing left behind when a step fails.

Real git repositories in temporary folders; the paths travel to git on its input, so
neither their number nor their characters matter.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from stock_helpers import git, git_repo, snapshot

from generator.files.edits import ChangeSet
from generator.history.commit import writing
from generator.history.committing import commit_paths
from generator.problems import Refused

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def _tree(repo: Path, rev: str = "HEAD") -> dict[str, str]:
    """Path → blob id of every file of ``rev``."""
    out = git(repo, "ls-tree", "-r", "-z", rev)
    entries = [e for e in out.split("\0") if e]
    return {e.split("\t", 1)[1]: e.split("\t", 1)[0].split()[2] for e in entries}


def test_only_the_paths_are_committed_and_what_the_user_staged_stays_staged(
    tmp_path: Path,
) -> None:
    repo = git_repo(tmp_path / "repo", {"data/companies/a.yaml": "name: A\n"})
    before = _tree(repo)
    (repo / "notes.txt").write_text("à moi\n")
    git(repo, "add", "notes.txt")  # the user's own staged change
    (repo / "data/companies/a.yaml").write_text("name: A modifiée\n")  # not staged, not ours
    changes = ChangeSet(repo)
    changes.create_bytes("data/companies/b.yaml", b"name: B\n")
    changes.create_bytes("data/contacts/c.yaml", b"last_name: C\n")
    paths = changes.write()
    short = commit_paths(repo, paths, "Import essai : 1 société, 1 contact")
    assert git(repo, "rev-parse", "HEAD").startswith(short)
    after = _tree(repo)
    assert set(after) - set(before) == {"data/companies/b.yaml", "data/contacts/c.yaml"}
    assert after["data/companies/a.yaml"] == before["data/companies/a.yaml"]
    assert git(repo, "show", "HEAD:data/contacts/c.yaml") == "last_name: C\n"
    assert git(repo, "log", "-1", "--format=%s") == "Import essai : 1 société, 1 contact\n"
    status = sorted(git(repo, "status", "--porcelain").splitlines())
    assert status == [" M data/companies/a.yaml", "A  notes.txt"]  # as the user left them
    assert not list((repo / ".git").glob("carnet-index-*"))


def test_any_number_of_paths_with_any_characters(tmp_path: Path) -> None:
    """1,200 paths of 1,759 characters (over 2 MB: more than a command line takes) and
    names with spaces, quotes, accents and glob characters, committed exactly."""
    repo = git_repo(tmp_path / "repo")
    changes = ChangeSet(repo)
    odd = ["data/companies/l'été [2] *.yaml", "data/companies/a b?.yaml", 'data/companies/"q".yaml']
    for rel in odd:
        changes.create_bytes(rel, rel.encode())
    deep = "data/contacts/" + "/".join(["d" * 250] * 6)
    for n in range(1200):
        changes.create_bytes(f"{deep}/{n:04d}{'x' * 230}.yaml", f"last_name: N{n}\n".encode())
    paths = changes.write()
    assert sum(len(p) + 1 for p in paths) > 2 * 1024 * 1024
    commit_paths(repo, paths, "Beaucoup")
    tree = _tree(repo)
    assert all(rel in tree for rel in odd)
    assert sum(1 for rel in tree if rel.startswith(deep)) == 1200
    assert git(repo, "show", f"HEAD:{deep}/1199{'x' * 230}.yaml") == "last_name: N1199\n"
    assert git(repo, "status", "--porcelain") == ""


def test_a_carnet_folder_inside_a_larger_work_tree(tmp_path: Path) -> None:
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    git(top, "config", "user.name", "Benoît Martin")
    git(top, "config", "user.email", "benoit@example.fr")
    (top / "README").write_text("x\n")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "Début")
    crm = top / "crm"
    changes = ChangeSet(crm)
    changes.create_bytes("data/companies/b.yaml", b"name: B\n")
    commit_paths(crm, changes.write(), "Dans crm/")
    assert set(_tree(top)) == {"README", "crm/data/companies/b.yaml"}
    assert git(top, "status", "--porcelain") == ""


def test_removed_and_modified_paths_in_a_sub_folder_commit_as_on_disk(tmp_path: Path) -> None:
    """A removed file leaves the commit, a modified one (staged by the user in another
    version) goes in as it is on disk; in a Carnet folder below the top of the work tree,
    with the user's other staged change kept out of the commit and staged."""
    top = git_repo(
        tmp_path / "top",
        {"crm/data/companies/a.yaml": "name: A\n", "crm/data/companies/b.yaml": "name: B\n"},
    )
    crm = top / "crm"
    (crm / "data/companies/a.yaml").write_text("name: A version indexée\n")
    git(crm, "add", "data/companies/a.yaml")  # the user staged another version
    (top / "notes.txt").write_text("à moi\n")
    git(top, "add", "notes.txt")
    (crm / "data/companies/a.yaml").write_text("name: A enregistrée\n")
    (crm / "data/companies/b.yaml").unlink()
    commit_paths(crm, ["data/companies/a.yaml", "data/companies/b.yaml"], "Modifié et retiré")
    tree = _tree(top)
    assert "crm/data/companies/b.yaml" not in tree and "notes.txt" not in tree
    assert git(top, "show", "HEAD:crm/data/companies/a.yaml") == "name: A enregistrée\n"
    assert git(top, "status", "--porcelain") == "A  notes.txt\n"


def test_a_refused_commit_leaves_no_file_no_index_entry_no_commit(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'refusé par le crochet' >&2\nexit 1\n")
    hook.chmod(0o755)
    head = git(repo, "rev-parse", "HEAD")
    before = snapshot(repo)
    changes = ChangeSet(repo)
    for n in range(50):
        changes.create_bytes(f"data/contacts/c{n}.yaml", b"last_name: C\n")
    with writing(repo, commits=True) as session, pytest.raises(Refused) as refused:
        session.save(changes, "Refusé")
    assert refused.value.code == "git-commit-failed"
    assert refused.value.params["detail"] == "refusé par le crochet"
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == ""  # nothing left in the index either
    assert git(repo, "rev-parse", "HEAD") == head
    assert not list((repo / ".git").glob("carnet-index-*"))


def test_a_failure_half_way_through_the_swap_puts_everything_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operating system refuses the 30th rename: the 29 new files already in place go,
    the edited file is as it was, no staging folder is left."""
    repo = git_repo(tmp_path / "repo", {"data/companies/a.yaml": "name: A  # gardé\n"})
    before = snapshot(repo)
    changes = ChangeSet(repo)
    changes.edit("data/companies/a.yaml")["kind"] = "client"
    for n in range(40):
        changes.create_bytes(f"data/interactions/2031/c{n}.yaml", b"kind: note\n")
    real_replace, calls = os.replace, []

    def failing(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) == 30:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(Refused) as refused:
        changes.write()
    assert refused.value.code == "file-write-failed"
    assert snapshot(repo) == before
    assert not list(repo.rglob(".carnet-new-*")) and not list(repo.rglob("*.tmp"))
    assert not (repo / "data/interactions/2031").exists()  # the folder it made is gone too


def test_a_new_file_whose_name_is_too_long_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    """The file system refuses the name (ENAMETOOLONG): removing the staged file that
    was never made raised the same error, and the staging folder stayed."""
    repo = git_repo(tmp_path / "repo", {"data/companies/a.yaml": "name: A\n"})
    before = snapshot(repo)
    changes = ChangeSet(repo)
    changes.create_bytes(f"data/imports/{'x' * 300}.yaml", b"kind: contact\n")
    with pytest.raises(Refused) as refused:
        changes.write()
    assert refused.value.code == "file-write-failed"
    assert snapshot(repo) == before
    assert not list(repo.rglob(".carnet-new-*")) and not (repo / "data/imports").exists()


def test_new_files_never_replace_what_appeared_in_their_place(tmp_path: Path) -> None:
    """A file that appears where a new one goes, after the plan, is kept for the undo."""
    repo = git_repo(tmp_path / "repo")
    changes = ChangeSet(repo)
    changes.create_bytes("data/contacts/c.yaml", b"last_name: C\n")
    (repo / "data/contacts").mkdir(parents=True, exist_ok=True)
    (repo / "data/contacts/c.yaml").write_bytes(b"last_name: Autre\n")
    changes.write()
    assert (repo / "data/contacts/c.yaml").read_bytes() == b"last_name: C\n"
    changes.undo()
    assert (repo / "data/contacts/c.yaml").read_bytes() == b"last_name: Autre\n"


def test_a_staging_folder_left_by_a_killed_command_is_swept_by_the_next(tmp_path: Path) -> None:
    """``kill -9`` during an import leaves ``.carnet-new-PID-XXXX`` full of ``*.tmp``
    files: the next command staging in that folder removes it, once its process is gone
    and it has not been touched for ten minutes; never a folder of a running process, a
    fresh one, one holding anything else, nor what a link points to."""
    import time

    from generator.files.staging import STALE_AFTER_S

    repo = git_repo(tmp_path / "repo", {"data/contacts/a.yaml": "last_name: A\n"})
    folder = repo / "data/contacts"
    dead = _finished_pid()
    old = time.time() - STALE_AFTER_S - 5

    def box(name: str, files: dict[str, str], when: float = old) -> Path:
        path = folder / name
        path.mkdir()
        for file, text in files.items():
            (path / file).write_text(text, encoding="utf-8")
        os.utime(path, (when, when))
        return path

    stale = box(f".carnet-new-{dead}-ab12cd", {"x.yaml.tmp": "last_name: X\n"})
    fresh = box(f".carnet-new-{dead}-ef34gh", {"y.yaml.tmp": "last_name: Y\n"}, time.time())
    running = box(f".carnet-new-{os.getppid()}-ij56kl", {"z.yaml.tmp": "last_name: Z\n"})
    foreign = box(f".carnet-new-{dead}-mn78op", {"notes.txt": "mes notes\n"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.tmp").write_text("à garder\n", encoding="utf-8")
    link = folder / f".carnet-new-{dead}-qr90st"
    link.symlink_to(outside, target_is_directory=True)
    os.utime(link, (old, old), follow_symlinks=False)
    changes = ChangeSet(repo)
    changes.create_bytes("data/contacts/b.yaml", b"last_name: B\n")
    changes.write()
    assert not stale.exists()
    assert fresh.exists() and running.exists() and (foreign / "notes.txt").exists()
    assert link.is_symlink() and (outside / "keep.tmp").exists()
    assert (folder / "b.yaml").read_bytes() == b"last_name: B\n"


def _finished_pid() -> int:
    """The number of a process that has ended (and was reaped)."""
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
