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
