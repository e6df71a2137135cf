"""The MkDocs configuration of the internal site: Carnet's base plus what a firm may set.

MkDocs reads its configuration with PyYAML's unsafe loader and runs hooks, plugins and
theme templates outside any sandbox, so a repository's ``mkdocs.yml`` handed to MkDocs
could run code. Carnet reads that file itself (safe loader, positions kept), keeps the
settings of an allow-list, and writes the whole configuration MkDocs reads: Carnet's
``site_templates/mkdocs.base.yml`` merged with the firm's allowed settings. Everything
else is a located ``mkdocs-config-unsafe`` problem. ``--trust-config`` hands the firm's
file to MkDocs as it is (``INHERIT``), for a firm that runs Carnet on its own repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator.files.yamlio import parse_bytes, position_of
from generator.problems import Problem
from generator.site.allowlist import CONFIG, extension_name, problem
from generator.site.config_check import check_settings
from generator.templating import templates_dir


class SiteConfigError(Exception):
    """The site's configuration is refused: carries the problems to print."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The repository's ``mkdocs.yml`` once read: the allowed settings, or the firm's own
    file when trusted, the problems found, and where each top-level key stands."""

    settings: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    trusted: Path | None = None
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    lang: str = "fr"

    def locate(self, key: str, detail: str) -> Problem:
        """A problem MkDocs found in setting ``key``, at that key when the firm set it."""
        line, column = self.keys.get(key, (1, 1))
        name = key or CONFIG
        return problem("mkdocs-config-invalid", line, column, name, "mkdocs", self.lang, detail)


def read_site_config(repo: Path, *, trust: bool = False, lang: str = "fr") -> SiteConfig:
    """Read and check ``repo/mkdocs.yml`` (no file: Carnet's base alone)."""
    path = repo / CONFIG
    if not path.is_file():
        return SiteConfig(lang=lang)
    if not path.resolve().is_relative_to(repo.resolve()):  # a link to a file outside
        refused = problem("mkdocs-config-unsafe", 1, 1, CONFIG, "outside", lang)
        return SiteConfig(problems=(refused,), lang=lang)
    parsed = parse_bytes(path.read_bytes(), CONFIG, lang)
    keys = {}
    if isinstance(parsed.value, dict):
        keys = {k: position_of(parsed.root, (k,), key=True) for k in parsed.value}
    if trust:
        problems = [p for p in parsed.problems if p.code not in _TRUSTED_TRAPS]
        return SiteConfig({}, tuple(problems), path.resolve(), keys, lang)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    settings, problems = check_settings(parsed, text, lang)
    return SiteConfig(settings, tuple(problems), None, keys, lang)


_TRUSTED_TRAPS = frozenset({"yaml-tag", "yaml-anchor", "yaml-alias", "yaml-merge"})


def mkdocs_settings(config: SiteConfig) -> dict[str, Any]:
    """The configuration MkDocs reads, before the pages, navigation and paths of a build."""
    if config.trusted is not None:
        return {"INHERIT": str(config.trusted), **_rebased(config.trusted)}
    settings = base_settings()
    firm = config.settings
    theme = {**settings.get("theme", {}), **firm.get("theme", {})}
    settings["theme"] = theme
    if theme.get("name") == "material" and "custom_dir" not in theme:
        theme["custom_dir"] = str(templates_dir() / "theme")  # a French 404 page
    settings["extra"] = {**settings.get("extra", {}), **firm.get("extra", {})}
    for key in ("site_url", "copyright"):
        if key in firm:
            settings[key] = firm[key]
    extensions = _extension_options(settings.get("markdown_extensions", []))
    extensions.update(_extension_options(firm.get("markdown_extensions", [])))
    settings["markdown_extensions"] = [{name: opts or {}} for name, opts in extensions.items()]
    search_lang = firm.get("search_lang") or theme.get("language") or "fr"
    settings["plugins"] = [{"search": {"lang": search_lang}}]
    return settings


@cache
def _base_text() -> str:
    return (templates_dir() / "mkdocs.base.yml").read_text(encoding="utf-8")


def base_settings() -> dict[str, Any]:
    """Carnet's own ``mkdocs.base.yml`` (a fresh copy)."""
    return yaml.safe_load(_base_text())


def _extension_options(entries: list[Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, str):
            found[extension_name(entry)] = {}
        elif isinstance(entry, dict):
            for name, options in entry.items():
                found[extension_name(name)] = dict(options or {})
    return found


def _rebased(path: Path) -> dict[str, Any]:
    """Paths of a trusted file made absolute: MkDocs would read them relative to the
    generated configuration, which lives under ``build/``."""
    parsed = parse_bytes(path.read_bytes(), CONFIG)
    value = parsed.value if isinstance(parsed.value, dict) else {}
    out: dict[str, Any] = {}
    hooks = value.get("hooks")
    if isinstance(hooks, list) and all(isinstance(h, str) for h in hooks):
        out["hooks"] = [str(path.parent / h) for h in hooks]
    theme = value.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        out["theme"] = {"custom_dir": str(path.parent / theme["custom_dir"])}
    return out
