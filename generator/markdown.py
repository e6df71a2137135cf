"""Notes written by users, rendered safely: Markdown with raw HTML disabled."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def _validate_link(url: str) -> bool:
    """Only web, mail and phone links, or relative ones; never ``javascript:``/``data:``."""
    cleaned = "".join(url.split()).lower()
    if ":" not in cleaned.split("/", 1)[0]:
        return True  # relative link or anchor
    return cleaned.startswith(_SAFE_SCHEMES)


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.disable("image")  # a note never loads a remote image
    return md


def render_note(text: str | None) -> str:
    """HTML for a user's Markdown note; any HTML in it is shown as text."""
    if not text:
        return ""
    return _renderer().render(text)
