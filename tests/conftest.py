"""Shared fixtures: the repository root and the ``../shared`` folder beside it (skip where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "notice-2022-inspection-typical-experiences.txt"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is not beside the checkout ({SHARED}); CI provides it")
    return SHARED


@pytest.fixture(scope="session")
def seed_text(shared: Path) -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset built once per test session from the bundled data; returns its folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("dist")
    build(out_dir=out)
    return out


@pytest.fixture(scope="session")
def built_dataset(built: Path) -> Path:
    """The built dataset's Turtle file."""
    return built / "dataset.ttl"


def walk_measures(measures: list[dict]) -> list[dict]:
    """Measures of a parsed case file and their sub-measures, depth first."""
    found = []
    for measure in measures:
        found.append(measure)
        found += walk_measures(measure.get("measures", []))
    return found


def assert_same_graph(actual, expected) -> None:
    """Assert two graphs are isomorphic, printing a sample of the difference on failure.

    Without blank nodes isomorphism is equality of the triple sets, which is checked directly (rdflib's
    canonicalisation takes minutes on the whole dataset); with blank nodes ``rdflib.compare.isomorphic``
    decides.
    """
    from rdflib import BNode
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    def has_blank(graph) -> bool:
        return any(isinstance(term, BNode) for triple in graph for term in triple)

    if not has_blank(actual) and not has_blank(expected):
        left, right = set(actual), set(expected)
        if left != right:
            only_left = sorted(left - right)[:10]
            only_right = sorted(right - left)[:10]
            message = f"graphs differ; only in actual: {only_left}; only in expected: {only_right}"
            raise AssertionError(message)
        return
    if not isomorphic(actual, expected):
        _, only_left, only_right = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        raise AssertionError(
            "graphs are not isomorphic; only in actual:\n"
            + only_left.serialize(format="nt")
            + "\nonly in expected:\n"
            + only_right.serialize(format="nt")
        )
