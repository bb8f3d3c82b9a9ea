"""Notifications show their text as written, whoever sends them (the app, a screen or a widget)."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast

from quiz.context import AppContext
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


async def test_a_name_in_brackets_and_a_closing_tag_are_shown_as_written(ctx: AppContext) -> None:
    """Helper 74: 'Switched to profile Åsa Öberg [ht25].' lost '[ht25]', and a '[/]' in a message stopped
    the app with a MarkupError. A screen's notify passes markup=True to the app's; the toast renders
    what the stored notification says."""
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.notify("Switched to profile Åsa Öberg [ht25].")
        pilot.app.notify("Could not read kurs[/]frågor.csv", severity="error")
        await settle(pilot)
        notifications = list(pilot.app._notifications)
        toasts = [Toast(notification) for notification in notifications]
        await pilot.app.screen.mount_all(toasts)
        shown = [str(toast.render()) for toast in toasts]
        assert shown == ["Switched to profile Åsa Öberg [ht25].", "Could not read kurs[/]frågor.csv"]
