"""Kernel confinement for the worker that parses and runs untrusted queries, shapes and data.

The query guard (:mod:`kg.query`) and the audit hook (:mod:`kg.guard`) work at the Python level. Oxigraph
runs SPARQL ``SERVICE`` calls over HTTP from Rust, where neither can see them, so the forked worker of
:mod:`kg.limits` is confined by the kernel before it touches any input. Every mechanism available is applied,
strongest first:

1. **network namespace**: ``unshare(CLONE_NEWNET)`` as root, or through a new user namespace
   (``CLONE_NEWUSER | CLONE_NEWNET``) otherwise. The worker's namespace has no interface up, not even
   loopback: every ``connect`` fails with "network unreachable".
2. **seccomp** (through the system's libseccomp): ``socket``, ``connect``, ``bind``, ``listen``, ``accept``
   and ``io_uring_setup`` fail with ``EACCES``.
3. **Landlock**: TCP connect and bind are refused (ABI 4 or later), and, where the command limits its reads
   to named inputs, file reads outside them are refused and file writes everywhere.

With ``--allow-network`` no network confinement is applied (the Landlock file rules still are). Which
mechanisms work is measured once per process, in a throw-away child (:func:`available`). Where none is
available, :mod:`kg.query` refuses to run a query the guard cannot prove offline.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1

NETNS = "network namespace"
SECCOMP = "seccomp"
LANDLOCK = "landlock"

_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ALL_ABI1 = (1 << 13) - 1
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1

_SCMP_ACT_ALLOW = 0x7FFF0000
_SCMP_ACT_ERRNO = 0x00050000
_EACCES = 13
_DENIED_SYSCALLS = (b"socket", b"connect", b"bind", b"listen", b"accept", b"accept4", b"io_uring_setup")

_confined: tuple[str, ...] | None = None

SYSTEM_READABLE = (
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/usr/share/zoneinfo",
)
"""Shared libraries (loaded when a module is first imported) and time zones: readable in every worker."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@dataclass(frozen=True)
class Policy:
    """What the worker may do: reach the network or not, and read only under ``readable`` (None: anywhere)."""

    allow_network: bool = False
    readable: tuple[str, ...] | None = None


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def confined() -> tuple[str, ...] | None:
    """The mechanisms confining this process, or None when it is not a confined worker."""
    return _confined


def confine(policy: Policy) -> tuple[str, ...]:
    """Confine the calling (single-threaded, forked) process for good; returns the mechanisms in force.

    Never raises: a mechanism that fails is left out of the answer, and the caller decides what that means.
    """
    global _confined
    applied: list[str] = []
    if not policy.allow_network and _unshare_network():
        applied.append(NETNS)
    if not policy.allow_network and _seccomp_deny_sockets():
        applied.append(SECCOMP)
    if _landlock(policy):
        applied.append(LANDLOCK)
    _confined = tuple(applied)
    return _confined


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies; exit now if the parent is already gone."""
    import signal

    _libc().prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(70)


def _unshare_network() -> bool:
    libc = _libc()
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    return bool(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)


def _libseccomp() -> ctypes.CDLL | None:
    """The system's libseccomp, by its soname (``find_library`` would run ``ldconfig`` in the worker)."""
    for name in ("libseccomp.so.2", "libseccomp.so"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _seccomp_deny_sockets() -> bool:
    lib = _libseccomp()
    if lib is None:
        return False
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    context = lib.seccomp_init(_SCMP_ACT_ALLOW)
    if not context:
        return False
    try:
        action = ctypes.c_uint32(_SCMP_ACT_ERRNO | _EACCES)
        for syscall in _DENIED_SYSCALLS:
            number = lib.seccomp_syscall_resolve_name(syscall)
            if number < 0:
                continue
            if lib.seccomp_rule_add(ctypes.c_void_p(context), action, ctypes.c_int(number), ctypes.c_uint(0)):
                return False
        return bool(lib.seccomp_load(ctypes.c_void_p(context)) == 0)
    finally:
        lib.seccomp_release(ctypes.c_void_p(context))


def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers (0: none)."""
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    version = libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET,
        None,
        ctypes.c_size_t(0),
        ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION),
    )
    return max(int(version), 0)


def _landlock(policy: Policy) -> bool:
    """Landlock: no TCP unless allowed (ABI 4+); if ``readable`` is given, reads only there and no writes."""
    abi = landlock_abi()
    if abi < 1:
        return False
    handled_fs = 0
    if policy.readable is not None:
        handled_fs = _FS_ALL_ABI1 | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0)
        handled_fs |= _FS_IOCTL_DEV if abi >= 5 else 0
    handled_net = 0 if policy.allow_network or abi < 4 else _NET_BIND_TCP | _NET_CONNECT_TCP
    if not handled_fs and not handled_net:
        return False
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    attr = _RulesetAttr(handled_fs, handled_net)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 4 else 8
    ruleset = int(libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0))
    if ruleset < 0:
        return False
    try:
        if policy.readable is not None:
            read = _FS_READ_FILE | _FS_READ_DIR | _FS_EXECUTE
            for root in _existing((*policy.readable, *SYSTEM_READABLE)):
                _allow(libc, ruleset, root, read)
            for device in ("/dev/null", "/dev/urandom", "/dev/random"):
                _allow(libc, ruleset, device, _FS_READ_FILE | _FS_WRITE_FILE)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return bool(libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) == 0)
    finally:
        os.close(ruleset)


def _existing(paths: Iterable[str]) -> list[str]:
    return [path for path in paths if os.path.exists(path)]


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, access: int) -> None:
    """Allow ``access`` beneath ``path`` (only file rights when it is a file); a failure grants nothing."""
    try:
        descriptor = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            access &= _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE
        rule = _PathBeneathAttr(access, descriptor)
        libc.syscall(_SYS_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(descriptor)


@lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """The network-confining mechanisms that work here, measured once in a throw-away child.

    A mechanism counts only if, once applied, a TCP connection to the loopback address really fails.
    """
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/ns/net"):
        return ()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        found: list[str] = []
        for name, apply in ((NETNS, _unshare_network), (SECCOMP, _seccomp_deny_sockets)):
            probe = os.fork()
            if probe == 0:
                os._exit(0 if apply() and not _can_connect() else 1)
            _, status = os.waitpid(probe, 0)
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                found.append(name)
        if landlock_abi() >= 4:
            found.append(LANDLOCK)
        os.write(write_end, ",".join(found).encode())
        os._exit(0)
    os.close(write_end)
    try:
        answer = b""
        while chunk := os.read(read_end, 4096):
            answer += chunk
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    return tuple(name for name in answer.decode().split(",") if name)


def _can_connect() -> bool:
    """Whether a TCP connection attempt to 127.0.0.1 gets past the confinement (refused means it did)."""
    import socket

    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return False
    try:
        probe.settimeout(1.0)
        probe.connect(("127.0.0.1", 9))
        return True
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    finally:
        probe.close()


def describe() -> str:
    """One line for ``--verbose`` and diagnostics: what confines the query and validation worker here."""
    found = available()
    if not found:
        return (
            "sandbox: none available (no network namespace, seccomp or Landlock); queries the guard "
            "cannot prove offline are refused"
        )
    detail = [f"{LANDLOCK} ABI {landlock_abi()}" if name == LANDLOCK else name for name in found]
    return "sandbox: the query and validation worker runs under " + ", ".join(detail)
