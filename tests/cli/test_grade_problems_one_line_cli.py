"""`tenta grade` at 80 columns: each warning and error about a row is one line, as `file:line: field:` tools
(an editor's error list, grep) read them, even when stderr goes to a file or a pipe."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, write_csv


@pytest.mark.usefixtures("ctx")
def test_each_row_problem_is_one_line_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    rows = [
        ["Anna Lindqvist", "dropout", GOOD_DROPOUT, "förra tisdagen efter lunch"],
        ["Bo Ek", "batch-normalisation", "It normalises the activations of a layer.", ""],
        ["Cia Berg", "early-stopping", GOOD_STOPPING, "2024-03-04T10:00"],
    ]
    path = write_csv(
        tmp_path / "tentamen_djupinlarning.csv", rows, ("student", "question", "answer", "submitted_at")
    )

    code, _, stderr = tenta("grade", path, "--bank", "teacher-test")

    assert code == 1
    assert stderr.splitlines() == [
        f"warning: {path}:2: submitted_at: unreadable time 'förra tisdagen efter lunch' ignored (use ISO "
        "8601, e.g. 2024-03-04T10:15)",
        f"error: {path}:3: question: bank 'teacher-test' has no question 'batch-normalisation'",
        "1 row(s) not imported, 0 answer(s) not graded; fix them and run the same command again (stored "
        "answers are not duplicated).",
    ]
    assert any(len(line) > 80 for line in stderr.splitlines()), "the lines are longer than the terminal"
