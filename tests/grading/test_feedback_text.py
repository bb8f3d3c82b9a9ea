"""The grader's feedback text and the remarks a view shows beside its own (final) score."""

from __future__ import annotations

import pytest

from grading.models import PointResult, PointStatus
from grading.rubric import feedback_remarks, feedback_text

RESULTS = [
    PointResult(
        point_id="a",
        text="Dropout switches off neurons",
        weight=1,
        status=PointStatus.COVERED,
        similarity=0.8,
        credit=1.0,
    ),
    PointResult(
        point_id="b",
        text="It reduces overfitting",
        weight=1,
        status=PointStatus.MISSING,
        similarity=0.1,
        credit=0.0,
    ),
]


@pytest.mark.parametrize(("score", "max_points"), [(1.0, 2.0), (0.25, 2.0), (12.5, 30.0), (0.0, 1.0)])
def test_remarks_are_the_feedback_without_its_score_line(score: float, max_points: float) -> None:
    feedback = feedback_text(RESULTS, score=score, max_points=max_points, notes=["A note."])
    assert feedback.startswith(f"Score {score:g} of {max_points:g}.")
    assert feedback_remarks(feedback) == feedback.split("\n", 1)[1]
    assert feedback_remarks(feedback).startswith("A note.")


def test_remarks_leave_feedback_without_a_score_line_as_it_is() -> None:
    assert feedback_remarks("Covered: everything.") == "Covered: everything."
