"""The review queue at 100x30 shows a multi-line answer whole, not only its first line: the teacher judges
the answer, so it gets up to 60% of the height and the key-point list, which scrolls, the rest."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from db.records import NewGrade
from quiz.context import AppContext
from quiz.tui.screens.review_queue import ReviewQueueScreen
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, settle, steady, wait_until

SnapCompare = Callable[..., bool]

ANSWER_LINES = (
    "Training set: fit the weights of the model.",
    "Validation set: compare models, tune the hyperparameters",
    "and stop early when its loss stops improving.",
    "Test set: used once, at the very end,",
    "to estimate how the final model does on new data.",
)


def _flagged_answer(ctx: AppContext) -> None:
    """A five-line answer to question 4 (five key points, so the key-point list is long too)."""
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    question = bank.question(4)
    answer = repository.submit_answer(
        repository.default_student().id, bank, question, "\n".join(ANSWER_LINES), submitted_at=NOW
    )
    repository.save_grade(
        answer.id,
        NewGrade(
            score=2.0,
            max_points=question.max_points,
            points=[],
            confidence=0.3,
            needs_review=True,
            flags=["low_confidence"],
            grader_version="test",
            model_id="none",
        ),
    )


def _drawn(pilot: Pilot[None]) -> str:
    """The terminal as drawn, one text line per row."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


async def _open_the_answer(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewQueueScreen), "the review queue")
    await settle(pilot)
    await pilot.press("enter")
    await steady(pilot)


@pytest.mark.anyio
async def test_a_multi_line_answer_is_shown_whole_at_100x30(ctx: AppContext) -> None:
    _flagged_answer(ctx)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await _open_the_answer(pilot)
        drawn = _drawn(pilot)

    missing = [line for line in ANSWER_LINES if line not in drawn]
    assert not missing, f"not on screen: {missing}\n{drawn}"


def test_review_queue_with_a_multi_line_answer(snap_compare: SnapCompare, ctx: AppContext) -> None:
    _flagged_answer(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(100, 30), run_before=_open_the_answer)
