"""Escape in the answer box moves the focus out of it (tab indents there); what the student types next still
goes into the answer, and is saved as the draft, instead of being dropped."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Static, TextArea

from quiz.context import AppContext
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


async def test_typing_after_escape_goes_on_with_the_answer(make_ctx: Callable[[], AppContext]) -> None:
    async with make_app(make_ctx()).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        editor = screen.query_one("#answer", TextArea)
        status = screen.query_one("#quiz-status", Static)
        await pilot.press(*"Keras är")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen, "the first escape leaves the box, not the quiz"
        assert not editor.has_focus
        assert "typing returns to your answer" in str(status.render())

        await pilot.press(*" ett API")
        await settle(pilot)
        assert editor.has_focus
        assert editor.text == "Keras är ett API"
        assert "draft is saved" in str(status.render())
        await pilot.press("ctrl+q")

    async with make_app(make_ctx()).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed quiz")
        assert pilot.app.screen.query_one("#answer", TextArea).text == "Keras är ett API"
