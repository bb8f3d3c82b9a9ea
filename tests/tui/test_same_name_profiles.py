"""Two profiles with one name: the profile list tells them apart by id, and typing the shared name as a
new profile says so instead of guessing (or crashing the app)."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from quiz.context import AppContext
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.profile_dialog import ProfileDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio
ANNA = "Anna Öberg"


async def test_namesakes_are_told_apart_and_a_shared_name_is_never_guessed(ctx: AppContext) -> None:
    first = ctx.repository.get_or_create_student(ANNA, "anna.oberg@uni.se")
    second = ctx.repository.get_or_create_student(ANNA, "anna.oberg2@uni.se")
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        overlay = home.query_one("#profile", Select).query_one(SelectOverlay)
        labels = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert f"{ANNA} (anna.oberg@uni.se)" in labels and f"{ANNA} (anna.oberg2@uni.se)" in labels
        assert "local" in labels, "a name nobody shares is shown as it is"
        before = app.current_student

        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProfileDialog), "the profile dialog")
        await pilot.press(*ANNA, "enter")
        await settle(pilot)

        assert pilot.app.is_running and isinstance(pilot.app.screen, HomeScreen)
        assert app.current_student == before
        shown = [str(notification.message) for notification in pilot.app._notifications]
        assert any(f"2 profiles are named {ANNA!r}" in message for message in shown), shown
    assert {student.id for student in ctx.repository.list_students()} >= {first.id, second.id}
    assert len(ctx.repository.list_students()) == 3, "no third Anna was made"
