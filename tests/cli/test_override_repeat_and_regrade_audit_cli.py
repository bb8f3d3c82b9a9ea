"""Teacher QA: an override given twice is stored once, and the audit tells a regrade from the first grade."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, write_csv


@pytest.fixture
def answer_id(ctx: AppContext, tmp_path: Path) -> int:
    """One graded dropout answer by Åsa."""
    path = write_csv(tmp_path / "one.csv", [["Åsa", "dropout", GOOD_DROPOUT]])
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    (detail,) = ctx.repository.answer_history(bank_id="teacher-test")
    return detail.answer.id


def _audit_events(answer_id: int) -> list[str]:
    """The event column of `tenta audit`: the rows whose first cell is a time."""
    code, stdout, _ = tenta("audit", answer_id)
    assert code == 0
    rows = [line.split("│") for line in stdout.splitlines() if line.startswith("│")]
    return [cells[2].strip() for cells in rows if re.fullmatch(r" \d{4}-\d\d-\d\d [\d:]{8} ", cells[1])]


def test_the_same_override_twice_is_stored_once_and_says_so(ctx: AppContext, answer_id: int) -> None:
    decision = ("override", answer_id, "1.5", "--comment", "kort men rätt", "--teacher", "Kim")
    assert tenta(*decision)[0] == 0

    code, stdout, _ = tenta(*decision)

    assert code == 0
    assert stdout.startswith(f"Answer {answer_id} (Åsa, dropout): already has this decision, 1.5/2 ")
    assert "nothing stored" in stdout
    assert len(ctx.repository.get_answer(answer_id).overrides) == 1
    assert _audit_events(answer_id) == ["submitted", "graded", "overridden"]

    reworded = "kort, men rätt i sak"
    assert tenta("override", answer_id, "1.5", "--comment", reworded, "--teacher", "Kim")[0] == 0
    code, stdout, _ = tenta("override", answer_id, "1", "--comment", reworded)
    assert code == 0 and "final score 1/2, was 1.5/2." in stdout
    assert [o.score for o in ctx.repository.get_answer(answer_id).overrides] == [1.5, 1.5, 1.0]
    assert _audit_events(answer_id) == ["submitted", "graded", "overridden", "overridden", "overridden"]


def test_the_audit_shows_a_regrade_as_regraded_with_the_score_before(ctx: AppContext, answer_id: int) -> None:
    assert tenta("regrade", "--bank", "teacher-test")[0] == 0
    first, second = ctx.repository.get_answer(answer_id).grades

    assert _audit_events(answer_id) == ["submitted", "graded", "regraded"]
    code, stdout, _ = tenta("audit", answer_id)
    assert code == 0
    assert f"score={first.score} → {second.score}, max_points=2.0" in stdout
    assert "previous_score" not in stdout


def test_the_audit_at_80_columns_shows_who_whole(answer_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    teacher = "anna-karin.lindqvist@skolan.example.se"
    assert tenta("override", answer_id, "1.5", "--teacher", teacher)[0] == 0
    monkeypatch.setenv("COLUMNS", "80")

    code, stdout, _ = tenta("audit", answer_id)

    assert code == 0
    lines = stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    by = "".join(
        line.split("│")[3].strip() for line in lines if line.startswith("│") and line.count("│") == 5
    )
    assert teacher in by, "before, the e-mail ended in '…'"
