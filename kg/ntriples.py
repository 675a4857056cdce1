"""N-Triples terms made from plain strings, byte for byte as Oxigraph writes them.

A build's bulk (the legislation layer) is written this way: formatting a string costs a small part of what an
rdflib ``Literal`` costs to make and then to turn into Oxigraph's term. ``tests/test_ntriples.py`` pins the
bytes against pyoxigraph's own terms, on every escaped character and on language-tag case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib.term import Identifier

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"

Term = str
"""An N-Triples term: ``<iri>``, ``"lexical"``, ``"lexical"@lang`` or ``"lexical"^^<datatype>``."""

_SHORT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_ESCAPES = {code: _SHORT_ESCAPES.get(code, f"\\u{code:04X}") for code in (*range(0x20), 0x22, 0x5C, 0x7F)}
_ESCAPED = re.compile('[\x00-\x1f"\\\\\x7f]')
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*\Z")
_checked_languages: set[str] = set()


def iri(value: str) -> Term:
    """``<value>``: the IRI as written (:func:`kg.publish.dataset_text` checks a whole dataset's IRIs)."""
    return f"<{value}>"


def literal(lexical: str, *, language: str | None = None, datatype: str | None = None) -> Term:
    """A literal as Oxigraph writes it: ``"``, ``\\``, control characters and DEL escaped, the language tag in
    lower case, ``xsd:string`` left implicit.

    :raises ValueError: a language tag that is no tag (letters, then ``-`` and letters or digits).
    """
    quoted = '"' + (lexical.translate(_ESCAPES) if _ESCAPED.search(lexical) else lexical) + '"'
    if language is not None:
        if language not in _checked_languages:
            if not _LANGUAGE.match(language):
                raise ValueError(f"not a language tag: {language!r}")
            _checked_languages.add(language)
        return quoted + "@" + language.lower()
    if datatype is None or datatype == XSD_STRING:
        return quoted
    return f"{quoted}^^<{datatype}>"


def datatype_of(term: Term) -> str | None:
    """The datatype IRI a typed literal names (None for IRIs, plain and language-tagged literals)."""
    if term[0] != '"' or term[-1] != ">":
        return None
    return term[term.rindex("^^<") + 3 : -1]


_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([btnfr"\'\\]))')
_UNESCAPED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


def _unescaped(match: re.Match[str]) -> str:
    short = match.group(3)
    return _UNESCAPED[short] if short else chr(int(match.group(1) or match.group(2), 16))


def literal_parts(term: Term) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype) of a literal as N-Triples writes it: the inverse of :func:`literal`
    (datatype None for a plain literal)."""
    close = term.rindex('"')
    lexical = term[1:close]
    if "\\" in lexical:
        lexical = _UNESCAPE.sub(_unescaped, lexical)
    suffix = term[close + 1 :]
    if suffix.startswith("@"):
        return lexical, suffix[1:], None
    if suffix.startswith("^^<"):
        return lexical, None, suffix[3:-1]
    return lexical, None, None


def rdflib_triples(
    triples: Iterable[tuple[Term, Term, Term]],
) -> list[tuple[Identifier, Identifier, Identifier]]:
    """Triples of N-Triples terms as rdflib terms, as Oxigraph's parser reads them and kg.loading converts."""
    import pyoxigraph

    from kg.loading import term_converter

    text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode()
    convert = term_converter()
    return [
        (convert(q.subject), convert(q.predicate), convert(q.object))
        for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)
    ]
