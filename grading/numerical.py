"""Numerical answers graded as Moodle grades them: the first number in the answer within an accepted
value's tolerance, its unit (when the question has units) scaling it and costing a penalty when missing
or unknown. Pure: no model, no I/O."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from grading.feedback_wording import ENGLISH, FeedbackWords
from question_bank.models import NumericalAnswer, NumericalUnits, Question

_NUMBER = re.compile(r"[-+−]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class NumericalCredit:
    """The share of the points an answer earns and the feedback saying why."""

    fraction: float
    feedback: str


def _unit_key(text: str) -> str:
    return "".join(text.split())


def _written_unit(text: str, number: re.Match[str], units: NumericalUnits) -> str:
    """The unit written next to the number: after it, or before it when the question puts units left."""
    written = text[: number.start()] if units.left else text[number.end() :]
    return _unit_key(written.strip(" .;"))


def _matching(value: float, answers: tuple[NumericalAnswer, ...]) -> NumericalAnswer | None:
    for accepted in answers:
        if math.isfinite(value) and abs(value - accepted.value) <= accepted.tolerance + 1e-12:
            return accepted
    return None


def _unit_penalty(fraction: float, units: NumericalUnits) -> float:
    if units.grading == "mark":
        return fraction * units.penalty
    if units.grading == "max":
        return units.penalty
    return 0.0


def numerical_credit(question: Question, text: str, words: FeedbackWords = ENGLISH) -> NumericalCredit:
    """Credit for `text` (non-empty): the first accepted value the answer's number falls within. With
    units, a known unit divides the number by its multiplier ('981 cm/s^2' is 9.81 m/s^2) and a missing
    or unknown unit leaves the number as written and costs the question's unit penalty (Moodle's
    apply_unit_penalty); an answer right only when its unit is ignored is graded so too. The verdict on a
    unit is in `words`' language, as the rest of the grader's comment (the accepted answer's feedback is
    quoted as written)."""
    number = _NUMBER.search(text)
    if number is None:
        return NumericalCredit(0.0, "")
    value = float(number.group(0).replace(",", ".").replace("−", "-"))
    units = question.units
    if units is None:
        accepted = _matching(value, question.numerical)
        return NumericalCredit(accepted.fraction, accepted.feedback) if accepted else NumericalCredit(0.0, "")
    multipliers = {_unit_key(unit.name): unit.multiplier for unit in units.units}
    written = _written_unit(text, number, units)
    known = written in multipliers
    accepted = _matching(value / multipliers[written], question.numerical) if known else None
    unit_right = accepted is not None
    accepted = accepted or _matching(value, question.numerical)
    if accepted is None:
        return NumericalCredit(0.0, "")
    penalty = _unit_penalty(accepted.fraction, units)
    if unit_right or units.grading == "optional":
        return NumericalCredit(accepted.fraction, accepted.feedback)
    verdict = words.unit_verdict(written, ", ".join(unit.name for unit in units.units), penalty)
    feedback = " ".join(part for part in (verdict, accepted.feedback) if part)
    return NumericalCredit(max(0.0, accepted.fraction - penalty), feedback)
