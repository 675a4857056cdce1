"""SHACL validation, and a report a person can act on.

pyshacl does the checking; this module turns its results into plain :class:`Problem` records that name the
case file and line each focus node came from (``fz:caseFile`` / ``fz:caseFileLine`` in the data), in English
and Chinese, grouped by focus node. pyshacl's own output names neither, which is why this module exists.

It adds one check of its own: rdflib accepts ill-typed literals such as ``"abc"^^xsd:decimal`` silently, so
every ill-typed literal in the data is reported as a Violation, once, whatever the shapes say.

Nothing is fetched: ``owl:imports`` are stripped from the shapes (with a note in the report), and
SPARQL-based constraints that name other graphs or services are refused unless ``allow_network`` is set.

Outputs (:meth:`ValidationReport.to_text`, ``to_json``, ``to_turtle``) are deterministic: the same data give
the same bytes, whatever the blank-node labels of the parse.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ReadOnlyGraphAggregate

from .errors import InputError, LimitExceeded
from .limits import forked as _forked
from .terms import FZ, PREFIXES, SH

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = [
    "JSON_SCHEMA",
    "LEVELS",
    "SEVERITIES",
    "WELL_TYPED_CHECK",
    "NTriples",
    "Problem",
    "ValidationReport",
    "validate",
]

JSON_SCHEMA = "fazhi-kg/validation/1"
"""The ``"schema"`` key of :meth:`ValidationReport.to_json`; changes on any incompatible change."""

SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")
"""Severity names, most severe first."""

LEVELS: dict[str, int] = {"violation": 0, "warning": 1, "info": 2}
"""``--fail-on`` levels and their rank in :data:`SEVERITIES`."""

WELL_TYPED_CHECK = "https://w3id.org/fazhi/kg/checks#WellTypedLiteral"
"""The ``sh:sourceShape`` of ill-typed-literal results that no shape reported."""

_SH = str(SH)
_CHECK_SHAPE_CURIE = f"<{WELL_TYPED_CHECK}>"
_LABEL_LIMIT = 20
_COUNT_CONSTRAINTS = {_SH + "MinCountConstraintComponent", _SH + "MaxCountConstraintComponent"}


@dataclass(frozen=True)
class Problem:
    """One validation result in plain words.

    ``focus`` is the focus node's full IRI; ``path``, ``value``, ``source_shape`` and ``constraint`` are
    compact (the prefixes of :data:`kg.terms.PREFIXES`, ``<…>`` otherwise; ``path`` in SPARQL property-path
    syntax). ``detail`` adds what was found, e.g. ``found 0`` for a count constraint.
    """

    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    severity: str
    message_en: str
    message_zh: str | None
    source_shape: str
    constraint: str
    case_file: str | None
    case_file_line: int | None
    detail: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        """Case file, line, focus, path, message, then the rest: a total, deterministic order."""
        return (
            self.case_file is None,
            self.case_file or "",
            self.case_file_line or 0,
            self.focus,
            self.path or "",
            self.message_en,
            SEVERITIES.index(self.severity),
            self.value or "",
            self.constraint,
            self.source_shape,
            self.message_zh or "",
        )

    @property
    def place(self) -> str | None:
        """``file:line`` (or just the file) the focus node came from, if known."""
        if self.case_file is None:
            return None
        return self.case_file if self.case_file_line is None else f"{self.case_file}:{self.case_file_line}"


@dataclass(frozen=True)
class _Result:
    """The RDF terms of one result, kept to write the standard report graph."""

    problem: Problem
    focus: Node
    path: Node | None
    value: Node | None
    severity: Node
    constraint: Node
    shape: Node
    messages: tuple[Any, ...]
    path_triples: tuple[tuple[Node, Node, Node], ...]
    shape_path: Node | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: problems sorted, plus notes about what was ignored or stripped."""

    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()
    engine: str = "pyshacl"
    _results: tuple[_Result, ...] = field(default=(), repr=False, compare=False)

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (SHACL's own meaning of conformance)."""
        return self.conforms_at("violation")

    def conforms_at(self, level: str) -> bool:
        """True when no problem is at or above ``level`` (``violation``, ``warning`` or ``info``)."""
        rank = _level_rank(level)
        return not any(SEVERITIES.index(p.severity) <= rank for p in self.problems)

    @property
    def counts(self) -> dict[str, int]:
        """Problems per severity, every severity present, most severe first."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for problem in self.problems:
            counts[problem.severity] += 1
        return counts

    def by_focus(self) -> dict[str, list[Problem]]:
        """Problems grouped by focus node, groups in report order (case file, line, focus)."""
        groups: dict[str, list[Problem]] = {}
        for problem in self.problems:
            groups.setdefault(problem.focus, []).append(problem)
        return groups

    def summary(self) -> str:
        """``N violations, M warnings, K infos in X focus nodes``."""
        counts = self.counts
        parts = [_plural(counts[s], s.lower()) for s in SEVERITIES]
        return f"{', '.join(parts)} in {_plural(len(self.by_focus()), 'focus node')}"

    def to_text(self) -> str:
        """The report for people: one block per focus node, headed by its case file and line."""
        lines = [f"note: {note}" for note in self.notes]
        for problems in self.by_focus().values():
            lines.append(_focus_heading(problems[0]))
            lines.extend(_problem_line(p) for p in problems)
            lines.append("")
        lines.append(f"{self.summary()} (engine: {self.engine})")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as JSON; its schema ``fazhi-kg/validation/1`` is stable::

            {"schema": "fazhi-kg/validation/1",
             "conforms": bool,                       # no Violation
             "counts": {"violation": int, "warning": int, "info": int},
             "focus_nodes": int,                     # distinct focus nodes with a problem
             "notes": [str],                         # what was stripped or ignored (owl:imports)
             "engine": "pyshacl"|"fast",             # which SHACL engine ran (see validate)
             "prefixes": {prefix: namespace},        # the prefixes compact names use
             "problems": [                           # in report order
                 {"focus": IRI, "focus_label": str|null, "path": str|null, "value": str|null,
                  "severity": "Violation"|"Warning"|"Info", "message_en": str, "message_zh": str|null,
                  "source_shape": str, "constraint": str, "case_file": str|null,
                  "case_file_line": int|null, "detail": str|null}]}

        Keys may be added in a later version with the same schema id; none is removed or changes meaning.
        """
        counts = self.counts
        document = {
            "schema": JSON_SCHEMA,
            "conforms": self.conforms,
            "counts": {s.lower(): counts[s] for s in SEVERITIES},
            "focus_nodes": len(self.by_focus()),
            "notes": list(self.notes),
            "engine": self.engine,
            "prefixes": dict(sorted(PREFIXES.items())),
            "problems": [asdict(p) for p in self.problems],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def to_turtle(self) -> str:
        """The standard SHACL validation report graph, with blank nodes named deterministically.

        Its ``sh:conforms`` follows SHACL (false when there is any result, even a Warning); :attr:`conforms`
        and the JSON's ``"conforms"`` mean "no Violation", as ``--fail-on violation`` does.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rdflib warns on ill-typed numbers, which the report must keep
            return _report_graph(self).serialize(format="turtle")


# --- validate ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NTriples:
    """RDF data as N-Triples text (see :func:`kg.loading.read_ntriples`): what the fast engine parses itself,
    natively, without building an rdflib graph; ``source`` names it in syntax errors."""

    text: str
    source: str = "data"
    store: Path | None = None
    """A kg store loaded from this very text (the build's ``dist.store`` when it matches ``dataset.nt``, or
    the ``--store`` whose copy this is): the fast engine checks the shapes it can compile to SPARQL there."""

    @classmethod
    def from_graph(cls, graph: Graph) -> NTriples:
        """The triples of an rdflib graph, literals as written, blank nodes keeping their labels where they
        can (so that statements shared with a shapes graph in the same rdflib graph are recognised)."""
        from .store import _ntriples

        return cls("".join(_ntriples(graph, keep_blank_labels=True)), "data")

    def graph(self) -> Graph:
        """The data as an rdflib graph, literals as written (what the reference engine reads)."""
        from .loading import quads_to_graph

        return quads_to_graph(self._quads())

    def _quads(self) -> Iterable[Any]:
        import pyoxigraph

        from .loading import RdfFormat, syntax_error

        try:
            yield from pyoxigraph.parse(self.text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as error:
            raise syntax_error(self.source, RdfFormat.NTRIPLES, error) from None


def validate(
    data: Graph | NTriples,
    *,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    timeout: float | None = None,
    allow_network: bool = False,
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate ``data`` against SHACL ``shapes`` and report every problem with the case file and line.

    :param data: the graph to check (it is not changed), or N-Triples text: the fast engine reads that without
        an rdflib graph, which is most of its speed on a large dataset.
    :param shapes: a shapes graph; default: every shipped shapes file merged.
    :param ontology: its ``rdfs:subClassOf`` axioms join the data (in a read-only view, no copy) so that an
        instance of a subclass counts for ``sh:class`` and ``sh:targetClass``; default: the shipped ontology.
    :param timeout: seconds before the work stops with :class:`~kg.errors.LimitExceeded` (it runs in a
        forked worker, see :mod:`kg.limits`).
    :param allow_network: let SPARQL-based constraints use ``FROM``/``SERVICE``/``LOAD``.
    :param engine: ``pyshacl`` (the reference) or ``fast``: the plain property shapes as SPARQL on the store
        the N-Triples text was loaded into (``NTriples.store``, see :mod:`kg.shacl_sparql`) where the store's
        canonical literals cannot change a result, and pyshacl-turbo, a Rust SHACL engine with pyshacl's API,
        with the same settings on the text as written for the rest; the report's names, places and the
        ill-typed check come from one pass of Oxigraph's parser over that text, keeping only what the results
        need. The tests hold its reports identical to pyshacl's on the dataset, on every shape's examples, on
        every compiled constraint component, and on the W3C core suite where pyshacl passes.
    :raises InputError: the shapes are not valid SHACL, or a SPARQL constraint reaches outside the data.
    :raises LimitExceeded: over ``timeout``, or input too deeply nested.

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fz: <https://w3id.org/fazhi/ontology#> .
    ...   <urn:s> a sh:NodeShape ; sh:targetClass fz:Case ;
    ...     sh:property [ sh:path fz:region ; sh:minCount 1 ; sh:message "a case has a region"@en ] .''')
    >>> data = Graph().parse(format="turtle", data='''
    ...   @prefix fz: <https://w3id.org/fazhi/ontology#> .
    ...   <urn:c> a fz:Case ; fz:caseFile "data/cases/x.yaml" ; fz:caseFileLine 1 .''')
    >>> report = validate(data, shapes=shapes, ontology=Graph())
    >>> print(report.to_text(), end="")
    data/cases/x.yaml:1  urn:c
      Violation  fz:region — a case has a region; found 0
    <BLANKLINE>
    1 violation, 0 warnings, 0 infos in 1 focus node (engine: pyshacl)
    """
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
    notes: list[str] = []
    shapes_graph = _without_imports(shapes if shapes is not None else _default_shapes(), "shapes", notes)
    if not allow_network:
        _refuse_outside_access(shapes_graph)
    ontology_graph = ontology if ontology is not None else _default_ontology()

    def work() -> ValidationReport:
        if engine == "fast":
            text = data if isinstance(data, NTriples) else NTriples.from_graph(data)
            return replace(_validate_fast(text, shapes_graph, ontology_graph, notes), engine=engine)
        graph = data.graph() if isinstance(data, NTriples) else data
        if (None, OWL.imports, None) in graph:
            notes.append(_IMPORTS_NOTE)
        results = _run_pyshacl(_with_subclass_axioms(graph, ontology_graph), shapes_graph)
        return replace(_report(results, graph, shapes_graph, notes), engine=engine)

    if timeout is None:
        return work()
    from .limits import run_with_timeout

    return run_with_timeout(work, timeout=timeout, what="validation")


ENGINES = ("pyshacl", "fast")
"""The SHACL engines :func:`validate` can run."""

_IMPORTS_NOTE = "owl:imports in the data were ignored; nothing is fetched"


def _validate_fast(data: NTriples, shapes: Graph, ontology: Graph, notes: list[str]) -> ValidationReport:
    """The shapes :mod:`kg.shacl_sparql` compiles, as SPARQL on the store holding the data when there is one
    that can tell (:func:`_store_for`), shared between this process and a forked one on the other core
    (the fork first: meanwhile this one reads the typed literals of the text, which tell whether the store
    decides each datatype and comparison as written, :func:`kg.shacl_sparql.decidable`); pyshacl-turbo on
    the N-Triples text plus the ontology's class hierarchy for the rest, reading only the statements those
    shapes can reach (:func:`_relevant`), and for the shapes whose results the store cannot give as written
    (their store results are dropped). Then the report from one parse of the text that keeps only the
    statements the results need (see :func:`_report_context`)."""
    axioms = _subclass_axioms(ontology)
    text = data.text if data.text.endswith("\n") or not data.text else data.text + "\n"
    store = _store_for(data, text, count=False)
    compiled = []
    typed: set[tuple[str, str]] | None = None
    if store is not None:
        from . import shacl_sparql

        compiled = shacl_sparql.compile_shapes(shapes)
    results: Graph | None = None
    if compiled and store is not None:
        claim = _shared_counter(len(compiled))
        on_store = _forked(_run_compiled, store, compiled, axioms, frozenset(), claim, text)
        holds_text = False
        try:  # meanwhile: whether the store holds the text's very statements, and which shapes it decides
            holds_text = _store_for(data, text) is not None  # as the text is written (datatypes, comparisons)
            if holds_text:
                uses: set[tuple[str, str]] = set()
                typed = _typed_literals(text, uses)
                doubtful = _doubtful_datatypes(typed)
                known = uses if typed is not None else None
                undecided: set[Node] = {
                    shape.node for shape in compiled if not shacl_sparql.decidable(shape, doubtful, known)
                }
                results = _run_turbo(data, text, shacl_sparql.without(shapes, compiled), axioms)
                mine, left = ([], []) if claim is None else _run_compiled(
                    store, compiled, axioms, frozenset(), claim, text
                )
        except BaseException:
            on_store(cancel=True)
            raise
        finally:
            while claim and claim() < len(compiled):  # taken by nobody now (after an error): read to the end
                pass
        if not holds_text:
            on_store(cancel=True)
            store = None
        else:
            triples, theirs = on_store()
            left = sorted(set(left) | set(theirs) | undecided, key=str)
            on_text = results if results is not None else Graph()
            for triple in _without_results_of(undecided, [*mine, *triples]):
                on_text.add(triple)
            if left:  # rare: results naming literals the store holds in canonical form, ill-typed literals
                again = shacl_sparql.only(shapes, [shape for shape in compiled if shape.node in left])
                on_text += _run_turbo(data, text, again, axioms)
            results = on_text
    if results is None:
        results = _run_turbo(data, text, shapes, axioms)
    if store is None:
        _check_syntax(data)  # the store was loaded from this very text; else it is read here, errors named
    context, imports = _report_context(data, results, store, typed)
    if imports:
        notes.append(_IMPORTS_NOTE)
    return _report(results, context, shapes, notes)


def _without_results_of(shapes: set[Node], triples: list[Any]) -> list[Any]:
    """The report triples less the results whose source shape is one of ``shapes``."""
    dropped = {s for s, p, o in triples if p == SH.sourceShape and o in shapes}
    if not dropped:
        return triples
    return [triple for triple in triples if triple[0] not in dropped and triple[2] not in dropped]


def _run_turbo(data: NTriples, text: str, shapes: Graph, axioms: Graph) -> Graph:
    """pyshacl-turbo's results for ``shapes`` on the statements of the text they can read (none to run when
    no shape has a focus node)."""
    from .store import _ntriples

    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    if not any((None, t, None) in shapes for t in targets) and (None, RDF.type, RDFS.Class) not in shapes:
        return Graph()
    try:
        return _run_pyshacl(_relevant(text, shapes) + "".join(_ntriples(axioms)), shapes, turbo=True)
    except (InputError, ValueError):  # pyshacl-turbo's parser raises ValueError
        _check_syntax(data)  # a data syntax error is the user's error to name (file, line, column)
        raise


def _run_compiled(
    store: Path,
    compiled: list[Any],
    axioms: Graph,
    doubtful: frozenset[Node],
    claim: Callable[[], int] | None = None,
    text: str | None = None,
) -> tuple[list[Any], list[Node]]:
    """The compiled shapes' results on the store (plain triples, to cross a process boundary) and the
    shapes left to pyshacl-turbo; with ``claim``, only the shapes this process claims (see
    :func:`kg.shacl_sparql.run`). ``text``, sorted by line, tells which literals are written as the store
    gives them."""
    from . import shacl_sparql
    from .store import ONTOLOGY_GRAPH, open_store

    opened = open_store(store)
    if any(getattr(graph, "value", None) != ONTOLOGY_GRAPH for graph in opened.named_graphs()):
        return [], [shape.node for shape in compiled]  # data in named graphs (kg load of TriG): the text
    def written(line: str) -> bool:
        return text is not None and line in _subject_lines(text, line[: line.index("> ") + 2])

    subclasses = _subclasses(axioms, opened)
    results, left = shacl_sparql.run(opened, compiled, subclasses, doubtful, claim, written)
    return list(results), [shape.node for shape in left]


def _shared_counter(count: int) -> Callable[[], int] | None:
    """A counter from 0 to ``count`` shared with forked children: each call, in any of them, returns the next
    number, then ``count`` once all are taken. The numbers wait in a pipe, written before the fork in one
    write of at most ``PIPE_BUF`` bytes (whole, at once); a read of 4 bytes is atomic. (No shared-memory
    file: the sandbox refuses those.) None for more numbers than that write holds."""
    import os
    import select
    import struct

    numbers = b"".join(struct.pack("<I", number) for number in range(count))
    if len(numbers) > getattr(select, "PIPE_BUF", 512):
        return None
    read_end, write_end = os.pipe()
    try:
        if os.write(write_end, numbers) != len(numbers):
            raise RuntimeError("validation: the shapes to share were not all written")
    finally:
        os.close(write_end)

    done = False

    def claim() -> int:
        nonlocal done
        chunk = b"" if done else os.read(read_end, 4)
        if len(chunk) == 4:
            return int(struct.unpack("<I", chunk)[0])
        if not done:
            done = True
            os.close(read_end)
        return count

    return claim


def _store_for(data: NTriples, text: str, count: bool = True) -> Path | None:
    """The data's store when it holds exactly the triples of the text as they are written:
    no blank nodes (the store renames them) and as many triples as the text has lines (so no two written
    literals became one canonical literal); else None, and every shape runs on the text. Without
    ``count``, the lines are not counted (the caller does that while the store's worker starts)."""
    import json

    if data.store is None or "_:" in text:
        return None
    try:
        held = json.loads((Path(data.store) / "kg-store.json").read_text()).get("quads")
    except (OSError, ValueError, AttributeError):
        return None
    if not count:
        return Path(data.store) if isinstance(held, int) else None
    lines = text.count("\n<") + text.startswith("<")
    if not isinstance(held, int) or held != lines or lines != text.count("\n"):
        return None
    return Path(data.store)


def _subclasses(axioms: Graph, store: Any) -> dict[Node, set[Node]]:
    """Each class with every class below it along ``rdfs:subClassOf*`` in the ontology and the data."""
    from .store import to_rdflib

    below: dict[Node, set[Node]] = {}
    pairs = list(axioms.subject_objects(RDFS.subClassOf))
    query = f"SELECT ?s ?o WHERE {{ ?s <{RDFS.subClassOf}> ?o }}"
    pairs.extend((to_rdflib(row["s"]), to_rdflib(row["o"])) for row in store.query(query))
    for sub, sup in pairs:
        below.setdefault(sup, set()).add(sub)
    closed: dict[Node, set[Node]] = {}
    for top in below:
        found, todo = {top}, [top]
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        closed[top] = found
    return closed


_CORE = {
    SH[name]
    for name in (
        "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
        "path", "inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath",
        "property", "node", "class", "datatype", "nodeKind", "minCount", "maxCount",
        "minExclusive", "minInclusive", "maxExclusive", "maxInclusive", "minLength", "maxLength",
        "pattern", "flags", "languageIn", "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals",
        "not", "and", "or", "xone", "hasValue", "in",
        "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
        "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue",
    )
}
"""The SHACL core terms whose checks read only statements whose predicate the shapes name (with rdf:type
and rdfs:subClassOf). ``sh:closed``, SPARQL-based constraints and anything else read more."""


def _relevant(text: str, shapes: Graph) -> str:
    """The lines of the N-Triples text whose predicate the shapes name as a subject or object (a path, a
    target, a class…), or rdf:type or rdfs:subClassOf: all that SHACL core checks read, so pyshacl-turbo
    parses and indexes less. The whole text when the shapes use anything outside :data:`_CORE`."""
    named: set[str] = {str(RDF.type), str(RDFS.subClassOf)}
    for s, p, o in shapes:
        if str(p).startswith(_SH) and p not in _CORE:
            return text
        named.update(str(term) for term in (s, o) if isinstance(term, URIRef))
    if any(BAD_PREDICATE.search(iri) for iri in named) or any(c in text for c in ("\\u", "\\U", "\t", "\r")):
        return text  # an escaped IRI would not match its name; other blanks would not split as below
    if text.startswith(" ") or "\n " in text:
        return text
    wanted = {f"<{iri}>" for iri in named}
    kept = []
    for line in text.split("\n"):  # not splitlines: a literal may hold U+2028 and the like as they are
        start = line.find(" ") + 1
        if line[start : line.find(">", start) + 1] in wanted:
            kept.append(line)
    return "\n".join(kept) + "\n" if kept else ""


BAD_PREDICATE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_syntax(data: NTriples) -> None:
    from collections import deque

    deque(data._quads(), maxlen=0)


def _report_context(
    data: NTriples, results: Graph, store: Path | None = None, typed: set[tuple[str, str]] | None = None
) -> tuple[Graph, bool]:
    """What :func:`_report` reads of the data, from one pass over it, and whether it says ``owl:imports``.

    Kept: every statement about or pointing at a focus node or a (non-literal) value of a result, or at the
    subject of an ill-typed literal (the check of :func:`_ill_typed_literals`, on the literal as written), and
    the case file and line of the nodes pointing at them. Ill-typed literals found on other subjects cost a
    second pass.
    """
    from .store import to_oxigraph

    nodes = set()
    for result in results.objects(None, SH.result):
        for predicate in (SH.focusNode, SH.value):
            node = results.value(result, predicate)
            if isinstance(node, URIRef | BNode):
                nodes.add(to_oxigraph(node))
    if store is not None:
        searched = _stored_context(data.text, store, nodes, typed)
    else:
        searched = _searched_context(data.text, nodes)
    if searched is not None:
        return searched
    context, ill_typed_subjects, imports = _gather(data, nodes)
    if not ill_typed_subjects <= nodes:
        context, _, imports = _gather(data, nodes | ill_typed_subjects)
    return context, imports


_SEARCH_NODES = 64
"""At most this many nodes are looked up by search (each a scan of the text); more take the full pass."""


def _searched_context(text: str, nodes: set[Any]) -> tuple[Graph, bool] | None:
    """What :func:`_report_context` keeps, found by searching the text instead of parsing all of it: the
    ill-typed statements (:func:`_ill_typed_statements`), then only the lines naming a node or
    ``owl:imports`` are parsed. A few results on a large dataset then cost a few scans of the text.

    None (take the full pass) when the search could miss a statement (see :func:`_ill_typed_statements`),
    for blank nodes, or for too many nodes to look up."""
    import pyoxigraph

    if any(type(node) is not pyoxigraph.NamedNode for node in nodes):
        return None
    try:
        kept = _ill_typed_statements(text)
        if kept is None:
            return None
        wanted = nodes | {quad.subject for quad in kept}
        if len(wanted) > _SEARCH_NODES:
            return None
        touching = [quad for node in wanted for quad in _lines_with(text, f"<{node.value}>")]
        kept.extend(quad for quad in touching if quad.subject in wanted or quad.object in wanted)
        pointing = {quad.subject for quad in kept if quad.object in wanted} - wanted
        if len(pointing) > 4 * _SEARCH_NODES:
            return None
        touching.extend(quad for node in pointing for quad in _lines_with(text, f"<{node.value}>"))
        kept.extend(_origins(touching, pointing | wanted))
        imports = pyoxigraph.NamedNode(str(OWL.imports))
        said_imports = any(quad.predicate == imports for quad in _lines_with(text, f"<{imports.value}>"))
    except SyntaxError:
        return None
    from .loading import quads_to_graph

    return quads_to_graph(kept), said_imports


def _stored_context(
    text: str, store: Path, nodes: set[Any], typed: set[tuple[str, str]] | None = None
) -> tuple[Graph, bool] | None:
    """What :func:`_report_context` keeps, for a text sorted by line whose store holds exactly its
    statements (:func:`_store_for`): the store names the subjects linking to the nodes and how many
    statements each subject has (IRIs, which it keeps as written); each subject's lines are then found in the
    text by binary search, and taken only when they are exactly that many, so literals come as written.

    None (take the full pass) when a subject's lines are not found that way (a text not sorted by line)."""
    import pyoxigraph

    from .loading import quads_to_graph
    from .store import ONTOLOGY_GRAPH, open_store, select

    kept = _ill_typed_statements(text, typed)
    if kept is None or any(type(node) is not pyoxigraph.NamedNode for node in nodes):
        return None
    wanted = nodes | {quad.subject for quad in kept}
    opened = open_store(store)
    if any(getattr(graph, "value", None) != ONTOLOGY_GRAPH for graph in opened.named_graphs()):
        return None  # data in named graphs (kg load of TriG): the default graph's counts say nothing
    iris = " ".join(f"<{node.value}>" for node in wanted)
    query = f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ {iris} }} ?s ?p ?o }}"
    subjects = wanted | {row["s"] for row in select(opened, query)}
    if any(type(subject) is not pyoxigraph.NamedNode for subject in subjects):
        return None
    iris = " ".join(f"<{subject.value}>" for subject in subjects)
    query = f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ VALUES ?s {{ {iris} }} ?s ?p ?o }} GROUP BY ?s"
    counts = {row["s"]: int(row["n"].value) for row in select(opened, query)}
    query = f"SELECT ?s WHERE {{ ?s <{OWL.imports}> ?o }} LIMIT 1"
    said_imports = next(iter(select(opened, query)), None) is not None
    lines = []
    for subject in subjects:
        found = _subject_lines(text, f"<{subject.value}> ")
        if len(found) != counts.get(subject, 0):
            return None
        lines.extend(found)
    try:
        written = "".join(lines).encode("utf-8")
        touching = list(pyoxigraph.parse(written, format=pyoxigraph.RdfFormat.N_TRIPLES))
    except SyntaxError:
        return None
    if len(touching) != len(lines) or any(quad.subject not in subjects for quad in touching):
        return None
    kept.extend(quad for quad in touching if quad.subject in wanted or quad.object in wanted)
    kept.extend(_origins(touching, subjects))
    return quads_to_graph(kept), said_imports


def _subject_lines(text: str, key: str) -> list[str]:
    """The lines of a text sorted by line that start with ``key`` (binary search; each with its newline)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        start = text.rfind("\n", low, middle) + 1 or low
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start : start + len(key)] < key:
            low = end + 1
        else:
            high = start
    found = []
    while text.startswith(key, low):
        end = text.find("\n", low)
        end = len(text) if end < 0 else end
        found.append(text[low:end] + "\n")
        low = end + 1
    return found


def _origins(quads: Iterable[Any], subjects: set[Any]) -> Iterator[Any]:
    """The case file and line statements of ``subjects`` among ``quads``."""
    import pyoxigraph

    origin = {pyoxigraph.NamedNode(str(FZ.caseFile)), pyoxigraph.NamedNode(str(FZ.caseFileLine))}
    return (quad for quad in quads if quad.predicate in origin and quad.subject in subjects)


def _typed_literals(text: str, uses: set[tuple[str, str]] | None = None) -> set[tuple[str, str]] | None:
    """Each distinct typed literal of the N-Triples text as written: (lexical form with its escapes, datatype
    IRI). Each is found by its ``"^^<``, its lexical form running from the line's first quote (subject and
    predicate hold none). None when that could miss one: escapes (``\\u`` could write anything), or a ``^^``
    elsewhere.

    :param uses: if given, gets each (predicate IRI, datatype IRI) the literals are written with (the
        predicate is the line's second term: after the first space, as the subject, an IRI or a blank node
        label, holds none); None (not known) when a line has other blanks there."""
    if "\\u" in text or "\\U" in text or text.count("^^") != text.count('"^^<'):
        return None
    typed = set()
    find, rfind = text.find, text.rfind
    at = find('"^^<')
    while at >= 0:
        end = find(">", at)
        line = rfind("\n", 0, at) + 1
        typed.add((text[find('"', line, at) + 1 : at], text[at + 4 : end]))
        if uses is not None:
            start = find(" ", line) + 2
            stop = find(">", start)
            if text[start - 1 : start] != "<" or text[stop + 1 : stop + 2] != " ":
                return None  # not one space between the terms: the predicate is not where it is looked for
            uses.add((text[start:stop], text[at + 4 : end]))
        at = find('"^^<', end)
    return typed


def _doubtful_datatypes(typed: set[tuple[str, str]] | None) -> frozenset[Node]:
    """The datatypes the store checks (:data:`kg.shacl_sparql.CHECKED_DATATYPES`) of which the text holds a
    literal that fails pyshacl's own ``sh:datatype`` test as written (every one, when not known)."""
    from .shacl_sparql import CHECKED_DATATYPES

    if typed is None:
        return CHECKED_DATATYPES
    import pyoxigraph
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    from .store import to_rdflib

    fits = DatatypeConstraintComponent._assert_actual_datatype  # pyshacl's test, after its ill-typed one
    doubtful = set()
    for raw, datatype in typed:
        iri = URIRef(datatype)
        if iri in CHECKED_DATATYPES and iri not in doubtful:
            literal = pyoxigraph.Literal(_lexical(raw, datatype), datatype=pyoxigraph.NamedNode(datatype))
            written = to_rdflib(literal)
            if getattr(written, "ill_typed", None) is True or not fits(None, written, iri):  # type: ignore[no-untyped-call, arg-type]
                doubtful.add(iri)
    return frozenset(doubtful)


def _ill_typed_statements(text: str, typed: set[tuple[str, str]] | None = None) -> list[Any] | None:
    """Every statement of the N-Triples text whose literal is ill-typed (:func:`_is_ill_typed`): each
    distinct typed literal (:func:`_typed_literals`, or ``typed`` when already found) is checked once, and
    only the lines holding an ill-typed one are parsed. None when the typed literals are not known."""
    import pyoxigraph

    typed = typed if typed is not None else _typed_literals(text)
    if typed is None:
        return None
    plain = {str(RDF.langString), PREFIXES["xsd"] + "string"}
    verdicts: dict[tuple[str, str], bool] = {}
    try:
        ill_typed = [pair for pair in typed if pair[1] not in plain and _ill_typed_written(*pair, verdicts)]
        return [
            quad
            for raw, datatype in ill_typed
            for quad in _lines_with(text, f'"{raw}"^^<{datatype}>')
            if type(quad.object) is pyoxigraph.Literal
            and (quad.object.value, quad.object.datatype.value) == (_lexical(raw, datatype), datatype)
        ]
    except SyntaxError:
        return None


def _ill_typed_written(raw: str, datatype: str, verdicts: dict[tuple[str, str], bool]) -> bool:
    """Whether the literal written ``"raw"^^<datatype>`` (N-Triples escapes undone) is ill-typed."""
    key = (_lexical(raw, datatype), datatype)
    verdict = verdicts.get(key)
    if verdict is None:
        verdict = verdicts[key] = _is_ill_typed(Literal(key[0], datatype=URIRef(datatype), normalize=False))
    return verdict


def _lexical(raw: str, datatype: str) -> str:
    """The lexical form of the literal written ``"raw"^^<datatype>`` in N-Triples."""
    import pyoxigraph

    if "\\" not in raw:
        return raw
    (quad,) = pyoxigraph.parse(
        f'<urn:x> <urn:x> "{raw}"^^<{datatype}> .\n', format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    return str(quad.object.value)


def _lines_with(text: str, needle: str) -> list[Any]:
    """The statements of every line of the N-Triples text that holds ``needle`` (raises SyntaxError)."""
    import pyoxigraph

    spans = set()
    at = text.find(needle)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        spans.add((start, end))
        at = text.find(needle, end)
    if not spans:
        return []
    lines = "\n".join(text[start:end] for start, end in sorted(spans)) + "\n"
    return list(pyoxigraph.parse(lines.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))


def _gather(data: NTriples, nodes: set[Any]) -> tuple[Graph, set[Any], bool]:
    """One pass of :func:`_report_context`: the context graph, the subjects of ill-typed literals, and
    whether the data say ``owl:imports``."""
    import pyoxigraph

    from .loading import quads_to_graph

    origin = {pyoxigraph.NamedNode(str(FZ.caseFile)), pyoxigraph.NamedNode(str(FZ.caseFileLine))}
    imports = pyoxigraph.NamedNode(str(OWL.imports))
    special = {*origin, imports}
    plain = {str(RDF.langString), PREFIXES["xsd"] + "string"}
    literal_type = pyoxigraph.Literal
    verdicts: dict[tuple[str, str], bool] = {}
    ill_typed_subjects = set()
    kept: list[Any] = []
    origins: list[Any] = []
    said_imports = False
    for quad in data._quads():
        subject, predicate, value = quad.subject, quad.predicate, quad.object
        if subject in nodes or value in nodes:
            kept.append(quad)
        elif type(value) is literal_type:
            datatype = value.datatype.value
            if datatype not in plain:
                key = (value.value, datatype)
                verdict = verdicts.get(key)
                if verdict is None:
                    verdict = verdicts[key] = _is_ill_typed(
                        Literal(value.value, datatype=URIRef(datatype), normalize=False)
                    )
                if verdict:
                    kept.append(quad)
                    ill_typed_subjects.add(subject)
        if predicate in special:
            if predicate == imports:
                said_imports = True
            else:
                origins.append(quad)
    pointing = {quad.subject for quad in kept if quad.object in nodes}
    kept.extend(quad for quad in origins if quad.subject in pointing or quad.subject in nodes)
    return quads_to_graph(kept), ill_typed_subjects, said_imports


def _with_subclass_axioms(data: Graph, ontology: Graph) -> Graph:
    """The data plus the ontology's ``rdfs:subClassOf`` triples, as a read-only view.

    pyshacl's own ``ont_graph`` mixes the whole ontology into a copy of the data: a third of the run time on
    the full dataset, for nothing that SHACL core without inference reads except the class hierarchy.
    """
    axioms = _subclass_axioms(ontology)
    if len(axioms) == 0:
        return data
    return ReadOnlyGraphAggregate([data, axioms])


def _subclass_axioms(ontology: Graph) -> Graph:
    """The ontology's ``rdfs:subClassOf`` triples: all that SHACL core without inference reads of it, which
    both engines add to the data."""
    axioms = Graph()
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        axioms.add(triple)
    return axioms


def _run_pyshacl(data: Graph | str, shapes: Graph, *, turbo: bool = False) -> Graph:
    """pyshacl (or, with ``turbo``, pyshacl-turbo through the same API, on a graph or N-Triples text) with
    every optional feature off; its errors become the user's input errors."""
    run: Callable[..., Any]
    refusal: type[Exception]
    if turbo:
        import pyshacl_turbo
        from pyshacl_turbo.rdf import Input

        if isinstance(data, str):  # parsed natively; blank-node labels kept, as the report reads them
            data = Input(data, "nt", None, {}, {}, preserve_ids=True)  # type: ignore[assignment]
        run, refusal = pyshacl_turbo.validate, pyshacl_turbo.ReportableRuntimeError
    else:
        import pyshacl
        from pyshacl.errors import ReportableRuntimeError

        run, refusal = pyshacl.validate, ReportableRuntimeError

    try:
        with warnings.catch_warnings():
            # pyshacl's text report prints ill-typed numbers and rdflib warns; they are reported here
            warnings.filterwarnings("ignore", message="Serializing weird", category=UserWarning)
            outcome: tuple[bool, Graph, str] = run(
                data,
                shacl_graph=shapes,
                inplace=not turbo,  # pyshacl-turbo writes into an in-place graph; the view is read-only
                inference="none",
                advanced=False,
                allow_warnings=True,
                allow_infos=True,
                abort_on_first=False,
                meta_shacl=False,
                js=False,
                do_owl_imports=False,
            )
    except refusal as error:
        detail = getattr(error, "message", None) or str(error)
        raise InputError(f"shapes: not valid SHACL: {detail}; fix the shapes file") from error
    except RecursionError as error:
        raise LimitExceeded("validation: input too deeply nested (a path or list is too long)") from error
    return outcome[1]


def _default_shapes() -> Graph:
    from .loading import read_rdf_files
    from .resources import shapes_dir, shapes_files

    files = shapes_files()
    if not files:
        raise InputError(f"no SHACL shapes files in {shapes_dir()}; pass the shapes to use with --shapes")
    return read_rdf_files(files)


def _default_ontology() -> Graph:
    from .loading import read_rdf
    from .resources import ontology_file

    path = ontology_file()
    return read_rdf(path) if path.is_file() else Graph()


# --- guards ------------------------------------------------------------------------------------------

def _without_imports(graph: Graph, what: str, notes: list[str]) -> Graph:
    """The graph itself, or a copy without its ``owl:imports`` (noted), so that nothing can be fetched."""
    imports = list(graph.triples((None, OWL.imports, None)))
    if not imports:
        return graph
    targets = ", ".join(sorted(f"<{o}>" for _s, _p, o in imports))
    notes.append(f"owl:imports in the {what} were stripped and not fetched: {targets}")
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    for triple in graph:
        if triple[1] != OWL.imports:
            copy.add(triple)
    return copy


def _refuse_outside_access(shapes: Graph) -> None:
    """Refuse SPARQL-based constraints that read other graphs, call services or load documents.

    Each ``sh:select``, ``sh:ask`` and ``sh:construct`` goes through the same guard as ``kg query``
    (:func:`kg.query.check`: parsed, escapes expanded, the algebra walked), with the prefixes the shapes
    declare (``sh:declare``). ``sh:update`` belongs to SHACL rules, which kg never runs.
    """
    from .query import check

    declared = sorted(_declared_prefixes(shapes).items())
    header = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in declared)
    for keyword in ("select", "ask", "construct"):
        for node, text in sorted(shapes.subject_objects(SH[keyword])):
            node = shapes.value(predicate=SH.sparql, object=node) or node  # name the shape, not its bnode
            try:
                check(header + str(text))
            except LimitExceeded as error:
                raise LimitExceeded(f"shapes: the SPARQL of {_compact(node)}: {error}") from None
            except InputError as error:
                reason = str(error).removeprefix("query: ")
                raise InputError(
                    f"shapes: the SPARQL constraint of {_compact(node)} is refused: {reason}"
                ) from None


def _declared_prefixes(shapes: Graph) -> dict[str, str]:
    """Every ``sh:prefix``/``sh:namespace`` pair the shapes declare (SHACL-SPARQL's ``sh:prefixes``)."""
    declared: dict[str, str] = {}
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if (
            prefix is not None
            and namespace is not None
            and re.fullmatch(r"[A-Za-z][\w.-]*|", str(prefix))
            and not re.search(r'[\s<>"{}|^`\\]', str(namespace))
        ):
            declared[str(prefix)] = str(namespace)
    return declared


# --- reading pyshacl's results ---------------------------------------------------------------------------


def _report(results: Graph, data: Graph, shapes: Graph, notes: list[str]) -> ValidationReport:
    """Plain, sorted problems from pyshacl's results and from the ill-typed-literal check.

    An ill-typed literal is reported once: by the shape's result when a shape already reported that value at
    that focus node and path (an ``sh:datatype`` result then gets this module's clearer message), else by a
    result of this module's own. Only top-level results count, not the ``sh:detail`` inside them.
    """
    ill_typed = _ill_typed_literals(data, shapes)
    context = _Context(data, shapes)
    records: list[_Result] = []
    reported: set[tuple[Node, Node, Node]] = set()
    for report in results.subjects(RDF.type, SH.ValidationReport):
        for node in results.objects(report, SH.result):
            raw = _read_result(results, node)
            key = (raw["focus"], raw["path"], raw["value"])
            if key in ill_typed:
                reported.add(key)
                if raw["constraint"] == SH.DatatypeConstraintComponent:
                    raw["messages"] = _ill_typed_messages(raw["value"])
            records.append(context.result(raw, results))
    unreported = sorted(
        ill_typed - reported, key=lambda k: (str(k[0]), str(k[1]), str(k[2]), str(k[2].datatype))
    )
    records.extend(context.ill_typed(key) for key in unreported)
    ordered = sorted(records, key=lambda r: r.problem.sort_key())
    return ValidationReport(
        problems=tuple(r.problem for r in ordered), notes=tuple(notes), _results=tuple(ordered)
    )


def _read_result(results: Graph, node: Node) -> dict[str, Any]:
    value = results.value
    return {
        "focus": value(node, SH.focusNode),
        "path": value(node, SH.resultPath),
        "value": value(node, SH.value),
        "severity": value(node, SH.resultSeverity),
        "constraint": value(node, SH.sourceConstraintComponent),
        "shape": value(node, SH.sourceShape),
        "messages": tuple(results.objects(node, SH.resultMessage)),
    }


class _Context:
    """What turning results into problems needs from the data and shapes, with per-node caches."""

    def __init__(self, data: Graph, shapes: Graph) -> None:
        self.data = data
        self.shapes = shapes
        self._origin: dict[Node, tuple[str | None, int | None]] = {}
        self._label: dict[Node, str | None] = {}

    def result(self, raw: dict[str, Any], results: Graph) -> _Result:
        focus, path, value = raw["focus"], raw["path"], raw["value"]
        path_graph = results if path is not None and (path, None, None) in results else self.shapes
        case_file, line = self.origin(focus)
        en, zh = _messages(raw["messages"], raw["constraint"])
        problem = Problem(
            focus=_node_id(self.data, focus),
            focus_label=self.label(focus),
            path=None if path is None else _path_text(path_graph, path),
            value=None if value is None else _term_text(self.data, value),
            severity=_severity(raw["severity"]),
            message_en=en,
            message_zh=zh,
            source_shape=_shape_text(self.shapes, raw["shape"]),
            constraint=_compact(raw["constraint"]),
            case_file=case_file,
            case_file_line=line,
            detail=self._detail(raw),
        )
        return _Result(
            problem,
            focus,
            path,
            value,
            raw["severity"] if raw["severity"] is not None else SH.Violation,
            raw["constraint"],
            raw["shape"],
            raw["messages"],
            _blank_closure(path_graph, path),
            self.shapes.value(raw["shape"], SH.path),
        )

    def ill_typed(self, key: tuple[Node, Node, Node]) -> _Result:
        """A result of this module's own for an ill-typed literal that no shape reported."""
        focus, predicate, literal = key
        messages = _ill_typed_messages(literal)
        case_file, line = self.origin(focus)
        constraint = SH.DatatypeConstraintComponent
        problem = Problem(
            focus=_node_id(self.data, focus),
            focus_label=self.label(focus),
            path=_compact(predicate),
            value=_term_text(self.data, literal),
            severity="Violation",
            message_en=str(messages[0]),
            message_zh=str(messages[1]),
            source_shape=_CHECK_SHAPE_CURIE,
            constraint=_compact(constraint),
            case_file=case_file,
            case_file_line=line,
        )
        return _Result(
            problem,
            focus,
            predicate,
            literal,
            SH.Violation,
            constraint,
            URIRef(WELL_TYPED_CHECK),
            messages,
            (),
        )

    def origin(self, node: Node) -> tuple[str | None, int | None]:
        """The case file and line of ``node``; else, when the nodes linking to it all come from one case
        file, the first of their places (a node shared by several files is not pinned on one of them)."""
        if node not in self._origin:
            found = self._own_origin(node)
            if found[0] is None:
                found = self._linked_origin(node)
            self._origin[node] = found
        return self._origin[node]

    def _linked_origin(self, node: Node) -> tuple[str | None, int | None]:
        places = set()
        for subject in set(self.data.subjects(None, node)):
            place = self._own_origin(subject) if subject != node else (None, None)
            if place[0] is not None:
                places.add(place)
                if len({p[0] for p in places}) > 1:
                    return None, None
        return min(places, key=lambda o: (o[0], o[1] or 0)) if places else (None, None)

    def _own_origin(self, node: Node) -> tuple[str | None, int | None]:
        case_file = self.data.value(node, FZ.caseFile)
        line = self.data.value(node, FZ.caseFileLine)
        if case_file is None:
            return None, None
        number = line.toPython() if isinstance(line, Literal) else None
        return str(case_file), number if isinstance(number, int) else None

    def label(self, node: Node) -> str | None:
        if node not in self._label:
            self._label[node] = _best_label(self.data, node)
        return self._label[node]

    def _detail(self, raw: dict[str, Any]) -> str | None:
        path = raw["path"]
        if str(raw["constraint"]) not in _COUNT_CONSTRAINTS or not isinstance(path, URIRef):
            return None
        return f"found {len(set(self.data.objects(raw['focus'], path)))}"


def _severity(node: Node | None) -> str:
    """SHACL's severity by name; custom severities count as Violations (SHACL says they do not conform)."""
    name = str(node).removeprefix(_SH) if node is not None else ""
    return name if name in SEVERITIES else "Violation"


def _messages(messages: Iterable[Any], constraint: Node) -> tuple[str, str | None]:
    """The English and Chinese message; pyshacl's own (untagged) text stands in for a missing English one."""
    by_language: dict[str, list[str]] = {}
    for message in messages:
        language = (getattr(message, "language", None) or "").lower().split("-")[0]
        by_language.setdefault(language, []).append(str(message))
    english = (
        by_language.get("en") or by_language.get("") or sorted(m for ms in by_language.values() for m in ms)
    )
    chinese = by_language.get("zh")
    en = min(english) if english else _compact(constraint)
    return en, min(chinese) if chinese else None


# --- ill-typed literals ---------------------------------------------------------------------------------

_TZ = r"(Z|[+-]\d\d:\d\d)?"
_LEXICAL_FORMS: dict[str, re.Pattern[str]] = {
    "gYear": re.compile(rf"-?\d{{4,}}{_TZ}"),
    "gYearMonth": re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_TZ}"),
    "gMonth": re.compile(rf"--(0[1-9]|1[0-2]){_TZ}"),
    "gDay": re.compile(rf"---(0[1-9]|[12]\d|3[01]){_TZ}"),
    "gMonthDay": re.compile(rf"--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]){_TZ}"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
}
"""Lexical forms that rdflib does not check (its ``ill_typed`` is None for them), or checks too leniently:
it reads an ``xsd:decimal`` through Python's ``Decimal``, which accepts ``INF``, ``NaN`` and exponents."""

_HINTS: dict[str, tuple[str, str]] = {
    "date": (
        "write YYYY-MM-DD with a real day, e.g. 2021-10-12",
        "请写成 YYYY-MM-DD 且为真实日期，例如 2021-10-12",
    ),
    "dateTime": ("write YYYY-MM-DDThh:mm:ss, e.g. 2021-10-12T09:00:00", "请写成 YYYY-MM-DDThh:mm:ss"),
    "gYear": ("write a four-digit year, e.g. 2021", "请写成四位年份，例如 2021"),
    "gYearMonth": ("write YYYY-MM, e.g. 2021-10", "请写成 YYYY-MM，例如 2021-10"),
    "decimal": (
        "write a plain number such as 21 or 1700.5; keep words like 余 out of the value",
        "请写成数字，例如 21 或 1700.5；“余”等文字不要写进数值",
    ),
    "integer": ("write a whole number, e.g. 18", "请写成整数，例如 18"),
    "positiveInteger": ("write a whole number of 1 or more", "请写成不小于 1 的整数"),
    "nonNegativeInteger": ("write a whole number of 0 or more", "请写成不小于 0 的整数"),
    "boolean": ("write true or false", "请写成 true 或 false"),
    "duration": ("write an ISO 8601 duration, e.g. P7D", "请写成 ISO 8601 时长，例如 P7D"),
}


def _ill_typed_literals(data: Graph, shapes: Graph) -> set[tuple[Node, Node, Literal]]:
    """Every (subject, predicate, literal) of the data whose literal is not in its datatype's lexical space.

    Statements that are also in the shapes graph are shape definitions, not data (the W3C test suite keeps
    both in one file).
    """
    found: set[tuple[Node, Node, Literal]] = set()
    for s, p, o in data:
        if isinstance(o, Literal) and o.datatype is not None and _is_ill_typed(o) and (s, p, o) not in shapes:
            found.add((s, p, o))
    return found


def _is_ill_typed(literal: Any) -> bool:
    if literal.ill_typed:
        return True
    pattern = _LEXICAL_FORMS.get(_xsd_name(literal.datatype) or "")
    return pattern is not None and pattern.fullmatch(str(literal)) is None


def _xsd_name(datatype: Node) -> str | None:
    text = str(datatype)
    prefix = PREFIXES["xsd"]
    return text[len(prefix) :] if text.startswith(prefix) else None


def _ill_typed_messages(literal: Any) -> tuple[Literal, Literal]:
    """What is wrong with an ill-typed literal and how to write it, in English and Chinese."""
    datatype = _compact(literal.datatype)
    hint_en, hint_zh = _HINTS.get(
        _xsd_name(literal.datatype) or "",
        (
            f"write a value in the lexical form of {datatype}, or change the datatype",
            f"请按 {datatype} 的格式书写，或更改数据类型",
        ),
    )
    return (
        Literal(f'"{literal}" is not a valid {datatype}; {hint_en}', lang="en"),
        Literal(f"“{literal}”不是有效的 {datatype}；{hint_zh}", lang="zh"),
    )


# --- naming terms ------------------------------------------------------------------------------------------


def _compact(node: Node | None) -> str:
    """A prefixed name with the project's prefixes, else ``<iri>``."""
    text = str(node)
    for prefix, namespace in PREFIXES.items():
        local = text[len(namespace) :]
        if (
            text.startswith(namespace)
            and re.fullmatch(r"[A-Za-z_][\w.-]*", local)
            and not local.endswith(".")
        ):
            return f"{prefix}:{local}"
    return f"<{text}>"


def _node_id(graph: Graph, node: Node) -> str:
    """A focus node's IRI, or a stable name for a blank node (a hash of what it says)."""
    return _bnode_name(graph, node) if isinstance(node, BNode) else str(node)


def _term_text(graph: Graph, node: Node) -> str:
    if isinstance(node, BNode):
        return _bnode_name(graph, node)
    if isinstance(node, Literal):
        if node.language:
            return f"{json.dumps(str(node), ensure_ascii=False)}@{node.language}"
        if node.datatype is None:
            return json.dumps(str(node), ensure_ascii=False)
        return f"{json.dumps(str(node), ensure_ascii=False)}^^{_compact(node.datatype)}"
    return _compact(node)


def _bnode_name(graph: Graph, node: Node) -> str:
    """``_:b`` + a hash of the node's statements (blank objects as ``[]``): stable across parses."""
    statements = sorted(
        f"{p.n3()} {'[]' if isinstance(o, BNode) else o.n3()}" for p, o in graph.predicate_objects(node)
    )
    digest = hashlib.sha256("\n".join(statements).encode("utf-8")).hexdigest()[:12]
    return f"_:b{digest}"


def _path_text(graph: Graph, path: Node, depth: int = 0) -> str:
    """A SHACL property path in SPARQL syntax: ``fz:a``, ``^fz:a``, ``fz:a/fz:b``, ``(fz:a|fz:b)``…"""
    if not isinstance(path, BNode) or depth > 20:
        return _compact(path)
    value = graph.value
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, step, depth + 1) for step in Collection(graph, path))
    unary = {"inversePath": "^{}", "zeroOrMorePath": "{}*", "oneOrMorePath": "{}+", "zeroOrOnePath": "{}?"}
    for name, form in unary.items():
        inner = value(path, SH[name])
        if inner is not None:
            return form.format(_path_text(graph, inner, depth + 1))
    choices = value(path, SH.alternativePath)
    if choices is not None:
        return "(" + "|".join(_path_text(graph, c, depth + 1) for c in Collection(graph, choices)) + ")"
    return _bnode_name(graph, path)


def _shape_text(shapes: Graph, shape: Node | None, depth: int = 0) -> str:
    """A shape's name; a blank property shape is named by the shape that holds it and its path."""
    if shape is None:
        return "(unknown shape)"
    if not isinstance(shape, BNode):
        return _compact(shape)
    path = shapes.value(shape, SH.path)
    inner = "" if path is None else _path_text(shapes, path)
    holders = shapes.subjects(SH.property, shape) if depth < 10 else ()
    parents = sorted(_shape_text(shapes, s, depth + 1) for s in holders)
    if parents and inner:
        return f"{parents[0]}[{inner}]"
    return f"[{inner}]" if inner else _bnode_name(shapes, shape)


def _best_label(graph: Graph, node: Node) -> str | None:
    """The node's Chinese label, title or preferred label, else one in any language."""
    candidates = [o for p in (RDFS.label, DCTERMS.title, SKOS.prefLabel) for o in graph.objects(node, p)]
    if not candidates:
        return None
    chinese = sorted(str(c) for c in candidates if (getattr(c, "language", None) or "").startswith("zh"))
    return chinese[0] if chinese else sorted(str(c) for c in candidates)[0]


# --- text --------------------------------------------------------------------------------------------


def _level_rank(level: str) -> int:
    rank = LEVELS.get(level.lower())
    if rank is None:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    return rank


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _focus_name(focus: str) -> str:
    """``case 2022-jilin`` for an IRI under the default base, the IRI itself otherwise."""
    from .terms import DEFAULT_BASE

    if focus.startswith(DEFAULT_BASE):
        return focus[len(DEFAULT_BASE) :].replace("/", " ", 1)
    return focus


def _focus_heading(problem: Problem) -> str:
    name = _focus_name(problem.focus)
    if problem.focus_label:
        label = problem.focus_label
        short = label if len(label) <= _LABEL_LIMIT else label[:_LABEL_LIMIT] + "…"
        name = f"{name} ({short})"
    return f"{problem.place}  {name}" if problem.place else name


def _problem_line(problem: Problem) -> str:
    subject = problem.path or "(node)"
    if problem.value is not None and problem.value != f"<{problem.focus}>":
        subject = f"{subject} {problem.value}"
    english = problem.message_en
    if problem.detail is not None:
        stop = "." if english.endswith(".") else ""
        english = f"{english.removesuffix('.')}; {problem.detail}{stop}"
    text = f"  {problem.severity:<9}  {subject} — {english}"
    return f"{text} / {problem.message_zh}" if problem.message_zh else text


# --- the standard report graph --------------------------------------------------------------------------


def _report_graph(report: ValidationReport) -> Graph:
    """sh:ValidationReport with one sh:ValidationResult per problem, in report order, blank nodes numbered."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in sorted(PREFIXES.items()):
        graph.bind(prefix, namespace)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(not report.problems)))  # SHACL: any result, of any severity
    names = _BNodeNames()
    for number, result in enumerate(report._results, start=1):
        node = BNode(f"r{number:06d}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, names.term(result.focus, result.problem.focus)))
        graph.add((node, SH.resultSeverity, result.severity))
        graph.add((node, SH.sourceConstraintComponent, result.constraint))
        shape = names.term(result.shape, result.problem.source_shape)
        graph.add((node, SH.sourceShape, shape))
        if isinstance(shape, BNode) and isinstance(result.shape_path, URIRef):
            graph.add((shape, SH.path, result.shape_path))
        if result.path is not None:
            path = _copy_path(graph, result.path, result.path_triples, f"r{number:06d}p")
            graph.add((node, SH.resultPath, path))
        if result.value is not None:
            graph.add((node, SH.value, names.term(result.value, result.problem.value or "")))
        for message in result.messages:
            graph.add((node, SH.resultMessage, message))
    return graph


class _BNodeNames:
    """Blank nodes of the report named from their stable text, so the Turtle does not change between runs."""

    def __init__(self) -> None:
        self._names: dict[str, BNode] = {}

    def term(self, node: Node, text: str) -> Node:
        if not isinstance(node, BNode):
            return node
        if text not in self._names:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            self._names[text] = BNode(f"n{digest}")
        return self._names[text]


def _blank_closure(graph: Graph, node: Node | None) -> tuple[tuple[Node, Node, Node], ...]:
    """The statements of a blank node and of the blank nodes it reaches (a complex path): plain, picklable."""
    found: list[tuple[Node, Node, Node]] = []
    seen: set[Node] = set()
    todo = [node] if isinstance(node, BNode) else []
    while todo and len(seen) < 200:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in graph.predicate_objects(current):
            found.append((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return tuple(found)


def _copy_path(
    target: Graph, path: Node, path_triples: Iterable[tuple[Node, Node, Node]], prefix: str
) -> Node:
    """Copy a (possibly blank-node) path structure into ``target`` with blank nodes ``{prefix}{k}``."""
    if not isinstance(path, BNode):
        return path
    statements: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in path_triples:
        statements.setdefault(s, []).append((p, o))
    renamed: dict[Node, Node] = {}

    def copy(node: Node) -> Node:
        if not isinstance(node, BNode):
            return node
        if node not in renamed:
            renamed[node] = BNode(f"{prefix}{len(renamed) + 1}")
            for p, o in statements.get(node, ()):
                target.add((renamed[node], p, copy(o)))
        return renamed[node]

    return copy(path)
