"""Drag-and-drop matching (the qtype_ddmatch plugin) in a Moodle course backup (was: 'a matching question
without items to match'). The backups are written here in the layout the plugin's backup code gives them
(backup/moodle2/backup_qtype_ddmatch_plugin.class.php in jmvedrine/moodle-qtype_ddmatch, GPL: only the
element names are taken): `<plugin_qtype_ddmatch_question>` holding `<matchoptions>` (shuffleanswers
and the combined feedback) and `<matches><match>` with questiontext, questiontextformat, answertext and
answertextformat. Each is checked against the Moodle XML export of the same question, which the plugin
writes as `<question type="ddmatch">` with `<subquestion>`s."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from question_bank.formats.detect import import_file
from question_bank.models import Question

DDMATCH_PLUGIN = """<plugin_qtype_ddmatch_question>
  <matchoptions id="9">
    <shuffleanswers>1</shuffleanswers>
    <correctfeedback>&lt;p&gt;All in the right class.&lt;/p&gt;</correctfeedback>
    <correctfeedbackformat>1</correctfeedbackformat>
    <partiallycorrectfeedback>&lt;p&gt;Some are right.&lt;/p&gt;</partiallycorrectfeedback>
    <partiallycorrectfeedbackformat>1</partiallycorrectfeedbackformat>
    <incorrectfeedback></incorrectfeedback>
    <incorrectfeedbackformat>1</incorrectfeedbackformat>
    <shownumcorrect>1</shownumcorrect>
  </matchoptions>
  <matches>
    <match id="31">
      <questiontext>&lt;p&gt;Frog&lt;/p&gt;</questiontext>
      <questiontextformat>1</questiontextformat>
      <answertext>&lt;p&gt;&lt;b&gt;Amphibian&lt;/b&gt;&lt;/p&gt;</answertext>
      <answertextformat>1</answertextformat>
    </match>
    <match id="32">
      <questiontext>&lt;p&gt;Cat&lt;/p&gt;</questiontext>
      <questiontextformat>1</questiontextformat>
      <answertext>&lt;p&gt;Mammal&lt;/p&gt;</answertext>
      <answertextformat>1</answertextformat>
    </match>
    <match id="33">
      <questiontext>&lt;p&gt;Newt&lt;/p&gt;</questiontext>
      <questiontextformat>1</questiontextformat>
      <answertext>&lt;p&gt;&lt;b&gt;Amphibian&lt;/b&gt;&lt;/p&gt;</answertext>
      <answertextformat>1</answertextformat>
    </match>
    <match id="34">
      <questiontext></questiontext>
      <questiontextformat>1</questiontextformat>
      <answertext>Insect</answertext>
      <answertextformat>0</answertextformat>
    </match>
  </matches>
</plugin_qtype_ddmatch_question>"""

QUESTION_HEAD = """<parent>0</parent>
<name>Animal classes</name>
<questiontext>&lt;p&gt;Drag each animal to its class.&lt;/p&gt;</questiontext>
<questiontextformat>1</questiontextformat>
<generalfeedback>&lt;p&gt;Amphibians live on land and in water.&lt;/p&gt;</generalfeedback>
<generalfeedbackformat>1</generalfeedbackformat>
<defaultmark>3.0000000</defaultmark>
<qtype>ddmatch</qtype>"""

HINTS = """<question_hints>
  <question_hint id="4"><hint>&lt;p&gt;Which of them lay eggs in water?&lt;/p&gt;</hint>
  <hintformat>1</hintformat></question_hint>
</question_hints>"""

MOODLE_3_QUESTIONS = f"""<?xml version="1.0" encoding="UTF-8"?>
<question_categories>
  <question_category id="20">
    <name>top</name>
    <parent>0</parent>
    <questions></questions>
  </question_category>
  <question_category id="21">
    <name>Biology</name>
    <parent>20</parent>
    <questions>
      <question id="700">
{QUESTION_HEAD}
{DDMATCH_PLUGIN}
{HINTS}
      </question>
    </questions>
  </question_category>
</question_categories>
"""

MOODLE_4_QUESTIONS = f"""<?xml version="1.0" encoding="UTF-8"?>
<question_categories>
  <question_category id="21">
    <name>Biology</name>
    <parent>0</parent>
    <question_bank_entries>
      <question_bank_entry id="71">
        <idnumber>$@NULL@$</idnumber>
        <question_version>
          <question_versions id="101">
            <version>1</version>
            <status>ready</status>
            <questions>
              <question id="700">
{QUESTION_HEAD}
<idnumber>$@NULL@$</idnumber>
{DDMATCH_PLUGIN}
{HINTS}
              </question>
            </questions>
          </question_versions>
        </question_version>
      </question_bank_entry>
    </question_bank_entries>
  </question_category>
</question_categories>
"""

EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Biology</text></category></question>
  <question type="ddmatch">
    <name><text>Animal classes</text></name>
    <questiontext format="html"><text><![CDATA[<p>Drag each animal to its class.</p>]]></text></questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Amphibians live on land and in water.</p>]]></text>
    </generalfeedback>
    <defaultgrade>3.0000000</defaultgrade>
    <shuffleanswers>true</shuffleanswers>
    <correctfeedback format="html"><text><![CDATA[<p>All in the right class.</p>]]></text></correctfeedback>
    <partiallycorrectfeedback format="html"><text><![CDATA[<p>Some are right.</p>]]></text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html"><text></text></incorrectfeedback>
    <shownumcorrect/>
    <subquestion format="html"><text><![CDATA[<p>Frog</p>]]></text>
      <answer format="html"><text><![CDATA[<p><b>Amphibian</b></p>]]></text></answer></subquestion>
    <subquestion format="html"><text><![CDATA[<p>Cat</p>]]></text>
      <answer format="html"><text><![CDATA[<p>Mammal</p>]]></text></answer></subquestion>
    <subquestion format="html"><text><![CDATA[<p>Newt</p>]]></text>
      <answer format="html"><text><![CDATA[<p><b>Amphibian</b></p>]]></text></answer></subquestion>
    <subquestion format="html"><text></text>
      <answer format="html"><text>Insect</text></answer></subquestion>
    <hint format="html"><text><![CDATA[<p>Which of them lay eggs in water?</p>]]></text></hint>
  </question>
</quiz>
"""
"""The same question as the plugin's Moodle XML export writes it (questiontype.php export_to_xml)."""


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _mbz(path: Path, questions: str) -> Path:
    """A .mbz (gzipped tar) holding this questions.xml, as Moodle 2.6+ writes a course backup."""
    with tarfile.open(path, "w:gz") as archive:
        for name, content in (
            ("moodle_backup.xml", b"<moodle_backup/>"),
            ("questions.xml", questions.encode()),
        ):
            member = tarfile.TarInfo(name)
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    return path


def _exported(tmp_path: Path) -> list[Question]:
    return list(import_file(_written(tmp_path / "export.xml", EXPORT)).questions)


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_a_ddmatch_question_in_a_moodle_3_backup_imports_as_its_moodle_xml_export(tmp_path: Path) -> None:
    path = _written(tmp_path / "questions.xml", MOODLE_3_QUESTIONS)
    notes: list[str] = []
    frog, cat, newt = import_file(path, notes=notes).questions
    assert [frog, cat, newt] == _exported(tmp_path)
    assert frog.prompt == {"en": "Drag each animal to its class.\n\nFrog → _____"}
    assert [(c.text, c.fraction) for c in cat.choices] == [
        ("Amphibian", 0.0),
        ("Mammal", 1.0),
        ("Insect", 0.0),
    ]
    assert [c.text for c in newt.choices if c.fraction > 0] == ["Amphibian"]
    assert (frog.max_points, frog.topics) == (1.0, ("Biology",))
    assert frog.outcome_feedback is not None and frog.outcome_feedback.partially_correct == "Some are right."
    assert frog.hints == ("Which of them lay eggs in water?",)
    line = _line_of(MOODLE_3_QUESTIONS, '<question id="700">')
    assert notes == [
        f"{path}:{line}: Animal classes: a drag-and-drop matching question with 3 items: imported as 3 "
        "questions, one per item, each asking it as _____ and worth its points"
    ]


def test_a_ddmatch_question_in_a_moodle_4_mbz_imports_as_its_moodle_xml_export(tmp_path: Path) -> None:
    path = _mbz(tmp_path / "backup-moodle2-course-biology.mbz", MOODLE_4_QUESTIONS)
    assert list(import_file(path).questions) == _exported(tmp_path)


@pytest.mark.parametrize(
    ("kind", "plugin"),
    [
        ("ddmatch", ""),  # backed up where the plugin was not installed: the question without its data
        ("ddmatch", "<plugin_qtype_ddmatch_question><matches></matches></plugin_qtype_ddmatch_question>"),
        ("match", "<plugin_qtype_match_question><matchoptions id='1'/></plugin_qtype_match_question>"),
    ],
)
def test_a_matching_question_whose_backup_lacks_its_pairs_is_an_error_naming_file_question_and_field(
    tmp_path: Path, kind: str, plugin: str
) -> None:
    questions = MOODLE_3_QUESTIONS.replace(DDMATCH_PLUGIN, plugin).replace(
        "<qtype>ddmatch</qtype>", f"<qtype>{kind}</qtype>"
    )
    path = _written(tmp_path / "questions.xml", questions)
    with pytest.raises(InputFileError) as raised:
        import_file(path)
    error = raised.value
    label = "drag-and-drop matching" if kind == "ddmatch" else "matching"
    assert (error.path, error.line, error.field) == (
        path,
        _line_of(questions, '<question id="700">'),
        "Animal classes",
    )
    assert error.reason == (
        f"this {label} question has no pairs in the backup (no <plugin_qtype_{kind}_question><matches>"
        f"<match>; was the qtype_{kind} plugin installed on the site that made it?)"
    )
