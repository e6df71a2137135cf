"""The records changed between two revisions, field by field (for ``carnet diff``).

One ``git diff --raw -z -M`` between the two commits over ``data/`` says which files were
added, deleted, renamed or modified; their blobs come from the history reader's one
``git cat-file --batch`` and are diffed by :mod:`generator.history.fielddiff` as for the
audit trail (:func:`generator.history.log._file_entries`). The net change is read, not
the sum of the commits in between: a field changed then changed back is no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.history.fielddiff import Version
from generator.history.git import BlobReader, Git, find_work_tree, strip_prefix
from generator.history.log import _REGULAR, ORIGINAL, Entry, FileChange, _file_entries
from generator.history.timetravel import resolve_revision
from generator.problems import Refused


@dataclass(frozen=True, slots=True)
class Comparison:
    """The two commits compared (full ids) and the record changes between them:
    ``(path, field, old, new, kind, note)`` entries as in the audit trail (``path`` is the
    record's path at the newer revision; a rename's ``old``/``new`` are the paths)."""

    base: str
    head: str
    changes: tuple[Entry, ...]


def compare_revisions(repo: Path, base: str, head: str) -> Comparison:
    """The field-level changes of every record from revision ``base`` to ``head``.

    Refused (usage) for a revision git does not know (``revision-unknown``), and for a
    folder that is not in a git work tree (``diff-no-git``).
    """
    tree = find_work_tree(repo)
    if tree is None:
        raise Refused("diff-no-git")
    old, new = resolve_revision(repo, base), resolve_revision(repo, head)
    git = Git(repo)
    raw = git.run(
        [
            "diff",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            old,
            new,
            "--",
            "data",
        ]
    )
    if raw is None:
        raise Refused("revision-unknown", quoted=f"{base}..{head}")
    files = parse_raw(raw, tree.prefix)
    blobs = BlobReader(git)
    try:
        wanted = [s for f in files for s in (f.old_sha, f.new_sha) if s.strip("0")]
        fetched = blobs.fetch(list(dict.fromkeys(wanted)))
    finally:
        blobs.close()

    def version(sha: str, keep: bool) -> Version | None:
        found = fetched.get(sha)
        return None if found is None else Version(found)

    entries: list[Entry] = []
    for f in files:
        entries += [e for e in _file_entries(f, version) if e[5] != ORIGINAL]
    return Comparison(old, new, tuple(entries))


def parse_raw(raw: bytes, prefix: str = "") -> list[FileChange]:
    """The file changes of ``git diff --raw -z`` output (paths relative to the Carnet
    folder, ``prefix`` removed)."""
    tokens = raw.split(b"\0")
    files: list[FileChange] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if not token.startswith(b":"):
            i += 1
            continue
        fields = token[1:].decode("ascii", "replace").split(" ")
        status = fields[4][:1]
        count = 2 if status in "RC" else 1
        names = [
            strip_prefix(t.decode("utf-8", "surrogateescape"), prefix)
            for t in tokens[i + 1 : i + 1 + count]
        ]
        if len(names) == count:
            files.append(
                FileChange(
                    status,
                    fields[2],
                    fields[3],
                    names[0],
                    names[-1],
                    fields[0] in _REGULAR,
                    fields[1] in _REGULAR,
                )
            )
        i += 1 + count
    return files
