"""The one loading path: every file a command reads comes through here.

YAML is read strictly (no anchors, aliases, duplicate keys or tags; YAML 1.2 values) and keeps the line and
column of every value, so case-file errors point at their place. RDF is parsed by Oxigraph's parsers, which
never fetch anything: a JSON-LD document may only name the project's own context, which is substituted from
the shipped file. XML with a DOCTYPE is refused before it reaches a parser.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, LimitExceeded, Problem, RdfSyntaxError

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Largest input file read by default (256 MiB: the nationwide dataset's N-Triples are ~130 MB);
``--max-bytes`` changes it."""

MAX_NESTING = 64
"""Deepest nesting of YAML or JSON structures accepted."""


# --- plain files -----------------------------------------------------------------------------------------


def read_bytes(
    path: Path | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    what: str = "file",
    hint: str = "raise it with --max-bytes if you trust the file",
) -> bytes:
    """Read a whole input file, refusing what is not a readable regular file or is over ``max_bytes``.

    The file is opened without blocking (a pipe put in its place never stalls the read), checked on the open
    descriptor, and read up to one byte past the limit: a file that grows while it is read cannot pass it.
    """
    import os
    import stat

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such {what}; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a {what} instead")
    if not path.is_file():  # said early; the check on the open descriptor below is the one that holds
        raise InputError(f"{path}: not a regular file; give a {what} instead")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{path}: not a regular file; give a {what} instead")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(descriptor, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    finally:
        os.close(descriptor)
    if size > max_bytes:
        found = max(size, status.st_size)
        raise LimitExceeded(f"{path}: {found} bytes is over the limit of {max_bytes} bytes; {hint}")
    return b"".join(chunks)


class InputBudget:
    """Counts the bytes a command reads over all its files and refuses the file that passes the total."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.limit = 4 * max_bytes
        self.used = 0

    def spend(self, size: int, path: Path | str) -> None:
        self.used += size
        if self.used > self.limit:
            raise LimitExceeded(
                f"{path}: the input files together pass the total limit of {self.limit} bytes (four times "
                "the per-file limit); raise it with --max-bytes if you trust the files"
            )


def decode_text(data: bytes, path: Path | str) -> str:
    """Decode UTF-8 (a byte-order mark is dropped), refusing NUL bytes and invalid sequences by place."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _place_of_byte(data, error.start)
        raise InputError(
            f"{path}:{line}:{column}: not valid UTF-8 (byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8"
        ) from error
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise InputError(f"{path}:{line}:{column}: NUL byte in a text file; remove it")
    return text


def _place_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def read_text(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> str:
    """Read a UTF-8 text file through the checks of :func:`read_bytes` and :func:`decode_text`."""
    return decode_text(read_bytes(path, max_bytes=max_bytes, what=what), path)


# --- YAML --------------------------------------------------------------------------------------------------

YamlPath = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?[0-9]+$")
_OCTAL_LOOKING = re.compile(r"^[-+]?0[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_FOLDED_BREAKS = frozenset("\r\x85\u2028\u2029")


@dataclass
class YamlDocument:
    """Plain YAML data with the line and column (1-based) of every value and every mapping key."""

    path: str
    data: Any
    values: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, where: YamlPath, *, key: bool = False) -> tuple[int, int]:
        """The place of the value (or of its key) at ``where``, else of its nearest ancestor."""
        table = self.keys if key else self.values
        probe = tuple(where)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def problem(self, where: YamlPath, message: str, *, key: bool = False) -> Problem:
        """A :class:`Problem` placed at ``where``."""
        line, column = self.position(where, key=key)
        return Problem(self.path, line, column, message)


def _plain_scalar(value: str, path: str, mark: Any) -> Any:
    """Resolve an unquoted scalar the YAML 1.2 core-schema way, refusing ambiguous leading zeros."""
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _OCTAL_LOOKING.match(value):
        raise _yaml_problem(
            path, mark, f'the number {value} has a leading zero; quote it if it is text ("{value}")'
        )
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return _decimal(value, path, mark)
    if value in {".inf", "+.inf", "-.inf", ".nan", ".Inf", ".NaN"}:
        raise _yaml_problem(path, mark, f"{value} is not accepted as a number; quote it if it is text")
    return value


LARGEST_EXPONENT = 308
"""Numbers are kept exactly as written, as :class:`~decimal.Decimal`; beyond 1e±308 (where a double, and
most tools reading the data, would turn them into infinity or zero) they are refused."""


def _decimal(value: str, path: str, mark: Any) -> Decimal:
    """A number with a fraction or exponent, from its text: every written digit kept, no float between."""
    number = Decimal(value)
    if number and not -LARGEST_EXPONENT < number.adjusted() < LARGEST_EXPONENT:
        raise _yaml_problem(
            path,
            mark,
            f"the number {value} is out of range (its size must lie between 1e-{LARGEST_EXPONENT} and "
            f"1e{LARGEST_EXPONENT}); write it with fewer zeros, or quote it if it is text",
        )
    return number


class _YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _yaml_problem(path: str, mark: Any, message: str) -> _YamlProblem:
    return _YamlProblem(Problem(path, mark.line + 1, mark.column + 1, message))


def load_yaml(
    path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, display: str | None = None
) -> YamlDocument:
    """Load one YAML document strictly, keeping the place of every value.

    Refuses anchors and aliases, duplicate keys, explicit tags, several documents and nesting deeper than
    :data:`MAX_NESTING`; plain scalars follow YAML 1.2 (``NO`` and ``1:20`` stay text). Every refusal is a
    :class:`~kg.errors.InputError` whose message starts ``file:line:column:``.

    :param display: how to name the file in messages (default: the path as given).
    """
    from .errors import CaseFileError

    name = display or str(path)
    text = read_text(path, max_bytes=max_bytes, what="YAML file")
    try:
        return _build_yaml(name, text)
    except _YamlProblem as error:
        raise CaseFileError([error.problem]) from None


def dump_yaml(data: Any, *, width: int = 110, flow: bool | None = None) -> str:
    """``data`` as YAML that :func:`load_yaml` reads back as the same values.

    PyYAML writes by YAML 1.1 rules, which leave ``08`` and ``1e5`` plain (not 1.1 numbers); this loader reads
    them by YAML 1.2 rules, refusing the first and reading the second as a number. Every string such a rule
    would read as something else is quoted.

    :param flow: PyYAML's ``default_flow_style`` (None: innermost collections on one line).
    """
    import yaml

    return yaml.dump(
        data, Dumper=_yaml_dumper(), allow_unicode=True, sort_keys=False, width=width, default_flow_style=flow
    )


@functools.lru_cache(maxsize=1)
def _yaml_dumper() -> type:
    """PyYAML's safe dumper, told the plain scalars this loader reads as numbers (or refuses); made once, as
    ``kg synth`` writes one file per case.

    A string with a line break other than ``\\n`` is written double-quoted, where it is escaped: PyYAML writes
    it raw otherwise, and a reader folds it into a space.
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        def represent_str(self, data: str) -> Any:
            if _FOLDED_BREAKS.intersection(data):
                return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
            return super().represent_str(data)

    Dumper.add_representer(str, Dumper.represent_str)
    first = list("-+.0123456789")
    for tag, pattern in (("int", _OCTAL_LOOKING), ("int", _INT), ("float", _FLOAT)):
        Dumper.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", pattern, first)
    return Dumper


def _build_yaml(name: str, text: str) -> YamlDocument:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = YamlDocument(path=name, data=None)
    try:
        events: Iterator[Any] = yaml.parse(text, Loader=loader_class)
        _expect(events, yaml.StreamStartEvent, name)
        start = next(events)
        if isinstance(start, yaml.StreamEndEvent):
            raise _YamlProblem(Problem(name, 1, 1, "the file is empty; write the case as a YAML mapping"))
        if not isinstance(start, yaml.DocumentStartEvent):
            raise _yaml_problem(name, start.start_mark, "expected a YAML document")
        document.data = _node(events, next(events), (), document, 0)
        _expect(events, yaml.DocumentEndEvent, name)
        end = next(events)
        if not isinstance(end, yaml.StreamEndEvent):
            raise _yaml_problem(
                name, end.start_mark, "only one YAML document per file; remove the second '---'"
            )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or error.context or "invalid YAML"
        raise _YamlProblem(Problem(name, line, column, f"invalid YAML: {reason}")) from None
    except yaml.YAMLError as error:
        raise _YamlProblem(Problem(name, 1, 1, f"invalid YAML: {error}")) from None
    return document


def _expect(events: Iterator[Any], kind: type, name: str) -> Any:
    event = next(events)
    if not isinstance(event, kind):
        raise _yaml_problem(name, event.start_mark, f"unexpected YAML {type(event).__name__}")
    return event


def _refuse_anchor_and_tag(event: Any, name: str) -> None:
    import yaml

    if isinstance(event, yaml.AliasEvent):
        raise _yaml_problem(
            name, event.start_mark, f"aliases (*{event.anchor}) are not allowed; write the value out"
        )
    if getattr(event, "anchor", None):
        raise _yaml_problem(name, event.start_mark, f"anchors (&{event.anchor}) are not allowed; remove it")
    tag = getattr(event, "tag", None)
    if tag is not None:
        raise _yaml_problem(name, event.start_mark, f"tags ({tag}) are not allowed; remove the tag")


def _node(events: Iterator[Any], event: Any, where: YamlPath, document: YamlDocument, depth: int) -> Any:
    import yaml

    name = document.path
    if depth > MAX_NESTING:
        raise _yaml_problem(name, event.start_mark, "input too deeply nested")
    _refuse_anchor_and_tag(event, name)
    document.values[where] = (event.start_mark.line + 1, event.start_mark.column + 1)
    if isinstance(event, yaml.ScalarEvent):
        if not event.style:
            return _plain_scalar(event.value, name, event.start_mark)
        return event.value
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[Any] = []
        while True:
            item = next(events)
            if isinstance(item, yaml.SequenceEndEvent):
                return items
            items.append(_node(events, item, (*where, len(items)), document, depth + 1))
    if isinstance(event, yaml.MappingStartEvent):
        mapping: dict[str, Any] = {}
        while True:
            key_event = next(events)
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            _refuse_anchor_and_tag(key_event, name)
            if not isinstance(key_event, yaml.ScalarEvent):
                raise _yaml_problem(name, key_event.start_mark, "mapping keys must be plain text")
            key = key_event.value
            if key == "<<" and not key_event.style:
                raise _yaml_problem(
                    name, key_event.start_mark, "merge keys (<<) are not allowed; write the keys out"
                )
            if key in mapping:
                first = document.keys[(*where, key)]
                raise _yaml_problem(
                    name, key_event.start_mark, f"duplicate key '{key}' (first at line {first[0]}); keep one"
                )
            mark: Any = key_event.start_mark
            document.keys[(*where, key)] = (mark.line + 1, mark.column + 1)
            mapping[key] = _node(events, next(events), (*where, key), document, depth + 1)
    raise _yaml_problem(name, event.start_mark, f"unexpected YAML {type(event).__name__}")


# --- RDF ---------------------------------------------------------------------------------------------------


class RdfFormat(enum.Enum):
    """The RDF serialisations fazhi-kg reads and writes."""

    TURTLE = ("turtle", (".ttl",), "text/turtle")
    NTRIPLES = ("nt", (".nt",), "application/n-triples")
    NQUADS = ("nquads", (".nq",), "application/n-quads")
    TRIG = ("trig", (".trig",), "application/trig")
    JSONLD = ("jsonld", (".jsonld", ".json"), "application/ld+json")
    RDFXML = ("rdfxml", (".rdf", ".owl", ".xml"), "application/rdf+xml")

    def __init__(self, label: str, extensions: tuple[str, ...], media_type: str) -> None:
        self.label = label
        self.extensions = extensions
        self.media_type = media_type

    @classmethod
    def from_extension(cls, path: Path | str) -> RdfFormat:
        """The format a file name's extension names; an unknown extension is an error, not a guess."""
        suffix = Path(path).suffix.lower()
        for member in cls:
            if suffix in member.extensions:
                return member
        known = ", ".join(ext for member in cls for ext in member.extensions)
        raise InputError(
            f"{path}: unknown RDF file extension '{suffix}'; use one of {known} or give --format"
        )

    @classmethod
    def from_label(cls, label: str) -> RdfFormat:
        """The format named on the command line (``ttl``, ``turtle``, ``nt``, ``jsonld`` …)."""
        aliases = {"ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "json-ld": "jsonld", "xml": "rdfxml"}
        wanted = aliases.get(label.lower(), label.lower())
        for member in cls:
            if member.label == wanted:
                return member
        raise InputError(f"unknown RDF format '{label}'; use one of {', '.join(m.label for m in cls)}")

    @classmethod
    def from_media_type(cls, media_type: str) -> RdfFormat:
        """The format of a media type such as ``text/turtle``."""
        wanted = media_type.split(";")[0].strip().lower()
        for member in cls:
            if member.media_type == wanted:
                return member
        raise InputError(f"unknown RDF media type '{media_type}'")

    def oxigraph(self) -> pyoxigraph.RdfFormat:
        """The matching pyoxigraph format."""
        import pyoxigraph

        return {
            RdfFormat.TURTLE: pyoxigraph.RdfFormat.TURTLE,
            RdfFormat.NTRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
            RdfFormat.NQUADS: pyoxigraph.RdfFormat.N_QUADS,
            RdfFormat.TRIG: pyoxigraph.RdfFormat.TRIG,
            RdfFormat.JSONLD: pyoxigraph.RdfFormat.JSON_LD,
            RdfFormat.RDFXML: pyoxigraph.RdfFormat.RDF_XML,
        }[self]


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
"""An absolute IRI (or a compact IRI, ``prefix:local``) starts with a scheme; ``_:`` starts a blank node."""

_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def shipped_context() -> dict[str, Any]:
    """The project's JSON-LD context, as shipped in ``data/context.jsonld``."""
    from .resources import data_dir

    document = json.loads((data_dir() / "context.jsonld").read_text(encoding="utf-8"))
    context: dict[str, Any] = document["@context"]
    return context


def _localise_jsonld(document: Any, path: Path | str) -> bool:
    """Check a parsed JSON-LD document in one pass and substitute the shipped context in place.

    Refuses nesting deeper than :data:`MAX_NESTING`, ``@import`` and every context given by reference other
    than the project's own (with or without ``--allow-network``: Oxigraph has no context loader, so kg
    never claims to fetch one), and relative ``@id`` values when no ``@base`` is set, ``foo/bar:baz`` and
    ``./x:y`` included (JSON-LD processing would drop them silently). Returns whether anything was
    substituted.
    """
    from .terms import CONTEXT_IRI

    references: list[tuple[Any, Any]] = []
    relative: str | None = None
    has_base = False
    stack: list[tuple[Any, int, bool]] = [(document, 0, False)]
    while stack:
        value, depth, in_context = stack.pop()
        if depth > MAX_NESTING:
            raise LimitExceeded(f"{path}: input too deeply nested (over {MAX_NESTING} levels)")
        if isinstance(value, list):
            stack.extend((item, depth + 1, in_context) for item in value)
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            if key == "@import":
                raise InputError(
                    f"{path}: JSON-LD @import of '{item}' refused: kg never fetches contexts (not even with "
                    "--allow-network); inline it"
                )
            if key == "@base":
                has_base = True
            elif (
                key == "@id"
                and not in_context
                and isinstance(item, str)
                and not _ABSOLUTE.match(item)
                and not item.startswith("_:")
            ):
                relative = relative or item
            elif key == "@context":
                entries = item if isinstance(item, list) else [item]
                container, indices = (item, range(len(item))) if isinstance(item, list) else (value, [key])
                references.extend(
                    (container, index)
                    for index, entry in zip(indices, entries, strict=True)
                    if isinstance(entry, str)
                )
            stack.append((item, depth + 1, in_context or key == "@context"))
    if relative is not None and not has_base:
        raise InputError(
            f"{path}: relative IRI '{relative}' in @id with no @base; write an absolute IRI or set @base"
        )
    substituted = False
    for container, index in references:
        reference = container[index]
        if reference == CONTEXT_IRI:
            container[index] = shipped_context()
            substituted = True
        else:
            raise InputError(
                f"{path}: JSON-LD @context '{reference}' refused: kg never fetches remote or file contexts "
                f"(not even with --allow-network); inline the context, or refer to {CONTEXT_IRI} (shipped "
                "with kg)"
            )
    return substituted


def _prepare(data: bytes, path: Path | str, fmt: RdfFormat) -> bytes:
    """Check an RDF document before a parser sees it; return the bytes to parse."""
    text = decode_text(data, path)
    if fmt is RdfFormat.RDFXML and _DOCTYPE.search(text):
        raise InputError(
            f"{path}: XML DOCTYPE or ENTITY declarations are refused (entity expansion); remove them"
        )
    if fmt is RdfFormat.JSONLD:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise RdfSyntaxError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
        except RecursionError:
            raise LimitExceeded(f"{path}: input too deeply nested") from None
        _refuse_lone_surrogates(text, document, path)
        if not _localise_jsonld(document, path):
            return text.encode("utf-8")
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    return text.encode("utf-8")


_SURROGATE_ESCAPE = re.compile(r"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_lone_surrogates(text: str, document: Any, path: Path | str) -> None:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``), which is no character: refuse it by place.

    The parsed document decides (a pair becomes one character, ``"C:\\\\ud800"`` is a backslash and text);
    the text is scanned only to give the place.
    """
    if not _holds_surrogate(document):
        return
    offset = 0
    for match in _SURROGATE_ESCAPE.finditer(text):
        if len(match.group(1)) % 2 == 0:
            continue  # an escaped backslash followed by the letter u
        start = match.start() + len(match.group(1)) - 1
        high = match.group(2)[1].lower() in "89ab"
        after = re.match(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", text[match.end() : match.end() + 6])
        before = re.fullmatch(r"\\u[dD][89abAB][0-9a-fA-F]{2}", text[max(0, start - 6) : start])
        if (high and not after) or (not high and not before):
            offset = start
            break
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    escape = text[offset : offset + 6] if offset else "\\u…"
    raise InputError(f"{path}:{line}:{column}: lone surrogate escape {escape} is not a character; fix it")


def _holds_surrogate(document: Any) -> bool:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
    return False


def read_quads(
    path: Path | str,
    *,
    format: RdfFormat | None = None,
    allow_network: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    rename_blank_nodes: bool = False,
    budget: InputBudget | None = None,
) -> list[pyoxigraph.Quad]:
    """Parse one RDF file into Oxigraph quads, safely; errors name the file, line and column.

    :param allow_network: accepted for the API's sake; reading RDF never uses the network.
    :param rename_blank_nodes: give blank nodes fresh ids, so that files loaded together keep theirs apart.
    :param budget: the total input limit of a command reading several files.
    """
    import pyoxigraph

    raw = read_bytes(path, max_bytes=max_bytes, what="RDF file")
    if budget is not None:
        budget.spend(len(raw), path)
    fmt = format or RdfFormat.from_extension(path)
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        raise InputError(f"{path}: the file is empty; give an RDF file with data")
    data = _prepare(raw, path, fmt)
    try:
        quads = list(pyoxigraph.parse(data, format=fmt.oxigraph(), rename_blank_nodes=rename_blank_nodes))
    except SyntaxError as error:
        raise syntax_error(path, fmt, error) from None
    except RecursionError:
        raise LimitExceeded(f"{path}: input too deeply nested") from None
    except MemoryError as error:
        if "buffer maximal size" in str(error):
            raise LimitExceeded(
                f"{path}: one literal or IRI is longer than 16 MiB, the most the RDF parser (Oxigraph) holds "
                "in one token; shorten it or split it"
            ) from None
        raise LimitExceeded(f"{path}: the input expands beyond the available memory") from None
    for quad in quads:
        if any(isinstance(term, pyoxigraph.Triple) for term in (quad.subject, quad.object)):
            raise InputError(f"{path}: RDF 1.2 triple terms (<<( … )>>) are not supported; use reification")
    if fmt is RdfFormat.JSONLD and not quads and data.strip() not in (b"", b"{}", b"[]"):
        raise InputError(
            f"{path}: the JSON-LD document gives no triples: its keys are not mapped by a context or its "
            f"@id values are relative with no @base; add a context or absolute IRIs"
        )
    return quads


def _syntax_place(error: SyntaxError) -> str:
    match = re.search(r"line (\d+) between columns (\d+)", str(error))
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    match = re.search(r"(\d+):(\d+)", str(error))
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    return f"{error.lineno or 1}:{error.offset or 1}"


def _syntax_reason(error: SyntaxError) -> str:
    message = str(error.msg if error.msg else error)
    return re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", message)


def quads_to_graph(
    quads: Iterable[pyoxigraph.Quad], graph: rdflib.Graph | None = None, *, blank_prefix: str = ""
) -> rdflib.Graph:
    """Add Oxigraph quads to an rdflib graph (named graphs merge into it), keeping literals as written."""
    from rdflib import Graph

    from .terms import PREFIXES

    target = graph if graph is not None else Graph()
    if graph is None:
        for prefix, namespace in PREFIXES.items():
            target.bind(prefix, namespace)
    convert = term_converter(blank_prefix=blank_prefix)
    add = target.add
    for quad in quads:
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return target


def term_converter(*, blank_prefix: str = "") -> Any:
    """A function turning Oxigraph terms into rdflib terms, caching IRIs and datatypes.

    Literals keep their lexical form whatever ``rdflib.NORMALIZE_LITERALS`` says (``"01"^^xsd:integer`` stays
    distinct from ``"1"^^xsd:integer``). ``blank_prefix`` keeps the blank nodes of different files apart.
    """
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    iris: dict[str, URIRef] = {}
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"

    def convert(term: Any) -> Any:
        if isinstance(term, pyoxigraph.NamedNode):
            value = term.value
            found = iris.get(value)
            if found is None:
                found = iris[value] = URIRef(value)
            return found
        if isinstance(term, pyoxigraph.Literal):
            if term.language:
                return Literal(term.value, lang=term.language, normalize=False)
            datatype = term.datatype.value
            if datatype == xsd_string:
                return Literal(term.value, normalize=False)
            return Literal(term.value, datatype=convert(term.datatype), normalize=False)
        if isinstance(term, pyoxigraph.BlankNode):
            return BNode(blank_prefix + term.value)
        raise InputError(f"RDF 1.2 triple terms are not supported: {term}")

    return convert


def read_rdf(
    path: Path | str,
    *,
    format: RdfFormat | None = None,
    allow_network: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> rdflib.Graph:
    """Read one RDF file of any supported format into an rdflib graph, safely.

    >>> from kg.resources import ontology_file
    >>> len(read_rdf(ontology_file())) > 100
    True
    """
    return quads_to_graph(read_quads(path, format=format, allow_network=allow_network, max_bytes=max_bytes))


def read_ntriples(
    paths: Iterable[Path | str],
    *,
    allow_network: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> str:
    """The data of several RDF files as one N-Triples text, for readers that parse it natively (the fast
    validation engine) and need no rdflib graph.

    One ``.nt`` file is passed on as read (checked as UTF-8 text; its syntax is checked by whoever parses
    it). Any other input is parsed here, with the same checks and errors as :func:`read_quads`; named graphs
    merge into the default graph, and the blank nodes of several files are kept apart, as in
    :func:`read_rdf_files`.
    """
    import pyoxigraph

    files = list(paths)
    if len(files) == 1 and RdfFormat.from_extension(files[0]) is RdfFormat.NTRIPLES:
        raw = read_bytes(files[0], max_bytes=max_bytes, what="RDF file")
        if not raw.removeprefix(b"\xef\xbb\xbf").strip():
            raise InputError(f"{files[0]}: the file is empty; give an RDF file with data")
        return decode_text(raw, files[0])
    budget = InputBudget(max_bytes)
    triples: list[pyoxigraph.Triple] = []
    for path in files:
        quads = read_quads(
            path,
            allow_network=allow_network,
            max_bytes=max_bytes,
            rename_blank_nodes=len(files) > 1,
            budget=budget,
        )
        triples.extend(quad.triple for quad in quads)
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return text.decode("utf-8") if text else ""


def syntax_error(path: Path | str, fmt: RdfFormat, error: SyntaxError) -> RdfSyntaxError:
    """The user's error for a parser's ``SyntaxError``: file, line, column and the reason."""
    return RdfSyntaxError(f"{path}:{_syntax_place(error)}: {fmt.label} syntax error: {_syntax_reason(error)}")


def read_rdf_files(
    paths: Iterable[Path | str],
    *,
    format: RdfFormat | None = None,
    allow_network: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> rdflib.Graph:
    """Read several RDF files into one rdflib graph."""
    from rdflib import Graph

    from .terms import PREFIXES

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    budget = InputBudget(max_bytes)
    for number, path in enumerate(paths):
        quads = read_quads(
            path, format=format, allow_network=allow_network, max_bytes=max_bytes, budget=budget
        )
        quads_to_graph(quads, graph, blank_prefix=f"f{number}-")
    return graph


# --- checks on untrusted graphs ----------------------------------------------------------------------------

OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


def find_imports(graph: rdflib.Graph) -> list[str]:
    """The IRIs a graph asks to ``owl:imports``, sorted; kg never follows them."""
    from rdflib import URIRef

    return sorted({str(target) for target in graph.objects(None, URIRef(OWL_IMPORTS))})


def refuse_imports(graph: rdflib.Graph, path: Path | str) -> None:
    """Refuse a graph (typically shapes) that relies on ``owl:imports``: kg would validate without them."""
    imports = find_imports(graph)
    if imports:
        listed = ", ".join(f"<{iri}>" for iri in imports)
        raise InputError(
            f"{path}: owl:imports {listed} is not followed (kg never fetches); give the imported files "
            f"as inputs instead, or remove the owl:imports statement"
        )


# --- queries -----------------------------------------------------------------------------------------------


def read_query(text_or_path: str, *, max_bytes: int = 1024 * 1024) -> str:
    """A query given inline or as a ``.rq``/``.sparql`` file path; the file goes through the same checks."""
    candidate = text_or_path.strip()
    if candidate.endswith((".rq", ".ru", ".sparql")) and "\n" not in candidate:
        data = read_bytes(
            candidate,
            max_bytes=max_bytes,
            what="query file",
            hint=f"a query file may hold at most {max_bytes // 1024} KiB; shorten the query",
        )
        text = decode_text(data, candidate)
        if not text.strip():
            raise InputError(f"{candidate}: the query file is empty; write a SPARQL query in it")
        return text
    if len(text_or_path.encode("utf-8")) > max_bytes:
        raise LimitExceeded(f"query: {len(text_or_path)} characters is over the limit of {max_bytes} bytes")
    if "\x00" in text_or_path:
        raise InputError("query: NUL character in the query text; remove it")
    if not text_or_path.strip():
        raise InputError("query: the query is empty; give a SPARQL query, a .rq file or --name")
    return text_or_path
