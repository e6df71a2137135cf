"""Large blocks of HTML taken past Python-Markdown as they are.

A list of interactions or a pipeline board is one block of raw HTML of several
megabytes; Python-Markdown passes such a block through unchanged, but only after its
HTML parser has read every tag of it (a fifth of a second per megabyte): an edit under
``carnet serve`` re-renders those pages, so that reading was most of MkDocs' share.

Carnet's templates mark such blocks (:data:`START` … :data:`END`, each on a line of its
own, around complete HTML blocks). The staged Markdown keeps them whole, so any
engine reads it as it is (DESIGN rule 10: Zensical builds the same pages); under
MkDocs, :class:`RawBlocks` sets each marked block aside before the Markdown is converted
(``on_page_markdown``) and puts it back, markers included, where Python-Markdown left
its placeholder (``on_page_content``): the page's HTML is the very one Python-Markdown
would have made (tests compare both builds).

:class:`CompiledTemplates` gives the theme's templates the compiled-template cache of
Carnet's own (:func:`generator.templating.bytecode_cache`): a build that renders a few
pages no longer compiles Material's templates first.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

from generator.templating import bytecode_cache

START = "<!-- carnet:raw -->"
END = "<!-- /carnet:raw -->"
NAME = "carnet-raw-blocks"
"""The name of :class:`RawBlocks` in a MkDocs configuration's plugins."""
COMPILED = "carnet-compiled-templates"
"""The name of :class:`CompiledTemplates` in a MkDocs configuration's plugins."""
_MARKED = re.compile(rf"(?ms)^{re.escape(START)}\n.*?\n{re.escape(END)}$")
_PLACEHOLDER = re.compile(r"<!--carnet:raw:(\d+)-->")


class RawBlocks(BasePlugin):  # type: ignore[type-arg]
    """Takes the marked blocks of raw HTML past Python-Markdown, page by page."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: dict[str, list[str]] = {}

    @event_priority(-100)  # after every other plugin: the Markdown as it is converted
    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        """The page's Markdown, each marked block replaced by a placeholder comment."""
        blocks: list[str] = []

        def set_aside(found: re.Match[str]) -> str:
            blocks.append(found.group(0))
            return f"<!--carnet:raw:{len(blocks) - 1}-->"

        shorter = _MARKED.sub(set_aside, markdown)
        if blocks:
            self._blocks[page.file.src_uri] = blocks
        return shorter

    @event_priority(100)  # before every other plugin (search reads the content after)
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
        """The page's HTML with its blocks back where their placeholders are."""
        blocks = self._blocks.pop(page.file.src_uri, None)
        if blocks is None:
            return html
        return _PLACEHOLDER.sub(
            lambda found: blocks[int(found.group(1))] if int(found.group(1)) < len(blocks) else "",
            html,
        )


class CompiledTemplates(BasePlugin):  # type: ignore[type-arg]
    """Gives the theme's template environment the cache of compiled templates."""

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        """The environment, its compiled templates kept between builds."""
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache()
        return env


def add_to(config: Any) -> None:
    """Give MkDocs' ``config`` both plugins (a build by Carnet, or one of its render
    helpers: every process that renders pages takes the same path)."""
    for name, plugin in ((NAME, RawBlocks()), (COMPILED, CompiledTemplates())):
        plugin.load_config({})
        config.plugins[name] = plugin
