"""A student's sessions with the bundled exam (QA, session 15): the real app (Pilot) on a real SQLite file
with the real MiniLM grader."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from quiz.context import AppContext
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.keys_dialog import screen_keys
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.session_detail import SessionDetailScreen
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


DRAFT = "Vikten w[i] gånger x[i], och h[t-1] är förra tillståndet [/]"
REASON = "Jag skrev att AI [b]omfattar[/b] ML, se rad [i] [/]"


async def test_a_students_draft_and_regrade_reason_are_shown_as_typed_in_history(ctx: AppContext) -> None:
    """Square brackets a student types (w[i], h[t-1], even '[/]') are text, not markup: history showed the
    draft of a paused quiz as 'Vikten w gånger x, och h är förra tillståndet' and a '[/]' in the regrade
    reason or the filter stopped the app with a MarkupError."""
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press("ctrl+n", *"AI omfattar maskininlärning.", "ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DisagreeDialog), "the reason")
        await pilot.press(*REASON, "enter")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "back to the question")
        await pilot.press("ctrl+b", *DRAFT, "escape", "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")

        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen), "history")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the session")
        await settle(pilot)
        detail = pilot.app.screen
        assert str(detail.query_one("#detail-empty", Static).render()).endswith(
            f"Unsubmitted draft:\n{DRAFT}"
        )
        await pilot.press("down")
        await settle(pilot)
        flags = str(detail.query_one(".av-flags", Static).render())
        assert flags.endswith(f"regrade requested: {REASON}")

        await pilot.press("escape", "/", *"[/]")
        await settle(pilot)
        history = pilot.app.screen
        assert isinstance(history, HistoryScreen)
        assert str(history.query_one("#history-empty", Static).render()) == "No session matches “[/]”."
