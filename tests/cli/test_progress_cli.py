"""`tenta progress`: the readiness estimate and the topic table from a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from db.repository import open_repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.cli.main import app
from quiz.context import AppContext
from quiz.settings import Settings
from tests.practice import grade_and_review

runner = CliRunner()
WIDE = {"COLUMNS": "160"}


def _practise(
    settings: Settings, student: str, fractions: dict[str, float], bank_id: str = "dl-course"
) -> None:
    """Answers graded and reviewed an hour ago (the command reads the real clock)."""
    ctx = AppContext(settings)
    bank = ctx.catalog.load(bank_id)
    repository = open_repository(settings.resolved_database_url)
    when = datetime.now(UTC) - timedelta(hours=1)
    try:
        who = repository.get_or_create_student(student)
        for question_id, fraction in fractions.items():
            question = bank.question(question_id)
            answer = repository.submit_answer(who.id, bank, question, "answer", submitted_at=when)
            grade_and_review(
                repository,
                student_id=who.id,
                bank_id=bank.id,
                question=question,
                answer_id=answer.id,
                fraction=fraction,
                when=when,
            )
    finally:
        repository.close()


def test_progress_prints_estimate_gains_and_topics(settings: Settings) -> None:
    ctx = AppContext(settings)
    bundled = ctx.catalog.load("dl-course")
    ctx.catalog.install(
        Bank.model_validate({**bundled.model_dump(), "id": "dl-graded", "grade_scale": "ug-vg"})
    )
    _practise(
        settings,
        "Alva",
        {"q05-keras-code": 1.0, "q10-cnn-how": 0.5, "q04-train-validation-test": 1.0, "q12-cpu-gpu": 0.0},
        bank_id="dl-graded",
    )
    result = runner.invoke(app, ["progress", "--student", "Alva", "--bank", "dl-graded"], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{bundled.title} · Alva"
    assert lines[1] == "Estimated today: 9 / 30 p → U (G needs 15 p)"
    assert "An estimate from your practice" in result.output
    assert "Not practised (8): Q1, Q2, Q3, Q6, Q7, Q8, Q9, Q11" in result.output
    assert "Grade scale: U 0% · G 50% (15 p) · VG 75% (22.5 p)" in result.output
    gains = result.output.split("Most points to gain if mastered")[1].split("Not practised")[0]
    assert [line.split("│")[1].strip() for line in gains.splitlines() if line.count("│") > 2] == [
        "Q7",
        "Q1",
        "Q2",
    ], "3 points unseen, then 2-point gains in bank order (Q10's half of 4 points included)"
    topics = result.output.split("Mastery per topic, weakest first")[1]
    first_row = next(line for line in topics.splitlines() if "hardware" in line)
    assert [cell.strip() for cell in first_row.split("│")[1:-1]] == ["hardware", "1", "1/1", "0%", "1"]


def test_progress_without_practice_or_scale_and_an_unknown_student(settings: Settings) -> None:
    result = runner.invoke(app, ["progress"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Estimated today: 0 / 30 p (0%)" in result.output
    assert "Bank dl-course sets no grade scale" in result.output
    unknown = runner.invoke(app, ["progress", "--student", "Nobody"], env=WIDE)
    assert isinstance(unknown.exception, TentaError)
    assert "no student named 'Nobody'" in str(unknown.exception)


def test_progress_tables_fit_80_columns(settings: Settings) -> None:
    result = runner.invoke(app, ["progress"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    table_lines = [line for line in result.output.splitlines() if line[:1] in "┏┃┡│└"]
    assert table_lines and all(len(line) <= 80 for line in table_lines)
    assert result.output.count("│ not practised │") == 3


def test_progress_covers_the_chosen_topics_and_says_which(settings: Settings) -> None:
    """The app's topic choice (cnn) narrows the estimate; --topic and --all-topics choose here."""
    _practise(settings, "Alva", {"q10-cnn-how": 0.5, "q12-cpu-gpu": 1.0})
    repository = open_repository(settings.resolved_database_url)
    try:
        alva = repository.get_or_create_student("Alva")
        repository.set_topic_filter(alva.id, "dl-course", ["cnn"])
    finally:
        repository.close()

    chosen = runner.invoke(app, ["progress", "--student", "Alva"], env=WIDE)
    assert chosen.exit_code == 0, chosen.output
    lines = chosen.output.splitlines()
    assert lines[1] == "Estimated today: 2 / 6 p (33%)", "Q10's half of 4 p; Q9 not practised; Q12 not cnn"
    assert lines[2] == (
        "Covers your chosen topics only (cnn): 2 of 12 questions, 6 of 30 p; no grade, as the grade scale "
        "is for the whole exam."
    )
    assert "Not practised (1): Q9" in chosen.output

    hardware = runner.invoke(app, ["progress", "--student", "Alva", "--topic", "hardware"], env=WIDE)
    assert hardware.exit_code == 0, hardware.output
    assert hardware.output.splitlines()[1] == "Estimated today: 2 / 2 p (100%)"
    assert "Covers your chosen topics only (hardware): 1 of 12 questions" in hardware.output

    whole = runner.invoke(app, ["progress", "--student", "Alva", "--all-topics"], env=WIDE)
    assert whole.exit_code == 0, whole.output
    assert whole.output.splitlines()[1:3] == [
        "Estimated today: 4 / 30 p (13%)",
        "Covers the whole exam: 12 questions, all topics.",
    ]

    unknown = runner.invoke(app, ["progress", "--topic", "biology"], env=WIDE)
    assert isinstance(unknown.exception, TentaError)
    assert "Bank dl-course has no topic biology; its topics: foundations, frameworks" in str(
        unknown.exception
    )
