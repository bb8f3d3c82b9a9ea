"""f1 lists the keys over the finish-quiz dialog too, as on every other screen; closing the list returns to
the dialog, which still decides what happens to the quiz."""

from __future__ import annotations

import pytest

from quiz.context import AppContext
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.keys_dialog import KeysDialog
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, wait_until

pytestmark = pytest.mark.anyio


async def test_f1_lists_the_finish_dialogs_keys_and_closes_back_to_it(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish dialog")
        dialog = pilot.app.screen

        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, KeysDialog), "the key list")

        keys = pilot.app.screen
        assert isinstance(keys, KeysDialog)
        listed = {row.keys: row.description for row in keys.rows}
        assert listed["esc"] == "Return to the quiz"
        assert "Submit" not in listed.values(), "the dialog's keys, not those of the quiz below it"
        await pilot.press("f1")
        await wait_until(pilot, lambda: pilot.app.screen is dialog, "the finish dialog again")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz again")
