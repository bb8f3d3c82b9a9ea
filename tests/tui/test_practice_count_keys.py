"""With the focus in the home screen's practice-count box, digits still type the count and the mode keys
still start a quiz (before, the box took every printable key, so p, n, d and w did nothing there)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input

from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("key", "mode", "asked"), [("p", QuizMode.PRACTICE, 3), ("n", QuizMode.FULL, 12)])
async def test_mode_keys_work_with_focus_in_the_count_box(
    make_ctx: Callable[[], AppContext], key: str, mode: QuizMode, asked: int
) -> None:
    async with make_app(make_ctx()).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        count = pilot.app.screen.query_one("#practice-count", Input)
        count.focus()
        await settle(pilot)
        count.clear()
        await pilot.press("x", "3")
        await settle(pilot)
        assert count.has_focus
        assert count.value == "3", "digits type the count; a letter is not typed into it"

        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz = pilot.app.screen
        assert isinstance(quiz, QuizScreen)
        assert quiz.quiz.mode is mode
        assert quiz.quiz.total == asked
