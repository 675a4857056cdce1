"""Every hostile input of the corpus, through the real ``kg`` CLI in a subprocess.

Each entry of ``corpus/manifest.yaml`` runs in a scratch project under a time and memory limit, while a
loopback HTTP listener waits for the request that must never come. For each entry the test asserts the exit
code, one clear message naming the file, no traceback, no request, and no output file written or changed.
The runs start together (they are independent) so the corpus costs about one run per core.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Listener

from kg.loading import load_yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = CORPUS.parents[2]
TIME_LIMIT = 30
MEMORY_LIMIT = 3 * 1024**3
BIG_TRIPLES = 400


@dataclass(frozen=True)
class Entry:
    """One row of the manifest."""

    number: int
    file: str
    run: tuple[str, ...]
    exit: int
    message: str
    issue: str
    writes: bool = False
    setup: str = ""

    @property
    def id(self) -> str:
        return f"{self.number:02d}-{self.file}-{self.run[0]}"


def _entries() -> list[Entry]:
    extra = [
        {
            "file": "link-out-of-project.ttl",
            "setup": "symlink /etc/passwd",
            "run": ["validate", "{file}"],
            "exit": 2,
            "message": "link-out-of-project.ttl",
            "issue": "symlinks out of the project",
        },
        {
            "file": "cases-symlink-out",
            "setup": "symlink-in-dir /etc/passwd",
            "run": ["build", "--cases", "{file}", "--out", "{out}"],
            "exit": 2,
            "message": "outside",
            "issue": "symlinks out of the project (case folder)",
        },
        {
            "file": "dev-zero.ttl",
            "setup": "symlink /dev/zero",
            "run": ["validate", "{file}"],
            "exit": 2,
            "message": "not a regular file",
            "issue": "devices given as files",
        },
        {
            "file": "fifo.ttl",
            "setup": "fifo",
            "run": ["validate", "{file}"],
            "exit": 2,
            "message": "not a regular file",
            "issue": "a named pipe given as a file",
        },
    ]
    extra += [
        {
            "file": "output.fifo",
            "setup": "fifo",
            "run": ["export", "--format", "nt", "--data", "{data}", "-o", "{file}"],
            "exit": 2,
            "message": "not a regular file",
            "issue": "8.4 -o onto a FIFO",
        },
        {
            "file": "output-stdout-link",
            "setup": "symlink /proc/self/fd/1",
            "run": ["export", "--format", "nt", "--data", "{data}", "-o", "{file}"],
            "exit": 2,
            "message": "symbolic link",
            "issue": "8.4 -o onto a symlink to /proc/self/fd/1",
        },
    ]
    rows = load_yaml(CORPUS / "manifest.yaml").data + extra
    return [
        Entry(
            number=number,
            file=row["file"],
            run=tuple(row["run"]),
            exit=row["exit"],
            message=row["message"],
            issue=row["issue"],
            writes=row.get("writes", False),
            setup=row.get("setup", ""),
        )
        for number, row in enumerate(rows, start=1)
    ]


ENTRIES = _entries()


@dataclass
class Outcome:
    entry: Entry
    project: Path
    code: int | None
    stdout: str
    stderr: str
    before: dict[str, str]
    after: dict[str, str]
    out: Path


def _snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` with a digest of its content (or its kind)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "link:" + os.readlink(path)
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[key] = "dir" if path.is_dir() else "other"
    return found


def _prepare(entry: Entry, scratch: Path, listener: Listener) -> tuple[Path, list[str], Path]:
    project = scratch / entry.id
    project.mkdir(parents=True)
    target = project / entry.file
    source = CORPUS / entry.file
    url = listener.url(f"/{entry.id}")
    if entry.setup.startswith("symlink "):
        target.symlink_to(entry.setup.split(" ", 1)[1])
    elif entry.setup.startswith("symlink-in-dir "):
        target.mkdir()
        (target / "case.yaml").symlink_to(entry.setup.split(" ", 1)[1])
    elif entry.setup == "fifo":
        os.mkfifo(target)
    elif source.is_dir():
        shutil.copytree(source, target)
        for path in target.rglob("*"):
            if path.is_file() and b"@LISTENER@" in path.read_bytes():
                path.write_bytes(path.read_bytes().replace(b"@LISTENER@", url.encode()))
    else:
        target.write_bytes(source.read_bytes().replace(b"@LISTENER@", url.encode()))
    data = project / "data.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\nex:s ex:p "o" .\n', encoding="utf-8")
    big = project / "big.nt"
    big.write_text(
        "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(BIG_TRIPLES)),
        encoding="utf-8",
    )
    outfile = project / "outfile"
    outfile.write_text("an existing regular file\n", encoding="utf-8")
    out = project / "out" / "result"
    values = {
        "file": str(target),
        "data": str(data),
        "big": str(big),
        "out": str(out),
        "outfile": str(outfile),
        "cases": str(ROOT / "data" / "cases"),
    }
    arguments = [_fill(argument, values) for argument in entry.run]
    return project, arguments, out


def _fill(argument: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        argument = argument.replace("{" + name + "}", value)
    return argument


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT))


def _run(entry: Entry, scratch: Path, listener: Listener, inherited: dict[str, str]) -> Outcome:
    """Run one entry in its own project copy; ``inherited`` is the environment, read once in the main thread
    (pytest sets and removes PYTEST_CURRENT_TEST there while these threads run, so reading os.environ here
    raced: KeyError during iteration)."""
    project, arguments, out = _prepare(entry, scratch, listener)
    before = _snapshot(project)
    environment = {key: value for key, value in inherited.items() if "proxy" not in key.lower()}
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kg", *arguments],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIME_LIMIT,
            preexec_fn=_limits,
            check=False,
        )
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        code, stdout, stderr = None, str(expired.stdout or ""), f"timed out after {TIME_LIMIT} s"
    return Outcome(entry, project, code, stdout, stderr, before, _snapshot(project), out)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Start every corpus run at once; each test waits for its own."""
    import http.server
    import threading

    record = Listener(port=0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scratch = tmp_path_factory.mktemp("hostile")
    workers = max(2, (os.cpu_count() or 2) * 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        inherited = dict(os.environ)
        futures: dict[str, Future[Outcome]] = {
            e.id: pool.submit(_run, e, scratch, record, inherited) for e in ENTRIES
        }
        yield futures, record
    server.shutdown()
    server.server_close()


def test_corpus_is_large_and_covers_the_issue() -> None:
    assert len({entry.file for entry in ENTRIES}) >= 40
    issues = " ".join(entry.issue for entry in ENTRIES)
    for needle in [
        "json-ld context",
        "@import",
        "xml entities",
        "owl:imports",
        "sh:sparql",
        "SERVICE",
        "LOAD",
        "FROM",
        "size limit",
        "time limit",
        "deep nesting",
        "ill-typed",
        "duplicate keys",
        "aliases",
        "custom tags",
        "NUL",
        "lone surrogates",
        "Latin-1",
        "byte-order mark",
        "invalid IRIs",
        "language tags",
        "relative IRIs",
        "empty files",
        "directory for file",
        "unwritable output",
        "symlinks out of the project",
        "8.1 SERVICE smuggled past the guard by a carriage return",
        "8.1 SERVICE smuggled past the guard by an escape expanded twice",
        "8.4 -o onto a FIFO",
        "8.5 query parsing inside the time limit",
        "8.6 sh:sparql",
        "8.7 decimal overflow",
        "8.8 relative @id with a colon",
        "8.9 a .ru file",
    ]:
        assert needle in issues, needle


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.id for entry in ENTRIES])
def test_hostile_input(entry: Entry, outcomes: Any) -> None:
    futures, listener = outcomes
    outcome = futures[entry.id].result()
    output = outcome.stdout + outcome.stderr
    command = f"kg {' '.join(entry.run)} ({entry.issue})"
    shown = f"{command}\n--- stdout\n{outcome.stdout}\n--- stderr\n{outcome.stderr}"
    assert "Traceback" not in output, shown
    assert outcome.code == entry.exit, shown
    assert entry.message in output, shown
    assert [path for path in listener.requests if path.startswith(f"/{entry.id}")] == [], shown
    if entry.exit == 2:
        name = Path(entry.file).name
        assert outcome.stderr.count("Error") == 1, shown
        assert name in outcome.stderr or "outfile" in outcome.stderr, shown
    changed = {
        key
        for key in outcome.before.keys() | outcome.after.keys()
        if outcome.before.get(key) != outcome.after.get(key)
    }
    expected = {
        str(outcome.out.parent.relative_to(outcome.project)),
        str(outcome.out.relative_to(outcome.project)),
    }
    if entry.writes:
        assert outcome.out.is_file() and outcome.out.stat().st_size > 0, shown
        assert changed <= expected, (changed, shown)
    else:
        assert changed == set(), (changed, shown)
