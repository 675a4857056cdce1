"""kg synth: deterministic synthetic cases drawn from the real ones, which the build accepts."""

from __future__ import annotations

from pathlib import Path

from helpers import invoke

from kg.build import default_cases_dir
from kg.loading import load_yaml


def _measures(path: Path) -> int:
    return len(load_yaml(path).data["measures"])


def test_synth_is_deterministic_and_builds(tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, output = invoke("synth", "--cases", "12", "--seed", "7", "--out", str(tmp_path / name))
        assert code == 0, output
    first, second = sorted((tmp_path / "a").glob("*.yaml")), sorted((tmp_path / "b").glob("*.yaml"))
    assert len(first) == 12
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    code, output = invoke("build", "--cases", str(tmp_path / "a"), "--out", str(tmp_path / "dist"))
    assert code == 0 and "built 12 cases" in output, output


def test_synthetic_cases_follow_the_real_distributions(tmp_path: Path) -> None:
    assert invoke("synth", "--cases", "40", "--seed", "3", "--out", str(tmp_path))[0] == 0
    real = [_measures(p) for p in default_cases_dir().glob("*.yaml") if load_yaml(p).data.get("measures")]
    synthetic = [_measures(p) for p in tmp_path.glob("*.yaml")]
    assert min(synthetic) >= 1 and max(synthetic) <= max(real)
    regions = {load_yaml(p).data["region"] for p in tmp_path.glob("*.yaml")}
    assert len(regions) > 30, "regions are drawn across the divisions"


def test_synth_never_writes_into_the_bundled_cases() -> None:
    code, output = invoke("synth", "--cases", "1", "--out", str(default_cases_dir()))
    assert code == 2 and "never go into the bundled case files" in output


def test_synth_rdf_writes_the_dataset_directly(tmp_path: Path) -> None:
    target = tmp_path / "synthetic.nt"
    code, output = invoke("synth", "--cases", "3", "--seed", "1", "--rdf", str(target))
    assert code == 0, output
    text = target.read_text(encoding="utf-8")
    assert "/case/synth-1-000003>" in text and "/case/2022-beijing>" not in text


def test_cases_built_from_outside_the_working_folder_get_relative_case_file_names(tmp_path: Path) -> None:
    """Regression: a case folder outside the working folder gave absolute fz:caseFile paths.

    They broke the CaseFile-path shape (every synthetic case of the 1M bench was a Violation) and differed
    between machines."""
    assert invoke("synth", "--cases", "2", "--seed", "5", "--out", str(tmp_path / "cases"))[0] == 0
    code, output = invoke("build", "--cases", str(tmp_path / "cases"), "--out", str(tmp_path / "dist"))
    assert code == 0, output
    names = {
        line.split("> ", 2)[2].split('"')[1]
        for line in (tmp_path / "dist" / "dataset.nt").read_text(encoding="utf-8").splitlines()
        if "/ontology#caseFile>" in line
    }
    assert names == {"cases/synth-5-000001.yaml", "cases/synth-5-000002.yaml"}
