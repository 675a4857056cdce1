"""The OWL ontology: metadata, labels, declared terms, the vocabulary allow-list, and OWL 2 RL consistency."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.terms import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
FZ = Namespace("https://w3id.org/fazhi/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_IRI = URIRef("https://w3id.org/fazhi/ontology")
ID = "https://w3id.org/fazhi/id/"
SHAPES_NAMESPACES = ("https://w3id.org/fazhi/shapes",)
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
ALLOWED = tuple(PREFIXES.values())
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

# The axiom vocabulary the ontology may use. The consistency check of the built dataset reduces the data to
# one node per kind of node (``_reduce``); that is exact only for these axioms. Adding another kind of axiom
# (functional properties, restrictions, sameAs …) means revisiting ``_reduce`` first.
AXIOM_PREDICATES = {
    RDF.type,
    RDF.first,
    RDF.rest,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.unionOf,
    OWL.members,
    OWL.disjointWith,
}
ANNOTATION_PREDICATES = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    OWL.versionIRI,
    OWL.versionInfo,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.license,
    DCTERMS.created,
    DCTERMS.modified,
}
AXIOM_TYPES = {OWL.Ontology, OWL.AllDisjointClasses, RDFS.Datatype, *DECLARATION_TYPES}


def _ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _ontology()


def _declared(ontology: Graph) -> set[URIRef]:
    return {
        s
        for kind in DECLARATION_TYPES
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(FZ))
    }


def _rdf_files() -> list[Path]:
    """Every Turtle file that shapes, data or examples live in (whatever exists now)."""
    patterns = ("shapes/*.ttl", "data/**/*.ttl", "tests/shapes/**/*.ttl")
    return sorted({path for pattern in patterns for path in ROOT.glob(pattern)})


def _query_files() -> list[Path]:
    return sorted((ROOT / "kg" / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def in_use() -> list[tuple[str, Graph | None, set[URIRef]]]:
    """(file, its graph or None for a query, the IRIs a query mentions) for every file that uses terms."""
    rows: list[tuple[str, Graph | None, set[URIRef]]] = [
        (str(path.relative_to(ROOT)), Graph().parse(path, format="turtle"), set()) for path in _rdf_files()
    ]
    rows += [(str(path.relative_to(ROOT)), None, _iris_in_query(path)) for path in _query_files()]
    return rows


def _iris_in_query(path: Path) -> set[URIRef]:
    """Every IRI a query mentions, after rdflib has resolved its prefixes."""
    from rdflib.plugins.sparql import prepareQuery

    found: set[URIRef] = set()

    def walk(node: object) -> None:
        if isinstance(node, URIRef):
            found.add(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple | set | frozenset):
            for value in node:
                walk(value)

    walk(prepareQuery(path.read_text(encoding="utf-8")).algebra)
    return found


def _terms(graph: Graph) -> set[URIRef]:
    """Vocabulary terms a graph uses: predicates, classes of rdf:type, literal datatypes."""
    terms: set[URIRef] = set()
    for _s, p, o in graph:
        terms.add(p)
        if p == RDF.type and isinstance(o, URIRef):
            terms.add(o)
        if isinstance(o, Literal) and o.datatype is not None:
            terms.add(o.datatype)
    return terms


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/fazhi/ontology/0.1.0")
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    for prop in (DCTERMS.title, DCTERMS.description):
        languages = {value.language for value in ontology.objects(ONTOLOGY_IRI, prop)}
        assert {"en", "zh"} <= languages, f"{prop} needs @en and @zh"
    for prop in (DCTERMS.created, DCTERMS.modified):
        value = ontology.value(ONTOLOGY_IRI, prop)
        assert isinstance(value, Literal) and value.datatype == XSD.date, f"{prop} must be an xsd:date"
    assert not list(ontology.objects(None, OWL.imports)), "nothing is imported: no owl:imports"


def test_every_term_has_labels_and_a_comment(ontology: Graph) -> None:
    for term in sorted(_declared(ontology)):
        labels = {label.language for label in ontology.objects(term, RDFS.label)}
        assert {"zh", "en"} <= labels, f"{term} needs rdfs:label @zh and @en, has {labels}"
        comments = {c.language for c in ontology.objects(term, RDFS.comment)}
        assert "en" in comments, f"{term} needs an rdfs:comment @en"


def test_every_fz_subject_is_declared(ontology: Graph) -> None:
    described = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(FZ))}
    assert described == _declared(ontology), f"described but not declared: {described - _declared(ontology)}"


def test_properties_have_ranges_and_object_properties_are_typed(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if prop.startswith(str(FZ)):
            assert ontology.value(prop, RDFS.range) is not None, f"{prop} has no rdfs:range"
            assert (prop, RDF.type, OWL.DatatypeProperty) not in ontology
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        if prop.startswith(str(FZ)):
            assert ontology.value(prop, RDFS.range) is not None, f"{prop} has no rdfs:range"


def test_inverses_are_declared_both_ways(ontology: Graph) -> None:
    for a, b in ontology.subject_objects(OWL.inverseOf):
        assert (b, OWL.inverseOf, a) in ontology, f"{a} owl:inverseOf {b}, but not back"
        assert ontology.value(a, RDFS.domain) == ontology.value(b, RDFS.range), f"{a} / {b}: domain ≠ range"


def test_architecture_terms_are_declared(ontology: Graph) -> None:
    """Every fz: class and property that docs/architecture.md lists is declared, with that exact name."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Ontology terms", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"`(?:fz:)?([A-Za-z][A-Za-z0-9]*)`", section))
    assert len(names) > 60, "the term list in docs/architecture.md was not found"
    missing = sorted(name for name in names if FZ[name] not in _declared(ontology))
    assert not missing, f"listed in docs/architecture.md but not declared: {missing}"


def test_alignments_named_in_the_issue(ontology: Graph) -> None:
    org, eli, prov = (Namespace(PREFIXES[p]) for p in ("org", "eli", "prov"))
    schema, skos = Namespace(PREFIXES["schema"]), Namespace(PREFIXES["skos"])
    expected = [
        (FZ.Institution, RDFS.subClassOf, org.Organization),
        (FZ.institutionKind, RDFS.subPropertyOf, org.classification),
        (FZ.Regulation, RDFS.subClassOf, eli.LegalResource),
        (FZ.Regulation, RDFS.subClassOf, schema.Legislation),
        (FZ.issuedBy, RDFS.subPropertyOf, eli.passed_by),
        (FZ.datePassed, RDFS.subPropertyOf, eli.date_document),
        (FZ.dateInForce, RDFS.subPropertyOf, eli.first_date_entry_in_force),
        (FZ.basedOn, RDFS.subPropertyOf, eli.based_on),
        (FZ.amends, RDFS.subPropertyOf, eli.amends),
        (FZ.Measure, RDFS.subClassOf, prov.Activity),
        (FZ.Jurisdiction, RDFS.subClassOf, schema.AdministrativeArea),
        (FZ.Mechanism, RDFS.subClassOf, skos.Concept),
        (FZ.hasVersion, RDFS.subPropertyOf, DCTERMS.hasVersion),
        (FZ.implements, RDFS.subPropertyOf, FZ.basedOn),
        (FZ.JudicialInterpretation, RDFS.subClassOf, eli.LegalResource),
    ]
    missing = [triple for triple in expected if triple not in ontology]
    assert not missing, missing
    assert (FZ.JudicialInterpretation, RDFS.subClassOf, FZ.Regulation) not in ontology


def test_every_fz_term_in_use_is_declared(
    ontology: Graph, in_use: list[tuple[str, Graph | None, set[URIRef]]]
) -> None:
    """Shapes, data, examples and named queries use only fz: terms that the ontology declares."""
    declared = _declared(ontology)
    problems: list[str] = []
    for name, graph, iris in in_use:
        nodes = {node for triple in graph for node in triple} if graph is not None else iris
        used = {node for node in nodes if isinstance(node, URIRef) and str(node).startswith(str(FZ))}
        problems += [f"{name}: {term}" for term in sorted(used - declared)]
    assert not problems, "undeclared fz: terms:\n" + "\n".join(problems)


def test_external_terms_come_from_the_allow_list(
    ontology: Graph, in_use: list[tuple[str, Graph | None, set[URIRef]]]
) -> None:
    """Predicates, classes and datatypes come only from the vocabularies in kg.terms.PREFIXES."""
    problems: list[str] = []
    sources: list[tuple[str, set[URIRef]]] = [("ontology", _terms(ontology))]
    for name, graph, iris in in_use:
        sources.append(
            (name, _terms(graph) if graph is not None else {i for i in iris if not str(i).startswith(ID)})
        )
    for name, terms in sources:
        foreign = sorted(t for t in terms if not str(t).startswith(ALLOWED + SHAPES_NAMESPACES))
        problems += [f"{name}: {term}" for term in foreign]
    assert not problems, "terms outside the allowed vocabularies:\n" + "\n".join(problems)


def test_ontology_uses_only_the_axioms_the_consistency_check_handles(ontology: Graph) -> None:
    predicates = set(ontology.predicates())
    assert predicates <= AXIOM_PREDICATES | ANNOTATION_PREDICATES, (
        predicates - AXIOM_PREDICATES - ANNOTATION_PREDICATES
    )
    types = set(ontology.objects(None, RDF.type))
    assert types <= AXIOM_TYPES, types - AXIOM_TYPES


# --- OWL 2 RL consistency -----------------------------------------------------------------------------


def _contradictions(graph: Graph) -> list[str]:
    """Run the OWL 2 RL closure (owlrl) on a copy; return owl:Nothing members and inconsistency notes."""
    import owlrl

    closure = Graph()
    closure += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    found = [f"{node} is an owl:Nothing" for node in closure.subjects(RDF.type, OWL.Nothing)]
    found += sorted(str(message) for message in closure.objects(None, ERR.error))
    return found


def _reduce(data: Graph) -> Graph:
    """One representative node per kind of node, where a kind is (types, outgoing, incoming predicates).

    Under the axioms the ontology uses (subclass, subproperty, domain, range, inverse, union, disjointness),
    what OWL 2 RL infers about a node depends only on its kind, so the reduced graph is contradictory exactly
    when the data is. It lets owlrl, which needs minutes for the full dataset, check it in seconds. Schema
    statements and the classes that data instantiate are kept as they are.
    """
    annotation = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
    types: dict[Node, set[Node]] = defaultdict(set)
    outgoing: dict[Node, set[Node]] = defaultdict(set)
    incoming: dict[Node, set[Node]] = defaultdict(set)
    fixed: set[Node] = set()
    for s, p, o in data:
        if p == RDF.type:
            types[s].add(o)
            fixed.add(o)
            if str(o).startswith((str(RDFS), str(OWL))):
                fixed.add(s)
            continue
        if str(p).startswith((str(RDF), str(RDFS), str(OWL))) and p not in annotation:
            fixed.update((s, o))
        outgoing[s].add(p)
        if not isinstance(o, Literal):
            incoming[o].add(p)
    nodes = set(types) | set(outgoing) | set(incoming)
    by_kind: dict[tuple[frozenset[Node], ...], list[Node]] = defaultdict(list)
    for node in nodes - fixed:
        by_kind[(frozenset(types[node]), frozenset(outgoing[node]), frozenset(incoming[node]))].append(node)
    representative: dict[Node, Node] = {node: node for node in fixed}
    for members in by_kind.values():
        chosen = min(members, key=str)
        representative.update((member, chosen) for member in members)
    literal_of: dict[tuple[object, object], Literal] = {}
    for literal in sorted((o for o in data.objects() if isinstance(o, Literal)), key=str):
        literal_of.setdefault((literal.datatype, literal.language), literal)
    reduced = Graph()
    for s, p, o in data:
        target = literal_of[(o.datatype, o.language)] if isinstance(o, Literal) else representative.get(o, o)
        reduced.add((representative.get(s, s), p, target))
    return reduced


def _examples() -> Graph:
    graph = Graph().parse(ROOT / "tests" / "shapes" / "common.ttl", format="turtle")
    for path in sorted((ROOT / "tests" / "shapes" / "valid").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


CONTRADICTION = f"""
    @prefix fz: <{FZ}> .
    @prefix xsd: <{XSD}> .
    <{ID}case/contradiction> a fz:Case ; fz:order "1"^^xsd:positiveInteger .
"""


def test_owl_rl_finds_no_contradiction_in_the_examples(ontology: Graph) -> None:
    assert _contradictions(ontology + _examples()) == []


def test_owl_rl_reports_a_contradiction_and_the_reduction_keeps_it(ontology: Graph) -> None:
    """The check can fail (fz:order has domain fz:Measure, disjoint with fz:Case), also on reduced data."""
    data = _examples()
    data.parse(data=CONTRADICTION, format="turtle")
    reduced = _reduce(data)
    assert len(reduced) < len(data)
    found = _contradictions(ontology + reduced)
    assert found, "the contradiction was not found"
    assert all("case/contradiction" in message for message in found), found


def test_owl_rl_finds_no_contradiction_in_the_built_dataset(
    ontology: Graph, request: pytest.FixtureRequest
) -> None:
    try:
        dataset = request.getfixturevalue("built_dataset")
    except pytest.FixtureLookupError:
        pytest.skip("no built_dataset fixture in conftest.py yet")
    ntriples = Path(dataset).with_suffix(".nt")  # the same dataset, faster to read
    data = (
        Graph().parse(ntriples, format="nt")
        if ntriples.is_file()
        else Graph().parse(dataset, format="turtle")
    )
    assert len(data) > 0
    assert _contradictions(ontology + _reduce(data)) == []
