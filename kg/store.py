"""A query store: rdflib graphs in, a pyoxigraph ``Store`` out (and back).

pyoxigraph answers SPARQL one to two orders of magnitude faster than rdflib, so every read command queries a
``Store``. The conversion writes the graph as N-Triples and loads that text: measured on a 60,000-triple
graph, about 0.45 s (0.25 s to write, 0.2 s to load), against 0.75–1.2 s for building ``Quad`` objects one by
one. The writer itself refuses IRIs with characters that would break the N-Triples line (space, quotes, angle
brackets…) and malformed language tags, so the load skips pyoxigraph's slower validation (``lenient``).
Everything goes into the store's default graph; blank nodes get fresh labels.

**What the store changes.** Strings, dates and IRIs are kept exactly. pyoxigraph's store,
however, holds valid numbers and booleans in its own binary encoding and gives back their canonical form:
``"01"^^xsd:integer`` comes back as ``"1"``, ``"1.50"^^xsd:decimal`` as ``"1.5"``, ``"1"^^xsd:boolean`` as
``"true"`` (so it merges with an existing ``"true"``), and every derived integer type
(``xsd:positiveInteger``, ``xsd:nonNegativeInteger``…) as ``xsd:integer``; language tags come back in lower
case (``zh-Hans`` → ``zh-hans``; tags are case-insensitive). Ill-typed literals
(``"abc"^^xsd:decimal``) are kept as written. Query answers from a store therefore carry canonical numbers,
equal in value to rdflib's; the published serialisations must be written from the rdflib graph, never
round-tripped through a store.

On the way back (:func:`to_graph`, query results) literals are built with ``normalize=False`` so rdflib does
not rewrite them either, and an ``xsd:string`` literal becomes rdflib's plain literal (the same in RDF 1.1).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError

BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_KEPT_LABEL = re.compile(r"[A-Za-z0-9_]+")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib
    from rdflib.term import Identifier

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_graph(graph: rdflib.Graph) -> pyoxigraph.Store:
    """An in-memory pyoxigraph store holding the triples of ``graph`` in its default graph.

    >>> import rdflib
    >>> g = rdflib.Graph().parse(data='<http://e/s> <http://e/p> "北京"@zh .')
    >>> [str(q.object) for q in from_graph(g)]
    ['"北京"@zh']

    :raises InputError: the graph holds a term pyoxigraph refuses (an IRI with a space, a bad language tag).
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    text = "".join(_ntriples(graph))
    try:
        store.load(text.encode("utf-8", "strict"), pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
    except (SyntaxError, UnicodeEncodeError) as error:
        raise InputError(f"the graph holds a term that cannot be stored for querying: {error}") from None
    return store


def select(store: pyoxigraph.Store, query: str) -> pyoxigraph.QuerySolutions:
    """The solutions of a SELECT query our own code wrote (a bug, not a user's mistake, if it is not one)."""
    import pyoxigraph

    answer = store.query(query)
    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:60]}")
    return answer


def to_graph(store: pyoxigraph.Store) -> rdflib.Graph:
    """An rdflib graph of the store's default graph, terms kept as written."""
    import pyoxigraph
    from rdflib import Graph

    from .terms import PREFIXES

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    convert = to_rdflib_converter()
    graph.addN(
        (convert(q.subject), convert(q.predicate), convert(q.object), graph)
        for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    )
    return graph


def to_rdflib(term: Any) -> Identifier:
    """One pyoxigraph term as an rdflib term (see :func:`to_rdflib_converter` for many)."""
    converted: Identifier = to_rdflib_converter()(term)
    return converted


def to_rdflib_converter() -> Any:
    """A function turning pyoxigraph terms (or None, an unbound variable) into rdflib terms, as written.

    The conversion itself is :func:`kg.loading.term_converter`, the one the loading path uses.
    """
    from .loading import term_converter

    convert = term_converter()

    def convert_or_none(term: Any) -> Any:
        return None if term is None else convert(term)

    return convert_or_none


def to_oxigraph(term: Identifier) -> Any:
    """One rdflib term as a pyoxigraph term, the literal's lexical form kept exactly (a pyoxigraph term is
    returned as it is)."""
    import pyoxigraph

    if type(term).__module__ == "pyoxigraph":
        return term
    from rdflib import BNode, Literal, URIRef

    try:
        if isinstance(term, URIRef):
            return pyoxigraph.NamedNode(str(term))
        if isinstance(term, Literal):
            lexical = str(term)
            if term.language:
                return pyoxigraph.Literal(lexical, language=term.language)
            if term.datatype:
                return pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(str(term.datatype)))
            return pyoxigraph.Literal(lexical)
        if isinstance(term, BNode):
            return pyoxigraph.BlankNode(str(term))
    except ValueError as error:
        raise InputError(f"not a valid RDF term: {term!r} ({error})") from None
    raise InputError(f"not an RDF term: {term!r}")


def _ntriples(graph: rdflib.Graph, *, keep_blank_labels: bool = False) -> Iterator[str]:
    """The graph's triples as N-Triples lines; blank nodes are relabelled ``_:b0``, ``_:b1``… (with
    ``keep_blank_labels``, those whose label is letters, digits and ``_`` keep it, the others become
    ``_:kg-b0``…, so that a parser keeping labels gives back the same blank nodes)."""
    from rdflib import BNode, Literal, URIRef

    blanks: dict[BNode, str] = {}
    iris: dict[URIRef, str] = {}

    def iri(node: URIRef) -> str:
        found = iris.get(node)
        if found is None:
            value = str.__str__(node)
            if BAD_IRI.search(value):
                raise InputError(
                    f"not a valid IRI: <{value}> (it holds a space, a quote, <, > or a control character)"
                )
            found = iris[node] = f"<{value}>"
        return found

    def literal(node: Literal) -> str:
        lexical = str.__str__(node)
        if "\\" in lexical or '"' in lexical or "\n" in lexical or "\r" in lexical:
            lexical = _escape(lexical)
        language = node.language
        if language:
            if not _LANGUAGE.match(language):
                raise InputError(f"not a valid language tag: {language!r} on {lexical!r}")
            return f'"{lexical}"@{language}'
        datatype = node.datatype
        if datatype:
            return f'"{lexical}"^^{iri(datatype)}'
        return f'"{lexical}"'

    def term(node: Any) -> str:
        kind = type(node)
        if kind is URIRef:
            found = iris.get(node)
            return found if found is not None else iri(node)
        if kind is Literal:
            return literal(node)
        if isinstance(node, URIRef):
            return iri(node)
        if isinstance(node, Literal):
            return literal(node)
        if isinstance(node, BNode):
            label = blanks.get(node)
            if label is None:
                if keep_blank_labels:
                    kept = _KEPT_LABEL.fullmatch(node)
                    label = f"_:{node}" if kept else f"_:kg-b{len(blanks)}"
                else:
                    label = f"_:b{len(blanks)}"
                blanks[node] = label
            return label
        raise InputError(f"not an RDF term: {node!r}")

    for s, p, o in graph.triples((None, None, None)):
        yield f"{term(s)} {term(p)} {term(o)} .\n"


def _escape(lexical: str) -> str:
    return lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def from_ntriples(ntriples: bytes) -> pyoxigraph.Store:
    """An in-memory store bulk-loaded from N-Triples that kg wrote."""
    import pyoxigraph

    return _bulk_load_written(pyoxigraph.Store(), ntriples)


def _bulk_load_written(store: pyoxigraph.Store, ntriples: bytes) -> pyoxigraph.Store:
    """``store`` with N-Triples that kg wrote bulk-loaded into it (read leniently: kg checked them when it
    wrote them); Oxigraph's loader parses and indexes on its own threads without holding the interpreter."""
    import pyoxigraph

    store.bulk_load(ntriples, pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
    return store


def from_quads(quads: Iterable[pyoxigraph.Quad]) -> pyoxigraph.Store:
    """An in-memory store holding the given quads, bulk-loaded."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_extend(quads)
    return store


# --- the persistent store ----------------------------------------------------------------------------------

_MARKER = "kg-store.json"
"""A file beside the store's own files: written last, so a folder without it is no finished store."""


def store_path(out_dir: Path) -> Path:
    """Where a build's store lives: beside the output folder, ``dist`` → ``dist.store``.

    Not inside it: Oxigraph's files (RocksDB) differ from one load to the next (session ids, timestamps),
    and the output folder must be byte-identical between builds of the same inputs.
    """
    resolved = Path(out_dir).absolute()
    return resolved.parent / f"{resolved.name}.store"


def write_store(out_dir: Path, quads: Sequence[pyoxigraph.Quad], *, source: Path | None = None) -> Path:
    """Bulk-load ``quads`` into the build's store for ``out_dir`` (see :func:`store_path`); its path.

    ``source`` is the published file the quads were written to: its size and modification time are recorded,
    so readers can tell a store that no longer matches it. The store is made in a temporary folder beside it
    and renamed into place; an older store is replaced only once the new one is complete.
    """
    return make_store(store_path(out_dir), quads, source=source)


def make_store(target: Path, quads: Sequence[pyoxigraph.Quad], *, source: Path | None = None) -> Path:
    """A new on-disk store at ``target`` holding ``quads``, made aside and renamed into place.

    Beside Oxigraph's files the store keeps the quads as written (:data:`WRITTEN`, a hard link to ``source``
    when that is the N-Triples file they came from): the commands that need every literal exactly as written
    (validate, export) read it, since the store itself canonicalises numbers (see the module notes).
    """
    with staged_store(target) as staged:
        staged.store.bulk_extend(quads)
        staged.commit(source=source, quads=quads)
    return Path(target)


class StagedStore:
    """An on-disk store being made in a temporary folder beside its target (see :func:`staged_store`)."""

    def __init__(self, folder: Path, target: Path) -> None:
        self.folder = folder
        self.target = target
        self._store: pyoxigraph.Store | None = None
        self.committed = False
        self._entity_child: tuple[Callable[..., Any], int] | None = None

    @property
    def store(self) -> pyoxigraph.Store:
        """The store, open for writing (drop every reference to it before :meth:`commit`)."""
        import pyoxigraph

        if self._store is None:
            self._store = pyoxigraph.Store(str(self.folder / "data"))
        return self._store

    def load(self, ntriples: bytes) -> pyoxigraph.Store:
        """Bulk-load N-Triples that kg wrote; the store."""
        return _bulk_load_written(self.store, ntriples)

    def start_entity_graph(self, ntriples: bytes) -> None:
        """Start writing the entity graph of ``ntriples`` (the N-Triples this store will hold) in a forked
        child (:func:`kg.limits.forked`), so it runs on the second core while the build serialises;
        :meth:`commit` waits for it.

        Called before the store is opened, so no engine thread is forked. The child counts one triple a line;
        :meth:`commit` writes the file itself when the child failed or the store holds another number of
        triples (Oxigraph merged two literals), so what it keeps always fits its store.
        """
        from .analysis.entityfile import write_entity_file
        from .limits import forked

        if self._store is not None:
            return
        triples = ntriples.count(b"\n")
        self._entity_child = (forked(write_entity_file, ntriples, self.folder, triples), triples)

    def _wait_for_entity_graph(self, triples: int | None) -> bool:
        """Wait for the child of :meth:`start_entity_graph` (stop it when ``triples`` is None: the store is
        given up); whether it wrote the file for ``triples``."""
        if self._entity_child is None:
            return False
        join, counted = self._entity_child
        self._entity_child = None
        try:
            join(cancel=triples is None)
        except Exception:
            return False
        return triples is not None and counted == triples

    def commit(
        self,
        *,
        source: Path | None = None,
        quads: Sequence[pyoxigraph.Quad] = (),
        written: bytes | None = None,
    ) -> None:
        """Close the store, keep the data as written beside it with the entity graph the analyses read
        (:mod:`kg.analysis.entityfile`), and put it in place of the target.

        ``source`` is the published N-Triples file the store was loaded from (linked, and its size and
        modification time recorded, so readers can tell a store that no longer matches it); without one,
        ``written`` (N-Triples) or else ``quads`` are written as the store's own copy.
        """
        import json
        import shutil

        from .analysis.entityfile import write_entity_file

        store = self.store
        triples = len(store)
        ontology = add_ontology(store)
        store.flush()
        store.optimize()
        self._store = None
        del store
        if written is not None and source is None:
            (self.folder / WRITTEN).write_bytes(written)
        else:
            _keep_written(quads, self.folder / WRITTEN, source)
        # Read what the copy was made from: a read command's guard refuses files in the staged folder (a read
        # command builds a missing dataset; kg load has the bytes).
        if written is not None and source is None:
            copy: Path | bytes = written
        elif source is not None and source.suffix == ".nt":
            copy = source
        else:
            copy = self.folder / WRITTEN
        if not self._wait_for_entity_graph(triples):
            write_entity_file(copy, self.folder, triples)
        marker: dict[str, object] = {"format": "oxigraph", "quads": triples, "ontology": ontology}
        if source is not None:
            marker["source"] = _fingerprint(source)
        (self.folder / _MARKER).write_text(json.dumps(marker) + "\n")
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}-old-{self.folder.name}")
            self.target.rename(old)
        self.folder.rename(self.target)
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged_store(target: Path) -> Iterator[StagedStore]:
    """A new on-disk store for ``target``, made in a temporary folder beside it: it replaces ``target`` only
    when the block calls :meth:`StagedStore.commit`; otherwise (an error, an interruption) it is removed and
    an older store stays as it was.

    :raises InputError: ``target`` exists and is not a kg store.
    """
    import shutil
    import tempfile

    from .publish import _umask

    target = Path(target)
    if target.exists() and not is_store(target):
        raise InputError(f"{target}: exists and is not a kg store; choose another folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staged = StagedStore(folder, target)
    try:
        folder.chmod(0o777 & ~_umask())
        yield staged
    finally:
        staged._store = None
        staged._wait_for_entity_graph(None)
        if not staged.committed:
            shutil.rmtree(folder, ignore_errors=True)


ONTOLOGY_GRAPH = "https://w3id.org/fazhi/ontology"
"""The named graph of a kg store that holds the shipped ontology (the triples of it the data lacks)."""


def add_ontology(store: pyoxigraph.Store) -> dict[str, str]:
    """Put the shipped ontology into the named graph :data:`ONTOLOGY_GRAPH` of ``store``; what the marker
    records of it (the graph and the ontology file's sha256).

    Only triples the default graph lacks go in: Oxigraph does not merge duplicates when a query's default
    graph is several graphs, and an in-memory store of the data and the ontology together (what ``kg query
    --data`` loads) holds each triple once. So a query over both graphs (:class:`WithOntology`) answers as
    that in-memory store does, and the store stays read-only when queried.
    """
    import pyoxigraph

    from .loading import read_quads
    from .resources import ontology_file

    graph = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    added = [
        pyoxigraph.Quad(q.subject, q.predicate, q.object, graph)
        for q in read_quads(ontology_file(), rename_blank_nodes=True)
        if pyoxigraph.Quad(q.subject, q.predicate, q.object) not in store
    ]
    store.bulk_extend(added)
    return {"graph": ONTOLOGY_GRAPH, "sha256": _ontology_sha256()}


def _ontology_sha256() -> str:
    """The shipped ontology file's sha256: a store's ontology graph is current when its marker records it."""
    from .resources import ontology_file
    from .sources import sha256_of

    return sha256_of(ontology_file())


def with_ontology(path: Path) -> WithOntology | None:
    """The store at ``path`` with its ontology graph beside the data, or None when it holds no ontology graph
    or one older than the shipped ontology (then the caller loads the ontology itself)."""
    import json

    try:
        recorded = json.loads((Path(path) / _MARKER).read_text()).get("ontology") or {}
        current = _ontology_sha256()
    except (OSError, ValueError, AttributeError):
        return None
    if recorded.get("graph") != ONTOLOGY_GRAPH or recorded.get("sha256") != current:
        return None
    return WithOntology(open_store(path))


class WithOntology:
    """A store whose queries read the data and the ontology graph together as their default graph.

    It answers what an in-memory store of the data plus the ontology answers (see :func:`add_ontology`),
    without parsing either: subclass and subproperty paths (``?x a/rdfs:subClassOf* fz:Actor``) work on the
    persistent store, read-only.
    """

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def query(self, query: str, **options: Any) -> Any:
        """``pyoxigraph.Store.query`` with the default graph made of the data and the ontology graph."""
        import pyoxigraph

        graphs: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph] = [
            pyoxigraph.DefaultGraph(),
            pyoxigraph.NamedNode(ONTOLOGY_GRAPH),
        ]
        return self.store.query(query, default_graph=graphs, **options)


WRITTEN = "dataset.nt"
"""The N-Triples copy of a store's data with every literal as written."""


def _keep_written(quads: Sequence[pyoxigraph.Quad], target: Path, source: Path | None) -> None:
    import os
    import shutil

    import pyoxigraph

    if source is not None and source.suffix == ".nt":
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        return
    triples = (pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads)
    pyoxigraph.serialize(triples, output=str(target), format=pyoxigraph.RdfFormat.N_TRIPLES)


def written(store: Path) -> Path | None:
    """The store's data as written (N-Triples), or None for a store made without it."""
    path = Path(store) / WRITTEN
    return path if path.is_file() else None


def _fingerprint(path: Path) -> dict[str, object]:
    stat = Path(path).stat()
    return {"path": Path(path).name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def matches(store: Path, source: Path) -> bool:
    """True when ``store`` was loaded from ``source`` as it is now (same size and modification time)."""
    import json

    try:
        marker = json.loads((Path(store) / _MARKER).read_text())
        return bool(marker.get("source") == _fingerprint(source))
    except (OSError, ValueError, AttributeError):
        return False


def copy_matches(store: Path, copy: Path) -> bool:
    """True when ``copy`` is the store's own copy of its data as it was loaded: a build's store records its
    source's size and modification time (:func:`matches`); a store ``kg load`` made wrote its copy itself."""
    import json

    try:
        recorded = json.loads((Path(store) / _MARKER).read_text()).get("source")
        return recorded is None or bool(recorded == _fingerprint(copy))
    except (OSError, ValueError, AttributeError):
        return False


def recorded_quads(store: Path) -> int | None:
    """The number of quads the store's marker records (None when it records none)."""
    import json

    try:
        quads = json.loads((Path(store) / _MARKER).read_text()).get("quads")
    except (OSError, ValueError, AttributeError):
        return None
    return quads if isinstance(quads, int) else None


def is_store(path: Path) -> bool:
    """True when ``path`` is a finished store written by :func:`make_store`."""
    return (Path(path) / _MARKER).is_file() and (Path(path) / "data").is_dir()


def open_store(path: Path) -> pyoxigraph.Store:
    """The on-disk store at ``path``, opened read-only (several readers may share it).

    :raises InputError: ``path`` is no store made by ``kg build`` or ``kg load``.
    """
    import pyoxigraph

    if not is_store(path):
        raise InputError(
            f"{path}: not a kg store (make one with 'kg build' or 'kg load FILE… --store {path}')"
        )
    try:
        return pyoxigraph.Store.read_only(str(Path(path) / "data"))
    except OSError as error:
        raise InputError(f"{path}: the store cannot be opened: {error}") from None


def store_data_dir(path: Path) -> Path:
    """The folder holding Oxigraph's own files inside a kg store (what ``oxigraph serve`` opens)."""
    return Path(path) / "data"


def load_files(
    paths: Iterable[Path],
    target: Path,
    *,
    allow_network: bool = False,
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> int:
    """A new on-disk store at ``target`` from RDF files in any format (read safely); the number of quads.

    The files are hostile input: they are parsed in the confined worker of :func:`kg.limits.run_with_timeout`
    (time and memory limits, kernel sandbox), which hands back N-Quads that kg wrote; only those are
    bulk-loaded here, into a staged store that replaces ``target`` once complete. Blank nodes get fresh
    labels per file, so files loaded together keep theirs apart.

    :raises InputError: a file that is not valid RDF (``file:line:col``), too large, or empty.
    :raises LimitExceeded: the parse ran out of time (``timeout`` seconds) or memory.
    """
    import pyoxigraph

    from .limits import run_with_timeout

    files = list(paths)
    nquads, written, count = run_with_timeout(
        parse_files,
        files,
        allow_network=allow_network,
        max_bytes=max_bytes,
        timeout=timeout,
        what="load",
        isolate=True,
    )
    with staged_store(target) as staged:
        staged.store.bulk_load(nquads, pyoxigraph.RdfFormat.N_QUADS, lenient=True)
        staged.commit(written=written)
    return count


def parse_files(
    paths: Sequence[Path], *, allow_network: bool = False, max_bytes: int | None = None
) -> tuple[bytes, bytes, int]:
    """RDF files in any format → (their quads as N-Quads, their triples as N-Triples with every literal as
    written, the number of quads): what :func:`load_files` runs in the confined worker."""
    import pyoxigraph

    from .loading import DEFAULT_MAX_BYTES, read_quads

    quads: list[pyoxigraph.Quad] = []
    for path in paths:
        quads.extend(
            read_quads(
                path,
                allow_network=allow_network,
                max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                rename_blank_nodes=len(paths) > 1,
            )
        )
    nquads = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b""
    if all(isinstance(quad.graph_name, pyoxigraph.DefaultGraph) for quad in quads):
        return nquads, nquads, len(quads)  # without graph names, N-Quads lines are N-Triples lines
    triples = (pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads)
    return nquads, pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b"", len(quads)


def ntriples_of(store: pyoxigraph.Store) -> bytes:
    """Every triple of the store's default graph as N-Triples (canonical literals, see the module notes)."""
    import pyoxigraph

    triples = store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
