"""Waiting for the app in Pilot tests: workers finish and a condition holds, or the test fails clearly."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static

from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.home import HomeScreen

TIMEOUT_S = 60.0


async def settle(pilot: Pilot[None]) -> None:
    """Let pending messages run and every worker (data loading, grading) finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


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
