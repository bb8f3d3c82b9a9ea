"""`tenta study` and what `tenta history` says of topics and flags: the real commands, a real SQLite file."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from db.records import SuspensionReason
from db.repository import open_repository
from quiz import scheduling
from quiz.cli.main import app
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from quiz.settings import Settings

runner = CliRunner()
WIDE = {"COLUMNS": "160"}
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _suspended(settings: Settings, student: str | None = None) -> list[tuple[str, SuspensionReason]]:
    """The student's suspended questions of the bundled bank (default: the local profile)."""
    repository = open_repository(settings.resolved_database_url)
    try:
        found = repository.find_student(student) if student else repository.default_student()
        assert found is not None
        return [(s.question_id, s.reason) for s in repository.suspended_questions(found.id, "dl-course")]
    finally:
        repository.close()


def test_suspend_by_number_or_id_then_unsuspend(settings: Settings) -> None:
    result = runner.invoke(app, ["study", "suspend", "7", "Q10", "q12-cpu-gpu"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Suspended for local: Q7 (q07-dropout), Q10 (q10-cnn-how), Q12 (q12-cpu-gpu)." in result.output
    assert _suspended(settings) == [
        ("q07-dropout", SuspensionReason.MANUAL),
        ("q10-cnn-how", SuspensionReason.MANUAL),
        ("q12-cpu-gpu", SuspensionReason.MANUAL),
    ]
    listed = runner.invoke(app, ["study", "list", "--suspended"], env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert (
        "3 suspended" in listed.output
        and "q07-dropout" in listed.output
        and "q01-ai-ml-dl" not in listed.output
    )
    again = runner.invoke(app, ["study", "unsuspend", "q07-dropout", "1"], env=WIDE)
    assert again.exit_code == 0, again.output
    assert (
        "Unsuspended for local: q07-dropout." in again.output
        and "Not suspended: q01-ai-ml-dl." in again.output
    )
    assert [qid for qid, _ in _suspended(settings)] == ["q10-cnn-how", "q12-cpu-gpu"]
    everything = runner.invoke(app, ["study", "unsuspend", "--all"], env=WIDE)
    assert everything.exit_code == 0 and _suspended(settings) == []


def test_an_unknown_question_changes_nothing(settings: Settings) -> None:
    result = runner.invoke(app, ["study", "suspend", "7", "Q99"], env=WIDE)
    assert result.exit_code == 1
    assert isinstance(result.exception, Exception) and "no question 'Q99'" in str(result.exception)
    assert _suspended(settings) == [], "the valid question before it was not suspended either"


@pytest.mark.parametrize("arguments", [[], ["7", "--all"]])
def test_unsuspend_needs_questions_or_all(settings: Settings, arguments: list[str]) -> None:
    result = runner.invoke(app, ["study", "unsuspend", *arguments], env=WIDE)
    assert result.exit_code == 1 and "or give --all" in str(result.exception)


def test_list_shows_lapses_and_leeches_of_another_student(settings: Settings) -> None:
    ctx = AppContext(settings)
    anna = ctx.repository.get_or_create_student("Anna")
    for day, fraction in enumerate([1.0] + [0.0, 1.0] * 2):
        scheduling.review(
            ctx.repository,
            student_id=anna.id,
            bank_id="dl-course",
            question_id="q07-dropout",
            fraction=fraction,
            now=NOW + timedelta(days=3 * day),
            leeches=scheduling.LeechPolicy(threshold=2),
        )
    result = runner.invoke(app, ["study", "list", "--student", "Anna"], env=WIDE)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "q07-dropout" in line)
    assert " 2 " in line and "leech, suspended as a leech" in line
    assert _suspended(settings, "Anna") == [("q07-dropout", SuspensionReason.LEECH)]


def test_history_names_the_topics_and_the_flagged_questions(settings: Settings) -> None:
    ctx = AppContext(settings)
    student = ctx.repository.default_student()
    request = QuizRequest(
        student_id=student.id,
        bank_id="dl-course",
        mode=QuizMode.PRACTICE,
        count=3,
        topics=("cnn", "hardware"),
    )
    quiz = start_quiz(ctx, request, now=NOW, rng=random.Random(2))
    quiz.go_to(1)
    quiz.toggle_flag()
    flagged = quiz.current.id
    listed = runner.invoke(app, ["history"], env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert "Practice · topics: cnn, hardware" in listed.output
    detail = runner.invoke(app, ["history", str(quiz.session_id)], env=WIDE)
    assert detail.exit_code == 0, detail.output
    assert "Practice · topics: cnn, hardware" in detail.output and "Flagged ⚑: question 2" in detail.output
    flagged_rules = [line for line in detail.output.splitlines() if "⚑ flagged" in line]
    assert len(flagged_rules) == 1 and f"2. {flagged}" in flagged_rules[0]
