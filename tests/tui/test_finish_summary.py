"""Finishing a quiz lists what is not submitted and hands typed answers in (Moodle's summary of attempt)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from db.records import SessionStatus
from quiz.context import AppContext
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_until

pytestmark = pytest.mark.anyio

TYPED = "Parameters are learned from the data; hyperparameters are chosen before training."


async def _full_exam(pilot: Pilot[None]) -> QuizScreen:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def _open_summary(pilot: Pilot[None]) -> FinishDialog:
    await pilot.press("ctrl+f")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the summary")
    dialog = pilot.app.screen
    assert isinstance(dialog, FinishDialog)
    return dialog


def _rows(dialog: FinishDialog) -> list[list[str]]:
    table: DataTable[str] = dialog.query_one("#finish-items", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_typed_answers_left_unsubmitted_are_handed_in_at_the_finish(ctx: AppContext) -> None:
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(100, 30)) as pilot:
        quiz_screen = await _full_exam(pilot)
        await pilot.press(*TYPED)
        await pilot.press("ctrl+n")  # moved on without ctrl+s: only a draft
        assert quiz_screen.quiz.position == 1
        dialog = await _open_summary(pilot)
        rows = _rows(dialog)
        assert rows[0] == ["1", rows[0][1], "typed, not submitted"]
        assert [row[2] for row in rows[1:]] == ["not answered"] * 11
        counts = str(dialog.query_one("#finish-counts", Static).render())
        assert "1 typed, not submitted" in counts and "11 not answered" in counts
        await pilot.press("enter")  # "Submit all and finish" has the focus
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await settle(pilot)
        summary = str(pilot.app.screen.query_one("#results-summary", Static).render())
        assert "1 typed answer(s) submitted at the finish" in summary
    (session,) = ctx.repository.history()
    assert session.status is SessionStatus.FINISHED
    detail = ctx.repository.session_detail(session.session_id)
    answered = [item for item in detail.items if item.answer is not None]
    assert len(answered) == 1 and answered[0].answer is not None
    assert answered[0].answer.answer.text == TYPED
    assert answered[0].answer.final_score is not None  # graded, not left as a draft


async def test_the_summary_returns_to_the_quiz_or_to_a_chosen_question(ctx: AppContext) -> None:
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(100, 30)) as pilot:
        quiz_screen = await _full_exam(pilot)
        await _open_summary(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is quiz_screen, "the quiz again")
        assert quiz_screen.quiz.position == 0
        dialog = await _open_summary(pilot)
        dialog.query_one("#finish-items", DataTable).focus()
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: pilot.app.screen is quiz_screen, "the chosen question")
        assert quiz_screen.quiz.position == 2
        assert "3/12" in str(quiz_screen.query_one("#quiz-position").render())
    (session,) = ctx.repository.history()
    assert session.status is SessionStatus.IN_PROGRESS


async def test_a_quiz_with_every_answer_submitted_finishes_at_once(ctx: AppContext) -> None:
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#practice-count", Input).value = "1"
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*TYPED)
        await pilot.press("ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        assert not any(isinstance(screen, FinishDialog) for screen in pilot.app.screen_stack)
