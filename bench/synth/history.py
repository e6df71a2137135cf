"""A git history of small edits of random records, written as one pack."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from synth.gitpack import OBJ_BLOB, OBJ_COMMIT, OBJ_TREE, PackWriter, slot_delta
from synth.words import NEXT_STEPS, NOTE_SENTENCES, ROLES, USERS, User
from synth.world import World

GITIGNORE = ".carnet-cache/\nbuild/\n"
STATES = {"open": "in_progress", "in_progress": "done"}


def _set(text: str, key: str, value: str) -> str:
    """Replace the top-level `key:` line, or append it when absent."""
    text, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    return text if count else f"{text}{key}: {value}\n"


def _edit(world: World, path: str) -> tuple[str, str]:
    """A plausible small change of the record at `path`: (new text, commit message)."""
    rng, text = world.rng, world.files[path]
    rid = path.rsplit("/", 1)[1][:-5]
    if path.startswith("data/interactions/"):
        choice = rng.randrange(4)
        state = re.search(r"^state: (\S+)$", text, re.M)
        if choice == 0 and state and state[1] in STATES:
            return _set(text, "state", STATES[state[1]]), f"{rid}: état {STATES[state[1]]}"
        if choice == 1:
            return _set(text, "user", rng.choice(USERS)[0]), f"{rid}: délégation"
        if choice == 2 and "\nnote: |" not in text:
            note = "".join(f"  {s}\n" for s in rng.sample(NOTE_SENTENCES, 2))
            return f"{text}note: |\n{note}", f"{rid}: compte rendu"
        step = f"{rng.choice(NEXT_STEPS)} le {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"
        return _set(text, "next_step", step), f"{rid}: prochaine étape"
    if path.startswith("data/companies/"):
        pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(4))
        return _set(text, "phone", f'"04 {pairs}"'), f"{rid}: téléphone"
    if path.startswith("data/contacts/"):
        return _set(text, "role", rng.choice(ROLES)), f"{rid}: fonction"
    price = re.search(r"^price: (\S+)$", text, re.M)
    new = float(price[1]) * rng.uniform(1.0, 1.1) if price else 10.0
    return _set(text, "price", f"{new:.2f}"), f"{rid}: nouveau prix"


class _Tree:
    """One folder's tree object, kept serialized so an edit only swaps a SHA slot."""

    def __init__(self, entries: list[tuple[str, bool, bytes]]) -> None:
        self.data = bytearray()
        self.slots: dict[str, int] = {}
        for name, is_dir, sha in sorted(entries, key=lambda e: e[0] + "/" * e[1]):
            self.data += b"%s %s\x00" % (b"40000" if is_dir else b"100644", name.encode())
            self.slots[name] = len(self.data)
            self.data += sha
        self.sha = b""


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts))]


def _build_trees(pack: PackWriter, blobs: dict[str, bytes]) -> dict[str, _Tree]:
    children: dict[str, dict[str, bytes | None]] = {}
    for path, sha in blobs.items():
        folders = _ancestors(path)
        for i, folder in enumerate(folders):
            child = path.split("/")[i]
            children.setdefault(folder, {})[child] = sha if i == len(folders) - 1 else None
    trees: dict[str, _Tree] = {}
    for folder in sorted(children, key=_depth, reverse=True):
        entries = []
        for name, sha in children[folder].items():
            sub = f"{folder}/{name}" if folder else name
            entries.append((name, sha is None, trees[sub].sha if sha is None else sha))
        tree = trees[folder] = _Tree(entries)
        tree.sha = pack.add(OBJ_TREE, tree.data)
    return trees


def _update(pack: PackWriter, trees: dict[str, _Tree], blobs: dict[str, bytes]) -> bytes:
    """Point `blobs` (path → SHA) into the trees, store changed trees; the root SHA."""
    dirty: dict[str, list[int]] = {}
    for path, sha in blobs.items():
        folder, name = path.rsplit("/", 1) if "/" in path else ("", path)
        tree = trees[folder]
        tree.data[tree.slots[name] : tree.slots[name] + 20] = sha
        dirty.setdefault(folder, []).append(tree.slots[name])
        for ancestor in _ancestors(folder):
            dirty.setdefault(ancestor, [])
    for folder in sorted(dirty, key=_depth, reverse=True):
        tree = trees[folder]
        delta = slot_delta(tree.data, sorted(set(dirty[folder])))
        tree.sha = pack.add(OBJ_TREE, tree.data, tree.sha, delta)
        if folder:
            parent, name = folder.rsplit("/", 1) if "/" in folder else ("", folder)
            slot = trees[parent].slots[name]
            trees[parent].data[slot : slot + 20] = tree.sha
            dirty[parent].append(slot)
    return trees[""].sha


def _commit(
    pack: PackWriter, tree: bytes, parent: bytes | None, user: User, when: float, message: str
) -> bytes:
    ident = f"{user[1]} <{user[0]}@atelier-dupont.fr> {int(when)} +0100"
    head = f"tree {tree.hex()}\n" + (f"parent {parent.hex()}\n" if parent else "")
    text = f"{head}author {ident}\ncommitter {ident}\n\n{message}\n"
    return pack.add(OBJ_COMMIT, text.encode())


def write_history(world: World, root: Path, commits: int) -> None:
    """`git init` `root`: the generated tree then `commits` edits, one pack; check out HEAD."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    start = dt.datetime(2019, 1, 2, 9, 0, tzinfo=dt.UTC).timestamp()
    end = dt.datetime.combine(world.today, dt.time(18, 0), tzinfo=dt.UTC).timestamp()
    step = (end - start) / max(1, commits)
    pack = PackWriter(root / ".git" / "objects" / "pack")
    files = {".gitignore": GITIGNORE, **world.files}
    blobs = {path: pack.add(OBJ_BLOB, files[path].encode()) for path in sorted(files)}
    trees = _build_trees(pack, blobs)
    head = _commit(pack, trees[""].sha, None, USERS[0], start, "Reprise des données")
    editable = sorted(world.editable)
    rng = world.rng
    for n in range(1, commits + 1):
        when = start + (n - 0.5 + rng.uniform(-0.4, 0.4)) * step
        changed: dict[str, str] = {}
        messages = []
        while len(changed) < (1 if rng.random() < 0.8 else 2):
            path = rng.choice(editable)
            text, message = _edit(world, path)
            if path not in changed and text != world.files[path]:
                changed[path], world.files[path] = text, text
                messages.append(message)
        blobs = {path: pack.add(OBJ_BLOB, text.encode()) for path, text in changed.items()}
        head = _commit(
            pack, _update(pack, trees, blobs), head, rng.choice(USERS), when, " ; ".join(messages)
        )
    pack.close()
    (root / ".git" / "refs" / "heads" / "main").write_text(head.hex() + "\n")
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, check=True)
