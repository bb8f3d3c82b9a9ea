"""A numerical answer whose number is right and whose unit is not reads the unit verdict in the language of
the rest of the grader's comment: '3,5 kg' to a Swedish question about litres reads 'Talet är rätt men
enheten …' under 'Poäng … av …', as its score line and every other sentence the grader writes for a Swedish
answer already did (grading.feedback_wording); an English answer reads the English verdict as before. The
question is a Moodle XML file as Moodle's exporter writes a numerical question with units, graded by the real
Grader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from question_bank.formats.detect import import_file
from question_bank.models import Question

if TYPE_CHECKING:
    from grading.embedder import Embedder
    from grading.grader import Grader

BUCKET = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name>
      <text>Hinken</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Hur mycket vatten rymmer hinken? Svara med enhet.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>hinken</idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>3.5</text>
      <feedback format="html">
        <text>Rätt.</text>
      </feedback>
      <tolerance>0.05</tolerance>
    </answer>
<units>
  <unit>
    <multiplier>1</multiplier>
    <unit_name>l</unit_name>
  </unit>
  <unit>
    <multiplier>10</multiplier>
    <unit_name>dl</unit_name>
  </unit>
</units>
    <unitgradingtype>1</unitgradingtype>
    <unitpenalty>0.2000000</unitpenalty>
    <showunits>0</showunits>
    <unitsleft>0</unitsleft>
  </question>
</quiz>
"""


@pytest.fixture(scope="module")
def minilm_grader(minilm_embedder: Embedder) -> Grader:
    from grading.grader import Grader

    return Grader.create(minilm_embedder)


def _bucket(tmp_path: Path) -> Question:
    path = tmp_path / "hinken.xml"
    path.write_text(BUCKET, encoding="utf-8")
    (question,) = import_file(path).questions
    return question


@pytest.mark.parametrize(
    ("answer", "feedback"),
    [
        (
            "3,5 kg",
            "Poäng 1.6 av 2.\nTalet är rätt men enheten 'kg' är inte någon av l, dl; 20 % av poängen dras "
            "av. Rätt.",
        ),
        (
            "3,5",
            "Poäng 1.6 av 2.\nTalet är rätt men enheten saknas (en av l, dl); 20 % av poängen dras av. Rätt.",
        ),
        ("35 dl", "Poäng 2 av 2.\nRätt."),  # a known unit: nothing to say about it
    ],
)
def test_a_swedish_answer_reads_the_unit_verdict_in_swedish(
    tmp_path: Path, minilm_grader: Grader, answer: str, feedback: str
) -> None:
    grade = minilm_grader.grade(_bucket(tmp_path), answer)
    assert grade.feedback == feedback


def test_an_english_answer_to_the_swedish_question_reads_it_in_english(
    tmp_path: Path, minilm_grader: Grader
) -> None:
    grade = minilm_grader.grade(_bucket(tmp_path), "I think it is 3.5 kg")
    assert grade.score == pytest.approx(1.6)
    assert grade.feedback == (
        "Score 1.6 of 2.\nThe number is right but the unit 'kg' is not one of l, dl; 20% of the points "
        "deducted. Rätt."
    )
