"""Shared fixtures: the repository root and the ``../shared`` folder beside it (skip where absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "notice-2022-inspection-typical-experiences.txt"
LEGISLATION_EXTRACT = ROOT / "tests" / "fixtures" / "legislation" / "legislation.tsv.gz"

# Builds in the tests (and the CLI they run) map an extract of the legislation table: national documents,
# 北京 and 吉林 (tests/fixtures/legislation/make_subset.py). The nationwide table is tested in
# tests/test_legislation.py and built by `make demo`; bench/ measures it.
os.environ.setdefault("KG_LEGISLATION_TABLE", str(LEGISLATION_EXTRACT))


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


@pytest.fixture(scope="session")
def bundled_store(built: Path):
    """The built dataset in a query store, shared by every test that queries the bundled data."""
    from kg.loading import read_quads
    from kg.store import from_quads

    return from_quads(read_quads(built / "dataset.nt"))


@pytest.fixture(scope="session")
def small_dist(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small dataset folder for site tests: the cases with what they refer to, not all of China's law.

    The cases, their measures, spans and concepts, plus every jurisdiction, regulation and topic they
    name directly (with those entities' own facts): a few thousand triples instead of the whole dataset.
    """
    import pyoxigraph

    from kg.terms import DEFAULT_BASE

    quads = list(pyoxigraph.parse(path=str(built / "dataset.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    local = lambda iri: iri[len(DEFAULT_BASE) :] if iri.startswith(DEFAULT_BASE) else ""  # noqa: E731
    core = {
        quad.subject.value
        for quad in quads
        if not local(quad.subject.value).startswith(("jurisdiction/", "regulation/", "topic/"))
    }
    named = {
        quad.object.value
        for quad in quads
        if quad.subject.value in core and isinstance(quad.object, pyoxigraph.NamedNode)
    }
    named |= core

    def kept(iri: str) -> bool:
        parts = iri.split("/")
        return any("/".join(parts[:end]) in named for end in range(len(parts), 4, -1))

    keep = {quad.subject.value for quad in quads if kept(quad.subject.value)}
    small = [quad for quad in quads if quad.subject.value in keep]
    from rdflib import Graph

    from kg.publish import dataset_files, dataset_text, read_release, write_files
    from kg.resources import data_dir
    from kg.store import from_ntriples

    graph = Graph().parse(
        data=pyoxigraph.serialize(small, format=pyoxigraph.RdfFormat.N_TRIPLES) or b"", format="nt"
    )
    files = dataset_files(
        dataset_text({"cases": set(graph)}), read_release(data_dir() / "version.json"), from_ntriples
    )
    out = tmp_path_factory.mktemp("small-dist")
    write_files(out, files)
    return out


@pytest.fixture(scope="session")
def small_site(small_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site of :func:`small_dist`."""
    from kg.site import publish_site

    out = tmp_path_factory.mktemp("site") / "site"
    publish_site(small_dist, out)
    return out
