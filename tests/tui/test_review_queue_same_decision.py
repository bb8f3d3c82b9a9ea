"""The review queue stores a decision as `tenta override` does: the answer's latest decision given again
stores nothing (no second override row, no second audit entry) and the teacher is told so; another
decision is stored. The queue on screen may be older than the answer's latest decision (a colleague's
`tenta override`, or a second save before the queue reloads)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from db.records import AuditKind, NewGrade
from quiz.context import AppContext
from quiz.teacher.review import apply_override
from quiz.tui.screens.review_queue import ReviewQueueScreen
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio

COMMENT = "kort men rätt"


def _flagged_answer(ctx: AppContext) -> int:
    """q02 (2 points) answered by the local profile and graded 1/2 with low confidence."""
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    question = bank.questions[1]
    answer = repository.submit_answer(
        repository.default_student().id, bank, question, "Keras is TensorFlow's API.", submitted_at=NOW
    )
    grade = NewGrade(
        score=1.0,
        max_points=question.max_points,
        points=[],
        confidence=0.3,
        needs_review=True,
        flags=["low_confidence"],
        grader_version="test",
        model_id="none",
    )
    repository.save_grade(answer.id, grade)
    return answer.id


@pytest.mark.parametrize(
    ("score", "comment", "stored"),
    [("1.5", COMMENT, False), ("1.5", "kort, men rätt i sak", True), ("1", COMMENT, True)],
)
async def test_saving_the_answers_latest_decision_again_stores_nothing_and_says_so(
    ctx: AppContext, score: str, comment: str, stored: bool
) -> None:
    answer_id = _flagged_answer(ctx)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewQueueScreen), "the review queue")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.query_one(DataTable).row_count == 1
        # Kim decides the answer with `tenta override` while the queue is on screen.
        detail = ctx.repository.get_answer(answer_id)
        first = apply_override(
            ctx.repository, detail, score=1.5, point_credits={}, comment=COMMENT, teacher="Kim"
        ).override
        screen.query_one("#override-score", Input).value = score
        screen.query_one("#override-comment", Input).value = comment
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = [str(notification.message) for notification in pilot.app._notifications]
        assert screen.query_one("#queue-empty").display, "the queue reloads either way"

    overrides = ctx.repository.get_answer(answer_id).overrides
    events = [event.kind for event in ctx.repository.audit_trail(answer_id)]
    assert events.count(AuditKind.OVERRIDDEN) == len(overrides)
    if stored:
        assert [(o.score, o.comment) for o in overrides] == [(1.5, COMMENT), (float(score), comment)]
        assert shown == [f"Saved {score} for local, q02-tensorflow-keras."]
    else:
        assert [o.id for o in overrides] == [first.id]
        assert shown == [
            f"local, q02-tensorflow-keras: already has this decision, 1.5 / 2 (override {first.id} by Kim); "
            "nothing stored."
        ]
