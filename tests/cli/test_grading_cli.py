"""`tenta eval`, `tenta calibrate`, `tenta grade-one` and `tenta ingest` end to end on MiniLM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli.main import app

runner = CliRunner()
REFERENCE = "Dropout randomly deactivates neurons during training to reduce overfitting."
ANSWERS = [
    ("It switches off random neurons while training so the net does not overfit.", 1.0),
    ("When students quit school early.", 0.0),
    ("Random neurons are dropped during training.", 1.0),
    ("It is a kind of optimiser that speeds up training.", 0.0),
    ("", 0.0),
]


@pytest.fixture(autouse=True)
def minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")


def _dataset(path: Path, question_id: str = "d1") -> Path:
    with path.open("w", encoding="utf-8") as out:
        for answer, score in ANSWERS:
            record = {
                "question_id": question_id,
                "question": "What is dropout?",
                "reference_answer": REFERENCE,
                "student_answer": answer,
                "score": score,
                "max_score": 1.0,
            }
            out.write(json.dumps(record) + "\n")
    return path


def test_eval_prints_metrics_and_writes_json(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    result = runner.invoke(app, ["eval", str(_dataset(tmp_path / "d.jsonl")), "--json", str(report_path)])
    assert result.exit_code == 0, result.output
    assert "pearson" in result.output and "overall" in result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    for key in ("n", "pearson", "spearman", "rmse", "qwk", "accuracy", "macro_f1", "per_question"):
        assert key in report
    assert report["n"] == len(ANSWERS)
    assert report["per_question"][0]["question_id"] == "d1"
    assert report["accuracy"] >= 0.6


def test_eval_table_fits_an_80_column_terminal(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path / "d.jsonl", question_id="BULB_C_VOLTAGE_EXPLAIN_WHY1")
    result = runner.invoke(app, ["eval", str(dataset)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "BULB_C_VOLTAGE" in result.output  # long ids fold onto a second line instead of "…"
    assert "macro_f1" in result.output  # the last column is not cropped
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_eval_with_examples_never_uses_the_evaluated_records(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path / "d.jsonl")
    result = runner.invoke(
        app, ["eval", str(dataset), "--examples", str(dataset), "--json", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 0, result.output


def test_eval_reports_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"question": "q", "reference_answer": "r", "student_answer": "a", "score": 9, "max_score": 1}\n'
    )
    result = runner.invoke(app, ["eval", str(path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "bad.jsonl:1" in str(result.exception)


def test_calibrate_writes_monotone_json_for_the_model(tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    result = runner.invoke(app, ["calibrate", str(_dataset(tmp_path / "d.jsonl")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["model_id"] == "all-MiniLM-L6-v2"
    assert payload["y"] == sorted(payload["y"])
    evaluated = runner.invoke(app, ["eval", str(tmp_path / "d.jsonl"), "--calibration", str(out)])
    assert evaluated.exit_code == 0, evaluated.output


def test_ingest_then_grade_one(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# Dropout\n\nDropout switches neurons off at random during training to reduce overfitting.\n"
    )
    result = runner.invoke(app, ["ingest", str(notes)])
    assert result.exit_code == 0, result.output
    assert "1 document" in result.output
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing.md")])
    assert result.exit_code != 0


def _course_answers(path: Path) -> Path:
    """Answers to the bundled course's exam as another tool writes them: its wording, no bank id."""
    purpose = "Vad är syftet med att regularisera en modell?"
    dropout = '"Dropout" är en regulariseringsteknik, vad är det för något?'
    records = [
        (purpose, "Att minska överanpassning så att modellen generaliserar.", 2.0),
        (purpose, "Att modellen tränar snabbare på GPU.", 0.0),
        (dropout, "Slumpmässiga neuroner stängs av.", 2.0),
        (dropout, "Man tar bort dålig data.", 0.0),
    ]
    with path.open("w", encoding="utf-8") as out:
        for question, answer, score in records:
            record = {"question": question, "reference_answer": "Short reference.", "student_answer": answer}
            out.write(json.dumps({**record, "score": score, "max_score": 2.0}, ensure_ascii=False) + "\n")
    return path


def _predictions(tmp_path: Path, name: str, *options: str) -> tuple[str, list[float]]:
    report = tmp_path / f"{name}.json"
    result = runner.invoke(app, ["eval", str(tmp_path / "course.jsonl"), "--json", str(report), *options])
    assert result.exit_code == 0, result.output
    rows = json.loads(report.read_text(encoding="utf-8"))["per_question"]
    return result.output, [round(row["rmse"], 6) for row in rows]


def test_eval_grades_answers_to_an_installed_banks_questions_against_its_rubric(tmp_path: Path) -> None:
    _course_answers(tmp_path / "course.jsonl")
    matched_output, matched = _predictions(tmp_path, "matched")
    _, explicit = _predictions(tmp_path, "explicit", "--bank", "dl-course")
    own_output, own_references = _predictions(tmp_path, "own", "--no-match-bank")
    matched_text = " ".join(matched_output.split())
    assert "bank 'dl-course'" in matched_text and "--no-match-bank" in matched_text
    assert "dl-course" not in own_output
    assert matched == explicit
    assert matched != own_references


def test_eval_prints_agreement_per_answer_language(tmp_path: Path) -> None:
    report_path = tmp_path / "course.json"
    _course_answers(tmp_path / "course.jsonl")
    with (tmp_path / "course.jsonl").open("a", encoding="utf-8") as out:
        for answer, score in (("Regularization reduces overfitting.", 2.0), ("It makes training fast.", 0.0)):
            record = {"question": "Vad är syftet med att regularisera en modell?", "student_answer": answer}
            out.write(json.dumps({**record, "score": score, "max_score": 2.0, "language": "en"}) + "\n")
    result = runner.invoke(app, ["eval", str(tmp_path / "course.jsonl"), "--json", str(report_path)])
    assert result.exit_code == 0, result.output
    assert "Per answer language" in result.output and "engine - human" in result.output
    rows = json.loads(report_path.read_text(encoding="utf-8"))["per_language"]
    assert {row["language"]: row["n"] for row in rows} == {"en": 2, "sv": 4}


def test_eval_uses_graded_answers_from_a_train_split_beside_the_dataset(tmp_path: Path) -> None:
    _dataset(tmp_path / "d_train.jsonl")
    (tmp_path / "broken_train.jsonl").write_text("not json\n", encoding="utf-8")  # passed over
    test_split = tmp_path / "d_test.jsonl"
    question = {"question_id": "d1", "question": "What is dropout?", "reference_answer": REFERENCE}
    with test_split.open("w", encoding="utf-8") as out:
        for answer, score in [("Neurons are switched off at random in training.", 1.0), ("A school.", 0.0)]:
            record = {**question, "student_answer": answer, "score": score, "max_score": 1.0}
            out.write(json.dumps(record) + "\n")

    def run(*options: str) -> tuple[str, float]:
        report = tmp_path / "report.json"
        result = runner.invoke(app, ["eval", str(test_split), "--json", str(report), *options])
        assert result.exit_code == 0, result.output
        return result.output, json.loads(report.read_text(encoding="utf-8"))["rmse"]

    with_neighbours, rmse_with = run()
    without, rmse_without = run("--no-find-examples")
    assert "5 graded answers" in with_neighbours and "d_train.jsonl" in with_neighbours
    assert "graded neighbours" not in without
    assert rmse_with != rmse_without


def test_eval_of_question_numbers_only_uses_the_default_bank(tmp_path: Path) -> None:
    dataset = tmp_path / "numbers.jsonl"
    answers = [(7, "Slumpvis utvalda neuroner stängs av under träningen.", 3.0), (7, "En databas.", 0.0)]
    with dataset.open("w", encoding="utf-8") as out:
        for number, answer, score in answers:
            record = {"question_number": number, "student_answer": answer, "score": score, "max_score": 3.0}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    result = runner.invoke(app, ["eval", str(dataset), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert "default bank 'dl-course'" in " ".join(result.output.split())
    refused = runner.invoke(app, ["eval", str(dataset), "--no-match-bank"])
    assert refused.exit_code != 0
    assert "question_number and --bank" in str(refused.exception)
