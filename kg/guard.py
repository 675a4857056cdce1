"""Defence in depth: refuse network connections and device reads while untrusted input is processed.

The loaders and the query guard already refuse everything that would reach out (remote JSON-LD
contexts, ``SERVICE``, ``LOAD``, ``FROM``, XML entities, ``owl:imports``). This module is the second line: a
Python audit hook (:pep:`578`) that refuses socket connections, name lookups, URL opens and device reads
(such as ``/dev/zero``) while a :func:`guarded` block runs and the user did not pass ``--allow-network``.

Audit hooks cannot be removed once added, so one hook is installed for the life of the process and consults
a module-level state. The state is process-wide rather than a context variable on purpose: a thread started
by a library (a fetcher, a pool) starts with an empty context and would escape a context variable.
A forked worker (:mod:`kg.limits`) inherits both the hook and the state.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from .sandbox import Policy

NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    }
)
"""Audit events that reach outside the machine (or open any URL, ``file:`` included)."""

DEVICE_ROOTS = ("/dev/", "/proc/", "/sys/")
"""Reads under these roots are refused while guarded: ``/dev/zero`` as a JSON-LD context exhausts memory."""

DEVICE_ALLOWED = frozenset(
    {"/dev/null", "/dev/urandom", "/dev/random", "/dev/tty", "/dev/stdin", "/dev/stdout"}
)


class AccessRefused(InputError):
    """Untrusted input tried to reach the network or a file that was not named on the command line."""


@dataclass
class _State:
    """What the hook enforces now; ``depth`` counts nested :func:`guarded` blocks."""

    depth: int = 0
    allow_network: bool = False
    allow_loopback: bool = False
    readable: tuple[str, ...] | None = None
    refusals: list[str] = field(default_factory=list)


_state = _State()
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Add the audit hook once per process (idempotent)."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


def active() -> bool:
    """True while a :func:`guarded` block is running."""
    return _state.depth > 0


def sandbox_policy() -> Policy:
    """What the kernel confinement of a worker forked now must enforce: the guard's current rules.

    Outside a :func:`guarded` block no network is allowed either (kg never reaches out unless asked) and
    reads are not limited. A block that allows loopback connections (a local SPARQL endpoint) gets no kernel
    network confinement, which cannot tell loopback from other hosts; the audit hook then refuses the rest.
    """
    from .sandbox import Policy

    if _state.depth == 0:
        return Policy(allow_network=False, readable=None)
    # A loopback endpoint needs sockets in the worker; the audit hook still limits them to loopback.
    allow = _state.allow_network or _state.allow_loopback
    return Policy(allow_network=allow, readable=_state.readable)


def refusals() -> list[str]:
    """The accesses refused so far in this process, oldest first (for tests and diagnostics)."""
    return list(_state.refusals)


@contextmanager
def guarded(
    *,
    allow_network: bool = False,
    readable: Iterable[Path | str] | None = None,
    allow_loopback: bool = False,
) -> Iterator[None]:
    """Refuse network access (unless ``allow_network``) and device reads inside the block.

    :param allow_loopback: permit connections to this machine's loopback addresses (a local SPARQL server).

    :param readable: when given, Python-level ``open`` calls for reading are refused outside these files and
        folders, the Python installation and the shipped resources: no file access beyond the named inputs.
    """
    install()
    saved = (_state.allow_network, _state.readable, _state.allow_loopback)
    _state.allow_network = allow_network if _state.depth == 0 else (_state.allow_network and allow_network)
    _state.allow_loopback = allow_loopback and (_state.depth == 0 or _state.allow_loopback)
    if readable is not None:
        _state.readable = _roots(readable)
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        _state.allow_network, _state.readable, _state.allow_loopback = saved


def _roots(readable: Iterable[Path | str]) -> tuple[str, ...]:
    from .resources import data_dir, ontology_dir, queries_dir, shapes_dir

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.update(entry for entry in sys.path if entry)
    if sys.pycache_prefix:
        # PYTHONPYCACHEPREFIX: the compiled modules of kg and its libraries live there, outside sys.path
        roots.add(str(Path(sys.pycache_prefix).resolve()))
    roots.update(str(path) for path in (data_dir(), ontology_dir(), shapes_dir(), queries_dir()))
    roots.add(str(Path(__file__).resolve().parent))
    roots.update(str(Path(path).resolve()) for path in readable)
    return tuple(sorted(roots))


def _refuse(message: str) -> None:
    _state.refusals.append(message)
    raise AccessRefused(message)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _state.depth == 0:
        return
    if event in NETWORK_EVENTS:
        if not _state.allow_network and not (_state.allow_loopback and _to_loopback(event, args)):
            _refuse(
                f"network access refused ({event} {_describe(args)}); kg makes no network calls unless "
                f"you pass --allow-network"
            )
        return
    if event == "open":
        _check_open(args)


def _to_loopback(event: str, args: tuple[Any, ...]) -> bool:
    """True when a connection or name lookup goes to a loopback address (or ``localhost``)."""
    import ipaddress

    if event == "socket.connect" and len(args) > 1 and isinstance(args[1], tuple) and args[1]:
        host = args[1][0]
    elif event == "socket.getaddrinfo" and args:
        host = args[0]
    elif event == "http.client.connect" and len(args) > 1:
        host = args[1]
    else:
        return False
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def _describe(args: tuple[Any, ...]) -> str:
    for arg in args:
        if isinstance(arg, str | tuple):
            return str(arg)
        url = getattr(arg, "full_url", None)
        if url:
            return str(url)
    return ""


def _check_open(args: tuple[Any, ...]) -> None:
    path, mode, flags = (*args, None, None)[:3]
    if not isinstance(path, str | bytes):
        return
    text = path.decode("utf-8", "replace") if isinstance(path, bytes) else path
    if isinstance(flags, int) and flags & (getattr(os, "O_PATH", 0) | getattr(os, "O_DIRECTORY", 0)):
        return  # a path or folder handle reads no file (the sandbox's Landlock roots, the build's lock)
    if isinstance(mode, str):
        writing = any(flag in mode for flag in "wax+")
    else:
        writing = isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR))
    resolved = _resolve(text)
    if resolved.startswith(DEVICE_ROOTS) and resolved not in DEVICE_ALLOWED:
        _refuse(f"{text}: reading devices and system files is refused while processing input")
    if writing or _state.readable is None or resolved in DEVICE_ALLOWED:
        return
    if not any(resolved == root or resolved.startswith(root.rstrip("/") + "/") for root in _state.readable):
        _refuse(f"{text}: reading a file that was not named as input is refused; name it on the command line")


def _resolve(text: str) -> str:
    try:
        return str(Path(text).resolve())
    except (OSError, RuntimeError):
        return text
