"""The exceptions fazhi-kg raises.

One base class; the CLI maps each branch to an exit code::

    KgError                      base of everything the library raises on purpose
    ├── InputError               a user's input is wrong (file, YAML, RDF, query, option)  → exit 2
    │   ├── CaseFileError        one or more case files break the format; carries every problem
    │   ├── RdfSyntaxError       an RDF file does not parse (file, line, column)
    │   ├── QueryError           a query does not parse, or is refused by the guard
    │   ├── UnknownQueryError    a named query that does not exist
    │   ├── LimitExceeded        an input over a configured size, time or depth limit
    │   └── OutputError          an output path that cannot be written
    └── ValidationFailed         data has SHACL problems at or above the chosen severity → exit 1

A bug is not a KgError: it raises whatever Python raises, with its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class KgError(Exception):
    """Base of every error raised on purpose by fazhi-kg."""

    exit_code = 1


class InputError(KgError):
    """A user's input is wrong; the message names the file, the place and the fix."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place of one file."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class CaseFileError(InputError):
    """Case files break the format; ``problems`` lists every one, sorted by place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RdfSyntaxError(InputError):
    """An RDF file does not parse."""


class QueryError(InputError):
    """A query does not parse, or asks for something the guard refuses."""


class UnknownQueryError(InputError):
    """No named query has this name."""


class LimitExceeded(InputError):
    """An input is over a size, time or depth limit."""


class OutputError(InputError):
    """An output path cannot be written."""


class ValidationFailed(KgError):
    """The data does not conform at or above the chosen severity."""

    exit_code = 1
