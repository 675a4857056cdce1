"""The base of the dataset's IRIs and the vocabularies' namespaces, as plain strings.

Apart from :mod:`kg.terms` (which builds rdflib namespaces from these) so that code on the quick paths (a
query on the store) reads them without importing rdflib, which costs about 0.2 s of a command's start.
"""

from __future__ import annotations

DEFAULT_BASE = "https://w3id.org/fazhi/id/"
CONTEXT_IRI = "https://w3id.org/fazhi/context.jsonld"
ONTOLOGY_IRI = "https://w3id.org/fazhi/ontology"
SHAPES_NAMESPACE = "https://w3id.org/fazhi/shapes#"

PREFIXES: dict[str, str] = {
    "fz": "https://w3id.org/fazhi/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "schema": "https://schema.org/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
}
"""Every vocabulary the project's data and shapes may use, by prefix."""
