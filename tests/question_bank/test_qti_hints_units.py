"""QTI 2.1 export of hints and units (were: dropped, named as lost). Hints become the adaptive item of the
QTI examples (a HINTREQUEST endAttemptInteraction, one HINT_n modalFeedback per hint), checked by
running the written hint rule and by a round trip through tenta's own QTI importer; a numerical
question's unit is printed by the answer box and its values are those typed in that unit, checked by
scoring the written item against tenta's grading of the same number written with the unit."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeTree
import pytest

from grading.grader import grade_exactly
from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.qti_export import assessment_item, item_file, write_qti_package
from question_bank.models import Bank, Question
from tests.question_bank.test_qti_export import (
    _GRADER,
    _ITEM_ORDER,
    QTI,
    _missing_attributes,
    _qti,
    _qti_score,
)

HINTS = ("Think of the feature map's size.", "Two of them do.", "Pooling is one.")


def _hinted_bank() -> Bank:
    """One question of each type with hints (one, two or three), outcome and general feedback."""
    return Bank.model_validate(
        {
            "id": "hinted",
            "title": "Hinted",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "mc",
                    "type": "multiple_choice",
                    "prompt": {"sv": "Vilka lager krymper?"},
                    "choices": [
                        {"text": "Max pooling", "fraction": 0.5},
                        {"text": "Strided convolution", "fraction": 0.5},
                        {"text": "Dropout", "fraction": 0},
                    ],
                    "general_feedback": "Båda krymper.",
                    "outcome_feedback": {"correct": "Bra!", "incorrect": "Läs kapitel 5."},
                    "hints": list(HINTS),
                },
                {
                    "id": "tf",
                    "type": "true_false",
                    "prompt": {"sv": "ReLU är linjär."},
                    "choices": [{"text": "Sant", "fraction": 0}, {"text": "Falskt", "fraction": 1}],
                    "hints": ["Titta på noll."],
                },
                {
                    "id": "short",
                    "type": "short_exact",
                    "prompt": {"sv": "Vanligaste aktiveringen?"},
                    "choices": [{"text": "ReLU", "fraction": 1}],
                    "hints": ["Fyra bokstäver.", "R …"],
                },
                {
                    "id": "rate",
                    "type": "numerical",
                    "prompt": {"sv": "Adams standardinlärningstakt?"},
                    "numerical": [{"value": 0.001, "tolerance": 0.0001}],
                    "hints": ["Den är liten."],
                },
                {
                    "id": "essay",
                    "prompt": {"sv": "Förklara dropout."},
                    "reference_answer": {"sv": "Slumpvisa neuroner stängs av under träning."},
                    "rubric": [{"id": "a", "text": "Neuroner stängs av", "weight": 1}],
                    "hints": ["Tänk på träning."],
                },
            ],
        }
    )


def _item(bank: Bank, question_id: str) -> Element:
    """The item as a reader gets it (namespaced)."""
    return SafeTree.fromstring(tostring(assessment_item(bank, bank.question(question_id))))


# ---- hints ------------------------------------------------------------------------------------------


def test_hints_round_trip_through_tentas_qti_importer_in_order(tmp_path: Path) -> None:
    bank = _hinted_bank()
    out = tmp_path / "hinted.zip"
    write_qti_package(bank, out)
    again = import_file(out)
    for old, new in zip(bank.questions, again.questions, strict=True):
        assert new.hints == old.hints, old.id
        assert (new.type, new.prompt, new.choices, new.numerical) == (
            old.type,
            old.prompt,
            old.choices,
            old.numerical,
        ), old.id  # the hint button adds nothing to the question text
        assert (new.outcome_feedback, new.general_feedback) == (old.outcome_feedback, old.general_feedback)


def test_an_item_with_hints_is_adaptive_with_a_hint_button_and_a_modal_per_hint() -> None:
    bank = _hinted_bank()
    for question in bank.questions:
        item = _item(bank, question.id)
        assert item.get("adaptive") == "true"
        assert _missing_attributes(item) == []
        order = [_ITEM_ORDER.index(child.tag.removeprefix(QTI)) for child in item]
        assert order == sorted(order)
        request = item.find(f"{QTI}responseDeclaration[@identifier='HINTREQUEST']")
        assert request is not None
        assert (request.get("cardinality"), request.get("baseType")) == ("single", "boolean")
        shown = item.find(f"{QTI}outcomeDeclaration[@identifier='HINTS_SHOWN']")
        assert shown is not None and shown.get("baseType") == "integer"
        assert shown.findtext(f"{QTI}defaultValue/{QTI}value") == "0"
        feedback = item.find(f"{QTI}outcomeDeclaration[@identifier='HINT_FEEDBACK']")
        assert feedback is not None and feedback.get("cardinality") == "multiple"
        body = _qti(item, "itemBody")
        (button,) = body.iter(f"{QTI}endAttemptInteraction")
        assert button.attrib == {"responseIdentifier": "HINTREQUEST", "title": "Visa ledtråd"}
        assert body[-1].tag == f"{QTI}p" and list(body[-1]) == [button]  # inline: inside a paragraph
        modals = [
            m for m in item.iter(f"{QTI}modalFeedback") if m.get("outcomeIdentifier") == "HINT_FEEDBACK"
        ]
        assert [(m.get("identifier"), m.get("title"), m.findtext(f"{QTI}p")) for m in modals] == [
            (f"HINT_{number}", f"Ledtråd {number}", hint) for number, hint in enumerate(question.hints, 1)
        ]
        completion = _qti(item, "responseProcessing")[-1]
        assert completion.get("identifier") == "completionStatus"
        assert completion.findtext(f"{QTI}baseValue") == "completed"


def test_items_without_hints_stay_as_they_were() -> None:
    bank = Bank.model_validate(
        {
            **_hinted_bank().model_dump(),
            "questions": [{**_hinted_bank().questions[0].model_dump(), "hints": []}],
        }
    )
    item = _item(bank, "mc")
    assert item.get("adaptive") == "false"
    written = tostring(item, encoding="unicode")
    for name in ("HINTREQUEST", "endAttemptInteraction", "HINTS_SHOWN", "HINT_FEEDBACK", "completionStatus"):
        assert name not in written


def _value(expression: Element, state: dict[str, Any]) -> Any:
    """The expressions the hint rule uses, evaluated as a QTI 2.1 player does."""
    tag = expression.tag.removeprefix(QTI)
    if tag == "variable":
        return state[expression.get("identifier", "")]
    if tag == "baseValue":
        text = expression.text or ""
        return int(text) if expression.get("baseType") == "integer" else text
    if tag == "sum":
        return sum(_value(part, state) for part in expression)
    if tag == "gte":
        return _value(expression[0], state) >= _value(expression[1], state)
    if tag == "multiple":
        return [_value(part, state) for part in expression]
    raise AssertionError(f"unexpected expression {tag}")


def _run(rules: list[Element], state: dict[str, Any]) -> bool:
    """Run response rules on `state`; True when an exitResponse ended the processing."""
    for rule in rules:
        tag = rule.tag.removeprefix(QTI)
        if tag == "exitResponse":
            return True
        if tag == "setOutcomeValue":
            state[rule.get("identifier", "")] = _value(rule[0], state)
        elif tag == "responseCondition":
            for branch in rule:
                is_else = branch.tag == f"{QTI}responseElse"
                if is_else or _value(branch[0], state):
                    if _run(list(branch) if is_else else list(branch)[1:], state):
                        return True
                    break
        else:
            raise AssertionError(f"unexpected rule {tag}")
    return False


@pytest.mark.parametrize("question_id", ["mc", "short"])
def test_each_press_of_the_hint_button_shows_one_hint_more_and_scores_nothing(question_id: str) -> None:
    bank = _hinted_bank()
    question = bank.question(question_id)
    item = _item(bank, question_id)
    hint_rule = _qti(item, "responseProcessing")[0]
    modals = {
        m.get("identifier"): m.findtext(f"{QTI}p")
        for m in item.iter(f"{QTI}modalFeedback")
        if m.get("outcomeIdentifier") == "HINT_FEEDBACK"
    }
    state: dict[str, Any] = {"HINTREQUEST": True, "HINTS_SHOWN": 0, "SCORE": 0.0}
    for press in range(1, len(question.hints) + 2):
        assert _run([hint_rule], state), "a hint request ends the processing before scoring"
        shown = [modals[identifier] for identifier in state["HINT_FEEDBACK"]]
        assert shown == list(question.hints[:press])  # after the last, all of them stay shown
        assert state["SCORE"] == 0.0
    answered: dict[str, Any] = {"HINTREQUEST": False, "HINTS_SHOWN": 2}
    assert not _run([hint_rule], answered)
    assert answered == {"HINTREQUEST": False, "HINTS_SHOWN": 2}  # an answer goes on to be scored


def test_losses_say_how_the_hints_are_given_instead_of_dropping_them() -> None:
    losses = export_losses(_hinted_bank(), "qti")
    assert losses[0] == (
        "question mc: its 3 hint(s) come one more per press of the item's hint button, not after each "
        "wrong try; QTI players show none in this package's test, which submits all answers at once"
    )
    assert not any("left out (QTI" in loss for loss in losses)


# ---- units ------------------------------------------------------------------------------------------


def _numerical(units: dict[str, Any] | None, values: list[dict[str, float]]) -> Bank:
    question: dict[str, Any] = {
        "id": "g",
        "type": "numerical",
        "max_points": 2,
        "prompt": {"en": "How fast does a stone fall after one second?"},
        "numerical": values,
    }
    if units is not None:
        question["units"] = units
    return Bank.model_validate({"id": "units", "title": "Units", "questions": [question]})


GRAVITY_UNITS = {
    "units": [{"name": "m/s", "multiplier": 1}, {"name": "cm/s", "multiplier": 100}],
    "grading": "mark",
    "penalty": 0.2,
}
GRAVITY_VALUES = [{"value": 9.81, "tolerance": 0.05, "fraction": 1}, {"value": 10, "fraction": 0.5}]


def _blank(item: Element) -> Element:
    (paragraph,) = [p for p in _qti(item, "itemBody") if p.find(f"{QTI}textEntryInteraction") is not None]
    return paragraph


def test_the_unit_is_printed_after_the_box_and_comes_back_as_prompt_text(tmp_path: Path) -> None:
    bank = _numerical(GRAVITY_UNITS, GRAVITY_VALUES)
    blank = _blank(_item(bank, "g"))
    assert (blank.text, blank[0].tail) == (None, " m/s")
    out = tmp_path / "units.zip"
    write_qti_package(bank, out)
    with zipfile.ZipFile(out) as package:
        assert b'expectedLength="10" /> m/s</p>' in package.read(item_file(bank.questions[0]))
    (again,) = import_file(out).questions
    assert again.prompt_in("en") == "How fast does a stone fall after one second?\n\n_____ m/s"
    assert (again.numerical, again.units) == (bank.questions[0].numerical, None)


def test_a_unit_written_left_is_printed_before_the_box() -> None:
    bank = _numerical({"units": [{"name": "$"}], "left": True}, [{"value": 12}])
    blank = _blank(_item(bank, "g"))
    assert (blank.text, blank[0].tail) == ("$ ", None)


def _tenta(question: Question, answer: str) -> float:
    return grade_exactly(question, answer, _GRADER).score


@pytest.mark.parametrize(
    ("units", "values", "unit"),
    [
        (GRAVITY_UNITS, GRAVITY_VALUES, "m/s"),
        # no unit worth itself: the first, the values scaled to what is typed in it (1500 m = 1.5 km)
        (
            {"units": [{"name": "km", "multiplier": 0.001}, {"name": "mm", "multiplier": 1000}]},
            [{"value": 1500, "tolerance": 10}],
            "km",
        ),
    ],
)
def test_the_number_typed_in_the_printed_unit_scores_as_tenta_grades_it_with_the_unit(
    units: dict[str, Any], values: list[dict[str, float]], unit: str
) -> None:
    bank = _numerical(units, values)
    question = bank.questions[0]
    item = _item(bank, "g")
    assert _blank(item)[0].tail == f" {unit}"
    multiplier = next(u.multiplier for u in question.units.units if u.name == unit)  # type: ignore[union-attr]
    typed = [
        value * multiplier
        for answer in question.numerical
        for value in (
            answer.value,
            answer.value + answer.tolerance * 0.9,
            answer.value + answer.tolerance + 0.5,
        )
    ]
    for number in typed:
        expected = _tenta(question, f"{number!r} {unit}")
        assert math.isclose(_qti_score(item, [repr(number)]), expected, abs_tol=0.01), number
    assert _qti_score(item, [repr(typed[0])]) == question.max_points


def test_losses_name_the_other_units_and_the_penalty_only() -> None:
    assert export_losses(_numerical(GRAVITY_UNITS, GRAVITY_VALUES), "qti") == [
        "question g: the item prints its unit m/s by the answer box, the number typed alone; left out: "
        "answers in cm/s, the 20% penalty for a missing or unknown unit"
    ]
    one_unit = {"units": [{"name": "m/s"}], "grading": "optional"}
    assert export_losses(_numerical(one_unit, GRAVITY_VALUES), "qti") == []
    assert export_losses(_numerical(None, GRAVITY_VALUES), "qti") == []
