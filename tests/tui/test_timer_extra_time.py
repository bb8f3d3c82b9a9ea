"""The timed exam's countdown says when the student's extra time applies ('(+25 %)', '(+15 min)', the whole
limit in its tooltip, as Moodle shows an overridden time limit) and stays as it was without extra time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot

from quiz.context import AppContext
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.widgets.quiz_timer import QuizTimer
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import TIMED_BANK, SettableClock, install_timed_bank, start_timed_exam

pytestmark = pytest.mark.anyio


def _timed_ctx(make_ctx: Callable[[], AppContext]) -> AppContext:
    ctx = make_ctx()
    ctx.settings = ctx.settings.model_copy(update={"default_bank": TIMED_BANK})
    install_timed_bank(ctx)  # 30 minutes
    return ctx


def _timer(screen: QuizScreen) -> QuizTimer:
    return screen.query_one("#quiz-timer", QuizTimer)


def _quiz_bar(pilot: Pilot[None]) -> str:
    """The quiz bar's line as drawn on the terminal."""
    screen = pilot.app.screen
    bar = screen.query_one("#quiz-bar")
    return screen._compositor.render_strips()[bar.region.y].text


@pytest.mark.parametrize(
    ("percent", "minutes", "left", "limit"),
    [
        (25.0, None, "⏳ 37:30 left (+25 %)", "30 min + 25 % = 37.5 min"),
        (None, 15.0, "⏳ 45:00 left (+15 min)", "30 min + 15 min = 45 min"),
    ],
)
async def test_countdown_says_extra_time_applies(
    make_ctx: Callable[[], AppContext], percent: float | None, minutes: float | None, left: str, limit: str
) -> None:
    ctx = _timed_ctx(make_ctx)
    ctx.repository.set_extra_time(ctx.repository.default_student().id, percent=percent, minutes=minutes)
    clock = SettableClock(NOW)
    async with make_app(ctx, clock=clock).run_test(size=(80, 24)) as pilot:
        screen = await start_timed_exam(pilot)
        timer = _timer(screen)
        assert str(timer.render()) == left
        assert timer.tooltip == f"Time limit: {limit} (your extra time)"
        assert _quiz_bar(pilot).rstrip().endswith(left), _quiz_bar(pilot)

        clock.now = NOW + timedelta(minutes=35)
        await pilot.pause(1.2)
        assert str(timer.render()).endswith(left.split(" left")[1]), "the mark stays as the clock runs"
        assert timer.has_class("-ending") == (percent is not None), "37:30 - 35 min is in the last 5 minutes"


async def test_no_mark_without_extra_time_even_with_another_banks_setting(
    make_ctx: Callable[[], AppContext],
) -> None:
    """Extra time set for another bank only does not apply to this exam: the countdown is unchanged."""
    ctx = _timed_ctx(make_ctx)
    ctx.repository.set_extra_time(ctx.repository.default_student().id, "dl-course", percent=50)
    async with make_app(ctx, clock=SettableClock(NOW)).run_test(size=(80, 24)) as pilot:
        screen = await start_timed_exam(pilot)
        timer = _timer(screen)
        assert str(timer.render()) == "⏳ 30:00 left"
        assert timer.tooltip is None
        assert _quiz_bar(pilot).rstrip().endswith("⏳ 30:00 left"), _quiz_bar(pilot)
