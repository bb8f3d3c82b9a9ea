"""The one exception family users see: a message they can act on, and for files where to look."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class TentaError(Exception):
    """An error with a user-facing one-line message; the CLI prints it and exits non-zero."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputFileError(TentaError):
    """Bad content in a user-supplied file, located by path, line and field where known."""

    def __init__(
        self,
        path: Path | str,
        reason: str,
        *,
        line: int | None = None,
        field: str | None = None,
        unsupported: bool = False,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.reason = reason
        self.unsupported = unsupported
        """A well-formed question tenta has no type for (an import may leave it out when asked to)."""
        location = f"{self.path}:{line}" if line is not None else str(self.path)
        field_part = f"{field}: " if field else ""
        super().__init__(f"{location}: {field_part}{reason}")


class InputFileErrors(TentaError):
    """Several problems found in one file; nothing from that file was used."""

    def __init__(self, errors: list[InputFileError]) -> None:
        self.errors = errors
        first = errors[0].message if errors else "no details"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


def field_name(loc: Sequence[int | str]) -> str:
    """pydantic's location of a problem, ('rubric', 0, 'weight'), as the field an InputFileError names:
    'rubric.0.weight'. One spelling for settings, datasets and calibration files (a setting's name is also
    its TENTA_* variable); '' for a problem of the whole record."""
    return ".".join(str(part) for part in loc)
