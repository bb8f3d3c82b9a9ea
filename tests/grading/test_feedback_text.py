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


def test_covered_points_end_in_one_full_stop() -> None:
    """A point's own full stop, or a shortened quote's …, is not followed by a second one."""
    ends_in_stop = RESULTS[0].model_copy(update={"text": "Deep learning is a subfield of machine learning."})
    long_point = RESULTS[0].model_copy(update={"text": " ".join(["word"] * 20) + " is not bias."})
    feedback = feedback_text([ends_in_stop, long_point], score=2.0, max_points=2.0)
    covered = feedback.splitlines()[1]
    assert covered.startswith("Covered: Deep learning is a subfield of machine learning; word")
    assert covered.endswith(" …")
    assert ".." not in feedback and "…." not in feedback
    plain = feedback_text(RESULTS, score=1.0, max_points=2.0).splitlines()[1]
    assert plain == "Covered: Dropout switches off neurons."
