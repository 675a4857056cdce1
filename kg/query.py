"""SPARQL: the guard every query passes, execution on either engine, named queries and result formats.

**The guard** (:func:`check`). Every query is parsed and translated to algebra by rdflib before anything
runs, and the whole algebra tree is walked (OPTIONAL, FILTER EXISTS, subqueries, MINUS, unions…). Refused:
``SERVICE`` and ``FROM`` / ``FROM NAMED`` (unless ``allow_network``), and every update (``LOAD``, ``INSERT``,
``DELETE``, ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``, ``MOVE``, ``COPY``): queries are read-only, so ``LOAD``
is refused even with ``allow_network``. Only what rdflib's SPARQL 1.1 grammar accepts runs at all, on both
engines, so syntax that only pyoxigraph knows (``LATERAL``, triple terms) cannot smuggle a ``SERVICE`` past
the check. rdflib expands ``\\uXXXX`` escapes everywhere in the text before parsing, pyoxigraph only inside
strings and IRIs; so the text sent to pyoxigraph is the expanded one, and both engines read the same
characters.

**Execution** (:func:`run`). On a ``pyoxigraph.Store`` (see :mod:`kg.store`) pyoxigraph runs the query, with
bindings through its ``substitutions``; on an rdflib ``Graph`` rdflib runs the prepared algebra with
``initBindings``. The prefixes of :data:`kg.terms.PREFIXES` and ``id:`` (the default base) are predeclared; a
query's own ``PREFIX`` lines win. Either way the answer is one :class:`QueryResult` of rdflib terms:

- SELECT: ``variables`` in projection order (``SELECT *``: order of first appearance in the text), ``rows``;
- ASK: ``boolean``, no rows;
- CONSTRUCT and DESCRIBE: kind ``graph``, rows of ``subject``, ``predicate``, ``object``, sorted;
  ``.graph()`` gives them as an rdflib graph.

Rows of a query without a top-level ``ORDER BY`` are sorted, so every output is deterministic. Numbers from a
pyoxigraph store come back in canonical form (see :mod:`kg.store`).

**Timeout and sandbox.** ``timeout`` (seconds) runs the query in the forked worker of :mod:`kg.limits`,
killed at the deadline. A query whose text holds the word ``SERVICE`` (which the guard refused unless
``allow_network``, but a guard can be wrong) runs only in that worker, confined by the kernel
(:mod:`kg.sandbox`); where no confinement is available it is refused.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, LimitExceeded, QueryError, UnknownQueryError
from .namespaces import DEFAULT_BASE, PREFIXES

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Identifier, Node

FORMATS = ("table", "csv", "tsv", "json", "turtle", "nt", "jsonld")
"""The result formats :func:`format_result` writes (the last three: CONSTRUCT and DESCRIBE answers only)."""

ID_SCHEMES: tuple[str, ...] = (
    *("case", "document", "field", "inspection", "institution", "jurisdiction", "level", "mechanism"),
    *("notice", "status", "topic", "unit"),
)
"""IRI schemes under the base whose local names hold no ``/``: each is also a prefix (``case:2022-jilin``)."""

QUERY_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "id": DEFAULT_BASE,
    **{scheme: f"{DEFAULT_BASE}{scheme}/" for scheme in ID_SCHEMES},
}
"""Prefixes every query may use without declaring them."""

_NETWORK_HINT = "kg makes no network calls by default; pass --allow-network to permit it"
_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}
_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}
_TRIPLE_VARIABLES = ["subject", "predicate", "object"]


# --- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query, the same whichever engine ran it.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE, rows of subject/predicate/object).
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier | None]] = field(default_factory=list)
    boolean: bool | None = None

    def graph(self) -> rdflib.Graph:
        """The triples of a CONSTRUCT or DESCRIBE answer as an rdflib graph."""
        from rdflib import Graph

        if self.kind != "graph":
            raise QueryError(f"a {self.kind.upper()} answer has no graph; only CONSTRUCT and DESCRIBE do")
        graph = Graph()
        for prefix, namespace in QUERY_PREFIXES.items():
            graph.bind(prefix, namespace)
        for row in self.rows:
            graph.add((_node(row["subject"]), _node(row["predicate"]), _node(row["object"])))
        return graph


# --- the guard ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedQuery:
    """A query the guard accepted: the text both engines run, its form and rdflib's prepared algebra."""

    text: str
    form: str
    variables: list[str]
    ordered: bool
    prepared: Any


def check(query: str, *, allow_network: bool = False) -> CheckedQuery:
    """Parse ``query`` and refuse what a read-only, offline query must not do.

    Accepted queries are remembered (parsing costs more than running a query on this data), refusals are not.

    >>> check("SELECT ?c WHERE { ?c a fz:Case }").variables
    ['c']
    >>> check("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE <http://example.org/sparql> is refused: ...

    :raises QueryError: on a syntax error (with line and column) or a refused construct.
    :raises LimitExceeded: if the query is nested too deeply to parse.
    """
    return _check(query, allow_network)


@functools.lru_cache(maxsize=128)
def _check(query: str, allow_network: bool) -> CheckedQuery:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery
    from rdflib.plugins.sparql.sparql import Query

    try:
        text = expandUnicodeEscapes(query)
        twice = expandUnicodeEscapes(text)
    except ValueError as error:
        raise QueryError(f"query: {error}") from None
    if twice != text:
        raise QueryError(
            f"query: line {_line_of(text, _first_difference(text, twice))}: a \\u escape writes another "
            "\\u escape; the two SPARQL parsers kg uses would read it differently, so write the character "
            "itself"
        )
    bare_return = re.search(r"\r(?!\n)", text)
    if bare_return:
        raise QueryError(
            f"query: line {_line_of(text, bare_return.start())}: a carriage return that does not end a "
            "line (\\r without \\n); the two SPARQL parsers kg uses would read it differently, so end lines "
            "with \\n or \\r\\n"
        )
    try:
        parsed = parseQuery(text)
    except RecursionError:
        raise LimitExceeded("query too deeply nested") from None
    except Exception as error:
        _refuse_update(text)
        raise QueryError(f"query: syntax error {_place(error)}{_reason(error)}{_slash_hint(text)}") from None
    try:
        prepared: Query = translateQuery(parsed, initNs=QUERY_PREFIXES)
    except RecursionError:
        raise LimitExceeded("query too deeply nested") from None
    except Exception as error:
        raise QueryError(f"query: {error}") from None
    refusal = _refusal(prepared.algebra, allow_network)
    if refusal:
        raise QueryError(refusal)
    return CheckedQuery(
        text=text,
        form=_FORMS[prepared.algebra.name],
        variables=_variables(parsed, prepared.algebra, text),
        ordered=_ordered(prepared.algebra),
        prepared=prepared,
    )


def _first_difference(one: str, other: str) -> int:
    pairs = enumerate(zip(one, other, strict=False))
    return next((i for i, (a, b) in pairs if a != b), min(len(one), len(other)))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def provably_offline(checked: CheckedQuery) -> bool:
    """True when the text an engine runs cannot hold a ``SERVICE``: the word appears nowhere in it.

    The guard leaves no ``\\u`` escape in the text it passes on, and Oxigraph expands escapes only inside
    strings and IRIs, so a keyword cannot be spelt any other way. A query for which this is false runs only
    in a worker whose network the kernel has cut (:mod:`kg.sandbox`).
    """
    return "service" not in checked.text.lower()


def _refuse_update(text: str) -> None:
    """A text that is no query: if it parses as an update, say that updates are refused."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except RecursionError:
        raise LimitExceeded("query too deeply nested") from None
    except Exception:
        return
    requests = [r for r in dict.get(update, "request") or [] if r is not None]
    operations = sorted({_UPDATE_NAMES.get(r.name, r.name) for r in requests})
    if not operations:
        return
    if "LOAD" in operations:
        raise QueryError(
            "LOAD is refused: it fetches a document into the store, and kg runs read-only queries "
            "(even with --allow-network); download the data and pass it with --data instead"
        )
    raise QueryError(
        f"{', '.join(operations)} is refused: this is a SPARQL update, and kg runs read-only queries "
        f"(SELECT, ASK, CONSTRUCT, DESCRIBE)"
    )


def _slash_hint(text: str) -> str:
    """Point to the usual cause of a syntax error: a prefixed name with ``/`` (not allowed in SPARQL)."""
    outside_iris = re.sub(r"<[^<>\s]*>|\"[^\"\n]*\"|'[^'\n]*'|#[^\n]*", " ", text)
    match = re.search(r"(?<![\w<?$])([A-Za-z][\w-]*):([\w.-]*/[\w./-]*)", outside_iris)
    if not match or match.group(1) not in QUERY_PREFIXES:
        return ""
    full = QUERY_PREFIXES[match.group(1)] + match.group(2)
    return (
        f" ('{match.group(0)}' is not a valid prefixed name: '/' is not allowed after the colon; "
        f"write the full IRI <{full}>)"
    )


def _place(error: Exception) -> str:
    line, column = getattr(error, "lineno", None), getattr(error, "col", None)
    return f"at line {line}, column {column}: " if line and column else ": "


def _reason(error: Exception) -> str:
    message = str(getattr(error, "msg", "") or error).replace("\n", " ")
    if message.startswith("Expected {SelectQuery"):
        return "expected a SELECT, CONSTRUCT, DESCRIBE or ASK query"
    if message == "Expected SelectQuery":
        return "the query does not parse from here on"
    return message


def _refusal(algebra: Any, allow_network: bool) -> str | None:
    """The message for the first refused construct anywhere in the algebra, or None (no recursion used)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[Any] = [algebra]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern" and not allow_network:
                service = _n3(dict.get(node, "term"))
                return f"SERVICE {service} is refused: it sends the query to another server; {_NETWORK_HINT}"
            clauses = dict.get(node, "datasetClause")
            if clauses and not allow_network:
                named_graph = dict.get(clauses[0], "named")
                keyword = "FROM" if named_graph is None else "FROM NAMED"
                target = dict.get(clauses[0], "default") if named_graph is None else named_graph
                return (
                    f"{keyword} {_n3(target)} is refused: it reads data from outside the dataset given "
                    f"to kg; {_NETWORK_HINT}"
                )
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset | ParseResults):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return None


def _node(term: Identifier | None) -> Node:
    if term is None:
        raise QueryError("a CONSTRUCT or DESCRIBE answer has an unbound position; report this as a bug")
    return term


def _n3(term: Any) -> str:
    return term.n3() if hasattr(term, "n3") else f"<{term}>"


def _variables(parsed: Any, algebra: Any, text: str) -> list[str]:
    """Projection order; for ``SELECT *`` the order in which variables first appear in the text."""
    if algebra.name != "SelectQuery":
        return [] if algebra.name == "AskQuery" else list(_TRIPLE_VARIABLES)
    names = [str(v) for v in algebra["PV"]]
    if dict.get(parsed[1], "projection") is not None:
        return names
    order = {name: index for index, name in enumerate(dict.fromkeys(re.findall(r"[?$]([\w]+)", text)))}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


def _ordered(algebra: Any) -> bool:
    """True when the query's top level has an ORDER BY (then the engine's order is kept)."""
    node = algebra
    while node is not None and getattr(node, "name", None) in {
        "SelectQuery",
        "ConstructQuery",
        "DescribeQuery",
        "AskQuery",
        "Slice",
        "Distinct",
        "Reduced",
        "Project",
        "OrderBy",
    }:
        if node.name == "OrderBy":
            return True
        node = dict.get(node, "p")
    return False


def trusted_check(query: str) -> CheckedQuery | None:
    """What :func:`check` finds in a query text kg itself ships (a named query, a constant of its modules),
    read without rdflib's SPARQL parser; None when the text holds what this reader leaves to the full check.

    rdflib's parser costs about 0.45 s to import and 0.05–0.2 s a query: most of a named query's time on the
    store, where Oxigraph parses the text again anyway. This reader finds the form, the projected variables
    and a top-level ``ORDER BY`` in the text with its strings, IRIs and comments blanked out. It is no guard:
    it is for trusted texts only, and gives up (None) on ``SELECT *``, dataset clauses, ``SERVICE``, ``\\u``
    escapes and lone carriage returns. The result has no rdflib algebra (``prepared`` is None), so it runs on
    a store or an endpoint, never on an rdflib graph. A test compares it with :func:`check` on every named
    query and every constant query of the analyses.

    >>> trusted_check("SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a fz:p ?b } GROUP BY ?a ORDER BY ?a").variables
    ['a', 'n']
    >>> trusted_check("SELECT * WHERE { ?s ?p ?o }") is None
    True
    """
    if re.search(r"\\[uU]|\r(?!\n)", query):
        return None
    blank = _LEXICAL.sub(" ", query)
    head = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", blank)
    if head is None or re.search(r"(?i)\b(SERVICE|FROM|LOAD)\b", blank):
        return None
    form = head.group(1).lower()
    depth, ordered = 0, False
    for token in re.finditer(r"(?i)[{}]|\bORDER\s+BY\b", blank):
        if token.group() == "{":
            depth += 1
        elif token.group() == "}":
            depth -= 1
        elif depth == 0:
            ordered = True
    if form == "select":
        projected = _projection(blank[head.end() :])
        if projected is None:
            return None
        variables = projected
    else:
        variables = [] if form == "ask" else list(_TRIPLE_VARIABLES)
    return CheckedQuery(text=query, form=form, variables=variables, ordered=ordered, prepared=None)


_LEXICAL = re.compile(
    r"""<[^<>"{}|^`\\\s]*>"""
    r'''|"""[\s\S]*?"""'''
    r"""|'''[\s\S]*?'''"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""
    r"""|#[^\n]*"""
)
"""IRIs, strings and comments: blanked out, what is left is keywords, variables, names and punctuation."""


def _projection(clause: str) -> list[str] | None:
    """The variables a SELECT clause projects, in order (``?v`` outside parentheses, ``AS ?v`` inside); None
    for ``SELECT *`` or a clause this reader cannot end."""
    end = re.search(r"(?i)\bWHERE\b|\{", clause)
    if end is None:
        return None
    names: list[str] = []
    depth = 0
    for token in re.finditer(r"(?i)\(|\)|\*|\bAS\s+[?$](\w+)|[?$](\w+)", clause[: end.start()]):
        text = token.group()
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "*":
            if depth == 0:
                return None
        elif token.group(1) is not None:
            names.append(token.group(1))
        elif depth == 0:
            names.append(token.group(2))
    return names if names and depth == 0 else None


# --- execution ---------------------------------------------------------------------------------------------


def run(
    source: Any,
    query: str,
    *,
    bindings: Mapping[str, Identifier] | None = None,
    allow_network: bool = False,
    timeout: float | None = None,
    trusted: bool = False,
    native: bool = False,
) -> QueryResult:
    """Check ``query`` with the guard and run it on a pyoxigraph ``Store``, an rdflib ``Graph`` or a remote
    :class:`kg.endpoint.Endpoint`.

    >>> from kg.store import from_graph
    >>> import rdflib
    >>> case = "<https://w3id.org/fazhi/id/case/x>"
    >>> g = rdflib.Graph().parse(data=f"{case} a <https://w3id.org/fazhi/ontology#Case> .")
    >>> run(from_graph(g), "SELECT ?c WHERE { ?c a fz:Case }").rows
    [{'c': rdflib.term.URIRef('https://w3id.org/fazhi/id/case/x')}]

    :param bindings: initial values of variables, by name without ``?``, bound through the engine's API
        (pyoxigraph's ``substitutions``, rdflib's ``initBindings``); a SELECT must return what it binds.
    :param timeout: seconds to wait for the answer; see the module notes on what happens after.
    :param trusted: the text is kg's own (a named query, a constant of its modules): on a store or an
        endpoint it is read by :func:`trusted_check`, without rdflib's parser. Never for a user's text.
    :param native: on a store, a SELECT's rows keep pyoxigraph's terms (the writers of this module print
        them as they print rdflib's) instead of being turned into rdflib terms; bindings may then be
        pyoxigraph terms too. For a caller that only prints the answer: no rdflib import, no conversion.
    :raises QueryError: refused or invalid query, or the engine's own error.
    :raises LimitExceeded: nested too deeply, or over ``timeout``.
    """
    light = trusted_check(query) if trusted and (_is_store(source) or _is_endpoint(source)) else None
    checked = light or check(query, allow_network=allow_network)
    bound = dict(bindings or {})
    for name in bound:
        if not re.fullmatch(r"[A-Za-z_][\w]*", name):
            raise QueryError(f"not a variable name: {name!r}")
    hidden = sorted(name for name in bound if checked.form == "select" and name not in checked.variables)
    if hidden:
        raise QueryError(
            f"cannot bind ?{hidden[0]}: a SELECT can bind only variables it returns (pyoxigraph's rule, "
            f"kept on both engines); add ?{hidden[0]} to the SELECT clause"
        )
    engine = _engine(source)
    if native and engine is _run_oxigraph:
        engine = functools.partial(_run_oxigraph, native=True)

    def work() -> QueryResult:
        return _tidy(engine(source, checked, bound), checked)

    if _is_endpoint(source):
        return work()  # the client keeps its own deadline, and needs the network a confined worker lacks
    if allow_network or provably_offline(checked):
        return _within(timeout, work)
    return _confined(timeout, work)


def _is_endpoint(source: Any) -> bool:
    """Whether ``source`` is a :class:`kg.endpoint.Endpoint`: never when that module was not imported, so a
    query on a store does not import it (and the HTTP client's modules) to find out."""
    endpoint = sys.modules.get(f"{__package__}.endpoint")
    return endpoint is not None and isinstance(source, endpoint.Endpoint)


def _engine(source: Any) -> Callable[[Any, CheckedQuery, dict[str, Identifier]], QueryResult]:
    """The engine for a source: pyoxigraph for a store, the SPARQL protocol for an endpoint, else rdflib."""
    if _is_endpoint(source):
        from .endpoint import run_query

        return run_query
    return _run_oxigraph if _is_store(source) else _run_rdflib


def _is_store(source: Any) -> bool:
    from .store import WithOntology

    module = type(source).__module__ or ""
    return module.startswith("pyoxigraph") or isinstance(source, WithOntology)


def _confined(timeout: float | None, work: Callable[[], QueryResult]) -> QueryResult:
    """Run a query the guard cannot prove offline where the kernel cuts the network, or refuse it."""
    from . import sandbox
    from .limits import run_with_timeout

    inside = sandbox.confined()
    if inside is not None:
        if not {sandbox.NETNS, sandbox.SECCOMP} & set(inside):
            raise QueryError(_UNCONFINED)
        return work()
    if not {sandbox.NETNS, sandbox.SECCOMP} & set(sandbox.available()):
        raise QueryError(_UNCONFINED)
    return run_with_timeout(work, timeout=timeout, what="query", isolate=True)


_UNCONFINED = (
    "query: it contains the word SERVICE, and no kernel sandbox (network namespace or seccomp) is available "
    "here to make sure it cannot reach the network; remove the word (also from comments and strings), or "
    "pass --allow-network if the query may reach the network"
)


def _within(timeout: float | None, work: Callable[[], QueryResult]) -> QueryResult:
    """Run the work, stopped after ``timeout`` seconds by :func:`kg.limits.run_with_timeout` when given."""
    if timeout is None:
        return work()
    from .limits import run_with_timeout

    return run_with_timeout(work, timeout=timeout, what="query")


def _run_oxigraph(
    store: Any, checked: CheckedQuery, bindings: Mapping[str, Any], *, native: bool = False
) -> QueryResult:
    import pyoxigraph

    from .store import to_oxigraph

    substitutions = {pyoxigraph.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
    try:
        answer = store.query(checked.text, prefixes=QUERY_PREFIXES, substitutions=substitutions or None)
        if checked.form == "ask":
            return QueryResult(kind="ask", boolean=bool(answer))
        if checked.form in {"construct", "describe"}:
            convert = _to_rdflib()
            rows = [
                {
                    "subject": convert(t.subject),
                    "predicate": convert(t.predicate),
                    "object": convert(t.object),
                }
                for t in answer
            ]
            return QueryResult(kind="graph", variables=list(_TRIPLE_VARIABLES), rows=rows)
        names = checked.variables
        if native:
            rows = _native_rows(answer, names)
        else:
            convert = _to_rdflib()
            rows = [{name: convert(solution[name]) for name in names} for solution in answer]
    except RecursionError:
        raise LimitExceeded("query too deeply nested") from None
    except (SyntaxError, OSError, ValueError, TypeError, RuntimeError) as error:
        raise QueryError(f"query: {_engine_message(error)}") from None
    return QueryResult(kind="select", variables=list(names), rows=rows)


def _to_rdflib() -> Callable[[Any], Any]:
    from .store import to_rdflib_converter

    converter: Callable[[Any], Any] = to_rdflib_converter()
    return converter


def _native_rows(answer: Any, names: list[str]) -> list[dict[str, Any]]:
    """The solutions' terms as pyoxigraph gives them (None when unbound), read by position: a solution read
    as a tuple costs half of one read by variable name (2,779 rows of 11 columns: 0.06 s, not 0.12 s).

    Equal terms are made one object: pyoxigraph gives a new one for every cell, and the rows go back from
    the worker pickled, where one object is written once (rq14 at 1M, 5,927 rows: 0.5 MB instead of 2.6 MB,
    0.05 s to pickle and read back instead of 0.3 s)."""
    order = [variable.value for variable in answer.variables]
    places = [(name, order.index(name)) for name in names]
    seen: dict[Any, Any] = {None: None}
    rows = []
    for solution in answer:
        values = [seen.setdefault(value, value) for value in solution]
        rows.append({name: values[place] for name, place in places})
    return rows


def _engine_message(error: Exception) -> str:
    """Oxigraph's error in one line; a network call stopped by the sandbox says so."""
    from . import sandbox

    message = " ".join(str(error).split())
    inside = sandbox.confined()
    if inside and re.search(r"os error (1|13|101)\b|Permission denied|unreachable", message):
        return (
            f"it tried to reach the network, which the sandbox ({', '.join(inside)}) prevents; "
            f"kg makes no network calls unless you pass --allow-network ({message})"
        )
    return message


def _run_rdflib(graph: Any, checked: CheckedQuery, bindings: dict[str, Identifier]) -> QueryResult:
    from rdflib import Literal, Variable

    try:
        answer = graph.query(checked.prepared, initBindings={Variable(k): v for k, v in bindings.items()})
        if checked.form == "ask":
            return QueryResult(kind="ask", boolean=bool(answer.askAnswer))
        if checked.form in {"construct", "describe"}:
            rows = [{"subject": s, "predicate": p, "object": o} for s, p, o in answer.graph]
            return QueryResult(kind="graph", variables=list(_TRIPLE_VARIABLES), rows=rows)
        names = checked.variables
        rows = [{name: binding.get(Variable(name)) for name in names} for binding in answer.bindings]
    except RecursionError:
        raise LimitExceeded("query too deeply nested") from None
    except InputError:
        raise
    except Exception as error:
        raise QueryError(f"query: {error}") from None
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    for row in rows:
        for name, value in row.items():
            if (
                isinstance(value, Literal)
                and value.datatype is not None
                and str(value.datatype) == xsd_string
            ):
                row[name] = Literal(str(value))
    return QueryResult(kind="select", variables=list(names), rows=rows)


def _tidy(result: QueryResult, checked: CheckedQuery) -> QueryResult:
    """Sort rows when the query fixes no order, so every output is deterministic."""
    if result.kind == "ask" or (result.kind == "select" and checked.ordered):
        return result
    names = result.variables
    rows = sorted(result.rows, key=lambda row: tuple(_sort_key(row.get(name)) for name in names))
    return QueryResult(kind=result.kind, variables=names, rows=rows, boolean=result.boolean)


def _sort_key(term: Any) -> tuple[int, str, str, str]:
    if term is None:
        return (0, "", "", "")
    kind, value, language, datatype = term_parts(term)
    return (_KIND_ORDER[kind], value, language, datatype)


_KIND_ORDER = {"bnode": 1, "uri": 2, "literal": 3}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term_parts(term: Any) -> tuple[str, str, str, str]:
    """``(kind, value, language, datatype)`` of an rdflib or a pyoxigraph term: kind is ``uri``, ``bnode`` or
    ``literal``; language and datatype are '' where absent, and a plain string has no datatype.

    The writers read result terms through this, so a store's answer prints without being turned into rdflib
    terms (nor rdflib imported): both kinds of term print the same text.
    """
    if type(term).__module__ == "pyoxigraph":
        name = type(term).__name__
        if name == "NamedNode":
            return ("uri", term.value, "", "")
        if name == "BlankNode":
            return ("bnode", term.value, "", "")
        if name == "Literal":
            if term.language:
                return ("literal", term.value, term.language, "")
            datatype = term.datatype.value
            return ("literal", term.value, "", "" if datatype == _XSD_STRING else datatype)
        raise InputError(f"RDF 1.2 triple terms are not supported: {term}")
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ("uri", str(term), "", "")
    if isinstance(term, BNode):
        return ("bnode", str(term), "", "")
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else ""
        return ("literal", str(term), term.language or "", "" if datatype == _XSD_STRING else datatype)
    raise InputError(f"not an RDF term: {term!r}")


def term_text(term: Any) -> str:
    """An IRI's, a blank node's label or a literal's text, of an rdflib or a pyoxigraph term ('' unbound)."""
    return "" if term is None else term_parts(term)[1]


# --- named queries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in ``kg/queries/<name>.rq``; ``parameters`` maps variable names to default terms."""

    name: str
    question: str
    text: str
    parameters: dict[str, Identifier] = field(default_factory=dict)
    path: Path | None = None
    reads_ontology: bool = False


def named(name: str) -> NamedQuery:
    """The named query ``name``.

    :raises UnknownQueryError: no such query; the message lists close matches and how to list them all.
    """
    from .resources import queries_dir

    path = queries_dir() / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.is_file():
        names = [query.name for query in list_named()]
        import difflib

        close = [n for n in names if name and n.startswith(name)] or difflib.get_close_matches(
            name, names, n=3, cutoff=0.5
        )
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownQueryError(f"no named query {name!r}{hint} (kg query --list shows them all)")
    return parse_named(path.read_text(encoding="utf-8"), path=path)


def list_named() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    from .resources import queries_dir

    queries = [
        parse_named(path.read_text(encoding="utf-8"), path=path) for path in queries_dir().glob("*.rq")
    ]
    return sorted(queries, key=lambda query: query.name)


def parse_named(text: str, *, path: Path | None = None) -> NamedQuery:
    """Read a named query's header (``# name:``, ``# question:``, ``# param: var``, ``# ontology: read``) and
    its written defaults.

    A parameter's default is written in the query as ``VALUES ?var { term }`` on a line of its own, so the
    ``.rq`` file answers for its default in any SPARQL engine; ``# param: var = term`` may repeat it (it must
    then agree).

    :raises QueryError: a header line is missing or malformed (the message names the file and line).
    """
    where = str(path) if path else "query"
    values: dict[str, str] = {}
    declared: dict[str, Identifier | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"#\s*(name|question|param)\s*:\s*(.*?)\s*$", line)
        if not match:
            continue
        key, value = match.groups()
        if key != "param":
            values.setdefault(key, value)
            continue
        parameter = re.fullmatch(r"\??([A-Za-z_]\w*)\s*(?:=\s*(.+))?", value)
        if not parameter:
            raise QueryError(f"{where}:{number}: write a parameter as '# param: var = <default term>'")
        written = parameter.group(2)
        declared[parameter.group(1)] = _default_term(written, f"{where}:{number}") if written else None
    for key in ("name", "question"):
        if not values.get(key):
            raise QueryError(f"{where}: the header lacks '# {key}: …'; every named query states its {key}")
    if path is not None and values["name"] != path.stem:
        raise QueryError(f"{where}: '# name: {values['name']}' does not match the file name {path.stem!r}")
    for variable, default in _written_defaults(text, where).items():
        if variable not in declared:
            raise QueryError(f"{where}: the line 'VALUES ?{variable} {{…}}' needs '# param: {variable}'")
        if declared[variable] not in (None, default):
            raise QueryError(
                f"{where}: '# param: {variable}' and 'VALUES ?{variable}' give different defaults"
            )
        declared[variable] = default
    parameters: dict[str, Identifier] = {}
    for variable, term in declared.items():
        if term is None:
            raise QueryError(
                f"{where}: parameter ?{variable} has no default; write 'VALUES ?{variable} {{ … }}'"
            )
        parameters[variable] = term
    return NamedQuery(
        name=values["name"],
        question=values["question"],
        text=text,
        parameters=parameters,
        path=path,
        reads_ontology=header_reads_ontology(text, where),
    )


_ONTOLOGY_LINE = re.compile(r"(?m)^#\s*ontology\s*:\s*(.*?)\s*$")


def header_reads_ontology(text: str, where: str = "query") -> bool:
    """Whether a named query's header says ``# ontology: read``: the query reads the ontology (a class or
    property hierarchy, a term's label), so it runs with the ontology beside the data. Every other named
    query reads the data alone, which answers the same without the work of a second graph (a test checks
    that on the bundled data); at 1M triples that is 15-50% of the query's time on a store.

    :raises QueryError: an ``# ontology:`` line that says something else.
    """
    said = _ONTOLOGY_LINE.findall(text)
    if any(value != "read" for value in said):
        raise QueryError(f"{where}: write '# ontology: read', or no such line for a query of the data alone")
    return bool(said)


_VALUES_LINE = re.compile(
    r"^[ \t]*VALUES[ \t]+\?([A-Za-z_]\w*)[ \t]*\{[ \t]*([^{}\n]+?)[ \t]*\}[ \t]*\n?", re.M
)
"""A parameter's default written in the query: ``VALUES ?case { <…> }`` on a line of its own."""


def _written_defaults(text: str, where: str) -> dict[str, Identifier]:
    return {
        match.group(1): _default_term(match.group(2), f"{where}:{text.count(chr(10), 0, match.start()) + 1}")
        for match in _VALUES_LINE.finditer(text)
    }


def query_with_arguments(
    query: NamedQuery, bindings: Mapping[str, Identifier], arguments: Iterable[str]
) -> tuple[str, dict[str, Identifier]]:
    """The text and bindings to run ``query`` with: a default written in the text stays there; a parameter
    given an IRI argument has it written into its ``VALUES`` line (see :func:`_values_lines`); one given
    ``*`` loses the line, and any other argument is bound through the engine's API instead.
    """
    given = set(arguments)
    written = set(_written_defaults(query.text, query.name))
    bound = {name: term for name, term in bindings.items() if name in given or name not in written}
    return _values_lines(query.text, given, bound)


def _values_lines(text: str, given: set[str], bindings: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Write each given IRI argument into its parameter's ``VALUES`` line, so the engine plans with it.

    Oxigraph applies API bindings only after it has planned the query, and a plan made for an unknown case
    reads every case (``rq03 -p case=…`` at 1M triples: stopped at 120 s bound through the API, about 1 s
    written in ``VALUES``). Only an IRI is written, and only as the N-Triples token pyoxigraph makes of it
    after parsing it as an IRI: an IRI holds no space, quote, brace, angle bracket or backslash, so the token
    can end neither itself nor the line. A literal, ``*`` or an IRI pyoxigraph refuses loses the line and
    stays bound through the API, as before.
    """
    import pyoxigraph

    tokens: dict[str, str] = {}
    for variable in given & {match.group(1) for match in _VALUES_LINE.finditer(text)}:
        term = bindings.get(variable)
        kind, iri, _, _ = term_parts(term) if term is not None else ("", "", "", "")
        try:
            token = str(pyoxigraph.NamedNode(iri)) if kind == "uri" else ""
        except ValueError:
            token = ""
        if _IRI_TERM.fullmatch(token):
            tokens[variable] = token
    remaining = {name: term for name, term in bindings.items() if name not in tokens}

    def line(match: re.Match[str]) -> str:
        variable = match.group(1)
        if variable not in given:
            return match.group(0)
        if variable not in tokens:
            return ""
        indent = match.group(0).split("VALUES", 1)[0]
        return f"{indent}VALUES ?{variable} {{ {tokens[variable]} }}\n"

    return _VALUES_LINE.sub(line, text), remaining


def _default_term(text: str, where: str) -> Identifier:
    from rdflib import Graph, Literal, URIRef
    from rdflib.util import from_n3

    namespaces = Graph().namespace_manager
    for prefix, namespace in QUERY_PREFIXES.items():
        namespaces.bind(prefix, namespace, override=True, replace=True)
    try:
        term = from_n3(text.strip(), nsm=namespaces)
    except Exception as error:
        raise QueryError(f"{where}: not an RDF term: {text} ({error})") from None
    if not isinstance(term, URIRef | Literal):
        raise QueryError(f"{where}: a parameter's default must be an IRI or a literal, not {text}")
    return term


def run_named(
    source: Any,
    name: str,
    *,
    arguments: Mapping[str, str] | None = None,
    timeout: float | None = None,
    native: bool = False,
) -> QueryResult:
    """Run the named query ``name``; ``arguments`` (text, by parameter name) replace parameter defaults.

    An argument for an IRI parameter may also be a node's label (``-p topic=优化营商环境条例``): it is looked
    up among the nodes of the default's kind. An IRI that names nothing in the data is an error, not an
    empty answer.

    :raises UnknownQueryError: no such query.
    :param native: see :func:`run`; on a store, the usual call (IRI parameters given as IRIs, ids or ``*``)
        then runs without rdflib.
    :raises InputError: an argument the query does not declare, one that is not a valid value, or one that
        names nothing in the data.
    """
    if native and _is_store(source):
        quick = _run_named_natively(source, name, dict(arguments or {}), timeout)
        if quick is not None:
            return quick
    from rdflib import URIRef

    query = named(name)
    resolved = dict(arguments or {})
    for key, text in resolved.items():
        default = query.parameters.get(key)
        if isinstance(default, URIRef) and text.strip() != ANY_VALUE and not text.isascii():
            resolved[key] = str(_node_by_label(source, query.name, key, default, text.strip()))
    bindings = bind_arguments(query, resolved)
    for key in resolved:
        node = bindings.get(key)
        if isinstance(node, URIRef) and not _exists(source, node):
            found = _by_last_segment(source, query.parameters[key], resolved[key])
            if found is None:
                raise InputError(f"query {query.name}: {key}={resolved[key]!r} names nothing in the data")
            bindings[key] = found
    text, bindings = query_with_arguments(query, bindings, resolved)
    return run(source, text, bindings=bindings, timeout=timeout, trusted=True, native=native)


def _run_named_natively(
    source: Any, name: str, arguments: dict[str, str], timeout: float | None
) -> QueryResult | None:
    """:func:`run_named` on a store without rdflib, or None to leave the call to it: a query whose defaults
    are not all IRIs written in ``VALUES`` lines, an argument that is a label, names no node as given, or is
    wrong (the full path gives the same answer, or the error, with rdflib's help).

    The header is read as :func:`parse_named` reads it; a test runs every shipped query both ways.
    """
    import pyoxigraph

    text = named_text(name)
    if text is None:
        return None
    declared = set(re.findall(r"(?m)^#\s*param\s*:\s*\??([A-Za-z_]\w*)", text))
    defaults = {match.group(1): match.group(2).strip() for match in _VALUES_LINE.finditer(text)}
    if declared != set(defaults) or not all(_IRI_TERM.fullmatch(d) for d in defaults.values()):
        return None
    bindings: dict[str, Any] = {}
    for key, argument in arguments.items():
        value = argument.strip()
        if key not in defaults or not value.isascii():
            return None
        if value == ANY_VALUE:
            continue
        try:
            node = pyoxigraph.NamedNode(_argument_iri(name, key, defaults[key][1:-1], argument))
        except (InputError, ValueError):
            return None
        if not _exists(source, node):
            return None
        bindings[key] = node
    text, bindings = _values_lines(text, set(arguments), bindings)
    return run(source, text, bindings=bindings, timeout=timeout, trusted=True, native=True)


_IRI_TERM = re.compile(r'<[^\x00-\x20<>"{}|^`\\]*>')


def named_text(name: str) -> str | None:
    """The text of the named query ``name`` as shipped (its header unread), or None when there is none."""
    from .resources import queries_dir

    path = queries_dir() / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.is_file():
        return None
    return path.read_text(encoding="utf-8")


_BY_LABEL = """SELECT DISTINCT ?node ?text ?kind WHERE {
  ?node <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?label .
  FILTER (STR(?label) = ?text && STRSTARTS(STR(?node), ?kind))
}"""

_EXISTS = "SELECT ?node WHERE { ?node ?p ?o } LIMIT 1"


def _node_by_label(source: Any, query: str, key: str, default: Identifier, text: str) -> Identifier:
    """The one node of the default's kind (same IRI path) labelled ``text``."""
    from rdflib import Literal, URIRef

    kind = str(default).rsplit("/", 1)[0] + "/"
    rows = run(source, _BY_LABEL, bindings={"text": Literal(text), "kind": Literal(kind)}, trusted=True).rows
    nodes = sorted(str(row["node"]) for row in rows)
    if not nodes:
        raise InputError(f"query {query}: {key}={text!r}: no node under {kind} has this label")
    if len(nodes) > 1:
        raise InputError(f"query {query}: {key}={text!r} is the label of several nodes: {', '.join(nodes)}")
    return URIRef(nodes[0])


def _by_last_segment(source: Any, default: Identifier, text: str) -> Identifier | None:
    """A bare id (``2022-jilin``) for a default deeper than one level (``case/2022-jilin/outcome/1``): the
    deepest existing node that puts the id at one of the default's levels (``case/2022-jilin``)."""
    from rdflib import URIRef

    value = text.strip()
    if not re.fullmatch(r"[\w.-]+", value) or not str(default).startswith(DEFAULT_BASE):
        return None
    parts = str(default)[len(DEFAULT_BASE) :].split("/")
    for depth in range(len(parts) - 2, 0, -1):
        candidate = URIRef(DEFAULT_BASE + "/".join([*parts[:depth], value]))
        if _exists(source, candidate):
            return candidate
    return None


def _exists(source: Any, node: Any) -> bool:
    return bool(run(source, _EXISTS, bindings={"node": node}, trusted=True, native=True).rows)


def bind_arguments(query: NamedQuery, arguments: Mapping[str, str] | None) -> dict[str, Identifier]:
    """The bindings for a named query: defaults, replaced by ``arguments`` converted to the default's type.

    An argument for an IRI parameter may be a full IRI (``<…>`` or bare), a prefixed name (``id:case/x``),
    a path under the base (``case/2022-tianjin``) or just a last segment (``2022-tianjin``, ``220000``),
    which replaces the last segment of the default. An argument for a literal parameter becomes a literal of
    the default's datatype or language. The argument ``*`` leaves the parameter unbound: the query then
    answers for every value (every topic, every case).
    """
    bindings = dict(query.parameters)
    for key, text in (arguments or {}).items():
        if key not in query.parameters:
            declared = ", ".join(sorted(query.parameters)) or "none"
            raise InputError(f"query {query.name} has no parameter {key!r} (its parameters: {declared})")
        if text.strip() == ANY_VALUE:
            del bindings[key]
            continue
        bindings[key] = _argument_term(query.name, key, query.parameters[key], text)
    return bindings


ANY_VALUE = "*"
"""The argument that leaves a named query's parameter unbound."""


def _argument_term(query: str, key: str, default: Identifier, text: str) -> Identifier:
    from rdflib import Literal, URIRef

    if isinstance(default, Literal):
        term = Literal(text, lang=default.language, datatype=default.datatype)
        if default.datatype is not None and term.ill_typed:
            raise InputError(f"query {query}: argument {key}={text!r} is not a valid {default.datatype}")
        return term
    return URIRef(_argument_iri(query, key, str(default), text))


def _argument_iri(query: str, key: str, default: str, text: str) -> str:
    """The IRI an argument for an IRI parameter names (see :func:`bind_arguments`)."""
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefixed = re.fullmatch(r"([A-Za-z][\w-]*):(.*)", value)
    if prefixed and prefixed.group(1) in QUERY_PREFIXES and not value.startswith(("http:", "https:", "urn:")):
        value = QUERY_PREFIXES[prefixed.group(1)] + prefixed.group(2)
    elif not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        value = DEFAULT_BASE + value if "/" in value else default.rsplit("/", 1)[0] + "/" + value
    if not value or re.search(r'[\x00-\x20<>"{}|^`\\]', value):
        raise InputError(
            f"query {query}: argument {key}={text!r} is not a valid IRI; give an IRI, a prefixed name or "
            f"an id such as {default.rsplit('/', 1)[-1]!r}"
        )
    return value


# --- formats -----------------------------------------------------------------------------------------------


RDF_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
"""Formats for the triples of a CONSTRUCT or DESCRIBE answer, and rdflib's serializer for each."""


def _rdf(result: QueryResult, fmt: str) -> str:
    if result.kind != "graph":
        raise InputError(
            f"--format {fmt} writes RDF, which only a CONSTRUCT or DESCRIBE answer is; "
            f"this is a {result.kind.upper()} answer: use table, csv, tsv or json"
        )
    text = result.graph().serialize(format=RDF_FORMATS[fmt])
    if fmt == "nt":
        return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))
    return text if text.endswith("\n") else text + "\n"


def format_result(result: QueryResult, fmt: str) -> str:
    """The result as text: ``table`` (aligned, for people), ``csv``/``tsv`` (SPARQL 1.1 CSV/TSV results),
    ``json`` (SPARQL 1.1 Query Results JSON); for CONSTRUCT and DESCRIBE also ``turtle``, ``nt`` (N-Triples,
    sorted) and ``jsonld``.

    :raises InputError: an unknown format.
    """
    writers = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json}
    if fmt in RDF_FORMATS:
        return _rdf(result, fmt)
    if fmt not in writers:
        raise InputError(f"unknown result format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt](result)


_LOCAL_NAME = re.compile(r"(?:[\w](?:[\w.-]*[\w-])?)?")
"""A local name that SPARQL and Turtle read back as written (no ``/``, no ``:``, not ending in ``.``)."""

_PREFIX_OF_NAMESPACE = {namespace: prefix for prefix, namespace in reversed(QUERY_PREFIXES.items())}
_NAMESPACE_LENGTHS = sorted({len(namespace) for namespace in _PREFIX_OF_NAMESPACE}, reverse=True)
"""The known namespaces by text (the first prefix of each, as written), and their lengths, longest first."""


def shorten(term: Any) -> str:
    """A term for people that pastes back into a query: a valid prefixed name where a known prefix fits,
    else the full ``<IRI>``; a literal's text; '' for unbound."""
    if term is None:
        return ""
    kind, value, _, _ = term_parts(term)
    if kind == "uri":
        return _short_iri(value)
    if kind == "bnode":
        return f"_:{value}"
    return value.replace("\r", "").replace("\n", " ")


@functools.lru_cache(maxsize=65536)
def _short_iri(value: str) -> str:
    """The prefixed name of the longest known namespace ``value`` starts with, if its local name is valid.

    The namespaces are looked up by length, longest first: a dictionary lookup per length instead of a
    ``startswith`` per prefix (an answer of 5,900 rows has thousands of distinct IRIs)."""
    for length in _NAMESPACE_LENGTHS:
        prefix = _PREFIX_OF_NAMESPACE.get(value[:length])
        if prefix is not None:
            local = value[length:]
            return f"{prefix}:{local}" if _LOCAL_NAME.fullmatch(local) else f"<{value}>"
    return f"<{value}>"


def _width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@functools.lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1


def _table(result: QueryResult) -> str:
    """Aligned columns. Each distinct term of a column is shortened, measured and padded once: answers repeat
    labels and IRIs (rq14 at 1M: 53k cells, 4k distinct terms), so this is a fraction of the per-cell cost."""
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    names = result.variables
    columns = [[row.get(name) for row in result.rows] for name in names]
    shown: dict[Any, tuple[str, int]] = {}
    padded_columns = []
    widths = []
    for name, column in zip(names, columns, strict=True):
        distinct = set(column)
        for term in distinct - shown.keys():
            text = shorten(term)
            shown[term] = (text, _width(text))
        width = max([_width(name)] + [shown[term][1] for term in distinct])
        padded = {term: shown[term][0] + " " * (width - shown[term][1]) for term in distinct}
        padded_columns.append([padded[term] for term in column])
        widths.append(width)
    lines = ["  ".join(_pad(name, width) for name, width in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    by_row = zip(*padded_columns, strict=True) if names else ([] for _ in result.rows)
    lines.extend("  ".join(parts).rstrip() for parts in by_row)
    if not result.rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"


def _plain(term: Any) -> str:
    if term is None:
        return ""
    kind, value, _, _ = term_parts(term)
    return f"_:{value}" if kind == "bnode" else value


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(row.get(name)) for name in result.variables])
    return out.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines.extend("\t".join(_ntriples(row.get(name)) for name in result.variables) for row in result.rows)
    return "\n".join(lines) + "\n"


def _ntriples(term: Any) -> str:
    if term is None:
        return ""
    kind, value, language, datatype = term_parts(term)
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    lexical = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if language:
        return f'"{lexical}"@{language}'
    if datatype:
        return f'"{lexical}"^^<{datatype}>'
    return f'"{lexical}"'


def _json_term(term: Any) -> dict[str, str]:
    try:
        kind, text, language, datatype = term_parts(term)
    except InputError:
        raise InputError(f"cannot write {term!r} as a SPARQL JSON result term") from None
    value: dict[str, str] = {"type": kind, "value": text}
    if language:
        value["xml:lang"] = language
    elif datatype:
        value["datatype"] = datatype
    return value


def _json(result: QueryResult) -> str:
    if result.kind == "ask":
        document: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {name: _json_term(row[name]) for name in result.variables if row.get(name) is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
