"""A misspelt --bank on the commands that filter stored answers is an error, not "nothing to do"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from question_bank.errors import TentaError
from quiz.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("command", [["review"], ["agreement"], ["regrade", "--dry-run"]])
def test_a_bank_id_that_is_not_installed_is_named(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--bank", "dl-cuorse"])
    assert isinstance(result.exception, TentaError), result.output
    assert result.exception.message == "no bank with id 'dl-cuorse' (available: dl-course)"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["review"], "Nothing to review."),
        (["agreement"], "No overridden answers yet"),
        (["regrade", "--dry-run"], "No answers to regrade."),
    ],
)
def test_an_installed_bank_with_nothing_to_do_says_so(command: list[str], message: str) -> None:
    result = runner.invoke(app, [*command, "--bank", "dl-course"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(message)
