"""QTI export of an essay's right/wrong feedback: kept as Inspera's FEEDBACK modalFeedbacks and read back.

A Moodle essay carries correct / partially correct / incorrect feedback (tenta keeps it as the question's
outcome feedback); the QTI export left it out ('an essay is scored by hand'), so a bank moved to Inspera
and back lost it."""

from __future__ import annotations

from pathlib import Path

from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.moodle_xml import import_moodle_xml
from question_bank.formats.qti_export import QTI_NAMESPACE, assessment_item, write_qti_package

QTI = f"{{{QTI_NAMESPACE}}}"

MOODLE_ESSAY = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="essay">
    <name><text>Dropout</text></name>
    <questiontext format="html"><text><![CDATA[<p>Förklara dropout.</p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Se kapitel 7.</p>]]></text></generalfeedback>
    <defaultgrade>4</defaultgrade>
    <idnumber>dropout</idnumber>
    <graderinfo format="html">
      <text><![CDATA[<p>Slumpvisa neuroner stängs av under träning.</p>]]></text>
    </graderinfo>
    <correctfeedback format="html">
      <text><![CDATA[<p>Bra: båda delarna finns med.</p>]]></text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text><![CDATA[<p>Nästan: vad händer vid inferens?</p>]]></text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text><![CDATA[<p>Läs avsnitt 7.2 igen.</p>]]></text>
    </incorrectfeedback>
  </question>
</quiz>
"""


def _moodle_essay(tmp_path: Path) -> Path:
    path = tmp_path / "essay.xml"
    path.write_text(MOODLE_ESSAY, encoding="utf-8")
    return path


def test_an_essays_right_partly_right_and_wrong_feedback_survive_qti_export_and_import(
    tmp_path: Path,
) -> None:
    bank = import_moodle_xml(_moodle_essay(tmp_path))
    essay = bank.questions[0]
    assert essay.outcome_feedback is not None and essay.outcome_feedback.incorrect == "Läs avsnitt 7.2 igen."
    out = tmp_path / "essay.zip"
    write_qti_package(bank, out)
    again = import_file(out).questions[0]
    assert again.type.value == "free_text"
    assert again.outcome_feedback == essay.outcome_feedback
    assert again.general_feedback == "Se kapitel 7."
    assert again.reference_in("sv") == essay.reference_in("sv")


def test_the_essay_item_shows_each_text_through_insperas_feedback_outcome(tmp_path: Path) -> None:
    bank = import_moodle_xml(_moodle_essay(tmp_path))
    item = assessment_item(bank, bank.questions[0])
    shown = {
        (modal.get("outcomeIdentifier"), modal.get("identifier")): "".join(modal.itertext())
        for modal in item.iter("modalFeedback")
    }
    assert shown == {
        ("GENERAL_FEEDBACK", "GENERAL"): "Se kapitel 7.",
        ("FEEDBACK", "feedback_correct"): "Bra: båda delarna finns med.",
        ("FEEDBACK", "feedback_partially_correct"): "Nästan: vad händer vid inferens?",
        ("FEEDBACK", "feedback_wrong"): "Läs avsnitt 7.2 igen.",
    }


def test_the_export_no_longer_says_the_essays_feedback_is_left_out(tmp_path: Path) -> None:
    bank = import_moodle_xml(_moodle_essay(tmp_path))
    assert not [loss for loss in export_losses(bank, "qti") if "feedback" in loss]
