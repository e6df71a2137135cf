"""The allow-list of what a firm's ``mkdocs.yml`` may set, checked with positions.

Every setting is looked at where it stands in the file: what passes is kept (texts
escaped for HTML, since MkDocs' themes print configuration unescaped), anything else is a
problem at its ``path:line:col`` — ``mkdocs-config-unsafe`` for what could run code, read
a file, load another site's script or inject markup; ``mkdocs-config-invalid`` for a value
of the wrong shape. Any YAML value may stand anywhere: each is checked for its type before
it is used, here and for the ``extra`` settings Material's templates read
(:data:`EXTRA_SHAPES`), so that neither the check nor MkDocs ever fails on one.
"""

from __future__ import annotations

import re

from generator.problems import Problem, make_problem

CONFIG = "mkdocs.yml"

MARKDOWN_EXTENSIONS = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "footnotes",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.details",
        "pymdownx.keys",
        "pymdownx.mark",
        "pymdownx.tasklist",
        "pymdownx.tilde",
    }
)
"""Extensions a firm may add: none reads a file, takes code or turns text into markup
with attributes (no snippets, no custom fences, no emoji from a CDN)."""

CALLABLE_OPTIONS = frozenset({"slugify"})
SCRIPTS = frozenset({"analytics", "polyfills"})
"""``extra`` settings that make every page load a script of another site."""
EXTRA_SHAPES: dict[str, str] = {
    "social": "list",
    "alternate": "list",
    "consent": "mapping",
    "version": "mapping",
    "tags": "mapping",
    "status": "mapping",
    "annotate": "mapping",
    "generator": "bool",
    "homepage": "text",
    "scope": "text",
}
"""The ``extra`` settings Material's templates read, and the shape each must have."""
LANGUAGE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*\Z")
FEATURE = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*\Z")
ICON = re.compile(r"[a-z0-9_-]+(?:/[a-z0-9_.-]+)+\Z")
DOCS_PATH = re.compile(r"(?![./])[A-Za-z0-9_./-]+\Z")
SITE_URL = re.compile(r"https?://[^\s\"'<>\\`]+\Z")
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
CONTROL = re.compile(r"[\x00-\x20\x7f]+")

_REASONS: dict[str, tuple[str, str]] = {
    "key": (
        "réglage hors de la liste de ceux que Carnet transmet à MkDocs",
        "not among the settings Carnet passes to MkDocs",
    ),
    "tag": (
        "étiquette YAML (elle ferait construire un objet ou lire l'environnement)",
        "YAML tag (it would build an object or read the environment)",
    ),
    "plugin": (
        "extension de MkDocs : seule la recherche (search: lang) est permise",
        "MkDocs plugin: only search (search: lang) is allowed",
    ),
    "extension": (
        "extension Markdown hors de la liste fixe de Carnet",
        "Markdown extension outside Carnet's fixed list",
    ),
    "option": (
        "option d'extension : seules des valeurs simples (texte, nombre, oui/non) sont permises",
        "extension option: only plain values (text, number, yes/no) are allowed",
    ),
    "path": (
        "chemin hors du site : un chemin relatif dans les pages, sans « .. »",
        "path outside the site: a relative path inside the pages, without '..'",
    ),
    "outside": (
        "lien vers un fichier hors du dépôt",
        "link to a file outside the repository",
    ),
    "font": (
        "polices chargées d'un autre site : seule la valeur false est permise",
        "fonts loaded from another site: only false is allowed",
    ),
    "analytics": (
        "script d'un tiers chargé sur chaque page",
        "a third party's script loaded on every page",
    ),
    "scheme": (
        "lien actif (javascript:, data:…) : seuls http(s), mailto et tel sont permis",
        "active link (javascript:, data:…): only http(s), mailto and tel are allowed",
    ),
}
_INVALID: dict[str, tuple[str, str]] = {
    "text": ("un texte est attendu", "text expected"),
    "mapping": ("un dictionnaire « clé: valeur » est attendu", "a 'key: value' mapping expected"),
    "list": ("une liste est attendue", "a list expected"),
    "bool": ("true ou false est attendu", "true or false expected"),
    "social": (
        "chaque lien est un dictionnaire avec au moins icon (texte)",
        "each link is a mapping with at least icon (text)",
    ),
    "url": ("une adresse http:// ou https:// est attendue", "an http:// or https:// URL expected"),
    "theme": (
        "thème non installé (thèmes connus : {known})",
        "theme not installed (known: {known})",
    ),
    "language": ("langue inconnue du thème", "language unknown to the theme"),
    "feature": ("nom de fonction du thème invalide", "invalid theme feature name"),
    "icon": ("icône inconnue du thème", "icon unknown to the theme"),
    "mkdocs": ("{detail}", "{detail}"),
}


def extension_name(name: str) -> str:
    """``toc`` for ``markdown.extensions.toc``."""
    return name.removeprefix("markdown.extensions.")


def problem(
    code: str, line: int, column: int, key: str, reason: str, lang: str, detail: str = ""
) -> Problem:
    """A problem of ``mkdocs.yml``; ``reason`` names its explanation (French or English)."""
    table = _REASONS if code == "mkdocs-config-unsafe" else _INVALID
    fr, en = table[reason]
    text = (en if lang.startswith("en") else fr).format(detail=detail, known=_known_themes())
    return make_problem(code, CONFIG, line=line, column=column, lang=lang, key=key, reason=text)


def _known_themes() -> str:
    from mkdocs.utils import get_theme_names

    return ", ".join(sorted(get_theme_names()))
