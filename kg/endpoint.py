"""A remote SPARQL 1.1 endpoint as a backend: queries over the SPARQL protocol, uploads over the Graph Store
HTTP protocol.

Only the standard protocols are used (a form-encoded POST with ``query=``; ``application/sparql-results+json``
for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE; ``PUT``/``POST`` of N-Triples for uploads), so the
same client talks to Oxigraph's server (``kg serve``), Apache Jena Fuseki, Virtuoso or QLever.

The client is strict because a remote server is input like any file: a connect timeout, a read timeout on
every socket operation and an overall deadline, a limit on the response size, and a status check. A server
that hangs, answers 4xx or 5xx, or sends a malformed result gives one :class:`EndpointError` naming the URL
and what went wrong; nothing is retried. (rdflib's ``SPARQLStore`` has no timeout by default, and on an HTTP
500 to a POST returns a tuple instead of raising, which is why it is not used.)

Bindings cannot travel over the protocol, so a query with bindings is sent with a ``VALUES`` block at the
start of its outermost group pattern: the engine then evaluates it with the variables bound, which is what
the embedded engines' initial bindings do. Prefixes the project predeclares are sent as ``PREFIX`` lines
unless the query declares them itself.
"""

from __future__ import annotations

import ipaddress
import json
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    import http.client

    from rdflib.term import Identifier

    from .query import CheckedQuery, QueryResult

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the server to accept the connection."""

DEFAULT_READ_TIMEOUT = 120.0
"""Seconds the whole answer may take, and the longest silence between two parts of it."""

DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024 * 1024
"""Largest answer accepted (512 MiB); ``--max-bytes`` changes it."""

_SELECT_ACCEPT = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_USER_AGENT = "fazhi-kg (SPARQL 1.1 protocol client)"


class EndpointError(InputError):
    """The endpoint could not be reached, refused the request, or answered with something unusable."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL endpoint's URL and how patient the client is with it."""

    url: str
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __str__(self) -> str:
        return self.url


def endpoint(
    url: str,
    *,
    allow_network: bool,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    max_bytes: int | None = None,
) -> Endpoint:
    """A checked :class:`Endpoint`: an ``http``/``https`` URL, on loopback unless ``allow_network``.

    >>> endpoint("http://127.0.0.1:7878/query", allow_network=False).url
    'http://127.0.0.1:7878/query'
    >>> endpoint("https://query.wikidata.org/sparql", allow_network=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.endpoint.EndpointError: https://query.wikidata.org/sparql: ... pass --allow-network ...
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(
            f"{url}: not an http(s) URL of a SPARQL endpoint, e.g. http://127.0.0.1:7878/query"
        )
    if not allow_network and not is_loopback(url):
        raise EndpointError(
            f"{url}: the endpoint is on another machine, which is network access; "
            f"pass --allow-network to use it (loopback endpoints need no flag)"
        )
    return Endpoint(
        url=url,
        read_timeout=read_timeout,
        max_bytes=max_bytes or DEFAULT_MAX_RESPONSE_BYTES,
    )


def is_loopback(url: str) -> bool:
    """True when the URL's host is this machine: ``localhost`` or a loopback address (no name lookup)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- queries -----------------------------------------------------------------------------------------------


def run_query(target: Endpoint, checked: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult:
    """Run a checked query on the endpoint; the answer as a :class:`~kg.query.QueryResult` of rdflib terms."""
    from .query import QueryResult

    text = request_text(checked.text, bindings, construct=checked.form in {"construct", "describe"})
    graph = checked.form in {"construct", "describe"}
    body, content_type = _request(
        target,
        "POST",
        target.url,
        body=urllib.parse.urlencode({"query": text}).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": _GRAPH_ACCEPT if graph else _SELECT_ACCEPT,
        },
    )
    if graph:
        return QueryResult(
            kind="graph",
            variables=["subject", "predicate", "object"],
            rows=_triples(target, body, content_type),
        )
    document = _json(target, body)
    if checked.form == "ask":
        value = document.get("boolean") if isinstance(document, dict) else None
        if not isinstance(value, bool):
            raise _malformed(target, "an ASK answer without a boolean")
        return QueryResult(kind="ask", boolean=value)
    rows = _bindings(target, document)
    names = checked.variables
    return QueryResult(
        kind="select", variables=list(names), rows=[{n: row.get(n) for n in names} for row in rows]
    )


def request_text(text: str, bindings: Mapping[str, Identifier], *, construct: bool = False) -> str:
    """The query as sent: predeclared prefixes the query lacks, and bindings as a leading ``VALUES`` block.

    >>> from rdflib import URIRef
    >>> print(request_text("SELECT ?c WHERE { ?c a fz:Case }", {"c": URIRef("http://e/c")}).splitlines()[-1])
    SELECT ?c WHERE { VALUES (?c) { (<http://e/c>) } ?c a fz:Case }
    """
    import re

    from .query import QUERY_PREFIXES

    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w.-]*):", text)}
    prologue = "".join(
        f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(QUERY_PREFIXES.items()) if p.lower() not in declared
    )
    if bindings:
        names = sorted(bindings)
        block = (
            "VALUES ("
            + " ".join(f"?{n}" for n in names)
            + ") { ("
            + " ".join(bindings[n].n3() for n in names)
            + ") } "
        )
        at = _outer_group(text, construct=construct) + 1
        text = text[:at] + " " + block + text[at:].lstrip(" ")
    return prologue + text


def _outer_group(text: str, *, construct: bool) -> int:
    """Index of the ``{`` opening the query's WHERE group (strings, IRIs and comments skipped)."""
    i, depth, after_where = 0, 0, not construct
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if ch == "<" and depth == 0:
            end = text.find(">", i)
            if end > 0 and " " not in text[i:end]:
                i = end + 1
                continue
        if ch == "{":
            if depth == 0 and after_where:
                return i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and construct:
                after_where = True
        elif depth == 0 and construct and text[i : i + 5].upper() == "WHERE":
            after_where = True
        i += 1
    raise EndpointError("query: cannot find its WHERE clause to bind parameters for the endpoint")


def _json(target: Endpoint, body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _malformed(target, f"not SPARQL JSON results ({error})") from None


def _bindings(target: Endpoint, document: Any) -> list[dict[str, Identifier]]:
    try:
        rows = document["results"]["bindings"]
        if not isinstance(document["head"]["vars"], list) or not isinstance(rows, list):
            raise TypeError("head.vars and results.bindings must be lists")
        return [{name: _term(value) for name, value in row.items()} for row in rows]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _malformed(target, f"SPARQL JSON results without the expected structure ({error})") from None


def _term(value: dict[str, str]) -> Identifier:
    from rdflib import BNode, Literal, URIRef

    kind, text = value["type"], value["value"]
    if not isinstance(text, str):
        raise TypeError("a term's value must be a string")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang")
        datatype = value.get("datatype")
        if language:
            return Literal(text, lang=language)
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def _triples(target: Endpoint, body: bytes, content_type: str) -> list[dict[str, Identifier | None]]:
    import pyoxigraph

    from .loading import RdfFormat
    from .store import to_rdflib_converter

    try:
        fmt = RdfFormat.from_media_type(content_type or "application/n-triples")
    except InputError:
        raise _malformed(
            target, f"a graph answer of type {content_type!r}, not N-Triples or Turtle"
        ) from None
    convert = to_rdflib_converter()
    try:
        return [
            {"subject": convert(q.subject), "predicate": convert(q.predicate), "object": convert(q.object)}
            for q in pyoxigraph.parse(body, format=fmt.oxigraph())
        ]
    except SyntaxError as error:
        raise _malformed(target, f"a graph answer that does not parse as {fmt.label} ({error})") from None


def _malformed(target: Endpoint, what: str) -> EndpointError:
    return EndpointError(f"{target.url}: the endpoint sent {what}")


# --- uploads -----------------------------------------------------------------------------------------------


def push(target: Endpoint, ntriples: bytes, *, graph: str | None = None, replace: bool = False) -> int:
    """Upload N-Triples to a Graph Store HTTP protocol endpoint (``PUT`` replaces, ``POST`` adds).

    ``target.url`` is the graph store (Oxigraph: ``…/store``, Fuseki: ``…/dataset/data``); the data go to
    the default graph unless ``graph`` names one. Returns the HTTP status.
    """
    query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    separator = "&" if urllib.parse.urlsplit(target.url).query else "?"
    status, _ = _request(
        target,
        "PUT" if replace else "POST",
        f"{target.url}{separator}{query}",
        body=ntriples,
        headers={"Content-Type": "application/n-triples"},
        want_status=True,
    )
    return int(status)


# --- HTTP --------------------------------------------------------------------------------------------------


def _request(
    target: Endpoint,
    method: str,
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    want_status: bool = False,
) -> tuple[Any, str]:
    """One HTTP exchange; the body (or the status, with ``want_status``) and the content type."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(parts.hostname or "", parts.port, timeout=target.connect_timeout)
    deadline = time.monotonic() + target.read_timeout
    try:
        try:
            connection.connect()
        except TimeoutError:
            raise EndpointError(
                f"{target.url}: no connection within {target.connect_timeout:g} s; is the server running?"
            ) from None
        except OSError as error:
            raise EndpointError(f"{target.url}: cannot connect ({error.strerror or error})") from None
        if connection.sock is not None:
            connection.sock.settimeout(target.read_timeout)
        try:
            connection.request(method, path, body=body, headers={"User-Agent": _USER_AGENT, **headers})
            response = connection.getresponse()
            content = _read_body(target, response, deadline)
        except TimeoutError:
            raise EndpointError(
                f"{target.url}: no answer within {target.read_timeout:g} s; the server hangs or the query is "
                f"too slow (raise --timeout if it is expected)"
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise EndpointError(f"{target.url}: the connection failed ({error})") from None
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        snippet = " ".join(content[:300].decode("utf-8", "replace").split())
        hint = "the server refused the request" if response.status < 500 else "the server failed"
        raise EndpointError(
            f"{target.url}: HTTP {response.status} {response.reason} ({hint})"
            + (f": {snippet}" if snippet else "")
        )
    content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    return (response.status if want_status else content), content_type


def _read_body(target: Endpoint, response: http.client.HTTPResponse, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > target.max_bytes:
        raise EndpointError(
            f"{target.url}: the answer is {int(declared)} bytes, over the limit of {target.max_bytes}; "
            f"raise --max-bytes if it is expected"
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(1 << 16)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > target.max_bytes:
            raise EndpointError(
                f"{target.url}: the answer is over the limit of {target.max_bytes} bytes; "
                f"raise --max-bytes if it is expected"
            )
        chunks.append(chunk)
