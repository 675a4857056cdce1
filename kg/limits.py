"""Bounded work: time and memory limits for queries and validation, and depth failures as plain errors.

Runaway work on hostile input happens inside C and Rust code (Python's ``re`` on ``(a+)+$``, Oxigraph's query
engine, pyshacl's SPARQL) where no signal handler runs until the call returns. The honest way to stop it is
a forked worker that the parent kills at the deadline: the worker shares the parent's memory copy-on-write,
so nothing is re-loaded, and only the (picklable) result travels back through a pipe. The worker also runs
under an address-space limit, so a blow-up ends the worker, not the user's session.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from .errors import KgError, LimitExceeded

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
"""Seconds a query or a validation may run by default; ``--timeout`` changes it."""

DEFAULT_MEMORY_BYTES = 8 * 1024**3
"""Address space a worker may use by default (8 GiB); ``None`` means no limit."""

_RESULT, _ERROR, _DEPTH, _MEMORY = "result", "error", "depth", "memory"


@contextmanager
def depth_guard(what: str) -> Iterator[None]:
    """Report a RecursionError inside the block as ``LimitExceeded("…: input too deeply nested")``."""
    try:
        yield
    except RecursionError:
        raise LimitExceeded(f"{what}: input too deeply nested") from None


def run_with_timeout(
    fn: Callable[..., T],
    *args: Any,
    timeout: float | None,
    what: str,
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES,
    **kwargs: Any,
) -> T:
    """Run ``fn(*args, **kwargs)`` in a forked worker and return its result; stop it after ``timeout`` s.

    Raises :class:`~kg.errors.LimitExceeded` naming ``what`` when the time or memory runs out or the input is
    too deeply nested; any :class:`~kg.errors.KgError` the function raises is raised again here. With
    ``timeout=None`` (or 0) the function runs in this process, with the depth guard only. The result must be
    picklable: return plain data, not open stores.
    """
    if not timeout or timeout <= 0 or not hasattr(os, "fork"):
        with depth_guard(what):
            return fn(*args, **kwargs)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _worker(write_end, fn, args, kwargs, memory_bytes)
    os.close(write_end)
    try:
        payload = _collect(read_end, pid, timeout, what)
    finally:
        os.close(read_end)
    result: T = _unpack(payload, pid, what, timeout)
    return result


def _worker(
    write_end: int,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    memory_bytes: int | None,
) -> None:
    """Child side: never returns; writes one pickled ``(kind, value)`` and exits without cleanup handlers."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if memory_bytes:
            import resource

            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            message: tuple[str, Any] = (_RESULT, fn(*args, **kwargs))
        except RecursionError:
            message = (_DEPTH, None)
        except MemoryError:
            message = (_MEMORY, None)
        except KgError as error:
            message = (_ERROR, (type(error), str(error)))
        except BaseException as error:
            detail = traceback.format_exc()
            message = (_ERROR, (RuntimeError, f"{type(error).__name__} in the worker: {error}\n{detail}"))
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps((_MEMORY, None))
        except Exception as error:
            data = pickle.dumps((_ERROR, (RuntimeError, f"result cannot be sent back: {error}")))
        view = memoryview(data)
        while view:
            written = os.write(write_end, view)
            view = view[written:]
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _collect(read_end: int, pid: int, timeout: float, what: str) -> bytes:
    """Parent side: read the worker's answer until the deadline; kill the worker when it passes."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            _kill(pid)
            raise LimitExceeded(
                f"{what}: stopped after {timeout:g} s, the time limit; "
                "raise it with --timeout if the work is expected"
            )
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _unpack(payload: bytes, pid: int, what: str, timeout: float) -> Any:
    _, status = os.waitpid(pid, 0)
    if not payload:
        if os.WIFSIGNALED(status):
            reason = signal.Signals(os.WTERMSIG(status)).name
            raise LimitExceeded(
                f"{what}: the worker was stopped by {reason} (out of memory or a crash in a parser)"
            )
        raise LimitExceeded(
            f"{what}: the worker ended without an answer (exit status {os.WEXITSTATUS(status)})"
        )
    kind, value = pickle.loads(payload)
    if kind == _RESULT:
        return value
    if kind == _DEPTH:
        raise LimitExceeded(f"{what}: input too deeply nested")
    if kind == _MEMORY:
        raise LimitExceeded(
            f"{what}: ran out of the memory limit; the input is too large or expands too much"
        )
    error_type, message = value
    raise _rebuild(error_type, message)


def _rebuild(error_type: type[BaseException], message: str) -> BaseException:
    """An exception of the worker's type carrying its message, without calling a custom ``__init__``."""
    error = error_type.__new__(error_type)
    BaseException.__init__(error, message)
    return error
