"""`tenta bank validate/import` on Excel workbooks: real .xlsx files, the real catalog, the real command."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from question_bank.errors import TentaError
from question_bank.loader import load_bank_file
from quiz.cli.main import app
from quiz.settings import Settings

runner = CliRunner()
TENTA = Path(sys.executable).parent / "tenta"


def bank_workbook(path: Path, *, broken: bool = False) -> Path:
    """An instructions sheet, then the questions: header, numbers, a date, a two-line answer."""
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = "Instruktioner"
    instructions.append(["Skriv en fråga per rad på bladet Frågor."])
    questions = workbook.create_sheet("Frågor")
    questions.append(["Fråga", "Svar", "Poäng", "Ämne"])
    questions.append(["Vad är dropout?", "Slumpvisa neuroner stängs av.\nDet minskar överanpassning.", 2.0])
    questions.append(["Vad är en epok?", "Ett varv genom hela träningsdatat.", 1, datetime(2024, 3, 4)])
    if broken:
        questions.append(["Vad är en batch?", None, "många"])
    questions["K200"].number_format = "0.00"
    workbook.save(path)
    return path


def test_validate_and_import_a_workbook_naming_the_sheet_read(settings: Settings, tmp_path: Path) -> None:
    path = bank_workbook(tmp_path / "dl_tenta.xlsx")

    validated = runner.invoke(app, ["bank", "validate", str(path)])
    assert validated.exit_code == 0, validated.output
    assert "OK" in validated.stdout and "2 questions" in validated.stdout
    assert "dl_tenta.xlsx: read sheet 'Frågor' (other sheets: 'Instruktioner')" in validated.stderr

    imported = runner.invoke(app, ["bank", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    bank = load_bank_file(settings.banks_dir / "dl-tenta.yaml")
    assert [question.max_points for question in bank.questions] == [2, 1]
    assert bank.questions[1].topics == ("2024-03-04",)


def test_a_bad_workbook_lists_each_problem_by_sheet_row_and_column_and_imports_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    path = bank_workbook(tmp_path / "dl_tenta.xlsx", broken=True)

    result = runner.invoke(app, ["bank", "import", str(path)])

    assert isinstance(result.exception, TentaError)
    assert "2 problems" in str(result.exception) and "nothing was imported" in str(result.exception)
    assert f"{path}:4: sheet 'Frågor', column B (reference_answer): free-text" in result.stderr
    assert f"{path}:4: sheet 'Frågor', column C (max_points): 'många' is not a number" in result.stderr
    assert not settings.banks_dir.exists() or list(settings.banks_dir.iterdir()) == []


def test_real_command_on_an_old_xls_file_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "tenta.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    completed = subprocess.run(
        [str(TENTA), "bank", "validate", str(path)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"error: {path}: is an Excel 97-2003 .xls workbook, which tenta does not read: "
        "open it and save it as .xlsx or as CSV (UTF-8)"
    ]
