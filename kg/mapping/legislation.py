"""The legislation mapping lives in :mod:`kg.legislation.rdf`; this name stays for existing callers."""

from kg.legislation.rdf import group_works, legislation_graph, legislation_triples, work_triples

__all__ = ["group_works", "legislation_graph", "legislation_triples", "work_triples"]
