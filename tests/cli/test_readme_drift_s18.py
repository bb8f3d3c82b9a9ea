"""README drift found by trying the CLI reference and the Configuration section as a new teacher would
(session 18): real files in a temporary data dir, the real catalog and settings, typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from question_bank.errors import TentaError
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.conftest import sample_bank_data

runner = CliRunner()


def _bank_file(tmp_path: Path, bank_id: str, **changes: object) -> Path:
    path = tmp_path / f"{bank_id}.yaml"
    path.write_text(yaml.safe_dump({**sample_bank_data(bank_id), **changes}), encoding="utf-8")
    return path


# --- tenta bank import --dry-run --------------------------------------------------------------------


def test_dry_run_refuses_an_id_already_imported(settings: Settings, tmp_path: Path) -> None:
    """Before, the dry run showed the table and exited 0, and the real import then said 'already imported'."""
    path = _bank_file(tmp_path, "mine")
    assert runner.invoke(app, ["bank", "import", str(path)]).exit_code == 0

    dry = runner.invoke(app, ["bank", "import", str(path), "--dry-run"])

    assert dry.exit_code == 1
    assert isinstance(dry.exception, TentaError)
    assert "'mine' is already imported" in str(dry.exception) and "--replace" in str(dry.exception)
    replacing = runner.invoke(app, ["bank", "import", str(path), "--dry-run", "--replace"])
    assert replacing.exit_code == 0, replacing.output
    assert f"the import would write {settings.banks_dir / 'mine.yaml'}" in replacing.output.replace("\n", "")


def test_dry_run_refuses_a_bundled_banks_id(settings: Settings, tmp_path: Path) -> None:
    """An export of the bundled course imported back as it is: the import refuses it, so must the dry run."""
    path = _bank_file(tmp_path, "dl-course")

    dry = runner.invoke(app, ["bank", "import", str(path), "--dry-run"])

    assert dry.exit_code == 1
    assert "belongs to a bundled bank" in str(dry.exception)
    assert not settings.banks_dir.exists() or not any(settings.banks_dir.iterdir())


def test_dry_run_reads_the_media_the_bank_lists(settings: Settings, tmp_path: Path) -> None:
    """A picture the file lists but does not carry refused the import only after a clean dry run."""
    data = sample_bank_data("pictures")
    data["questions"][0]["media"] = ["graph.png"]
    path = tmp_path / "pictures.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    dry = runner.invoke(app, ["bank", "import", str(path), "--dry-run"])
    real = runner.invoke(app, ["bank", "import", str(path)])

    assert dry.exit_code == real.exit_code == 1
    assert str(dry.exception) == str(real.exception)
    assert "graph.png" in str(dry.exception)


# --- config.toml ------------------------------------------------------------------------------------


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TENTA_DEFAULT_BANK", raising=False)
    monkeypatch.delenv("TENTA_REVIEW_THRESHOLD", raising=False)
    path = tmp_path / "config" / "tenta" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '# my settings\nTENTA_DEFAULT_BANK = "mine"\n',
            ":2: TENTA_DEFAULT_BANK: not a setting; did you mean default_bank? config.toml takes ",
        ),
        ("theme = 'textual-light'\nreveiw_threshold = 0.5\n", ":2: reveiw_threshold: not a setting; did "),
    ],
)
def test_a_config_key_that_is_no_setting_is_refused_with_file_and_line(
    config_file: Path, toml: str, message: str
) -> None:
    """Before, both files were read without a word and the defaults (dl-course, 0.2) stayed in force."""
    config_file.write_text(toml, encoding="utf-8")

    result = runner.invoke(app, ["student", "list"])

    assert result.exit_code == 1
    assert isinstance(result.exception, TentaError)
    assert str(result.exception).startswith(f"{config_file}{message}")


def test_a_bad_config_value_names_its_line(config_file: Path) -> None:
    config_file.write_text('theme = "textual-light"\n\nleech_action = "delete"\n', encoding="utf-8")

    result = runner.invoke(app, ["student", "list"])

    assert str(result.exception) == f"{config_file}:3: leech_action: Input should be 'suspend' or 'tag'"


def test_the_config_keys_the_readme_names_are_read(config_file: Path, tmp_path: Path) -> None:
    config_file.write_text('default_bank = "mine"\nreview_threshold = 0.5\n', encoding="utf-8")

    settings = Settings()

    assert (settings.default_bank, settings.review_threshold) == ("mine", 0.5)


def test_another_tools_table_in_config_toml_is_left_alone(config_file: Path) -> None:
    config_file.write_text('default_bank = "mine"\n\n[other-tool]\ncolour = "red"\n', encoding="utf-8")

    assert Settings().default_bank == "mine"


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        (
            "--id",
            "DL 101!",
            "a bank id is letters, digits, '.', '_' and '-', starting with a letter or digit",
        ),
        ("--id", "../elsewhere", "a bank id is letters, digits, '.', '_' and '-', starting with a letter"),
        ("--title", "  ", "String should have at least 1 character"),
    ],
)
def test_a_bad_id_or_title_is_named_by_its_option_and_value(
    settings: Settings, tmp_path: Path, option: str, value: str, reason: str
) -> None:
    """Before: "invalid --id/--title: String should match pattern '^[A-Za-z0-9][A-Za-z0-9_.\\-]*$'"."""
    path = _bank_file(tmp_path, "mine")

    result = runner.invoke(app, ["bank", "import", str(path), option, value])

    assert result.exit_code == 1
    assert str(result.exception).startswith(f"{option} {value!r}: {reason}")
    assert not settings.banks_dir.exists() or not any(settings.banks_dir.iterdir())


# --- tenta progress ---------------------------------------------------------------------------------


@pytest.mark.parametrize("topics", [["cnn"], ["no-such-topic"]])
def test_progress_refuses_topics_together_with_all_topics(settings: Settings, topics: list[str]) -> None:
    """Before, --all-topics won without a word (exit 0, 'Covers the whole exam'), even over a topic the
    bank does not have."""
    options = [part for name in topics for part in ("--topic", name)]

    result = runner.invoke(app, ["progress", "--bank", "dl-course", "--all-topics", *options])

    assert result.exit_code == 1
    assert (
        str(result.exception)
        == f"give --topic ({', '.join(topics)}) or --all-topics (the whole exam), not both"
    )


def test_progress_with_all_topics_alone_covers_the_whole_exam(settings: Settings) -> None:
    result = runner.invoke(app, ["progress", "--bank", "dl-course", "--all-topics"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "Covers the whole exam: 12 questions, all topics." in result.output


# --- tenta student add ------------------------------------------------------------------------------


def test_student_add_refuses_an_id_that_is_another_students(settings: Settings) -> None:
    """Before: 'Student Anna Öberg (anna@uni.se).', exit 0, and no Erik Lind."""
    assert runner.invoke(app, ["student", "add", "Anna Öberg", "--id", "anna@uni.se"]).exit_code == 0

    result = runner.invoke(app, ["student", "add", "Erik Lind", "--id", "anna@uni.se"])

    assert result.exit_code == 1
    assert str(result.exception) == (
        "--id 'anna@uni.se' is already Anna Öberg's; 'Erik Lind' was not added "
        "(give their own id, or leave --id out)"
    )
    listed = runner.invoke(app, ["student", "list"], env={"COLUMNS": "120"})
    assert "Erik Lind" not in listed.output and "Anna Öberg" in listed.output


@pytest.mark.parametrize("name", ["Anna Öberg", "anna öberg", "Anna O\u0308berg"])
def test_student_add_with_the_students_own_id_finds_them(settings: Settings, name: str) -> None:
    assert runner.invoke(app, ["student", "add", "Anna Öberg", "--id", "anna@uni.se"]).exit_code == 0

    again = runner.invoke(app, ["student", "add", name, "--id", "anna@uni.se"])

    assert again.exit_code == 0, again.output
    assert again.output == "Student Anna Öberg (anna@uni.se).\n"
