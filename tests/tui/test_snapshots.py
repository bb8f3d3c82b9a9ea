"""Every screen at a fixed size, frozen clock, no cursor blink, seeded order (pytest-textual-snapshot).

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update` and look
at the SVGs under tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from quiz.context import AppContext
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import NOW, RECORDED_ANSWER, make_app
from tests.tui.helpers import (
    LIMIT,
    SettableClock,
    home_ready,
    install_timed_bank,
    settle,
    start_timed_exam,
    steady,
    wait_for_grade,
    wait_until,
)
from tests.tui.seed import seed_history, unfinished_full_exam

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[None]], Awaitable[None]]


def _then(*steps: Steps) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        for step in steps:
            await step(pilot)
        await steady(pilot)

    return run


def _press(*keys: str) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.press(*keys)
        await settle(pilot)

    return run


def _screen(kind: type[Any]) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)

    return run


def _table_rows(pilot: Pilot[None]) -> int:
    tables = pilot.app.screen.query(DataTable)
    return tables.first().row_count if tables else 0


async def _answer_first_question(pilot: Pilot[None]) -> None:
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    pilot.app.screen.query_one("#answer", TextArea).insert(RECORDED_ANSWER)
    await pilot.press("ctrl+s")
    feedback = pilot.app.screen
    assert isinstance(feedback, FeedbackScreen)
    await wait_for_grade(pilot, feedback)


def test_home_empty(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then())


def test_home_light_theme_with_history(snap_compare: SnapCompare, ctx: AppContext) -> None:
    seed_history(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(_press("f2")))


def test_quiz_question_with_code(snap_compare: SnapCompare, ctx: AppContext) -> None:
    """Question 5 shows its Keras model as highlighted code."""
    steps = _then(
        _press("n"), _screen(QuizScreen), _press("ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n"), _press(*"En")
    )
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=steps)


def test_quiz_english_prompt_with_timer(snap_compare: SnapCompare, ctx: AppContext) -> None:
    steps = _then(_press("n"), _screen(QuizScreen), _press("ctrl+l", "ctrl+t"))
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=steps)


def test_feedback(snap_compare: SnapCompare, recorded_ctx: AppContext) -> None:
    assert snap_compare(
        make_app(recorded_ctx), terminal_size=(100, 36), run_before=_then(_answer_first_question)
    )


def test_feedback_at_80x24(snap_compare: SnapCompare, recorded_ctx: AppContext) -> None:
    assert snap_compare(
        make_app(recorded_ctx), terminal_size=(80, 24), run_before=_then(_answer_first_question)
    )


def test_results(snap_compare: SnapCompare, recorded_ctx: AppContext) -> None:
    finish = (_press("ctrl+f"), _screen(FinishDialog), _press("enter"), _screen(ResultsScreen))
    steps = _then(_answer_first_question, *finish)
    assert snap_compare(make_app(recorded_ctx), terminal_size=(80, 24), run_before=steps)


def test_finish_summary(snap_compare: SnapCompare, recorded_ctx: AppContext) -> None:
    """Question 2 typed but not submitted, the rest not answered."""
    steps = _then(
        _answer_first_question, _press("n"), _screen(QuizScreen), _press(*"Keras"), _press("ctrl+f")
    )
    assert snap_compare(make_app(recorded_ctx), terminal_size=(80, 24), run_before=steps)


def test_history(snap_compare: SnapCompare, ctx: AppContext) -> None:
    seed_history(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(_press("h")))


def test_history_empty(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(_press("h")))


@pytest.mark.parametrize("tab", ["over-time", "topics", "mastery", "forecast"])
def test_progress(snap_compare: SnapCompare, ctx: AppContext, tab: str) -> None:
    seed_history(ctx)

    async def show_tab(pilot: Pilot[None]) -> None:
        pilot.app.screen.query_one("#progress-tabs").active = tab  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(_press("g"), show_tab))


def test_progress_empty(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(_press("g")))


def test_review_queue(snap_compare: SnapCompare, ctx: AppContext) -> None:
    seed_history(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(100, 30), run_before=_then(_press("r")))


def test_review_queue_deciding_key_points(snap_compare: SnapCompare, ctx: AppContext) -> None:
    """The first key point cycled to partial, the third to missing: the score input follows."""
    seed_history(ctx)
    steps = _then(_press("r"), _press("enter", "space", "down", "down", "space", "space"))
    assert snap_compare(make_app(ctx), terminal_size=(100, 30), run_before=steps)


def test_review_queue_empty(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(_press("r")))


def test_resume_dialog(snap_compare: SnapCompare, ctx: AppContext) -> None:
    unfinished_full_exam(ctx, 3, "Dropout stänger av slumpvisa neuroner")

    async def offered(pilot: Pilot[None]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")

    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=offered)


def test_new_profile_dialog(snap_compare: SnapCompare, ctx: AppContext) -> None:
    async def typed(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+o")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "Alva"

    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_then(typed))


def test_disagree_dialog(snap_compare: SnapCompare, recorded_ctx: AppContext) -> None:
    steps = _then(_answer_first_question, _press("d"), _press(*"I covered the hierarchy"))
    assert snap_compare(make_app(recorded_ctx), terminal_size=(80, 24), run_before=steps)


def test_timed_exam_in_its_last_minutes(snap_compare: SnapCompare, ctx: AppContext) -> None:
    """The countdown replaces the elapsed time, in the error colour for the last five minutes."""
    install_timed_bank(ctx)
    clock = SettableClock(NOW)

    async def last_minutes(pilot: Pilot[None]) -> None:
        await start_timed_exam(pilot)
        clock.now = NOW + LIMIT - timedelta(minutes=4, seconds=30)
        await pilot.pause(1.2)
        pilot.app.clear_notifications()  # the warning toast times out; a Pilot test checks it
        await settle(pilot)

    assert snap_compare(make_app(ctx, clock=clock), terminal_size=(80, 24), run_before=last_minutes)
