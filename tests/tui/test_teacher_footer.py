"""Every key a teacher needs on the review queue and the answer groups is on screen in the footer, with f1
(the key list), at the terminal sizes the snapshots use (a key cut off at the right edge cannot be
discovered)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from quiz.context import AppContext
from quiz.tui.screens.review_queue import ReviewQueueScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until
from tests.tui.seed import seed_history
from tests.tui.test_answer_groups import open_groups, seed_real

pytestmark = pytest.mark.anyio


def visible_footer_keys(pilot: Pilot[None]) -> set[str]:
    """The actions whose footer key lies wholly inside the terminal and left of the command palette's key
    (docked at the right edge, drawn over whatever reaches under it; a narrow quiz footer leaves it out)."""
    keys = list(pilot.app.screen.query(FooterKey))
    palette = [key.region.x for key in keys if key.action == "command_palette" and key.region.width]
    edge = min(palette, default=pilot.app.size.width)
    return {
        key.action
        for key in keys
        if key.action != "command_palette" and key.region.width and key.region.right <= edge
    }


async def test_the_review_queue_footer_shows_every_teacher_key_at_100_columns(ctx: AppContext) -> None:
    seed_history(ctx)
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewQueueScreen), "the review queue")
        await pilot.press("enter")
        await settle(pilot)
        shown = visible_footer_keys(pilot)
    assert {"back", "save", "accept", "groups", "point_stats", "toggle_names", "select", "show_keys"} <= shown


async def test_the_answer_groups_footer_shows_every_teacher_key_at_120_columns(ctx: AppContext) -> None:
    seed_real(ctx)
    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_groups(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = visible_footer_keys(pilot)
    expected = {"back", "apply", "tighter", "looser", "confirm", "move", "take_out", "merge", "release"}
    assert expected | {"toggle_names", "select", "show_keys"} <= shown
