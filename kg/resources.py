"""Where the shipped ontology, shapes and reference data live.

In a source checkout they are the top-level ``ontology/``, ``shapes/`` and ``data/`` folders; in an installed
wheel they are shipped inside the package as ``kg/_shipped/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    shipped = _PACKAGE / "_shipped"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent


def ontology_dir() -> Path:
    """The folder that holds the OWL ontology."""
    return _root() / "ontology"


def shapes_dir() -> Path:
    """The folder that holds the SHACL shapes."""
    return _root() / "shapes"


def data_dir() -> Path:
    """The folder that holds case files, vocabularies and reference tables."""
    return _root() / "data"


def queries_dir() -> Path:
    """The folder that holds the named SPARQL queries."""
    return _PACKAGE / "queries"


def ontology_file() -> Path:
    """The ontology in Turtle."""
    return ontology_dir() / "fazhi.ttl"


def shapes_files() -> list[Path]:
    """Every shapes file, sorted."""
    return sorted(shapes_dir().glob("*.ttl"))


def vocab_files() -> list[Path]:
    """Every SKOS vocabulary file, sorted."""
    return sorted((data_dir() / "vocab").glob("*.ttl"))


def repository_root() -> Path | None:
    """The source checkout's root, or None when running from an installed wheel."""
    root = _PACKAGE.parent
    return root if (root / "pyproject.toml").is_file() else None
