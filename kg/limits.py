"""Bounded work: time and memory limits for queries and validation, and depth failures as plain errors.

Runaway work on hostile input happens inside C and Rust code (Python's ``re`` on ``(a+)+$``, Oxigraph's query
engine, pyshacl's SPARQL) where no signal handler runs until the call returns. The honest way to stop it is
a forked worker that the parent kills at the deadline: the worker shares the parent's memory copy-on-write,
so nothing is re-loaded, and only the (picklable) result travels back through a pipe. The worker also runs
under an address-space limit, so a blow-up ends the worker, not the user's session. It is confined by the
kernel (:mod:`kg.sandbox`: no network, reads only of named inputs) and dies with its parent.
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
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import KgError, LimitExceeded

if TYPE_CHECKING:
    from .sandbox import Policy

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
    isolate: bool = False,
    **kwargs: Any,
) -> T:
    """Run ``fn(*args, **kwargs)`` in a forked worker and return its result; stop it after ``timeout`` s.

    Raises :class:`~kg.errors.LimitExceeded` naming ``what`` when the time or memory runs out or the input is
    too deeply nested; any :class:`~kg.errors.KgError` the function raises is raised again here. With
    ``timeout=None`` (or 0) the function runs in this process, with the depth guard only, unless ``isolate``
    asks for the confined worker anyway (then it has no time limit). Inside a worker, nested calls run in
    place: the worker is already limited and confined. The result must be picklable: return plain data, not
    open stores.

    The worker is confined by the kernel (:mod:`kg.sandbox`) following the guard's current rules
    (:func:`kg.guard.sandbox_policy`), dies with its parent, and its messages on stderr (Rust's out-of-memory
    text among them) are read back and turned into one line.
    """
    from . import sandbox

    inside_worker = sandbox.confined() is not None
    if inside_worker or not hasattr(os, "fork") or (not isolate and (not timeout or timeout <= 0)):
        with depth_guard(what):
            return fn(*args, **kwargs)
    from .guard import sandbox_policy

    policy = sandbox_policy()
    read_end, write_end = os.pipe()
    errors = os.memfd_create("kg-worker-stderr", os.MFD_CLOEXEC) if hasattr(os, "memfd_create") else -1
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _worker(write_end, fn, args, kwargs, memory_bytes, policy, parent, errors)
    os.close(write_end)
    try:
        payload = _collect(read_end, pid, timeout if timeout and timeout > 0 else None, what)
    finally:
        os.close(read_end)
    try:
        result: T = _unpack(payload, pid, what, memory_bytes, _worker_stderr(errors))
        return result
    finally:
        if errors >= 0:
            os.close(errors)


def _worker_stderr(errors: int, limit: int = 1 << 16) -> str:
    """The last ``limit`` bytes the worker wrote on stderr."""
    if errors < 0:
        return ""
    size = os.lseek(errors, 0, os.SEEK_END)
    os.lseek(errors, max(0, size - limit), os.SEEK_SET)
    return os.read(errors, limit).decode("utf-8", "replace")


def _worker(
    write_end: int,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    memory_bytes: int | None,
    policy: Policy,
    parent: int,
    errors: int,
) -> None:
    """Child side: never returns; writes one pickled ``(kind, value)`` and exits without cleanup handlers."""
    from . import sandbox

    code = 0
    try:
        sandbox.die_with_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if errors >= 0:
            os.dup2(errors, 2)
            # Python-level stderr too (a test runner may have replaced it): everything reaches the parent
            sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        sandbox.confine(policy)
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
        _write_all(write_end, data)
    except BaseException:
        code = 70
        with suppress(BaseException):
            traceback.print_exc()
            sys.stderr.flush()
    finally:
        os._exit(code)


def _write_all(descriptor: int, data: bytes) -> None:
    """Write all of ``data`` to a pipe: one write may take only part of it."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _collect(read_end: int, pid: int, timeout: float | None, what: str) -> bytes:
    """Parent side: read the worker's answer until the deadline; kill the worker when it passes.

    The worker is killed too when the parent is interrupted (Ctrl-C, an exception): none is left behind.
    """
    deadline = time.monotonic() + timeout if timeout else None
    chunks: list[bytes] = []
    try:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
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
    except BaseException:
        _kill(pid)
        raise


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _unpack(payload: bytes, pid: int, what: str, memory_bytes: int | None, stderr: str) -> Any:
    _, status = os.waitpid(pid, 0)
    limit = f"{memory_bytes / 1024**3:g} GiB" if memory_bytes else "the system's memory"
    out_of_memory = LimitExceeded(
        f"{what}: ran out of the memory limit ({limit}); the input is too large or expands too much"
    )
    if not payload:
        if "memory allocation of" in stderr or "MemoryError" in stderr:
            raise out_of_memory
        if os.WIFSIGNALED(status):
            reason = signal.Signals(os.WTERMSIG(status)).name
            raise LimitExceeded(
                f"{what}: the worker was stopped by {reason} (out of memory or a crash in a parser)"
            )
        last = stderr.strip().splitlines()[-1:] or [""]
        raise LimitExceeded(
            f"{what}: the worker ended without an answer (exit status {os.WEXITSTATUS(status)}) {last[0]}"
        )
    if stderr.strip():
        sys.stderr.write(stderr if stderr.endswith("\n") else stderr + "\n")
    kind, value = pickle.loads(payload)
    if kind == _RESULT:
        return value
    if kind == _DEPTH:
        raise LimitExceeded(f"{what}: input too deeply nested")
    if kind == _MEMORY:
        raise out_of_memory
    error_type, message = value
    raise _rebuild(error_type, message)


def _rebuild(error_type: type[BaseException], message: str) -> BaseException:
    """An exception of the worker's type carrying its message, without calling a custom ``__init__``."""
    error = error_type.__new__(error_type)
    BaseException.__init__(error, message)
    return error


def forked(fn: Callable[..., Any], *args: Any) -> Callable[..., Any]:
    """Start ``fn(*args)`` in a forked child, to use the machine's other core (pyoxigraph, pyshacl-turbo and
    pure Python hold the GIL, so threads would take turns); the function returned waits for its result or
    raises its error. Used by the fast validation and by a build's entity graph.

    The child dies with this process; ``cancel=True`` stops it (after an error here)."""
    from .sandbox import die_with_parent

    if not hasattr(os, "fork"):
        value = fn(*args)
        return lambda cancel=False: value
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's lines run in another process
        code = 0
        try:
            os.close(read_end)
            die_with_parent(parent)
            try:
                message: tuple[bool, Any] = (True, fn(*args))
            except BaseException as error:
                message = (False, error)
            _write_all(write_end, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)

    def join(cancel: bool = False) -> Any:
        name = getattr(fn, "__name__", str(fn))
        try:
            if cancel:
                _kill(pid)
                return None
            payload = _collect(read_end, pid, None, name)
            os.waitpid(pid, 0)
        finally:
            os.close(read_end)
        if not payload:
            raise RuntimeError(f"{name}: the forked process ended without an answer")
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value

    return join
