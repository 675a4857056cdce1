"""A build: case files plus reference data become one RDF dataset, published into ``dist/``.

:func:`dataset_graph` makes the dataset in memory and writes nothing; :func:`build` also publishes it.
Case files are checked before any RDF is made, so a broken file stops the build with every problem listed
and leaves the previous outputs as they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .terms import DEFAULT_BASE, PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

    from .casefile import Case, Vocabulary


@dataclass(frozen=True)
class BuildSummary:
    """What a build made."""

    cases: int
    triples: int
    seconds: float
    out_dir: Path
    files: tuple[str, ...]

    def line(self) -> str:
        return f"built {self.cases} cases, {self.triples} triples in {self.seconds:.1f} s → {self.out_dir}"


def default_cases_dir() -> Path:
    """The bundled case files."""
    from .resources import data_dir

    return data_dir() / "cases"


def reference_graph() -> Graph:
    """Vocabularies, the notice and inspection, jurisdictions and (when imported) legislation."""
    from .divisions import jurisdiction_table
    from .loading import read_rdf_files
    from .mapping.jurisdictions import jurisdictions_graph
    from .resources import data_dir, vocab_files

    graph = read_rdf_files([*vocab_files(), data_dir() / "reference" / "notice.ttl"])
    graph += jurisdictions_graph(jurisdiction_table())
    legislation = _legislation_graph()
    if legislation is not None:
        graph += legislation
    return graph


def _legislation_graph() -> Graph | None:
    from .resources import data_dir

    table = data_dir() / "reference" / "legislation.tsv"
    if not table.is_file():
        return None
    from . import legislation

    return legislation.corpus_graph(table)


def case_vocabulary(reference: Graph) -> Vocabulary:
    """What case files may name: region codes, concept ids per scheme, notices and documents."""
    from rdflib import RDF, SKOS

    from .casefile import Vocabulary
    from .divisions import jurisdiction_table
    from .resources import data_dir
    from .sources import read_documents
    from .terms import FZ

    concepts: dict[str, set[str]] = {}
    for concept in reference.subjects(SKOS.inScheme, None):
        scheme, _, local = str(concept).rstrip("/").rpartition("/")
        concepts.setdefault(scheme.rpartition("/")[2], set()).add(local)
    notices = {str(node).rpartition("/")[2] for node in reference.subjects(RDF.type, FZ.Notice)}
    documents = read_documents(data_dir() / "reference" / "documents.tsv")
    regions = {j.code for j in jurisdiction_table() if j.code}
    return Vocabulary(
        regions=regions,
        concepts=concepts,
        notices=notices,
        documents={document.id: document.sha256 for document in documents.values()},
    )


def _display(path: Path) -> str:
    """A case file's name in messages and provenance: relative to the checkout or working folder."""
    from .resources import repository_root

    resolved = path.resolve()
    for anchor in (repository_root(), Path.cwd()):
        if anchor is not None and resolved.is_relative_to(anchor.resolve()):
            return resolved.relative_to(anchor.resolve()).as_posix()
    return str(path)


def read_cases(cases_dir: Path, vocabulary: Vocabulary) -> list[Case]:
    """Checked cases of a folder; spans are checked against the source documents that are at hand."""
    from .casefile import check_spans, load_cases
    from .errors import CaseFileError
    from .resources import data_dir, repository_root
    from .sources import available_texts, read_documents

    cases = load_cases(cases_dir, vocabulary, display=_display)
    root = repository_root()
    if root is not None:
        texts = available_texts(read_documents(data_dir() / "reference" / "documents.tsv"), root)
        problems = [problem for case in cases for problem in check_spans(case, texts)]
        if problems:
            raise CaseFileError(problems)
    return cases


def dataset_graph(*, cases_dir: Path | None = None, base: str = DEFAULT_BASE) -> Graph:
    """The whole dataset in memory: reference data plus the checked cases; nothing is written."""
    from .divisions import jurisdiction_table
    from .mapping.cases import cases_graph

    reference = reference_graph()
    cases = read_cases(cases_dir or default_cases_dir(), case_vocabulary(reference))
    from .casefile import Text

    names = {j.code: Text(j.name_zh, j.name_en) for j in jurisdiction_table() if j.code}
    graph = reference + cases_graph(cases, region_names=names, link_regulation=_regulation_linker())
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if base != DEFAULT_BASE:
        graph = rebase(graph, base)
    return graph


def _regulation_linker():  # type: ignore[no-untyped-def]
    from .resources import data_dir

    table = data_dir() / "reference" / "legislation.tsv"
    if not table.is_file():
        return None
    from . import legislation

    return legislation.case_linker(table)


def rebase(graph: Graph, base: str) -> Graph:
    """The same graph with every IRI under the default base moved under ``base``."""
    from rdflib import Graph, URIRef

    def move(term):  # type: ignore[no-untyped-def]
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(base + str(term)[len(DEFAULT_BASE) :])
        return term

    moved = Graph()
    for s, p, o in graph:
        moved.add((move(s), p, move(o)))
    return moved


def build(*, cases_dir: Path | None = None, out_dir: Path = Path("dist"), base: str = DEFAULT_BASE) -> BuildSummary:
    """Build and publish the dataset: ``dataset.ttl``, ``.nt``, ``.jsonld`` + ``context.jsonld``, ``void.ttl``."""
    from . import store as stores
    from .loading import RdfFormat
    from .publish import context_document, describe_dataset, read_release, serialize_quads, sorted_quads
    from .publish import used_prefixes, write_files
    from .resources import data_dir

    started = time.perf_counter()
    graph = dataset_graph(cases_dir=cases_dir, base=base)
    quads = sorted_quads(graph)
    prefixes = used_prefixes(quads, base)
    store = stores.from_graph(graph)
    description = describe_dataset(store, read_release(data_dir() / "version.json"), base=base)
    description_quads = sorted_quads(description)
    files = {
        "dataset.ttl": serialize_quads(quads, RdfFormat.TURTLE, prefixes),
        "dataset.nt": serialize_quads(quads, RdfFormat.NTRIPLES, prefixes),
        "dataset.jsonld": serialize_quads(quads, RdfFormat.JSONLD, prefixes),
        "context.jsonld": context_document(prefixes),
        "void.ttl": serialize_quads(description_quads, RdfFormat.TURTLE, used_prefixes(description_quads, base)),
    }
    write_files(out_dir, files)
    cases = int(next(iter(store.query(CASE_COUNT)))["n"].value)
    return BuildSummary(
        cases=cases,
        triples=len(quads),
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        files=tuple(sorted(files)),
    )


CASE_COUNT = "SELECT (COUNT(?case) AS ?n) WHERE { ?case a <https://w3id.org/fazhi/ontology#Case> }"
