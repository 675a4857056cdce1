"""The audit-hook guard: no connection, lookup, URL open or device read while untrusted input is processed."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.request
from pathlib import Path

import pytest
import rdflib
from conftest import Listener

from kg import guard
from kg.errors import InputError
from kg.limits import run_with_timeout


def test_hook_is_dormant_outside_a_guarded_block(listener: Listener) -> None:
    with urllib.request.urlopen(listener.url("/outside"), timeout=5) as response:
        assert response.status == 200
    assert listener.requests == ["/outside"]
    assert not guard.active()


@pytest.mark.parametrize(
    "reach",
    [
        lambda url, port: urllib.request.urlopen(url, timeout=5),
        lambda url, port: socket.create_connection(("127.0.0.1", port), timeout=5),
        lambda url, port: socket.getaddrinfo("localhost", port),
        lambda url, port: http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/"),
        lambda url, port: urllib.request.urlopen("file:///etc/hostname"),
    ],
    ids=["urlopen", "socket.connect", "getaddrinfo", "http.client", "file-url"],
)
def test_guard_refuses_outbound_access(listener: Listener, reach) -> None:  # type: ignore[no-untyped-def]
    with guard.guarded(), pytest.raises(guard.AccessRefused, match="--allow-network"):
        reach(listener.url("/guarded"), listener.port)
    assert listener.requests == []
    assert issubclass(guard.AccessRefused, InputError)


def test_allow_network_lets_requests_through(listener: Listener) -> None:
    with guard.guarded(allow_network=True), urllib.request.urlopen(listener.url("/allowed"), timeout=5):
        pass
    assert listener.requests == ["/allowed"]


def test_inner_block_cannot_loosen_an_outer_refusal(listener: Listener) -> None:
    with guard.guarded(), guard.guarded(allow_network=True), pytest.raises(guard.AccessRefused):
        urllib.request.urlopen(listener.url("/inner"), timeout=5)
    assert listener.requests == []


def test_threads_started_inside_the_block_are_guarded_too(listener: Listener) -> None:
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            urllib.request.urlopen(listener.url("/thread"), timeout=5)
        except BaseException as error:
            errors.append(error)

    with guard.guarded():
        thread = threading.Thread(target=fetch)
        thread.start()
        thread.join()
    assert [type(e) for e in errors] == [guard.AccessRefused]
    assert listener.requests == []


def test_forked_worker_inherits_the_guard(listener: Listener) -> None:
    def fetch() -> int:
        with urllib.request.urlopen(listener.url("/worker"), timeout=5) as response:
            return response.status

    with guard.guarded(), pytest.raises(guard.AccessRefused):
        run_with_timeout(fetch, timeout=10, what="worker")
    assert listener.requests == []


def test_rdflib_jsonld_remote_context_is_stopped_by_the_guard(listener: Listener) -> None:
    document = json.dumps({"@context": listener.url("/ctx.jsonld"), "@id": "http://a/s", "x": "v"})
    with guard.guarded(), pytest.raises(guard.AccessRefused):
        rdflib.Graph().parse(data=document, format="json-ld")
    scoped = {
        "@context": {"t": {"@id": "http://t/", "@context": listener.url("/scoped")}},
        "@id": "http://a/s",
    }
    with guard.guarded(), pytest.raises(guard.AccessRefused):
        rdflib.Graph().parse(data=json.dumps({**scoped, "t": {"x": 1}}), format="json-ld")
    assert listener.requests == []


def test_rdflib_sparql_service_is_stopped_by_the_guard(listener: Listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url('/sparql')}> {{ ?s ?p ?o }} }}"
    with guard.guarded(), pytest.raises(guard.AccessRefused):
        list(rdflib.Graph().query(query))
    assert listener.requests == []


def test_pyshacl_owl_imports_are_stopped_by_the_guard(listener: Listener) -> None:
    import pyshacl

    shapes = rdflib.Graph(identifier=rdflib.URIRef("http://a/shapes")).parse(
        format="turtle",
        data=f"<http://a/shapes> <http://www.w3.org/2002/07/owl#imports> <{listener.url('/imported.ttl')}> .",
    )
    with guard.guarded(), pytest.raises(guard.AccessRefused):
        pyshacl.validate(rdflib.Graph(), shacl_graph=shapes, do_owl_imports=True)
    with guard.guarded(), pytest.raises(guard.AccessRefused):
        pyshacl.validate(rdflib.Graph(), shacl_graph=listener.url("/shapes.ttl"))
    assert listener.requests == []


def _parse_dev_zero_context() -> int:
    document = json.dumps({"@context": "/dev/zero", "@id": "http://a/s", "x": "v"})
    with guard.guarded():
        return len(rdflib.Graph().parse(data=document, format="json-ld"))


def test_dev_zero_context_is_refused_not_read() -> None:
    with pytest.raises(guard.AccessRefused, match="/dev/zero: reading devices"):
        run_with_timeout(_parse_dev_zero_context, timeout=20, what="json-ld", memory_bytes=2 * 1024**3)


def test_device_reads_refused_but_ordinary_files_readable(tmp_path: Path) -> None:
    ordinary = tmp_path / "ok.txt"
    ordinary.write_text("ok", encoding="utf-8")
    with guard.guarded():
        assert ordinary.read_text(encoding="utf-8") == "ok"
        with pytest.raises(guard.AccessRefused), open("/dev/zero", "rb") as device:
            device.read(1)
        with open("/dev/null", "rb") as null:
            assert null.read() == b""


def test_readable_limits_reads_to_named_inputs(tmp_path: Path) -> None:
    named = tmp_path / "named.ttl"
    named.write_text("<http://a/s> <http://a/p> <http://a/o> .", encoding="utf-8")
    secret = tmp_path / "other" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("secret", encoding="utf-8")
    with guard.guarded(readable=[named]):
        assert len(rdflib.Graph().parse(named, format="turtle")) == 1
        with pytest.raises(guard.AccessRefused, match="not named as input"):
            secret.read_text(encoding="utf-8")
        (tmp_path / "out.txt").write_text("written", encoding="utf-8")
    assert secret.read_text(encoding="utf-8") == "secret"
    assert any("secret.txt" in refusal for refusal in guard.refusals())


def test_sparql_from_file_reads_are_stopped_when_inputs_are_named(tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://a/s> <http://a/p> "secret" .', encoding="utf-8")
    query = f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"
    before = len(guard.refusals())
    with guard.guarded(readable=[]), pytest.raises(Exception, match="Could not load"):
        list(rdflib.Dataset().query(query))
    assert "secret.ttl: reading a file that was not named as input" in " ".join(guard.refusals()[before:])


def test_compiled_modules_under_a_pycache_prefix_stay_readable(tmp_path: Path) -> None:
    """With PYTHONPYCACHEPREFIX, Python keeps compiled modules outside sys.path; a module imported inside a
    guarded block that names its inputs must still load from there (it was refused: every query failed)."""
    import os
    import subprocess
    import sys

    data = Path(__file__).resolve().parent.parent / "fixtures" / "mini-dataset.ttl"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    command = [sys.executable, "-m", "kg", "query", "-n", "rq01-case-regions", "--data", str(data)]
    for run in ("writes the compiled modules", "reads them"):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
        assert done.returncode == 0, f"{run}: {done.stderr}"
    assert any((tmp_path / "pycache").rglob("guard*.pyc"))
