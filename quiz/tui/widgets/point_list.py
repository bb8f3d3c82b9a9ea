"""Each rubric key point as covered / partial / missing, with its evidence or the course passage to read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content
from textual.widgets import Static

from grading.models import PointResult, PointStatus
from quiz.scores import format_score

STATUS_LOOK = {
    PointStatus.COVERED: ("✔ covered", "$text-success"),
    PointStatus.PARTIAL: ("◐ partial", "$text-warning"),
    PointStatus.MISSING: ("✘ missing", "$text-error"),
}


def points_from_dicts(points: Sequence[dict[str, object]]) -> list[PointResult]:
    """The stored per-point JSON back as PointResult models (unknown extra keys are ignored)."""
    return [PointResult.model_validate(point) for point in points]


def render_points(
    points: Sequence[PointResult],
    decided_by: Mapping[str, str] | None = None,
    *,
    max_points: float,
) -> Content:
    """`decided_by`: point id → teacher, for points whose status a teacher set (marked ✎). With the
    question's `max_points`, each point says what it is worth in points, as a Gradescope rubric item does
    (an unlabelled percentage after the text read like a similarity)."""
    decided_by = decided_by or {}
    lines: list[Content] = []
    for point in points:
        label, style = STATUS_LOOK[point.status]
        teacher = decided_by.get(point.point_id)
        lines.append(
            Content.assemble(
                (f"{label:<10}", f"bold {style}"),
                " ",
                (f"({point_worth(point.weight, max_points)}) ", "$text-muted"),
                point.text,
                (f"  ✎ {teacher}" if teacher else "", "italic $text-accent"),
            )
        )
        if point.matched_sentence and point.status is not PointStatus.MISSING:
            lines.append(Content.assemble("           ", (f"“{point.matched_sentence}”", f"italic {style}")))
        if point.status is not PointStatus.COVERED and point.supporting_passage is not None:
            passage = point.supporting_passage
            excerpt = " ".join(passage.text.split())
            if len(excerpt) > 320:
                excerpt = excerpt[:317].rstrip() + "…"
            lines.append(
                Content.assemble(
                    "           ",
                    ("Read: ", "bold $text-accent"),
                    (excerpt, "$text-muted"),
                    (f" ({passage.source})", "$text-muted italic"),
                )
            )
    return Content("\n").join(lines) if lines else Content("This question has no rubric key points.")


def point_worth(weight: float, max_points: float) -> str:
    """What the point is worth, '0.55 p', before its text as a rubric item shows it (never split by
    wrapping). Shared by every view of key points so the student and the teacher read the same thing."""
    return f"{format_score(weight * max_points)} p"


class PointList(Static):
    """The rubric outcome of one grade."""

    def show(
        self,
        points: Sequence[PointResult],
        decided_by: Mapping[str, str] | None = None,
        *,
        max_points: float,
    ) -> None:
        self.update(render_points(points, decided_by, max_points=max_points))
