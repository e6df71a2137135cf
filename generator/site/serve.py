"""``carnet serve``: the internal site on 127.0.0.1, rebuilt incrementally on every edit.

Only requests naming the server as it listens are answered (``Host`` header): a page of
another site that rebinds its DNS name to 127.0.0.1 gets 403, never the firm's data.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import Progress
from generator.files.output import output_dir
from generator.problems import Refused
from generator.schema.batch import ParseMemo
from generator.site.live import LiveSite
from generator.site.pipeline import BuildOutcome, build_repo_site
from generator.templating import templates_dir

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serve_site(
    repo: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    today: date | None = None,
    lang: str | None = None,
    on_ready: Callable[[Any], None] | None = None,
    on_build: Callable[[BuildOutcome], None] | None = None,
    trust_config: bool = False,
) -> bool:
    """Build, serve, and rebuild when ``data/``, the templates or ``mkdocs.yml`` change.

    A rebuild whose data (or ``mkdocs.yml``) has errors keeps serving the last good site;
    ``on_build`` receives each build's outcome (the command line prints it). An unsafe
    ``mkdocs.yml`` at start is refused (``serve-config-errors``, nothing served).
    ``on_ready`` receives the server once it is listening (the command line announces
    the address; tests use it to stop it). Returns whether Ctrl+C stopped the server.
    """
    from mkdocs.livereload import LiveReloadServer

    from generator.site.config import read_site_config

    if read_site_config(repo, trust=trust_config, lang=lang or "fr").problems:
        raise Refused("serve-config-errors")
    out = output_dir(repo, "serve")  # never through a link the repository holds
    memo = ParseMemo()  # an edit parses its own file again, nothing else
    live = LiveSite()  # and MkDocs renders its pages, nothing else

    def at_rest() -> None:  # what an edit leaves to write once the edits pause
        memo.save()  # the records cache
        live.write_search_index()

    resting = WhenResting(at_rest)

    def rebuild() -> None:
        with resting.busy():
            outcome = live_build(
                repo, out, memo, live, today=today, lang=lang, trust_config=trust_config
            )
            if on_build is not None:
                on_build(outcome)
            set_aside_what_is_kept()

    rebuild()
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(out))
    server.observer = _observer(server.observer)
    app = search_from_memory(server.get_app(), live, resting)
    server.set_app(host_guard(app, host, lambda: server.server_address[1]))
    server.watch(str(repo / "data"))
    server.watch(str(templates_dir()))
    if (repo / "mkdocs.yml").is_file():
        server.watch(str(repo / "mkdocs.yml"), recursive=False)
    original_activate = server.server_activate

    def activate_and_announce() -> None:
        original_activate()  # listening from here on: clients may connect
        if on_ready is not None:
            on_ready(server)

    server.server_activate = activate_and_announce  # type: ignore[method-assign]
    try:
        server.serve()
    except KeyboardInterrupt:
        return True
    finally:
        server.shutdown()
        resting.stop()
    return False


QUIET_SECONDS = 20.0
"""How long ``carnet serve`` waits after a rebuild before writing what it deferred."""


class WhenResting:
    """Runs ``work`` (writing the records cache) once the rebuilds pause for ``delay``
    seconds, and when the server stops; never while a rebuild runs (:meth:`busy`)."""

    def __init__(self, work: Callable[[], None], delay: float = QUIET_SECONDS) -> None:
        self.work = work
        self.delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    @contextmanager
    def busy(self) -> Iterator[None]:
        """A rebuild: the work waits for it, then for ``delay`` more seconds of quiet."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            yield
            self._timer = threading.Timer(self.delay, self._run)
            self._timer.daemon = True  # a server stopped by a signal does not wait for it
            self._timer.start()

    @contextmanager
    def idle(self) -> Iterator[None]:
        """Neither a rebuild nor the work runs meanwhile (they wait)."""
        with self._lock:
            yield

    def stop(self) -> None:
        """Do the work now (the server stops), if a rebuild left any."""
        if self._timer is not None:
            self._timer.cancel()
        self._run()

    def _run(self) -> None:
        with self._lock:
            self.work()


def live_build(
    repo: Path,
    out: Path,
    memo: ParseMemo,
    live: LiveSite,
    *,
    today: date | None = None,
    lang: str | None = None,
    trust_config: bool = False,
    progress: Progress | None = None,
) -> BuildOutcome:
    """One build of ``carnet serve`` into ``out``, with what it keeps between builds
    (``memo``, ``live``); ``progress`` hears of each step (:data:`generator.Progress`).

    A rebuild after an edit runs with the garbage collector paused
    (:func:`set_aside_what_is_kept`, to call once the outcome is shown). The first build
    (nothing of MkDocs kept yet) renders every page: it collects as it goes, as
    ``carnet build`` does, or the garbage of rendering them (cycles of Jinja's) would
    stay until the end (180 MiB more at scale 0.3, on top of MkDocs' own peak)."""
    paused = live.keeps_build
    if paused:
        gc.disable()  # a MkDocs pass collects as it goes (LiveSite.publish)
    try:
        return build_repo_site(
            repo,
            out,
            today=today,
            lang=lang,
            trust_config=trust_config,
            memo=memo,
            live=live,
            progress=progress,
        )
    finally:
        gc.enable()


def set_aside_what_is_kept() -> None:
    """Collect a rebuild's garbage once it is served, then move what the server keeps (the
    parsed records, MkDocs' pages and navigation, the memos) out of the garbage
    collector's sight (``gc.freeze``).

    A rebuild after an edit runs with the collector paused, as loading does: it makes a
    Book or two of long-lived objects and few cycles, and every collection would walk the
    whole kept site again (seconds at reference scale); its garbage, mostly freed by
    reference counting already, is collected here, and only what it made is walked.
    Kept objects still go when no longer referenced; a MkDocs pass, which drops the kept
    pages and their cycles, lets the collector see them again and collect as it goes
    (:meth:`generator.site.live.LiveSite.publish`)."""
    gc.collect()
    gc.freeze()


CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})
"""The file events that may change the site (not a file opened or read: the rebuild
itself reads the files it watches, and must not set off another)."""


def _observer(polling: Any) -> Any:
    """The system's own file watcher (inotify on Linux) instead of MkDocs' polling one,
    which stats every file of ``data/`` twice a second (seconds at a time for tens of
    thousands of records) before it even notices an edit; polling when there is none.
    Only changes reach MkDocs' handler (:data:`CHANGES`)."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver:
        return polling

    class ChangesOnly(FileSystemEventHandler):
        def __init__(self, handler: FileSystemEventHandler) -> None:
            self.handler = handler

        def dispatch(self, event: FileSystemEvent) -> None:
            if event.event_type in CHANGES:
                self.handler.dispatch(event)

    class ChangesObserver(Observer):  # type: ignore[misc, valid-type]
        def schedule(self, event_handler: Any, path: Any, **options: Any) -> Any:
            return super().schedule(ChangesOnly(event_handler), path, **options)

    return ChangesObserver()


SEARCH_INDEX = "/search/search_index.json"
"""Where the site's search index is asked for (Material's search, from every page)."""


def search_from_memory(app: WsgiApp, live: LiveSite, resting: WhenResting) -> WsgiApp:
    """``app`` answering the search index from ``live`` while its file is behind (the
    edits since the last pause did not write it: :meth:`LiveSite.search_index`); after
    the rebuild under way, if any."""

    def answered(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO") == SEARCH_INDEX and method in ("GET", "HEAD"):
            with resting.idle():
                text = live.search_index()
            if text is not None:
                headers = [("Content-Type", "application/json"), ("Content-Length", str(len(text)))]
                start_response("200 OK", headers)
                return [text] if method == "GET" else []
        return app(environ, start_response)

    return answered


def host_guard(app: WsgiApp, host: str, port: Callable[[], int]) -> WsgiApp:
    """``app`` answering only requests whose ``Host`` names this server (403 otherwise).

    Accepted: the listening address or name given to ``--host``, ``localhost`` when it
    listens on the loopback, any IP address when it listens on all of them; always with
    the listening port (``port`` is read once bound: ``--port 0`` picks one).
    """

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not host_allowed(environ.get("HTTP_HOST", ""), host, port()):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"403 Forbidden: unknown Host\n"]
        return app(environ, start_response)

    return guarded


def host_allowed(header: str, host: str, port: int) -> bool:
    """Whether a ``Host`` header names the server listening on ``host``:``port``."""
    try:
        parts = urlsplit(f"//{header}")
        asked_port = parts.port or 80
    except ValueError:
        return False
    name = parts.hostname
    if not name or asked_port != port:
        return False
    listening = host.strip("[]").lower()
    try:
        address = ipaddress.ip_address(listening)
    except ValueError:
        return name == listening  # a name given to --host: that name only
    if address.is_unspecified:
        return name == "localhost" or _is_ip(name)
    if address.is_loopback and name == "localhost":
        return True
    return _is_ip(name) and ipaddress.ip_address(name) == address


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
