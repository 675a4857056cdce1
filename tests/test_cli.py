"""The CLI contract: exit codes, one clear message naming the file and place, and nothing half-written.

Each bad input of the core issue's corpus is made by breaking a copy of a real case file, so the test
exercises the same path a researcher's edit would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import invoke

from kg.cli import cli
from kg.resources import data_dir

CASES = data_dir() / "cases"


def cases_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    shutil.copytree(CASES, folder)
    return folder


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path}")


@pytest.fixture
def broken(tmp_path: Path):
    """A copy of the case files and an output folder holding a previous build's file."""
    folder = cases_copy(tmp_path)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "dataset.ttl").write_text("previous build\n", encoding="utf-8")
    return folder, out


def assert_refused(code: int, output: str, out: Path, *fragments: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    assert sorted(p.name for p in out.iterdir()) == ["dataset.ttl"], "a partial output was written"
    assert (out / "dataset.ttl").read_text(encoding="utf-8") == "previous build\n", (
        "the previous output changed"
    )


def test_malformed_yaml_names_file_line_and_column(broken):
    folder, out = broken
    replace_in(folder / "jilin.yaml", 'region: "220000"', 'region: ["220000"')
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "jilin.yaml:", "invalid YAML")


def test_missing_required_field(broken):
    folder, out = broken
    replace_in(folder / "beijing.yaml", 'region: "110000"\n', "")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "beijing.yaml:", "lacks the required field 'region'")


def test_wrong_type(broken):
    folder, out = broken
    path = folder / "tianjin.yaml"
    replace_in(path, "position: 2", "position: second")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, f"tianjin.yaml:{line_of(path, 'position:')}:", "whole number")


def test_unknown_region_code(broken):
    folder, out = broken
    path = folder / "anhui.yaml"
    replace_in(path, 'region: "340000"', 'region: "349999"')
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(
        code, output, out, f"anhui.yaml:{line_of(path, 'region:')}:9:", "unknown region code '349999'"
    )


def test_unquoted_region_code_says_quote_it(broken):
    folder, out = broken
    replace_in(folder / "anhui.yaml", 'region: "340000"', "region: 340000")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "anhui.yaml:", 'write "340000"')


def test_duplicate_case_id(broken):
    folder, out = broken
    shutil.copy(folder / "hunan.yaml", folder / "hunan-copy.yaml")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "duplicate case id '2022-hunan'", "hunan")


def test_invalid_date(broken):
    folder, out = broken
    path = folder / "jilin.yaml"
    text = path.read_text(encoding="utf-8")
    assert '"2018-07-01"' in text
    path.write_text(text.replace('"2018-07-01"', '"2018-13-45"'), encoding="utf-8")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(
        code, output, out, f"jilin.yaml:{line_of(path, '2018-13-45')}:", "invalid date '2018-13-45'"
    )


def test_outcome_without_unit(broken):
    folder, out = broken
    path = folder / "jilin.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("unit:"))
    del lines[index]
    path.write_text("".join(lines), encoding="utf-8")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "jilin.yaml:", "needs a 'unit'")


def test_every_problem_is_reported_at_once(broken):
    folder, out = broken
    replace_in(folder / "anhui.yaml", 'region: "340000"', 'region: "349999"')
    replace_in(folder / "hunan.yaml", "status: text-unavailable", "status: lost")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "anhui.yaml:", "hunan.yaml:", "status 'lost'")


def test_turtle_syntax_error_has_line_and_column(tmp_path: Path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e .\n", encoding="utf-8")
    code, output = invoke("validate", str(bad))
    assert code == 2
    assert f"{bad}:3:" in output and "Traceback" not in output


def test_remote_jsonld_context_is_refused(tmp_path: Path):
    doc = tmp_path / "remote.jsonld"
    doc.write_text(
        json.dumps({"@context": "http://127.0.0.1:9/c.jsonld", "@id": "http://e.org/a"}), encoding="utf-8"
    )
    code, output = invoke("validate", str(doc))
    assert code == 2
    assert "remote.jsonld" in output and "refused" in output


def test_unknown_named_query(built):
    code, output = invoke("query", "--name", "rq99-nothing", "--dist", str(built))
    assert code == 2
    assert "rq99-nothing" in output and "Traceback" not in output


def test_service_query_is_refused(built):
    code, output = invoke(
        "query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--dist", str(built)
    )
    assert code == 2
    assert "SERVICE" in output


def test_output_path_under_a_regular_file(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, output = invoke("build", "--out", str(blocker))
    assert code == 2
    assert str(blocker) in output and "not a directory" in output
    assert blocker.read_text(encoding="utf-8") == "x"


def test_export_output_under_a_regular_file(tmp_path: Path, built):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, output = invoke("export", "--format", "nt", "-o", str(blocker / "out.nt"), "--dist", str(built))
    assert code == 2
    assert "not a directory" in output


def test_build_is_byte_identical(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert invoke("build", "--out", str(first))[0] == 0
    assert invoke("build", "--out", str(second))[0] == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == [
        "context.jsonld",
        "dataset.jsonld",
        "dataset.nt",
        "dataset.nt.gz",
        "dataset.trig",
        "dataset.ttl",
        "kg-build.json",
        "ontology.ttl",
        "shapes.ttl",
        "void.ttl",
    ]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_build_prints_one_summary_line(tmp_path: Path):
    code, output = invoke("build", "--out", str(tmp_path / "d"))
    assert code == 0
    assert output.count("\n") == 1 and "8 cases" in output and "triples" in output


def test_validate_built_dataset_conforms(built):
    code, output = invoke("validate", "--dist", str(built))
    assert code == 0, output


def test_validate_fails_on_case_without_region(tmp_path: Path, built):
    from rdflib import Graph

    from kg.terms import FZ

    graph = Graph().parse(built / "dataset.nt", format="nt")
    graph.remove((None, FZ.region, None))
    stripped = tmp_path / "stripped.nt"
    graph.serialize(stripped, format="nt")
    code, output = invoke("validate", str(stripped))
    assert code == 1
    assert "data/cases/" in output


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt", "trig"])
def test_export_formats_hold_the_same_graph(tmp_path: Path, built, fmt: str):
    from helpers import assert_same_graph

    from kg.loading import read_rdf

    target = tmp_path / f"out.{fmt}"
    code, output = invoke("export", "--format", fmt, "-o", str(target), "--dist", str(built))
    assert code == 0, output
    assert_same_graph(read_rdf(target), read_rdf(built / "dataset.nt"))


def test_every_command_help_has_an_example():
    runner = CliRunner()
    from kg.cli import COMMANDS

    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"kg {name} --help has no example"


def test_every_command_is_in_the_readme(root: Path):
    from kg.cli import COMMANDS

    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"kg {name}" in readme, f"kg {name} is not documented in README.md"


def _reading_command():
    """A read command that opens one path of its own choosing, to probe the guard the CLI installs."""
    import click

    from kg.cli.common import data_options

    @click.command()
    @click.argument("target", type=click.Path(path_type=Path))
    @click.option("--peek", type=str, required=True)
    @data_options
    def probe(target: Path, peek: str, source) -> None:
        with open(peek, encoding="utf-8") as handle:
            handle.read(1)

    return probe


def test_read_commands_may_read_only_named_files(tmp_path: Path):
    from kg.errors import InputError

    named, other = tmp_path / "named.ttl", tmp_path / "other.ttl"
    named.write_text("x", encoding="utf-8")
    other.write_text("x", encoding="utf-8")
    runner = CliRunner()
    allowed = runner.invoke(_reading_command(), [str(named), "--peek", str(named)])
    assert allowed.exit_code == 0, allowed.output
    refused = runner.invoke(_reading_command(), [str(named), "--peek", str(other)])
    assert isinstance(refused.exception, InputError)
    assert "not named as input" in str(refused.exception)


def test_read_command_builds_a_missing_dataset_first(tmp_path: Path):
    """Regression: limiting reads to named inputs refused the build's read of the source notice."""
    code, output = invoke("stats", "--format", "json", "--dist", str(tmp_path / "new"))
    assert code == 0, output
    assert (tmp_path / "new" / "dataset.nt").is_file()
    assert '"schema": "fazhi-kg/stats/3"' in output
