"""Walking a firm's ``mkdocs.yml`` against the allow-list (:mod:`generator.site.allowlist`):
every key and value checked for its place and its type before it is used, what passes
kept, each refusal a problem located at its line and column."""

from __future__ import annotations

import html
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.files.yamlio import ParsedFile, position_of
from generator.files.yamltraps import show_tag
from generator.problems import Loc, Problem
from generator.site.allowlist import (
    ACTIVE_SCHEMES,
    CALLABLE_OPTIONS,
    CONFIG,
    CONTROL,
    DOCS_PATH,
    EXTRA_SHAPES,
    FEATURE,
    ICON,
    LANGUAGE,
    MARKDOWN_EXTENSIONS,
    SCRIPTS,
    SITE_URL,
    extension_name,
    problem,
)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_settings(
    parsed: ParsedFile, text: str, lang: str
) -> tuple[dict[str, Any], list[Problem]]:
    """The settings of the parsed ``mkdocs.yml`` that pass, and the problems of the rest
    (``text`` is the file's text: its YAML tags are found on the event stream)."""
    checker = _Checker(parsed, lang)
    settings = checker.check() if isinstance(parsed.value, dict) else {}
    problems = checker.problems
    if any(p.code == "yaml-tag" for p in parsed.problems):
        problems += _tag_problems(text, lang)
    return settings, problems


class _Checker:
    """Walks the firm's settings against the allow-list, keeping what passes."""

    def __init__(self, parsed: ParsedFile, lang: str) -> None:
        self.parsed = parsed
        self.lang = lang
        self.problems = [p for p in parsed.problems if p.code != "yaml-tag"]

    def refuse(self, loc: Loc, reason: str, *, key: bool = False) -> None:
        line, column = position_of(self.parsed.root, loc, key=key)
        name = ".".join(str(part) for part in loc if isinstance(part, str)) or CONFIG
        self.problems.append(problem("mkdocs-config-unsafe", line, column, name, reason, self.lang))

    def invalid(self, loc: Loc, reason: str) -> None:
        line, column = position_of(self.parsed.root, loc)
        name = ".".join(str(part) for part in loc if isinstance(part, str))
        self.problems.append(
            problem("mkdocs-config-invalid", line, column, name, reason, self.lang)
        )

    def check(self) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        for key, value in self.parsed.value.items():
            loc = (key,)
            if key == "site_name":
                self.text(loc, value)
            elif key == "site_url":
                if not isinstance(value, str) or not SITE_URL.match(value):
                    bad_scheme = isinstance(value, str) and _active(value)
                    self.refuse(loc, "scheme") if bad_scheme else self.invalid(loc, "url")
                else:
                    settings[key] = value
            elif key == "copyright":
                if self.text(loc, value):
                    settings[key] = html.escape(value)
            elif key == "extra":
                if self.mapping(loc, value):
                    settings[key] = self.extra(loc, value)
            elif key == "theme":
                settings[key] = self.theme(
                    loc, {"name": value} if isinstance(value, str) else value
                )
            elif key == "plugins":
                settings["search_lang"] = self.plugins(loc, value)
            elif key == "markdown_extensions":
                settings[key] = self.extensions(loc, value)
            else:
                self.refuse(loc, "key", key=True)
        return settings

    def text(self, loc: Loc, value: Any) -> bool:
        if isinstance(value, str):
            return True
        self.invalid(loc, "text")
        return False

    def mapping(self, loc: Loc, value: Any) -> bool:
        if isinstance(value, dict):
            return True
        self.invalid(loc, "mapping")
        return False

    def shaped(self, loc: Loc, value: Any, shape: str) -> bool:
        """Is ``value`` of ``shape`` (``text``, ``mapping``, ``list``, ``bool``)? A
        problem at ``loc`` otherwise."""
        kinds = {"text": str, "mapping": dict, "list": list, "bool": bool}
        if isinstance(value, kinds[shape]):
            return True
        self.invalid(loc, shape)
        return False

    def theme(self, loc: Loc, theme: Any) -> dict[str, Any]:
        from mkdocs.utils import get_theme_dir, get_theme_names

        if not self.mapping(loc, theme):
            return {}
        kept: dict[str, Any] = {}
        name = theme.get("name", "material")
        if not isinstance(name, str) or name not in get_theme_names():
            self.invalid((*loc, "name"), "theme")
            return {}
        folder = Path(get_theme_dir(name))
        for key, value in theme.items():
            where = (*loc, key)
            if key == "name":
                kept[key] = value
            elif key == "language":
                languages = folder / "partials" / "languages"
                known = (
                    isinstance(value, str)
                    and LANGUAGE.match(value) is not None
                    and (not languages.is_dir() or (languages / f"{value}.html").is_file())
                )
                if not known:
                    self.refuse(where, "path") if _escapes(value) else self.invalid(
                        where, "language"
                    )
                else:
                    kept[key] = value
            elif key in ("logo", "favicon"):
                if isinstance(value, str) and DOCS_PATH.match(value) and not _escapes(value):
                    kept[key] = value
                else:
                    self.refuse(where, "path")
            elif key == "features":
                if not isinstance(value, list):
                    self.invalid(where, "list")
                    continue
                for index, feature in enumerate(value):
                    if not isinstance(feature, str) or not FEATURE.match(feature):
                        self.invalid((*where, index), "feature")
                kept[key] = value
            elif key == "palette":
                kept[key] = self.palette(where, value, folder)
            elif key == "font":
                if value is not False:
                    self.refuse(where, "font")
            else:
                self.refuse(where, "key", key=True)
        return kept

    def palette(self, loc: Loc, value: Any, folder: Path) -> Any:
        schemes = value if isinstance(value, list) else [value]
        for index, scheme in enumerate(schemes):
            where = (*loc, index) if isinstance(value, list) else loc
            if not self.mapping(where, scheme):
                continue
            for key, item in scheme.items():
                if key == "toggle" and self.mapping((*where, key), item):
                    for part, text in item.items():
                        if part == "icon":
                            self.icon((*where, key, part), text, folder)
                        elif part != "name":
                            self.refuse((*where, key, part), "key", key=True)
                elif key not in ("media", "scheme", "primary", "accent", "toggle"):
                    self.refuse((*where, key), "key", key=True)
        return self.plain(loc, value)

    def icon(self, loc: Loc, value: Any, folder: Path) -> None:
        if not isinstance(value, str) or not ICON.match(value):
            self.refuse(loc, "path")
            return
        icons = (folder / ".icons").resolve()
        path = (icons / f"{value}.svg").resolve()
        if icons not in path.parents:
            self.refuse(loc, "path")
        elif not path.is_file():
            self.invalid(loc, "icon")

    def extra(self, loc: Loc, value: dict[str, Any]) -> dict[str, Any]:
        """Plain data; what Material's templates read must have the shape they expect
        (:data:`EXTRA_SHAPES`), and no setting may load another site's script."""
        from mkdocs.utils import get_theme_dir

        for key in SCRIPTS & value.keys():
            self.refuse((*loc, key), "analytics", key=True)
        for key, shape in EXTRA_SHAPES.items():
            if key in value:
                self.shaped((*loc, key), value[key], shape)
        material = Path(get_theme_dir("material"))
        for index, link in enumerate(_as_list(value.get("social"))):
            where = (*loc, "social", index)
            if not isinstance(link, dict) or "icon" not in link:
                self.invalid(where, "social")
            else:
                self.icon((*where, "icon"), link["icon"], material)
                for part in ("link", "name"):
                    if part in link:
                        self.shaped((*where, part), link[part], "text")
        for index, alternate in enumerate(_as_list(value.get("alternate"))):
            if self.mapping((*loc, "alternate", index), alternate):
                for part, text in alternate.items():
                    self.shaped((*loc, "alternate", index, part), text, "text")
        consent = value.get("consent")
        if isinstance(consent, dict):
            for part, shape in (("title", "text"), ("description", "text")):
                if part in consent:
                    self.shaped((*loc, "consent", part), consent[part], shape)
            if "actions" in consent and self.shaped(
                (*loc, "consent", "actions"), consent["actions"], "list"
            ):
                for index, action in enumerate(consent["actions"]):
                    self.shaped((*loc, "consent", "actions", index), action, "text")
            if "cookies" in consent:
                self.shaped((*loc, "consent", "cookies"), consent["cookies"], "mapping")
        return {k: v for k, v in self.plain(loc, value).items() if k not in SCRIPTS}

    def plain(self, loc: Loc, value: Any) -> Any:
        """Plain data with every text escaped for HTML; active links refused."""
        if isinstance(value, dict):
            return {k: self.plain((*loc, k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.plain((*loc, i), v) for i, v in enumerate(value)]
        if isinstance(value, str):
            if _active(value):
                self.refuse(loc, "scheme")
            return html.escape(value)
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return value

    def plugins(self, loc: Loc, value: Any) -> Any:
        """Only ``search`` (its ``lang``); the search language, if the firm set one."""
        lang = None
        for where, name, options in self.entries(loc, value):
            if name != "search":
                self.refuse(where, "plugin", key=True)
                continue
            if options is not None and not self.mapping(where, options):
                continue
            for option, setting in (options or {}).items():
                if option != "lang":
                    self.refuse((*where, option), "plugin", key=True)
                elif all(isinstance(s, str) and LANGUAGE.match(s) for s in _listed(setting)):
                    lang = setting
                else:
                    self.invalid((*where, option), "language")
        return lang

    def extensions(self, loc: Loc, value: Any) -> list[Any]:
        """Extensions of the fixed list, with plain options only."""
        kept: list[Any] = []
        for where, name, options in self.entries(loc, value):
            if extension_name(name) not in MARKDOWN_EXTENSIONS:
                self.refuse(where, "extension", key=True)
                continue
            if options is not None and not isinstance(options, dict):
                self.invalid(where, "mapping")
                continue
            refused = [
                option
                for option, setting in (options or {}).items()
                if option in CALLABLE_OPTIONS
                or not (setting is None or isinstance(setting, (str, int, bool, Decimal)))
            ]
            for option in refused:
                self.refuse((*where, option), "option", key=True)
            if not refused:
                kept.append({name: {k: _json(v) for k, v in (options or {}).items()}})
        return kept

    def entries(self, loc: Loc, value: Any) -> list[tuple[Loc, str, Any]]:
        """``[name, {name: options}]`` or ``{name: options}``: (where, name, options) each,
        ``where`` being the location of the options (or of the bare name)."""
        if isinstance(value, dict):
            return [((*loc, name), name, options) for name, options in value.items()]
        if not isinstance(value, list):
            self.invalid(loc, "list")
            return []
        found: list[tuple[Loc, str, Any]] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                found.append(((*loc, index), item, None))
            elif isinstance(item, dict) and len(item) == 1:
                name, options = next(iter(item.items()))
                found.append(((*loc, index, name), name, options))
            else:
                self.invalid((*loc, index), "mapping")
        return found


def _as_list(value: Any) -> list[Any]:
    """``value`` when it is a list (its shape is reported elsewhere), else nothing."""
    return value if isinstance(value, list) else []


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _json(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _tag_problems(text: str, lang: str) -> list[Problem]:
    """Every YAML tag of ``mkdocs.yml`` (``!!python/…``, ``!ENV``, ``!relative``): the
    attack itself, reported as ``mkdocs-config-unsafe`` at the tag."""
    problems = []
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError:  # the syntax error is reported by the parse
        return []
    for event in events:
        tag = getattr(event, "tag", None)
        if tag and isinstance(event, yaml.NodeEvent):
            mark = event.start_mark
            problems.append(
                problem(
                    "mkdocs-config-unsafe",
                    mark.line + 1,
                    mark.column + 1,
                    show_tag(tag),
                    "tag",
                    lang,
                )
            )
    return problems


def _escapes(value: Any) -> bool:
    """A path that leaves its folder: absolute, with ``..`` or a scheme."""
    if not isinstance(value, str):
        return False
    return value.startswith(("/", "\\")) or ".." in value.split("/") or ":" in value


def _active(value: str) -> bool:
    """A link a browser would run or inline (``javascript:``, ``data:``…)."""
    squeezed = CONTROL.sub("", value).lower()
    return squeezed.startswith(ACTIVE_SCHEMES)
