"""All-or-nothing multiple response (QTI match_correct, Moodle multichoiceset, Blackboard without partial
credit): the flag is part of the model, survives native files, and old snapshot hashes stay valid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from question_bank.errors import InputFileErrors
from question_bank.formats.detect import EXPORTERS
from question_bank.formats.export_losses import export_losses
from question_bank.formats.gift import dump_gift, import_gift
from question_bank.formats.yaml_json import dump_json, dump_yaml, read_native
from question_bank.loader import load_bank_file
from question_bank.models import Bank, Choice, Question, QuestionType

HASH_BEFORE_THE_FLAG = "5bef218c4e1ecdf91088e04f2e237315576cf317b4c786810fe57fa87d4d1c9c"
"""content_hash of `_pick_two()` computed by models.py before all_or_nothing existed (commit bf4fe2c)."""


def _pick_two(**extra: Any) -> Question:
    return Question(
        id="pick-two",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which are activation functions?"},
        choices=(
            Choice(text="ReLU", fraction=0.5),
            Choice(text="tanh", fraction=0.5),
            Choice(text="Adam", fraction=-1.0),
        ),
        **extra,
    )


def test_a_question_without_the_flag_keeps_its_snapshot_hash() -> None:
    assert _pick_two().content_hash() == HASH_BEFORE_THE_FLAG
    assert _pick_two(all_or_nothing=False).content_hash() == HASH_BEFORE_THE_FLAG


def test_the_flag_changes_the_hash_because_it_changes_grading() -> None:
    assert _pick_two(all_or_nothing=True).content_hash() != HASH_BEFORE_THE_FLAG


@pytest.mark.parametrize("question_type", ["free_text", "true_false", "numerical", "short_exact"])
def test_only_multiple_choice_may_be_all_or_nothing(question_type: str) -> None:
    data: dict[str, Any] = {
        "id": "q",
        "type": question_type,
        "prompt": {"en": "?"},
        "all_or_nothing": True,
        "choices": [{"text": "True", "fraction": 1.0}, {"text": "False"}],
        "numerical": [{"value": 1.0}],
        "reference_answer": {"en": "An answer."},
        "rubric": [{"id": "p1", "text": "a point", "weight": 1}],
    }
    with pytest.raises(ValidationError, match="all_or_nothing applies to multiple_choice"):
        Question.model_validate(data)


def _bank(question: Question) -> Bank:
    return Bank(id="flags", title="Flags", questions=(question,))


@pytest.mark.parametrize(("dump", "suffix"), [(dump_yaml, ".yaml"), (dump_json, ".json")])
def test_native_files_round_trip_the_flag(tmp_path: Path, dump: Callable[[Bank], str], suffix: str) -> None:
    bank = _bank(_pick_two(all_or_nothing=True))
    path = tmp_path / f"bank{suffix}"
    path.write_text(dump(bank), encoding="utf-8")
    assert "all_or_nothing" in path.read_text(encoding="utf-8")
    assert read_native(path) == bank
    assert read_native(path).questions[0].all_or_nothing


def test_native_files_leave_the_default_out() -> None:
    assert "all_or_nothing" not in dump_yaml(_bank(_pick_two()))


def test_a_misplaced_flag_in_a_bank_file_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\ntitle: Bad\nquestions:\n"
        "  - id: essay\n    prompt: {en: Explain dropout.}\n    all_or_nothing: true\n"
        "    reference_answer: {en: It disables neurons.}\n"
        "    rubric: [{id: p1, text: disables neurons, weight: 1}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as caught:
        load_bank_file(path)
    message = str(caught.value)
    assert "bad.yaml" in message and "all_or_nothing" in message
    assert caught.value.errors[0].line == 4


def _bank_of_both() -> Bank:
    """An all-or-nothing question with two correct choices, and one with a single correct choice."""
    single = Question(
        id="optimiser",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which is an optimiser?"},
        choices=(Choice(text="Adam", fraction=1.0), Choice(text="ReLU")),
        all_or_nothing=True,
    )
    return Bank(id="flags", title="Flags", questions=(_pick_two(all_or_nothing=True), single))


def test_gift_writes_all_or_nothing_as_shares_and_minus_100_percent(tmp_path: Path) -> None:
    """GIFT has no all-or-nothing: the closest Moodle multichoice gives each correct choice its share and
    any wrong tick -100 %; a single correct choice stays a plain single-answer question."""
    text = dump_gift(_bank_of_both())
    assert "\t~%50%ReLU\n\t~%50%tanh\n\t~%-100%Adam" in text
    assert "\t=Adam\n\t~ReLU" in text
    path = tmp_path / "out.gift"
    path.write_text(text, encoding="utf-8")
    back = import_gift(path).question("pick-two")
    assert [(choice.text, choice.fraction) for choice in back.choices] == [
        ("ReLU", 0.5),
        ("tanh", 0.5),
        ("Adam", -1.0),
    ]


def test_gift_keeps_plain_multiple_response_fractions() -> None:
    assert "\t~%-100%Adam" in dump_gift(_bank(_pick_two()))  # the question's own -1.0, unchanged
    partial = _pick_two().model_copy(
        update={"choices": (Choice(text="ReLU", fraction=1.0), Choice(text="Adam"))}
    )
    assert "\t=ReLU\n\t~Adam" in dump_gift(_bank(partial))


@pytest.mark.parametrize("format_name", sorted(EXPORTERS))
def test_every_exporter_that_cannot_say_all_or_nothing_warns(format_name: str) -> None:
    losses = export_losses(_bank_of_both(), format_name)
    if format_name in ("yaml", "json", "aiken"):
        assert losses == []
    else:
        assert len(losses) == 1  # the single-answer question loses nothing
        assert losses[0].startswith("question pick-two is all or nothing, which ")
        assert "part of the points" in losses[0]
    assert export_losses(_bank(_pick_two()), format_name) == []
