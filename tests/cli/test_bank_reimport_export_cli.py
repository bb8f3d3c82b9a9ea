"""`tenta bank export` to GIFT or Moodle XML and `tenta bank import` of that file: the bank comes back under
its own title, id and version (the export's header comment names them), --id and --title still win."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from question_bank.errors import TentaError
from question_bank.loader import load_bank_file
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.conftest import sample_bank_data

runner = CliRunner()


@pytest.mark.parametrize(("format_name", "suffix"), [("gift", ".gift"), ("moodle-xml", ".xml")])
def test_an_exported_bank_imports_again_under_its_own_names(
    settings: Settings, tmp_path: Path, format_name: str, suffix: str
) -> None:
    """Every question's first topic is 'Regularisering', the category the export puts them all in; before,
    that category titled the imported bank and the file name gave its id."""
    data = {**sample_bank_data("dl101-v4", version="3"), "title": "DL101 vecka 4"}
    for question in data["questions"]:
        question["topics"] = ["Regularisering"]
    source = tmp_path / "dl101-v4.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["bank", "import", str(source)]).exit_code == 0
    exported = tmp_path / f"regularisering{suffix}"
    export = runner.invoke(app, ["bank", "export", "dl101-v4", "-f", format_name, "-o", str(exported)])
    assert export.exit_code == 0, export.output

    same_id = runner.invoke(app, ["bank", "import", str(exported)])
    assert isinstance(same_id.exception, TentaError)
    assert "'dl101-v4' is already imported" in str(same_id.exception)
    replaced = runner.invoke(app, ["bank", "import", str(exported), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    again = load_bank_file(settings.banks_dir / "dl101-v4.yaml")
    assert (again.title, again.version) == ("DL101 vecka 4", "3")

    beside = runner.invoke(app, ["bank", "import", str(exported), "--id", "dl101-v4-copy"])
    assert beside.exit_code == 0, beside.output
    assert load_bank_file(settings.banks_dir / "dl101-v4-copy.yaml").title == "DL101 vecka 4"
    titled = runner.invoke(app, ["bank", "import", str(exported), "--id", "omtenta", "--title", "Omtenta"])
    assert titled.exit_code == 0, titled.output
    assert load_bank_file(settings.banks_dir / "omtenta.yaml").title == "Omtenta"
