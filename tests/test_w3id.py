"""The w3id.org redirect rules (deploy/w3id/.htaccess) in a real Apache httpd from Debian, on loopback.

w3id.org runs Apache with each prefix's ``.htaccess``. Every IRI the small dataset mints must be redirected to
the page and anchor :func:`kg.site.page_of` names (browsers), or to that page's Turtle or JSON-LD (programs).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import wait_for_port

from kg.site import page_of
from kg.terms import DEFAULT_BASE

ROOT = Path(__file__).resolve().parent.parent
MODULES = Path("/usr/lib/apache2/modules")
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def target() -> str:
    """The TARGET the shipped .htaccess redirects to."""
    for line in (ROOT / "deploy" / "w3id" / ".htaccess").read_text(encoding="utf-8").splitlines():
        if "[E=TARGET:" in line:
            return line.split("[E=TARGET:", 1)[1].rstrip("]")
    raise AssertionError("no TARGET in .htaccess")


@pytest.fixture(scope="module")
def w3id() -> Iterator[int]:
    binary = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").is_file() else None)
    if binary is None or not (MODULES / "mod_rewrite.so").is_file():
        reason = "Apache httpd is not installed (make browser installs Debian's apache2-bin as root)"
        if os.environ.get("KG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; KG_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    work = Path(tempfile.mkdtemp(prefix="kg-w3id-"))
    work.chmod(0o755)  # the worker runs as nobody when the tests run as root
    docroot = work / "www"
    (docroot / "fazhi").mkdir(parents=True)
    shutil.copy(ROOT / "deploy" / "w3id" / ".htaccess", docroot / "fazhi" / ".htaccess")
    for folder in (docroot, docroot / "fazhi"):
        folder.chmod(0o755)
    (docroot / "fazhi" / ".htaccess").chmod(0o644)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    modules = ("mpm_event", "authz_core", "rewrite", "env")
    loads = "\n".join(
        f"LoadModule {name}_module {MODULES / f'mod_{name}.so'}"
        for name in modules
        if (MODULES / f"mod_{name}.so").is_file()
    )
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""
    (work / "httpd.conf").write_text(
        f"""ServerRoot {work}
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {work / "httpd.pid"}
ErrorLog {work / "error.log"}
DefaultRuntimeDir {work}
Mutex file:{work} default
{loads}
{user}
DocumentRoot {docroot}
<Directory {docroot}>
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-f", str(work / "httpd.conf"), "-X"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        error_log = work / "error.log"
        wait_for_port(
            process, port, "Apache", log=lambda: " " + error_log.read_text() if error_log.is_file() else ""
        )
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


def location(port: int, path: str, accept: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.headers.get("Location", "")


def test_every_iri_is_redirected_to_its_page_or_rdf(w3id: int, small_dist: Path) -> None:
    from helpers import minted_iris

    iris = minted_iris(small_dist)  # the dataset's subjects and what void.ttl mints
    assert len(iris) > 100
    site = target()
    for iri in iris:
        path = "/fazhi/" + iri[len(DEFAULT_BASE) - len("id/") :]
        page, anchor = page_of(iri) or ("", "")
        expected_html = f"{site}/{page}.html" + (f"#{anchor}" if anchor else "")
        if page == "index":
            expected_rdf = {"ttl": f"{site}/void.ttl", "jsonld": f"{site}/void.ttl"}
        else:
            expected_rdf = {ext: f"{site}/{page}.{ext}" for ext in ("ttl", "jsonld")}
        assert location(w3id, path, HTML) == (303, expected_html), iri
        assert location(w3id, path, "text/turtle") == (303, expected_rdf["ttl"]), iri
        assert location(w3id, path, "application/ld+json") == (303, expected_rdf["jsonld"]), iri


def test_ontology_files_and_landing_are_redirected(w3id: int) -> None:
    site = target()
    assert location(w3id, "/fazhi/ontology", HTML) == (303, f"{site}/ontology.html")
    assert location(w3id, "/fazhi/ontology", "text/turtle") == (303, f"{site}/ontology.ttl")
    assert location(w3id, "/fazhi/", HTML) == (303, f"{site}/index.html")
    assert location(w3id, "/fazhi/context.jsonld", HTML) == (302, f"{site}/context.jsonld")
    assert location(w3id, "/fazhi/dataset.nt.gz", HTML) == (302, f"{site}/dataset.nt.gz")
