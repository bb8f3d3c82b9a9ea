"""Moodle's embedded answers (Cloze): a text with gaps such as `{1:MULTICHOICE:=right#Yes~wrong#No}`.

A tenta question takes one answer, so a Cloze question becomes one question per gap: the whole text is
shown with that gap as '_____' and the others as '[…]', worth the gap's weight in points and graded by the
gap's kind: SHORTANSWER as short exact answers with Moodle's '*' wildcard (SHORTANSWER_C case
sensitive), NUMERICAL as numbers with their tolerance,
MULTICHOICE (any layout) as one choice, MULTIRESPONSE as several choices sharing the points. Answers are
`=` (full marks) or `%n%` (n %), each with an optional `#feedback`; `\\~ \\} \\# \\/ \\"` are literal
characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from question_bank.formats.common import html_to_text, tidy_number
from question_bank.models import QuestionType

GAP = re.compile(r"\{(\d*(?:\.\d+)?):([A-Za-z_]+):((?:\\.|[^\\}])*)\}")
_ANSWERLESS_GAP = re.compile(r"\{\d*(?:\.\d+)?:([A-Za-z_]+)\}")
"""'{1:MULTICHOICE}': a gap of a known kind with no answers (Moodle refuses it too)."""
ASKED = "_____"
OTHER_GAP = "[…]"

_SHORT = frozenset({"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"})
_CASE_SENSITIVE = frozenset({"SHORTANSWER_C", "SAC", "MWC"})
_NUMERICAL = frozenset({"NUMERICAL", "NM"})
_ONE_CHOICE = frozenset(
    {
        *("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH"),
        *("MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"),
    }
)
_SEVERAL_CHOICES = frozenset(
    {"MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS", "MRHS"}
)
_KINDS = _SHORT | _NUMERICAL | _ONE_CHOICE | _SEVERAL_CHOICES
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_ESCAPED = re.compile(r"\\(.)")


class ClozeError(ValueError):
    """A gap tenta cannot read (an unknown kind, no right answer, a number that is none)."""


@dataclass(frozen=True)
class Gap:
    """One embedded answer: where it sits in the text, its points and the question fields it becomes."""

    start: int
    end: int
    points: float
    data: dict[str, Any]


@dataclass(frozen=True)
class _Answer:
    text: str
    fraction: float
    feedback: str


def gaps(markup: str) -> list[Gap]:
    """The gaps of a question text (HTML or plain), in order; a gap tenta cannot read is a ClozeError
    naming it by its number."""
    for answerless in _ANSWERLESS_GAP.finditer(markup):
        if answerless.group(1).upper() in _KINDS:
            raise ClozeError(
                f"gap {answerless.group(0)} has no answers (write them after a colon: =right~wrong)"
            )
    found = []
    for number, match in enumerate(GAP.finditer(markup), start=1):
        weight, kind, body = match.group(1), match.group(2).upper(), match.group(3)
        try:
            data = _gap_data(kind, _answers(body))
        except ClozeError as error:
            raise ClozeError(f"gap {number} ({match.group(0)[:40]}): {error}") from None
        points = float(weight) if weight else 1.0
        if points <= 0:
            raise ClozeError(f"gap {number} is worth {weight} points; give it a positive weight")
        found.append(Gap(match.start(), match.end(), points, data))
    return found


def asking(markup: str, found: list[Gap], index: int) -> str:
    """The question text asking gap `index`: that gap written '_____', the others '[…]'."""
    parts = []
    position = 0
    for number, gap in enumerate(found):
        parts += [markup[position : gap.start], ASKED if number == index else OTHER_GAP]
        position = gap.end
    return "".join([*parts, markup[position:]])


def _split(text: str, separator: str) -> list[str]:
    """`text` split at each `separator` not escaped by a backslash."""
    return re.split(rf"(?<!\\){re.escape(separator)}", text)


def _plain(text: str) -> str:
    unescaped = _ESCAPED.sub(r"\1", text)
    return html_to_text(unescaped).strip() if "<" in unescaped or "&" in unescaped else unescaped.strip()


def _answers(body: str) -> list[_Answer]:
    answers = []
    for raw in _split(body, "~"):
        text, *feedback = _split(raw, "#")
        text, fraction = text.strip(), 0.0
        if text.startswith("="):
            text, fraction = text[1:], 1.0
        elif weight := _WEIGHT.match(text):
            text, fraction = text[weight.end() :], float(weight.group(1)) / 100
        if not -1.0 <= fraction <= 1.0:
            raise ClozeError(f"answer weight {fraction * 100:g} % is outside -100..100")
        answers.append(_Answer(_plain(text), tidy_number(fraction), _plain("#".join(feedback))))
    return [answer for answer in answers if answer.text]


def _as_given(answers: list[_Answer]) -> list[dict[str, Any]]:
    """Choices with the gap's own weights and feedback."""
    return [
        {"text": answer.text, "fraction": answer.fraction, "feedback": answer.feedback} for answer in answers
    ]


def _gap_data(kind: str, answers: list[_Answer]) -> dict[str, Any]:
    if not any(answer.fraction > 0 for answer in answers):
        raise ClozeError("no right answer ('=' or a positive %weight%)")
    if kind in _SHORT:
        return {
            "type": QuestionType.SHORT_EXACT.value,
            "choices": _as_given(answers),
            "case_sensitive": kind in _CASE_SENSITIVE,
        }
    if kind in _NUMERICAL:
        return {"type": QuestionType.NUMERICAL.value, "numerical": _numbers(answers)}
    if kind in _ONE_CHOICE:
        return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": _as_given(answers)}
    if kind in _SEVERAL_CHOICES:
        return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": _shared(answers)}
    raise ClozeError(f"{kind} is not a Cloze answer kind tenta knows")


def _numbers(answers: list[_Answer]) -> list[dict[str, Any]]:
    accepted = []
    for answer in answers:
        if answer.fraction <= 0 or answer.text == "*":
            continue
        value, _, tolerance = answer.text.partition(":")
        try:
            number, margin = float(value), abs(float(tolerance)) if tolerance.strip() else 0.0
        except ValueError:
            raise ClozeError(f"{answer.text!r} is not a number (with ':tolerance')") from None
        accepted.append(
            {"value": number, "tolerance": margin, "fraction": answer.fraction, "feedback": answer.feedback}
        )
    return accepted


def _shared(answers: list[_Answer]) -> list[dict[str, Any]]:
    """MULTIRESPONSE: the right answers' weights scaled to add up to the gap's points (Moodle lets each be
    100 %), so all of them together earn full marks; wrong answers keep theirs (0 or a penalty)."""
    total = sum(answer.fraction for answer in answers if answer.fraction > 0)
    return [
        {
            "text": answer.text,
            "fraction": round(answer.fraction / total, 7) if answer.fraction > 0 else answer.fraction,
            "feedback": answer.feedback,
        }
        for answer in answers
    ]
