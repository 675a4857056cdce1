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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from .store import select
from .terms import SH

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib.term import Node

__all__ = [
    "CHECKED_DATATYPES", "INTEGER_TYPES", "STORED_DATATYPES", "CompiledShape", "compile_shapes", "decidable",
    "only", "run", "without",
]

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_PARAMETERS = {
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern,
    SH.languageIn, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH["or"], SH["and"], SH["not"], SH.lessThan, SH.lessThanOrEquals,
}
INTEGER_TYPES = frozenset(
    XSD[name]
    for name in (
        "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
        "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
        "positiveInteger",
    )
)
"""Datatypes whose literals Oxigraph stores as xsd:integer when the lexical form is an integer (whatever its
range): the store cannot tell them apart, the text can (see :func:`decidable`)."""
STORED_DATATYPES = frozenset({XSD.boolean, XSD.date, XSD.decimal, XSD.duration, XSD.gYear, XSD.gYearMonth})
"""Datatypes the store keeps for ``sh:datatype``, each literal keeping its datatype as written (even when
ill-typed), and with :data:`INTEGER_TYPES` all it checks. A literal of one of them fails ``sh:datatype`` when
it is ill-typed in pyshacl's sense, which the store cannot tell: the caller passes the datatypes with such a
literal anywhere in the data, and their shapes are left to the other engine (see :func:`run`)."""
CHECKED_DATATYPES = STORED_DATATYPES | INTEGER_TYPES
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
    """Every shape of ``shapes`` that :func:`compile_shape` can check, in IRI order, and the property shapes
    of a node shape that only gives them targets (:func:`_compile_group`)."""
    found = []
    for node in sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str):
        compiled = compile_shape(shapes, node)
        if compiled is not None:
            found.append(compiled)
        elif isinstance(node, URIRef):
            found.extend(_compile_group(shapes, node))
    return found


def _compile_group(shapes: Graph, node: URIRef) -> list[CompiledShape]:
    """The named property shapes of a named ``sh:NodeShape`` that says nothing but targets, annotations and
    ``sh:property``, each checked with the node shape's targets (and reported, as pyshacl does, with the
    property shape as source shape); none unless every one compiles and none is used elsewhere."""
    if set(shapes.objects(node, RDF.type)) != {SH.NodeShape} or (node, SH.path, None) in shapes:
        return []
    if next(iter(shapes.subject_predicates(node)), None) is not None:
        return []
    said = set(shapes.predicates(node))
    if not said <= {*_TARGETS, *_ANNOTATIONS, SH.property}:
        return []
    members = sorted(shapes.objects(node, SH.property), key=str)
    own = [
        triple for triple in shapes.triples((node, None, None))
        if triple[1] not in (SH.property, SH.message, SH.severity)
    ]
    compiled = []
    for member in members:
        if not isinstance(member, URIRef) or set(shapes.subject_predicates(member)) != {(node, SH.property)}:
            return []
        if any((member, target, None) in shapes for target in _TARGETS):
            return []
        shape = compile_shape(shapes, member, group=node)
        if shape is None:
            return []
        closure = (*shape.closure, *own, (node, SH.property, member))
        compiled.append(replace(shape, closure=closure))
    if compiled:  # the node shape's own message and severity say nothing of its property shapes' results
        whole = (*compiled[0].closure, *shapes.triples((node, None, None)))
        compiled[0] = replace(compiled[0], closure=whole)
    return compiled


def compile_shape(shapes: Graph, node: Node, group: URIRef | None = None) -> CompiledShape | None:
    """The shape as a :class:`CompiledShape`, or None when any part of it is not understood here.

    Understood: a named ``sh:PropertyShape`` that no other shape refers to, with an ``sh:message``, targets
    by class, subjects, objects or node, a path of one IRI, its inverse, or ``sh:alternativePath`` of those,
    and single-valued ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:or`` of shapes that each say one
    ``sh:class``, ``sh:datatype`` (``rdf:langString``, ``xsd:string``, :data:`CHECKED_DATATYPES`),
    ``sh:nodeKind sh:IRI``, ``sh:in`` (IRIs), ``sh:hasValue`` (an IRI), ``sh:pattern`` (no flags),
    ``sh:languageIn``, ``sh:uniqueLang true``, and ``sh:qualifiedValueShape [ sh:languageIn (…) ]`` with its
    counts.
    """
    if not isinstance(node, URIRef):
        return None
    if group is None and next(iter(shapes.subject_predicates(node)), None) is not None:
        return None  # reached through another shape: checked once per focus node of that one
    if set(shapes.objects(node, RDF.type)) == {SH.NodeShape} and group is None:
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
    targeted = group if group is not None else node
    targets = tuple(
        (target, tuple(sorted(shapes.objects(targeted, target), key=str)))
        for target in _TARGETS
        if (targeted, target, None) in shapes
    )
    if not messages or not targets or not all(_target_ok(target, values) for target, values in targets):
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


@dataclass(frozen=True)
class DatatypeChoice:
    """``sh:or`` of shapes that each say one ``sh:datatype``: a value passes with any of the datatypes."""

    datatypes: tuple[URIRef, ...]


def datatypes_of(shape: CompiledShape) -> frozenset[Node]:
    """The datatypes of :data:`CHECKED_DATATYPES` the shape's ``sh:datatype`` or ``sh:or`` names."""
    named: set[Node] = {shape.parameters.get(SH.datatype, RDF.nil)}
    choice = shape.parameters.get(SH["or"])
    if isinstance(choice, DatatypeChoice):
        named.update(choice.datatypes)
    return frozenset(named & CHECKED_DATATYPES)


def decidable(
    shape: CompiledShape, doubtful: frozenset[Node], uses: set[tuple[str, str]] | None
) -> bool:
    """Whether the store tells the shape's datatypes as the data write them.

    :param doubtful: the checked datatypes with an ill-typed literal (pyshacl's test) anywhere in the data.
    :param uses: each (predicate IRI, datatype IRI) of a typed literal written in the data; None if unknown.

    A literal of one of :data:`INTEGER_TYPES` is an xsd:integer in the store: a shape naming one of them is
    decided there only when every integer literal on its path's predicates is written with that very type
    (so an integer in the store was written with it) and none of that type is ill-typed."""
    named = datatypes_of(shape)
    if named & doubtful:
        return False
    compared = [shape.parameters[p] for p, _, _ in _ORDERS if p in shape.parameters]
    if compared:  # the store compares integers of any type and dates: all of them well-typed as written
        if uses is None:
            return False
        predicates = {str(p) for p in compared} | {str(p) for p, inverse in shape.steps if not inverse}
        written = {URIRef(datatype) for predicate, datatype in uses if predicate in predicates}
        if written & (INTEGER_TYPES | {XSD.date}) & doubtful:
            return False
    integers = named & INTEGER_TYPES
    if not integers:
        return True
    if uses is None or len(integers) != 1:
        return False
    predicates = {str(predicate) for predicate, inverse in shape.steps if not inverse}
    written = {URIRef(datatype) for predicate, datatype in uses if predicate in predicates}
    return written & INTEGER_TYPES <= integers


def _stored_as(datatype: Node) -> Node:
    """The datatype a literal of ``datatype`` has in the store (see :data:`INTEGER_TYPES`)."""
    return XSD.integer if datatype in INTEGER_TYPES else datatype


_NODE_OR = SH["or"] + "#members"
"""The parameter key of a compiled node shape's ``sh:or`` members (see :func:`_compile_node_or`)."""


def _compile_node_or(shapes: Graph, node: URIRef) -> CompiledShape | None:
    """A named ``sh:NodeShape`` whose only constraint is ``sh:or`` of blank property shapes, each on one IRI
    path and only one of: ``sh:minCount 1``; ``sh:maxCount 0``; ``sh:qualifiedValueShape [ sh:languageIn
    (…) ]`` with ``sh:qualifiedMinCount 1``; or ``sh:not`` of a property shape with ``sh:minCount 1`` and
    ``sh:in`` (IRIs). pyshacl reports a focus node that fails every member, with the focus node as value."""
    closure: list[tuple[Node, Node, Node]] = []
    members: list[Member] = []
    for predicate in set(shapes.predicates(node)):
        if predicate not in _TARGETS and predicate not in _ANNOTATIONS and predicate != SH["or"]:
            return None
    heads = list(shapes.objects(node, SH["or"]))
    messages = tuple(sorted(shapes.objects(node, SH.message), key=lambda m: m.n3()))
    severities = list(shapes.objects(node, SH.severity))
    if len(heads) != 1 or not messages or len(severities) > 1 or (node, SH.path, None) in shapes:
        return None
    for member in _list(shapes, heads[0], closure) or ():
        found = _member(shapes, member, closure)
        if found is None or (found[0] == "shape" and found[1] is None):
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


Member = tuple[Any, ...]
"""A nested shape of ``sh:or``, ``sh:and`` or ``sh:not`` (see :func:`_member`): ``("not", member)``, or
``("shape", path, constraints)`` with ``path`` a SPARQL property path (None: the node itself) and each
constraint one of ``("min1",)``, ``("max0",)``, ``("hasValue", iri)``, ``("in", iris)``, ``("class", iri)``,
``("qualified", conforming, min, max)`` (``conforming``: ``("languageIn", tags)``, ``("in", iris)`` or
``("hasValue", path, iri)``; ``min``/``max`` 0, 1 or None)."""


def _member(shapes: Graph, member: Node, closure: list[Any]) -> Member | None:
    """A blank shape used once, as a :data:`Member`, when it says only what that form holds; else None."""
    said = _blank_statements(shapes, member)
    if said is None:
        return None
    found: Member | None = None
    if set(said) == {SH["not"]}:
        inner = _member(shapes, said[SH["not"]], closure)
        found = ("not", inner) if inner is not None else None
    else:
        found = _member_shape(shapes, said, closure)
    if found is not None:
        closure.extend(shapes.triples((member, None, None)))
    return found


def _member_shape(shapes: Graph, said: dict[Node, Node], closure: list[Any]) -> Member | None:
    path = None
    if SH.path in said:
        path = _sparql_path(shapes, said[SH.path], closure)
        if path is None:
            return None
    constraints: list[tuple[Any, ...]] = []
    one, zero = Literal(1), Literal(0)
    rest = set(said) - {SH.path}
    if path is None and rest != {SH["class"]}:
        return None
    if SH.minCount in rest and said[SH.minCount] == one:
        constraints.append(("min1",))
    if SH.maxCount in rest and said[SH.maxCount] == zero:
        constraints.append(("max0",))
    if SH.hasValue in rest and isinstance(said[SH.hasValue], URIRef):
        constraints.append(("hasValue", said[SH.hasValue]))
    if SH["class"] in rest and path is None and isinstance(said[SH["class"]], URIRef):
        constraints.append(("class", said[SH["class"]]))
    if SH["in"] in rest:
        allowed = _list(shapes, said[SH["in"]], closure)
        if allowed and all(isinstance(value, URIRef) for value in allowed):
            constraints.append(("in", tuple(allowed)))
    qualified = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount} & rest
    if SH.qualifiedValueShape in qualified and len(qualified) > 1:
        bounds = [said.get(p) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount)]
        conforming = _conforming(shapes, said[SH.qualifiedValueShape], closure)
        if conforming is not None and all(bound in (None, zero, one) for bound in bounds):
            low, high = (None if bound is None else int(bound == one) for bound in bounds)
            constraints.append(("qualified", conforming, low, high))
    if not constraints or len(constraints) != len(rest) - len(qualified) + bool(qualified):
        return None  # a parameter not understood, or of a value not handled here
    return "shape", path, tuple(constraints)


def _conforming(shapes: Graph, node: Node, closure: list[Any]) -> tuple[Any, ...] | None:
    """The ``sh:qualifiedValueShape`` of a member, when it is one of the forms :data:`Member` names."""
    said = _blank_statements(shapes, node)
    if said is None:
        return None
    found: tuple[Any, ...] | None = None
    if set(said) == {SH.languageIn}:
        tags = _parameter(shapes, SH.languageIn, said[SH.languageIn], closure)
        found = ("languageIn", tags) if tags is not None else None
    elif set(said) == {SH["in"]}:
        allowed = _list(shapes, said[SH["in"]], closure)
        if allowed and all(isinstance(value, URIRef) for value in allowed):
            found = ("in", tuple(allowed))
    elif set(said) == {SH.path, SH.hasValue} and all(isinstance(said[p], URIRef) for p in said):
        found = ("hasValue", _iri(said[SH.path]), said[SH.hasValue])
    if found is not None:
        closure.extend(shapes.triples((node, None, None)))
    return found


def _sparql_path(shapes: Graph, path: Node, closure: list[Any], nested: bool = False) -> str | None:
    """A SHACL path as a SPARQL property path: an IRI, ``sh:inversePath`` or ``sh:zeroOrMorePath`` of one,
    or a sequence (list) of those; None for anything else."""
    if isinstance(path, URIRef):
        return _iri(path)
    if not isinstance(path, BNode):
        return None
    statements = list(shapes.triples((path, None, None)))
    kinds = {p for _s, p, _o in statements}
    if kinds == {RDF.first, RDF.rest} and not nested:
        members = _list(shapes, path, closure)
        steps = [_sparql_path(shapes, member, closure, nested=True) for member in members or ()]
        if len(steps) < 2 or any(step is None for step in steps):
            return None
        return "/".join(str(step) for step in steps)
    if len(statements) != 1 or not isinstance(statements[0][2], URIRef):
        return None
    if len(list(shapes.subject_predicates(path))) != 1:
        return None
    operators = {str(SH.inversePath): "^{}", str(SH.zeroOrMorePath): "{}*"}
    operator = operators.get(str(statements[0][1]))
    if operator is None:
        return None
    closure.extend(statements)
    return operator.format(_iri(statements[0][2]))


class _Names:
    """Fresh SPARQL variable names for nested patterns."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"?m{self.count}"


def _failing(member: Member, node: str, base: str, subclasses: dict[Node, set[Node]], names: _Names) -> str:
    """A group graph pattern: the solutions of ``base`` (a pattern binding the variable ``node``) where the
    member (see :data:`Member`) has a result at ``node``.

    Written with joins, ``MINUS`` and ``UNION`` only: Oxigraph evaluates a property path inside ``FILTER
    EXISTS`` from every node of the store, which takes minutes for a zero-or-more path on 1M triples."""
    if member[0] == "not":
        return f"{base} MINUS {{ {_failing(member[1], node, base, subclasses, names)} }}"
    _kind, path, constraints = member
    parts = []
    for constraint in constraints:
        value = names()
        reach = f"{node} {path} {value} ."
        if constraint[0] == "min1":
            parts.append(f"{base} MINUS {{ {reach} }}")
        elif constraint[0] == "max0":
            parts.append(f"{base} {reach}")
        elif constraint[0] == "hasValue":
            parts.append(f"{base} MINUS {{ {node} {path} {_iri(constraint[1])} . }}")
        elif constraint[0] == "in":
            parts.append(f"{base} {reach} FILTER(!({_one_of(value, constraint[1])}))")
        elif constraint[0] == "class":
            classes = set().union(subclasses.get(constraint[1], set()), {constraint[1]})
            listed = " ".join(_iri(c) for c in sorted(classes, key=str))
            parts.append(f"{base} MINUS {{ VALUES {value} {{ {listed} }} {node} a {value} . }}")
        else:
            _, conforming, low, high = constraint
            fits = _fitting(conforming, value)
            if low == 1:
                parts.append(f"{base} MINUS {{ {reach} {fits} }}")
            if high == 0:
                parts.append(f"{base} {reach} {fits}")
            if high == 1:
                other = names()
                parts.append(
                    f"{base} {reach} {fits} {node} {path} {other} . {_fitting(conforming, other)} "
                    f"FILTER(!sameTerm({value}, {other}))"
                )
    return " UNION ".join(f"{{ {part} }}" for part in parts) if parts else f"{base} FILTER(false)"


def _fitting(conforming: tuple[Any, ...], value: str) -> str:
    """A pattern keeping the solutions where ``value`` conforms to a qualified value shape."""
    if conforming[0] == "languageIn":
        return f"FILTER({_languages(value, conforming[1])})"
    if conforming[0] == "in":
        return f"FILTER({_one_of(value, conforming[1])})"
    return f"{value} {conforming[1]} {_iri(conforming[2])} ."


def _one_of(value: str, iris: Iterable[Node]) -> str:
    return " || ".join(f"sameTerm({value}, {_iri(iri)})" for iri in iris) or "false"


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
        return value if value in (RDF.langString, XSD.string) or value in CHECKED_DATATYPES else None
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
    if predicate == SH["or"]:  # of shapes that each say one sh:class, or each one sh:datatype
        members = _list(shapes, value, closure)
        said = []
        for member in members or ():
            statements = list(shapes.triples((member, None, None))) if isinstance(member, BNode) else []
            if len(statements) != 1 or statements[0][1] not in (SH["class"], SH.datatype):
                return None
            if not isinstance(statements[0][2], URIRef):
                return None
            if len(list(shapes.subject_predicates(member))) != 1:
                return None
            closure.extend(statements)
            said.append(statements[0][1:])
        if not said or len({kind for kind, _ in said}) != 1:
            return None
        if said[0][0] == SH.datatype:
            datatypes = tuple(datatype for _, datatype in said)
            return DatatypeChoice(datatypes) if set(datatypes) <= CHECKED_DATATYPES else None  # type: ignore[arg-type]
        return tuple(named for _, named in said)
    if predicate in (SH.lessThan, SH.lessThanOrEquals):
        return value if isinstance(value, URIRef) else None
    if predicate == SH["not"]:
        return _member(shapes, value, closure)
    if predicate == SH["and"]:
        found = [_member(shapes, member, closure) for member in _list(shapes, value, closure) or ()]
        return tuple(found) if found and all(member is not None for member in found) else None
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
    doubtful: frozenset[Node] = CHECKED_DATATYPES,
    claim: Callable[[], int] | None = None,
    written: Callable[[str], bool] | None = None,
) -> tuple[Graph, list[CompiledShape]]:
    """The results of the compiled shapes on ``store`` as a SHACL report graph, and the shapes whose results
    the store cannot give as written (see the module notes), left for the other engine.

    :param subclasses: each class with every class that is ``rdfs:subClassOf*`` it (itself included), from
        the data and the ontology: ``sh:class`` and ``sh:targetClass`` follow it as pyshacl does.
    :param doubtful: the :data:`CHECKED_DATATYPES` of which the data hold a literal that fails pyshacl's
        ``sh:datatype`` check as written (ill-typed); their ``sh:datatype`` shapes are left.
    :param written: whether the data hold this N-Triples line exactly (see :func:`_trusted`).
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
        if datatypes_of(shape) & doubtful:
            left.append(shape)
            continue
        results = list(_check(store, shape, subclasses))
        if not _trusted(store, shape, results, subclasses, written):
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
    store: pyoxigraph.Store,
    shape: CompiledShape,
    results: list[_Result],
    subclasses: dict[Node, set[Node]],
    written: Callable[[str], bool] | None = None,
) -> bool:
    """False when a result names a literal the store may hold in another form than the data (unless
    ``written`` finds the statement, as an N-Triples line, written with the store's form), a pattern reads
    such a literal, or the store cannot decide a comparison."""
    import pyoxigraph

    if any(result.component == _UNDECIDED for result in results):
        return False
    forward = shape.steps[0][0] if len(shape.steps) == 1 and not shape.steps[0][1] else None
    for result in results:
        if isinstance(result.focus, pyoxigraph.Literal) and not _plain_string(result.focus):
            return False
        if isinstance(result.value, pyoxigraph.Literal) and not _plain_string(result.value):
            if written is None or forward is None or not isinstance(result.focus, pyoxigraph.NamedNode):
                return False
            if not written(f"<{result.focus.value}> <{forward}> {result.value} .\n"):
                return False  # the store's form of the literal is not the form the data write
    if SH.pattern in shape.parameters:
        condition = "FILTER(isLiteral(?v) && datatype(?v) != xsd:string && lang(?v) = '')"
        valued = _step(shape) if _focus_of_values(shape) else f"{_focus(shape, subclasses)} {_step(shape)}"
        query = f"{_HEAD}SELECT ?f ?v WHERE {{ {valued} {condition} }}"
        if next(iter(select(store, query + " LIMIT 1")), None) is not None:
            return False
    return True


_ORDERS = (
    (SH.lessThan, "<", SH.LessThanConstraintComponent),
    (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent),
)
"""``sh:lessThan`` and ``sh:lessThanOrEquals``: checked on the store only where every pair compares as it
does in pyshacl (see :func:`_comparable`); any other pair sends the shape to the other engine."""


_UNDECIDED = SH["lessThan"] + "#undecided"
"""The component of a result that sends its shape to the other engine: a pair the store cannot compare."""


def _comparable() -> str:
    """A SPARQL condition: ``?v`` and ``?o`` are two integers, or two dates without a time zone. The caller
    makes sure that such literals are well-typed as written (see :func:`decidable`), so that rdflib's values,
    which pyshacl compares, are the store's."""
    plain_dates = "datatype(?v) = xsd:date && STRLEN(STR(?v)) = 10 && STRLEN(STR(?o)) = 10"
    return (
        "(isLiteral(?v) && isLiteral(?o) && datatype(?v) = datatype(?o) && "
        f"(datatype(?v) = xsd:integer || ({plain_dates})))"
    )


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
    """pyshacl's ``sh:languageIn`` test: the tag, or its first subtag, lower-cased, is in the list (for a
    list of primary tags, what ``langMatches`` tests)."""
    if "*" in languages:
        return f"(isLiteral({variable}) && lang({variable}) != '')"
    if not any("-" in language for language in languages):  # the same test, which Oxigraph runs faster
        ranges = " || ".join(f'langMatches(lang({variable}), "{language}")' for language in sorted(languages))
        return f"(isLiteral({variable}) && ({ranges}))"
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
        names = _Names()
        members = shape.parameters[_NODE_OR]
        every = " ".join(
            f"{{ SELECT DISTINCT ?f WHERE {{ {_failing(member, '?f', focus, subclasses, names)} }} }}"
            for member in members
        )
        for row in select(store, f"{_HEAD}SELECT ?f WHERE {{ {every} }}"):
            yield _Result(row["f"], row["f"], SH.OrConstraintComponent)
        return
    step = _step(shape)
    valued = step if _focus_of_values(shape) else f"{focus} {step}"
    parameters = shape.parameters

    def rows(query: str) -> Iterator[Any]:
        yield from select(store, _HEAD + query)

    def without(right: str, filtered: bool = False) -> str:
        """``focus`` less the nodes matching ``right``: a hash anti-join (MINUS) when the focus nodes are many
        against the path's statements and no filter runs on every statement, else a lookup per focus node
        (NOT EXISTS)."""
        if not filtered and _count(store, focus) * 8 > _count(store, step):
            return f"SELECT ?f WHERE {{ {focus} MINUS {{ {right} }} }}"
        return f"SELECT ?f WHERE {{ {focus} FILTER NOT EXISTS {{ {right} }} }}"

    def too_few(condition: str, count: int, component: URIRef) -> Iterator[_Result]:
        if count <= 0:
            return
        if count == 1:
            query = without(f"{step} {condition}", filtered=bool(condition))
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
    if isinstance(parameters.get(SH["or"]), DatatypeChoice):
        stored = sorted({_stored_as(datatype) for datatype in parameters[SH["or"]].datatypes}, key=str)
        condition = f"isLiteral(?v) && datatype(?v) IN ({', '.join(_iri(datatype) for datatype in stored)})"
        yield from failing(condition, SH.OrConstraintComponent)
    elif SH["or"] in parameters:
        yield from not_of_class(parameters[SH["or"]], SH.OrConstraintComponent)
    if SH.datatype in parameters:
        if parameters[SH.datatype] == RDF.langString:
            condition = "isLiteral(?v) && lang(?v) != ''"
        else:
            condition = f"isLiteral(?v) && datatype(?v) = {_iri(_stored_as(parameters[SH.datatype]))}"
        yield from failing(condition, SH.DatatypeConstraintComponent)
    if SH.nodeKind in parameters:
        yield from failing("isIRI(?v)", SH.NodeKindConstraintComponent)
    if SH["not"] in parameters:  # a value fails where the shape it must not conform to has no result
        conforming = _failing(("not", parameters[SH["not"]]), "?v", valued, subclasses, _Names())
        for row in rows(f"SELECT DISTINCT ?f ?v WHERE {{ {conforming} }}"):
            yield _Result(row["f"], row["v"], SH.NotConstraintComponent)
    if SH["and"] in parameters:
        names = _Names()
        members = parameters[SH["and"]]
        fails = " UNION ".join(
            f"{{ {_failing(member, '?v', valued, subclasses, names)} }}" for member in members
        )
        for row in rows(f"SELECT DISTINCT ?f ?v WHERE {{ {fails} }}"):
            yield _Result(row["f"], row["v"], SH.AndConstraintComponent)
    for parameter, operator, component in _ORDERS:
        if parameter in parameters:
            ordered = f"COALESCE({_comparable()} && ?v {operator} ?o, false)"
            query = (
                f"SELECT DISTINCT ?f ?v ?o (COALESCE({_comparable()}, false) AS ?c) WHERE {{ {valued} "
                f"?f {_iri(parameters[parameter])} ?o FILTER(!{ordered}) }}"
            )
            for row in rows(query):  # a result per pair, as pyshacl; a pair the store cannot compare: all go
                comparable = row["c"].value == "true"
                yield _Result(row["f"], row["v"], component if comparable else _UNDECIDED)
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
