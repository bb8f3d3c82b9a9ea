"""Running teacher commands in-process on one shared context (one loaded model, one database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import teacher as teacher_cli
from quiz.cli.main import app
from quiz.context import AppContext

runner = CliRunner()


@pytest.fixture(autouse=True)
def shared_context(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """Every command in a test works on the same context; import this fixture into a test module."""
    monkeypatch.setattr(teacher_cli, "make_context", lambda: ctx)
    monkeypatch.setenv("COLUMNS", "200")
    return ctx


def tenta(*args: str | Path | int) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `tenta ARGS`; an unexpected exception is raised, not hidden."""
    result = runner.invoke(app, [str(arg) for arg in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
