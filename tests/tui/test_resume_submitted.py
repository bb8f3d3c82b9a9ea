"""Resuming a quiz shows a question's submitted answer in the editor, as it stood before quitting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import TextArea

from quiz.context import AppContext
from quiz.session import ItemState
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_until

pytestmark = pytest.mark.anyio

SUBMITTED = "Maskininlärning är en del av AI, och deep learning är en del av maskininlärning."
EDITED = "Deep learning is a subset of machine learning."


async def _answer_first_question_and_quit(app_ctx: AppContext, *, edit_after: bool) -> None:
    app = make_app(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.screen.query_one("#answer", TextArea).insert(SUBMITTED)
        await pilot.press("ctrl+s")
        await graded_feedback(pilot)
        if edit_after:
            await pilot.press("e")
            await settle(pilot)
            pilot.app.screen.query_one("#answer", TextArea).text = EDITED
        else:
            await pilot.press("n")
            await settle(pilot)
        await pilot.press("ctrl+q")


async def _resumed_first_question(app_ctx: AppContext) -> tuple[str, ItemState]:
    app = make_app(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed quiz")
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        if screen.quiz.position != 0:
            await pilot.press("ctrl+b")
            await settle(pilot)
        assert screen.quiz.position == 0
        return screen.query_one("#answer", TextArea).text, screen.quiz.state_of(screen.quiz.current)


async def test_a_submitted_answer_is_in_the_editor_after_resuming(make_ctx: Callable[[], AppContext]) -> None:
    await _answer_first_question_and_quit(make_ctx(), edit_after=False)
    text, state = await _resumed_first_question(make_ctx())
    assert text == SUBMITTED
    assert state is ItemState.SUBMITTED


async def test_an_edit_after_submitting_wins_over_the_submitted_text_on_resume(
    make_ctx: Callable[[], AppContext],
) -> None:
    await _answer_first_question_and_quit(make_ctx(), edit_after=True)
    text, state = await _resumed_first_question(make_ctx())
    assert text == EDITED
    assert state is ItemState.CHANGED
