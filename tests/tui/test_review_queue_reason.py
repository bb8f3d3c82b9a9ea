"""The review queue names why the grader flagged an answer ('wrong question'), as `tenta review` does,
instead of calling every flagged answer 'unsure'."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from db.records import NewGrade
from quiz.context import AppContext
from quiz.tui.screens.review_queue import ReviewQueueScreen
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


def _flagged_answer(ctx: AppContext, flags: list[str]) -> None:
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    question = bank.questions[11]
    student = repository.default_student()
    answer = repository.submit_answer(
        student.id, bank, question, "Dropout stänger av neuroner under träning.", submitted_at=NOW
    )
    repository.save_grade(
        answer.id,
        NewGrade(
            score=0.2,
            max_points=question.max_points,
            points=[],
            confidence=0.3,
            needs_review=True,
            flags=flags,
            grader_version="test",
            model_id="none",
        ),
    )


@pytest.mark.parametrize(
    ("flags", "why"),
    [(["wrong_question"], "wrong question"), (["low_confidence"], "unsure"), ([], "unsure")],
)
async def test_the_why_column_names_the_graders_flag(ctx: AppContext, flags: list[str], why: str) -> None:
    _flagged_answer(ctx, flags)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewQueueScreen), "the review queue")
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[3] == why
