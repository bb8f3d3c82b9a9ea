"""Moodle numerical units (was: lost on import, so '981 cm/s^2' scored 0 and '9.81' full marks whatever
the question's unit rules): read from Moodle XML, graded as Moodle grades them by the real Grader, and
kept through native YAML and the Moodle XML export. The file is written as Moodle's XML exporter
(question/format/xml/format.php) writes a numerical question with units."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grading.numerical import numerical_credit
from question_bank.errors import InputFileErrors
from question_bank.formats.anki_export import write_anki_package
from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.moodle_xml import dump_moodle_xml
from question_bank.formats.yaml_json import dump_yaml
from question_bank.models import NumericalUnits, Question
from tests.question_bank.test_anki_export import _notes

if TYPE_CHECKING:
    from grading.embedder import Embedder
    from grading.grader import Grader

GRAVITY = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name>
      <text>Gravity</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>What is the acceleration due to gravity at the Earth's surface?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>gravity</idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>9.81</text>
      <feedback format="html">
        <text><![CDATA[<p>Right.</p>]]></text>
      </feedback>
      <tolerance>0.05</tolerance>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>10</text>
      <feedback format="html">
        <text>Rounded.</text>
      </feedback>
      <tolerance>0</tolerance>
    </answer>
<units>
  <unit>
    <multiplier>1</multiplier>
    <unit_name>m/s^2</unit_name>
  </unit>
  <unit>
    <multiplier>100</multiplier>
    <unit_name>cm/s^2</unit_name>
  </unit>
</units>
    <unitgradingtype>{grading}</unitgradingtype>
    <unitpenalty>0.2000000</unitpenalty>
    <showunits>{show}</showunits>
    <unitsleft>0</unitsleft>
  </question>
</quiz>
"""


@pytest.fixture(scope="module")
def minilm_grader(minilm_embedder: Embedder) -> Grader:
    from grading.grader import Grader

    return Grader.create(minilm_embedder)


def _gravity_file(tmp_path: Path, *, grading: str = "1", show: str = "0") -> Path:
    path = tmp_path / "gravity.xml"
    path.write_text(GRAVITY.format(grading=grading, show=show), encoding="utf-8")
    return path


def _gravity(tmp_path: Path, *, grading: str = "1", show: str = "0") -> Question:
    (question,) = import_file(_gravity_file(tmp_path, grading=grading, show=show)).questions
    return question


def test_units_multipliers_and_penalty_are_read(tmp_path: Path) -> None:
    question = _gravity(tmp_path)
    assert question.units == NumericalUnits.model_validate(
        {
            "units": [{"name": "m/s^2", "multiplier": 1.0}, {"name": "cm/s^2", "multiplier": 100.0}],
            "grading": "mark",
            "penalty": 0.2,
            "left": False,
        }
    )
    assert _gravity(tmp_path, grading="2").units.grading == "max"  # type: ignore[union-attr]
    assert _gravity(tmp_path, grading="0").units.grading == "optional"  # type: ignore[union-attr]
    assert _gravity(tmp_path, show="3").units is None  # showunits 3: Moodle grades the number alone


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        ("9.81 m/s^2", 2.0),
        ("9.8 m / s^2", 2.0),  # within the tolerance; spaces inside a unit do not matter
        ("981 cm/s^2", 2.0),  # the unit's multiplier: 981 / 100
        ("9.81", 1.6),  # no unit: 20 % of the mark deducted
        ("9.81 N", 1.6),  # a unit the question does not know
        ("981", 0.0),
        ("10 m/s^2", 1.0),  # the 50 % answer
        ("10", 0.8),  # 50 % less 20 % of it
        ("1000 cm/s^2", 1.0),
    ],
)
def test_the_real_grader_grades_units_as_moodle(
    tmp_path: Path, minilm_grader: Grader, answer: str, score: float
) -> None:
    grade = minilm_grader.grade(_gravity(tmp_path), answer)
    assert grade.score == pytest.approx(score)


def test_a_missing_unit_says_what_it_cost(tmp_path: Path) -> None:
    credit = numerical_credit(_gravity(tmp_path), "9.81")
    assert credit.fraction == pytest.approx(0.8)
    assert credit.feedback == (
        "The number is right but the unit is missing (one of m/s^2, cm/s^2); 20% of the points deducted. "
        "Right."
    )


def test_penalty_out_of_the_maximum_and_optional_units(tmp_path: Path) -> None:
    assert numerical_credit(_gravity(tmp_path, grading="2"), "10").fraction == pytest.approx(0.3)
    optional = _gravity(tmp_path, grading="0")
    assert numerical_credit(optional, "9.81").fraction == 1.0
    assert numerical_credit(optional, "981 cm/s^2").fraction == 1.0


def test_units_survive_native_yaml_and_the_moodle_xml_export(tmp_path: Path) -> None:
    question = _gravity(tmp_path)
    bank = import_file(tmp_path / "gravity.xml")
    native = tmp_path / "bank.yaml"
    native.write_text(dump_yaml(bank), encoding="utf-8")
    assert import_file(native).questions[0].units == question.units
    exported = tmp_path / "export.xml"
    exported.write_text(dump_moodle_xml(bank), encoding="utf-8")
    assert import_file(exported).questions[0].units == question.units


def test_qti_and_gift_exports_say_what_of_the_units_is_lost(tmp_path: Path) -> None:
    """GIFT loses the units; QTI prints the first by the answer box (test_qti_hints_units.py) and names
    the other unit and the penalty."""
    _gravity(tmp_path)
    bank = import_file(tmp_path / "gravity.xml")
    (loss,) = [loss for loss in export_losses(bank, "gift") if "units" in loss]
    assert "which GIFT cannot say: only the number, in the first unit, is graded" in loss
    (loss,) = [loss for loss in export_losses(bank, "qti") if "unit" in loss]
    assert loss == (
        "question gravity: the item prints its unit m/s^2 by the answer box, the number typed alone; left "
        "out: answers in cm/s^2, the 20% penalty for a missing or unknown unit"
    )
    assert not any("units" in loss for loss in export_losses(bank, "moodle-xml"))


def test_a_unit_without_a_positive_multiplier_is_an_error_at_the_question(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(GRAVITY.format(grading="1", show="0").replace("<multiplier>100<", "<multiplier>0<"))
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert (error.line, error.reason) == (3, "unit 'cm/s^2' multiplier 0 is not positive")


def test_question_without_units_is_hashed_as_before() -> None:
    """Snapshots and caches keyed by content_hash stay valid for every question made before units."""
    question = Question.model_validate(
        {"id": "n", "type": "numerical", "prompt": {"en": "Two?"}, "numerical": [{"value": 2}]}
    )
    before = question.model_dump(
        mode="json",
        exclude={
            "media",
            "all_or_nothing",
            "units",
            "case_sensitive",
            "outcome_feedback",
            "hints",
            "misconceptions",
            "text_format",
        },
    )
    payload = json.dumps(before, sort_keys=True, ensure_ascii=False).encode("utf-8")
    assert question.content_hash() == hashlib.sha256(payload).hexdigest()
    units = NumericalUnits.model_validate({"units": [{"name": "m"}]})
    assert question.model_copy(update={"units": units}).content_hash() != question.content_hash()


def test_anki_cards_show_the_unit(tmp_path: Path) -> None:
    """Anki cards are self-graded: the back must say what a right answer is, its unit included."""
    package = tmp_path / "gravity.apkg"
    write_anki_package(import_file(_gravity_file(tmp_path)), package)
    (note,) = _notes(package, tmp_path)
    assert note["Answer"] == '<div class="correct">Accepted:<br>9.81 ± 0.05 m/s^2<br>10 m/s^2 (50%)</div>'


def test_a_unit_written_before_the_number() -> None:
    """Moodle's unitsleft: '$ 25' or 'SEK25' (the multiplier still divides: 2500 öre is 25 SEK)."""
    price = Question.model_validate(
        {
            "id": "price",
            "type": "numerical",
            "prompt": {"en": "What does it cost?"},
            "numerical": [{"value": 25}],
            "units": {
                "units": [{"name": "SEK"}, {"name": "öre", "multiplier": 100}],
                "grading": "max",
                "penalty": 0.5,
                "left": True,
            },
        }
    )
    assert numerical_credit(price, "SEK 25").fraction == 1.0
    assert numerical_credit(price, "öre2500").fraction == 1.0
    assert numerical_credit(price, "25 SEK").fraction == 0.5  # the unit on the wrong side is no unit
