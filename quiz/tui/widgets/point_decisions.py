"""The teacher's key-point decisions in the review queue, Gradescope-style: each point's auto status and
the teacher's status, cycled covered → partial → missing with space, enter or a click."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from db.records import AnswerDetail, credit_status
from grading.models import PointStatus
from quiz.teacher.review import POINT_DECISIONS
from quiz.tui.widgets.point_list import STATUS_LOOK, point_worth

CYCLE = tuple(POINT_DECISIONS)
"""covered → partial → missing → covered …"""


@dataclass
class PointRow:
    point_id: str
    text: str
    worth: str
    """What the point is worth in the question's points, '0.55 p'."""
    auto: PointStatus | None
    """The grader's status; None when the answer was never graded."""
    decision: float | None = None
    """The teacher's credit 0..1; None while the teacher has not decided this point."""

    @property
    def status(self) -> PointStatus:
        """What the point counts as now: the teacher's decision, else the grader's status."""
        if self.decision is not None:
            return PointStatus(credit_status(self.decision))
        return self.auto or PointStatus.MISSING


class PointDecisions(OptionList):
    """One line per key point; cycling a point records the teacher's decision and posts Changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Cycle", tooltip="Cycle the key point: covered → partial → missing."),
    ]

    class Changed(Message):
        """The teacher decided a point; `decisions` holds every point decided so far."""

        def __init__(self, decisions: dict[str, float]) -> None:
            super().__init__()
            self.decisions = decisions

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[PointRow] = []

    def show(self, detail: AnswerDetail) -> None:
        """The answer's key points (as its question was asked), with any earlier decisions preloaded."""
        grade = detail.latest_grade
        auto = {str(point.get("point_id")): point for point in (grade.points if grade else [])}
        earlier = detail.latest_override.point_credits if detail.latest_override else {}
        self.rows = [
            PointRow(
                point_id=point.id,
                text=point.text,
                worth=point_worth(point.weight, detail.max_points),
                auto=PointStatus(auto[point.id]["status"]) if point.id in auto else None,
                decision=earlier.get(point.id),
            )
            for point in detail.question.rubric
        ]
        self.clear_options()
        self.add_options([render_row(row) for row in self.rows])
        self.highlighted = 0 if self.rows else None

    @property
    def decisions(self) -> dict[str, float]:
        return {row.point_id: row.decision for row in self.rows if row.decision is not None}

    def action_select(self) -> None:
        """Cycle the highlighted point to the status after the one it counts as now."""
        index = self.highlighted
        if index is None or not self.rows:
            return
        row = self.rows[index]
        row.decision = POINT_DECISIONS[CYCLE[(CYCLE.index(row.status) + 1) % len(CYCLE)]]
        self.replace_option_prompt_at_index(index, render_row(row))
        self.post_message(self.Changed(self.decisions))


def render_row(row: PointRow) -> Content:
    """'auto ✔ covered  yours ✎ ◐ partial' over '(0.55 p) the point's text' (which wraps at full width),
    worth shown as the student's feedback shows it."""
    auto_label, auto_style = STATUS_LOOK[row.auto] if row.auto else ("– ungraded", "$text-muted")
    if row.decision is None:
        teacher = Content.styled("  (auto)   ", "$text-muted")
    else:
        label, style = STATUS_LOOK[row.status]
        if row.status is PointStatus.PARTIAL and row.decision != POINT_DECISIONS[PointStatus.PARTIAL]:
            label = f"◐ {row.decision:.2f}"
        teacher = Content.styled(f"✎ {label:<10}", f"bold {style}")
    return Content.assemble(
        ("auto ", "$text-muted"),
        (f"{auto_label:<10}", auto_style),
        ("  yours ", "$text-muted"),
        teacher,
        "\n",
        (f"({row.worth}) ", "$text-muted"),
        row.text,
    )
