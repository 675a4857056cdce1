"""Namespaces and IRI builders: the only place where fazhi-kg mints IRIs.

IRIs are ASCII and stable; the scheme is documented in ``docs/architecture.md``.
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef

from .namespaces import CONTEXT_IRI as CONTEXT_IRI
from .namespaces import DEFAULT_BASE as DEFAULT_BASE
from .namespaces import ONTOLOGY_IRI as ONTOLOGY_IRI
from .namespaces import PREFIXES as PREFIXES
from .namespaces import SHAPES_NAMESPACE

FZ = Namespace(PREFIXES["fz"])
FZSH = Namespace(SHAPES_NAMESPACE)

PROV = Namespace(PREFIXES["prov"])
ORG = Namespace(PREFIXES["org"])
ELI = Namespace(PREFIXES["eli"])
SCHEMA = Namespace(PREFIXES["schema"])
VOID = Namespace(PREFIXES["void"])
DCAT = Namespace(PREFIXES["dcat"])
SH = Namespace(PREFIXES["sh"])

_SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


class Ids:
    """Builds the IRIs of one dataset under one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base

    def _iri(self, *parts: str) -> URIRef:
        for part in parts:
            if not _SLUG.match(part):
                raise ValueError(f"not an IRI-safe id: {part!r}")
        return URIRef(self.base + "/".join(parts))

    def jurisdiction(self, code: str | None) -> URIRef:
        """A jurisdiction by 6-digit code; ``None`` is the country."""
        return URIRef(self.base + "jurisdiction/CN") if code is None else self._iri("jurisdiction", code)

    def notice(self, notice_id: str) -> URIRef:
        return self._iri("notice", notice_id)

    def inspection(self, inspection_id: str) -> URIRef:
        return self._iri("inspection", inspection_id)

    def document(self, document_id: str) -> URIRef:
        return self._iri("document", document_id)

    def span(self, document_id: str, start: int, end: int) -> URIRef:
        return self._iri("span", document_id, f"{start}-{end}")

    def case(self, case_id: str) -> URIRef:
        return self._iri("case", case_id)

    def measure(self, case_id: str, path: tuple[int, ...]) -> URIRef:
        return self._iri("case", case_id, "measure", ".".join(str(n) for n in path))

    def outcome(self, case_id: str, number: int) -> URIRef:
        return self._iri("case", case_id, "outcome", str(number))

    def institution(self, case_id: str, local_id: str) -> URIRef:
        return self._iri("case", case_id, "institution", local_id)

    def body(self, body_id: str) -> URIRef:
        """An institution known outside any case (e.g. the office that led the inspection)."""
        return self._iri("institution", body_id)

    def regulation(self, case_id: str, local_id: str) -> URIRef:
        return self._iri("case", case_id, "regulation", local_id)

    @staticmethod
    def concept(scheme: str, concept_id: str) -> URIRef:
        """A SKOS concept; vocabularies are published under the default base whatever the dataset's base."""
        return Ids(DEFAULT_BASE)._iri(scheme, concept_id)

    @staticmethod
    def scheme(scheme: str) -> URIRef:
        """A SKOS concept scheme, under the default base."""
        return Ids(DEFAULT_BASE)._iri("scheme", scheme)
