"""Spreadsheet CSV: Swedish Excel exports, weights, BOM, quoting; errors name line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileErrors
from question_bank.formats.detect import detect_format, import_file
from tests.question_bank.conftest import DATA_DIR


def test_semicolon_csv_with_swedish_headers_quotes_and_multiline_cells() -> None:
    path = DATA_DIR / "rows_semicolon.csv"
    assert detect_format(path) == "csv"
    bank = import_file(path)
    assert bank.languages == ("sv",)
    first, second = bank.questions
    assert first.prompt == {"sv": "Vad är överanpassning?"}
    assert [(p.text, p.weight) for p in first.rubric] == [
        ("lär sig brus i träningsdatan", pytest.approx(2 / 3)),
        ("sämre på ny data", pytest.approx(1 / 3)),
    ]
    assert first.max_points == 2 and first.topics == ("Regularisering",)
    assert second.prompt["sv"] == 'Vad gör en "pooling"-operation, t.ex. max pooling?'
    assert second.max_points == 1.5  # Swedish decimal comma
    assert 1 <= len(second.rubric) <= 6  # proposed from the reference answer


def test_bad_rows_are_reported_by_line_and_column_and_nothing_imported() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_file(DATA_DIR / "rows_bad.csv")
    found = {(error.line, error.field) for error in caught.value.errors}
    assert found == {(4, "column 3 (key_points)"), (4, "column 4 (max_points)")}
    assert any("must be a positive number" in error.reason for error in caught.value.errors)


def test_bom_utf8_and_embedded_newlines(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_bytes(
        '\ufeffquestion,reference_answer\n"Förklara\nbackpropagation, kort.","Gradienter, lager för lager."\n'
        '"Vad är en epok?","Ett helt varv genom datan."\n'.encode()
    )
    bank = import_file(path)
    assert bank.question(1).prompt["sv"] == "Förklara\nbackpropagation, kort."
    assert bank.question(2).prompt["sv"] == "Vad är en epok?"


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text("question,answr\nVad?,Svar.\n", encoding="utf-8")
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    reasons = [(error.line, error.field, error.reason) for error in caught.value.errors]
    assert (
        1,
        "column 2",
        "unknown column 'answr' (known: question, reference_answer, key_points, max_points, topic, id)",
    ) in reasons
    assert any("missing required column 'reference_answer'" in reason for _, _, reason in reasons)


def test_empty_cells_are_errors_at_their_row(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text('question,reference_answer\n"Vad är ReLU?",""\n"","Ett svar."\n', encoding="utf-8")
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    found = {(error.line, error.field) for error in caught.value.errors}
    assert found == {(2, "column 2 (reference_answer)"), (3, "column 1 (question)")}
