"""Plain data to rdflib graphs: one module per kind of input (jurisdictions, cases, vocabularies)."""
