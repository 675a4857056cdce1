"""The SKOS vocabularies in data/vocab/: full labels, a sound hierarchy, every id the case files use."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from helpers import walk_measures
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.terms import DEFAULT_BASE, FZ

SCHEMES = {
    "mechanism": FZ.Mechanism,
    "institution-kind": FZ.InstitutionKind,
    "regulation-kind": FZ.RegulationKind,
    "field": FZ.PolicyField,
    "unit": FZ.Unit,
    "level": FZ.JurisdictionLevel,
    "status": FZ.CaseStatus,
    "legislative-event": FZ.LegislativeEventKind,
}
MECHANISM_TOPS = {
    "enforcement-justice-linkage",
    "digital-governance",
    "evaluation",
    "legislative-consolidation",
    "organisational",
    "responsiveness",
    "supervision",
}
CONCEPT_IRI = re.compile(re.escape(DEFAULT_BASE) + r"(?P<scheme>[a-z-]+)/(?P<id>[a-z0-9][a-z0-9-]*)$")


def scheme_iri(scheme: str) -> URIRef:
    return URIRef(f"{DEFAULT_BASE}scheme/{scheme}")


def concept_iri(scheme: str, concept_id: str) -> URIRef:
    return URIRef(f"{DEFAULT_BASE}{scheme}/{concept_id}")


@pytest.fixture(scope="module")
def vocab(root: Path) -> Graph:
    graph = Graph()
    for path in sorted((root / "data" / "vocab").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def concepts(vocab: Graph) -> list[URIRef]:
    return sorted(vocab.subjects(RDF.type, SKOS.Concept))


def ids_in(vocab: Graph, scheme: str) -> set[str]:
    return {str(c).rsplit("/", 1)[1] for c in vocab.subjects(SKOS.inScheme, scheme_iri(scheme))}


def languages(vocab: Graph, subject: URIRef, predicate: URIRef) -> Counter[str | None]:
    return Counter(o.language for o in vocab.objects(subject, predicate) if isinstance(o, Literal))


def test_every_scheme_is_declared_with_labels(vocab: Graph) -> None:
    for scheme in SCHEMES:
        iri = scheme_iri(scheme)
        assert (iri, RDF.type, SKOS.ConceptScheme) in vocab, scheme
        for predicate in (RDFS.label, SKOS.prefLabel):
            assert set(languages(vocab, iri, predicate)) >= {"zh", "en"}, (scheme, predicate)
        assert ids_in(vocab, scheme), f"scheme {scheme} has no concepts"


def test_every_concept_is_fully_described(vocab: Graph, concepts: list[URIRef]) -> None:
    problems = []
    for concept in concepts:
        match = CONCEPT_IRI.match(str(concept))
        if not match or match["scheme"] not in SCHEMES:
            problems.append(f"{concept}: IRI outside {DEFAULT_BASE}{{scheme}}/{{id}}")
            continue
        scheme = match["scheme"]
        if set(vocab.objects(concept, SKOS.inScheme)) != {scheme_iri(scheme)}:
            problems.append(f"{concept}: skos:inScheme is not exactly {scheme_iri(scheme)}")
        if (concept, RDF.type, SCHEMES[scheme]) not in vocab:
            problems.append(f"{concept}: not typed {SCHEMES[scheme]}")
        for predicate in (SKOS.prefLabel, RDFS.label):
            if languages(vocab, concept, predicate) != Counter({"zh": 1, "en": 1}):
                problems.append(f"{concept}: needs exactly one {predicate} in @zh and one in @en")
        pref = set(vocab.objects(concept, SKOS.prefLabel))
        if pref != set(vocab.objects(concept, RDFS.label)):
            problems.append(f"{concept}: rdfs:label differs from skos:prefLabel")
        if "en" not in languages(vocab, concept, SKOS.definition):
            problems.append(f"{concept}: no skos:definition in @en")
        alts = set(vocab.objects(concept, SKOS.altLabel))
        if alts & pref:
            problems.append(f"{concept}: altLabel repeats the prefLabel")
    assert not problems, "\n".join(problems)


def test_hierarchy_is_consistent(vocab: Graph, concepts: list[URIRef]) -> None:
    problems = []
    for concept in concepts:
        schemes = set(vocab.objects(concept, SKOS.inScheme))
        tops_of = set(vocab.objects(concept, SKOS.topConceptOf))
        broader = set(vocab.objects(concept, SKOS.broader))
        if bool(tops_of) == bool(broader):
            problems.append(f"{concept}: needs skos:topConceptOf or skos:broader (exactly one of them)")
        for scheme in tops_of:
            if (scheme, SKOS.hasTopConcept, concept) not in vocab:
                problems.append(f"{concept}: top of {scheme} without skos:hasTopConcept")
        for parent in broader:
            if set(vocab.objects(parent, SKOS.inScheme)) != schemes:
                problems.append(f"{concept}: broader {parent} is in another scheme")
    for scheme, _, top in vocab.triples((None, SKOS.hasTopConcept, None)):
        if (top, SKOS.topConceptOf, scheme) not in vocab:
            problems.append(f"{scheme}: hasTopConcept {top} lacks skos:topConceptOf")
    assert not problems, "\n".join(problems)


def test_at_least_thirty_mechanisms(vocab: Graph) -> None:
    assert len(ids_in(vocab, "mechanism")) >= 30


def test_mechanism_tops_are_the_documented_seven(vocab: Graph) -> None:
    tops = {str(t).rsplit("/", 1)[1] for t in vocab.subjects(SKOS.topConceptOf, scheme_iri("mechanism"))}
    assert tops == MECHANISM_TOPS


def test_every_mechanism_reaches_a_top_through_broader(vocab: Graph) -> None:
    rows = vocab.query(
        """
        SELECT ?concept WHERE {
          ?concept skos:inScheme ?scheme .
          FILTER NOT EXISTS { ?concept skos:topConceptOf ?scheme }
          FILTER NOT EXISTS { ?concept skos:broader+ ?top . ?top skos:topConceptOf ?scheme }
        }
        """,
        initNs={"skos": SKOS},
        initBindings={"scheme": scheme_iri("mechanism")},
    )
    assert not [str(row[0]) for row in rows]


def test_no_label_is_shared_within_a_scheme(vocab: Graph) -> None:
    """Text extraction maps a label to one concept: a label used twice in one scheme would be ambiguous."""
    problems = []
    for scheme in SCHEMES:
        owners: dict[tuple[str, str | None], set[URIRef]] = {}
        for concept in vocab.subjects(SKOS.inScheme, scheme_iri(scheme)):
            for predicate in (SKOS.prefLabel, SKOS.altLabel):
                for label in vocab.objects(concept, predicate):
                    owners.setdefault((str(label), label.language), set()).add(concept)
        shared = {label: c for label, c in owners.items() if len(c) > 1}
        problems += [f"{scheme}: {label!r} on {sorted(map(str, c))}" for label, c in shared.items()]
    assert not problems, "\n".join(problems)


def test_documented_ids_exist(vocab: Graph) -> None:
    assert ids_in(vocab, "field") == {
        "serve-development",
        "administrative-rules-system",
        "smart-enforcement",
        "grassroots-governance",
        "dispute-resolution",
    }
    assert ids_in(vocab, "status") == {"complete", "truncated", "text-unavailable", "draft"}
    assert ids_in(vocab, "level") == {"country", "province", "prefecture", "county"}




def used_ids(case: dict) -> set[tuple[str, str]]:
    """Every (scheme, concept id) a case file refers to."""
    used = {("status", case["status"])}
    used |= {("field", f) for f in case.get("fields", [])}
    used |= {("institution-kind", i["kind"]) for i in case.get("institutions", [])}
    used |= {("regulation-kind", r["kind"]) for r in case.get("regulations", [])}
    for measure in walk_measures(case.get("measures", [])):
        used |= {("mechanism", m) for m in measure.get("mechanisms", [])}
        used |= {("unit", o["unit"]) for o in measure.get("outcomes", [])}
    return used


def test_every_concept_used_by_a_case_file_exists(vocab: Graph, root: Path) -> None:
    files = sorted((root / "data" / "cases").glob("*.yaml"))
    assert files, "no case files"
    missing = [
        f"{path.name}: {scheme}/{concept_id}"
        for path in files
        for scheme, concept_id in sorted(used_ids(yaml.safe_load(path.read_text(encoding="utf-8"))))
        if (concept_iri(scheme, concept_id), SKOS.inScheme, scheme_iri(scheme)) not in vocab
    ]
    assert not missing, "\n".join(missing)
