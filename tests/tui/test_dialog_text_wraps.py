"""A dialog's long line wraps inside the dialog at 80 columns instead of being cut at its edge."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from quiz.context import AppContext
from quiz.tui.screens.resume_dialog import ResumeDialog
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import LIMIT, SettableClock, install_timed_bank, settle, start_timed_exam, wait_until

pytestmark = pytest.mark.anyio


async def test_the_time_ran_out_note_of_the_resume_offer_is_shown_whole_at_80_columns(
    make_ctx: Callable[[], AppContext],
) -> None:
    ctx = make_ctx()
    ctx.settings = ctx.settings.model_copy(update={"default_bank": "dl-timed"})
    install_timed_bank(ctx)
    clock = SettableClock(NOW)
    async with make_app(ctx, clock=clock).run_test(size=(80, 24)) as pilot:
        await start_timed_exam(pilot)
        await pilot.press("ctrl+q")
    clock.now = NOW + 2 * LIMIT
    reopened = make_ctx()
    reopened.settings = ctx.settings
    async with make_app(reopened, clock=clock).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        await settle(pilot)
        screen = pilot.app.export_screenshot().replace("&#160;", " ")
        assert "resuming hands in the answers you" in screen
        assert "typed." in screen
