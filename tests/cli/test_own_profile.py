"""TENTA_STUDENT names the profile the app and the student commands open with: found as `--student` finds a
student (case, Unicode form, external id), made only when no student answers to it. Real SQLite file in
the isolated data dir, the real CLI through typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from quiz.cli.main import app
from quiz.context import AppContext
from quiz.settings import Settings

runner = CliRunner()


def _students() -> list[str]:
    return [student.name for student in AppContext().repository.list_students()]


@pytest.mark.parametrize("typed", ["anna öberg", "ANNA ÖBERG", "anna@uni.se", "Anna O\u0308berg"])
def test_tenta_student_finds_the_student_as_typed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    """'anna öberg' made a second, empty student beside Anna Öberg, and progress showed 0 answers."""
    assert runner.invoke(app, ["student", "add", "Anna Öberg", "--id", "anna@uni.se"]).exit_code == 0
    monkeypatch.setenv("TENTA_STUDENT", typed)

    profile = AppContext().own_profile()
    result = runner.invoke(app, ["progress"])

    assert profile.name == "Anna Öberg"
    assert result.exit_code == 0, result.output
    assert _students() == ["Anna Öberg"]


def test_tenta_student_makes_a_new_profile_on_first_use(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["student", "add", "Anna Öberg"]).exit_code == 0
    monkeypatch.setenv("TENTA_STUDENT", "Erik Lind")

    profile = AppContext().own_profile()

    assert profile.name == "Erik Lind"
    assert sorted(_students()) == ["Anna Öberg", "Erik Lind"]
    assert AppContext().own_profile().id == profile.id
