"""The curated public API stays in step with the modules, and ``import kg`` stays light."""

from __future__ import annotations

import subprocess
import sys

import kg


def test_every_public_name_resolves():
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name


def test_unknown_names_are_an_attribute_error():
    try:
        kg.nothing_here  # noqa: B018
    except AttributeError as error:
        assert "nothing_here" in str(error)
    else:
        raise AssertionError("kg.nothing_here resolved")


def test_import_kg_and_help_load_no_heavy_module():
    script = (
        "import sys, kg, kg.cli;"
        "from click.testing import CliRunner;"
        "CliRunner().invoke(kg.cli.cli, ['--help']);"
        "heavy = {'rdflib', 'pyshacl', 'pyoxigraph', 'networkx', 'matplotlib', 'owlrl'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
