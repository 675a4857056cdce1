"""The remote-endpoint backend: against Oxigraph's real server (kg serve) and a misbehaving local server."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import invoke

from kg.endpoint import Endpoint, EndpointError, endpoint, push, request_text
from kg.query import list_named, run, run_named
from kg.server import free_port, server, start, stop
from kg.stats import compute
from kg.store import make_store, open_store, store_path

# --- Oxigraph's server over the built store -------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[Endpoint]:
    spec = server(store_path(built), port=free_port())
    process = start(spec)
    try:
        yield Endpoint(spec.query_url)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def store(built: Path):
    return open_store(store_path(built))


@pytest.mark.parametrize("query", [q.name for q in list_named()])
def test_named_query_gives_exactly_the_embedded_rows_on_the_server(
    query: str, served: Endpoint, store
) -> None:
    assert run_named(served, query) == run_named(store, query)


def test_named_query_arguments_are_bound_on_the_server(served: Endpoint, store) -> None:
    for arguments in ({"case": "2022-jilin"}, {"topic": "*"}):
        name = "rq03-case-measures" if "case" in arguments else "rq10-topic-diffusion"
        assert run_named(served, name, arguments=arguments) == run_named(store, name, arguments=arguments)


def test_stats_are_the_same_on_the_server(served: Endpoint, store) -> None:
    assert compute(served).to_json() == compute(store).to_json()


def test_construct_and_ask_on_the_server(served: Endpoint, store) -> None:
    construct = "CONSTRUCT { ?c a fz:Case } WHERE { ?c a fz:Case }"
    assert run(served, construct) == run(store, construct)
    assert run(served, "ASK { ?c a fz:Case }").boolean is True


@pytest.mark.parametrize(
    "command",
    [
        ("query", "--name", "rq01-case-regions", "--format", "json"),
        ("stats", "--format", "json"),
        ("analyze", "centrality", "--graph", "regions"),
        ("analyze", "diffusion", "--format", "json"),
    ],
)
def test_read_commands_on_the_server_print_what_they_print_on_the_store(
    command: tuple[str, ...], served: Endpoint, built: Path
) -> None:
    code, remote = invoke(*command, "--endpoint", served.url)
    assert code == 0, remote
    code, local = invoke(*command, "--store", str(store_path(built)))
    assert code == 0, local
    if command[-1] == "json" or "--format" in command:
        assert json.loads(remote) == json.loads(local)
    else:
        assert sorted(remote.splitlines()) == sorted(local.splitlines())


def test_push_uploads_over_the_graph_store_protocol(built: Path, tmp_path: Path) -> None:
    """kg push into a writable Oxigraph server, then the same named query answers the same rows."""
    import subprocess

    from kg.server import Server, oxigraph_binary

    port = free_port()
    location = tmp_path / "writable"
    spec = Server(
        command=(oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"),
        host="127.0.0.1",
        port=port,
    )
    process = start(spec)
    try:
        code, output = invoke(
            "push", "--dist", str(built), "--endpoint", f"{spec.base_url}/store", "--replace"
        )
        assert code == 0, output
        remote = Endpoint(spec.query_url)
        assert run_named(remote, "rq05-outcomes") == run_named(open_store(store_path(built)), "rq05-outcomes")
    finally:
        stop(process)
    assert isinstance(subprocess, object)


# --- a misbehaving loopback server --------------------------------------------------------------------


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        kind = self.path.split("?")[0].strip("/")
        if kind == "hang":
            time.sleep(5)
            return
        if kind in ("400", "500"):
            self.send_response(int(kind))
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"Parse error: unexpected token" if kind == "400" else b"internal failure")
            return
        body = {
            "malformed": b"<html>this is not JSON</html>",
            "wrong-shape": b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"value": "?"}}]}}',
            "big": b'{"head": {"vars": []}, "results": {"bindings": []}}' + b" " * 4096,
        }.get(kind, b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}')
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


QUERY = "SELECT ?x WHERE { ?x a fz:Case }"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("hang", "no answer within 1 s"),
        ("400", "HTTP 400 Bad Request (the server refused the request): Parse error"),
        ("500", "HTTP 500 Internal Server Error (the server failed): internal failure"),
        ("malformed", "not SPARQL JSON results"),
        ("wrong-shape", "without the expected structure"),
        ("big", "over the limit of 1024"),
    ],
)
def test_a_misbehaving_server_gives_one_clear_error(misbehaving: str, path: str, message: str) -> None:
    target = Endpoint(f"{misbehaving}/{path}", read_timeout=1.0, max_bytes=1024)
    started = time.monotonic()
    with pytest.raises(EndpointError) as raised:
        run(target, QUERY)
    assert message in str(raised.value)
    assert f"{misbehaving}/{path}" in str(raised.value)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("path", ["hang", "400", "500", "malformed"])
def test_kg_query_on_a_misbehaving_server_exits_2_with_one_error_line(misbehaving: str, path: str) -> None:
    code, output = invoke("query", QUERY, "--endpoint", f"{misbehaving}/{path}", "--timeout", "1")
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and misbehaving in lines[0]


def test_a_server_that_is_not_there_gives_one_clear_error() -> None:
    port = free_port()
    with pytest.raises(EndpointError, match="cannot connect"):
        run(Endpoint(f"http://127.0.0.1:{port}/query"), QUERY)


def test_a_remote_endpoint_needs_allow_network() -> None:
    code, output = invoke("query", QUERY, "--endpoint", "http://example.org/sparql")
    assert code == 2 and "--allow-network" in output
    with pytest.raises(EndpointError, match="not an http"):
        endpoint("ftp://127.0.0.1/x", allow_network=True)


def test_the_guard_lets_kg_reach_loopback_but_not_other_hosts(misbehaving: str) -> None:
    """With --allow-network the query still goes; without it, only loopback connections pass the guard."""
    from kg.guard import AccessRefused, guarded

    with guarded(allow_loopback=True):
        assert run(Endpoint(f"{misbehaving}/ok"), QUERY).rows == []
        with pytest.raises(AccessRefused):
            import socket

            socket.create_connection(("192.0.2.1", 80), timeout=0.1)


def test_push_reports_a_refusing_server(misbehaving: str) -> None:
    with pytest.raises(EndpointError, match="HTTP 400"):
        push(Endpoint(f"{misbehaving}/400"), b"<http://e/s> <http://e/p> <http://e/o> .\n")


def test_bindings_go_into_the_outer_where_group() -> None:
    from rdflib import URIRef

    text = request_text(
        'CONSTRUCT { ?s ?p "}" } WHERE { ?s ?p ?o # a } comment\n}',
        {"s": URIRef("http://e/s")},
        construct=True,
    )
    assert "WHERE { VALUES (?s) { (<http://e/s>) } ?s ?p ?o" in text


def test_serve_needs_a_store(tmp_path: Path) -> None:
    code, output = invoke("serve", "--store", str(tmp_path))
    assert code == 2 and "not a kg store" in output
    make_store(tmp_path / "s", [])


def test_kg_serve_prints_the_url_and_serves_until_stopped(built: Path) -> None:
    import socket
    import subprocess
    import sys

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store_path(built)), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        assert f"http://127.0.0.1:{port}/query" in first
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        assert run(Endpoint(f"http://127.0.0.1:{port}/query"), "ASK { ?c a fz:Case }").boolean is True
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
