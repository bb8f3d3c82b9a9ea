"""`tenta bank …` end to end: real files, the real catalog in a temporary data dir, real output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from question_bank.errors import TentaError
from question_bank.loader import BankCatalog, load_bank_file
from quiz.cli.main import app
from quiz.settings import Settings
from tests.conftest import SEED_EXAM
from tests.question_bank.conftest import DATA_DIR, sample_bank_data

runner = CliRunner()
TENTA = Path(sys.executable).parent / "tenta"


def _user_banks(settings: Settings) -> list[Path]:
    return sorted(settings.banks_dir.glob("*")) if settings.banks_dir.exists() else []


def test_list_shows_the_bundled_course(settings: Settings) -> None:
    result = runner.invoke(app, ["bank", "list"])
    assert result.exit_code == 0, result.output
    assert "dl-course" in result.output and "bundled" in result.output


def test_list_at_80_columns_shows_an_imported_banks_whole_path(settings: Settings) -> None:
    """The path is where the teacher edits the imported bank: before, it ended in '…' ('/tmp/h70/dat…')."""
    if not SEED_EXAM.exists():
        pytest.skip(f"seed exam not present at {SEED_EXAM}")
    assert runner.invoke(app, ["bank", "import", str(SEED_EXAM)]).exit_code == 0

    result = runner.invoke(app, ["bank", "list"], env={"COLUMNS": "80"})

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    sources = "".join(line.split("│")[6].strip() for line in lines if line.startswith("│"))
    (installed,) = [path for path in _user_banks(settings) if path.suffix == ".yaml"]
    assert sources.replace("bundled", "") == str(installed)


def test_import_dry_run_shows_the_seed_questions_and_writes_nothing(settings: Settings) -> None:
    if not SEED_EXAM.exists():
        pytest.skip(f"seed exam not present at {SEED_EXAM}")
    result = runner.invoke(app, ["bank", "import", str(SEED_EXAM), "--dry-run"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "12 questions" in result.output
    assert "Förklara vad nedanstående kod gör:" in result.output
    assert "dry run: nothing was written" in result.output
    assert _user_banks(settings) == []


def test_import_installs_and_then_show_and_export_work(settings: Settings, tmp_path: Path) -> None:
    source = DATA_DIR / "moodle_export_dl.gift.txt"
    result = runner.invoke(app, ["bank", "import", str(source), "--id", "dl-moodle", "--title", "DL Moodle"])
    assert result.exit_code == 0, result.output
    installed = settings.banks_dir / "dl-moodle.yaml"
    assert _user_banks(settings) == [installed]
    assert load_bank_file(installed).title == "DL Moodle"
    assert "dl-moodle" in BankCatalog(settings.banks_dir).bank_ids()

    shown = runner.invoke(app, ["bank", "show", "dl-moodle"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "prompt (sv): Vad gör Dropout under träningen?" in shown.output
    assert "multiple_choice" in shown.output and "[-50%] Tar bort lager permanent" in shown.output
    assert "topics: CNN" in shown.output

    gift_out = tmp_path / "out.gift"
    exported = runner.invoke(app, ["bank", "export", "dl-moodle", "--format", "gift", "--out", str(gift_out)])
    assert exported.exit_code == 0, exported.output
    assert "::dropout-mc::" in gift_out.read_text(encoding="utf-8")

    as_yaml = runner.invoke(app, ["bank", "export", "dl-moodle", "--format", "yaml"])
    assert yaml.safe_load(as_yaml.stdout)["id"] == "dl-moodle"


def test_show_prints_key_points_with_weights_of_the_bundled_bank(settings: Settings) -> None:
    result = runner.invoke(app, ["bank", "show", "dl-course", "--question", "6"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Vad är syftet med att regularisera en modell?" in result.output
    assert "%  " in result.output  # "• 40%  point text"


def test_show_states_the_exam_total_time_limit_and_grade_scale(settings: Settings, tmp_path: Path) -> None:
    bank = yaml.safe_load(runner.invoke(app, ["bank", "export", "dl-course", "--format", "yaml"]).stdout)
    bank.update(id="dl-timed", time_limit_minutes=240, grade_scale="ug-vg")
    path = tmp_path / "timed.yaml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["bank", "import", str(path)]).exit_code == 0

    shown = runner.invoke(app, ["bank", "show", "dl-timed", "-q", "1"], env={"COLUMNS": "200"})

    assert shown.exit_code == 0, shown.output
    total = sum(question["max_points"] for question in bank["questions"])
    assert f"{total:g} points in all · time limit 240 min (full exam) · grades U 0%" in shown.output
    assert "VG 75%" in shown.output


def test_bad_file_lists_every_problem_and_imports_nothing(settings: Settings, tmp_path: Path) -> None:
    result = runner.invoke(app, ["bank", "import", str(DATA_DIR / "broken.gift")])
    assert isinstance(result.exception, TentaError)
    assert "3 problems" in str(result.exception) and "nothing was imported" in str(result.exception)
    assert (
        "broken.gift:5: essay: essay question has no reference answer" in result.stderr
    )  # line, title, reason
    assert _user_banks(settings) == []


def test_validate_reports_ok_for_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(sample_bank_data()), encoding="utf-8")
    result = runner.invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "3 questions" in result.output


def test_import_refuses_to_shadow_the_bundled_bank(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "clash.yaml"
    path.write_text(yaml.safe_dump(sample_bank_data("dl-course")), encoding="utf-8")
    result = runner.invoke(app, ["bank", "import", str(path)])
    assert isinstance(result.exception, TentaError)
    assert "bundled bank" in str(result.exception)
    assert _user_banks(settings) == []


def test_reimport_keeps_the_imported_bank_unless_replace_is_given(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(sample_bank_data("mine")), encoding="utf-8")
    assert runner.invoke(app, ["bank", "import", str(path)]).exit_code == 0
    edited = {**sample_bank_data("mine"), "title": "Edited elsewhere"}
    path.write_text(yaml.safe_dump(edited), encoding="utf-8")
    refused = runner.invoke(app, ["bank", "import", str(path)])
    assert isinstance(refused.exception, TentaError)
    assert "already imported" in str(refused.exception) and "--replace" in str(refused.exception)
    assert load_bank_file(settings.banks_dir / "mine.yaml").title != "Edited elsewhere"
    replaced = runner.invoke(app, ["bank", "import", str(path), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert load_bank_file(settings.banks_dir / "mine.yaml").title == "Edited elsewhere"


def test_import_with_id_titles_a_moodle_export_by_its_category_unless_title_is_given(
    settings: Settings, tmp_path: Path
) -> None:
    """A GIFT export of Moodle category 'Faltning' imported under --id is titled 'Faltning' (was: the file
    name, 'questions-DL101-Faltning-20240512-0930'); --title still wins."""
    path = tmp_path / "questions-DL101-Faltning-20240512-0930.txt"
    path.write_text(
        "$CATEGORY: $course$/top/Standard för DL101/Faltning\n\n"
        "::kanaler::Hur många kanaler har en RGB-bild? {#3}\n\n"
        "::pool::Vad kallas operationen som tar största värdet i ett fönster? {=max pooling}\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["bank", "import", str(path), "--id", "faltning"])
    assert imported.exit_code == 0, imported.output
    assert load_bank_file(settings.banks_dir / "faltning.yaml").title == "Faltning"
    titled = runner.invoke(app, ["bank", "import", str(path), "--id", "cnn", "--title", "CNN, vecka 3"])
    assert titled.exit_code == 0, titled.output
    assert load_bank_file(settings.banks_dir / "cnn.yaml").title == "CNN, vecka 3"


def test_schema_is_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bank", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Bank"


def test_real_command_prints_one_line_error_and_exits_1(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: x\ntitle: y\nquestions:\n  - id: q1\n    prompt: {sv: Vad är det}\n", encoding="utf-8"
    )
    completed = subprocess.run(
        [str(TENTA), "bank", "validate", str(path)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"error: {path}:4: questions[0].reference_answer: free-text question needs a reference answer"
    ]
    assert "Traceback" not in completed.stderr


MOODLE_EXPORT_WITH_UNSUPPORTED = """\
::relu:: Is ReLU non-linear? {T}

::opinion:: What do you think of dropout? {}

::essay:: Explain backpropagation. {}
"""


def test_unsupported_questions_refuse_the_file_unless_skipped_by_name(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "moodle.gift"
    path.write_text(MOODLE_EXPORT_WITH_UNSUPPORTED, encoding="utf-8")
    refused = runner.invoke(app, ["bank", "import", str(path)])
    assert isinstance(refused.exception, TentaError)
    assert "2 problems" in str(refused.exception) and "--skip-unsupported" in refused.stderr
    assert _user_banks(settings) == []

    imported = runner.invoke(app, ["bank", "import", str(path), "--skip-unsupported"])
    assert imported.exit_code == 0, imported.output
    assert "(1 questions)" in imported.stdout
    assert "skipped" in imported.stderr and "moodle.gift:3: opinion: essay question has no" in imported.stderr
    assert "moodle.gift:5: essay: essay question has no reference answer" in imported.stderr
    assert "--skip-unsupported" not in imported.stderr  # no advice to do what was just done
    assert len(_user_banks(settings)) == 1


def test_skipping_unsupported_questions_never_skips_real_errors(settings: Settings) -> None:
    result = runner.invoke(app, ["bank", "import", str(DATA_DIR / "broken.gift"), "--skip-unsupported"])
    assert isinstance(result.exception, TentaError)
    assert "2 problems" in str(result.exception)  # the essay without model answer skipped, the errors stay
    assert _user_banks(settings) == []
