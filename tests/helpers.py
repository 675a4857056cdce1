"""Helpers shared by the tests (imported as ``from helpers import …``)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner


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


def invoke(*args: str) -> tuple[int, str]:
    """Run ``kg`` in-process through the same entry point as the console script; output has stderr too."""
    result = CliRunner().invoke(_Entry(), list(args), catch_exceptions=False)  # type: ignore[arg-type]
    return result.exit_code, result.output


class _Entry:
    """Adapts ``kg.cli.main`` (which calls sys.exit) to CliRunner."""

    name = "kg"

    def main(self, args: list[str], **_: object) -> None:
        from kg.cli import main

        main(args)


def wait_for_port(
    process: subprocess.Popen[bytes], port: int, what: str, *, log: Callable[[], str] = lambda: ""
) -> None:
    """Wait up to 20 s for a server we started to accept loopback connections; fail with its stderr."""
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"{what} did not start: {error}{log()}") from None
            time.sleep(0.1)


def minted_iris(dist: Path) -> list[str]:
    """Every IRI a built dataset mints under the base: the subjects of dataset.nt, and every IRI of void.ttl
    (the dataset, its class and property partitions, its distributions and their checksums)."""
    import pyoxigraph

    from kg.terms import DEFAULT_BASE

    iris = {
        quad.subject.value
        for quad in pyoxigraph.parse(path=str(dist / "dataset.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        if quad.subject.value.startswith(DEFAULT_BASE)
    }
    iris |= {
        term.value
        for quad in pyoxigraph.parse(path=str(dist / "void.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
        for term in (quad.subject, quad.object)
        if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(DEFAULT_BASE)
    }
    return sorted(iris)
