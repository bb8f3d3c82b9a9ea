"""A timed exam paused (escape) and quit (ctrl+q) part-way, then resumed in a new run of the app, shows
in its results the time of every sitting on each question, not only the last one (it showed 00:00 when
the exam was handed in at the deadline on coming back)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

from quiz.context import AppContext
from quiz.tui import messages
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import (
    LIMIT,
    TIMED_BANK,
    SettableClock,
    home_ready,
    install_timed_bank,
    settle,
    start_timed_exam,
    wait_until,
)

pytestmark = pytest.mark.anyio


def _timed_ctx(make_ctx: Callable[[], AppContext]) -> AppContext:
    """A new run of the app on the same data dir, opening on the timed bank (so it offers the exam)."""
    ctx = make_ctx()
    ctx.settings = ctx.settings.model_copy(update={"default_bank": TIMED_BANK})
    return ctx


async def _resume_offered(pilot: Pilot[None]) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
    await pilot.press("enter")


def _results(pilot: Pilot[None]) -> tuple[str, list[str]]:
    """The results' summary line and the Time column."""
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    table: DataTable[str] = screen.query_one("#results-table", DataTable)
    times = [str(table.get_row_at(row)[3]) for row in range(table.row_count)]
    return str(screen.query_one("#results-summary", Static).render()), times


async def test_pause_quit_and_resume_sum_the_time_in_the_results(make_ctx: Callable[[], AppContext]) -> None:
    first = _timed_ctx(make_ctx)
    install_timed_bank(first)
    clock = SettableClock(NOW)
    async with make_app(first, clock=clock).run_test(size=(100, 30)) as pilot:
        screen = await start_timed_exam(pilot)
        session_id = screen.quiz.session_id
        screen.query_one("#answer", TextArea).insert("AI ⊃ ML ⊃ DL")
        clock.now += timedelta(minutes=4)
        await pilot.press("escape", "escape")  # the first leaves the editor (tab indents there)
        await wait_until(pilot, home_ready(pilot), "the home screen")

        pilot.app.post_message(messages.ResumeQuiz(session_id))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed exam")
        clock.now += timedelta(minutes=3)
        await pilot.press("ctrl+q")

    clock.now += timedelta(minutes=5)  # away from the exam: not time spent on a question
    async with make_app(_timed_ctx(make_ctx), clock=clock).run_test(size=(100, 30)) as pilot:
        await _resume_offered(pilot)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed exam")
        clock.now += timedelta(minutes=2)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish summary")
        await pilot.press("enter")  # "Submit all and finish" has the focus
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await settle(pilot)
        summary, times = _results(pilot)

    assert "time 09:00" in summary, summary
    assert times[0] == "09:00" and set(times[1:]) == {"–"}, times
    (answer_id,) = first.repository.get_session(session_id).answer_ids.values()
    assert first.repository.get_answer(answer_id).answer.time_taken_s == 540.0


async def test_an_exam_quit_and_handed_in_at_the_deadline_keeps_its_time(
    make_ctx: Callable[[], AppContext],
) -> None:
    first = _timed_ctx(make_ctx)
    install_timed_bank(first)
    clock = SettableClock(NOW)
    async with make_app(first, clock=clock).run_test(size=(100, 30)) as pilot:
        screen = await start_timed_exam(pilot)
        screen.query_one("#answer", TextArea).insert("AI ⊃ ML ⊃ DL")
        clock.now += timedelta(minutes=6, seconds=30)
        await pilot.press("ctrl+q")

    clock.now = NOW + LIMIT + timedelta(minutes=1)
    async with make_app(_timed_ctx(make_ctx), clock=clock).run_test(size=(100, 30)) as pilot:
        await _resume_offered(pilot)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the hand-in")
        await settle(pilot)
        summary, times = _results(pilot)

    assert "Time is up: 1 typed answer(s) handed in" in summary and "time 06:30" in summary, summary
    assert times[0] == "06:30", times
