"""Content negotiation: the nginx rules of deploy/nginx serve HTML or Turtle/JSON-LD from the same IRI.

A real nginx (Debian's nginx-light, installed by ``make browser``) serves the small site on loopback.
Every IRI the small dataset mints must lead a browser to the page and anchor :func:`kg.site.page_of` names,
and a program asking for Turtle or JSON-LD to that page's RDF, which holds the IRI's triples.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import wait_for_port
from rdflib import Graph, URIRef

from kg.site import page_of
from kg.terms import DEFAULT_BASE

ROOT = Path(__file__).resolve().parent.parent
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(small_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    if binary is None:
        reason = "nginx is not installed (make browser installs Debian's nginx-light as root)"
        if os.environ.get("KG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; KG_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    work = tmp_path_factory.mktemp("nginx")
    temps = " ".join(
        f"{name}_temp_path {work / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() else ""
    (work / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {work / "nginx.pid"};
error_log {work / "error.log"};
events {{ worker_connections 64; }}
http {{
    access_log off;
    {mime}
    {temps}
    include {ROOT / "deploy" / "nginx" / "fazhi-map.conf"};
    server {{
        listen 127.0.0.1:{port};
        root {small_site};
        include {ROOT / "deploy" / "nginx" / "fazhi-locations.conf"};
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(process, port, "nginx")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def get(port: int, path: str, accept: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def resolve(port: int, iri: str, accept: str) -> tuple[str, str, http.client.HTTPResponse]:
    """Follow redirects of an IRI's path; the final path, fragment and response."""
    path, fragment = "/" + iri[len(DEFAULT_BASE) - len("id/") :], ""
    for _ in range(5):
        response = get(port, path, accept)
        if response.status not in (301, 302, 303, 307, 308):
            return path, fragment, response
        location = urlsplit(response.headers["Location"])
        path, fragment = location.path, location.fragment or fragment
    raise AssertionError(f"{iri}: too many redirects")


def minted(small_dist: Path) -> list[str]:
    from helpers import minted_iris

    return minted_iris(small_dist)


def test_every_iri_leads_a_browser_to_its_page_and_anchor(server: int, small_dist: Path) -> None:
    iris = minted(small_dist)
    assert len(iris) > 100
    for iri in iris:
        path, fragment, response = resolve(server, iri, HTML)
        page, anchor = page_of(iri) or ("", "")
        assert response.status == 200, f"{iri}: {response.status}"
        assert response.headers["Content-Type"].startswith("text/html"), iri
        in_place = "/" + iri[len(DEFAULT_BASE) - len("id/") :]
        assert (path, fragment) in ((f"/{page}.html", anchor), (in_place, anchor)), iri


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [("text/turtle", "turtle", "text/turtle"), ("application/ld+json", "json-ld", "application/ld+json")],
)
def test_programs_get_rdf_holding_the_iris_triples(
    server: int, small_dist: Path, accept: str, fmt: str, media_type: str
) -> None:
    iris = minted(small_dist)
    sample = [iri for iri in iris if "/measure/" in iri][:3] + [
        iri for iri in iris if iri.endswith(("case/2022-jilin", "e679458cc527", "/v/2021-09-24"))
    ]
    sample += [iri for iri in iris if "/span/" in iri][:2] + [iri for iri in iris if "/field/" in iri][:1]
    assert len(sample) >= 8
    for iri in sample:
        connection_path, _, response = resolve(server, iri, accept)
        assert response.status == 200, iri
        assert response.headers["Content-Type"].startswith(media_type), iri
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        connection.request("GET", connection_path, headers={"Accept": accept})
        body = connection.getresponse().read()
        connection.close()
        graph = Graph().parse(data=body, format=fmt)
        assert (URIRef(iri), None, None) in graph, iri


def test_one_iri_two_representations_vary_by_accept(server: int) -> None:
    html = get(server, "/id/case/2022-jilin", HTML)
    turtle = get(server, "/id/case/2022-jilin", "text/turtle")
    assert (html.status, turtle.status) == (200, 200)
    assert html.headers["Content-Type"].startswith("text/html")
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert "Accept" in html.headers["Vary"] and "Accept" in turtle.headers["Vary"]


def test_ontology_and_landing_negotiate(server: int) -> None:
    assert resolve(server, DEFAULT_BASE[: -len("id/")] + "id/dataset", HTML)[:2] == ("/index.html", "dataset")
    assert get(server, "/ontology", HTML).headers["Location"].endswith("/ontology.html")
    assert get(server, "/ontology", "text/turtle").headers["Location"].endswith("/ontology.ttl")
    assert get(server, "/", "text/turtle").headers["Location"].endswith("/void.ttl")
