"""Oxigraph's own SPARQL server over a kg store: the command that starts it and a wait until it answers.

The server is the ``oxigraph`` package's binary (the same engine and version as the embedded store), started
read-only, so it can share the store with read commands. It listens on loopback unless told otherwise; its
SPARQL 1.1 protocol endpoint is ``http://HOST:PORT/query``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878

EXAMPLE_QUERY = (
    "PREFIX fz: <https://w3id.org/fazhi/ontology#>\n"
    "SELECT ?case ?region WHERE { ?case a fz:Case ; fz:region ?region } LIMIT 10"
)


@dataclass(frozen=True)
class Server:
    """What ``kg serve`` runs: the command line and the endpoint URL it will answer on."""

    command: tuple[str, ...]
    host: str
    port: int

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 protocol endpoint."""
        return f"{self.base_url}/query"

    def example(self) -> str:
        """A curl command line that runs :data:`EXAMPLE_QUERY` on the server."""
        encoded = urllib.parse.quote(EXAMPLE_QUERY)
        return f"curl -H 'Accept: text/csv' '{self.query_url}?query={encoded}'"


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary installed beside this Python (the ``oxigraph`` package), else on PATH.

    :raises InputError: it is not installed.
    """
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise InputError(
        "the oxigraph server is not installed; install it with: pip install 'oxigraph>=0.5.13,<0.6'"
    )


def server(
    store_dir: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float | None = None
) -> Server:
    """The read-only server command for the kg store at ``store_dir``.

    :raises InputError: no store there, or no server binary.
    """
    from .store import is_store, store_data_dir

    if not is_store(store_dir):
        raise InputError(
            f"{store_dir}: not a kg store (make one with 'kg build' or 'kg load FILE… --store DIR')"
        )
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    command = [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(store_data_dir(store_dir)),
        "--bind",
        address,
    ]
    if timeout:
        command += ["--timeout-s", str(max(1, round(timeout)))]
    return Server(command=tuple(command), host=host, port=port)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start(spec: Server, *, wait: float = 30.0) -> subprocess.Popen[bytes]:
    """Start the server and return once it accepts connections.

    :raises InputError: it exited or did not listen within ``wait`` seconds (its error output is shown).
    """
    import tempfile

    errors = tempfile.TemporaryFile()  # noqa: SIM115 (the server writes to it after this returns)
    process = subprocess.Popen(spec.command, stdout=subprocess.DEVNULL, stderr=errors)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()
            errors.close()
            raise InputError(
                f"the oxigraph server stopped at once: {message or f'exit {process.returncode}'}"
            )
        try:
            with socket.create_connection((spec.host, spec.port), timeout=0.5):
                errors.close()
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    errors.close()
    raise InputError(f"the oxigraph server did not listen on {spec.base_url} within {wait:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start`."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
