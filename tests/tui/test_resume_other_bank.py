"""Opening the app offers to resume the profile's unfinished quiz also when it is on a bank other than the
default one: the home screen opens on that bank (a timed exam there is handed in on resuming)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Select

from quiz.context import AppContext
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import TIMED_BANK, home_ready, install_timed_bank, settle, start_timed_exam, wait_until

pytestmark = pytest.mark.anyio


async def test_an_unfinished_quiz_on_another_bank_is_offered_on_opening(
    make_ctx: Callable[[], AppContext],
) -> None:
    ctx = make_ctx()
    assert ctx.settings.default_bank == "dl-course"
    install_timed_bank(ctx)
    first = make_app(ctx)
    async with first.run_test(size=(80, 24)) as pilot:
        await start_timed_exam(pilot)
        await pilot.press(*"Keras är ett API")
        await pilot.press("ctrl+q")
    second = make_app(make_ctx())
    async with second.run_test(size=(80, 24)) as pilot:

        def offered_or_home() -> bool:
            return isinstance(pilot.app.screen, ResumeDialog) or home_ready(pilot)()

        await wait_until(pilot, offered_or_home, "the home screen or the resume offer")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResumeDialog)
        home = pilot.app.screen_stack[-2]
        assert isinstance(home, HomeScreen)
        assert home.query_one("#bank", Select).value == TIMED_BANK
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed exam")
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.quiz.bank.id == TIMED_BANK
