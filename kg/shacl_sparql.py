"""Simple SHACL property shapes checked by SPARQL on the Oxigraph store, with pyshacl's results.

pyshacl-turbo spends about 7 s of CPU parsing and indexing 830k triples before it checks anything, and most
shapes are plain property shapes (a target, an IRI path, counts, classes, language tags). Those run here as
SPARQL queries anchored on their target and path on the store ``kg build`` already wrote, and yield the
result terms pyshacl would (focus node, path, value, constraint component, severity, messages); the rest go
to the fast engine as before. :mod:`kg.validation` turns both into the same report.

A shape is compiled only when every part of it is understood here (:func:`compile_shape`), and its results
are handed back to the other engine when the store cannot tell them apart from the data as written
(:func:`run`): Oxigraph canonicalises numbers, booleans and language tags, so a result whose value is a
literal other than a plain string, or a pattern over such a literal, is not trusted. The caller checks
that the store holds exactly the triples of the text (no two written literals merged by canonicalisation)
and that the data have no blank nodes (the store renames them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from .store import select
from .terms import SH

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib.term import Node

__all__ = ["STORED_DATATYPES", "CompiledShape", "compile_shapes", "only", "run", "without"]

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_PARAMETERS = {
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern,
    SH.languageIn, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH["or"],
}
STORED_DATATYPES = frozenset({XSD.boolean, XSD.date, XSD.decimal})
"""Datatypes the store keeps as written for ``sh:datatype`` (Oxigraph gives the derived integer types, such
as xsd:positiveInteger, the datatype xsd:integer). A literal of one of them fails ``sh:datatype`` when it
is ill-typed in pyshacl's sense, which the store cannot tell: the caller passes the datatypes with such a
literal anywhere in the data, and their shapes are left to the other engine (see :func:`run`)."""
_ANNOTATIONS = {RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, RDFS.label, RDFS.comment}


@dataclass(frozen=True)
class CompiledShape:
    """A named property shape with its own targets and only the constraints this module checks."""

    node: URIRef
    targets: tuple[tuple[URIRef, tuple[Node, ...]], ...]
    path: Node | None
    """None for a node shape (see :func:`_compile_node_or`)."""
    steps: tuple[tuple[URIRef, bool], ...]
    """The path as its alternatives, each an IRI and whether it is followed backwards."""
    parameters: dict[URIRef, Any]
    severity: Node
    messages: tuple[Node, ...]
    closure: tuple[tuple[Node, Node, Node], ...]


def compile_shapes(shapes: Graph) -> list[CompiledShape]:
    """Every shape of ``shapes`` that :func:`compile_shape` can check, in IRI order."""
    found = []
    for node in sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str):
        compiled = compile_shape(shapes, node)
        if compiled is not None:
            found.append(compiled)
    return found


def compile_shape(shapes: Graph, node: Node) -> CompiledShape | None:
    """The shape as a :class:`CompiledShape`, or None when any part of it is not understood here.

    Understood: a named ``sh:PropertyShape`` that no other shape refers to, with an ``sh:message``, targets
    by class, subjects, objects or node, a path of one IRI, its inverse, or ``sh:alternativePath`` of those,
    and single-valued ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:or`` of shapes that each say one
    ``sh:class``, ``sh:datatype`` (``rdf:langString``, ``xsd:string``, :data:`STORED_DATATYPES`),
    ``sh:nodeKind sh:IRI``, ``sh:in`` (IRIs), ``sh:hasValue`` (an IRI), ``sh:pattern`` (no flags),
    ``sh:languageIn``, ``sh:uniqueLang true``, and ``sh:qualifiedValueShape [ sh:languageIn (…) ]`` with its
    counts.
    """
    if not isinstance(node, URIRef) or next(iter(shapes.subject_predicates(node)), None) is not None:
        return None  # reached through another shape: checked once per focus node of that one
    if set(shapes.objects(node, RDF.type)) == {SH.NodeShape}:
        return _compile_node_or(shapes, node)
    if set(shapes.objects(node, RDF.type)) != {SH.PropertyShape}:
        return None
    closure: list[tuple[Node, Node, Node]] = []
    parameters: dict[URIRef, Any] = {}
    for predicate in {p for p in shapes.predicates(node) if isinstance(p, URIRef)}:
        values = list(shapes.objects(node, predicate))
        if predicate in _TARGETS or predicate == SH.message:
            continue
        if predicate not in _PARAMETERS and predicate not in _ANNOTATIONS:
            return None
        if (predicate in _PARAMETERS or predicate in (SH.path, SH.severity)) and len(values) != 1:
            return None
        if predicate in _PARAMETERS:
            parameters[predicate] = _parameter(shapes, predicate, values[0], closure)
            if parameters[predicate] is None:
                return None
    if not parameters or (SH.qualifiedValueShape in parameters) != bool(
        {SH.qualifiedMinCount, SH.qualifiedMaxCount} & set(parameters)
    ):
        return None
    messages = tuple(sorted(shapes.objects(node, SH.message), key=lambda m: m.n3()))
    targets = tuple(
        (target, tuple(sorted(shapes.objects(node, target), key=str)))
        for target in _TARGETS
        if (node, target, None) in shapes
    )
    if not messages or not all(_target_ok(target, values) for target, values in targets):
        return None
    path = shapes.value(node, SH.path)
    steps = _path_steps(shapes, path, closure)
    if path is None or not steps:
        return None
    severity = shapes.value(node, SH.severity) or SH.Violation
    if not isinstance(severity, URIRef):
        return None
    closure.extend(shapes.triples((node, None, None)))
    return CompiledShape(
        node, targets, path, steps, parameters, severity, messages, tuple(closure)
    )


_NODE_OR = SH["or"] + "#members"
"""The parameter key of a compiled node shape's ``sh:or`` members (see :func:`_compile_node_or`)."""


def _compile_node_or(shapes: Graph, node: URIRef) -> CompiledShape | None:
    """A named ``sh:NodeShape`` whose only constraint is ``sh:or`` of blank property shapes, each on one IRI
    path and only one of: ``sh:minCount 1``; ``sh:maxCount 0``; ``sh:qualifiedValueShape [ sh:languageIn
    (…) ]`` with ``sh:qualifiedMinCount 1``; or ``sh:not`` of a property shape with ``sh:minCount 1`` and
    ``sh:in`` (IRIs). pyshacl reports a focus node that fails every member, with the focus node as value."""
    closure: list[tuple[Node, Node, Node]] = []
    members: list[tuple[str, URIRef, Any]] = []
    for predicate in set(shapes.predicates(node)):
        if predicate not in _TARGETS and predicate not in _ANNOTATIONS and predicate != SH["or"]:
            return None
    heads = list(shapes.objects(node, SH["or"]))
    messages = tuple(sorted(shapes.objects(node, SH.message), key=lambda m: m.n3()))
    severities = list(shapes.objects(node, SH.severity))
    if len(heads) != 1 or not messages or len(severities) > 1 or (node, SH.path, None) in shapes:
        return None
    for member in _list(shapes, heads[0], closure) or ():
        found = _or_member(shapes, member, closure)
        if found is None:
            return None
        members.append(found)
    targets = tuple(
        (target, tuple(sorted(shapes.objects(node, target), key=str)))
        for target in _TARGETS
        if (node, target, None) in shapes
    )
    severity = severities[0] if severities else SH.Violation
    if not members or not targets or not all(_target_ok(t, v) for t, v in targets):
        return None
    if not isinstance(severity, URIRef):
        return None
    closure.extend(shapes.triples((node, None, None)))
    parameters = {_NODE_OR: tuple(members)}
    return CompiledShape(node, targets, None, (), parameters, severity, messages, tuple(closure))


def _blank_statements(shapes: Graph, node: Node) -> dict[Node, Node] | None:
    """A blank node's statements as predicate → object, when it is used once and says each predicate once."""
    if not isinstance(node, BNode) or len(list(shapes.subject_predicates(node))) != 1:
        return None
    statements = list(shapes.predicate_objects(node))
    said = dict(statements)
    return said if len(said) == len(statements) else None


def _or_member(shapes: Graph, member: Node, closure: list[Any]) -> tuple[str, URIRef, Any] | None:
    """One ``sh:or`` member of :func:`_compile_node_or` as (kind, path, argument), or None."""
    said = _blank_statements(shapes, member)
    if said is None:
        return None
    one, kinds = Literal(1), {SH.minCount: ("lacks", Literal(1)), SH.maxCount: ("has", Literal(0))}
    kind, argument, nested = "", None, None
    if set(said) == {SH["not"]}:
        nested = said[SH["not"]]
        said = _blank_statements(shapes, nested) or {}
        if set(said) != {SH.path, SH.minCount, SH["in"]} or said[SH.minCount] != one:
            return None
        allowed = _list(shapes, said[SH["in"]], closure)
        if allowed and all(isinstance(value, URIRef) for value in allowed):
            kind, argument = "conforms-in", tuple(allowed)
    elif len(said) == 2 and SH.path in said and set(said) - {SH.path} <= set(kinds):
        kind, wanted = next(kinds[p] for p in kinds if p in said)
        kind = kind if said[SH.minCount if kind == "lacks" else SH.maxCount] == wanted else ""
    elif set(said) == {SH.path, SH.qualifiedValueShape, SH.qualifiedMinCount}:
        if said[SH.qualifiedMinCount] != one:
            return None
        nested = said[SH.qualifiedValueShape]
        qualified = _blank_statements(shapes, nested) or {}
        if set(qualified) == {SH.languageIn}:
            argument = _parameter(shapes, SH.languageIn, qualified[SH.languageIn], closure)
            kind = "lacks-language" if argument is not None else ""
    path = said.get(SH.path)
    if not kind or not isinstance(path, URIRef):
        return None
    if nested is not None:
        closure.extend(shapes.triples((nested, None, None)))
    closure.extend(shapes.triples((member, None, None)))
    return kind, path, argument


def _member_fails(member: tuple[str, URIRef, Any]) -> str:
    """A SPARQL condition on ``?f``: the ``sh:or`` member (see :func:`_or_member`) has a result there."""
    kind, path, argument = member
    if kind == "lacks":
        return f"NOT EXISTS {{ ?f {_iri(path)} ?m }}"
    if kind == "has":
        return f"EXISTS {{ ?f {_iri(path)} ?m }}"
    if kind == "lacks-language":
        return f"NOT EXISTS {{ ?f {_iri(path)} ?m FILTER({_languages('?m', argument)}) }}"
    outside = " || ".join(f"sameTerm(?m, {_iri(a)})" for a in argument)
    return f"(EXISTS {{ ?f {_iri(path)} ?m }} && NOT EXISTS {{ ?f {_iri(path)} ?m FILTER(!({outside})) }})"


def _target_ok(_target: URIRef, values: tuple[Node, ...]) -> bool:
    return all(isinstance(v, URIRef) for v in values)


def _path_steps(shapes: Graph, path: Node | None, closure: list[Any]) -> tuple[tuple[URIRef, bool], ...]:
    """An IRI, its inverse, or ``sh:alternativePath`` of those, as (IRI, inverse) steps; () otherwise."""
    if isinstance(path, URIRef):
        return ((path, False),)
    if not isinstance(path, BNode):
        return ()
    statements = list(shapes.triples((path, None, None)))
    if len(statements) != 1 or statements[0][1] not in (SH.inversePath, SH.alternativePath):
        return ()
    if statements[0][1] == SH.inversePath:
        if not isinstance(statements[0][2], URIRef):
            return ()
        closure.extend(statements)
        return ((statements[0][2], True),)
    members = _list(shapes, statements[0][2], closure)
    steps: list[tuple[URIRef, bool]] = []
    for member in members or ():
        inner = _path_steps(shapes, member, closure) if not isinstance(member, URIRef) else ((member, False),)
        if len(inner) != 1 or (isinstance(member, BNode) and inner[0][1] is False):
            return ()
        steps.extend(inner)
    if not steps:
        return ()
    closure.extend(statements)
    return tuple(steps)


def _parameter(shapes: Graph, predicate: URIRef, value: Node, closure: list[Any]) -> Any:
    """The parameter's value in plain form, or None when it is not one this module checks."""
    if predicate in (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount):
        number = value.toPython() if isinstance(value, Literal) else None
        return number if isinstance(number, int) and not isinstance(number, bool) and number >= 0 else None
    if predicate == SH["class"] or predicate == SH.hasValue:
        return value if isinstance(value, URIRef) else None
    if predicate == SH.datatype:
        return value if value in (RDF.langString, XSD.string) or value in STORED_DATATYPES else None
    if predicate == SH.nodeKind:
        return value if value == SH.IRI else None
    if predicate == SH.uniqueLang:
        return True if isinstance(value, Literal) and value.toPython() is True else None
    if predicate == SH.pattern:
        if not isinstance(value, Literal) or value.language or value.datatype not in (None, XSD.string):
            return None
        import re

        try:
            return re.compile(str(value))
        except re.error:
            return None
    if predicate in (SH["in"], SH.languageIn):
        members = _list(shapes, value, closure)
        if members is None:
            return None
        if predicate == SH["in"]:
            return tuple(members) if all(isinstance(m, URIRef) for m in members) else None
        if not all(isinstance(m, Literal) and isinstance(m.value, str) for m in members):
            return None
        return frozenset(str(m).lower() for m in members)
    if predicate == SH["or"]:  # only of shapes that each say one sh:class: a value of one of the classes
        members = _list(shapes, value, closure)
        classes = []
        for member in members or ():
            statements = list(shapes.triples((member, None, None))) if isinstance(member, BNode) else []
            if len(statements) != 1 or statements[0][1] != SH["class"]:
                return None
            if not isinstance(statements[0][2], URIRef):
                return None
            if len(list(shapes.subject_predicates(member))) != 1:
                return None
            closure.extend(statements)
            classes.append(statements[0][2])
        return tuple(classes) if classes else None
    if predicate == SH.qualifiedValueShape:
        statements = list(shapes.triples((value, None, None))) if isinstance(value, BNode) else []
        if len(statements) != 1 or statements[0][1] != SH.languageIn:
            return None
        if len(list(shapes.subject_predicates(value))) != 1:
            return None  # shared with another shape
        closure.extend(statements)
        return _parameter(shapes, SH.languageIn, statements[0][2], closure)
    return None


def _list(shapes: Graph, head: Node, closure: list[Any]) -> list[Node] | None:
    if head == RDF.nil:
        return []
    if not isinstance(head, BNode):
        return None
    node: Node = head
    seen = set()
    while node != RDF.nil:
        if node in seen or not isinstance(node, BNode):
            return None
        seen.add(node)
        statements = list(shapes.triples((node, None, None)))
        if {p for _s, p, _o in statements} != {RDF.first, RDF.rest} or len(statements) != 2:
            return None
        closure.extend(statements)
        node = shapes.value(node, RDF.rest) or RDF.nil
    return list(Collection(shapes, head))


def without(shapes: Graph, compiled: Iterable[CompiledShape]) -> Graph:
    """The shapes graph less the statements of the compiled shapes (their paths, lists and nested shape)."""
    drop = {triple for shape in compiled for triple in shape.closure}
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    for triple in shapes:
        if triple not in drop:
            rest.add(triple)
    return rest


def only(shapes: Graph, compiled: Iterable[CompiledShape]) -> Graph:
    """A shapes graph of just the compiled shapes (for the other engine, when the store cannot tell)."""
    kept = Graph()
    for prefix, namespace in shapes.namespaces():
        kept.bind(prefix, namespace)
    for shape in compiled:
        for triple in shape.closure:
            kept.add(triple)
    return kept


# --- running --------------------------------------------------------------------------------------------


@dataclass
class _Result:
    focus: Any
    value: Any
    component: URIRef


def run(
    store: pyoxigraph.Store,
    compiled: Iterable[CompiledShape],
    subclasses: dict[Node, set[Node]],
    doubtful: frozenset[Node] = STORED_DATATYPES,
    claim: Callable[[], int] | None = None,
) -> tuple[Graph, list[CompiledShape]]:
    """The results of the compiled shapes on ``store`` as a SHACL report graph, and the shapes whose results
    the store cannot give as written (see the module notes), left for the other engine.

    :param subclasses: each class with every class that is ``rdfs:subClassOf*`` it (itself included), from
        the data and the ontology: ``sh:class`` and ``sh:targetClass`` follow it as pyshacl does.
    :param doubtful: the :data:`STORED_DATATYPES` of which the data hold a literal that fails pyshacl's
        ``sh:datatype`` check as written (ill-typed); their ``sh:datatype`` shapes are left.
    :param claim: gives the index of the next shape to check, shared with other processes checking the same
        list, so that each shape is checked once by whichever is free; default: every shape, in order.
    """
    from .store import to_rdflib_converter

    convert = to_rdflib_converter()
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    left = []
    shapes = list(compiled)
    order = iter(range(len(shapes)))
    while (index := claim() if claim is not None else next(order, len(shapes))) < len(shapes):
        shape = shapes[index]
        if shape.parameters.get(SH.datatype) in doubtful:
            left.append(shape)
            continue
        results = list(_check(store, shape, subclasses))
        if not _trusted(store, shape, results, subclasses):
            left.append(shape)
            continue
        for result in results:
            node = BNode()
            report.add((root, SH.result, node))
            report.add((node, RDF.type, SH.ValidationResult))
            report.add((node, SH.focusNode, convert(result.focus)))
            if shape.path is not None:
                report.add((node, SH.resultPath, shape.path))
            if result.value is not None:
                report.add((node, SH.value, convert(result.value)))
            report.add((node, SH.resultSeverity, shape.severity))
            report.add((node, SH.sourceConstraintComponent, result.component))
            report.add((node, SH.sourceShape, shape.node))
            for message in shape.messages:
                report.add((node, SH.resultMessage, message))
    return report, left


def _trusted(
    store: pyoxigraph.Store, shape: CompiledShape, results: list[_Result], subclasses: dict[Node, set[Node]]
) -> bool:
    """False when a result names a literal the store may hold in another form than the data, or a pattern
    reads such a literal."""
    import pyoxigraph

    for result in results:
        for term in (result.focus, result.value):
            if isinstance(term, pyoxigraph.Literal) and not _plain_string(term):
                return False
    if SH.pattern in shape.parameters:
        condition = "FILTER(isLiteral(?v) && datatype(?v) != xsd:string && lang(?v) = '')"
        valued = _step(shape) if _focus_of_values(shape) else f"{_focus(shape, subclasses)} {_step(shape)}"
        query = f"{_HEAD}SELECT ?f ?v WHERE {{ {valued} {condition} }}"
        if next(iter(select(store, query + " LIMIT 1")), None) is not None:
            return False
    return True


def _plain_string(literal: pyoxigraph.Literal) -> bool:
    return literal.datatype.value == str(XSD.string) and not literal.language


def _iri(node: Node) -> str:
    return f"<{node}>"


def _focus(shape: CompiledShape, subclasses: dict[Node, set[Node]]) -> str:
    """A pattern binding ``?f`` to each focus node of the shape's targets once."""
    parts = []
    for target, values in shape.targets:
        for value in values:
            if target == SH.targetClass:
                classes = sorted(subclasses.get(value, set()) | {value}, key=str)
                parts.append(f"{{ VALUES ?t {{ {' '.join(_iri(c) for c in classes)} }} ?f a ?t }}")
            elif target == SH.targetSubjectsOf:
                parts.append(f"{{ ?f {_iri(value)} [] }}")
            elif target == SH.targetObjectsOf:
                parts.append(f"{{ [] {_iri(value)} ?f }}")
            else:
                parts.append(f"{{ VALUES ?f {{ {_iri(value)} }} }}")
    if len(parts) == 1 and parts[0].startswith("{ VALUES ?t {") and parts[0].count("<") == 1:
        return parts[0]  # one class without subclasses: each node once already
    return f"{{ SELECT DISTINCT ?f WHERE {{ {' UNION '.join(parts)} }} }}"


def _focus_of_values(shape: CompiledShape) -> bool:
    """True when every node with a value on the path is a focus node (targets = the path's own subjects, or
    objects for an inverse path), so queries about values need not join the targets."""
    if len(shape.steps) != 1:
        return False
    predicate, inverse = shape.steps[0]
    wanted = SH.targetObjectsOf if inverse else SH.targetSubjectsOf
    return shape.targets == ((wanted, (predicate,)),)


def _count(store: pyoxigraph.Store, pattern: str) -> int:
    """How many solutions ``pattern`` has (cheap in Oxigraph: no term is decoded)."""
    (row,) = select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(row["n"].value)


def _single_valued(store: pyoxigraph.Store, shape: CompiledShape) -> bool:
    """True when no node has two values on the path in the whole store (two counts, nothing decoded)."""
    if len(shape.steps) != 1:
        return False
    predicate, inverse = shape.steps[0]
    node = "?o" if inverse else "?s"
    pattern = f"?s {_iri(predicate)} ?o"
    (row,) = select(store, f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT {node}) AS ?d) WHERE {{ {pattern} }}")
    return bool(row["n"].value == row["d"].value)


def _step(shape: CompiledShape, value: str = "?v") -> str:
    patterns = [
        f"{value} {_iri(predicate)} ?f ." if inverse else f"?f {_iri(predicate)} {value} ."
        for predicate, inverse in shape.steps
    ]
    return patterns[0] if len(patterns) == 1 else "{ " + " UNION ".join(f"{{ {p} }}" for p in patterns) + " }"


_HEAD = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"


def _languages(variable: str, languages: frozenset[str]) -> str:
    """pyshacl's ``sh:languageIn`` test: the tag, or its first subtag, lower-cased, is in the list."""
    if "*" in languages:
        return f"(isLiteral({variable}) && lang({variable}) != '')"
    listed = ", ".join(f'"{language}"' for language in sorted(languages))
    tag = f"LCASE(lang({variable}))"
    return (
        f"(isLiteral({variable}) && lang({variable}) != '' && "
        f"({tag} IN ({listed}) || STRBEFORE(CONCAT({tag}, '-'), '-') IN ({listed})))"
    )


def _check(
    store: pyoxigraph.Store, shape: CompiledShape, subclasses: dict[Node, set[Node]]
) -> Iterator[_Result]:
    """pyshacl's results for the shape, component by component, from queries that return only failures.

    Anti-joins are written with ``MINUS`` (Oxigraph runs it as a hash anti-join, several times faster than
    ``FILTER NOT EXISTS`` here); every MINUS shares ``?f`` or ``?v`` with its left side, so the two agree.
    """
    import pyoxigraph

    focus = _focus(shape, subclasses)
    if _NODE_OR in shape.parameters:
        failing_all = " && ".join(_member_fails(member) for member in shape.parameters[_NODE_OR])
        for row in select(store, f"{_HEAD}SELECT ?f WHERE {{ {focus} FILTER({failing_all}) }}"):
            yield _Result(row["f"], row["f"], SH.OrConstraintComponent)
        return
    step = _step(shape)
    valued = step if _focus_of_values(shape) else f"{focus} {step}"
    parameters = shape.parameters

    def rows(query: str) -> Iterator[Any]:
        yield from select(store, _HEAD + query)

    def without(right: str) -> str:
        """``focus`` less the nodes matching ``right``: a hash anti-join (MINUS) when the focus nodes are many
        against the path's statements, else a lookup per focus node (NOT EXISTS)."""
        if _count(store, focus) * 8 > _count(store, step):
            return f"SELECT ?f WHERE {{ {focus} MINUS {{ {right} }} }}"
        return f"SELECT ?f WHERE {{ {focus} FILTER NOT EXISTS {{ {right} }} }}"

    def too_few(condition: str, count: int, component: URIRef) -> Iterator[_Result]:
        if count <= 0:
            return
        if count == 1:
            query = without(f"{step} {condition}")
        else:
            query = (
                f"SELECT ?f WHERE {{ {focus} OPTIONAL {{ {step} {condition} }} }} "
                f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {count})"
            )
        for row in rows(query):
            yield _Result(row["f"], None, component)

    def too_many(condition: str, count: int, component: URIRef) -> Iterator[_Result]:
        if count >= 1 and _single_valued(store, shape):
            return
        having = f"HAVING (COUNT(DISTINCT ?v) > {count})"
        query = f"SELECT ?f WHERE {{ {valued} {condition} }} GROUP BY ?f {having}"
        for row in rows(query):
            yield _Result(row["f"], None, component)

    def failing(condition: str, component: URIRef) -> Iterator[_Result]:
        for row in rows(f"SELECT DISTINCT ?f ?v WHERE {{ {valued} FILTER(!({condition})) }}"):
            yield _Result(row["f"], row["v"], component)

    if SH.minCount in parameters:
        yield from too_few("", parameters[SH.minCount], SH.MinCountConstraintComponent)
    if SH.maxCount in parameters:
        yield from too_many("", parameters[SH.maxCount], SH.MaxCountConstraintComponent)
    def not_of_class(wanted: Iterable[Node], component: URIRef) -> Iterator[_Result]:
        found = set().union(*(subclasses.get(c, set()) | {c} for c in wanted))
        classes = " ".join(_iri(c) for c in sorted(found, key=str))
        query = f"SELECT DISTINCT ?f ?v WHERE {{ {valued} MINUS {{ VALUES ?c {{ {classes} }} ?v a ?c }} }}"
        for row in rows(query):
            yield _Result(row["f"], row["v"], component)

    if SH["class"] in parameters:
        yield from not_of_class([parameters[SH["class"]]], SH.ClassConstraintComponent)
    if SH["or"] in parameters:
        yield from not_of_class(parameters[SH["or"]], SH.OrConstraintComponent)
    if SH.datatype in parameters:
        if parameters[SH.datatype] == RDF.langString:
            condition = "isLiteral(?v) && lang(?v) != ''"
        else:
            condition = f"isLiteral(?v) && datatype(?v) = {_iri(parameters[SH.datatype])}"
        yield from failing(condition, SH.DatatypeConstraintComponent)
    if SH.nodeKind in parameters:
        yield from failing("isIRI(?v)", SH.NodeKindConstraintComponent)
    if SH["in"] in parameters:
        members = " || ".join(f"sameTerm(?v, {_iri(m)})" for m in parameters[SH["in"]]) or "false"
        yield from failing(members, SH.InConstraintComponent)
    if SH.hasValue in parameters:
        query = without(_step(shape, _iri(parameters[SH.hasValue])))
        for row in rows(query):
            yield _Result(row["f"], None, SH.HasValueConstraintComponent)
    if SH.pattern in parameters:
        pattern = parameters[SH.pattern]
        for row in rows(f"SELECT DISTINCT ?f ?v WHERE {{ {valued} }}"):
            value = row["v"]
            if isinstance(value, pyoxigraph.BlankNode) or not (
                pattern.match(value.value) or pattern.search(value.value)
            ):
                yield _Result(row["f"], value, SH.PatternConstraintComponent)
    if SH.languageIn in parameters:
        yield from failing(_languages("?v", parameters[SH.languageIn]), SH.LanguageInConstraintComponent)
    if SH.uniqueLang in parameters:
        query = (
            f"SELECT ?f ?l WHERE {{ {valued} BIND(LCASE(lang(?v)) AS ?l) FILTER(?l != '') }} "
            "GROUP BY ?f ?l HAVING (COUNT(?v) > 1)"
        )
        for row in rows(query):
            yield _Result(row["f"], None, SH.UniqueLangConstraintComponent)
    if SH.qualifiedValueShape in parameters:
        conforming = f"FILTER({_languages('?v', parameters[SH.qualifiedValueShape])})"
        if SH.qualifiedMaxCount in parameters:
            count = parameters[SH.qualifiedMaxCount]
            yield from too_many(conforming, count, SH.QualifiedMaxCountConstraintComponent)
        if SH.qualifiedMinCount in parameters:
            count = parameters[SH.qualifiedMinCount]
            yield from too_few(conforming, count, SH.QualifiedMinCountConstraintComponent)
