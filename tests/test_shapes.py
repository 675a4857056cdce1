"""SHACL shapes: every shape has a conforming and a non-conforming example, and the shapes are valid SHACL.

Examples live in ``tests/shapes/``: ``common.ttl`` is background data (vocabularies, jurisdictions, a
notice) loaded with every example; ``valid/*.ttl`` must conform to every shapes file;
``invalid/<name>--<variant>.ttl`` must fail on the shape whose local name is ``<name>`` (in any shapes file)
and on no other shape of that file.
Invalid examples are validated together in one pyshacl run, for speed: each file's nodes are renamed apart so
that files cannot affect one another. A result belongs to the example that defines its focus node or, when the
focus node is background (a kind concept that the legislation shapes target), its value node: that value is
then the example's offending document. Only top-level results count, as in ``kg validate``'s report.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "shapes"
COMMON = EXAMPLES / "common.ttl"
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))
SH = Namespace("http://www.w3.org/ns/shacl#")
FZ = Namespace("https://w3id.org/fazhi/ontology#")
FZSH = Namespace("https://w3id.org/fazhi/shapes#")
ID = "https://w3id.org/fazhi/id/"

# Parameters that make a shape constrain something (SHACL Core constraint components).
CONSTRAINT_PARAMETERS = frozenset(
    SH[name]
    for name in [
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "not",
        "and",
        "or",
        "xone",
        "node",
        "qualifiedValueShape",
        "hasValue",
        "in",
        "closed",
        "sparql",
    ]
)


SHAPES_FILES = sorted((ROOT / "shapes").glob("*.ttl"))


def _shapes() -> Graph:
    graph = Graph()
    for path in SHAPES_FILES:
        graph.parse(path, format="turtle")
    return graph


def _local_name(iri: URIRef) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _run(data: Graph, shapes: Graph, ontology: Graph | None) -> Graph:
    """Validate the way ``kg validate`` does: the ontology mixed in, no inference."""
    from pyshacl import validate

    _conforms, results, _text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=False
    )
    return results


def _results(report: Graph) -> list[tuple[Node, Node, Node]]:
    """(focus node, source shape, severity) of every top-level result, sorted."""
    return sorted((focus, shape, severity) for focus, _value, shape, severity in _result_rows(report))


def _result_rows(report: Graph) -> list[tuple[Node, Node | None, Node, Node]]:
    """(focus node, value node, source shape, severity) of every top-level result (not the sh:detail ones)."""
    return [
        (
            report.value(result, SH.focusNode),
            report.value(result, SH.value),
            report.value(result, SH.sourceShape),
            report.value(result, SH.resultSeverity),
        )
        for result in report.objects(None, SH.result)
    ]


def _constraining_shapes(shapes: Graph) -> list[URIRef]:
    """Named shapes that carry at least one constraint parameter themselves."""
    return sorted({s for s, p, _ in shapes if isinstance(s, URIRef) and p in CONSTRAINT_PARAMETERS}, key=str)


def _node_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(
        {
            s
            for s in shapes.subjects()
            if isinstance(s, URIRef)
            and any(
                shapes.value(s, SH[target]) is not None
                for target in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
            )
        },
        key=str,
    )


def _shape_index(shapes: Graph) -> dict[str, list[URIRef]]:
    """Named shapes by local name (the name invalid examples use)."""
    named = {s for s, p, _ in shapes if isinstance(s, URIRef) and p in CONSTRAINT_PARAMETERS}
    named |= {s for s in shapes.objects(None, SH.property) if isinstance(s, URIRef)}
    named |= set(_node_shapes(shapes))
    index: dict[str, list[URIRef]] = defaultdict(list)
    for shape in sorted(named, key=str):
        index[_local_name(shape)].append(shape)
    return index


def _shape_of(path: Path, index: dict[str, list[URIRef]]) -> URIRef | None:
    """The shape an invalid example is named for: ``<local name>--<variant>.ttl``."""
    wanted = path.stem.split("--")[0]
    matches = index.get(wanted, [])
    assert len(matches) <= 1, f"{path.name}: the local name {wanted} is ambiguous: {matches}"
    return matches[0] if matches else None


def _isolated(path: Path) -> tuple[Graph, dict[URIRef, URIRef]]:
    """The example's graph with every node it describes renamed ``…#<file stem>``, and the renaming."""
    graph = Graph().parse(path, format="turtle")
    own = {s for s in graph.subjects() if isinstance(s, URIRef)}
    renamed = {node: URIRef(f"{node}#{path.stem}") for node in own}
    out = Graph()
    for s, p, o in graph:
        out.add((renamed.get(s, s), p, renamed.get(o, o) if isinstance(o, URIRef) else o))
    return out, renamed


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _shapes()


@pytest.fixture(scope="module")
def shape_index(shapes: Graph) -> dict[str, list[URIRef]]:
    return _shape_index(shapes)


@pytest.fixture(scope="module")
def covered(shape_index: dict[str, list[URIRef]]) -> set[URIRef | None]:
    """The shapes that have an invalid example."""
    return {_shape_of(path, shape_index) for path in INVALID}


@pytest.fixture(scope="module")
def shapes_by_file() -> dict[str, Graph]:
    return {path.name: Graph().parse(path, format="turtle") for path in SHAPES_FILES}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _ontology()


@pytest.fixture(scope="module")
def common() -> Graph:
    return Graph().parse(COMMON, format="turtle")


@pytest.fixture(scope="module")
def invalid_results(
    shapes: Graph, ontology: Graph, common: Graph
) -> dict[str, list[tuple[Node, Node, Node]]]:
    """Results of one run over all invalid examples, grouped by the example file of their focus node."""
    data = Graph()
    data += common
    owner: dict[Node, str] = {}
    for path in INVALID:
        graph, renamed = _isolated(path)
        data += graph
        owner.update({new: path.stem for new in renamed.values()})
    grouped: dict[str, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for focus, value, shape, severity in _result_rows(_run(data, shapes, ontology)):
        example = owner.get(focus) or owner.get(value)
        if example is not None:
            grouped[example].append((focus, shape, severity))
    return grouped


def test_examples_exist() -> None:
    assert COMMON.is_file()
    assert VALID, "no valid examples under tests/shapes/valid/"
    assert INVALID, "no invalid examples under tests/shapes/invalid/"


def test_common_background_conforms(shapes: Graph, ontology: Graph, common: Graph) -> None:
    assert _results(_run(common, shapes, ontology)) == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms(path: Path, shapes: Graph, ontology: Graph, common: Graph) -> None:
    data = Graph()
    data += common
    data.parse(path, format="turtle")
    assert _results(_run(data, shapes, ontology)) == [], f"{path.name} should conform"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_fails_on_its_shape_only(
    path: Path,
    shapes: Graph,
    shape_index: dict[str, list[URIRef]],
    shapes_by_file: dict[str, Graph],
    invalid_results: dict[str, list[tuple[Node, Node, Node]]],
) -> None:
    expected = _shape_of(path, shape_index)
    assert expected is not None, f"{path.name} is named for a shape that no shapes file defines"
    home = next(g for g in shapes_by_file.values() if (expected, None, None) in g)
    siblings = set(home.subjects()) | set(home.objects())
    results = [row for row in invalid_results.get(path.stem, []) if row[1] in siblings]
    fired = {shape for _, shape, _ in results}
    assert expected in fired, f"{path.name} should fail on {expected}; results: {results}"
    assert fired == {expected}, (
        f"{path.name} should fail on {expected} only; it also fails on {fired - {expected}}"
    )
    declared = shapes.value(expected, SH.severity, default=SH.Violation)
    assert {severity for focus, shape, severity in results} == {declared}


def test_invalid_examples_do_not_touch_the_background(common: Graph) -> None:
    background = set(common.subjects())
    for path in INVALID + VALID:
        overlap = set(Graph().parse(path, format="turtle").subjects()) & background
        assert not overlap, f"{path.name} adds statements about background nodes {sorted(overlap)}"


@pytest.mark.parametrize("name", [path.name for path in SHAPES_FILES])
def test_every_constraining_shape_has_an_invalid_example(
    name: str, covered: set[URIRef | None], shapes_by_file: dict[str, Graph]
) -> None:
    """Adding a shape without an example fails here: add ``tests/shapes/invalid/<name>--<variant>.ttl``."""
    missing = [str(s) for s in _constraining_shapes(shapes_by_file[name]) if s not in covered]
    assert not missing, f"shapes in {name} without an example under tests/shapes/invalid/: {missing}"


@pytest.mark.parametrize("name", [path.name for path in SHAPES_FILES])
def test_every_node_shape_is_covered_by_an_invalid_example(
    name: str, covered: set[URIRef | None], shapes_by_file: dict[str, Graph]
) -> None:
    """A node shape is covered by its own example or by one of its property shapes."""
    graph = shapes_by_file[name]
    for node_shape in _node_shapes(graph):
        parts = {node_shape, *graph.objects(node_shape, SH.property)}
        assert parts & covered, f"{node_shape} in {name} has no invalid example"


def test_every_node_shape_has_a_conforming_example(shapes: Graph, ontology: Graph, common: Graph) -> None:
    """Every node shape has focus nodes in the valid examples, and every plain path there has values."""
    data = Graph()
    data += common
    for path in VALID:
        data.parse(path, format="turtle")
    with_ontology = data + ontology
    for node_shape in _node_shapes(shapes):
        focus = _focus_nodes(node_shape, shapes, with_ontology)
        assert focus, f"no valid example has a focus node of {node_shape}"
        for property_shape in shapes.objects(node_shape, SH.property):
            path = shapes.value(property_shape, SH.path)
            if isinstance(path, URIRef):
                assert any(data.value(node, path) is not None for node in focus), (
                    f"no valid example exercises {property_shape} ({path})"
                )


def _focus_nodes(node_shape: URIRef, shapes: Graph, data: Graph) -> set[Node]:
    nodes: set[Node] = set()
    for cls in shapes.objects(node_shape, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, sub))
    for prop in shapes.objects(node_shape, SH.targetSubjectsOf):
        nodes.update(data.subjects(prop, None))
    for prop in shapes.objects(node_shape, SH.targetObjectsOf):
        nodes.update(data.objects(None, prop))
    nodes.update(shapes.objects(node_shape, SH.targetNode))
    return nodes


@pytest.mark.parametrize("name", [path.name for path in SHAPES_FILES])
def test_every_constraint_has_an_english_and_a_chinese_message(
    name: str, shapes_by_file: dict[str, Graph]
) -> None:
    graph = shapes_by_file[name]
    for shape in _constraining_shapes(graph):
        languages = {m.language for m in graph.objects(shape, SH.message) if isinstance(m, Literal)}
        assert {"en", "zh"} <= languages, f"{shape} needs sh:message in @en and @zh, has {languages}"


@pytest.mark.parametrize("name", [path.name for path in SHAPES_FILES])
def test_shapes_are_named(name: str, shapes_by_file: dict[str, Graph]) -> None:
    """Reports name the shape that failed, so no targeted shape and no property shape is a blank node."""
    graph = shapes_by_file[name]
    tops = set(_node_shapes(graph)) | set(graph.objects(None, SH.property))
    tops |= set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    unnamed = [shape for shape in tops if not isinstance(shape, URIRef)]
    assert not unnamed, f"{name} has {len(unnamed)} blank-node shapes; name them so reports can cite them"
    assert not [shape for shape in tops if shape.startswith(str(FZ))], (
        "shapes do not belong in the fz: namespace"
    )


def test_shapes_use_core_constraints_only(shapes: Graph) -> None:
    """pyshacl evaluates SPARQL-based constraints and targets slowly; the full dataset must validate fast."""
    sparql_terms = {SH.sparql, SH.select, SH.ask, SH.SPARQLConstraint, SH.SPARQLTarget, SH.target, SH.rule}
    used = {term for triple in shapes for term in triple if term in sparql_terms}
    assert not used, f"shapes use SPARQL-based features {used}"


def test_shapes_graph_passes_shacl_shacl(shapes: Graph) -> None:
    from pathlib import Path as _Path

    import pyshacl
    from pyshacl import validate

    shacl_shacl = Graph().parse(
        _Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle"
    )
    conforms, _graph, text = validate(shapes, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_date_order_is_a_warning_not_a_violation(
    shapes: Graph, invalid_results: dict[str, list[tuple[Node, Node, Node]]]
) -> None:
    """An amendment's promulgation date can fall after the first in-force date: warn, do not refuse."""
    assert shapes.value(FZSH["Legal-dateOrder"], SH.lessThanOrEquals) == FZ.dateInForce
    results = [
        row for row in invalid_results["Legal-dateOrder--passed-after-in-force"] if row[1].startswith(FZSH)
    ]
    assert results
    assert {severity for _, _, severity in results} == {SH.Warning}


def test_class_constraints_follow_the_ontology_subclasses(
    shapes: Graph, ontology: Graph, common: Graph
) -> None:
    """sh:class fz:Institution accepts a fz:LeadingGroup only because the ontology says it is one."""
    data = Graph()
    data += common
    data.parse(
        data=f"""
        @prefix fz: <{FZ}> .
        @prefix rdfs: <{RDFS}> .
        <{ID}regulation/r> a fz:Regulation ; rdfs:label "示例条例"@zh ;
            fz:regulationKind <{ID}regulation-kind/law> ; fz:jurisdiction <{ID}jurisdiction/CN> ;
            fz:issuedBy <{ID}institution/group> .
        <{ID}institution/group> a fz:LeadingGroup ; rdfs:label "示例领导小组"@zh .
        """,
        format="turtle",
    )
    assert _results(_run(data, shapes, ontology)) == []
    without = {shape for _, shape, _ in _results(_run(data, shapes, None))}
    assert FZSH["Values-issuedBy"] in without
