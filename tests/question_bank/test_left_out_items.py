"""Items that are no questions (Moodle descriptions, GIFT descriptions, QTI text-only items) are left out
of the bank without refusing the file, and each is named in the notes so the teacher knows."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from question_bank.formats.detect import import_file
from quiz.cli.main import app
from quiz.settings import Settings

runner = CliRunner()

# A Moodle 4.x export with a description between two questions (shape of Moodle's own
# question/type/description export: name, questiontext, defaultgrade 0, idnumber).
MOODLE_WITH_DESCRIPTION = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Default for DL101/CNN</text></category>
    <info format="html"><text></text></info>
    <idnumber></idnumber>
  </question>
<!-- question: 201  -->
  <question type="description">
    <name><text>Läs först</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Frågorna nedan gäller nätverket i figur 1.</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>0.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
<!-- question: 202  -->
  <question type="truefalse">
    <name><text>Pooling</text></name>
    <questiontext format="html"><text><![CDATA[<p>Minskar max pooling den rumsliga upplösningen?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber>cnn-pool</idnumber>
    <answer fraction="100" format="moodle_auto_format"><text>true</text>
      <feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text>
      <feedback format="html"><text></text></feedback></answer>
  </question>
</quiz>
"""


def test_moodle_description_is_left_out_and_named(tmp_path: Path) -> None:
    path = tmp_path / "questions-DL101-20251126-0912.xml"
    path.write_text(MOODLE_WITH_DESCRIPTION, encoding="utf-8")
    notes: list[str] = []
    bank = import_file(path, notes=notes)
    assert [question.id for question in bank.questions] == ["cnn-pool"]
    assert notes == [
        f"{path}:10: Läs först: a description (text shown between questions, nothing to answer) is not a "
        "question; left out"
    ]
    assert import_file(path).questions == bank.questions  # without a notes list: the same bank


def test_gift_description_is_left_out_and_named(tmp_path: Path) -> None:
    path = tmp_path / "quiz.gift"
    path.write_text(
        "::Intro:: Questions 1-2 are about figure 1.\n\n::Q1:: Does max pooling downsample? {T}\n",
        encoding="utf-8",
    )
    notes: list[str] = []
    bank = import_file(path, notes=notes)
    assert [question.id for question in bank.questions] == ["Q1"]
    assert len(notes) == 1 and notes[0].startswith(f"{path}:1: Intro: a description")


def test_canvas_text_only_item_is_left_out_and_named(tmp_path: Path) -> None:
    path = tmp_path / "assessment.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="a1" title="Quiz 1"><section ident="root_section">
    <item ident="i1" title="Instruktioner">
      <itemmetadata><qtimetadata>
        <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>text_only_question</fieldentry>
        </qtimetadatafield></qtimetadata></itemmetadata>
      <presentation><material><mattext texttype="text/html">Read figure 1.</mattext></material></presentation>
    </item>
    <item ident="i2" title="Pooling">
      <itemmetadata><qtimetadata>
        <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>true_false_question</fieldentry>
        </qtimetadatafield></qtimetadata></itemmetadata>
      <presentation><material><mattext texttype="text/html">Does max pooling downsample?</mattext></material>
        <response_lid ident="response1" rcardinality="Single"><render_choice>
          <response_label ident="1"><material><mattext texttype="text/plain">True</mattext></material>
          </response_label>
          <response_label ident="2"><material><mattext texttype="text/plain">False</mattext></material>
          </response_label></render_choice></response_lid></presentation>
      <resprocessing>
        <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
        <respcondition continue="No"><conditionvar><varequal respident="response1">1</varequal></conditionvar>
          <setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>
    </item>
  </section></assessment>
</questestinterop>
""",
        encoding="utf-8",
    )
    notes: list[str] = []
    bank = import_file(path, notes=notes)
    assert [question.id for question in bank.questions] == ["i2"]
    assert notes == [
        f"{path}:4: item 'i1' (Instruktioner): an item with nothing to answer (text shown between "
        "questions) is not a question; left out"
    ]


def test_cli_import_names_the_description_on_stderr(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "dl101.xml"
    path.write_text(MOODLE_WITH_DESCRIPTION, encoding="utf-8")
    result = runner.invoke(app, ["bank", "import", str(path), "--dry-run"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Läs först: a description" in result.stderr and "left out" in result.stderr
    assert "1 questions" in result.stdout or "1 question" in result.stdout


def test_moodle_random_question_placeholder_is_left_out_and_named(tmp_path: Path) -> None:
    """Older Moodle exports list a quiz's 'random question' slots (type random: draw one from the
    category); they are no questions, so they are named and left out without refusing the file."""
    random_slot = """<question type="random">
    <name><text>Random (CNN)</text></name>
    <questiontext format="html"><text>0</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
  </question>
"""
    path = tmp_path / "quiz.xml"
    path.write_text(MOODLE_WITH_DESCRIPTION.replace("</quiz>", random_slot + "</quiz>"), encoding="utf-8")
    notes: list[str] = []
    bank = import_file(path, notes=notes)
    assert [question.id for question in bank.questions] == ["cnn-pool"]
    assert len(notes) == 2 and "Random (CNN): a random-question placeholder" in notes[1]
