"""`tenta export feedback --out` names a folder: a file there is one clear error, before any work."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from question_bank.errors import TentaError
from quiz.cli.main import app

runner = CliRunner()


def test_feedback_out_that_is_a_file_is_one_error_and_the_file_is_untouched(tmp_path: Path) -> None:
    existing = tmp_path / "results.csv"
    existing.write_text("student,score\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "feedback", "--out", str(existing)])
    assert isinstance(result.exception, TentaError), result.output
    assert result.exception.message == f"{existing}: is a file; give a folder for the files to write"
    assert existing.read_text(encoding="utf-8") == "student,score\n"


def test_feedback_out_inside_a_file_is_one_error(tmp_path: Path) -> None:
    existing = tmp_path / "results.csv"
    existing.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["export", "feedback", "--out", str(existing / "feedback")])
    assert isinstance(result.exception, TentaError), result.output
    assert result.exception.message == (
        f"{existing / 'feedback'}: cannot write there ({existing} is not a writable folder)"
    )
