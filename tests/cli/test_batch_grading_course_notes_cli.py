"""`tenta grade` and `tenta regrade` grade with the course notes, as the app and `tenta grade-one` do: on a
first run the bundled notes are indexed, so an answer's score and its feedback's passage to read do not
depend on which command ran first."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli.main import app
from quiz.settings import Settings

runner = CliRunner()

# A partly right answer, so some key point is missed and its feedback quotes a course passage. It is
# Swedish, so the grader's sentences are too (grading.feedback_wording): 'Saknas', 'Läs'.
ANSWER = "Keras är ett API som används tillsammans med TensorFlow."


@pytest.fixture(autouse=True)
def minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")


def _submissions(tmp_path: Path) -> Path:
    path = tmp_path / "submissions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["student", "question", "answer"], ["Anna Öberg", "2", ANSWER]])
    return path


def test_grade_on_a_first_run_indexes_the_course_notes_and_feedback_names_what_to_read(
    tmp_path: Path,
) -> None:
    out = tmp_path / "results.csv"
    result = runner.invoke(
        app, ["grade", str(_submissions(tmp_path)), "--bank", "dl-course", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert Settings().index_dir.is_dir()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert "\nSaknas: " in row["feedback"] or "\nBara delvis täckt: " in row["feedback"]
    assert "\n  Läs: " in row["feedback"]


def test_regrade_rebuilds_a_missing_index_from_the_database_and_keeps_the_passages(tmp_path: Path) -> None:
    """A second teacher on the same database (or a data dir copied without its index) regrades with the
    course notes the database holds, not without them."""
    result = runner.invoke(app, ["grade", str(_submissions(tmp_path)), "--bank", "dl-course"])
    assert result.exit_code == 0, result.output
    index_dir = Settings().index_dir
    shutil.rmtree(index_dir, ignore_errors=True)
    regrade = runner.invoke(app, ["regrade"])
    assert regrade.exit_code == 0, regrade.output
    assert index_dir.is_dir()
    out = tmp_path / "answers.csv"
    export = runner.invoke(app, ["export", "answers", "--out", str(out)])
    assert export.exit_code == 0, export.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert "\n  Läs: " in row["feedback"]
