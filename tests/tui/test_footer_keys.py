"""Every key hint the footer shows is whole on screen — read from the rendered bottom row — on the quiz and
the question browser at 100 and 80 columns, with the most keys those screens ever offer (a flagged
question, a question with media, the filter box focused). The keys the footer leaves out on a narrow
terminal still work, and f1 lists every key of the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select
from textual.widgets._footer import FooterKey

from question_bank.formats.anki import import_anki
from question_bank.formats.media import read_media
from question_bank.formats.media_files import bank_media_names
from quiz.context import AppContext
from quiz.settings import Settings
from quiz.tui.screens.keys_dialog import KeysDialog
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.widgets.key_footer import KeyFooter
from tests.question_bank.test_media import ANATOMY_FILES, ANATOMY_NOTES, write_media_package
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, open_browser, settle, wait_until

pytestmark = pytest.mark.anyio

QUIZ_MAIN = {"submit", "move(1)", "move(-1)", "toggle_flag", "finish", "toggle_suspend", "leave", "show_keys"}
"""The quiz keys the footer shows at 80 columns too."""
BROWSER_MAIN = {"next_sort", "toggle_suspend", "practice", "show_keys", "command_palette"}
PALETTE = "command_palette"


def drawn_rows(pilot: Pilot[None]) -> list[str]:
    """The terminal's rows as drawn, as text."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def shown_footer_keys(pilot: Pilot[None]) -> set[str]:
    """The actions whose hint is in the footer ("command_palette" for ctrl+p's), after checking that each
    is drawn whole: its key and description are in the bottom row, inside the terminal, and left of the
    palette's key (docked at the right edge, drawn over whatever reaches under it)."""
    row = drawn_rows(pilot)[-1]
    keys = [key for key in pilot.app.screen.query_one(KeyFooter).query(FooterKey) if key.display]
    palettes = [key for key in keys if key.action == PALETTE]
    edge = palettes[0].region.x if palettes else pilot.app.size.width
    shown = set()
    for key in keys:
        hint = f"{key.key_display} {key.description}"
        drawn = key.content_region.width
        assert drawn == len(hint), f"{hint!r} is drawn {drawn} wide"
        assert hint in row, f"{hint!r} is not whole in the footer: {row!r}"
        limit = pilot.app.size.width if key.action == PALETTE else edge
        assert key.region.right <= limit, f"{hint!r} reaches past column {limit}: {row!r}"
        shown.add(key.action)
    return shown


async def start_quiz(pilot: Pilot[None]) -> QuizScreen:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def test_the_quiz_footer_at_100_and_80_columns(tui_settings: Settings) -> None:
    app = make_app(AppContext(tui_settings))
    async with app.run_test(size=(100, 30)) as pilot:
        quiz_screen = await start_quiz(pilot)
        assert shown_footer_keys(pilot) == QUIZ_MAIN | {"toggle_language", PALETTE}
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert shown_footer_keys(pilot) == QUIZ_MAIN | {"toggle_language", PALETTE}, "the status names ctrl+r"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert shown_footer_keys(pilot) == QUIZ_MAIN, "the minor keys make room"
        await pilot.press("ctrl+l")  # left out of the footer, still working
        await settle(pilot)
        assert quiz_screen.language == "en"
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert shown_footer_keys(pilot) == QUIZ_MAIN | {"toggle_language", "next_flagged", PALETTE}


async def test_a_flagged_question_with_media_at_100_columns(tui_settings: Settings, tmp_path: Path) -> None:
    """The most keys the quiz offers at once: Media and Next ⚑ besides the rest, which the media and status
    lines name."""
    package = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    bank = import_anki(package)
    ctx = AppContext(tui_settings)
    ctx.catalog.install(bank, media=read_media(package, bank_media_names(bank)))
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#bank", Select).value = "anatomy"
        await pilot.pause()
        await start_quiz(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert shown_footer_keys(pilot) == QUIZ_MAIN | {"toggle_language", PALETTE}, (
            "the media line names ctrl+o"
        )


async def test_the_browser_footer_at_100_and_80_columns(tui_settings: Settings) -> None:
    app = make_app(AppContext(tui_settings))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browser(pilot)
        every = BROWSER_MAIN | {"back", "focus_filter", "toggle_all", "toggle_language"}
        assert shown_footer_keys(pilot) == every
        await pilot.press("k")  # typing starts the filter: esc now clears it, a longer hint
        await settle(pilot)
        assert shown_footer_keys(pilot) == every - {"back", "focus_filter"} | {"clear_filter"}
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert BROWSER_MAIN | {"clear_filter"} <= shown_footer_keys(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert BROWSER_MAIN | {"back", "toggle_all"} <= shown_footer_keys(pilot)


async def test_f1_lists_every_key_of_the_screen_also_those_left_out(tui_settings: Settings) -> None:
    app = make_app(AppContext(tui_settings))
    async with app.run_test(size=(80, 24)) as pilot:
        quiz_screen = await start_quiz(pilot)
        assert {"toggle_language", "toggle_timer"}.isdisjoint(shown_footer_keys(pilot))
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, KeysDialog), "the key list")
        dialog = pilot.app.screen
        assert isinstance(dialog, KeysDialog)
        listed = {row.keys: row.description for row in dialog.rows}
        assert listed["f4"] == "Suspend" and listed["ctrl+l"] == "Language" and listed["ctrl+t"] == "Timer"
        assert listed["ctrl+s"] == "Submit" and listed["esc"] == "Pause" and listed["f2"] == "Light/dark"
        assert not any(description.startswith("Cursor") for description in listed.values()), (
            "the answer box's editing keys are not the screen's"
        )
        assert any(
            row.split()[1:3] == ["f4", "Suspend"] and "Suspend this question" in row
            for row in drawn_rows(pilot)
        ), "drawn in the list"
        await pilot.press("f1")
        await wait_until(pilot, lambda: pilot.app.screen is quiz_screen, "the quiz again")
        help_of = {command.title: command.help for command in app.get_system_commands(quiz_screen)}
        assert help_of["Suspend"].endswith("Key: f4.") and help_of["Keys"].endswith("Key: f1.")
