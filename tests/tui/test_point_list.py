"""A key point's line says what the point is worth, so it cannot be read as a similarity; a long point,
its evidence and the course passage to read wrap under their own text, not back to column 0 under the
status labels."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from grading.models import Passage, PointResult, PointStatus
from quiz.tui.widgets.point_list import PointList, point_lines

pytestmark = pytest.mark.anyio

INDENT = " " * 11
"""Where the text after the status label ('✘ missing ') starts."""


def _point(point_id: str, weight: float, status: PointStatus, **more: object) -> PointResult:
    return PointResult.model_validate(
        {
            "point_id": point_id,
            "text": f"Point {point_id}.",
            "weight": weight,
            "status": status,
            "similarity": 0.5,
            "credit": 1.0,
            **more,
        }
    )


def test_with_the_question_points_each_key_point_says_its_worth_in_points() -> None:
    points = [_point("a", 0.25, PointStatus.COVERED), _point("b", 0.75, PointStatus.MISSING)]

    lines = [(label.plain, text.plain) for label, text in point_lines(points, max_points=2.0)]

    assert lines == [("✔ covered", "(0.5 p) Point a."), ("✘ missing", "(1.5 p) Point b.")]


class _PointsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PointList()


PASSAGE = (
    "Dropout randomly sets a fraction of the activations to zero during training, so that the network "
    "cannot rely on any single unit and learns redundant representations; at test time all units are used."
)
EVIDENCE = "Early stopping ends training when the validation loss has stopped improving for a while."


async def test_wrapped_lines_of_a_passage_and_evidence_keep_their_indent() -> None:
    points = [
        _point(
            "dropout",
            0.5,
            PointStatus.MISSING,
            supporting_passage=Passage(source="notes/regularization.md", text=PASSAGE, score=0.8),
        ),
        _point("stopping", 0.5, PointStatus.PARTIAL, matched_sentence=EVIDENCE),
    ]
    app = _PointsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(PointList).show(points, max_points=2.0)
        await pilot.pause()
        drawn = [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]

    shown = [line for line in drawn if line]
    read = next(index for index, line in enumerate(shown) if "Read:" in line)
    partial = next(index for index, line in enumerate(shown) if line.startswith("◐ partial"))
    passage_lines, evidence_lines = shown[read:partial], shown[partial + 1 :]
    assert len(passage_lines) > 2 and len(evidence_lines) > 1, drawn
    assert all(line.startswith(INDENT) and line[len(INDENT)] != " " for line in passage_lines), drawn
    assert all(line.startswith(INDENT) and line[len(INDENT)] != " " for line in evidence_lines), drawn
    words = " ".join(line.strip() for line in passage_lines).split()
    assert words == ["Read:", *PASSAGE.split(), "(notes/regularization.md)"]
