"""All-or-nothing outputs: build folders swap in one step, ``-o`` replaces only regular files, SQLite opens
exactly the file named (regressions of issue 8)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from helpers import invoke

from kg.errors import InputError, OutputError
from kg.publish import MANIFEST, check_build_folder, staged_folder, write_file

ROOT = Path(__file__).resolve().parents[1]


def _build(out: Path, files: dict[str, bytes]) -> None:
    with staged_folder(out) as staging:
        for name, content in files.items():
            (staging / name).write_bytes(content)


def _siblings(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path.name != out.name)


def test_a_build_folder_is_swapped_whole_with_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _build(out, {"dataset.nt": b"old\n", "void.ttl": b"old\n"})
    _build(out, {"dataset.nt": b"new\n", "extra.txt": b"x"})
    assert sorted(path.name for path in out.iterdir()) == ["dataset.nt", "extra.txt", MANIFEST]
    assert (out / "dataset.nt").read_bytes() == b"new\n"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["kind"] == "build" and sorted(manifest["entries"]) == ["dataset.nt", "extra.txt"]
    assert _siblings(out) == []  # no staging folder, no old build left beside it


def test_sub_folders_written_into_the_staging_folder_are_swapped_too(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with staged_folder(out) as staging:
        (staging / "store").mkdir()
        (staging / "store" / "CURRENT").write_text("x", encoding="utf-8")
    assert (out / "store" / "CURRENT").is_file()
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["entries"]["store"] == "folder"


def test_a_failed_build_leaves_the_old_one_and_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _build(out, {"dataset.nt": b"old\n", "context.jsonld": b"{}"})
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    with pytest.raises(RuntimeError), staged_folder(out) as staging:
        (staging / "dataset.nt").write_bytes(b"half")
        raise RuntimeError("disk full half-way")
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert _siblings(out) == []


def test_a_build_killed_at_any_moment_leaves_old_or_new_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    """Regression (issue 8): killed during the write phase, the folder held a mix of old and new files."""
    out = tmp_path / "dist"
    _build(out, {"a": b"old", "b": b"old"})
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2):
        pid = os.fork()
        if pid == 0:
            try:
                with staged_folder(out) as staging:
                    for name in ("a", "b"):
                        (staging / name).write_bytes(b"new")
                        time.sleep(0.03)
            finally:
                os._exit(0)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        contents = {(out / name).read_bytes() for name in ("a", "b")}
        assert contents in ({b"old"}, {b"new"}), f"mixed build after {delay} s"
    _build(out, {"a": b"last", "b": b"last"})
    assert _siblings(out) == []  # stale staging folders of killed builds are gone


@pytest.mark.parametrize("target", ["data", "data/vocab", "shapes", "kg/queries", "docs/site", "."])
def test_build_refuses_the_project_sources_and_shipped_data(target: str) -> None:
    """Regression (issue 8): --out data overwrote data/context.jsonld; --out data/vocab polluted vocab."""
    with pytest.raises(OutputError, match="project"):
        check_build_folder(ROOT / target)


def test_build_refuses_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds files that are not a kg build \(notes\.txt\)"):
        check_build_folder(tmp_path)
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "dataset.nt").write_text("", encoding="utf-8")
    check_build_folder(legacy)  # a build made before manifests existed
    link = tmp_path / "link"
    link.symlink_to(legacy)
    with pytest.raises(OutputError, match="symbolic link"):
        check_build_folder(link)


def test_kg_build_out_data_exits_2_and_leaves_the_data(tmp_path: Path) -> None:
    context = (ROOT / "data" / "context.jsonld").read_bytes()
    code, output = invoke("build", "--out", str(ROOT / "data"), "--base", "http://attacker.example/id/")
    assert code == 2 and "shipped data" in output
    assert (ROOT / "data" / "context.jsonld").read_bytes() == context


@pytest.mark.parametrize("kind", ["fifo", "char-device", "link-to-stdout"])
def test_output_refuses_anything_but_a_regular_file(tmp_path: Path, kind: str) -> None:
    """Regression (issue 8): -o onto a FIFO, /dev/null or a link to /proc/self/fd/1 replaced it, exit 0."""
    data = tmp_path / "d.ttl"
    data.write_text("<urn:s> <urn:p> <urn:o> .\n", encoding="utf-8")
    if kind == "fifo":
        target = tmp_path / "fifo"
        os.mkfifo(target)
    elif kind == "char-device":
        target = Path("/dev/null")
    else:
        target = tmp_path / "out"
        target.symlink_to("/proc/self/fd/1")
    before = os.lstat(target)
    code, output = invoke("export", "--format", "nt", "--data", str(data), "-o", str(target))
    assert code == 2, output
    assert output.count("Error") == 1 and str(target) in output
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    with pytest.raises(OutputError):
        write_file(target, b"x")


def test_output_dash_is_stdout(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<urn:s> <urn:p> <urn:o> .\n", encoding="utf-8")
    code, output = invoke("export", "--format", "nt", "--data", str(data), "-o", "-")
    assert code == 0 and "<urn:s> <urn:p> <urn:o> ." in output
    assert not (tmp_path / "-").exists() and not Path("-").exists()


@pytest.mark.parametrize(
    "name", ["a%2F..%2Fsecret%2Fs.db#.sqlite3", "x.sqlite3#frag.sqlite3", "newdb?mode=rwc&a=.sqlite3"]
)
def test_lawrefbook_opens_exactly_the_file_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Regression (issue 8): the path went unescaped into a SQLite URI: other files were read or made."""
    from kg.legislation import _read_sqlite

    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret").mkdir()
    secret = sqlite3.connect(tmp_path / "secret" / "s.db")
    secret.execute("CREATE TABLE law (id)")
    secret.commit()
    secret.close()
    (tmp_path / "x.sqlite3").write_bytes(b"")
    given = tmp_path / name
    given.write_bytes(b"")  # an empty file: a database without the table law
    before = sorted(path.name for path in tmp_path.iterdir())
    with pytest.raises(InputError, match="without the table `law`"):
        _read_sqlite(given)
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # nothing created


def test_lawrefbook_records_with_control_characters_are_skipped_with_a_note(tmp_path: Path) -> None:
    """Regression (issue 8): a control character in a title or a tab in a record id ended in a traceback."""
    from kg.divisions import jurisdiction_table
    from kg.legislation import collect_records

    path = tmp_path / "a.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE law (id, level, name, publish, valid_from, expired, ver)")
    rows = [
        ("id\twith tab", "法律", "中华人民共和国测试法", "2020-01-01", "2020-01-01", 0, 1),
        ("bell", "法律", "中华人民共和国\x07测试二法", "2020-01-01", "2020-01-01", 0, 1),
        ("fine", "法律", "中华人民共和国测试三法", "2020-01-01", "2020-01-01", 0, 1),
    ]
    connection.executemany("INSERT INTO law VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()
    records, report = collect_records([path], jurisdiction_table())
    assert [record.record for record in records] == ["fine"]
    assert sum(1 for note in report.notes if "control character" in note) == 2
