"""The "I disagree" dialog with a Swedish grade's words at the narrowest size (80x24): the longer Swedish
title, question and 'Begär omprövning' button fit whole, as the English ones do (test_snapshots'
test_disagree_dialog). Over the home screen, so only the dialog's own words can change the picture; which
answer gets the Swedish words is tested through the real app in test_history_language."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from quiz.context import AppContext
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.widgets.grade_notes import SWEDISH_LABELS
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, steady, wait_until

SnapCompare = Callable[..., bool]


async def _swedish_dialog(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.app.push_screen(DisagreeDialog(labels=SWEDISH_LABELS))
    await pilot.press(*"Jag nämnde hierarkin")
    await steady(pilot)


def test_swedish_disagree_dialog(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_swedish_dialog)
