"""Teacher tables at 80 columns (a default terminal, or stdout piped), and `tenta stats --points`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import write_csv

LONG_NAMES = ["Ann-Kristin Johansson-Lindqvist", "Björn", "Cecilia Östergren"]
ROW = re.compile(r"^│ (\d+)\s+│ (.*?)\s+│ (\S+)\s+│ (\S+)\s+│ (\S+)\s+│")


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def graded(ctx: AppContext, tmp_path: Path) -> list[int]:
    """Long-winded answers by students with long names, graded; every answer asks for a regrade."""
    rows = [
        [name, question, text]
        for name in LONG_NAMES
        for question, text in [
            (
                "dropout",
                "Dropout turns off random neurons during training, which reduces overfitting a lot " * 3,
            ),
            ("early-stopping", "It stops training when the validation loss stops improving " * 3),
        ]
    ]
    assert tenta("grade", write_csv(tmp_path / "long.csv", rows), "--bank", "teacher-test")[0] == 0
    ids = [detail.answer.id for detail in ctx.repository.answer_history(bank_id="teacher-test")]
    for answer_id in ids:
        ctx.repository.request_regrade(answer_id, "I think my answer deserves more points than this, please")
    return sorted(ids)


@pytest.mark.usefixtures("narrow")
def test_review_at_80_columns_shows_each_id_student_question_and_auto_score(
    ctx: AppContext, graded: list[int]
) -> None:
    code, stdout, _ = tenta("review", "--bank", "teacher-test")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    rows = [match.groups() for match in map(ROW.match, stdout.splitlines()) if match]
    assert sorted(int(answer_id) for answer_id, *_ in rows) == graded
    for answer_id, student, question, auto, confidence in rows:
        detail = ctx.repository.get_answer(int(answer_id))
        assert question == detail.answer.question_id
        assert detail.answer.student_name.startswith(student.removesuffix("…"))
        assert re.fullmatch(r"[\d.]+/2", auto) and re.fullmatch(r"[\d.]+", confidence)
    assert any(student == "Björn" for _, student, *_ in rows)
    # What the table shows is what `tenta override` takes.
    first = rows[0][0]
    assert tenta("override", first, "1", "--comment", "read at 80 columns")[0] == 0
    assert ctx.repository.get_answer(int(first)).final_score == 1.0


@pytest.mark.usefixtures("narrow", "graded")
@pytest.mark.parametrize(
    "command",
    [
        ("groups", "dropout", "--bank", "teacher-test"),
        ("stats", "--bank", "teacher-test"),
        ("stats", "--points", "--bank", "teacher-test"),
        ("agreement", "--bank", "teacher-test"),
    ],
)
def test_other_teacher_tables_fit_80_columns_and_keep_their_first_column_whole(
    ctx: AppContext, command: tuple[str, ...]
) -> None:
    dropout = ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
    ctx.repository.add_override(dropout[0].answer.id, 0.5, "", "Kim", point_credits={"overfitting": 0.0})

    code, stdout, _ = tenta(*command)

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    first_cells = [line.split("│")[1].strip() for line in stdout.splitlines() if line.startswith("│ ")]
    assert first_cells and not any(cell.endswith("…") and len(cell) <= 3 for cell in first_cells)
    assert "dropout" in stdout


def test_stats_points_counts_covered_partial_missed_and_a_teacher_decision_wins(
    ctx: AppContext, graded: list[int]
) -> None:
    dropout = [
        detail
        for detail in ctx.repository.answer_history(bank_id="teacher-test")
        if detail.answer.question_id == "dropout"
    ]
    auto_missed = sum(
        1
        for detail in dropout
        for point in detail.final_points
        if point["point_id"] == "overfitting" and point["status"] == "missing"
    )
    decided = next(
        detail
        for detail in dropout
        if any(p["point_id"] == "overfitting" and p["status"] != "missing" for p in detail.final_points)
    )
    ctx.repository.add_override(decided.answer.id, 1.0, "", "Kim", point_credits={"overfitting": 0.0})

    code, stdout, _ = tenta("stats", "--points", "--bank", "teacher-test")

    assert code == 0
    cells = {
        line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
        for line in stdout.splitlines()
        if line.startswith("│ ") and ":" in line.split("│")[1]
    }
    covered, partly, missed, share, teacher = cells["overfitting: Reduces overfitting"]
    assert int(covered) + int(partly) + int(missed) == len(dropout) == 3
    assert int(missed) == auto_missed + 1, "the teacher's 'missing' counts instead of the grader's status"
    assert teacher == "1" and share == f"{100 * int(missed) / 3:.0f}%"
    assert cells["random-units: Randomly deactivates neurons during training"][4] == "0"
    assert stdout.index("dropout") < stdout.index("early-stopping")
    assert {
        "validation: Monitors the validation loss",
        "stop: Stops training when it no longer improves",
    } <= set(cells)


def test_stats_points_without_answers_says_so() -> None:
    code, stdout, _ = tenta("stats", "--points", "--bank", "teacher-test")

    assert code == 0 and "No graded answers with key points in bank teacher-test yet." in stdout


def test_stats_points_counts_each_students_latest_answer_once_with_its_teacher_decision(
    ctx: AppContext, graded: list[int], tmp_path: Path
) -> None:
    """Björn answers dropout twice more; only his last answer counts, and a decision on it wins."""
    retries = [
        ["Björn", "dropout", "Dropout randomly deactivates neurons during training and reduces overfitting."],
        ["Björn", "dropout", "I do not remember."],
    ]
    for index, row in enumerate(retries):
        assert (
            tenta("grade", write_csv(tmp_path / f"retry{index}.csv", [row]), "--bank", "teacher-test")[0] == 0
        )
    bjorn = [
        detail
        for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
        if detail.answer.student_name == "Björn"
    ]
    assert len(bjorn) == 3, "three attempts by one student"
    latest = bjorn[0]  # newest first
    ctx.repository.add_override(latest.answer.id, 1.0, "", "Kim", point_credits={"overfitting": 1.0})
    others = [
        detail
        for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
        if detail.answer.student_name != "Björn"
    ]
    auto_random_units_missed = sum(
        1
        for detail in others
        for point in detail.final_points
        if point["point_id"] == "random-units" and point["status"] == "missing"
    )

    code, stdout, _ = tenta("stats", "--points", "--bank", "teacher-test")

    assert code == 0
    cells = {
        line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
        for line in stdout.splitlines()
        if line.startswith("│ ") and ":" in line.split("│")[1]
    }
    covered, partly, missed, _share, teacher = cells["overfitting: Reduces overfitting"]
    assert int(covered) + int(partly) + int(missed) == 3, "three students, not five attempts"
    assert teacher == "1"
    random_units = cells["random-units: Randomly deactivates neurons during training"]
    assert int(random_units[2]) == auto_random_units_missed + 1, "Björn's last answer missed it"
    assert "latest graded answer" in " ".join(stdout.split())


@pytest.mark.usefixtures("narrow")
def test_a_group_shown_at_80_columns_keeps_each_answer_id_and_score_whole(
    ctx: AppContext, graded: list[int]
) -> None:
    """`tenta groups Q --show G --score S` names the answers --move and --out take; before, at 80 columns
    the answer text kept its full width and squeezed the id, student and score columns to nothing."""
    dropout = {
        d.answer.id for d in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
    }
    _, listing, _ = tenta("groups", "dropout", "--bank", "teacher-test")
    group = next(
        match.group(1) for match in map(re.compile(r"^│ (g\d+) ").match, listing.splitlines()) if match
    )

    code, stdout, _ = tenta("groups", "dropout", "--bank", "teacher-test", "--show", group, "--score", "1")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in stdout.splitlines()
        if line.startswith("│ ") and line.split("│")[1].strip()
    ]
    assert rows and {int(row[0]) for row in rows} <= dropout
    for answer_id, _student, _member, auto, now, _decided, after, _text in rows:
        assert auto == now == _points_of(int(answer_id), ctx) and after == "1/2"
    assert "Dropout" in stdout, "the answers' text is still shown, wrapped"
    assert tenta("groups", "dropout", "--bank", "teacher-test", "--out", rows[0][0])[0] == 0


def _points_of(answer_id: int, ctx: AppContext) -> str:
    score = ctx.repository.get_answer(answer_id).final_score
    assert score is not None
    return f"{score:g}/2"


@pytest.mark.usefixtures("graded")
def test_stats_total_is_out_of_the_exams_points_as_in_the_gradebook() -> None:
    """Nobody answered the 1-point gpu question: the mean total is still out of the bank's 5 points, the
    gradebook's max_total; before, stats said '/4', the answered questions' points only."""
    _, gradebook, _ = tenta("export", "gradebook", "--bank", "teacher-test")
    max_total = {line.split(",")[-2] for line in gradebook.splitlines()[1:]}

    code, stdout, _ = tenta("stats", "--bank", "teacher-test")

    assert code == 0 and max_total == {"5"}
    # Since the gradebook hold, the line names the students with provisional scores before the mean.
    assert re.search(
        r"students(, \d+ with provisional scores \([^)]*\))?; total mean [\d.]+/5,", " ".join(stdout.split())
    )
