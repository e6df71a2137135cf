"""``carnet serve`` answers only requests that name it as it listens (DNS rebinding).

A page on ``evil.example`` whose DNS name is rebound to 127.0.0.1 makes the browser send
``Host: evil.example``: the server must not hand it the firm's pages.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from generator.site.serve import host_allowed, serve_site
from tests.hostile.conftest import TODAY


def raw_get(port: int, host_header: str | None, path: str = "/") -> tuple[int, bytes]:
    """Status and body of a GET sent as raw bytes (no client library fixes the Host)."""
    request = f"GET {path} HTTP/1.1\r\n"
    if host_header is not None:
        request += f"Host: {host_header}\r\n"
    request += "Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request.encode("latin-1"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.fixture
def served(repo: Path) -> Iterator[int]:
    """The example site served on 127.0.0.1 (a free port); yields the port."""
    ready = threading.Event()
    servers: list = []

    def on_ready(server) -> None:
        servers.append(server)
        ready.set()

    thread = threading.Thread(
        target=serve_site,
        kwargs={
            "repo": repo,
            "port": 0,
            "today": date.fromisoformat(TODAY),
            "on_ready": on_ready,
        },
        daemon=True,
    )
    thread.start()
    assert ready.wait(60), "the server did not start"
    try:
        yield servers[0].server_address[1]
    finally:
        servers[0].shutdown()
        thread.join(10)


def test_a_foreign_host_gets_no_page(served: int) -> None:
    for header in ("evil.example", f"evil.example:{served}", f"127.0.0.1.evil.example:{served}"):
        status, body = raw_get(served, header, "/societes/mes-beaux-sapins/")
        assert status in (403, 421), (header, status)
        assert b"Mes Beaux Sapins" not in body
    status, body = raw_get(served, "evil.example", "/search/search_index.json")
    assert status in (403, 421)
    assert b"Sapins" not in body


def test_a_missing_host_or_another_port_gets_no_page(served: int) -> None:
    assert raw_get(served, None)[0] in (400, 403, 421)
    assert raw_get(served, f"127.0.0.1:{served + 1}")[0] in (403, 421)
    assert raw_get(served, "localhost")[0] in (403, 421)  # port 80 implied


def test_the_listening_names_are_served(served: int) -> None:
    for header in (f"127.0.0.1:{served}", f"localhost:{served}", f"LOCALHOST:{served}"):
        status, body = raw_get(served, header, "/societes/mes-beaux-sapins/")
        assert status == 200, (header, status)
        assert b"Mes Beaux Sapins" in body


@pytest.mark.parametrize(
    ("header", "host", "port", "allowed"),
    [
        ("[::1]:8000", "::1", 8000, True),
        ("localhost:8000", "::1", 8000, True),
        ("127.0.0.1:8000", "::1", 8000, False),
        ("192.168.1.5:8000", "0.0.0.0", 8000, True),
        ("evil.example:8000", "0.0.0.0", 8000, False),
        ("intranet.lan:8000", "intranet.lan", 8000, True),
        ("localhost:8000", "intranet.lan", 8000, False),
        ("127.0.0.1:80", "127.0.0.1", 80, True),
        ("127.0.0.1", "127.0.0.1", 80, True),
        ("127.0.0.1:x", "127.0.0.1", 8000, False),
        ("", "127.0.0.1", 8000, False),
    ],
)
def test_which_hosts_name_the_server(header: str, host: str, port: int, allowed: bool) -> None:
    assert host_allowed(header, host, port) is allowed
