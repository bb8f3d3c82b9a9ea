"""Waiting for the app in Pilot tests: workers finish and a condition holds, or the test fails clearly."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.tui import messages
from quiz.tui.screens.browser import BrowserScreen
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen

TIMEOUT_S = 60.0


async def settle(pilot: Pilot[None]) -> None:
    """Let pending messages run and every worker (data loading, grading) finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def steady(pilot: Pilot[None], *, tries: int = 40) -> None:
    """Settle, then pause until two screenshots in a row are identical: a repaint that lands late on a
    loaded machine (a table re-measuring its columns) must not land after a snapshot is taken."""
    await settle(pilot)
    previous = pilot.app.export_screenshot()
    for _ in range(tries):
        await pilot.pause(0.05)
        current = pilot.app.export_screenshot()
        if current == previous:
            return
        previous = current


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def home_ready(pilot: Pilot[None]) -> Callable[[], bool]:
    """True once the home screen shows the progress line (profiles, banks and dashboard are loaded)."""

    def ready() -> bool:
        screen = pilot.app.screen
        if not isinstance(screen, HomeScreen):
            return False
        return "Loading" not in str(screen.query_one("#summary", Static).render())

    return ready


async def wait_for_grade(pilot: Pilot[None], feedback: FeedbackScreen) -> None:
    await wait_until(pilot, lambda: feedback.outcome is not None, "the grade")


async def graded_feedback(pilot: Pilot[None]) -> FeedbackScreen:
    """The feedback screen a submit opens, once its grade is shown."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FeedbackScreen), "the feedback")
    feedback = pilot.app.screen
    assert isinstance(feedback, FeedbackScreen)
    await wait_for_grade(pilot, feedback)
    return feedback


TIMED_BANK = "dl-timed"
LIMIT = timedelta(minutes=30)


@dataclass
class SettableClock:
    """An app clock a test moves on (timed exams, reopening the app later)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def install_timed_bank(ctx: AppContext) -> None:
    """The bundled course as a user bank with a time limit."""
    bundled = ctx.catalog.load("dl-course")
    minutes = LIMIT.total_seconds() / 60
    ctx.catalog.install(
        Bank.model_validate({**bundled.model_dump(), "id": TIMED_BANK, "time_limit_minutes": minutes})
    )


async def start_timed_exam(pilot: Pilot[None]) -> QuizScreen:
    """From the home screen, the timed bank's full exam."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    student = pilot.app.current_student  # type: ignore[attr-defined]
    pilot.app.post_message(messages.StartQuiz(student.id, TIMED_BANK, QuizMode.FULL, None))
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the timed exam")
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def open_browser(pilot: Pilot[None]) -> BrowserScreen:
    """From the home screen, `b` and wait until the question browser has its data."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("b")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, BrowserScreen) and pilot.app.screen.data is not None,
        "the browser",
    )
    await settle(pilot)
    browser = pilot.app.screen
    assert isinstance(browser, BrowserScreen)
    return browser


def rendered(widget: Static | Label) -> str:
    return str(widget.render())


def rows_of(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def finish_to_results(pilot: Pilot[None]) -> ResultsScreen:
    """ctrl+f, 'Submit all and finish', and the results once drawn."""
    await pilot.press("ctrl+f")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish summary")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
    await settle(pilot)
    results = pilot.app.screen
    assert isinstance(results, ResultsScreen)
    return results
