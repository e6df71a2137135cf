"""Where extranets are written, and where their clear pages wait to be sealed.

An extranet folder is replaced whole at each build, so Carnet replaces only folders it
wrote: each carries :data:`MARKER`. A non-empty folder without it, a project folder that
is a symbolic link, or a default output (``build/extranet``) reached through a link
(:func:`generator.files.output.output_dir`) is refused before anything is written.

The clear pages (Markdown, then MkDocs' HTML) exist only in a private staging folder
(mode 0700) under ``build/`` (:func:`staging_area`): a run killed by a signal it can
catch removes its own (:func:`signals_raise`), and the next run wipes what a run killed
outright left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from generator.files.output import output_dir, staging_folder
from generator.problems import Refused

MARKER = ".carnet-extranet"
"""File written into every extranet folder Carnet builds."""
MARKER_TEXT = (
    "Extranet écrit par carnet extranet : ce dossier est remplacé à chaque construction.\n"
)
STAGING = ".extranet-staging"
"""Private folder under ``build/`` holding the clear pages while a build runs."""


def check_outputs(repo: Path, root: Path, projects: Iterable[str], *, default: bool) -> None:
    """Refuse (``extranet-out-…``) unless every ``root/<project>`` may be replaced.

    ``default``: ``root`` is ``build/extranet`` of ``repo``, reached without a link
    (``Refused("output-link")``). Whatever the root, a project folder must not be a link,
    and an existing non-empty one must carry :data:`MARKER`. Reads only; nothing is
    created.
    """
    if default:
        output_dir(repo, "extranet", create=False)
    if root.exists() and not root.is_dir():
        raise Refused("extranet-out-not-folder", file=root)
    root_real = root.resolve()
    for project in projects:
        target = root / project
        if target.is_symlink() or target.resolve().parent != root_real:
            raise Refused("extranet-out-link", file=target)
        if not target.exists():
            continue
        if not target.is_dir():
            raise Refused("extranet-out-not-folder", file=target)
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise Refused("extranet-out-not-carnet", file=target, marker=MARKER)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def staging_area(repo: Path) -> Path:
    """``build/.extranet-staging`` (mode 0700), emptied of what dead runs left behind.

    Each run stages in its own folder named after its process id; a folder whose
    process is gone (killed outright, power cut) is removed here. A link committed in
    its place (or inside) is removed, never followed
    (:func:`~generator.files.output.staging_folder`).
    """
    area = staging_folder(repo, STAGING)
    os.chmod(area, 0o700)
    for child in area.iterdir():
        pid = child.name.split("-", 1)[0]
        if not (pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    return area


@contextmanager
def private_folder(area: Path | None) -> Iterator[Path]:
    """A new private folder (0700) in ``area`` (the system's temporary folder when
    ``None``), removed on leaving, whatever happens."""
    prefix = f"{os.getpid()}-" if area is not None else "carnet-extranet-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=area) as tmp:
        yield Path(tmp)


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``SystemExit`` (SIGINT already raises), so that
    ``with`` blocks remove the clear pages when the run is stopped. Main thread only;
    elsewhere (or where signals do not exist) nothing changes."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous: dict[int, object] = {}
    try:
        for signum in wanted:
            previous[signum] = signal.signal(signum, _raise)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
