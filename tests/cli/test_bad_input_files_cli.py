"""Bad files given to the CLI: one error naming file, line and field, and nothing stored or written.

Each test drives the real command (typer's runner, or the installed `tenta` where the exact terminal
output matters) with a broken file as a person would make one: a BOM from Notepad, Latin-1 from an old
editor, a dataset line without its reference answer, a scanned PDF, a password-protected PDF, a typo in
a setting or in --out.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter
from typer.testing import CliRunner, Result

from question_bank.errors import TentaError
from quiz.cli.main import app
from quiz.context import AppContext

runner = CliRunner()
TENTA = Path(sys.executable).with_name("tenta")
RECORD = {
    "question_id": "d1",
    "question": "What is dropout?",
    "reference_answer": "Dropout randomly deactivates neurons during training to reduce overfitting.",
    "student_answer": "It switches off random neurons while training.",
    "score": 1.0,
    "max_score": 1.0,
}
WRONG = {**RECORD, "student_answer": "When students quit school early.", "score": 0.0}


@pytest.fixture(autouse=True)
def minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")


def _jsonl(path: Path, *records: dict[str, object], encoding: str = "utf-8") -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding)
    return path


def _error(result: Result) -> str:
    """The message the user sees (main() prints a TentaError as one line)."""
    assert isinstance(result.exception, TentaError), result.output
    return result.exception.message


# --- tenta eval / calibrate -------------------------------------------------------------------------


def test_eval_reads_a_dataset_saved_with_a_bom_and_windows_line_endings(tmp_path: Path) -> None:
    dataset = tmp_path / "notepad.jsonl"
    text = "".join(json.dumps(record) + "\r\n" for record in (RECORD, WRONG, RECORD, WRONG))
    dataset.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = runner.invoke(app, ["eval", str(dataset), "--no-match-bank", "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["n"] == 4


def test_eval_names_the_line_and_field_of_a_record_without_reference_answer(tmp_path: Path) -> None:
    incomplete = {key: value for key, value in RECORD.items() if key != "reference_answer"}
    dataset = _jsonl(tmp_path / "d.jsonl", RECORD, WRONG, incomplete)
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["eval", str(dataset), "--no-match-bank", "--json", str(report)])
    assert _error(result).startswith(f"{dataset}:3: reference_answer: empty; a record needs question")
    assert not report.exists()


@pytest.mark.parametrize("command", ["eval", "calibrate"])
def test_a_score_above_max_score_is_named_as_the_score_field(tmp_path: Path, command: str) -> None:
    dataset = _jsonl(tmp_path / "d.jsonl", RECORD, {**WRONG, "score": 5})
    result = runner.invoke(app, [command, str(dataset), "--no-match-bank"])
    assert _error(result) == f"{dataset}:2: score: 5 is outside 0..max_score (1)"
    assert not (tmp_path / "data" / "calibration.json").exists()


def test_eval_names_the_line_of_text_that_is_not_utf8(tmp_path: Path) -> None:
    dataset = tmp_path / "latin1.jsonl"
    latin1 = json.dumps({**WRONG, "student_answer": "Vet ej, förlåt"}, ensure_ascii=False).encode("latin-1")
    dataset.write_bytes((json.dumps(RECORD) + "\n").encode("utf-8") + latin1 + b"\n")
    result = runner.invoke(app, ["eval", str(dataset), "--no-match-bank"])
    assert _error(result) == f"{dataset}:2: not UTF-8 text (save the file as UTF-8)"


@pytest.mark.parametrize("command", ["eval", "calibrate"])
def test_an_output_path_inside_a_file_is_refused_before_grading(tmp_path: Path, command: str) -> None:
    dataset = _jsonl(tmp_path / "d.jsonl", RECORD, WRONG)
    option = "--json" if command == "eval" else "--out"
    result = runner.invoke(app, [command, str(dataset), "--no-match-bank", option, str(dataset / "out.json")])
    assert (
        _error(result) == f"{dataset / 'out.json'}: cannot write there ({dataset} is not a writable folder)"
    )
    assert not (tmp_path / "data").exists()  # refused before the database or the model was opened


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"model_id": "m", "x": [0, 1],\n "y": [0, }', ":2: not a tenta calibration file: not valid JSON"),
        ('{"x": [0, 1], "y": [0, 1]}', ": model_id: Field required (not a tenta calibration file)"),
        ('{"model_id": "m", "x": [0, 1], "y": [1, 0]}', ": y knots must be non-decreasing (not a tenta"),
    ],
)
def test_a_broken_calibration_file_is_named_with_line_or_field(
    tmp_path: Path, content: str, message: str
) -> None:
    calibration = tmp_path / "calibration.json"
    calibration.write_text(content, encoding="utf-8")
    dataset = _jsonl(tmp_path / "d.jsonl", RECORD, WRONG)
    result = runner.invoke(app, ["eval", str(dataset), "--no-match-bank", "--calibration", str(calibration)])
    assert _error(result).startswith(f"{calibration}{message}")


def test_a_missing_calibration_file_is_not_found_rather_than_not_a_calibration(tmp_path: Path) -> None:
    dataset = _jsonl(tmp_path / "d.jsonl", RECORD, WRONG)
    missing = tmp_path / "calibation.json"
    result = runner.invoke(app, ["eval", str(dataset), "--no-match-bank", "--calibration", str(missing)])
    assert _error(result) == f"{missing}: file not found"


# --- tenta ingest ------------------------------------------------------------------------------------


def _pdf(path: Path, text: str | None) -> Path:
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(10, 10, 50, 50, style="F")  # a page with a picture and no text, as a scan is
    else:
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 10, text)
    pdf.output(str(path))
    return path


def _notes(tmp_path: Path) -> Path:
    notes = tmp_path / "notes.md"
    notes.write_text("# Dropout\n\nDropout switches off random neurons during training.\n", encoding="utf-8")
    return notes


def _stored_chunks() -> int:
    return len(AppContext().repository.document_chunks())


def test_ingest_refuses_a_binary_file_named_md_and_stores_none_of_the_files(tmp_path: Path) -> None:
    binary = tmp_path / "slides.md"
    binary.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(app, ["ingest", str(_notes(tmp_path)), str(binary)])
    assert _error(result) == f"{binary}:2: not UTF-8 text (save the file as UTF-8)"
    assert _stored_chunks() == 0


def test_ingest_with_a_broken_model_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model is loaded before any document is stored, so the saved index never falls behind."""
    monkeypatch.setenv("TENTA_MODEL", str(tmp_path / "no-such-model"))
    result = runner.invoke(app, ["ingest", str(_notes(tmp_path))])
    assert "no-such-model" in _error(result)
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")
    assert _stored_chunks() == 0


def test_ingest_refuses_a_pdf_without_text_and_stores_none_of_the_files(tmp_path: Path) -> None:
    scanned = _pdf(tmp_path / "scan.pdf", None)
    result = runner.invoke(app, ["ingest", str(_notes(tmp_path)), str(scanned)])
    assert (
        _error(result)
        == f"{scanned}: has no text to ingest (a scanned PDF holds only images: run OCR on it first)"
    )
    assert _stored_chunks() == 0


def test_ingest_says_a_pdf_is_password_protected(tmp_path: Path) -> None:
    plain = _pdf(tmp_path / "plain.pdf", "Dropout switches off random neurons. " * 5)
    locked = tmp_path / "locked.pdf"
    writer = PdfWriter()
    writer.append(str(plain))
    writer.encrypt("secret")
    writer.write(str(locked))
    result = runner.invoke(app, ["ingest", str(locked)])
    assert _error(result) == f"{locked}: the PDF is password-protected; ingest a copy saved without it"
    assert _stored_chunks() == 0


def test_ingest_of_a_cut_short_pdf_prints_one_line_without_pypdf_warnings(tmp_path: Path) -> None:
    whole = _pdf(tmp_path / "whole.pdf", "Dropout switches off random neurons. " * 20).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    completed = subprocess.run([str(TENTA), "ingest", str(cut)], capture_output=True, text=True, check=False)
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr  # pypdf's "EOF marker not found" stays out
    assert lines[0].startswith(f"error: {cut}: not a readable PDF (damaged or cut short?)")


# --- settings and the database -----------------------------------------------------------------------


def test_a_malformed_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENTA_LEECH_THRESHOLD", "abc")
    result = runner.invoke(app, ["student", "list"])
    assert _error(result).startswith("TENTA_LEECH_THRESHOLD='abc': Input should be a valid integer")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('leech_action = "delete"\n', ":1: leech_action: Input should be 'suspend' or 'tag'"),
        ("leech_action = \n", ": not valid TOML: Invalid value (at line 1, column 16)"),
    ],
)
def test_a_bad_config_file_names_the_file_and_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, message: str
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    config = tmp_path / "config" / "tenta" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(toml, encoding="utf-8")
    result = runner.invoke(app, ["student", "list"])
    assert _error(result) == f"{config}{message}"


def test_a_malformed_database_url_is_one_line_without_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENTA_DATABASE_URL", "tenta:secret@localhost")
    result = runner.invoke(app, ["student", "list"])
    message = _error(result)
    assert message.startswith("the database URL (TENTA_DATABASE_URL or database_url in config.toml) is not")
    assert "secret" not in message


@pytest.mark.parametrize("variable", ["TENTA_DATA_DIR", "TENTA_DATABASE_URL"])
def test_a_database_location_inside_a_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    value = (
        f"sqlite:///{blocker}/tenta.sqlite3" if variable == "TENTA_DATABASE_URL" else str(blocker / "data")
    )
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["student", "list"])
    assert _error(result).startswith(f"{blocker}")
    assert "cannot create the" in _error(result)


# --- tenta grade --out -------------------------------------------------------------------------------


def test_grade_refuses_an_unwritable_out_before_storing_any_answer(tmp_path: Path) -> None:
    submissions = tmp_path / "answers.csv"
    submissions.write_text("student,question,answer\nÅsa,1,Dropout switches off neurons\n", encoding="utf-8")
    out = submissions / "grades.csv"
    result = runner.invoke(app, ["grade", str(submissions), "--out", str(out)])
    assert _error(result) == f"{out}: cannot write there ({submissions} is not a writable folder)"
    assert _stored_answers(tmp_path) == 0


def _stored_answers(tmp_path: Path) -> int:
    database = tmp_path / "data" / "tenta.sqlite3"
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM answers").fetchone()[0])


def test_grade_refuses_a_binary_file_named_csv_in_one_line(tmp_path: Path) -> None:
    workbook = tmp_path / "answers.csv"  # e.g. an old .xls renamed: full of NUL bytes
    workbook.write_bytes(b"student,question,answer\n" + bytes(range(256)) * 8)
    result = runner.invoke(app, ["grade", str(workbook)])
    assert _error(result) == f"{workbook}:2: contains NUL bytes; is this a binary file?"
    assert _stored_answers(tmp_path) == 0


def test_grade_refuses_a_csv_with_a_header_and_no_answers(tmp_path: Path) -> None:
    header_only = tmp_path / "export.csv"  # e.g. the wrong sheet or an export taken before the exam
    header_only.write_text("student,question,answer\r\n", encoding="utf-8-sig")
    result = runner.invoke(app, ["grade", str(header_only)])
    assert _error(result) == (
        f"{header_only}:1: has a header row but no answers under it (is this the right file or sheet?)"
    )
    assert _stored_answers(tmp_path) == 0
