"""A build: case files plus reference data become one RDF dataset, published into ``dist/``.

:func:`dataset_graph` makes the dataset in memory and writes nothing; :func:`build` also publishes it.
Case files are checked before any RDF is made, so a broken file stops the build with every problem listed
and leaves the previous outputs as they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .store import select
from .terms import DEFAULT_BASE, PREFIXES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rdflib import Graph, URIRef
    from rdflib.term import Identifier

    from .casefile import Case, Regulation, Vocabulary
    from .legislation import LawRecord
    from .mapping.cases import RegulationLinker

Triple = tuple["Identifier", "Identifier", "Identifier"]
"""(subject, predicate, object) of rdflib terms."""
TermTriple = tuple[str, str, str]
"""(subject, predicate, object) as N-Triples terms (:mod:`kg.ntriples`)."""
LayerTriple = Triple | TermTriple
"""What a written layer holds: the mapped inputs' terms, the read ones' rdflib terms."""


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


def _vocabulary_graph() -> Graph:
    """The SKOS vocabularies and the notice, as shipped in Turtle."""
    from .loading import read_rdf_files
    from .resources import data_dir, vocab_files

    return read_rdf_files([*vocab_files(), data_dir() / "reference" / "notice.ttl"])


def _legislation_records() -> list[LawRecord] | None:
    """The imported legislation table's records, or None when no table has been imported."""
    from .legislation.records import default_tsv_path, read_records

    table = default_tsv_path()
    if not table.is_file():
        return None
    return read_records(table)


def case_vocabulary(reference: Graph) -> Vocabulary:
    """What case files may name: region codes, concept ids per scheme, notices and documents."""
    from rdflib import RDF, SKOS

    from .casefile import Vocabulary
    from .divisions import jurisdiction_table
    from .facts import read_public_sources
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
        public_sources=set(read_public_sources()),
    )


def _display(path: Path, cases_dir: Path) -> str:
    """A case file's name in messages and provenance, relative and the same on every machine.

    Bundled files are named ``data/cases/…`` wherever kg is installed; others relative to the working folder
    when they lie below it, else relative to the case folder's parent (``cases/x.yaml``), so that a folder
    built from elsewhere still gives relative, machine-independent names.
    """
    from .resources import data_dir

    resolved = path.resolve()
    bundled = data_dir().resolve()
    if resolved.is_relative_to(bundled):
        return "data/" + resolved.relative_to(bundled).as_posix()
    cwd = Path.cwd().resolve()
    if resolved.is_relative_to(cwd):
        return resolved.relative_to(cwd).as_posix()
    parent = cases_dir.resolve().parent
    if resolved.is_relative_to(parent):
        return resolved.relative_to(parent).as_posix()
    return str(path)


def read_cases(cases_dir: Path, vocabulary: Vocabulary) -> list[Case]:
    """Checked cases of a folder; spans are checked against the source documents that are at hand."""
    from .casefile import check_spans, load_cases
    from .errors import CaseFileError
    from .resources import data_dir, repository_root
    from .sources import available_texts, read_documents

    cases = load_cases(cases_dir, vocabulary, display=lambda path: _display(path, cases_dir))
    root = repository_root()
    if root is not None:
        texts = available_texts(read_documents(data_dir() / "reference" / "documents.tsv"), root)
        problems = [problem for case in cases for problem in check_spans(case, texts)]
        if problems:
            raise CaseFileError(problems)
    return cases


LAYERS = ("vocabularies", "jurisdictions", "legislation", "cases")
"""The named graphs of the TriG export, one per kind of input of a build (``{base}graph/{layer}``)."""


def dataset_layers(*, cases_dir: Path | None = None, base: str = DEFAULT_BASE) -> dict[str, set[Triple]]:
    """The dataset split by the input each triple comes from, in the order of :data:`LAYERS`, as rdflib terms
    (see :func:`written_layers`).
    """
    from .ntriples import rdflib_triples

    layers: dict[str, set[Triple]] = {}
    for layer, triples in written_layers(cases_dir=cases_dir, base=base).items():
        terms = [triple for triple in triples if type(triple[0]) is str]
        layers[layer] = {cast("Triple", triple) for triple in triples if type(triple[0]) is not str}
        layers[layer].update(rdflib_triples(terms))
    return layers


def written_layers(*, cases_dir: Path | None = None, base: str = DEFAULT_BASE) -> dict[str, set[LayerTriple]]:
    """The dataset split by the input each triple comes from, in the order of :data:`LAYERS`, as a build
    writes it: what kg maps (legislation, cases) as N-Triples terms, what it reads (vocabularies…) as rdflib
    terms.

    ``vocabularies``: the SKOS schemes, the notice and the public sources of checked facts; ``jurisdictions``:
    the divisions of China;
    ``legislation``: the imported legislation table (empty when none is imported); ``cases``: the case files.
    A triple two inputs both state is in both layers; the union is the dataset.
    """
    from .casefile import Text
    from .divisions import jurisdiction_table
    from .facts import public_source_triples, read_public_sources
    from .mapping.cases import case_terms
    from .mapping.jurisdictions import all_jurisdiction_triples

    vocabulary_graph = _vocabulary_graph()
    vocabulary = case_vocabulary(vocabulary_graph)
    cases = read_cases(cases_dir or default_cases_dir(), vocabulary)
    table = jurisdiction_table()
    layers: dict[str, set[LayerTriple]] = {layer: set() for layer in LAYERS}
    layers["vocabularies"].update(cast("set[Triple]", set(vocabulary_graph)))
    layers["vocabularies"].update(public_source_triples(read_public_sources()))
    layers["jurisdictions"].update(all_jurisdiction_triples(table))
    records = _legislation_records()
    link: RegulationLinker | None = None
    if records is not None:
        from .legislation import LegislationCorpus, link_case_regulation
        from .legislation.rdf import legislation_terms

        legislation = legislation_terms(records, table)
        layers["legislation"].update(legislation)
        layers["legislation"].update(_mechanism_links(legislation))
        corpus = LegislationCorpus(records, table)

        def link(regulation: Regulation) -> URIRef | None:
            return link_case_regulation(regulation.title, regulation.jurisdiction, corpus)

    names = {j.code: Text(j.name_zh, j.name_en) for j in table if j.code}
    layers["cases"].update(case_terms(cases, region_names=names, link_regulation=link))
    from .mapping.drafts import unregistered_triples

    layers["cases"].update(
        unregistered_triples(cases, notices=vocabulary.notices, documents=vocabulary.documents)
    )
    if base != DEFAULT_BASE:
        layers = {layer: rebase(triples, base) for layer, triples in layers.items()}
    return layers


def dataset_triples(*, cases_dir: Path | None = None, base: str = DEFAULT_BASE) -> set[Triple]:
    """The whole dataset as a set of rdflib-term triples: reference data plus the checked cases.

    A plain set, not a graph: merging rdflib graphs costs more than everything else in a build.
    """
    triples: set[Triple] = set()
    for layer in dataset_layers(cases_dir=cases_dir, base=base).values():
        triples |= layer
    return triples


def _mechanism_links(legislation: Iterable[TermTriple]) -> set[TermTriple]:
    """The curated mechanism ↔ topic links (data/vocab/mechanism-topics.tsv) for the topics the corpus has."""
    from .legislation.mechanisms import mapping_triples, read_mapping
    from .legislation.rdf import TOPIC
    from .ntriples import iri

    topics = {o[1:-1].rsplit("/", 1)[1] for _s, p, o in legislation if p == TOPIC}
    return {(iri(s), iri(p), iri(o)) for s, p, o in mapping_triples(read_mapping(), topics)}


def dataset_graph(*, cases_dir: Path | None = None, base: str = DEFAULT_BASE) -> Graph:
    """The whole dataset in memory as an rdflib graph; nothing is written."""
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN((s, p, o, graph) for s, p, o in dataset_triples(cases_dir=cases_dir, base=base))
    return graph


def rebase(triples: set[LayerTriple], base: str) -> set[LayerTriple]:
    """The same triples (rdflib terms or N-Triples terms) with every IRI under the default base moved under
    ``base``."""
    from rdflib import URIRef

    written = "<" + DEFAULT_BASE

    def move(term: Any) -> Any:
        if type(term) is str:
            return "<" + base + term[len(written) :] if term.startswith(written) else term
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(base + str(term)[len(DEFAULT_BASE) :])
        return term

    return {(move(s), p, move(o)) for s, p, o in triples}


def build(
    *,
    cases_dir: Path | None = None,
    out_dir: Path = Path("dist"),
    base: str = DEFAULT_BASE,
    sparql_endpoint: str | None = None,
) -> BuildSummary:
    """Build and publish the dataset and its metadata into ``out_dir`` (see :func:`kg.publish.dataset_files`).
    Beside ``out_dir`` it writes the bulk-loaded query store (``dist.store``, see :func:`kg.store.store_path`)
    that read commands open instead of parsing the files.

    All or nothing: the outputs are written into a staging folder beside ``out_dir`` that replaces it in
    one step (:func:`kg.publish.staged_folder`); write further outputs into that staging folder.
    ``out_dir`` must be new, empty or a previous build, and outside the project's sources and shipped data.
    """
    from . import store as stores
    from .publish import (
        check_build_folder,
        dataset_files,
        dataset_text,
        read_release,
        staged_folder,
        write_files,
    )
    from .resources import data_dir

    check_build_folder(out_dir)
    started = time.perf_counter()
    text = dataset_text(written_layers(cases_dir=cases_dir, base=base), base)
    with stores.staged_store(stores.store_path(out_dir)) as staged:
        staged.start_entity_graph(text.ntriples)
        files = dataset_files(
            text,
            read_release(data_dir() / "version.json"),
            staged.load,
            base=base,
            sparql_endpoint=sparql_endpoint,
        )
        cases = int(next(iter(select(staged.store, CASE_COUNT)))["n"].value)
        with staged_folder(out_dir) as staging:
            write_files(staging, files)
        staged.commit(source=out_dir / "dataset.nt")
    return BuildSummary(
        cases=cases,
        triples=text.triples,
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        files=tuple(sorted(files)),
    )


CASE_COUNT = "SELECT (COUNT(?case) AS ?n) WHERE { ?case a <https://w3id.org/fazhi/ontology#Case> }"
