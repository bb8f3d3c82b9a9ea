"""'I disagree' works once a grade is shown, and once: a second `d` cannot replace the first reason."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from quiz.context import AppContext
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


async def test_a_second_d_after_requesting_a_regrade_opens_nothing_and_keeps_the_reason(
    ctx: AppContext,
) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.screen.query_one("#answer", TextArea).insert("Deep learning är en del av maskininlärning.")
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert feedback.active_bindings["d"].enabled
        await pilot.press("d")
        assert isinstance(pilot.app.screen, DisagreeDialog)
        await pilot.press(*"Jag nämnde alla tre")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is feedback
        assert not feedback.active_bindings["d"].enabled
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FeedbackScreen)
        answer_id = feedback.answer.id
    detail = ctx.repository.get_answer(answer_id)
    assert detail.regrade_reason == "Jag nämnde alla tre"
