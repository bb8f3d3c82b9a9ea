"""The theme chosen in the app (f2, or Theme in the command palette) is written into the user's
config.toml and the next run starts in it (before, every run started dark)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable

import pytest

from quiz.context import AppContext
from quiz.settings import Settings, default_config_file
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio


def _reopened(make_ctx: Callable[[], AppContext]) -> AppContext:
    """A context as a new run builds it: settings read again from the environment and config.toml."""
    ctx = make_ctx()
    ctx.settings = Settings(model=ctx.settings.model)
    return ctx


async def test_the_chosen_theme_is_the_next_runs_theme(make_ctx: Callable[[], AppContext]) -> None:
    config = default_config_file()
    config.parent.mkdir(parents=True)
    config.write_text('# my settings\ndefault_bank = "dl-course"\n', encoding="utf-8")

    async with make_app(_reopened(make_ctx)).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert pilot.app.theme == "textual-dark"
        await pilot.press("f2")
        await settle(pilot)
        assert pilot.app.theme == "textual-light"
    text = config.read_text(encoding="utf-8")
    assert "# my settings" in text, "the rest of the file is kept"
    assert tomllib.loads(text) == {"theme": "textual-light", "default_bank": "dl-course"}

    async with make_app(_reopened(make_ctx)).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert pilot.app.theme == "textual-light"
        await pilot.press("f2")
        await settle(pilot)
    assert tomllib.loads(config.read_text(encoding="utf-8"))["theme"] == "textual-dark"

    async with make_app(_reopened(make_ctx)).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert pilot.app.theme == "textual-dark"


async def test_an_unknown_theme_setting_is_named_and_the_app_starts_dark(
    make_ctx: Callable[[], AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENTA_THEME", "solarised-pink")
    async with make_app(_reopened(make_ctx)).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert pilot.app.theme == "textual-dark"
        shown = [str(notification.message) for notification in pilot.app._notifications]
        assert any("'solarised-pink'" in message for message in shown), shown
