"""fazhi-kg: linked data for research on law-based government building (法治政府建设) in China.

The public API is listed in ``__all__``; each name is imported from its module on first use, so that
``import kg`` stays light (no rdflib, pyshacl, pyoxigraph or networkx until they are needed).

>>> import kg
>>> sorted(kg.__all__)[:3]
['DataError', 'InputError', 'KgError']
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str] = {
    "KgError": "kg.errors",
    "InputError": "kg.errors",
    "DataError": "kg.errors",
    "build": "kg.build",
    "dataset_graph": "kg.build",
    "load_cases": "kg.casefile",
    "read_rdf": "kg.loading",
    "read_rdf_files": "kg.loading",
    "load_yaml": "kg.loading",
    "RdfFormat": "kg.loading",
    "validate": "kg.validation",
    "run_query": "kg.query",
    "run_named": "kg.query",
    "list_named": "kg.query",
    "from_graph": "kg.store",
    "compute_stats": "kg.stats",
    "serialize": "kg.publish",
}
"""Public name → the module that defines it (``run_query`` is ``kg.query.run``, ``compute_stats`` is
``kg.stats.compute``, ``DataError`` is ``kg.errors.ValidationFailed``)."""

_RENAMED = {"run_query": "run", "compute_stats": "compute", "DataError": "ValidationFailed"}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value
