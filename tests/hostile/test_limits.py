"""Time, memory and depth limits end runaway work cleanly, with a message that names the work."""

from __future__ import annotations

import faulthandler
import os
import re
import time

import pytest

from kg.errors import LimitExceeded, QueryError
from kg.limits import depth_guard, forked, run_with_timeout


def test_catastrophic_regex_is_stopped_at_the_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"query\.rq: stopped after 0\.5 s, the time limit; .*--timeout"):
        run_with_timeout(re.match, r"(a+)+$", "a" * 40 + "b", timeout=0.5, what="query.rq")
    assert time.monotonic() - started < 3


def test_rdflib_regex_filter_is_stopped() -> None:
    import rdflib

    query = 'SELECT * WHERE { BIND("' + "a" * 40 + 'b" AS ?x) FILTER(REGEX(?x, "(a+)+$")) }'
    with pytest.raises(LimitExceeded, match="stopped after 1 s"):
        run_with_timeout(lambda: list(rdflib.Graph().query(query)), timeout=1, what="query")


def test_results_and_errors_come_back() -> None:
    assert run_with_timeout(sorted, [3, 1, 2], timeout=10, what="sort") == [1, 2, 3]
    assert run_with_timeout(dict, timeout=10, what="kw", a=1) == {"a": 1}

    def refuse() -> None:
        raise QueryError("q.rq: SERVICE is refused")

    with pytest.raises(QueryError, match=r"q\.rq: SERVICE is refused"):
        run_with_timeout(refuse, timeout=10, what="q")


def test_bugs_in_the_worker_are_not_disguised_as_input_errors() -> None:
    def bug() -> None:
        raise KeyError("x")

    with pytest.raises(RuntimeError, match="KeyError in the worker"):
        run_with_timeout(bug, timeout=10, what="bug")


def _recurse(depth: int) -> int:
    return _recurse(depth + 1)


def test_recursion_is_input_too_deeply_nested() -> None:
    with pytest.raises(LimitExceeded, match=r"^deep\.ttl: input too deeply nested$"):
        run_with_timeout(_recurse, 0, timeout=10, what="deep.ttl")
    with pytest.raises(LimitExceeded, match="input too deeply nested"):
        run_with_timeout(_recurse, 0, timeout=None, what="deep.ttl")
    with pytest.raises(LimitExceeded, match="x: input too deeply nested"), depth_guard("x"):
        _recurse(0)


def test_memory_limit_ends_the_worker_not_the_process() -> None:
    with pytest.raises(LimitExceeded, match="memory limit"):
        run_with_timeout(bytearray, 4 * 1024**3, timeout=20, what="blow-up", memory_bytes=1024**3)


def test_deep_filter_and_long_path_in_rdflib_are_reported() -> None:
    import rdflib

    nested = "SELECT * WHERE { BIND(1 AS ?x) FILTER(" + "(" * 200 + "?x" + ")" * 200 + ") }"
    with pytest.raises(LimitExceeded, match=r"^deep\.rq: input too deeply nested$"):
        run_with_timeout(lambda: len(list(rdflib.Graph().query(nested))), timeout=20, what="deep.rq")


def test_worker_overhead_on_a_real_query_is_small() -> None:
    import pyoxigraph

    store = pyoxigraph.Store()
    predicate = pyoxigraph.NamedNode("http://e/p")
    store.bulk_extend(
        pyoxigraph.Quad(pyoxigraph.NamedNode(f"http://e/{i}"), predicate, pyoxigraph.Literal(str(i)))
        for i in range(20_000)
    )
    query = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "^1")) }'

    def count() -> str:
        return next(iter(store.query(query)))[0].value

    started = time.monotonic()
    direct = [count() for _ in range(5)]
    middle = time.monotonic()
    forked = [run_with_timeout(count, timeout=10, what="q") for _ in range(5)]
    ended = time.monotonic()
    assert direct == forked == ["11111"] * 5
    overhead = ((ended - middle) - (middle - started)) / 5
    assert overhead < 0.5, f"forked worker costs {overhead:.3f} s per call"


def test_rust_out_of_memory_is_one_line_naming_the_limit(capfd: pytest.CaptureFixture[str]) -> None:
    """Regression (issue 8): Rust's out-of-memory text appeared on stderr, and the message named no limit."""
    import pyoxigraph

    values = " ".join(str(i) for i in range(1000))
    rows = " ".join(f"VALUES ?{name} {{ {values} }}" for name in "abc")
    query = f"SELECT * WHERE {{ {rows} }} ORDER BY ?c"

    def materialise() -> int:
        # in the worker only: pytest's crash handler would print the abort's traceback to the terminal
        faulthandler.disable()
        return len(list(pyoxigraph.Store().query(query)))

    with pytest.raises(LimitExceeded, match=r"q\.rq: ran out of the memory limit \(1 GiB\)"):
        run_with_timeout(materialise, timeout=60, what="q.rq", memory_bytes=1024**3)
    assert "memory allocation" not in capfd.readouterr().err


def test_forked_gives_the_result_or_the_error_and_cancel_stops_the_child() -> None:
    assert forked(sum, [1, 2, 3])() == 6
    with pytest.raises(ZeroDivisionError):
        forked(divmod, 1, 0)()
    join = forked(time.sleep, 60)
    started = time.monotonic()
    assert join(cancel=True) is None
    assert time.monotonic() - started < 10, "cancel waited for the child instead of stopping it"
    with pytest.raises(RuntimeError, match="without an answer"):
        forked(os._exit, 3)()
