"""Flagging a question in the quiz (Moodle's "Flag question"): shown on the position line, kept through a
pause and a restart, reachable with ctrl+r, and listed by the finish summary."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from quiz.context import AppContext
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, wait_until

pytestmark = pytest.mark.anyio


def _position(screen: QuizScreen) -> str:
    return str(screen.query_one("#quiz-position").render())


def _footer_keys(pilot: Pilot[None]) -> set[str]:
    return {active.binding.key for active in pilot.app.screen.active_bindings.values() if active.enabled}


async def _quiz_screen(pilot: Pilot[None]) -> QuizScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def test_flags_show_survive_a_restart_and_are_listed_at_the_finish(
    make_ctx: Callable[[], AppContext],
) -> None:
    first = make_app(make_ctx())
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        quiz_screen = await _quiz_screen(pilot)
        assert _position(quiz_screen) == "Question 1/12 · 2 p"
        await pilot.press("ctrl+r")
        assert quiz_screen.quiz.position == 0, "nothing flagged: ctrl+r stays"
        await pilot.press("ctrl+g")
        assert _position(quiz_screen) == "Question 1/12 · 2 p · ⚑ flagged"
        assert "ctrl+r goes to the next flagged" in str(quiz_screen.query_one("#quiz-status").render())
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+g", "ctrl+n")
        await pilot.press(*"Träningsdata")
        await pilot.press("ctrl+g", "ctrl+g")  # flagged and unflagged again
        assert _position(quiz_screen) == "Question 4/12 · 3 p"
        await pilot.press("ctrl+r")
        assert quiz_screen.quiz.position == 0, "after the last flagged one, back to the first"
        await pilot.press("ctrl+r")
        assert quiz_screen.quiz.position == 2 and _position(quiz_screen).endswith("⚑ flagged")
        await pilot.press("ctrl+q")

    reopened = make_app(make_ctx())
    async with reopened.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        offer = str(pilot.app.screen.query_one("#resume-position", Static).render())
        assert offer == "You were on question 3 of 12. 2 flagged."
        await pilot.press("enter")
        quiz_screen = await _quiz_screen(pilot)
        assert _position(quiz_screen) == "Question 3/12 · 2 p · ⚑ flagged"
        assert "ctrl+r" in _footer_keys(pilot)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the summary")
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        counts = str(dialog.query_one("#finish-counts", Static).render())
        assert counts == "1 typed, not submitted, 11 not answered, 2 flagged ⚑."
        table: DataTable[str] = dialog.query_one("#finish-items", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        assert [row[0] for row in rows[:5]] == ["1 ⚑", "2", "3 ⚑", "4", "5"]
        assert rows[3][2] == "typed, not submitted"
        table.focus()
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: pilot.app.screen is quiz_screen, "the flagged question")
        assert quiz_screen.quiz.position == 2


async def test_a_flagged_question_keeps_the_summary_open_when_everything_is_submitted(
    ctx: AppContext,
) -> None:
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#practice-count", Input).value = "1"
        await pilot.press("p")
        quiz_screen = await _quiz_screen(pilot)
        assert "ctrl+r" not in _footer_keys(pilot), "'Next ⚑' appears once something is flagged"
        await pilot.press(*"Parameters are learned; hyperparameters are chosen before training.")
        await pilot.press("ctrl+g", "ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: pilot.app.screen is quiz_screen, "the quiz again")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the summary")
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        assert str(dialog.query_one("#finish-counts", Static).render()) == "1 submitted, 1 flagged ⚑."
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
