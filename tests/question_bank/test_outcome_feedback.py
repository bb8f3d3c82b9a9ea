"""Outcome feedback (right / partly right / wrong) and hints as their own fields: kept apart from the general
feedback on import, written back where a format has a place for them, named as lost where it has none."""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from question_bank.formats.anki_export import write_anki_package
from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.gift import dump_gift
from question_bank.formats.moodle_xml import dump_moodle_xml
from question_bank.formats.qti_export import write_qti_package
from question_bank.formats.yaml_json import dump_json, dump_yaml
from question_bank.models import Bank, OutcomeFeedback, Question
from quiz.cli.main import app
from tests.question_bank.test_numerical_units import GRAVITY

HASH_BEFORE_THE_FIELDS = "232d17c4e92688b8a8865cd582fad802d9833564c8fbfb58d557ce80f4c53909"
"""content_hash of `_pick(outcome=None, hints=())` computed by models.py before the fields existed."""


def _pick(outcome: dict[str, str] | None, hints: tuple[str, ...]) -> Question:
    data: dict[str, Any] = {
        "id": "pick",
        "type": "multiple_choice",
        "prompt": {"en": "Which pools?"},
        "choices": [{"text": "Max pooling", "fraction": 1}, {"text": "Dropout"}],
        "general_feedback": "Pooling downsamples.",
    }
    if outcome is not None:
        data["outcome_feedback"] = outcome
    if hints:
        data["hints"] = list(hints)
    return Question.model_validate(data)


FULL = {"correct": "Well done!", "partially_correct": "Almost.", "incorrect": "Read chapter 5 again."}


def _bank() -> Bank:
    """Every exact type with outcome feedback and hints, plus an essay with hints."""
    return Bank.model_validate(
        {
            "id": "feedback-bank",
            "title": "Feedback",
            "questions": [
                {
                    "id": "mc",
                    "type": "multiple_choice",
                    "prompt": {"en": "Which layers downsample?"},
                    "choices": [
                        {"text": "Max pooling", "fraction": 0.5},
                        {"text": "Strided convolution", "fraction": 0.5},
                        {"text": "Dropout", "fraction": 0},
                    ],
                    "general_feedback": "Both shrink the feature map.",
                    "outcome_feedback": FULL,
                    "hints": ["Think of the feature map's size.", "Two of them do."],
                },
                {
                    "id": "rate",
                    "type": "numerical",
                    "prompt": {"en": "Adam's default learning rate?"},
                    "numerical": [{"value": 0.001, "tolerance": 0.0001}],
                    "outcome_feedback": {"incorrect": "See Kingma & Ba (2015)."},
                    "hints": ["It is small."],
                },
                {
                    "id": "tf",
                    "type": "true_false",
                    "prompt": {"en": "ReLU is linear."},
                    "choices": [{"text": "True", "fraction": 0}, {"text": "False", "fraction": 1}],
                    "outcome_feedback": {"correct": "Yes.", "incorrect": "It bends at zero."},
                },
            ],
        }
    )


def test_a_question_without_the_fields_is_hashed_as_before() -> None:
    assert _pick(None, ()).content_hash() == HASH_BEFORE_THE_FIELDS
    assert _pick({"correct": " ", "incorrect": ""}, ()).content_hash() == HASH_BEFORE_THE_FIELDS
    assert _pick({"correct": " "}, ()).outcome_feedback is None  # blank texts say nothing
    assert _pick(FULL, ()).content_hash() != HASH_BEFORE_THE_FIELDS
    assert _pick(None, ("Think of size.",)).content_hash() != HASH_BEFORE_THE_FIELDS


def test_the_text_follows_the_result() -> None:
    question = _pick(FULL, ())
    assert question.outcome_feedback_for(2.0, 2.0) == "Well done!"
    assert question.outcome_feedback_for(0.5, 2.0) == "Almost."
    assert question.outcome_feedback_for(0.0, 2.0) == "Read chapter 5 again."
    assert OutcomeFeedback(correct="Yes.").for_score(0, 1) == ""


@pytest.mark.parametrize("dump", [dump_yaml, dump_json])
def test_native_files_round_trip(dump: Any, tmp_path: Path) -> None:
    bank = _bank()
    path = tmp_path / ("bank.yaml" if dump is dump_yaml else "bank.json")
    path.write_text(dump(bank), encoding="utf-8")
    assert import_file(path) == bank


def test_moodle_xml_round_trip_keeps_outcome_feedback_and_hints(tmp_path: Path) -> None:
    bank = _bank()
    written = dump_moodle_xml(bank)
    assert "<correctfeedback" in written and "<hint" in written
    path = tmp_path / "bank.xml"
    path.write_text(written, encoding="utf-8")
    again = import_file(path)
    for old, new in zip(bank.questions, again.questions, strict=True):
        assert (new.outcome_feedback, new.hints, new.general_feedback) == (
            old.outcome_feedback,
            old.hints,
            old.general_feedback,
        ), old.id
        assert new.numerical == old.numerical  # the '*' answer carrying the wrong feedback is no value
    assert export_losses(bank, "moodle-xml") == [
        "question rate: Moodle shows right/partly right/wrong feedback only for multiple choice, so Moodle "
        "leaves this numerical question's out; its wrong-answer feedback is the '*' answer's (tenta reads "
        "it back)",
        "question tf: Moodle shows right/partly right/wrong feedback only for multiple choice, so Moodle "
        "leaves this true false question's out (tenta reads it back)",
    ]


def test_qti_package_shows_outcome_feedback_by_inspera_feedback_and_hints_on_request(tmp_path: Path) -> None:
    bank = _bank()
    out = tmp_path / "bank.zip"
    write_qti_package(bank, out)
    with zipfile.ZipFile(out) as package:
        item = package.read("mc-item.xml").decode("utf-8")
    assert 'outcomeIdentifier="FEEDBACK" identifier="feedback_wrong"' in item
    again = import_file(out)
    for old, new in zip(bank.questions, again.questions, strict=True):
        assert (new.outcome_feedback, new.general_feedback, new.hints) == (
            old.outcome_feedback,
            old.general_feedback,
            old.hints,
        )
    losses = export_losses(bank, "qti")
    said = "hint(s) come one more per press of the item's hint button, not after each wrong try"
    assert [loss.split(": ")[0] for loss in losses if said in loss] == ["question mc", "question rate"]


def test_gift_names_what_it_cannot_carry(tmp_path: Path) -> None:
    bank = _bank()
    losses = export_losses(bank, "gift")
    assert (
        "question mc: its right/partly right/wrong feedback is left out (GIFT has only general feedback and "
        "feedback on each answer)"
    ) in losses
    assert "question mc: its 2 hint(s) are left out (GIFT)" in losses
    assert not any(loss.startswith("question rate: its right") for loss in losses)  # '~#…' says it
    path = tmp_path / "bank.gift"
    path.write_text(dump_gift(bank), encoding="utf-8")
    again = import_file(path)
    assert again.question("mc").general_feedback == "Both shrink the feature map."
    assert again.question("mc").outcome_feedback is None
    assert again.question("rate").outcome_feedback == OutcomeFeedback(incorrect="See Kingma & Ba (2015).")
    assert again.question("rate").numerical == bank.question("rate").numerical


def test_anki_back_says_the_outcome_feedback_and_the_hints(tmp_path: Path) -> None:
    package = tmp_path / "bank.apkg"
    write_anki_package(_bank(), package)
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path)
    with closing(sqlite3.connect(tmp_path / "collection.anki2")) as connection:
        fields = [row[0] for row in connection.execute("SELECT flds FROM notes ORDER BY id")]
    mc = next(text for text in fields if "Which layers downsample?" in text)
    assert (
        "Both shrink the feature map.<br><br>If right: Well done!<br><br>If partly right: Almost.<br><br>"
        "If wrong: Read chapter 5 again.<br><br>Hint 1: Think of the feature map&#x27;s size.<br><br>"
        "Hint 2: Two of them do."
    ) in mc


def test_bank_show_lists_feedback_hints_and_the_unit_of_numerical_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENTA_DATA_DIR", str(tmp_path / "data"))
    source = tmp_path / "gravity.xml"
    source.write_text(GRAVITY.format(grading="1", show="0"), encoding="utf-8")
    with_feedback = Bank.model_validate(
        {
            **_bank().model_dump(),
            "questions": [*_bank().model_dump()["questions"], import_file(source).questions[0].model_dump()],
        }
    )
    path = tmp_path / "bank.yaml"
    path.write_text(dump_yaml(with_feedback), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["bank", "import", str(path)]).exit_code == 0
    shown = runner.invoke(app, ["bank", "show", "feedback-bank", "-q", "mc"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[-6:] == [
        "general feedback: Both shrink the feature map.",
        "if right: Well done!",
        "if partly right: Almost.",
        "if wrong: Read chapter 5 again.",
        "hint 1: Think of the feature map's size.",
        "hint 2: Two of them do.",
    ]
    gravity = runner.invoke(app, ["bank", "show", "feedback-bank", "-q", "gravity"]).output
    assert "  [+100%] 9.81 ± 0.05 m/s^2  — Right." in gravity
    assert "  [+50%] 10 ± 0 m/s^2  — Rounded." in gravity
    assert "units: m/s^2 (×1), cm/s^2 (×100)" in gravity
