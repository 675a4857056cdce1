"""Serialising the dataset: Turtle, N-Triples, TriG, compact JSON-LD with its context, and VoID/DCAT metadata.

Every output is deterministic: triples are sorted before Oxigraph's serialisers write them, so a rebuild is
byte-identical and datasets diff cleanly. JSON-LD comes from Oxigraph's flattened serialisation (which,
unlike rdflib's, keeps blank-node cycles), compacted here with prefixes only. Files are written to a
temporary name and renamed into place only once every output of a run has been written.

A build holds neither quads nor a graph of the whole dataset: :func:`dataset_text` writes each triple once as
an N-Triples line and sorts the lines, and every serialisation is Oxigraph re-reading those lines
(:func:`serialize_text`), with the same bytes as the quad writers give (``tests/test_publish_text.py``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, OutputError
from .loading import RdfFormat
from .namespaces import CONTEXT_IRI, DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES, SHAPES_NAMESPACE
from .store import select

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def all_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Every prefix the project writes: the vocabularies plus ``id:`` for the dataset's own IRIs."""
    return {**PREFIXES, "id": base}


def sorted_quads(graph: Iterable[tuple[Any, Any, Any]]) -> list[pyoxigraph.Quad]:
    """A graph's triples (an rdflib graph or any iterable of rdflib-term triples) as sorted Oxigraph quads."""
    import pyoxigraph

    from .store import to_oxigraph

    nodes: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        found = nodes.get(term)
        if found is None:
            found = nodes[term] = to_oxigraph(term)
        return found

    quads = [pyoxigraph.Quad(convert(s), convert(p), convert(o)) for s, p, o in graph]
    quads.sort(key=lambda quad: (str(quad.subject), str(quad.predicate), str(quad.object)))
    return quads


def used_prefixes(quads: Iterable[pyoxigraph.Quad], base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes whose namespace some IRI of the data (or a datatype) starts with."""
    import pyoxigraph

    candidates = all_prefixes(base)
    iris: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
            elif isinstance(term, pyoxigraph.Literal):
                iris.add(term.datatype.value)
    namespaces = {namespace for namespace in candidates.values() for iri in iris if iri.startswith(namespace)}
    return {prefix: namespace for prefix, namespace in sorted(candidates.items()) if namespace in namespaces}


def prefixes_of_iris(iris: Iterable[str], base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes whose namespace some of ``iris`` starts with, as :func:`used_prefixes` finds them."""
    from bisect import bisect_left

    ordered = sorted(set(iris))
    candidates = all_prefixes(base)

    def used(namespace: str) -> bool:
        at = bisect_left(ordered, namespace)
        return at < len(ordered) and ordered[at].startswith(namespace)

    return {prefix: namespace for prefix, namespace in sorted(candidates.items()) if used(namespace)}


class TermWriter:
    """rdflib terms other than IRIs as N-Triples terms, exactly as Oxigraph writes them, each converted once.

    Literals go through Oxigraph's own term, so escapes, language-tag case and ``xsd:string`` come out as
    its serialisers write them. Remembers the datatypes it wrote, for :func:`prefixes_of_iris`.
    """

    def __init__(self) -> None:
        self.written: dict[Any, str] = {}
        self.datatypes: set[str] = set()

    def __call__(self, term: Any) -> str:
        found = self.written.get(term)
        if found is None:
            found = self.written[term] = self._convert(term)
        return found

    def _convert(self, term: Any) -> str:
        import pyoxigraph
        from rdflib import BNode, Literal, URIRef

        from .store import to_oxigraph

        if isinstance(term, URIRef):
            return f"<{term}>"
        if isinstance(term, Literal | BNode):
            converted = to_oxigraph(term)
            if isinstance(converted, pyoxigraph.Literal):
                self.datatypes.add(converted.datatype.value)
            return str(converted)
        raise InputError(f"not an RDF term: {term!r}")


@dataclass(frozen=True)
class DatasetText:
    """The dataset as sorted N-Triples, whole and by layer: what every published serialisation is made from.

    Lines sorted as bytes are sorted as Oxigraph terms by their N-Triples form (subject, predicate, object),
    the order :func:`sorted_quads` gives: a term never holds a byte below the space that follows it.
    """

    ntriples: bytes
    layers: dict[str, bytes]
    prefixes: dict[str, str]
    triples: int


def dataset_text(
    layers: Mapping[str, Iterable[tuple[Any, Any, Any]]], base: str = DEFAULT_BASE
) -> DatasetText:
    """The dataset's layers as sorted, distinct N-Triples. A layer's triples are rdflib terms, or N-Triples
    terms already (plain strings, :mod:`kg.ntriples`), as the legislation mapping makes them.

    IRIs are written as they are (``<iri>``), after the check that keeps a line whole (no space, quote,
    angle bracket…); the serialisers check the rest of every IRI (:func:`parsed_ntriples`).

    :raises InputError: a term that is no valid RDF (an IRI that would break the line, a bad language tag).
    """
    from rdflib import URIRef

    from .ntriples import datatype_of
    from .store import BAD_IRI

    write = TermWriter()
    terms: set[str] = set()  # the IRIs, blank nodes and N-Triples literals written
    note = terms.add
    texts: dict[str, bytes] = {}
    runs: list[bytes] = []
    for layer, triples in layers.items():
        lines: set[bytes] = set()
        add = lines.add
        for s, p, o in triples:  # the hot loop: IRIs formatted in place, rdflib's own __eq__ never called
            if type(s) is str:  # N-Triples terms: written as they are, literals sorted out below
                note(s)
                note(p)
                note(o)
                add(f"{s} {p} {o} .\n".encode())
                continue
            subject = f"<{s}>" if type(s) is URIRef else write(s)
            predicate = f"<{p}>" if type(p) is URIRef else write(p)
            if type(o) is URIRef:
                note(thing := f"<{o}>")
            else:
                thing = write(o)
            note(subject)
            note(predicate)
            add(f"{subject} {predicate} {thing} .\n".encode())
        ordered = sorted(lines)
        texts[layer] = b"".join(ordered)
        runs.extend(ordered)
    for iri in terms:
        if iri[0] == "<" and BAD_IRI.search(iri, 1, len(iri) - 1):
            raise InputError(
                f"not a valid IRI: {iri} (it holds a space, a quote, <, > or a control character)"
            )
    union = list(dict.fromkeys(sorted(runs)))  # merges the sorted runs; a triple of two layers once
    names = {iri[1:-1] for iri in terms if iri[0] == "<"} | write.datatypes
    names.update(datatype for term in terms if term[0] == '"' and (datatype := datatype_of(term)))
    return DatasetText(b"".join(union), texts, prefixes_of_iris(names, base), len(union))


def serialize(graph: Graph, fmt: RdfFormat, *, base: str = DEFAULT_BASE) -> bytes:
    """One serialisation of a graph, deterministic; JSON-LD carries its context inline."""
    quads = sorted_quads(graph)
    return serialize_quads(quads, fmt, used_prefixes(quads, base))


def serialize_quads(quads: list[pyoxigraph.Quad], fmt: RdfFormat, prefixes: dict[str, str]) -> bytes:
    """One serialisation of sorted quads with the given prefixes.

    JSON-LD carries its context inline (the prefixes, nothing to fetch), so that any JSON-LD processor loads
    it offline; ``context.jsonld`` holds the same context for those who want to refer to it.
    """
    import pyoxigraph

    if fmt is RdfFormat.JSONLD:
        return jsonld_document(quads, prefixes, inline=True)
    if fmt in (RdfFormat.NTRIPLES, RdfFormat.NQUADS):
        return pyoxigraph.serialize(quads, format=fmt.oxigraph()) or b""
    # Turtle cannot abbreviate IRIs whose local part holds a slash without escaping it (id:case\/…):
    # the dataset's own IRIs are clearer written in full there.
    readable = {prefix: namespace for prefix, namespace in prefixes.items() if prefix != "id"}
    return pyoxigraph.serialize(quads, format=fmt.oxigraph(), prefixes=readable) or b""


def parsed_ntriples(
    text: bytes, *, graph: str | None = None, checked: bool = True
) -> Iterator[pyoxigraph.Quad]:
    """Oxigraph's quads of N-Triples the build wrote, in their order; in the named graph ``graph`` if given.

    :param checked: check every IRI (the first read of a text); else Oxigraph's faster lenient parse.
    :raises InputError: the text holds an IRI Oxigraph refuses.
    """
    import pyoxigraph

    fmt = pyoxigraph.RdfFormat.N_TRIPLES
    if graph is not None:  # a raw newline never occurs inside a line: literals escape theirs
        text = text.replace(b" .\n", f" <{graph}> .\n".encode())
        fmt = pyoxigraph.RdfFormat.N_QUADS
    try:
        yield from pyoxigraph.parse(text, format=fmt, lenient=not checked)
    except SyntaxError as error:
        raise InputError(f"the dataset holds a term that is not valid RDF: {error}") from None


def serialize_text(text: DatasetText, fmt: RdfFormat, base: str = DEFAULT_BASE) -> bytes:
    """One serialisation of the dataset (TriG: one named graph per layer), as :func:`serialize_quads` writes
    it from the same sorted quads, without holding them: Oxigraph reads the sorted N-Triples and writes.

    Turtle checks every IRI (call it first); the other formats read the same lines leniently.
    """
    import pyoxigraph

    if fmt is RdfFormat.NTRIPLES:
        return text.ntriples
    if fmt is RdfFormat.JSONLD:
        return jsonld_from_ntriples(text.ntriples, text.prefixes)
    readable = {prefix: namespace for prefix, namespace in text.prefixes.items() if prefix != "id"}
    if fmt is RdfFormat.TRIG:
        quads: Iterable[pyoxigraph.Quad] = (
            quad
            for layer, lines in text.layers.items()
            for quad in parsed_ntriples(lines, graph=f"{base}graph/{layer}", checked=False)
        )
    elif fmt is RdfFormat.TURTLE:
        quads = parsed_ntriples(text.ntriples)
    else:
        raise ValueError(f"not a published serialisation: {fmt}")
    return pyoxigraph.serialize(quads, format=fmt.oxigraph(), prefixes=readable) or b""


def jsonld_from_ntriples(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    """Compact JSON-LD of sorted N-Triples, byte for byte what :func:`jsonld_document` writes from the same
    quads, without Oxigraph's expanded document in between (which, parsed, takes gigabytes).

    Reads the lines kg wrote as text (a subject and a predicate never hold a space; each distinct object is
    read once, :func:`kg.ntriples.literal_parts`). Each node is written as ``json.dumps(node,
    ensure_ascii=False, sort_keys=True)`` writes it, from the JSON text of its values (encoded by the encoder
    ``json.dumps`` itself uses).
    """
    from io import BytesIO
    from json.encoder import encode_basestring as text

    from .ntriples import literal_parts

    compactor = _Compactor(prefixes)
    compacted: dict[str, str] = {}

    def iri(value: str) -> str:
        found = compacted.get(value)
        if found is None:
            found = compacted[value] = compactor.iri(value)
        return found

    def name(term: str) -> str:
        """A subject's or a type's JSON-LD name: a compacted IRI, or the blank node as written."""
        if term[0] == "<":
            return iri(term[1:-1])
        if term[0] == "_":
            return term
        return iri(literal_parts(term)[0])

    def value_text(term: str) -> str:
        if term[0] == "<":
            return '{"@id": ' + text(iri(term[1:-1])) + "}"
        if term[0] == "_":
            return '{"@id": ' + text(term) + "}"
        lexical, language, datatype = literal_parts(term)
        if language:
            return '{"@language": ' + text(language) + ', "@value": ' + text(lexical) + "}"
        if datatype is None or datatype == XSD_STRING:
            return '{"@value": ' + text(lexical) + "}"
        return '{"@type": ' + text(iri(datatype)) + ', "@value": ' + text(lexical) + "}"

    values: dict[bytes, str] = {}
    keys: dict[bytes, tuple[str, str]] = {}  # predicate → its compact key, and that key in JSON
    type_names: dict[bytes, str] = {}
    nodes: list[tuple[str, str]] = []
    subject = b""
    properties: dict[bytes, list[str]] = {}
    types: list[str] = []

    def finish() -> None:
        identifier = name(subject.decode())
        members = {"@id": '"@id": ' + text(identifier)}
        if types:
            types.sort()
            members["@type"] = '"@type": [' + ", ".join([text(item) for item in types]) + "]"
        for predicate, listed in properties.items():
            key, head = keys[predicate]
            members[key] = head + "[" + ", ".join(listed) + "]"
        nodes.append((identifier, "{" + ", ".join(members[key] for key in sorted(members)) + "}"))

    rdf_type = f"<{RDF_TYPE}>".encode()
    for line in BytesIO(ntriples):  # lines end " .\n"; a literal's own line breaks are escaped
        s, predicate, term = line[:-3].split(b" ", 2)
        if s != subject:
            if subject:
                finish()
            subject, properties, types = s, {}, []
        if predicate == rdf_type:  # the expanded form's rdf:type, which _Compactor makes "@type"
            found = type_names.get(term)
            if found is None:
                found = type_names[term] = name(term.decode())
            types.append(found)
            continue
        found = values.get(term)
        if found is None:
            found = values[term] = value_text(term.decode())
        listed = properties.get(predicate)
        if listed is None:
            if predicate not in keys:
                key = iri(predicate.decode()[1:-1])
                keys[predicate] = (key, text(key) + ": ")
            properties[predicate] = [found]
        else:
            listed.append(found)
    if subject:
        finish()
    nodes.sort(key=lambda node: node[0])
    return _jsonld_text([line for _, line in nodes], dict(sorted(prefixes.items())))


def _jsonld_text(lines: list[str], context: Any) -> bytes:
    """A JSON-LD document of serialised nodes: one node a line, so that diffs stay readable."""
    head = json.dumps(context, ensure_ascii=False, sort_keys=True)
    return ('{"@context": ' + head + ',\n "@graph": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n").encode(
        "utf-8"
    )


def context_document(prefixes: dict[str, str]) -> bytes:
    """The JSON-LD context file: the prefixes, and nothing that needs fetching."""
    return _json_bytes({"@context": dict(sorted(prefixes.items()))})


def jsonld_document(quads: list[pyoxigraph.Quad], prefixes: dict[str, str], *, inline: bool = False) -> bytes:
    """Compact JSON-LD: Oxigraph's flattened form with IRIs shortened to the given prefixes.

    :param inline: write the context into the document; else refer to the published context IRI.
    """
    import pyoxigraph

    expanded = json.loads(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.JSON_LD) or b"[]")
    compact = _Compactor(prefixes)
    nodes = [compact.node(node) for node in expanded]
    nodes.sort(key=lambda node: node["@id"])
    context: Any = dict(sorted(prefixes.items())) if inline else CONTEXT_IRI
    # One node a line: diffs stay readable, and json's C encoder (unused with indent) does the work.
    return _jsonld_text([json.dumps(node, ensure_ascii=False, sort_keys=True) for node in nodes], context)


class _Compactor:
    """Shortens IRIs to ``prefix:local`` where a prefix's namespace fits and the result cannot be misread."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace) :]
                if not local.startswith("//"):
                    return f"{prefix}:{local}"
        return iri

    def value(self, value: dict[str, Any]) -> dict[str, Any]:
        if "@id" in value:
            return {"@id": value["@id"] if value["@id"].startswith("_:") else self.iri(value["@id"])}
        result = {"@value": value["@value"]}
        if "@language" in value:
            result["@language"] = value["@language"]
        elif "@type" in value:
            result["@type"] = self.iri(value["@type"])
        return result

    def node(self, node: dict[str, Any]) -> dict[str, Any]:
        subject = node["@id"]
        result: dict[str, Any] = {"@id": subject if subject.startswith("_:") else self.iri(subject)}
        for key, values in node.items():
            if key == "@id":
                continue
            if key in ("@type", RDF_TYPE):
                types = values if key == "@type" else [value["@id"] for value in values]
                result["@type"] = sorted(self.iri(item) for item in types)
                continue
            # Values come in the order of the sorted quads Oxigraph serialised: already deterministic.
            result[self.iri(key)] = [self.value(value) for value in values]
        return result


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Release:
    """What the VoID/DCAT description says of a release; dates come from ``data/version.json``."""

    version: str
    issued: str
    modified: str
    title_en: str
    title_zh: str
    description_en: str
    licence: str
    sources: tuple[str, ...]


def read_release(path: Path) -> Release:
    """The release facts of ``data/version.json``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Release(
        version=data["version"],
        issued=data["issued"],
        modified=data["modified"],
        title_en=data["title"]["en"],
        title_zh=data["title"]["zh"],
        description_en=data["description"]["en"],
        licence=data["licence"],
        sources=tuple(data["sources"]),
    )


SPDX = "http://spdx.org/rdf/terms#"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
METADATA_PREFIXES = {"spdx": SPDX, "foaf": "http://xmlns.com/foaf/0.1/"}
"""Prefixes ``void.ttl`` uses beyond the project's own."""


@dataclass(frozen=True)
class FileKind:
    """What a published file is: its media type (and compression), title, and whether it dumps the dataset."""

    media_type: str
    title: str
    dump: bool
    compression: str | None = None


PUBLISHED_FILES: dict[str, FileKind] = {
    "dataset.ttl": FileKind("text/turtle", "The dataset in Turtle", True),
    "dataset.nt": FileKind("application/n-triples", "The dataset in N-Triples", True),
    "dataset.nt.gz": FileKind("application/n-triples", "The dataset in N-Triples, gzipped", True, "gzip"),
    "dataset.jsonld": FileKind("application/ld+json", "The dataset in JSON-LD, context inline", True),
    "dataset.trig": FileKind("application/trig", "The dataset in TriG, one named graph per input", True),
    "context.jsonld": FileKind("application/ld+json", "The JSON-LD context (prefixes only)", False),
    "ontology.ttl": FileKind("text/turtle", "The OWL ontology the dataset uses", False),
    "shapes.ttl": FileKind("text/turtle", "The SHACL shapes the dataset is validated against", False),
}
"""Every file a build publishes besides ``void.ttl`` (which describes them and so cannot describe itself)."""


def download_root(base: str = DEFAULT_BASE) -> str:
    """Where the published files are downloaded from: the base's parent for the default ``…/id/`` base."""
    return base[: -len("id/")] if base.endswith("/id/") else base


def canonical_quads(graph: Graph) -> list[pyoxigraph.Quad]:
    """A graph with blank nodes named canonically, sorted: the same bytes whenever the graph is the same."""
    from rdflib.compare import to_canonical_graph

    return sorted_quads(to_canonical_graph(graph))


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no timestamp and no file name in the header, so that a rebuild is byte-identical."""
    import gzip

    return gzip.compress(data, compresslevel=9, mtime=0)


def dataset_files(
    text: DatasetText,
    release: Release,
    load_store: Callable[[bytes], pyoxigraph.Store],
    *,
    base: str = DEFAULT_BASE,
    sparql_endpoint: str | None = None,
) -> dict[str, bytes]:
    """Every published file by name: the dataset in five forms, its context, ontology, shapes, metadata.

    ``load_store`` loads the dataset's N-Triples into the query store the metadata's counts come from; it
    and the counting run beside the serialisers, as gzip does (all three let go of the interpreter while
    they work).

    The ontology and the shapes are two files: the ontology (OWL/RDFS, open world) is loaded beside the
    data so that class hierarchies answer queries, while the shapes (SHACL, closed world) are for
    validation only and would add their own nodes and classes to a query store.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .loading import read_rdf_files
    from .resources import ontology_file, shapes_files

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kg-build") as pool:
        compressed = pool.submit(gzip_bytes, text.ntriples)
        counted = pool.submit(lambda: dataset_counts(load_store(text.ntriples)))
        files = {
            "dataset.ttl": serialize_text(text, RdfFormat.TURTLE, base),  # first: it checks every IRI
            "dataset.nt": text.ntriples,
            "dataset.jsonld": serialize_text(text, RdfFormat.JSONLD, base),
            "dataset.trig": serialize_text(text, RdfFormat.TRIG, base),
            "context.jsonld": context_document(text.prefixes),
            "ontology.ttl": ontology_file().read_bytes(),
        }
        shape_quads = canonical_quads(read_rdf_files(shapes_files()))
        files["shapes.ttl"] = serialize_quads(
            shape_quads, RdfFormat.TURTLE, {**used_prefixes(shape_quads, base), "fzsh": SHAPES_NAMESPACE}
        )
        files["dataset.nt.gz"] = compressed.result()
        counts = counted.result()
    description = describe_dataset(counts, release, base=base, files=files, sparql_endpoint=sparql_endpoint)
    description_quads = sorted_quads(description)
    candidates = {**used_prefixes(description_quads, base), **METADATA_PREFIXES}
    files["void.ttl"] = serialize_quads(description_quads, RdfFormat.TURTLE, candidates)
    return files


COUNT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
}
"""The VoID totals (``void:{name}``) and the queries that count them."""

PARTITION_QUERIES = {
    "class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "property": "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s ?c ?o } GROUP BY ?c",
}


@dataclass(frozen=True)
class DatasetCounts:
    """What VoID says of the dataset's size: the totals, and (IRI, count) per class and per property."""

    totals: dict[str, int]
    partitions: dict[str, list[tuple[str, int]]]


def dataset_counts(store: pyoxigraph.Store) -> DatasetCounts:
    """The VoID counts of the dataset in ``store`` (a build counts while its serialisers run)."""
    totals = {name: int(next(iter(select(store, query)))["n"].value) for name, query in COUNT_QUERIES.items()}
    partitions = {
        kind: [(row["c"].value, int(row["n"].value)) for row in select(store, query)]
        for kind, query in PARTITION_QUERIES.items()
    }
    return DatasetCounts(totals, partitions)


def describe_dataset(
    store: pyoxigraph.Store | DatasetCounts,
    release: Release,
    *,
    base: str = DEFAULT_BASE,
    files: dict[str, bytes] | None = None,
    sparql_endpoint: str | None = None,
) -> Graph:
    """A VoID/DCAT 3 description of the dataset in ``store`` (or of its counts): size, partitions, licence,
    sources, files.

    ``files`` (name → content) become one ``dcat:Distribution`` each with media type, byte size and SHA-256;
    the dataset serialisations among them are also ``void:dataDump``. Dates and version come from the release,
    never the clock, so the description is as reproducible as the data.
    """
    from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, FOAF

    from .terms import DCAT, PROV, VOID

    spdx = Namespace(SPDX)
    dataset = URIRef(base + "dataset")
    graph = Graph()
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(release.title_en, lang="en")))
    add((dataset, DCTERMS.title, Literal(release.title_zh, lang="zh")))
    add((dataset, DCTERMS.description, Literal(release.description_en, lang="en")))
    licence = URIRef(release.licence)
    add((dataset, DCTERMS.license, licence))
    add((licence, RDF.type, DCTERMS.LicenseDocument))
    add((dataset, DCTERMS.issued, Literal(release.issued, datatype=XSD.date)))
    add((dataset, DCTERMS.modified, Literal(release.modified, datatype=XSD.date)))
    add((dataset, DCAT.version, Literal(release.version)))
    add((dataset, DCAT.landingPage, URIRef(download_root(base))))
    add((URIRef(download_root(base)), RDF.type, FOAF.Document))
    for source in release.sources:  # PROV, not dct:source: DCAT-AP wants a described dcat:Dataset there
        add((dataset, PROV.wasDerivedFrom, URIRef(source)))
    add((dataset, VOID.uriSpace, Literal(base)))
    add((dataset, VOID.vocabulary, URIRef("https://w3id.org/fazhi/ontology#")))
    add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    add((URIRef(ONTOLOGY_IRI), RDF.type, DCTERMS.Standard))
    root = download_root(base)
    for name, content in sorted((files or {}).items()):
        file_kind = PUBLISHED_FILES[name]
        distribution = URIRef(f"{base}dataset/distribution/{name}")
        checksum = URIRef(f"{base}dataset/distribution/{name}/sha256")
        download = URIRef(root + name)
        media_type = URIRef(IANA_MEDIA_TYPES + file_kind.media_type)
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(file_kind.title, lang="en")))
        add((distribution, DCAT.accessURL, download))
        add((distribution, DCAT.downloadURL, download))
        add((distribution, DCAT.mediaType, media_type))
        add((media_type, RDF.type, DCTERMS.MediaType))
        if file_kind.compression:
            compression = URIRef(IANA_MEDIA_TYPES + "application/" + file_kind.compression)
            add((distribution, DCAT.compressFormat, compression))
            add((compression, RDF.type, DCTERMS.MediaType))
        add((distribution, DCAT.byteSize, Literal(len(content), datatype=XSD.nonNegativeInteger)))
        add((distribution, DCTERMS.license, licence))
        add((distribution, spdx.checksum, checksum))
        add((checksum, RDF.type, spdx.Checksum))
        add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
        add((checksum, spdx.checksumValue, Literal(_sha256(content), datatype=XSD.hexBinary)))
        if file_kind.dump:
            add((dataset, VOID.dataDump, download))
    if sparql_endpoint:
        endpoint = URIRef(sparql_endpoint)
        service = URIRef(f"{base}dataset/service/sparql")
        add((dataset, VOID.sparqlEndpoint, endpoint))
        add((service, RDF.type, DCAT.DataService))
        add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
        add((service, DCAT.endpointURL, endpoint))
        add((service, DCAT.servesDataset, dataset))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        add((dataset, DCAT.distribution, URIRef(f"{base}dataset/distribution/sparql")))
        add((URIRef(f"{base}dataset/distribution/sparql"), RDF.type, DCAT.Distribution))
        add((URIRef(f"{base}dataset/distribution/sparql"), DCAT.accessURL, endpoint))
        add((URIRef(f"{base}dataset/distribution/sparql"), DCAT.accessService, service))
    counts = store if isinstance(store, DatasetCounts) else dataset_counts(store)
    for name, value in counts.totals.items():
        add((dataset, VOID[name], Literal(value, datatype=XSD.integer)))
    partitions = (
        ("class", VOID.classPartition, VOID["class"], VOID.entities),
        ("property", VOID.propertyPartition, VOID.property, VOID.triples),
    )
    for kind, link, key, measure in partitions:
        for iri, number in counts.partitions[kind]:
            part = URIRef(f"{base}dataset/{kind}/{_slug_for(iri, base)}")
            add((dataset, link, part))
            add((part, key, URIRef(iri)))
            add((part, measure, Literal(number, datatype=XSD.integer)))
    return graph


def _slug_for(iri: str, base: str) -> str:
    prefixes = all_prefixes(base)
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            return f"{prefix}-{''.join(char if char.isalnum() else '-' for char in local)}"
    import hashlib

    return hashlib.sha256(iri.encode()).hexdigest()[:12]


def _sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_FILE_MODE = 0o666 & ~_umask()
"""Temporary files are private; outputs get the mode an ordinary new file would."""


def write_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into ``out_dir`` or none: all go to temporary names first, then are renamed."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory; choose another --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot create the output directory ({error.strerror})") from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in sorted(files.items()):
            handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((name, Path(temp_name)))
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(temp_name, _FILE_MODE)
        written = []
        for name, temp in staged:
            target = out_dir / name
            os.replace(temp, target)
            written.append(target)
        return written
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot write the outputs ({error.strerror})") from None
    finally:
        for _, temp in staged:
            temp.unlink(missing_ok=True)


def check_output_file(path: Path) -> None:
    """Refuse an output path that :func:`write_file` would refuse, before any work is done."""
    if str(path) == "-":
        return
    if path.is_symlink():
        raise OutputError(f"{path}: is a symbolic link; give the path of a regular file (or - for stdout)")
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name")
    if path.exists() and not path.is_file():
        raise OutputError(
            f"{path}: is not a regular file (a device, pipe or socket); kg replaces only regular files; "
            "give another path, or - for stdout"
        )


def write_file(path: Path, content: bytes) -> None:
    """Write one file atomically: a temporary file beside it, then a rename.

    Only a regular file is replaced: a device, a pipe, a socket or a symbolic link (``/proc/self/fd/1``) is
    refused and left as it was, without being opened.
    """
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{path}: {parent} is not a directory; choose another output path")
    check_output_file(path)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as error:
        raise OutputError(f"{path}: cannot be written ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temp, _FILE_MODE)
        os.replace(temp, path)
    except OSError as error:
        raise OutputError(f"{path}: cannot be written ({error.strerror})") from None
    finally:
        Path(temp).unlink(missing_ok=True)


# --- build folders: all or nothing ------------------------------------------------------------------------

MANIFEST = "kg-build.json"
"""Marks a folder as a kg build: ``kg build`` replaces only such folders (or empty or new ones)."""

BUILD_NAMES = frozenset(
    {"dataset.ttl", "dataset.nt", "dataset.jsonld", "dataset.trig", "context.jsonld", "void.ttl", "store"}
)
"""What builds made before manifests existed: a folder holding only these counts as a previous build."""

_SOURCE_FOLDERS = ("kg", "data", "ontology", "shapes", "tests", "docs", "bench", ".git", ".ci", ".venv")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_build_folder(out_dir: Path) -> None:
    """Refuse an ``--out`` folder a build must not replace: not a folder, a link, inside the project's
    sources or shipped resources, or holding anything other than a previous build.

    :raises OutputError: naming the folder and the fix (exit 2).
    """
    from .resources import data_dir, ontology_dir, queries_dir, repository_root, shapes_dir

    if out_dir.is_symlink():
        raise OutputError(f"{out_dir}: is a symbolic link; give the folder itself as --out")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory; choose another --out")
    target = out_dir.resolve()
    protected = [data_dir(), ontology_dir(), shapes_dir(), queries_dir(), Path(__file__).parent]
    root = repository_root()
    if root is not None:
        if target == root.resolve():
            raise OutputError(f"{out_dir}: is the project folder itself; choose a folder such as dist/")
        protected.extend(root / name for name in _SOURCE_FOLDERS)
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target.is_relative_to(folder) or folder.is_relative_to(target):
            raise OutputError(
                f"{out_dir}: lies in the project's sources or shipped data ({folder}); a build there would "
                "overwrite them; choose a folder such as dist/"
            )
    if not target.is_dir():
        return
    entries = sorted(entry.name for entry in target.iterdir())
    if not entries or MANIFEST in entries or set(entries) <= BUILD_NAMES:
        return
    shown = ", ".join(entries[:5]) + (" …" if len(entries) > 5 else "")
    raise OutputError(
        f"{out_dir}: holds files that are not a kg build ({shown}); give a new or empty folder as --out"
    )


@contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside ``out_dir`` to write a whole build into; it replaces ``out_dir`` in one step.

    Whatever the block writes into the staging folder (files, sub-folders such as a store) becomes the new
    ``out_dir`` with a manifest (:data:`MANIFEST`) only if the block succeeds: the swap is one
    ``renameat2(RENAME_EXCHANGE)`` (one ``rename`` when ``out_dir`` is new), then the old build is removed.
    A failure or an interruption leaves the old build as it was and removes the staging folder; a staging
    folder left by a killed process is removed by the next build into the same place.

    :raises OutputError: the folder may not be replaced (see :func:`check_build_folder`) or cannot be written.
    """
    import fcntl
    import shutil

    from .guard import guarded

    check_build_folder(out_dir)
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot create the output directory ({error.strerror})") from None
    staging: Path | None = None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in parent.glob(f".{out_dir.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=parent))
        except OSError as error:
            raise OutputError(f"{out_dir}: cannot create the output directory ({error.strerror})") from None
        yield staging
        try:
            with guarded(readable=[staging]):  # the manifest reads back what was staged, nothing else
                _write_manifest(staging)
            os.chmod(staging, 0o777 & ~_umask())
            _swap(staging, out_dir)
        except OSError as error:
            raise OutputError(f"{out_dir}: cannot write the outputs ({error.strerror})") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the old build
        os.close(lock)


def _write_manifest(folder: Path) -> None:
    """The manifest: what the folder holds, with a digest of every top-level file (deterministic)."""
    from .sources import sha256_of

    entries: dict[str, str] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_file():
            entries[entry.name] = "sha256:" + sha256_of(entry)
        else:
            entries[entry.name] = "folder"
    manifest = {"generator": "fazhi-kg", "kind": "build", "format": 1, "entries": entries}
    path = folder / MANIFEST
    path.write_bytes(_json_bytes(manifest))
    os.chmod(path, _FILE_MODE)


def _swap(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in place of ``out_dir`` in one step; afterwards ``staging`` holds the old build."""
    import ctypes

    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        done = renameat2(
            _AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(out_dir), _RENAME_EXCHANGE
        )
        if done == 0:
            return
    # No atomic exchange here (old kernel or file system): two renames, with a moment without out_dir.
    old = staging.with_name(staging.name + "-old")
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    os.rename(old, staging)
