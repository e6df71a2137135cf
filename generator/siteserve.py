"""``carnet serve``: the internal site on 127.0.0.1, rebuilt incrementally on every edit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from generator.sitebuild import print_problems, run_build
from generator.templates import templates_dir


def serve_site(
    repo: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    today: date | None = None,
    lang: str | None = None,
    on_ready: Callable[[Any], None] | None = None,
    trust_config: bool = False,
) -> int:
    """Build, serve, and rebuild when ``data/``, the templates or ``mkdocs.yml`` change.

    A rebuild whose data (or ``mkdocs.yml``) has errors prints them and keeps serving the
    last good site; an unsafe ``mkdocs.yml`` at start is refused (exit 1, nothing served).
    ``on_ready`` receives the server once it is listening (tests use it to stop it).
    """
    from mkdocs.livereload import LiveReloadServer

    from generator.site.config import read_site_config

    config = read_site_config(repo, trust=trust_config, lang=lang or "fr")
    if config.problems:
        print_problems(list(config.problems))
        click.echo("carnet: erreurs dans mkdocs.yml : site non servi", err=True)
        return 1
    out = repo / "build" / "serve"
    out.mkdir(parents=True, exist_ok=True)

    def rebuild() -> None:
        run_build(repo, out, today=today, lang=lang, trust_config=trust_config)

    rebuild()
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(out))
    server.watch(str(repo / "data"))
    server.watch(str(templates_dir()))
    if (repo / "mkdocs.yml").is_file():
        server.watch(str(repo / "mkdocs.yml"), recursive=False)
    original_activate = server.server_activate

    def activate_and_announce() -> None:
        original_activate()  # listening from here on: clients may connect
        bound_host, bound_port = server.server_address[:2]
        click.echo(f"Site servi sur http://{bound_host}:{bound_port}/ (Ctrl+C pour arrêter)")
        if on_ready is not None:
            on_ready(server)

    server.server_activate = activate_and_announce  # type: ignore[method-assign]
    try:
        server.serve()
    except KeyboardInterrupt:
        click.echo("Arrêt.")
    finally:
        server.shutdown()
    return 0
