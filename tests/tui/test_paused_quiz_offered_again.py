"""A quiz paused with escape is offered again when the student starts another quiz of the bank: starting
one sets the unfinished quiz aside, drafts and all, and the resume offer comes only once per run."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from db.records import SessionStatus
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


async def _pause(pilot: Pilot[None]) -> None:
    """Escape twice: out of the answer box, then out of the quiz."""
    await pilot.press("escape", "escape")
    await wait_until(pilot, home_ready(pilot), "the home screen")


def _quiz(pilot: Pilot[None]) -> QuizScreen:
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def test_a_paused_quiz_is_offered_before_another_one_starts(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the full exam")
        exam = _quiz(pilot).quiz.session_id
        await pilot.press("ctrl+n", *"Ett utkast")
        await _pause(pilot)

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResumeDialog), "p must not set the paused exam aside unasked"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen), "later: nothing starts"

        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the offer again")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed exam")
        resumed = _quiz(pilot)
        assert resumed.quiz.session_id == exam and resumed.quiz.position == 1
        assert resumed.query_one("#answer", TextArea).text == "Ett utkast"
        await _pause(pilot)

        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the offer")
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the practice")
        assert _quiz(pilot).quiz.mode is QuizMode.PRACTICE
    statuses = {summary.session_id: summary.status for summary in ctx.repository.history()}
    assert statuses[exam] is SessionStatus.ABANDONED
    assert list(statuses.values()).count(SessionStatus.IN_PROGRESS) == 1
