"""The kernel sandbox of the query and validation worker: SERVICE cannot reach the network, guard or not.

pyoxigraph runs SERVICE over HTTP in Rust, out of sight of the Python audit hook. These tests bypass the
Python-level guard on purpose and check that the loopback listener still receives nothing: the kernel
(network namespace, seccomp, Landlock) is what stops the request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Listener
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg import query as queries
from kg import sandbox
from kg.errors import InputError, QueryError
from kg.limits import run_with_timeout

ROOT = Path(__file__).resolve().parents[2]
NETWORK_CONFINEMENT = {sandbox.NETNS, sandbox.SECCOMP} & set(sandbox.available())
needs_sandbox = pytest.mark.skipif(
    not NETWORK_CONFINEMENT, reason="no network namespace or seccomp on this machine (see kg --verbose)"
)


def _service(listener: Listener, body: str = "?a ?b ?c") -> str:
    return f"SELECT * WHERE {{ SERVICE <{listener.url('/sparql')}> {{ {body} }} }}"


def _store() -> object:
    import pyoxigraph

    return pyoxigraph.Store()


@pytest.fixture
def guard_bypassed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The query guard accepts everything: only the kernel stands between the query and the network."""
    monkeypatch.setattr(queries, "_refusal", lambda algebra, allow_network: None)
    queries._check.cache_clear()
    yield
    queries._check.cache_clear()


def test_listener_is_reached_without_the_sandbox(listener: Listener) -> None:
    """The control: unconfined, pyoxigraph sends the SERVICE request (so the other tests mean something)."""
    with pytest.raises((OSError, RuntimeError)):
        list(_store().query(_service(listener)))  # type: ignore[attr-defined]
    assert listener.requests == ["/sparql"]


@needs_sandbox
@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <@/sparql> { ?a ?b ?c } }",
        "SELECT * WHERE { SERVICE SILENT <@/silent> { ?a ?b ?c } }",
        "SELECT * WHERE { BIND(<@/bound> AS ?u) SERVICE SILENT ?u { ?a ?b ?c } }",
        "SELECT * WHERE { OPTIONAL { SERVICE <@/optional> { ?a ?b ?c } } }",
    ],
    ids=["service", "silent", "variable", "optional"],
)
def test_guard_bypassed_service_through_the_worker_reaches_nothing(
    listener: Listener, guard_bypassed: None, text: str
) -> None:
    query = text.replace("@", listener.url("").rstrip("/"))
    try:
        queries.run(_store(), query, timeout=20)
    except QueryError as error:
        assert "network" in str(error) or "denied" in str(error) or "unreachable" in str(error)
    assert listener.requests == []


@needs_sandbox
@pytest.mark.parametrize("mechanism", sorted(NETWORK_CONFINEMENT | {sandbox.LANDLOCK}))
def test_each_mechanism_alone_stops_oxigraph(listener: Listener, mechanism: str) -> None:
    """Every mechanism the sandbox reports, applied alone in a fork, stops Oxigraph's own HTTP client."""
    if mechanism == sandbox.LANDLOCK and sandbox.landlock_abi() < 4:
        pytest.skip("Landlock without network rules (ABI < 4) on this kernel")
    apply: dict[str, Callable[[], bool]] = {
        sandbox.NETNS: sandbox._unshare_network,
        sandbox.SECCOMP: sandbox._seccomp_deny_sockets,
        sandbox.LANDLOCK: lambda: sandbox._landlock(sandbox.Policy()),
    }
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            if apply[mechanism]():
                try:
                    list(_store().query(_service(listener)))  # type: ignore[attr-defined]
                    code = 1
                except (OSError, RuntimeError):
                    code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, f"{mechanism}: exit {os.WEXITSTATUS(status)}"
    assert listener.requests == []


@needs_sandbox
def test_worker_without_guard_or_kg_query_reaches_nothing(listener: Listener) -> None:
    """pyoxigraph called directly inside the worker: no Python-level check at all is involved."""
    store = _store()

    def raw() -> str:
        try:
            list(store.query(_service(listener)))  # type: ignore[attr-defined]
        except (OSError, RuntimeError) as error:
            return str(error)
        return "no error"

    message = run_with_timeout(raw, timeout=20, what="raw", isolate=True)
    assert message != "no error"
    assert listener.requests == []


def test_without_a_sandbox_an_unprovable_query_is_refused(
    listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "available", lambda: ())
    with pytest.raises(QueryError, match="no kernel sandbox"):
        queries.run(_store(), 'SELECT * WHERE { BIND("SERVICE" AS ?x) }')
    assert queries.run(_store(), 'SELECT * WHERE { BIND("ok" AS ?x) }').rows  # provably offline: runs


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s a fz:Case # x\rSERVICE <@/cr> { ?a ?b ?c }\n}\n",
        'SELECT * WHERE { # \\u005Cu000A BIND("""\nSERVICE <@/escape> { ?a ?b ?c }\n#""" AS ?x)\n}\n',
    ],
    ids=["carriage-return-in-comment", "escape-expanded-twice"],
)
def test_parser_differences_are_refused_by_the_guard(listener: Listener, text: str) -> None:
    """Regression (issue 8): these texts hid a SERVICE from rdflib that Oxigraph then ran."""
    query = text.replace("@", listener.url("").rstrip("/"))
    with pytest.raises(InputError, match="would read it differently"):
        queries.run(_store(), query)
    assert listener.requests == []


_NOISE = [
    " ",
    "\n",
    "\r",
    "# ",
    '"',
    '"""',
    "\\",
    "\\u005Cu000A",
    "\\u000A",
    "\\u005C",
    "\\u0022",
    "BIND(",
    " AS ?z)",
    "}",
]
"""Fragments where SPARQL parsers are known to differ: comments, line ends, strings and escapes."""


@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.lists(st.sampled_from(_NOISE), max_size=5),
    after=st.lists(st.sampled_from(_NOISE), max_size=5),
)
@example(before=["# ", "\r"], after=["\n"])  # the two known differences, as seeds
@example(before=["# ", "\\u005Cu000A", "BIND(", '"""', "\n"], after=["\n", "# ", '"""', " AS ?z)", "\n"])
def test_guard_and_engine_agree_on_service_from_and_load(
    listener: Listener, before: list[str], after: list[str]
) -> None:
    """Differential fuzzing: whenever the guard accepts a text, Oxigraph runs no SERVICE, FROM or LOAD in it.

    The text Oxigraph gets is the one the guard passes on; it runs here unconfined, so a SERVICE it saw
    would reach the listener and a FROM would show the named graph's triple.
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    store.add(
        pyoxigraph.Quad(
            pyoxigraph.NamedNode("urn:s"),
            pyoxigraph.NamedNode("urn:p"),
            pyoxigraph.Literal("hidden"),
            pyoxigraph.NamedNode("urn:g"),
        )
    )
    listener.requests.clear()
    prefix, suffix = "".join(before), "".join(after)
    service = f"SELECT * WHERE {{ {prefix}SERVICE <{listener.url('/fuzz')}> {{ ?a ?b ?c }}{suffix} }}"
    dataset = f"SELECT * {prefix}FROM <urn:g>{suffix} WHERE {{ ?s ?p ?o }}"
    load = f"{prefix}LOAD <{listener.url('/load')}>{suffix}"
    for text in (service, dataset, load):
        try:
            checked = queries.check(text)
        except InputError:
            continue
        try:
            rows = list(store.query(checked.text))
        except (SyntaxError, OSError, ValueError, RuntimeError):
            rows = []
        assert listener.requests == [], repr(text)
        assert not any("hidden" in str(row) for row in rows), repr(text)


def test_verbose_names_the_mechanisms() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "--verbose", "query", "--list"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "sandbox:" in done.stderr
    for name in sandbox.available():
        assert name in done.stderr


def test_worker_dies_with_its_parent(tmp_path: Path) -> None:
    """Regression (issue 8): a worker outlived a killed kg process and ran on under PID 1."""
    marker = tmp_path / "worker.pid"
    script = f"""
import os, time
from kg.limits import run_with_timeout
def work():
    open({str(marker)!r}, "w").write(str(os.getpid()))
    time.sleep(60)
run_with_timeout(work, timeout=120, what="sleep")
"""
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.05)
        worker = int(marker.read_text())
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _alive(worker):
            assert time.monotonic() < deadline, f"worker {worker} outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_data_loading_is_inside_the_time_limit(tmp_path: Path) -> None:
    """Regression (issue 8): data was parsed in the parent, so a large file ran on past --timeout."""
    from helpers import invoke

    big = tmp_path / "big.nt"
    big.write_text(
        "".join(f"_:b{i} <http://example.org/p> _:b{i + 1} .\n" for i in range(400_000)), encoding="utf-8"
    )
    started = time.monotonic()
    code, output = invoke("stats", "--timeout", "0.5", "--data", str(big))
    assert code == 2 and "kg stats: stopped after 0.5 s, the time limit" in output, output
    assert time.monotonic() - started < 10
