"""``carnet serve``: a local server whose site follows the data."""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from pathlib import Path

from conftest import TODAY
from test_site_build import make_repo

from generator.site.serve import serve_site


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_after_an_edit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    ready = threading.Event()
    servers: list = []
    builds: list = []

    def on_ready(server) -> None:
        servers.append(server)
        ready.set()

    thread = threading.Thread(
        target=serve_site,
        kwargs={
            "repo": repo,
            "port": 0,
            "today": TODAY,
            "on_ready": on_ready,
            "on_build": builds.append,
        },
        daemon=True,
    )
    thread.start()
    assert ready.wait(60), "the server did not start"
    server = servers[0]
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/societes/mes-beaux-sapins/"
    try:
        first = fetch(url)
        assert "Mes Beaux Sapins" in first
        epoch = re.search(r"livereload\((\d+),", first)
        assert epoch is not None, "the page does not ask for live reload"
        company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
        company.write_text(
            company.read_text(encoding="utf-8").replace(
                "name: Mes Beaux Sapins", "name: Sapins Servis"
            ),
            encoding="utf-8",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if "Sapins Servis" in fetch(url):
                    break
            except OSError:  # the server is busy rebuilding: ask again
                pass
            time.sleep(0.3)
        else:
            raise AssertionError("the served page did not follow the edit")
        # so does the search index (answered from memory until the edits pause)
        assert "Sapins Servis" in fetch(f"http://{host}:{port}/search/search_index.json")
        # the browser's long poll hears of the new site (it reloads the page)
        reloaded = fetch(f"http://{host}:{port}/livereload/{epoch[1]}/1")
        assert int(reloaded) > int(epoch[1])
        # reading the data (as the rebuild itself does) sets off no rebuild
        time.sleep(1.5)
        (repo / "data" / "settings.yaml").read_bytes()
        time.sleep(1.5)
        assert len(builds) == 2, [b.report for b in builds]
        # the rebuild is incremental: its menu still names every page, never "None"
        menu = fetch(url).split('class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        assert "Vue d'ensemble" in menu and not re.search(r">\s*None\s*<", menu)
    finally:
        server.shutdown()
        thread.join(10)
    assert not thread.is_alive()
