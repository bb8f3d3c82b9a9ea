"""ctrl+q with a dialog open over the quiz still saves what was just typed (drafts are otherwise saved
0.6 s after the last keystroke)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import TextArea

from quiz.context import AppContext
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, wait_until

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("dialog_key", ["f1", "ctrl+p"])
async def test_quitting_with_a_dialog_over_the_quiz_keeps_the_draft(
    make_ctx: Callable[[], AppContext], dialog_key: str
) -> None:
    first = make_app(make_ctx())
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"Dropout")
        await pilot.press(dialog_key)
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuizScreen)
        await pilot.press("ctrl+q")
    second = make_app(make_ctx())
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed quiz")
        assert pilot.app.screen.query_one("#answer", TextArea).text == "Dropout"
