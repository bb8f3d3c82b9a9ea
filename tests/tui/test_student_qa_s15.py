"""A student's sessions with the bundled exam (QA, session 15): the real app (Pilot) on a real SQLite file
with the real MiniLM grader."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Button

from quiz.context import AppContext
from quiz.tui.screens.keys_dialog import screen_keys
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


async def test_the_scroll_keys_read_the_whole_feedback_while_next_has_the_focus(ctx: AppContext) -> None:
    """At 80x24 the key points, the answer and the reference answer run far below the edge; the focus rests
    on Next (enter goes on), and pgdn, ↓, end, ↑, pgup and home still scroll the feedback."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"AI omfattar maskininlärning.")
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        scroll = feedback.query_one("#feedback", VerticalScroll)
        assert scroll.max_scroll_y > 40, "the feedback is several screens long at 80x24"
        assert isinstance(pilot.app.focused, Button) and pilot.app.focused.id == "next"

        positions = []
        for key in ("pagedown", "down", "end", "up", "pageup", "home"):
            await pilot.press(key)
            await settle(pilot)
            positions.append(scroll.scroll_y)
        page = scroll.scrollable_content_region.height
        assert positions == [
            page,
            page + 1,
            scroll.max_scroll_y,
            scroll.max_scroll_y - 1,
            scroll.max_scroll_y - 1 - page,
            0,
        ]
        assert pilot.app.focused.id == "next", "the focus stays on Next, so enter still goes on"
        assert "Read on" in [row.description for row in screen_keys(feedback)], "f1 lists the keys"
