"""Final grades from exam points: the scale a bank carries, named presets, and the text form teachers type.

A scale lists grades from lowest to highest, each with the least share of the exam's total points that
earns it (`min_percent`, 0-100); the lowest grade starts at 0 % so every total has a grade. Swedish
universities report the grade (U/G/VG, U/3/4/5) rather than the points, ECTS uses A-F, Moodle shows
letters: shares rather than absolute points keep a scale valid when questions are added to the bank.

Where a total sits exactly on a boundary, the grade is decided on the total as the gradebook shows it
(rounded to two decimals), compared with the boundary in points with a float-noise tolerance: 24 of
48 points is a G at 50 %, 23.99 is not, and 23.9996 (shown as 24) is - the grade always agrees with the
points the student sees.

Text form (the CLI's --grade-scale, or `grade_scale: ...` as a string in a bank file): a preset name, or
comma-separated `GRADE:THRESHOLD` pieces with the threshold as a share (`G:50%`) or, where the exam's
total is known, in points (`G:24p`): "U:0,G:50%,VG:75%".
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from question_bank.errors import TentaError

GradeLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
SHOWN_DECIMALS = 2
"""Totals are exported with two decimals; the grade is decided on that shown total."""
POINT_TOLERANCE = 1e-9
"""Float noise allowed when a shown total is compared with a boundary in points."""


class GradeBoundary(BaseModel):
    """One final grade and the least share of the exam's total points that earns it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    grade: GradeLabel
    min_percent: float = Field(ge=0, le=100, description="Least share of the total points, in percent.")


def _boundary(grade: str, min_percent: float) -> GradeBoundary:
    return GradeBoundary(grade=grade, min_percent=min_percent)


PRESETS: dict[str, tuple[GradeBoundary, ...]] = {
    "ug-vg": (_boundary("U", 0), _boundary("G", 50), _boundary("VG", 75)),
    "u345": (_boundary("U", 0), _boundary("3", 50), _boundary("4", 70), _boundary("5", 85)),
    "ects": (
        _boundary("F", 0),
        _boundary("E", 50),
        _boundary("D", 60),
        _boundary("C", 70),
        _boundary("B", 80),
        _boundary("A", 90),
    ),
    "u-g": (_boundary("U", 0), _boundary("G", 50)),
    "pass-fail": (_boundary("Fail", 0), _boundary("Pass", 50)),
    "moodle": (
        _boundary("F", 0),
        _boundary("D", 60),
        _boundary("D+", 67),
        _boundary("C-", 70),
        _boundary("C", 73),
        _boundary("C+", 77),
        _boundary("B-", 80),
        _boundary("B", 83),
        _boundary("B+", 87),
        _boundary("A-", 90),
        _boundary("A", 93),
    ),
}
"""Common scales by name. u345 follows Swedish technical faculties (3 at 50 %, 4 at 70 %, 5 at 85 %),
ects the usual absolute A-F boundaries, moodle Moodle's default grade letters; teachers whose course
plan says otherwise write their own boundaries."""

_PIECE = re.compile(r"^(?P<grade>[^:]+):(?P<number>[^%pP]*?)\s*(?P<unit>%|p|pt|pts|points?)?$", re.IGNORECASE)


def check_grade_scale(scale: tuple[GradeBoundary, ...]) -> tuple[GradeBoundary, ...]:
    """A usable scale: unique grades, thresholds strictly increasing, the lowest grade starting at 0 %."""
    if not scale:
        return scale
    if scale[0].min_percent != 0:
        raise ValueError(
            f"the lowest grade {scale[0].grade!r} must start at 0% (it starts at "
            f"{_percent(scale[0].min_percent)}), so every total gets a grade"
        )
    seen: set[str] = set()
    for lower, higher in itertools.pairwise(scale):
        if higher.min_percent <= lower.min_percent:
            raise ValueError(
                f"grades go from lowest to highest with increasing thresholds: {higher.grade!r} at "
                f"{_percent(higher.min_percent)} is not above {lower.grade!r} at "
                f"{_percent(lower.min_percent)}"
            )
    for boundary in scale:
        key = boundary.grade.casefold()
        if key in seen:
            raise ValueError(f"grade {boundary.grade!r} appears twice")
        seen.add(key)
    return scale


def _percent(value: float) -> str:
    return f"{value:g}%"


def parse_grade_scale(text: str, *, max_points: float | None = None) -> tuple[GradeBoundary, ...]:
    """A scale from a preset name or "U:0,G:50%,VG:75%"; points ("G:24p") need the exam's `max_points`.

    Raises ValueError naming the bad piece (callers add where the text came from).
    """
    name = text.strip()
    if not name:
        raise ValueError(f"empty grade scale; give a preset ({', '.join(PRESETS)}) or e.g. U:0,G:50%,VG:75%")
    preset = PRESETS.get(name.lower())
    if preset is not None:
        return preset
    pieces = [piece.strip() for piece in re.split(r"[,;]", name)]
    if len(pieces) == 1 and ":" not in name:
        raise ValueError(f"unknown grade scale preset {name!r}; choose one of {', '.join(PRESETS)}")
    boundaries = [_parse_piece(piece, max_points) for piece in pieces if piece]
    return check_grade_scale(tuple(boundaries))


def _parse_piece(piece: str, max_points: float | None) -> GradeBoundary:
    match = _PIECE.match(piece)
    if match is None:
        raise ValueError(f"grade scale piece {piece!r}: write GRADE:THRESHOLD, e.g. G:50%")
    grade, number, unit = match.group("grade").strip(), match.group("number").strip(), match.group("unit")
    if not grade:
        raise ValueError(f"grade scale piece {piece!r}: the grade is missing before ':'")
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"grade scale piece {piece!r}: {number!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"grade scale piece {piece!r}: the threshold must be 0 or more")
    if unit == "%":
        percent = value
    elif unit is not None:
        if max_points is None:
            raise ValueError(
                f"grade scale piece {piece!r}: a threshold in points needs the exam's total; "
                "write it as a share instead, e.g. G:50%"
            )
        if value > max_points:
            raise ValueError(
                f"grade scale piece {piece!r}: {number} points is more than the exam's total "
                f"of {max_points:g}"
            )
        percent = 100.0 * value / max_points
    elif value == 0:
        percent = 0.0
    else:
        example = f"{grade}:{number}%" + (f" or {grade}:{number}p" if max_points is not None else "")
        raise ValueError(
            f"grade scale piece {piece!r}: say whether {number} is a share or points, e.g. {example}"
        )
    if percent > 100:
        raise ValueError(f"grade scale piece {piece!r}: a share cannot exceed 100%")
    return GradeBoundary(grade=grade, min_percent=percent)


def _scale_from_text(value: Any) -> Any:
    """Bank files may name a preset or use the text form instead of listing boundaries."""
    if isinstance(value, str):
        return parse_grade_scale(value)
    return value


GradeScale = Annotated[
    tuple[GradeBoundary, ...],
    BeforeValidator(_scale_from_text, json_schema_input_type=str | list[GradeBoundary]),
    AfterValidator(check_grade_scale),
    Field(
        description="Final grades from lowest to highest with the least share of the total points each "
        "needs, or a preset name (" + ", ".join(PRESETS) + ") or text like 'U:0,G:50%,VG:75%'."
    ),
]
"""The type of Bank.grade_scale: empty when the bank sets no final grades."""


def shown_total(points: float) -> float:
    """The total as the gradebook shows it (see the module notes on boundaries)."""
    return round(points, SHOWN_DECIMALS)


def final_grade(points: float, max_points: float, scale: Sequence[GradeBoundary]) -> str | None:
    """The highest grade whose threshold the shown total reaches; None without a scale or a total."""
    if not scale or max_points <= 0:
        return None
    total = shown_total(points)
    for boundary in reversed(scale):
        if total >= boundary.min_percent / 100.0 * max_points - POINT_TOLERANCE:
            return boundary.grade
    return scale[0].grade


def describe_scale(scale: Sequence[GradeBoundary], max_points: float | None = None) -> str:
    """'U 0% · G 50% (24 p) · VG 75% (36 p)': the scale for a teacher to check."""
    parts = []
    for boundary in scale:
        part = f"{boundary.grade} {_percent(round(boundary.min_percent, 2))}"
        if max_points and boundary.min_percent > 0:
            points = f"{boundary.min_percent / 100.0 * max_points:.2f}".rstrip("0").rstrip(".")
            part += f" ({points} p)"
        parts.append(part)
    return " · ".join(parts)


def scale_option(text: str | None, *, max_points: float | None = None) -> tuple[GradeBoundary, ...] | None:
    """The --grade-scale option as a scale (None when not given); bad text is a one-line TentaError."""
    if text is None:
        return None
    try:
        return parse_grade_scale(text, max_points=max_points)
    except ValueError as error:
        raise TentaError(f"--grade-scale: {error}") from None
