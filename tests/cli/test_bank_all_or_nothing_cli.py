"""An all-or-nothing QTI item end to end: `tenta bank import` keeps the flag, `tenta bank show` says it,
the native export keeps it silently, and a GIFT export warns on stderr that Moodle will give part marks."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from quiz.cli.main import app
from quiz.settings import Settings

runner = CliRunner()

MATCH_CORRECT_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="activations"
  title="Activations" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
    <correctResponse><value>A</value><value>C</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" maxChoices="0">
      <prompt>Which are activation functions?</prompt>
      <simpleChoice identifier="A">ReLU</simpleChoice>
      <simpleChoice identifier="B">Adam</simpleChoice>
      <simpleChoice identifier="C">tanh</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>"""


def test_all_or_nothing_survives_import_show_and_export(settings: Settings, tmp_path: Path) -> None:
    item = tmp_path / "activations.xml"
    item.write_text(MATCH_CORRECT_ITEM, encoding="utf-8")
    imported = runner.invoke(app, ["bank", "import", str(item), "--id", "aon", "--title", "AoN"])
    assert imported.exit_code == 0, imported.output
    assert yaml.safe_load((settings.banks_dir / "aon.yaml").read_text(encoding="utf-8"))["questions"][0][
        "all_or_nothing"
    ]

    shown = runner.invoke(app, ["bank", "show", "aon"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "multiple_choice (all or nothing: exactly the correct choices), 1 p" in shown.output
    assert "[+50%] ReLU" in shown.output and "[+0%] Adam" in shown.output

    native = runner.invoke(app, ["bank", "export", "aon", "--format", "yaml"])
    assert native.exit_code == 0 and native.stderr == ""
    assert yaml.safe_load(native.stdout)["questions"][0]["all_or_nothing"] is True

    gift_file = tmp_path / "aon.gift"
    gift = runner.invoke(app, ["bank", "export", "aon", "--format", "gift", "--out", str(gift_file)])
    assert gift.exit_code == 0, gift.output
    assert "~%-100%Adam" in gift_file.read_text(encoding="utf-8")
    assert gift.stderr.splitlines() == [
        "warning: question activations is all or nothing, which GIFT cannot say: Moodle's multiple choice "
        "gives part of the points for some of the correct choices"
    ]
