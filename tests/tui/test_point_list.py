"""A key point's line says what the point is worth, so it cannot be read as a similarity."""

from __future__ import annotations

from grading.models import PointResult, PointStatus
from quiz.tui.widgets.point_list import render_points


def _point(point_id: str, weight: float, status: PointStatus) -> PointResult:
    return PointResult(
        point_id=point_id, text=f"Point {point_id}.", weight=weight, status=status, similarity=0.5, credit=1.0
    )


def test_with_the_question_points_each_key_point_says_its_worth_in_points() -> None:
    points = [_point("a", 0.25, PointStatus.COVERED), _point("b", 0.75, PointStatus.MISSING)]

    lines = render_points(points, max_points=2.0).plain.splitlines()

    assert lines[0].endswith("(0.5 p) Point a.")
    assert lines[1].endswith("(1.5 p) Point b.")
