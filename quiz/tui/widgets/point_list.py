"""Each rubric key point as covered / partial / missing, with its evidence or the course passage to read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from grading.models import PointResult, PointStatus
from quiz.scores import format_score
from quiz.tui.widgets.grade_notes import ENGLISH_LABELS, GradeLabels

STATUS_STYLE = {
    PointStatus.COVERED: "$text-success",
    PointStatus.PARTIAL: "$text-warning",
    PointStatus.MISSING: "$text-error",
}
STATUS_LOOK = {status: (ENGLISH_LABELS.status(status), style) for status, style in STATUS_STYLE.items()}
"""Each status's label and colour in English, as the teacher's screens show them."""


def points_from_dicts(points: Sequence[dict[str, object]]) -> list[PointResult]:
    """The stored per-point JSON back as PointResult models (unknown extra keys are ignored)."""
    return [PointResult.model_validate(point) for point in points]


def point_lines(
    points: Sequence[PointResult],
    decided_by: Mapping[str, str] | None = None,
    *,
    max_points: float,
    labels: GradeLabels = ENGLISH_LABELS,
) -> list[tuple[Content, Content]]:
    """Each line of the list as (status label, text): the label is empty on a point's evidence and 'Read:'
    lines, which belong to the point above.

    `decided_by`: point id → teacher, for points whose status a teacher set (marked ✎). With the
    question's `max_points`, each point says what it is worth in points, as a Gradescope rubric item does
    (an unlabelled percentage after the text read like a similarity). The status and 'Read:' are in
    `labels`' language; key points, evidence and passages as written."""
    decided_by = decided_by or {}
    lines: list[tuple[Content, Content]] = []
    for point in points:
        label, style = labels.status(point.status), STATUS_STYLE[point.status]
        teacher = decided_by.get(point.point_id)
        lines.append(
            (
                Content.styled(label, f"bold {style}"),
                Content.assemble(
                    (f"({point_worth(point.weight, max_points)}) ", "$text-muted"),
                    point.text,
                    (f"  ✎ {teacher}" if teacher else "", "italic $text-accent"),
                ),
            )
        )
        if point.matched_sentence and point.status is not PointStatus.MISSING:
            lines.append((Content(), Content.styled(f"“{point.matched_sentence}”", f"italic {style}")))
        if point.status is not PointStatus.COVERED and point.supporting_passage is not None:
            passage = point.supporting_passage
            excerpt = " ".join(passage.text.split())
            if len(excerpt) > 320:
                excerpt = excerpt[:317].rstrip() + "…"
            lines.append(
                (
                    Content(),
                    Content.assemble(
                        (labels.read, "bold $text-accent"),
                        (excerpt, "$text-muted"),
                        (f" ({passage.source})", "$text-muted italic"),
                    ),
                )
            )
    return lines


def point_worth(weight: float, max_points: float) -> str:
    """What the point is worth, '0.55 p', before its text as a rubric item shows it (never split by
    wrapping). Shared by every view of key points so the student and the teacher read the same thing."""
    return f"{format_score(weight * max_points)} p"


class PointList(Vertical):
    """The rubric outcome of one grade, one row per line of `point_lines`: the status label in a column of
    its own, so a long point, its evidence or the passage to read wraps under its own text (as one text
    block, the wrapped lines started at column 0, under the labels)."""

    DEFAULT_CSS = """
    PointList {
        height: auto;
    }
    PointList > Horizontal {
        height: auto;
    }
    PointList .point-label {
        width: 11;  /* '✘ missing' and a space */
    }
    PointList .point-text {
        width: 1fr;
    }
    """

    def show(
        self,
        points: Sequence[PointResult],
        decided_by: Mapping[str, str] | None = None,
        *,
        max_points: float,
        labels: GradeLabels = ENGLISH_LABELS,
    ) -> None:
        self.remove_children()
        lines = point_lines(points, decided_by, max_points=max_points, labels=labels)
        if not lines:
            self.mount(Static(labels.no_key_points))
            return
        self.mount_all(
            Horizontal(Static(label, classes="point-label"), Static(text, classes="point-text"))
            for label, text in lines
        )
