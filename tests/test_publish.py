"""The published files travel: JSON-LD loads offline anywhere, the dumps agree, the metadata is complete.

Regression: ``dataset.jsonld`` named the context ``https://w3id.org/fazhi/context.jsonld``, which does not
resolve, so plain rdflib (and every other JSON-LD processor) failed with a network error.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from kg.build import LAYERS
from kg.publish import PUBLISHED_FILES, download_root
from kg.terms import DCAT, DEFAULT_BASE, VOID

SPDX = Namespace("http://spdx.org/rdf/terms#")
ROOT = Path(__file__).resolve().parent.parent
DATASET = URIRef(DEFAULT_BASE + "dataset")


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to resolve a name or open a connection fails, as on a machine with no network."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


@pytest.fixture(scope="module")
def ntriples(built: Path) -> set:
    return set(Graph().parse(built / "dataset.nt", format="nt"))


def test_jsonld_loads_in_plain_rdflib_offline(built: Path, ntriples: set, no_network: None) -> None:
    graph = Graph().parse(built / "dataset.jsonld", format="json-ld")
    assert set(graph) == ntriples


def test_jsonld_loads_in_pyld_offline(small_dist: Path, no_network: None) -> None:
    """On the small dataset (the same serialiser and context): pyld takes a minute on the whole one."""
    from pyld import jsonld

    def no_loader(url: str, options: object = None) -> None:
        raise AssertionError(f"pyld tried to fetch {url}")

    document = json.loads((small_dist / "dataset.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_loader})
    expected = set(Graph().parse(small_dist / "dataset.nt", format="nt"))
    assert set(Graph().parse(data=nquads, format="nt")) == expected
    assert len(expected) > 1000


def _jena_or_skip() -> tuple[str, list[Path]]:
    """java and Debian's Jena jars, or a skip (KG_REQUIRE_BROWSER=1: a failure)."""
    java = shutil.which("java")
    jars = Path("/usr/share/java")
    if java is None or not (jars / "jena-arq.jar").is_file():
        reason = "Apache Jena is not installed (Debian packages libapache-jena-java, default-jre-headless)"
        if os.environ.get("KG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; KG_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    conflicting = ("log4j-over-slf4j", "slf4j-log4j12")
    return java, [
        jar
        for jar in sorted(jars.glob("*.jar"))
        if not jar.stem[-1].isdigit() and not jar.stem.startswith(conflicting)
    ]


def _xerces_messages(folder: Path) -> Path:
    """Debian's jena-core moves its bundled Xerces classes to ``xerces.*`` but leaves their message files
    under ``org/apache/jena/ext/xerces/``; the classes then fail to start ("internal error" in
    SchemaDVFactoryImpl). The same files, copied from that jar to where the classes look, let riot start."""
    import zipfile

    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = folder / "xerces" / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return folder


def _riot(arguments: list[str], output: Path) -> subprocess.CompletedProcess[bytes]:
    """Run Apache Jena's riot from Debian's libapache-jena-java (one slf4j binding on the class path).

    JSON-LD is read with Jena's JSON-LD 1.0 reader (jsonld-java): its default 1.1 reader (Titanium) needs a
    Jakarta JSON provider (Eclipse Parsson), which Debian 12 does not package (libjsonp2-java: the API only).
    """
    java, jars = _jena_or_skip()
    messages = _xerces_messages(output.parent / "jena-xerces-messages")
    classpath = ":".join(str(path) for path in [messages, *jars])
    with output.open("wb") as stream:
        return subprocess.run(
            [java, "-cp", classpath, "riotcmd.riot", "--syntax=jsonld10", "--output=nt", *arguments],
            stdout=stream,
            stderr=subprocess.PIPE,
            timeout=600,
            check=False,
        )


def test_jsonld_loads_in_jena_riot(small_dist: Path, tmp_path: Path) -> None:
    """On the small dataset (same serialiser and context), offline: riot gives the triples of dataset.nt."""
    done = _riot([str(small_dist / "dataset.jsonld")], tmp_path / "riot.nt")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    expected = set(Graph().parse(small_dist / "dataset.nt", format="nt"))
    assert set(Graph().parse(tmp_path / "riot.nt", format="nt")) == expected
    assert len(expected) > 1000


def test_jsonld_with_inline_context_loads_through_kg(small_dist: Path) -> None:
    from kg.loading import read_rdf

    expected = set(Graph().parse(small_dist / "dataset.nt", format="nt"))
    assert set(read_rdf(small_dist / "dataset.jsonld")) == expected


def test_gzip_dump_is_the_ntriples_dump(built: Path) -> None:
    assert gzip.decompress((built / "dataset.nt.gz").read_bytes()) == (built / "dataset.nt").read_bytes()


def test_trig_has_a_named_graph_per_input_and_their_union_is_the_dataset(built: Path) -> None:
    import pyoxigraph

    quads = list(pyoxigraph.parse(path=str(built / "dataset.trig"), format=pyoxigraph.RdfFormat.TRIG))
    names = {quad.graph_name.value for quad in quads if isinstance(quad.graph_name, pyoxigraph.NamedNode)}
    assert names == {f"{DEFAULT_BASE}graph/{layer}" for layer in LAYERS}
    assert all(isinstance(quad.graph_name, pyoxigraph.NamedNode) for quad in quads)
    union = {quad.triple for quad in quads}
    triples = {
        q.triple
        for q in pyoxigraph.parse(path=str(built / "dataset.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    }
    assert union == triples


def test_ontology_and_shapes_are_published(built: Path) -> None:
    ontology = Graph().parse(built / "ontology.ttl")
    shapes = Graph().parse(built / "shapes.ttl")
    assert (URIRef("https://w3id.org/fazhi/ontology#Case"), None, None) in ontology
    assert (None, URIRef("http://www.w3.org/ns/shacl#targetClass"), None) in shapes
    assert not set(ontology) & set(shapes)


def test_every_file_has_a_distribution_with_size_and_checksum(built: Path) -> None:
    void = Graph().parse(built / "void.ttl")
    distributions = set(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(PUBLISHED_FILES)
    for distribution in distributions:
        url = void.value(distribution, DCAT.downloadURL)
        name = str(url).removeprefix(download_root())
        content = (built / name).read_bytes()
        assert void.value(distribution, DCAT.byteSize) == Literal(
            len(content), datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
        )
        checksum = void.value(distribution, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest(), name
        assert str(void.value(distribution, DCAT.mediaType)).startswith("http://www.iana.org/assignments/")
    dumps = {str(url).removeprefix(download_root()) for url in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {name for name, kind in PUBLISHED_FILES.items() if kind.dump}
    assert (DATASET, VOID.sparqlEndpoint, None) not in void


def test_partitions_count_classes_and_properties(built: Path, bundled_store) -> None:
    void = Graph().parse(built / "void.ttl")
    cases = next(
        part
        for part in void.objects(DATASET, VOID.classPartition)
        if void.value(part, VOID["class"]) == URIRef("https://w3id.org/fazhi/ontology#Case")
    )
    expected = next(
        iter(bundled_store.query("SELECT (COUNT(*) AS ?n) { ?c a <https://w3id.org/fazhi/ontology#Case> }"))
    )
    assert int(void.value(cases, VOID.entities)) == int(expected["n"].value)
    assert len(set(void.objects(DATASET, VOID.propertyPartition))) > 20
    assert (
        str(void.value(DATASET, DCAT.version))
        == json.loads((ROOT / "data/version.json").read_text())["version"]
    )


def test_metadata_conforms_to_dcat_ap_3(built: Path) -> None:
    import pyshacl

    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(ROOT / "shapes" / "dcat-ap" / name)
    conforms, _, text = pyshacl.validate(Graph().parse(built / "void.ttl"), shacl_graph=shapes)
    assert conforms, text


def test_dcat_ap_shapes_catch_a_distribution_without_access_url(built: Path) -> None:
    import pyshacl

    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(ROOT / "shapes" / "dcat-ap" / name)
    void = Graph().parse(built / "void.ttl")
    void.remove((None, DCAT.accessURL, None))
    conforms, _, _ = pyshacl.validate(void, shacl_graph=shapes)
    assert not conforms


def test_sparql_endpoint_is_described_when_configured(bundled_store) -> None:
    from kg.publish import describe_dataset, read_release

    release = read_release(ROOT / "data" / "version.json")
    void = describe_dataset(bundled_store, release, files={}, sparql_endpoint="https://example.org/sparql")
    assert (DATASET, VOID.sparqlEndpoint, URIRef("https://example.org/sparql")) in void
    service = void.value(None, DCAT.endpointURL, URIRef("https://example.org/sparql"))
    assert (service, DCAT.servesDataset, DATASET) in void


def test_build_passes_the_sparql_endpoint_to_the_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import invoke

    import kg.build

    seen: dict[str, object] = {}

    def fake_build(**options: object) -> None:
        seen.update(options)
        raise SystemExit(0)

    monkeypatch.setattr(kg.build, "build", fake_build)
    invoke("build", "--out", str(tmp_path), "--sparql-endpoint", "https://example.org/sparql")
    assert seen.get("sparql_endpoint") == "https://example.org/sparql"


def test_query_sees_the_ontology_by_default(built: Path) -> None:
    from helpers import invoke

    query = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* fz:Actor }"
    code, output = invoke("query", query, "--format", "csv", "--dist", str(built))
    assert code == 0, output
    assert int(output.split()[-1]) > 0
    code, output = invoke("query", query, "--format", "csv", "--dist", str(built), "--no-ontology")
    assert code == 0, output
    assert int(output.split()[-1]) == 0
