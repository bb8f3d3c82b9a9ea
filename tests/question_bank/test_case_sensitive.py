"""Case-sensitive short answers (was: lost, so Moodle's 'h2o', marked wrong with its own feedback, earned
the 'H2O' answer's full marks): Moodle's <usecase>1, Cloze SHORTANSWER_C and QTI text entries that tell
case apart are read, graded by the real Grader, kept by native YAML and the Moodle XML export, shown on
Anki cards and named as lost by GIFT."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from question_bank.formats.anki_export import write_anki_package
from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.moodle_xml import dump_moodle_xml
from question_bank.formats.qti_export import write_qti_package
from question_bank.formats.yaml_json import dump_yaml
from question_bank.models import Bank
from tests.question_bank.conftest import DATA_DIR
from tests.question_bank.test_anki_export import _notes

if TYPE_CHECKING:
    from grading.embedder import Embedder
    from grading.grader import Grader

CLOZE = DATA_DIR / "real4" / "moodle_cloze_all_types.xml"
SHORT_ANSWER = DATA_DIR / "real4" / "moodle_shortanswer_fractions_wildcard.xml"
REAL5 = DATA_DIR / "real5"


@pytest.fixture(scope="module")
def minilm_grader(minilm_embedder: Embedder) -> Grader:
    from grading.grader import Grader

    return Grader.create(minilm_embedder)


def _water() -> Bank:
    bank = import_file(CLOZE)
    return bank.model_copy(update={"questions": (bank.question("all-cloze-types-in-one-question-15"),)})


def test_cloze_shortanswer_c_gap_is_case_sensitive_and_the_others_are_not() -> None:
    questions = {question.id: question for question in import_file(CLOZE).questions}
    assert questions["all-cloze-types-in-one-question-15"].case_sensitive
    assert not questions["all-cloze-types-in-one-question-16"].case_sensitive  # SHORTANSWER


@pytest.mark.parametrize(
    ("answer", "score", "feedback"),
    [
        ("H2O", 1.0, "That is correct."),
        ("h2o", 0.0, "Both Oxygen and Hydrogen are used with upper case letters."),
        ("H2o", 0.0, "Both Oxygen and Hydrogen are used with upper case letters."),
    ],
)
def test_the_real_grader_tells_case_apart(
    minilm_grader: Grader, answer: str, score: float, feedback: str
) -> None:
    (question,) = _water().questions
    grade = minilm_grader.grade(question, answer)
    assert grade.score == pytest.approx(score * question.max_points)
    assert feedback in grade.feedback


def test_moodle_usecase_is_read_and_case_insensitive_answers_stay_so(
    tmp_path: Path, minilm_grader: Grader
) -> None:
    (insensitive,) = import_file(SHORT_ANSWER).questions  # <usecase>0</usecase>
    assert not insensitive.case_sensitive
    assert minilm_grader.grade(insensitive, "FROG").score == insensitive.max_points
    path = tmp_path / "usecase.xml"
    path.write_text(
        SHORT_ANSWER.read_text(encoding="utf-8").replace("<usecase>0</usecase>", "<usecase>1</usecase>"),
        encoding="utf-8",
    )
    (sensitive,) = import_file(path).questions
    assert sensitive.case_sensitive
    assert minilm_grader.grade(sensitive, "FROG").score == 0
    assert minilm_grader.grade(sensitive, "frog").score == sensitive.max_points


def test_case_sensitivity_survives_yaml_and_moodle_xml_and_gift_says_it_is_lost(tmp_path: Path) -> None:
    bank = _water()
    native = tmp_path / "bank.yaml"
    native.write_text(dump_yaml(bank), encoding="utf-8")
    assert import_file(native).questions[0].case_sensitive
    exported = tmp_path / "export.xml"
    exported.write_text(dump_moodle_xml(bank), encoding="utf-8")
    assert "<usecase>1</usecase>" in exported.read_text(encoding="utf-8")
    assert import_file(exported).questions[0].case_sensitive
    assert export_losses(bank, "moodle-xml") == []
    assert export_losses(bank, "gift") == [
        "question all-cloze-types-in-one-question-15 is case sensitive, which GIFT cannot say: any case is "
        "accepted"
    ]


def test_case_sensitivity_survives_tentas_qti_export_and_import(
    tmp_path: Path, minilm_grader: Grader
) -> None:
    """Was: the QTI export wrote caseSensitive="false" on every map entry and warned that case is lost."""
    bank = _water()
    package = tmp_path / "water.zip"
    write_qti_package(bank, package)
    with zipfile.ZipFile(package) as archive:
        item = archive.read("all-cloze-types-in-one-question-15-item.xml").decode("utf-8")
    assert 'caseSensitive="true"' in item and 'caseSensitive="false"' not in item
    (again,) = import_file(package).questions
    assert again.case_sensitive
    assert minilm_grader.grade(again, "h2o").score == 0
    assert not any("case" in loss for loss in export_losses(bank, "qti"))
    insensitive = bank.model_copy(update={"questions": (again.model_copy(update={"case_sensitive": False}),)})
    write_qti_package(insensitive, package)
    assert not import_file(package).questions[0].case_sensitive


def test_anki_cards_say_that_case_matters(tmp_path: Path) -> None:
    package = tmp_path / "water.apkg"
    write_anki_package(_water(), package)
    (card,) = _notes(package, tmp_path)
    assert card["Answer"].startswith('<div class="correct">Accepted (case sensitive):<br>H2O<br>H2O')


@pytest.mark.parametrize(("answer", "score"), [("York", 1.0), ("york", 0.5), ("YORK", 0.0)])
def test_qti3_text_entry_whose_answers_differ_only_in_case_tells_case_apart(
    minilm_grader: Grader, answer: str, score: float
) -> None:
    """1EdTech's 'Richard III (Take 3)' maps 'York' to 1 and 'york' to 0.5: the file tells case apart
    (was: 'york' earned the full point, 'YORK' too)."""
    (question,) = import_file(REAL5 / "qti3_ims_text_entry_york.xml").questions
    assert question.case_sensitive
    assert minilm_grader.grade(question, answer).score == pytest.approx(score)


def test_qti_text_entries_say_case_sensitive_only_when_every_answer_does(tmp_path: Path) -> None:
    inspera = import_file(DATA_DIR / "qti_inspera" / "ID_2101504-item.xml").questions[0]
    assert not inspera.case_sensitive  # caseSensitive="false" on its entries
    source = (REAL5 / "qti3_ims_text_entry_york.xml").read_text(encoding="utf-8")
    said = tmp_path / "said.xml"
    said.write_text(
        source.replace('map-key="york" mapped-value="0.5"', 'map-key="Lancaster" mapped-value="0.5"').replace(
            'mapped-value="1"/>', 'mapped-value="1" case-sensitive="true"/>'
        ),
        encoding="utf-8",
    )
    assert not import_file(said).questions[0].case_sensitive  # one entry says nothing
    said.write_text(said.read_text(encoding="utf-8").replace('"0.5"/>', '"0.5" case-sensitive="true"/>'))
    assert import_file(said).questions[0].case_sensitive


def test_qti12_short_answer_compared_with_its_case(tmp_path: Path) -> None:
    """Blackboard's fill in the blank writes case="No" (any case); case="Yes" on every accepted answer
    makes the question case sensitive."""
    source = DATA_DIR / "real4" / "canvas_fib_feedback.xml"
    (insensitive,) = import_file(source).questions
    assert not insensitive.case_sensitive
    path = tmp_path / "fib_case.xml"
    path.write_text(source.read_text(encoding="utf-8").replace("<varequal ", '<varequal case="Yes" '))
    (sensitive,) = import_file(path).questions
    assert sensitive.case_sensitive
