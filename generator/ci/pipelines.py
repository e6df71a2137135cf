"""The CI files of a firm's repository: ``.github/workflows/carnet.yml`` and
``.gitlab-ci.yml``, rendered from ``site_templates/ci/`` for this version of Carnet.

Jobs: **validate** on every push and pull/merge request (annotations on the files),
**build** of the site and the documents, **extranets** (default branch only, with the
passwords from the platform's secrets), **deploy** to Pages (``deploy="pages"``:
extranets; the internal site too with ``internal``) and **review** (a pull/merge
request gets a comment with ``carnet diff BASE HEAD --format markdown``). Carnet is
installed by one variable, ``CARNET_INSTALL``, so that a test or a firm can point it at
another install. :func:`write_pipeline` is what ``carnet ci`` and ``carnet init --ci``
call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.files.edits import ChangeSet
from generator.files.output import checked_path, read_output
from generator.problems import Refused
from generator.templating import config_environment

if TYPE_CHECKING:
    from generator.book.book import Book

PLATFORMS = {"github": ".github/workflows/carnet.yml", "gitlab": ".gitlab-ci.yml"}
"""Each platform and the file its pipeline lives in (relative to the repository)."""
SOURCE = "https://github.com/carnet-crm/carnet"
"""The Carnet repository the default ``CARNET_INSTALL`` installs from, at this version's tag."""
PYTHON = "3.12"
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
"""The Debian/Ubuntu packages WeasyPrint needs to write the PDFs."""
MATRIX_FROM = 8
"""From this many extranets on, each is built by its own job (a matrix, parallel jobs)."""
_PROJECT = re.compile(r"[a-z0-9-]+\Z")
_SECRET = re.compile(r"CARNET_[A-Z0-9_]+\Z")


@dataclass(frozen=True, slots=True)
class Extranet:
    """A project whose extranet CI builds, and the variable holding its password."""

    project: str
    password_env: str | None = None


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """What the pipeline does beyond validate, build and review."""

    deploy: str | None = None
    """``"pages"``: publish to GitHub or GitLab Pages on the default branch."""
    internal: bool = False
    """Publish the internal site too (Pages is public unless the plan restricts it)."""
    extranets: bool = False
    """Build the extranets on the default branch (implied by ``deploy``)."""
    install: str | None = None
    """The ``CARNET_INSTALL`` command (default: :func:`default_install`)."""


@dataclass(frozen=True, slots=True)
class PipelineOutcome:
    """What :func:`write_pipeline` did: the file, and whether it was (or would be) changed."""

    path: str
    written: bool
    differs: bool


def default_install(version: str = __version__) -> str:
    """``pip install`` of Carnet from its repository at the tag of ``version``."""
    return f'pip install "carnet @ git+{SOURCE}@v{version}"'


def extranets_of(book: Book) -> list[Extranet]:
    """The projects whose extranet is enabled, in id order, with their password variable."""
    found = []
    for key, entry in sorted(book.projects.items()):
        extranet = entry.record.extranet
        if extranet is not None and extranet.enabled:
            found.append(Extranet(key, extranet.password_env))
    return found


def pipeline_text(
    platform: str, options: PipelineOptions, extranets: Iterable[Extranet] = ()
) -> str:
    """The file ``platform``'s pipeline would hold (see the module docstring).

    Only ids and variable names of the expected shapes reach the file: it is YAML read by
    the platform, and a value from the data must never become a key or a command there.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown CI platform {platform!r}")
    chosen = [e for e in extranets if _PROJECT.match(e.project)]
    secrets = sorted(
        {e.password_env for e in chosen if e.password_env and _SECRET.match(e.password_env)}
    )
    build_extranets = options.extranets or options.deploy is not None
    install = options.install or default_install()
    template = config_environment("ci").get_template(f"{platform}.yml")
    return template.render(
        command=_command(platform, options),
        version=__version__,
        install=_yaml_string(install),
        system_packages=_yaml_string(_apt(PDF_PACKAGES)),
        system_packages_sudo=_yaml_string(_apt(PDF_PACKAGES, sudo="sudo ")),
        python=PYTHON,
        deploy=options.deploy == "pages",
        internal=options.internal and options.deploy is not None,
        extranets=build_extranets,
        secrets=secrets,
        projects=[e.project for e in chosen],
        matrix=build_extranets and len(chosen) >= MATRIX_FROM,
    )


def write_pipeline(
    repo: Path,
    platform: str,
    options: PipelineOptions,
    extranets: Iterable[Extranet] = (),
    *,
    force: bool = False,
    check: bool = False,
) -> PipelineOutcome:
    """Write ``platform``'s pipeline file into ``repo`` (atomically).

    ``check``: write nothing, tell whether the file differs from what would be written.
    An existing different file is kept unless ``force`` (``Refused("ci-file-exists")``);
    a symbolic link on the way is refused (``output-link``): the file is written in the
    repository or not at all.
    """
    rel = PLATFORMS[platform]
    parts = rel.split("/")
    checked_path(repo, *parts[:-1])
    wanted = pipeline_text(platform, options, extranets).encode("utf-8")
    target = repo / rel
    if target.is_symlink():
        raise Refused("output-link", path=rel)
    current = read_output(target) if target.exists() else None
    differs = current != wanted
    if check or not differs:
        return PipelineOutcome(rel, False, differs)
    if current is not None and not force:
        raise Refused("ci-file-exists", file=rel)
    changes = ChangeSet(repo)
    changes.create_bytes(rel, wanted)
    changes.write()
    return PipelineOutcome(rel, True, True)


def _apt(packages: str, sudo: str = "") -> str:
    """The ``apt-get`` command line installing ``packages`` quietly."""
    return (
        f"{sudo}apt-get update -qq && {sudo}env DEBIAN_FRONTEND=noninteractive apt-get install"
        f" -y -qq --no-install-recommends {packages}"
    )


def _command(platform: str, options: PipelineOptions) -> str:
    """The ``carnet ci`` command line that writes this file (for ``--check``)."""
    words = ["carnet", "ci", platform]
    if options.deploy is not None:
        words += ["--deploy", options.deploy] + (["--internal"] if options.internal else [])
    elif options.extranets:
        words.append("--extranets")
    return " ".join(words)


def _yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (one line, every special character escaped)."""
    import json

    return json.dumps(text, ensure_ascii=False)
