"""``kg load`` reads its files like every other command that reads hostile input: in the confined worker of
:mod:`kg.limits` (time and memory limits, kernel sandbox), with one clean message, exit 2 and no store when
a limit is hit (issue 10: it parsed in the parent process, out of reach of every limit)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import sandbox
from kg.errors import InputError
from kg.store import is_store


def _big_ntriples(path: Path, triples: int) -> Path:
    path.write_text(
        "".join(f"_:b{i} <http://example.org/p> _:b{i + 1} .\n" for i in range(triples)), encoding="utf-8"
    )
    return path


def test_load_parses_in_the_confined_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser runs in another process, confined by the kernel, not in the one that writes the store."""
    from helpers import invoke

    import kg.loading

    if not sandbox.available():
        pytest.skip("no kernel sandbox mechanism is available here")
    parent = os.getpid()

    def reporting(path: Path, **_: object) -> list[object]:
        raise InputError(f"parsed in pid {os.getpid()} (parent {parent}), confined by {sandbox.confined()}")

    monkeypatch.setattr(kg.loading, "read_quads", reporting)
    source = tmp_path / "in.nt"
    source.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
    code, output = invoke("load", str(source), "--store", str(tmp_path / "store"))
    assert code == 2, output
    assert f"(parent {parent})" in output and f"pid {parent} " not in output, output
    assert "confined by None" not in output, output
    assert not (tmp_path / "store").exists()


def test_load_is_stopped_at_the_time_limit_and_leaves_no_store(tmp_path: Path) -> None:
    from helpers import invoke

    big = _big_ntriples(tmp_path / "big.nt", 400_000)
    started = time.monotonic()
    code, output = invoke("load", str(big), "--store", str(tmp_path / "store"), "--timeout", "0.5")
    assert code == 2 and "load: stopped after 0.5 s, the time limit" in output, output
    assert time.monotonic() - started < 10
    assert not (tmp_path / "store").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".store")], "a staged store was left"


def test_an_older_store_survives_a_load_stopped_by_a_limit(tmp_path: Path) -> None:
    from helpers import invoke

    small = tmp_path / "small.nt"
    small.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
    store = tmp_path / "store"
    code, output = invoke("load", str(small), "--store", str(store))
    assert code == 0, output
    big = _big_ntriples(tmp_path / "big.nt", 400_000)
    code, output = invoke("load", str(big), "--store", str(store), "--timeout", "0.5")
    assert code == 2, output
    assert is_store(store) and (store / "dataset.nt").read_text() == small.read_text()


def test_load_memory_limit_ends_the_worker_with_one_message(tmp_path: Path) -> None:
    """A parse that needs more memory than the worker may have is stopped by the kernel (RLIMIT_AS), as a
    limit of kg load, not as a crash of kg.

    It runs from a fresh interpreter, as the CLI does. The limit bounds the worker's whole address space, and
    a forked worker inherits its parent's free heap: inside a long test process that has already freed a large
    heap, the parse can fit in memory mapped before the limit, and the result would depend on which tests
    ran before (it did: after tests/test_docs_examples.py the parse succeeded)."""
    big = _big_ntriples(tmp_path / "big.nt", 200_000)
    script = (
        "import sys\n"
        "from kg.errors import LimitExceeded\n"
        "from kg.limits import run_with_timeout\n"
        "from kg.store import parse_files\n"
        "try:\n"
        "    run_with_timeout(parse_files, [sys.argv[1]], timeout=60, what='load',"
        " memory_bytes=96 * 1024**2, isolate=True)\n"
        "except LimitExceeded as error:\n"
        "    print('LimitExceeded:', error)\n"
        "else:\n"
        "    print('parsed')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(big)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    # Where the allocation fails decides the wording: in Rust ("load: ran out of the memory limit") or in
    # Python, where parse_files names the file; either is one line about memory, never a traceback.
    message = rf"LimitExceeded: (load|{re.escape(str(big))}): [^\n]*memory[^\n]*\n"
    assert re.fullmatch(message, done.stdout), done.stdout + done.stderr


def test_the_worker_cannot_write_where_the_store_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack on the guard: a parser that tries to write a file (say, a planted store marker) is stopped by
    Landlock in the worker; the store is still made by kg, from what the worker handed back."""
    from helpers import invoke

    import kg.loading

    if sandbox.LANDLOCK not in sandbox.available():
        pytest.skip("Landlock is not available here")
    planted = tmp_path / "planted"
    real = kg.loading.read_quads

    def writing(path: Path, **options: object) -> object:
        try:
            planted.write_text("written by the parser")
        except OSError as error:
            raise InputError(f"write refused: {error}") from None
        return real(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.loading, "read_quads", writing)
    source = tmp_path / "in.nt"
    source.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
    code, output = invoke("load", str(source), "--store", str(tmp_path / "store"))
    assert code == 2 and "write refused" in output, output
    assert not planted.exists()
